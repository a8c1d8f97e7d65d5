"""The Plan page's calls into the planner, without Streamlit."""

from __future__ import annotations

import pytest

from planner.funnel import plan_backwards
from planner.presets import demo_plan
from planner.results import PlanResult, Projection
from ui.draft import (
    COST_KIND_KEY,
    FIELD_KEYS,
    STAGE_IDS,
    draft_from_plan,
    stage_key,
)
from ui.format import say
from ui.work import convert_price, starting_points, work_out

DEMO = demo_plan()
DEMO_RESULT = plan_backwards(DEMO)


def test_the_target_direction_shows_the_backward_result() -> None:
    work = work_out(DEMO, DEMO_RESULT, {"plan.direction": "target"}, {})
    assert work.outcome is DEMO_RESULT
    assert isinstance(work.outcome, PlanResult)
    assert work.outcome.stages[0].required == 85_834


def test_an_empty_amount_asks_for_it_by_field() -> None:
    work = work_out(DEMO, DEMO_RESULT, {"plan.direction": "traffic", "plan.traffic": None}, {})
    assert work.outcome is None
    assert [str(problem) for problem in work.problems] == ["traffic: required"]


def test_a_negative_budget_is_a_field_problem() -> None:
    work = work_out(DEMO, DEMO_RESULT, {"plan.direction": "budget", "plan.budget": -1.0}, {})
    assert [str(problem) for problem in work.problems] == ["budget: must be ≥ 0, got -1"]


@pytest.mark.parametrize("amount", [None, -5.0, float("inf"), 1e300])
def test_a_bad_amount_keeps_the_last_amount_that_worked(amount: float | None) -> None:
    """100,000 sessions × 1.8% = 1,800 customers, whatever was typed after them."""
    draft = {"plan.direction": "traffic", "plan.traffic": amount}
    work = work_out(DEMO, DEMO_RESULT, draft, {"traffic": 100_000.0})
    assert work.problems
    assert work.amount is None
    assert isinstance(work.outcome, Projection)
    assert work.outcome.new_customers == pytest.approx(1_800)


def test_a_good_amount_is_reported_so_it_can_be_remembered() -> None:
    draft = {"plan.direction": "traffic", "plan.traffic": 100_000}
    work = work_out(DEMO, DEMO_RESULT, draft, {"traffic": 5.0})
    assert work.amount == 100_000.0
    assert not work.problems


def test_a_budget_without_costs_is_infeasible_with_a_hint() -> None:
    plan = DEMO.model_copy(update={"acquisition_cost": None})
    work = work_out(plan, plan_backwards(plan), {"plan.direction": "budget", "plan.budget": 1}, {})
    assert work.outcome is None
    assert work.infeasible is not None
    assert "project from traffic" in work.infeasible.hint


def test_starting_points_are_the_backward_plans_traffic_and_budget() -> None:
    """Demo plan: 85,834 sessions at $0.40 = $34,333.60."""
    assert starting_points(DEMO_RESULT) == {"traffic": 85_834.0, "budget": 34_333.6}


def test_projecting_the_starting_budget_reaches_the_target() -> None:
    budget = starting_points(DEMO_RESULT)["budget"]
    draft = {"plan.direction": "budget", "plan.budget": budget}
    work = work_out(DEMO, DEMO_RESULT, draft, {})
    assert isinstance(work.outcome, Projection)
    assert work.outcome.revenue >= DEMO.revenue_target


def test_a_session_price_becomes_the_cac_that_keeps_the_budget() -> None:
    """$0.40 × 85,834 sessions ÷ 1,545 customers = $22.2224 per customer: same $34,333.60."""
    draft = draft_from_plan(DEMO)
    change = convert_price(draft, 0, 4)
    assert change is not None
    assert change.key == FIELD_KEYS["acquisition_cost.cost_per_unit"]
    assert change.value == pytest.approx(0.40 * 85_834 / 1_545)
    assert change.value * 1_545 == pytest.approx(34_333.60)
    assert "Converted from $0.40 per 'Sessions' at the plan's rates" in say(change.note)


def test_a_click_through_scales_the_other_way_and_keeps_the_cpm() -> None:
    """1.5% into Sessions → 1.5% × 42,917 / 85,834 = 0.75% into Product views."""
    draft = draft_from_plan(DEMO)
    draft[COST_KIND_KEY] = "impressions"
    draft[FIELD_KEYS["acquisition_cost.cost_per_mille"]] = 8.0
    draft[FIELD_KEYS["acquisition_cost.click_through_rate"]] = 1.5
    change = convert_price(draft, 0, 1)
    assert change is not None
    assert change.key == FIELD_KEYS["acquisition_cost.click_through_rate"]
    assert change.value == pytest.approx(0.75)
    assert "CPM unchanged" in say(change.note)


def test_a_click_through_that_would_pass_100_percent_is_kept_with_a_warning() -> None:
    draft = draft_from_plan(DEMO)
    draft[COST_KIND_KEY] = "impressions"
    draft[FIELD_KEYS["acquisition_cost.cost_per_mille"]] = 8.0
    draft[FIELD_KEYS["acquisition_cost.click_through_rate"]] = 50.0
    change = convert_price(draft, 4, 0)  # 50% × 85,834 / 1,545 ≫ 100%
    assert change is not None
    assert change.value is None
    assert say(change.note) == "Kept from 'Purchase': check it is the price per 'Sessions'."


def test_an_invalid_plan_keeps_the_price_and_asks_to_check_it() -> None:
    draft = draft_from_plan(DEMO)
    draft[stage_key(2, "rate")] = 120.0
    change = convert_price(draft, 0, 4)
    assert change is not None
    assert change.value is None
    assert "check it is the price per 'Purchase'" in say(change.note)


def test_without_counts_the_rates_alone_convert_the_price() -> None:
    """Returning customers cover a $1,000 target: no counts, so 0.40 ÷ 1.8% = $22.22."""
    draft = draft_from_plan(DEMO.model_copy(update={"revenue_target": 1_000}))
    change = convert_price(draft, 0, 4)
    assert change is not None
    assert change.value == pytest.approx(0.40 / 0.018)


def test_nothing_to_convert_without_a_price() -> None:
    draft = draft_from_plan(DEMO)
    draft[FIELD_KEYS["acquisition_cost.cost_per_unit"]] = None
    assert convert_price(draft, 0, 4) is None
    assert draft[STAGE_IDS] == [0, 1, 2, 3, 4]


def test_the_budget_starting_point_rounds_up_to_the_cent() -> None:
    """34,333.6 stays; 34,333.601 becomes 34,333.61 so the forward plan still buys enough."""
    from ui.work import cents_up

    assert cents_up(34_333.6) == 34_333.6
    assert cents_up(34_333.601) == 34_333.61
    assert cents_up(0.004) == 0.01
