"""Validation messages worded in percent for rate fields."""

from __future__ import annotations

import pytest

from planner.errors import PlanInvalid, parse_plan
from ui.messages import describe


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
    assert describe(problem, "Rate", percent=True) == "Rate must be at least 0.0001%, got 1e-07%"


def test_other_fields_keep_the_planner_message(example_plan_data: dict) -> None:
    problem = problem_for(example_plan_data, ["average_order_value"], -1)
    assert describe(problem, "Average order value") == (
        "Average order value must be > 0 and ≤ 1,000,000,000,000, got -1"
    )
