"""Bad input: every failing field is named, with a message saying the rule and the value.

Each case starts from the README's valid plan (examples/q1-store-plan.json), changes one
thing, and checks WHICH field failed (``FieldProblem.field``) and the exact message.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.errors import FieldProblem, PlanInvalid, parse_plan, parse_plan_json
from planner.models import Plan

Change = Callable[[dict[str, Any]], None]
DELETE = object()
STORE_STAGE_NAMES = "'Sessions', 'Product views', 'Add to cart', 'Checkout', 'Purchase'"


def put(path: str, value: Any) -> Change:
    """A change setting (or, with ``DELETE``, removing) the value at ``stages.2.name``."""
    *parents, last = [int(part) if part.isdigit() else part for part in path.split(".")]

    def change(data: dict[str, Any]) -> None:
        target: Any = data
        for part in parents:
            target = target[part]
        if value is DELETE:
            del target[last]
        else:
            target[last] = value

    return change


def stages(*names_and_rates: tuple[str, float | None]) -> list[dict[str, Any]]:
    return [
        {"name": name} if rate is None else {"name": name, "conversion_rate": rate}
        for name, rate in names_and_rates
    ]


NINE_STAGES = stages(("Top", None), *((f"Stage {i}", 0.5) for i in range(1, 8)), ("Purchase", 0.5))


def problems_of(data: Any) -> list[FieldProblem]:
    with pytest.raises(PlanInvalid) as raised:
        parse_plan(data)
    assert raised.value.problems, "PlanInvalid must carry at least one problem"
    return raised.value.problems


ONE_PROBLEM_CASES = [
    # --- conversion rates
    pytest.param(
        put("stages.2.conversion_rate", 1.2),
        "stages[2].conversion_rate",
        "must be > 0 and ≤ 1, got 1.2",
        id="rate-above-one",
    ),
    pytest.param(
        put("stages.2.conversion_rate", 0),
        "stages[2].conversion_rate",
        "must be > 0 and ≤ 1, got 0",
        id="rate-zero",
    ),
    pytest.param(
        put("stages.1.conversion_rate", -0.45),
        "stages[1].conversion_rate",
        "must be > 0 and ≤ 1, got -0.45",
        id="rate-negative",
    ),
    pytest.param(
        put("stages.4.conversion_rate", 1e-9),
        "stages[4].conversion_rate",
        "must be at least 1e-06, got 1e-09",
        id="rate-below-practical-floor",
    ),
    pytest.param(
        put("stages.2.conversion_rate", "12%"),
        "stages[2].conversion_rate",
        'must be a number, got "12%"',
        id="rate-percent-string",
    ),
    pytest.param(
        put("stages.2.conversion_rate", float("nan")),
        "stages[2].conversion_rate",
        "must be a finite number, got nan",
        id="rate-nan",
    ),
    pytest.param(
        put("stages.3.conversion_rate", DELETE),
        "stages[3].conversion_rate",
        "required: the share of 'Add to cart' that reaches 'Checkout'",
        id="rate-missing-on-later-stage",
    ),
    pytest.param(
        put("stages.0.conversion_rate", 0.5),
        "stages[0].conversion_rate",
        "the first stage ('Sessions') has no previous stage, so it takes no rate",
        id="rate-on-first-stage",
    ),
    # --- stages
    pytest.param(
        put("stages", stages(("Purchase", None))),
        "stages",
        "must have 2 to 8 stages, got 1",
        id="one-stage",
    ),
    pytest.param(
        put("stages", NINE_STAGES), "stages", "must have 2 to 8 stages, got 9", id="nine-stages"
    ),
    pytest.param(put("stages", []), "stages", "must have 2 to 8 stages, got 0", id="no-stages"),
    pytest.param(
        put("stages", {"name": "Sessions"}),
        "stages",
        'must be a list, got {"name": "Sessions"}',
        id="stages-not-a-list",
    ),
    pytest.param(
        put("stages.3.name", "add to CART"),
        "stages[3].name",
        "'add to CART' is already the name of stages[2]; stage names must be unique",
        id="duplicate-name-any-case",
    ),
    pytest.param(put("stages.1.name", ""), "stages[1].name", "must not be empty", id="empty-name"),
    pytest.param(
        put("stages.1.name", "   "), "stages[1].name", "must not be empty", id="blank-name"
    ),
    pytest.param(
        put("stages.1.name", "x" * 81),
        "stages[1].name",
        "must be at most 80 characters long, got 81",
        id="name-too-long",
    ),
    pytest.param(
        put("stages.1.name", 7), "stages[1].name", "must be text, got 7", id="name-not-text"
    ),
    pytest.param(
        put("stages.1", "Product views"),
        "stages[1]",
        'must be an object, got "Product views"',
        id="stage-not-an-object",
    ),
    # --- acquisition cost
    pytest.param(
        put("acquisition_cost.stage", "Visits"),
        "acquisition_cost.stage",
        f"'Visits' is not a stage; use one of {STORE_STAGE_NAMES}",
        id="cost-stage-unknown",
    ),
    pytest.param(
        put(
            "acquisition_cost",
            {
                "stage": "Sessions",
                "cost_per_unit": 1,
                "cost_per_mille": 5,
                "click_through_rate": 0.01,
            },
        ),
        "acquisition_cost.cost_per_unit",
        "give either cost_per_unit or cost_per_mille with click_through_rate, not both",
        id="cost-per-unit-and-per-mille",
    ),
    pytest.param(
        put("acquisition_cost", {"stage": "Sessions", "cost_per_mille": 5}),
        "acquisition_cost.click_through_rate",
        "required when paying per 1,000 impressions",
        id="cpm-without-ctr",
    ),
    pytest.param(
        put("acquisition_cost", {"stage": "Sessions", "click_through_rate": 0.01}),
        "acquisition_cost.cost_per_mille",
        "required when paying per 1,000 impressions",
        id="ctr-without-cpm",
    ),
    pytest.param(
        put("acquisition_cost", {"stage": "Sessions"}),
        "acquisition_cost.cost_per_unit",
        "required (or cost_per_mille with click_through_rate)",
        id="cost-without-amount",
    ),
    pytest.param(
        put("acquisition_cost.cost_per_unit", -25),
        "acquisition_cost.cost_per_unit",
        "must be ≥ 0 and ≤ 1,000,000,000,000, got -25",
        id="cost-negative",
    ),
    pytest.param(
        put(
            "acquisition_cost", {"stage": "Sessions", "cost_per_mille": 5, "click_through_rate": 2}
        ),
        "acquisition_cost.click_through_rate",
        "must be > 0 and ≤ 1, got 2",
        id="ctr-above-one",
    ),
    # --- money
    *(
        pytest.param(put(field, value), field, message, id=f"{field}-{label}")
        for field in ("revenue_target", "average_order_value")
        for value, message, label in [
            (-5, "must be > 0 and ≤ 1,000,000,000,000, got -5", "negative"),
            (0, "must be > 0 and ≤ 1,000,000,000,000, got 0", "zero"),
            (float("nan"), "must be a finite number, got nan", "nan"),
            (float("inf"), "must be a finite number, got inf", "infinite"),
            ("lots", 'must be a number, got "lots"', "string"),
            (None, "required", "null"),
            (0.001, "must be at least 0.01, got 0.001", "below-a-cent"),
            (2e12, "must be > 0 and ≤ 1,000,000,000,000, got 2e+12", "too-large"),
            (DELETE, "required", "missing"),
        ]
    ),
    pytest.param(
        put("orders_per_customer", 0.5),
        "orders_per_customer",
        "must be ≥ 1 and ≤ 1,000, got 0.5",
        id="orders-per-customer-below-one",
    ),
    pytest.param(
        put("gross_margin", 1.5), "gross_margin", "must be ≥ 0 and ≤ 1, got 1.5", id="margin-1.5"
    ),
    pytest.param(
        put("gross_margin", -0.1),
        "gross_margin",
        "must be ≥ 0 and ≤ 1, got -0.1",
        id="margin-negative",
    ),
    pytest.param(
        put("currency", "dollars"),
        "currency",
        "must be a 3-letter ISO 4217 code such as USD or SAR, got 'dollars'",
        id="currency-word",
    ),
    pytest.param(put("currency", 840), "currency", "must be text, got 840", id="currency-number"),
    # --- returning customers
    pytest.param(
        put("returning_customers", {"active_customers": 10.5}),
        "returning_customers.active_customers",
        "must be a whole number, got 10.5",
        id="returning-fractional-customers",
    ),
    pytest.param(
        put("returning_customers", {"active_customers": -1}),
        "returning_customers.active_customers",
        "must be ≥ 0 and ≤ 1,000,000,000,000, got -1",
        id="returning-negative-customers",
    ),
    pytest.param(
        put("returning_customers", {"active_customers": 100, "repeat_purchase_rate": 1.5}),
        "returning_customers.repeat_purchase_rate",
        "must be ≥ 0 and ≤ 1, got 1.5",
        id="returning-repeat-rate-above-one",
    ),
    # --- period
    pytest.param(
        put("period.end", "2026-12-31"),
        "period.end",
        "must be on or after start (2027-01-01), got 2026-12-31",
        id="period-end-before-start",
    ),
    pytest.param(
        put("period.end", "2031-01-01"),
        "period.end",
        "a period may last at most 3 years",
        id="period-too-long",
    ),
    pytest.param(
        put("period.start", "2027-13-01"),
        "period.start",
        'must be a date like 2027-01-31, got "2027-13-01"',
        id="date-month-13",
    ),
    pytest.param(
        put("period.end", "end of March"),
        "period.end",
        'must be a date like 2027-01-31, got "end of March"',
        id="date-words",
    ),
    pytest.param(put("period", DELETE), "period", "required", id="period-missing"),
    pytest.param(
        put("period", "Q1 2027"),
        "period",
        'must be an object, got "Q1 2027"',
        id="period-not-an-object",
    ),
    # --- unknown fields and format version
    pytest.param(
        put("revenue_targt", 120000),
        "revenue_targt",
        "unknown field; did you mean 'revenue_target'?",
        id="unknown-field-typo",
    ),
    pytest.param(
        put("stages.1.conversion", 0.45),
        "stages[1].conversion",
        "unknown field; did you mean 'conversion_rate'?",
        id="unknown-field-in-a-stage",
    ),
    pytest.param(
        put("period.begin", "2027-01-01"),
        "period.begin",
        "unknown field; known fields: end, start",
        id="unknown-field-no-close-match",
    ),
    pytest.param(
        put("schema_version", 2), "schema_version", "must be 1, got 2", id="schema-version"
    ),
]


@pytest.mark.parametrize(("change", "field", "message"), ONE_PROBLEM_CASES)
def test_one_bad_field_is_named_with_its_own_message(
    example_plan_data: dict[str, Any], change: Change, field: str, message: str
) -> None:
    change(example_plan_data)

    [problem] = problems_of(example_plan_data)

    assert problem.field == field
    assert problem.message == message
    assert str(problem) == f"{field}: {message}"


def test_rate_above_one_reads_exactly(example_plan_data: dict[str, Any]) -> None:
    """The brief's example message, as a whole line."""
    example_plan_data["stages"][2]["conversion_rate"] = 1.2

    with pytest.raises(PlanInvalid) as raised:
        parse_plan(example_plan_data)

    assert str(raised.value) == "stages[2].conversion_rate: must be > 0 and ≤ 1, got 1.2"
    assert raised.value.fields() == {"stages[2].conversion_rate"}


def test_several_field_problems_are_each_reported(example_plan_data: dict[str, Any]) -> None:
    example_plan_data["stages"][2]["conversion_rate"] = 1.2
    example_plan_data["revenue_target"] = -1
    example_plan_data["currency"] = "dollars"
    example_plan_data["period"]["start"] = "soon"

    problems = {problem.field: problem.message for problem in problems_of(example_plan_data)}

    assert problems == {
        "stages[2].conversion_rate": "must be > 0 and ≤ 1, got 1.2",
        "revenue_target": "must be > 0 and ≤ 1,000,000,000,000, got -1",
        "currency": "must be a 3-letter ISO 4217 code such as USD or SAR, got 'dollars'",
        "period.start": 'must be a date like 2027-01-31, got "soon"',
    }


def test_several_rule_problems_are_each_reported(example_plan_data: dict[str, Any]) -> None:
    del example_plan_data["stages"][2]["conversion_rate"]
    example_plan_data["stages"][0]["conversion_rate"] = 0.9
    example_plan_data["stages"][4]["name"] = "sessions"
    example_plan_data["acquisition_cost"]["stage"] = "Purchase"

    problems = {problem.field: problem.message for problem in problems_of(example_plan_data)}

    assert problems == {
        "stages[0].conversion_rate": (
            "the first stage ('Sessions') has no previous stage, so it takes no rate"
        ),
        "stages[2].conversion_rate": (
            "required: the share of 'Product views' that reaches 'Add to cart'"
        ),
        "stages[4].name": "'sessions' is already the name of stages[0]; stage names must be unique",
        "acquisition_cost.stage": (
            "'Purchase' is not a stage; use one of 'Sessions', 'Product views', 'Add to cart', "
            "'Checkout', 'sessions'"
        ),
    }


def test_problems_in_nested_objects_are_each_reported(example_plan_data: dict[str, Any]) -> None:
    example_plan_data["returning_customers"] = {
        "active_customers": -1,
        "repeat_purchase_rate": 2,
        "orders_per_customer": 0,
    }

    fields = {problem.field for problem in problems_of(example_plan_data)}

    assert fields == {
        "returning_customers.active_customers",
        "returning_customers.repeat_purchase_rate",
        "returning_customers.orders_per_customer",
    }


def test_valid_lenient_inputs_are_normalised(example_plan_data: dict[str, Any]) -> None:
    """Lower-case currency and padded names are accepted as USD and the trimmed name."""
    example_plan_data["currency"] = "usd"
    example_plan_data["stages"][1]["name"] = "  Product views  "

    plan = parse_plan(example_plan_data)

    assert plan.currency == "USD"
    assert plan.stages[1].name == "Product views"


# --- JSON text -------------------------------------------------------------------------------


def test_json_syntax_error_names_the_line_and_column() -> None:
    text = '{"name": "x",\n  "stages": [}'

    with pytest.raises(PlanInvalid) as raised:
        parse_plan_json(text)

    [problem] = raised.value.problems
    assert problem.field == "(file)"
    assert problem.message == "is not valid JSON: Expecting value at line 2, column 14"


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda text: "\ufeff" + text, id="str"),
        pytest.param(lambda text: ("\ufeff" + text).encode(), id="bytes"),
    ],
)
def test_utf8_bom_is_accepted(
    example_plan_data: dict[str, Any], example_plan: Plan, encode: Callable[[str], Any]
) -> None:
    """Windows editors save JSON with a byte-order mark; it is not part of the plan."""
    assert parse_plan_json(encode(json.dumps(example_plan_data))) == example_plan


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("[1, 2]", "must be a JSON object, got [1, 2]", id="list"),
        pytest.param('"Q1 plan"', 'must be a JSON object, got "Q1 plan"', id="string"),
        pytest.param("null", "must be a JSON object, got null", id="null"),
        pytest.param("42", "must be a JSON object, got 42", id="number"),
    ],
)
def test_json_that_is_not_an_object(text: str, message: str) -> None:
    with pytest.raises(PlanInvalid) as raised:
        parse_plan_json(text)

    [problem] = raised.value.problems
    assert (problem.field, problem.message) == ("(plan)", message)


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"\xff\xfe{\x00}\x00", id="utf16"),
        pytest.param(b'{"name": "\xc3"}', id="broken-utf8"),
    ],
)
def test_unreadable_bytes_are_plan_invalid(raw: bytes) -> None:
    with pytest.raises(PlanInvalid):
        parse_plan_json(raw)


def test_nan_literal_in_json_is_rejected(example_plan_data: dict[str, Any]) -> None:
    """Python's json module reads NaN; the plan still refuses it."""
    text = json.dumps(example_plan_data).replace("120000", "NaN")

    with pytest.raises(PlanInvalid) as raised:
        parse_plan_json(text)

    assert raised.value.fields() == {"revenue_target"}


# --- Nothing but PlanInvalid, whatever the input ----------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**15), max_value=10**15)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
EXAMPLE_PLAN_DATA = json.loads(
    (Path(__file__).resolve().parents[2] / "examples" / "q1-store-plan.json").read_text()
)
PLAN_PATHS = [
    "name",
    "currency",
    "period",
    "period.start",
    "revenue_target",
    "average_order_value",
    "orders_per_customer",
    "stages",
    "stages.0",
    "stages.2.name",
    "stages.2.conversion_rate",
    "acquisition_cost",
    "acquisition_cost.stage",
    "gross_margin",
    "returning_customers",
]


def problems_or_none(parse: Callable[[Any], Plan], data: Any) -> list[FieldProblem] | None:
    """The problems ``parse`` reports, or None when the data is a valid plan."""
    try:
        parse(data)
    except PlanInvalid as invalid:
        return invalid.problems
    return None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(PLAN_PATHS), value=json_values)
def test_any_value_in_any_field_parses_or_is_plan_invalid(path: str, value: Any) -> None:
    data = copy.deepcopy(EXAMPLE_PLAN_DATA)
    put(path, copy.deepcopy(value))(data)

    problems = problems_or_none(parse_plan, data)

    assert problems is None or problems
    assert all(problem.field and problem.message for problem in problems or [])


@settings(max_examples=100, deadline=None)
@given(value=json_values)
def test_any_json_document_parses_or_is_plan_invalid(value: Any) -> None:
    problems = problems_or_none(parse_plan_json, json.dumps(value))

    assert problems
    assert all(problem.field and problem.message for problem in problems)


def test_true_is_not_a_number(example_plan_data: dict) -> None:
    """Pydantic's lax mode reads JSON true as 1.0, which would be a 100% rate."""
    example_plan_data["stages"][2]["conversion_rate"] = True
    with pytest.raises(PlanInvalid) as raised:
        parse_plan(example_plan_data)
    assert [str(problem) for problem in raised.value.problems] == [
        "stages[2].conversion_rate: must be a number, got true"
    ]


def test_a_hundred_stages_give_one_message_not_two_hundred(example_plan_data: dict) -> None:
    example_plan_data["stages"] = [{"name": f"S{index}"} for index in range(100)]
    with pytest.raises(PlanInvalid) as raised:
        parse_plan(example_plan_data)
    assert [str(problem) for problem in raised.value.problems] == [
        "stages: must have 2 to 8 stages, got 100"
    ]
