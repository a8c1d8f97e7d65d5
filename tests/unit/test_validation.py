"""Bad input: every failing field is named, with a message saying the rule and the value.

Each case starts from the README's valid plan (examples/q1-store-plan.json), changes one
thing, and checks WHICH field failed (``FieldProblem.field``) and the exact message.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.errors import FieldProblem, PlanInvalid, parse_plan, parse_plan_json
from planner.models import Plan
from planner.types import currency_codes, format_bound, format_number

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
        "must be at least 0.000001, got 1e-9",
        id="rate-below-practical-floor",
    ),
    pytest.param(
        put("stages.2.conversion_rate", "12%"),
        "stages[2].conversion_rate",
        'must be a number, got "12%" (text)',
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
            ("lots", 'must be a number, got "lots" (text)', "string"),
            (None, "required", "null"),
            (0.001, "must be at least 0.01, got 0.001", "below-a-cent"),
            (2e12, "must be > 0 and ≤ 1,000,000,000,000, got 2,000,000,000,000", "too-large"),
            (
                1_000_000_000_000_001,
                "must be > 0 and ≤ 1,000,000,000,000, got 1,000,000,000,000,001",
                "just-too-large",
            ),
            (1e300, "must be > 0 and ≤ 1,000,000,000,000, got 1e300", "huge"),
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
        'must be a 3-letter ISO 4217 code such as USD or SAR, got "dollars"',
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
        put("schema_version", "2"), "schema_version", 'must be 3, got "2"', id="schema-version"
    ),
    pytest.param(
        put("schema_version", 4),
        "schema_version",
        "is 4, newer than this planner reads (up to 3); update the planner",
        id="schema-version-from-the-future",
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
        "currency": 'must be a 3-letter ISO 4217 code such as USD or SAR, got "dollars"',
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


# --- Strict plan files: numbers are numbers, dates are ISO text ------------------------------


@pytest.mark.parametrize(
    ("path", "text"),
    [
        pytest.param("revenue_target", "120000", id="plain"),
        pytest.param("revenue_target", "1e5", id="scientific"),
        pytest.param("revenue_target", "120_000", id="underscores"),
        pytest.param("average_order_value", " 60 ", id="padded"),
        pytest.param("stages.2.conversion_rate", "0.12", id="rate"),
        pytest.param("acquisition_cost.cost_per_unit", "25", id="cost"),
    ],
)
def test_numbers_written_as_text_are_refused(
    example_plan_data: dict[str, Any], path: str, text: str
) -> None:
    """Pydantic's lax mode would read "120000" as 120000; a plan file must say what it means."""
    put(path, text)(example_plan_data)

    [problem] = problems_of(example_plan_data)

    assert problem.field == path.replace(".2.", "[2].")
    assert problem.message == f'must be a number, got "{text}" (text)'
    assert (problem.code, dict(problem.context)) == ("number_as_text", {"got": f'"{text}"'})


def test_whole_number_written_as_text_is_refused(example_plan_data: dict[str, Any]) -> None:
    example_plan_data["returning_customers"] = {"active_customers": "1200"}

    [problem] = problems_of(example_plan_data)

    assert (
        str(problem) == 'returning_customers.active_customers: must be a number, got "1200" (text)'
    )


def test_numbers_that_are_numbers_still_pass(example_plan_data: dict[str, Any]) -> None:
    """The page passes real Python numbers: ints, floats, and whole floats for counts."""
    example_plan_data["revenue_target"] = 120000.0
    example_plan_data["returning_customers"] = {"active_customers": 1200.0}

    plan = parse_plan(example_plan_data)

    assert plan.revenue_target == 120000
    assert plan.returning_customers is not None
    assert plan.returning_customers.active_customers == 1200


@pytest.mark.parametrize(
    ("value", "message", "code"),
    [
        pytest.param(
            1798761600,
            'must be a date written as text like "2027-01-31", got the number 1798761600',
            "number_as_date",
            id="seconds-since-1970",
        ),
        pytest.param(
            20270101,
            'must be a date written as text like "2027-01-31", got the number 20270101',
            "number_as_date",
            id="digits-as-number",
        ),
        pytest.param(
            2027.5,
            'must be a date written as text like "2027-01-31", got the number 2,027.5',
            "number_as_date",
            id="float",
        ),
        pytest.param(
            "20270101", 'must be a date like 2027-01-31, got "20270101"', "not_a_date", id="compact"
        ),
        pytest.param(
            "2027-W01-1",
            'must be a date like 2027-01-31, got "2027-W01-1"',
            "not_a_date",
            id="iso-week",
        ),
        pytest.param(
            "2027-01-01T00:00:00",
            'must be a date like 2027-01-31, got "2027-01-01T00:00:00"',
            "not_a_date",
            id="datetime-text",
        ),
        pytest.param(
            "2027-02-29",
            'must be a date like 2027-01-31, got "2027-02-29"',
            "not_a_date",
            id="no-such-day",
        ),
        pytest.param(
            "٢٠٢٧-٠١-٠١",
            'must be a date like 2027-01-31, got "٢٠٢٧-٠١-٠١"',
            "not_a_date",
            id="arabic-indic-digits",
        ),
        pytest.param(True, "must be a date like 2027-01-31, got true", "date_type", id="bool"),
    ],
)
def test_dates_are_iso_text(
    example_plan_data: dict[str, Any], value: Any, message: str, code: str
) -> None:
    example_plan_data["period"]["start"] = value

    [problem] = problems_of(example_plan_data)

    assert (problem.field, problem.message, problem.code) == ("period.start", message, code)


def test_date_objects_from_the_page_still_validate(example_plan_data: dict[str, Any]) -> None:
    example_plan_data["period"] = {"start": date(2027, 1, 1), "end": date(2027, 3, 31)}

    plan = parse_plan(example_plan_data)

    assert (plan.period.start, plan.period.end) == (date(2027, 1, 1), date(2027, 3, 31))


def test_padded_iso_date_text_is_read(example_plan_data: dict[str, Any]) -> None:
    example_plan_data["period"]["start"] = " 2027-01-01 "

    assert parse_plan(example_plan_data).period.start == date(2027, 1, 1)


@pytest.mark.parametrize(
    ("start", "end", "field", "got"),
    [
        pytest.param("9999-12-01", "9999-12-31", "period.end", "9999-12-31", id="december-9999"),
        pytest.param("2199-12-01", "2200-01-31", "period.end", "2200-01-31", id="year-2200"),
        pytest.param("1899-12-01", "1900-01-31", "period.start", "1899-12-01", id="year-1899"),
        pytest.param("0001-01-01", "0001-03-31", "period.start", "0001-01-01", id="year-1"),
    ],
)
def test_dates_outside_the_planning_years_are_refused(
    example_plan_data: dict[str, Any], start: str, end: str, field: str, got: str
) -> None:
    example_plan_data["period"] = {"start": start, "end": end}

    problems = {problem.field: problem for problem in problems_of(example_plan_data)}

    assert problems[field].message == f"must be in the years 1900–2199, got {got}"
    assert problems[field].code == "year_out_of_range"
    assert problems[field].context == {"min_year": 1900, "max_year": 2199, "got": got}


def test_december_9999_reads_as_one_line_per_date(example_plan_data: dict[str, Any]) -> None:
    example_plan_data["period"] = {"start": "9999-12-01", "end": "9999-12-31"}

    assert [str(problem) for problem in problems_of(example_plan_data)] == [
        "period.start: must be in the years 1900–2199, got 9999-12-01",
        "period.end: must be in the years 1900–2199, got 9999-12-31",
    ]


@pytest.mark.parametrize(
    ("start", "end"),
    [
        pytest.param(date(1900, 1, 1), date(1900, 12, 31), id="first-year"),
        pytest.param(date(2199, 1, 1), date(2199, 12, 31), id="last-year"),
    ],
)
def test_the_first_and_last_planning_years_are_accepted(
    example_plan_data: dict[str, Any], start: date, end: date
) -> None:
    example_plan_data["period"] = {"start": start, "end": end}

    assert parse_plan(example_plan_data).period.end == end


# --- Currency: current ISO 4217 codes ---------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    ["SAR", "AED", "EGP", "KWD", "QAR", "BHD", "OMR", "MAD", "USD", "EUR", "GBP", "JPY", "sar"],
)
def test_current_currencies_are_accepted(example_plan_data: dict[str, Any], code: str) -> None:
    example_plan_data["currency"] = code

    assert parse_plan(example_plan_data).currency == code.upper()


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("XYZ", id="made-up"),
        pytest.param("XTS", id="test-code"),
        pytest.param("XAU", id="gold"),
        pytest.param("HRK", id="withdrawn-kuna"),
        pytest.param("VEF", id="withdrawn-bolivar"),
    ],
)
def test_codes_that_are_no_current_currency_are_refused(
    example_plan_data: dict[str, Any], code: str
) -> None:
    example_plan_data["currency"] = code

    [problem] = problems_of(example_plan_data)

    assert str(problem) == (
        f'currency: "{code}" is not a current ISO 4217 currency code; '
        "use one such as USD, EUR or SAR"
    )
    assert (problem.code, dict(problem.context)) == ("currency_unknown", {"got": f'"{code}"'})


def test_the_currency_list_is_the_one_the_page_checks() -> None:
    codes = currency_codes()

    assert {"SAR", "AED", "USD", "EUR", "JPY", "KWD"} <= codes
    assert not {"XYZ", "XTS", "XXX", "HRK"} & codes
    assert all(len(code) == 3 and code.isupper() for code in codes)


# --- Control characters: refused in names, escaped wherever echoed ---------------------------

CONTROL_CASES = [
    pytest.param("Check\nout", "\\n", '"Check\\nout"', id="newline"),
    pytest.param("Check\x1b[2Jout", "\\x1b", '"Check\\x1b[2Jout"', id="escape-clear-screen"),
    pytest.param("Check\x00out", "\\x00", '"Check\\x00out"', id="nul"),
    pytest.param("Check\x7fout", "\\x7f", '"Check\\x7fout"', id="delete"),
    pytest.param("Check\x85out", "\\x85", '"Check\\x85out"', id="c1-next-line"),
    pytest.param("Check\u202eout", "\\u202e", '"Check\\u202eout"', id="bidi-override"),
    pytest.param("Check\u2028out", "\\u2028", '"Check\\u2028out"', id="line-separator"),
]


@pytest.mark.parametrize(("name", "character", "got"), CONTROL_CASES)
@pytest.mark.parametrize("path", ["name", "stages.3.name", "acquisition_cost.stage"])
def test_control_characters_in_names_are_refused_and_shown_escaped(
    example_plan_data: dict[str, Any], path: str, name: str, character: str, got: str
) -> None:
    put(path, name)(example_plan_data)

    [problem] = problems_of(example_plan_data)

    assert problem.field == path.replace(".3.", "[3].")
    assert problem.message == f"must not contain control characters such as {character}, got {got}"
    assert problem.code == "control_character"
    assert dict(problem.context) == {"character": character, "got": got}
    assert str(problem).isprintable()


def test_names_may_hold_any_printable_text(example_plan_data: dict[str, Any]) -> None:
    example_plan_data["name"] = "خطة الربع الأول 🚀"
    example_plan_data["stages"][0]["name"] = "Sessions — organic & paid"

    plan = parse_plan(example_plan_data)

    assert plan.name == "خطة الربع الأول 🚀"


@pytest.mark.parametrize(
    ("data_change", "field"),
    [
        pytest.param(
            put("cur\x1b[2Jrency\n(file): fake", "USD"), "cur\\x1b[2Jrency\\n(file): fake"
        ),
        pytest.param(put("period.\u202eend", "x"), "period.\\u202eend"),
    ],
)
def test_unknown_keys_are_echoed_escaped(
    example_plan_data: dict[str, Any], data_change: Change, field: str
) -> None:
    data_change(example_plan_data)

    [problem] = problems_of(example_plan_data)

    assert problem.field == field
    assert problem.message.startswith("unknown field")
    assert str(problem).isprintable()


def test_a_very_long_unknown_key_is_cut(example_plan_data: dict[str, Any]) -> None:
    example_plan_data["x" * 10_000] = 1

    [problem] = problems_of(example_plan_data)

    assert problem.field == "x" * 39 + "…"


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        pytest.param(
            "currency",
            "U\x1bD",
            'must be a 3-letter ISO 4217 code such as USD or SAR, got "U\\x1bD"',
            id="currency",
        ),
        pytest.param(
            "period.start",
            "2027\n01-01",
            'must be a date like 2027-01-31, got "2027\\n01-01"',
            id="date",
        ),
        pytest.param(
            "revenue_target", "12\x1b[2J", 'must be a number, got "12\\x1b[2J" (text)', id="number"
        ),
        pytest.param("stages", "\x1b[2J", 'must be a list, got "\\u001b[2J"', id="list"),
        pytest.param("schema_version", "\u202e1", 'must be 3, got "\\u202e1"', id="version"),
    ],
)
def test_values_echoed_in_messages_are_escaped(
    example_plan_data: dict[str, Any], path: str, value: str, message: str
) -> None:
    put(path, value)(example_plan_data)

    [problem] = problems_of(example_plan_data)

    assert problem.message == message
    assert str(problem).isprintable()


# --- Plan file bytes: UTF-8 only, each key once, sane numbers and nesting ----------------------

EXAMPLE_TEXT = (Path(__file__).resolve().parents[2] / "examples" / "q1-store-plan.json").read_text(
    encoding="utf-8"
)


def file_problem(raw: str | bytes) -> FieldProblem:
    with pytest.raises(PlanInvalid) as raised:
        parse_plan_json(raw)
    [problem] = raised.value.problems
    return problem


@pytest.mark.parametrize(
    ("encode", "name"),
    [
        pytest.param(lambda text: text.encode("utf-16"), "UTF-16", id="utf16-bom"),
        pytest.param(lambda text: text.encode("utf-16-le"), "UTF-16", id="utf16le-no-bom"),
        pytest.param(lambda text: text.encode("utf-16-be"), "UTF-16", id="utf16be-no-bom"),
        pytest.param(lambda text: text.encode("utf-32"), "UTF-32", id="utf32-bom"),
        pytest.param(lambda text: text.encode("utf-32-be"), "UTF-32", id="utf32be-no-bom"),
    ],
)
def test_utf16_and_utf32_files_are_named(encode: Callable[[str], bytes], name: str) -> None:
    problem = file_problem(encode(EXAMPLE_TEXT))

    assert str(problem) == f"(file): is {name}; save it as UTF-8"
    assert (problem.code, dict(problem.context)) == ("encoding", {"encoding": name})


def test_invalid_utf8_names_the_byte_line_and_column() -> None:
    """Line 8 is ``    {"name": "Sessions"},``; the é of ``Séssions`` is Latin-1, not UTF-8."""
    raw = EXAMPLE_TEXT.encode().replace(b"Sessions", b"S\xe9ssions")

    problem = file_problem(raw)

    assert str(problem) == (
        "(file): is not UTF-8: invalid byte 0xE9 at line 8, column 16; save it as UTF-8"
    )
    assert problem.code == "not_utf8"
    assert dict(problem.context) == {"byte": "0xE9", "line": 8, "column": 16}


def test_invalid_utf8_column_counts_characters_after_a_bom() -> None:
    problem = file_problem(b'\xef\xbb\xbf{"name": "\xc3\xa9\xff"}')

    assert problem.message == (
        "is not UTF-8: invalid byte 0xFF at line 1, column 12; save it as UTF-8"
    )


def test_utf8_with_bom_still_reads(example_plan: Plan) -> None:
    assert parse_plan_json(b"\xef\xbb\xbf" + EXAMPLE_TEXT.encode()) == example_plan


@pytest.mark.parametrize(
    ("text", "key", "line", "column"),
    [
        pytest.param(
            EXAMPLE_TEXT.replace('"currency": "USD",', '"currency": "USD",\n  "currency": "EUR",'),
            "currency",
            4,
            3,
            id="top-level",
        ),
        pytest.param(
            EXAMPLE_TEXT.replace('{"name": "Sessions"}', '{"name": "Sessions", "name": "Visits"}'),
            "name",
            8,
            26,
            id="in-a-stage",
        ),
        pytest.param('{"a": {"b": 1}, "c": [1, {}], "a": 2}', "a", 1, 31, id="after-nested"),
        pytest.param('{"x\\u001b": 1, "x\\u001b": 2}', "x\\x1b", 1, 16, id="control-key"),
    ],
)
def test_duplicate_keys_name_the_second_occurrence(
    text: str, key: str, line: int, column: int
) -> None:
    problem = file_problem(text)

    assert str(problem) == (
        f'(file): repeats the key "{key}" at line {line}, column {column}; '
        "each key may appear once in an object"
    )
    assert (problem.code, dict(problem.context)) == (
        "duplicate_key",
        {"key": key, "line": line, "column": column},
    )


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('{"name": ' + "[" * 1000 + "]" * 1000 + "}", id="lists-1000-deep"),
        pytest.param('{"a": ' * 1000 + "1" + "}" * 1000, id="objects-1000-deep"),
        pytest.param("[" * 100_000 + "]" * 100_000, id="lists-100000-deep"),
        pytest.param('{"name": ' + "[" * 30 + "]" * 30 + "}", id="lists-30-deep"),
    ],
)
def test_deep_nesting_is_one_line(text: str) -> None:
    problem = file_problem(text)

    assert problem.field == "(file)"
    assert problem.message.startswith("nests lists and objects more than 20 deep at line 1")
    assert problem.message.endswith("; a plan needs 3")
    assert problem.code == "too_deep"


def test_deep_nesting_names_where_it_goes_too_deep() -> None:
    problem = file_problem('{"name": ' + "[" * 30 + "]" * 30 + "}")

    assert problem.message == (
        "nests lists and objects more than 20 deep at line 1, column 29; a plan needs 3"
    )


def test_nesting_twenty_deep_is_read_and_judged_by_field() -> None:
    with pytest.raises(PlanInvalid) as raised:
        parse_plan_json('{"name": ' + "[" * 19 + "]" * 19 + "}")

    problems = {problem.field: problem.message for problem in raised.value.problems}
    assert problems["name"] == "must be text, got " + "[" * 19 + "]" * 19
    assert "(file)" not in problems


@pytest.mark.parametrize(
    ("literal", "field", "message", "code"),
    [
        pytest.param(
            "1" * 5000,
            "revenue_target",
            "is a number too large to work with, got a number 5,000 digits long",
            "number_too_large",
            id="5000-digits",
        ),
        pytest.param(
            "1e400",
            "revenue_target",
            "is a number too large to work with, got 1e400",
            "number_too_large",
            id="1e400",
        ),
        pytest.param(
            "-1e400",
            "revenue_target",
            "is a number too large to work with, got -1e400",
            "number_too_large",
            id="minus-1e400",
        ),
        pytest.param(
            "1e-400",
            "revenue_target",
            "is a number too small to work with, got 1e-400",
            "number_too_small",
            id="1e-400",
        ),
        pytest.param(
            "1" * 400,
            "revenue_target",
            "is a number too large to work with, got a number 400 digits long",
            "number_too_large",
            id="400-digits",
        ),
        pytest.param(
            "1" * 30,
            "revenue_target",
            "must be > 0 and ≤ 1,000,000,000,000, got 1.11111111111111e29",
            "out_of_range",
            id="30-digits",
        ),
    ],
)
def test_numbers_beyond_a_float_are_one_line(
    literal: str, field: str, message: str, code: str
) -> None:
    problem = file_problem(EXAMPLE_TEXT.replace("120000", literal))

    assert (problem.field, problem.message, problem.code) == (field, message, code)


def test_a_huge_integer_in_an_unknown_field_is_still_an_unknown_field() -> None:
    problem = file_problem(EXAMPLE_TEXT.replace('"name"', '"nam": ' + "9" * 5000 + ', "name"', 1))

    assert str(problem) == "nam: unknown field; did you mean 'name'?"


def test_a_huge_count_is_one_line() -> None:
    text = EXAMPLE_TEXT.replace(
        '"acquisition_cost"',
        '"returning_customers": {"active_customers": 1e999},\n  "acquisition_cost"',
    )

    assert str(file_problem(text)) == (
        "returning_customers.active_customers: is a number too large to work with, got 1e999"
    )


@pytest.mark.parametrize(
    ("escape", "column"),
    [
        pytest.param("\\ud800", 13, id="high-half"),
        pytest.param("\\udc00", 13, id="low-half"),
        pytest.param("x\\ud83d", 14, id="high-half-at-the-end"),
    ],
)
def test_half_a_surrogate_pair_is_refused(escape: str, column: int) -> None:
    problem = file_problem('{"name": "Q1' + escape + '"}')

    shown = escape.removeprefix("x")
    assert str(problem) == (
        f"(file): has {shown} at line 1, column {column}: half of a UTF-16 pair, "
        "not a character; remove it"
    )
    assert problem.code == "lone_surrogate"


def test_a_whole_surrogate_pair_is_a_character() -> None:
    plan = parse_plan_json(EXAMPLE_TEXT.replace("Q1 store plan", "Q1 \\ud83d\\ude80"))

    assert plan.name == "Q1 🚀"


def test_an_escaped_backslash_before_u_is_not_a_surrogate() -> None:
    plan = parse_plan_json(EXAMPLE_TEXT.replace("Q1 store plan", "Q1 \\\\ud800"))

    assert plan.name == "Q1 \\ud800"


def test_arabic_indic_digits_are_not_json_numbers() -> None:
    problem = file_problem(EXAMPLE_TEXT.replace("120000", "1٢٠٠٠٠"))

    assert problem.code == "json"
    assert problem.message == "is not valid JSON: Expecting ',' delimiter at line 5, column 22"


# --- How numbers are shown ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (1.2, "1.2"),
        (0.45, "0.45"),
        (-5, "-5"),
        (0, "0"),
        (-0.0, "0"),
        (120000, "120,000"),
        (120000.0, "120,000"),
        (1e12, "1,000,000,000,000"),
        (1_000_000_000_000_001, "1,000,000,000,000,001"),
        (1234.5, "1,234.5"),
        (0.000001, "0.000001"),
        (0.0000015, "0.0000015"),
        (1e-9, "1e-9"),
        (1e16, "1e16"),
        (2.5e20, "2.5e20"),
        (1e308, "1e308"),
        (0.07 * 100, "7"),
        (0.1 + 0.2, "0.3"),
        (1.0000000000001, "1.0000000000001"),
        (10**21 - 1, "999,999,999,999,999,999,999"),
        (10**21, "1e21"),
        (123456789 * 10**30, "1.234568e38"),
        pytest.param(10**5000, "1e5000", id="5001-digit-int"),
        (float("nan"), "nan"),
        (float("inf"), "inf"),
        (float("-inf"), "-inf"),
    ],
)
def test_format_number_writes_numbers_as_a_person_would(value: float, shown: str) -> None:
    assert format_number(value) == shown


def test_format_bound_matches_format_number() -> None:
    assert format_bound(1e12) == "1,000,000,000,000"
    assert format_bound(0.01) == "0.01"
    assert format_bound(1e-6) == "0.000001"


# --- Codes and parameters: what a reader's language needs to word each problem ---------------


@pytest.mark.parametrize(
    ("change", "field", "context"),
    [
        pytest.param(
            put("stages.3.name", "Add to cart"),
            "stages[3].name",
            {"rule": "duplicate_name", "name": "Add to cart", "index": 2},
            id="duplicate-name",
        ),
        pytest.param(
            put("stages.0.conversion_rate", 0.5),
            "stages[0].conversion_rate",
            {"rule": "first_stage_rate", "stage": "Sessions"},
            id="first-stage-rate",
        ),
        pytest.param(
            put("stages.2.conversion_rate", DELETE),
            "stages[2].conversion_rate",
            {"rule": "rate_missing", "before": "Product views", "stage": "Add to cart"},
            id="rate-missing",
        ),
        pytest.param(
            put("acquisition_cost", {"stage": "Ads", "cost_per_unit": 1}),
            "acquisition_cost.stage",
            {
                "rule": "unknown_paid_stage",
                "stage": "Ads",
                "stages": ("Sessions", "Product views", "Add to cart", "Checkout", "Purchase"),
            },
            id="unknown-paid-stage",
        ),
        pytest.param(
            put("period.end", "2026-12-31"),
            "period.end",
            {"rule": "end_before_start", "start": "2027-01-01", "end": "2026-12-31"},
            id="end-before-start",
        ),
        pytest.param(
            put("period.end", "2031-01-01"),
            "period.end",
            {"rule": "period_too_long", "years": 3},
            id="period-too-long",
        ),
        pytest.param(
            put("acquisition_cost", {"stage": "Purchase"}),
            "acquisition_cost.cost_per_unit",
            {"rule": "cost_missing"},
            id="cost-missing",
        ),
    ],
)
def test_a_broken_rule_names_itself_and_carries_its_parameters(
    example_plan_data: dict[str, Any], change: Change, field: str, context: dict[str, Any]
) -> None:
    change(example_plan_data)

    [problem] = problems_of(example_plan_data)

    assert (problem.field, problem.code, dict(problem.context)) == (field, "rule", context)


@pytest.mark.parametrize(
    ("change", "code", "context"),
    [
        pytest.param(put("curency", "EUR"), "extra_forbidden", {"suggestion": "currency"}),
        pytest.param(
            put("acquisition_cost.zzz", 1),
            "extra_forbidden",
            {"known": ("click_through_rate", "cost_per_mille", "cost_per_unit", "stage")},
        ),
        pytest.param(put("revenue_target", [1]), "float_type", {"got": "[1]"}),
        pytest.param(put("revenue_target", DELETE), "missing", {}),
        pytest.param(put("revenue_target", None), "missing", {}, id="null-is-missing"),
        pytest.param(put("name", "x" * 81), "string_too_long", {"max_length": 80, "length": 81}),
        pytest.param(put("schema_version", "2"), "literal_error", {"expected": "3", "got": '"2"'}),
        pytest.param(put("schema_version", 4), "schema_too_new", {"got": 4, "supported": 3}),
        pytest.param(put("period", "Q1"), "model_type", {"class_name": "Period", "got": '"Q1"'}),
    ],
)
def test_a_wrong_value_carries_what_its_message_shows(
    example_plan_data: dict[str, Any], change: Change, code: str, context: dict[str, Any]
) -> None:
    change(example_plan_data)

    [problem] = problems_of(example_plan_data)

    assert (problem.code, dict(problem.context)) == (code, context)


def test_a_rate_below_the_practical_floor_names_the_floor_as_a_number(
    example_plan_data: dict[str, Any],
) -> None:
    example_plan_data["stages"][2]["conversion_rate"] = 1e-9

    [problem] = problems_of(example_plan_data)

    assert problem.message == "must be at least 0.000001, got 1e-9"
    assert (problem.code, problem.context["minimum"], problem.context["got"]) == (
        "out_of_range",
        1e-6,
        1e-9,
    )


def test_a_value_out_of_range_carries_its_bounds_as_numbers(
    example_plan_data: dict[str, Any],
) -> None:
    example_plan_data["stages"][2]["conversion_rate"] = 1.2

    [problem] = problems_of(example_plan_data)

    assert {key: problem.context[key] for key in ("got", "gt", "ge", "le", "minimum")} == {
        "got": 1.2,
        "gt": 0,
        "ge": None,
        "le": 1,
        "minimum": None,
    }
