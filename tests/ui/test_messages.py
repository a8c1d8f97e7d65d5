"""Validation messages worded for the screen: on-screen labels, percent, the tab they are on.

In English unless a test switches the session to Arabic (``arabic``); the wording itself is
``i18n.domain``'s, checked in ``tests/i18n``.
"""

from __future__ import annotations

from datetime import date

import pytest

from planner.benchmarks import BENCHMARKS, check_benchmarks
from planner.errors import FieldProblem, PlanInvalid, PlannerError, parse_plan
from planner.models import Period, Plan, Stage
from planner.presets import demo_plan
from ui import i18n
from ui.draft import STAGE_IDS, draft_from_plan, plan_data, stage_key
from ui.messages import (
    LABELS,
    SOURCE_LABELS,
    TAB_MARK,
    TABS,
    ScreenMessage,
    benchmark_label,
    benchmark_source,
    benchmark_typical,
    describe,
    infeasible_text,
    label_for,
    on_screen,
    screen_messages,
    source_text,
    tab_labels,
    tab_of,
    tab_of_label,
    verdict_text,
    warning_text,
)


@pytest.fixture
def arabic(monkeypatch: pytest.MonkeyPatch) -> None:
    """The session reads Arabic, in Latin digits."""
    monkeypatch.setattr(i18n, "language", lambda: "ar")
    monkeypatch.setattr(i18n, "digits", lambda: "latn")


@pytest.fixture
def arabic_indic(monkeypatch: pytest.MonkeyPatch) -> None:
    """The session reads Arabic, in Arabic-Indic digits."""
    monkeypatch.setattr(i18n, "language", lambda: "ar")
    monkeypatch.setattr(i18n, "digits", lambda: "arab")


def problem_for(example_plan_data: dict, path: list, value: float):
    target = example_plan_data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    with pytest.raises(PlanInvalid) as invalid:
        parse_plan(example_plan_data)
    return invalid.value.problems[0]


def test_a_rate_over_one_reads_in_percent(example_plan_data: dict) -> None:
    problem = problem_for(example_plan_data, ["stages", 2, "conversion_rate"], 1.2)
    assert describe(problem, "Rate", percent=True) == (
        "Rate must be above 0% and at most 100%, got 120%"
    )


def test_a_tiny_rate_names_the_practical_floor(example_plan_data: dict) -> None:
    problem = problem_for(example_plan_data, ["stages", 2, "conversion_rate"], 1e-9)
    assert describe(problem, "Rate", percent=True) == "Rate must be at least 0.0001%, got 1e-7%"


def test_other_fields_keep_the_planner_message(example_plan_data: dict) -> None:
    problem = problem_for(example_plan_data, ["average_order_value"], -1)
    assert describe(problem, "Average order value") == (
        "Average order value must be > 0 and ≤ 1,000,000,000,000, got -1"
    )


def test_a_huge_rate_reads_in_percent_with_separators(example_plan_data: dict) -> None:
    problem = problem_for(example_plan_data, ["stages", 2, "conversion_rate"], 5000.0)
    assert describe(problem, "Rate", percent=True) == (
        "Rate must be above 0% and at most 100%, got 500,000%"
    )


def test_required_reads_as_a_sentence() -> None:
    problem = FieldProblem("acquisition_cost.cost_per_unit", "required (or cost_per_mille…)")
    assert describe(problem, "Cost per 'Sessions'") == "Cost per 'Sessions' is required"


def test_plan_file_paths_become_what_the_page_shows() -> None:
    assert on_screen("stages[1]") == "stage 2"
    problem = FieldProblem(
        "acquisition_cost.cost_per_unit",
        "give either cost_per_unit or cost_per_mille with click_through_rate, not both",
        "rule",
        {"rule": "cost_both_ways"},
    )
    assert describe(problem, "Cost per 'Sessions'") == (
        "Cost per 'Sessions': give either the cost per unit or the cost per 1,000 impressions "
        "with the click-through rate, not both"
    )


def test_a_duplicate_name_is_named_by_the_labels_on_screen() -> None:
    draft = draft_from_plan(demo_plan())
    draft[stage_key(2, "name")] = "Checkout"
    with pytest.raises(PlanInvalid) as invalid:
        parse_plan(plan_data(draft))
    assert [message.text for message in screen_messages(invalid.value.problems, draft)] == [
        "Stage 4 name: 'Checkout' is already the name of stage 3; stage names must be unique"
    ]


@pytest.mark.parametrize(
    ("field", "label"),
    [
        pytest.param("revenue_target", "Revenue target", id="plain"),
        pytest.param("stages[3].name", "Stage 4 name", id="stage-name"),
        pytest.param(
            "stages[2].conversion_rate",
            "Conversion from 'Product views' to 'Add to cart'",
            id="rate",
        ),
        pytest.param("acquisition_cost.cost_per_unit", "Cost per 'Sessions'", id="unit-price"),
        pytest.param(
            "acquisition_cost.click_through_rate", "Click-through % into 'Sessions'", id="ctr"
        ),
        pytest.param("traffic", "Sessions in the period", id="traffic"),
        pytest.param("year", "Year", id="year"),
    ],
)
def test_every_field_has_its_on_screen_label(field: str, label: str) -> None:
    assert label_for(field, draft_from_plan(demo_plan())) == label


@pytest.mark.parametrize(
    ("field", "tab"),
    [
        ("revenue_target", "Goal & funnel"),
        ("stages[2].conversion_rate", "Goal & funnel"),
        ("year", "Goal & funnel"),
        ("budget", "Goal & funnel"),
        ("acquisition_cost.cost_per_mille", "Costs"),
        ("gross_margin", "Costs"),
        ("returning_customers.active_customers", "Returning customers"),
    ],
)
def test_every_field_belongs_to_a_tab(field: str, tab: str) -> None:
    assert tab_of(field) == tab


def test_the_list_names_the_tab_and_the_tab_is_marked() -> None:
    draft = draft_from_plan(demo_plan())
    problems = [FieldProblem("acquisition_cost.cost_per_unit", "required", "missing")]
    messages = screen_messages(problems, draft)
    assert messages == [
        ScreenMessage("plan.cost_per_unit", "Costs", "Cost per 'Sessions' is required")
    ]
    assert messages[0].listed == "Costs tab: Cost per 'Sessions' is required"
    assert tab_labels(messages) == ["Goal & funnel", "Costs ⚠", "Returning customers"]


def test_a_rate_problem_is_worded_in_percent_beside_its_field() -> None:
    draft = draft_from_plan(demo_plan())
    problem = FieldProblem(
        "stages[1].conversion_rate",
        "must be > 0 and ≤ 1, got 1.2",
        "out_of_range",
        {"got": 1.2, "gt": 0, "le": 1, "rule": "> 0 and ≤ 1"},
    )
    [message] = screen_messages([problem], draft)
    assert message.key == "plan.stage.1.rate"
    assert message.text == (
        "Conversion from 'Sessions' to 'Product views' must be above 0% and at most 100%, got 120%"
    )


def test_a_problem_without_a_field_on_screen_is_still_listed() -> None:
    draft = {STAGE_IDS: [0, 1]}
    [message] = screen_messages([FieldProblem("stages", "must have 2 to 8 stages, got 9")], draft)
    assert message.key is None
    assert message.listed == "Goal & funnel tab: Stages must have 2 to 8 stages, got 9"


# --- In Arabic ----------------------------------------------------------------------------------


def test_a_rate_problem_reads_in_arabic_beside_its_field(arabic: None) -> None:
    draft = draft_from_plan(demo_plan())
    problem = FieldProblem(
        "stages[1].conversion_rate",
        "must be > 0 and ≤ 1, got 1.2",
        "out_of_range",
        {"got": 1.2, "gt": 0, "le": 1, "rule": "> 0 and ≤ 1"},
    )
    [message] = screen_messages([problem], draft)
    label = label_for("stages[1].conversion_rate", draft)
    assert label != "Conversion from 'Sessions' to 'Product views'"
    assert message.text == f"{label}: يجب أن تكون القيمة أكبر من 0% وبحد أقصى 100%، لكنها 120%"
    assert message.text in message.listed
    assert message.listed != f"Goal & funnel tab: {message.text}"


def test_arabic_indic_digits_reach_the_field_message(arabic_indic: None) -> None:
    draft = draft_from_plan(demo_plan())
    problem = FieldProblem(
        "stages[1].conversion_rate",
        "must be > 0 and ≤ 1, got 1.2",
        "out_of_range",
        {"got": 1.2, "gt": 0, "le": 1, "rule": "> 0 and ≤ 1"},
    )
    [message] = screen_messages([problem], draft)
    assert message.text.endswith("يجب أن تكون القيمة أكبر من ٠٪ وبحد أقصى ١٠٠٪، لكنها ١٢٠٪")


def test_required_reads_in_arabic(arabic: None) -> None:
    draft = draft_from_plan(demo_plan())
    problems = [FieldProblem("revenue_target", "required", "missing")]
    [message] = screen_messages(problems, draft)
    assert message.text == f"يجب إدخال {LABELS['revenue_target']}"


def test_labels_and_tabs_follow_the_language(arabic: None) -> None:
    assert set(LABELS) == set(SOURCE_LABELS)
    assert LABELS["revenue_target"] != SOURCE_LABELS["revenue_target"]
    labels = tab_labels([ScreenMessage(None, "Costs", "…")])
    assert labels[1].endswith(TAB_MARK)
    assert labels[1].removesuffix(TAB_MARK) != "Costs"
    assert [tab_of_label(label) for label in labels] == list(TABS)


def test_a_tab_label_in_any_language_names_its_tab() -> None:
    assert tab_of_label("Costs ⚠") == "Costs"
    assert tab_of_label("Goal & funnel") == "Goal & funnel"
    assert tab_of_label("Somewhere else") is None


def nine_percent_plan() -> Plan:
    """0.5 × 0.4 × 0.75 × 0.6 = 9% session-to-order, above the 5% threshold."""
    names = ["Sessions", "Product views", "Add to cart", "Checkout", "Purchase"]
    rates = [0.5, 0.4, 0.75, 0.6]
    stages = [Stage(name=names[0])]
    stages += [Stage(name=n, conversion_rate=r) for n, r in zip(names[1:], rates, strict=True)]
    period = Period(start=date(2027, 1, 1), end=date(2027, 3, 31))
    return Plan(period=period, stages=stages, revenue_target=120_000, average_order_value=60)


def test_warnings_and_benchmarks_in_english() -> None:
    [warning] = check_benchmarks(nine_percent_plan())
    assert warning_text(warning).startswith("A 9% session-to-order rate (from 'Sessions'")
    assert source_text(warning).startswith("Littledata, Shopify conversion-rate benchmarks")
    benchmark = BENCHMARKS[0]
    assert benchmark_label(benchmark) == "session-to-order rate"
    assert benchmark_typical(benchmark) == benchmark.typical_text
    assert benchmark_source(benchmark) == benchmark.source
    assert verdict_text("below") == "below the range"


def test_warnings_and_benchmarks_in_arabic_indic_digits(arabic_indic: None) -> None:
    [warning] = check_benchmarks(nine_percent_plan())
    assert warning_text(warning).startswith("معدل التحويل من جلسة إلى طلب (٩٪، من «Sessions»")
    assert source_text(warning).startswith("Littledata، معايير مرجعية لمعدل التحويل")
    benchmark = BENCHMARKS[0]
    assert benchmark_label(benchmark) == "معدل التحويل من جلسة إلى طلب"
    assert benchmark_typical(benchmark).startswith("عادةً ١–٣٪")
    assert verdict_text("within") == "ضمن النطاق"


def test_an_infeasible_request_in_arabic(arabic: None) -> None:
    error = PlannerError(
        "A budget can't be turned into traffic: the plan has no acquisition cost.",
        "Add what a visitor, lead or customer costs, or project from traffic instead.",
        code="budget_without_cost",
        hint_code="add_cost_or_use_traffic",
    )
    assert infeasible_text(error).startswith("لا يمكن تحويل الميزانية إلى زيارات")
