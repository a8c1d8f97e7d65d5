"""The Plan page's one call into the planner, without Streamlit."""

from __future__ import annotations

from planner.presets import demo_plan
from planner.results import PlanResult, Projection
from ui.work import forward_starting_points, work_out


def test_the_target_direction_plans_backwards() -> None:
    work = work_out(demo_plan(), {"plan.direction": "target"})
    assert isinstance(work.outcome, PlanResult)
    assert work.outcome.stages[0].required == 85_834


def test_an_empty_amount_asks_for_it_by_field() -> None:
    work = work_out(demo_plan(), {"plan.direction": "traffic", "plan.traffic": None})
    assert work.outcome is None
    assert [str(problem) for problem in work.problems] == ["traffic: required"]


def test_a_negative_budget_is_a_field_problem() -> None:
    work = work_out(demo_plan(), {"plan.direction": "budget", "plan.budget": -1.0})
    assert [str(problem) for problem in work.problems] == ["budget: must be ≥ 0, got -1"]


def test_a_budget_without_costs_is_infeasible_with_a_hint() -> None:
    plan = demo_plan().model_copy(update={"acquisition_cost": None})
    work = work_out(plan, {"plan.direction": "budget", "plan.budget": 100.0})
    assert work.outcome is None
    assert work.infeasible is not None
    assert "project from traffic" in work.infeasible.hint


def test_forward_starting_points_are_the_backward_plans_traffic_and_budget() -> None:
    """Demo plan: 85,834 sessions at $0.40 = $34,333.60."""
    assert forward_starting_points(demo_plan()) == {"traffic": 85_834.0, "budget": 34_333.6}


def test_projecting_the_starting_budget_reaches_the_target() -> None:
    plan = demo_plan()
    budget = forward_starting_points(plan)["budget"]
    work = work_out(plan, {"plan.direction": "budget", "plan.budget": budget})
    assert isinstance(work.outcome, Projection)
    assert work.outcome.revenue >= plan.revenue_target
