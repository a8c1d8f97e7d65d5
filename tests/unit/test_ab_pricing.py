"""A tested lift priced into the plan, by the plan's own arithmetic."""

from __future__ import annotations

import pytest

from planner.abtests.pricing import lift_scenario, price_lift
from planner.errors import PlanInvalid
from planner.funnel import plan_backwards
from planner.presets import demo_plan
from planner.scenarios.overrides import apply_scenario

# The demo's target needs 85,834 sessions; at that traffic its rates, multiplied to 1.8%,
# sell 85,834 × 0.018 = 1,545.012 new customers, worth $60 each.
NEW_CUSTOMER_REVENUE = 85_834 * 0.018 * 60


def test_a_10_percent_better_checkout_is_worth_10_percent_of_new_customer_revenue() -> None:
    """Hand-worked: a rate × 1.1 sells 10% more at fixed traffic: 92,700.72 × 0.1 = 9,270.07."""
    value = price_lift(demo_plan(), "Checkout", 0.10)

    assert value.revenue_gained == pytest.approx(NEW_CUSTOMER_REVENUE * 0.10, abs=0.01)
    assert value.revenue_gained_low is None


def test_the_plan_with_the_lift_needs_the_traffic_the_plan_model_says() -> None:
    """Independent of pricing: apply the scenario and work the plan backwards."""
    plan = demo_plan()
    value = price_lift(plan, "Checkout", 0.10, (0.02, 0.20))

    lifted = apply_scenario(plan, lift_scenario("Checkout", 0.10))
    assert value.outcome.scenario.required_traffic == plan_backwards(lifted).stages[0].required
    assert value.outcome.scenario.required_budget == pytest.approx(plan_backwards(lifted).budget)


def test_the_interval_prices_each_end() -> None:
    """Hand-worked: +2% and +20% of $92,700.72."""
    value = price_lift(demo_plan(), "Checkout", 0.10, (0.02, 0.20))

    assert value.revenue_gained_low == pytest.approx(NEW_CUSTOMER_REVENUE * 0.02, abs=0.01)
    assert value.revenue_gained_high == pytest.approx(NEW_CUSTOMER_REVENUE * 0.20, abs=0.01)


def test_an_interval_end_past_100_percent_is_capped_at_the_rates_bound() -> None:
    """Checkout converts 50%: at most +100% (to 100%), so the high end is worth $92,700.72."""
    value = price_lift(demo_plan(), "Checkout", 0.10, (-0.5, 5.0))

    assert value.revenue_gained_high == pytest.approx(NEW_CUSTOMER_REVENUE, abs=0.01)
    assert value.revenue_gained_low == pytest.approx(-NEW_CUSTOMER_REVENUE * 0.5, abs=0.01)


def test_a_lift_the_rate_cant_take_is_refused_naming_the_stage() -> None:
    with pytest.raises(PlanInvalid) as invalid:
        price_lift(demo_plan(), "Checkout", 1.5)  # 50% × 2.5 = 125%

    assert [problem.field for problem in invalid.value.problems] == ["stages[3].conversion_rate"]
