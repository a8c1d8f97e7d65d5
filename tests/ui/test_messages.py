"""Validation messages worded for the screen: on-screen labels, percent, the tab they are on."""

from __future__ import annotations

import pytest

from planner.errors import FieldProblem, PlanInvalid, parse_plan
from planner.presets import demo_plan
from ui.draft import STAGE_IDS, draft_from_plan, plan_data, stage_key
from ui.messages import (
    ScreenMessage,
    describe,
    label_for,
    on_screen,
    screen_messages,
    tab_labels,
    tab_of,
)


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
    assert on_screen("'Checkout' is already the name of stages[1]") == (
        "'Checkout' is already the name of stage 2"
    )
    assert on_screen("give either cost_per_unit or cost_per_mille") == (
        "give either the cost per unit or the cost per 1,000 impressions"
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
