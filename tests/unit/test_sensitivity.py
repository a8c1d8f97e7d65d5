"""Sensitivity and drop-off losses of issue 7, checked against numbers worked by hand.

The demo plan, by hand (see ``test_overrides``): 1,545 new customers, reach 0.018,
85,834 sessions required at $0.40 = $34,333.60; at those sessions revenue is
85,834 × 0.018 × $60 = $92,700.72 new plus $27,300 returning = $120,000.72.
Required counts by stage: 85,834; 42,917; 5,150; 2,575; 1,545.
"""

from __future__ import annotations

import pytest

from planner.errors import PlanInvalid
from planner.funnel import plan_backwards
from planner.models import Stage
from planner.presets import demo_plan
from planner.scenarios import Lever, Override, Scenario, apply_scenario, drop_off_losses
from planner.scenarios import sensitivity as sensitivity_of

DEMO_SESSIONS = 85_834
DEMO_BUDGET = 34_333.60
NEW_REVENUE_AT_BASE = 92_700.72  # 85,834 × 0.018 × $60, by hand
CENT = 0.005


def lever(levers: list[Lever], target: str, stage: str | None = None) -> Lever:
    return next(item for item in levers if item.target == target and item.stage == stage)


# --- Elasticities -----------------------------------------------------------------------------


@pytest.mark.parametrize("stage", ["Product views", "Add to cart", "Checkout", "Purchase"])
def test_required_traffic_has_elasticity_minus_one_to_every_rate(stage: str) -> None:
    """Traffic = ⌈c ÷ (r₁ r₂ r₃ r₄)⌉, so a rate × 1.01 divides it by 1.01: −0.99%.

    Both counts are rounded up to a whole session, each by less than one, so the ratio may
    miss 1 ÷ 1.01 by up to 2 ÷ 85,834 ≈ 0.0023%: that is the tolerance.
    """
    moved = lever(sensitivity_of(demo_plan(), change=0.01), "stage_rate", stage)

    assert moved.up.required_traffic / DEMO_SESSIONS == pytest.approx(
        1 / 1.01, abs=2 / DEMO_SESSIONS
    )
    assert moved.down.required_traffic / DEMO_SESSIONS == pytest.approx(
        1 / 0.99, abs=2 / DEMO_SESSIONS
    )


def test_budget_has_elasticity_one_to_the_cost_per_unit() -> None:
    """Budget = sessions × cost: $0.80 doubles $34,333.60; $0.44 (+10%) gives $37,766.96."""
    doubled = Override(target="cost_per_unit", mode="relative", value=1.0)
    plan = apply_scenario(demo_plan(), Scenario(name="Double CPC", overrides=[doubled]))
    cost = lever(sensitivity_of(demo_plan()), "cost_per_unit")

    assert plan_backwards(plan).budget == pytest.approx(2 * DEMO_BUDGET, abs=CENT)
    assert cost.up.required_budget == pytest.approx(37_766.96, abs=CENT)
    assert cost.up.required_budget_difference == pytest.approx(3_433.36, abs=CENT)
    assert cost.up.revenue_difference == 0  # what traffic costs changes nothing it brings


# --- The demo's tornado -----------------------------------------------------------------------


def test_demo_tornado_top_three() -> None:
    """Every stage rate, the AOV and the orders +10% make new revenue at fixed sessions × 1.1.

    So each is worth 10% of $92,700.72 = $9,270.072, and the tie is broken by budget:
    - AOV $54 (−10%): ⌈$92,700 ÷ $54⌉ = ⌈1,716.7⌉ = 1,717 customers, ⌈1,717 ÷ 0.018⌉ =
      ⌈95,388.9⌉ = 95,389 sessions, $38,155.60: +$3,822.00, the largest;
    - any rate × 0.9: reach 0.0162, ⌈1,545 ÷ 0.0162⌉ = ⌈95,370.4⌉ = 95,371 sessions,
      $38,148.40: +$3,814.80, the same for all four, so they keep funnel order;
    - orders can't fall below 1 (capped, no change); 1.1 orders: ⌈$92,700 ÷ $66⌉ = 1,405
      customers, ⌈1,405 ÷ 0.018⌉ = 78,056 sessions, $31,222.40: −$3,111.20.
    """
    levers = sensitivity_of(demo_plan())
    top = levers[:3]

    assert [(item.target, item.stage) for item in top] == [
        ("average_order_value", None),
        ("stage_rate", "Product views"),
        ("stage_rate", "Add to cart"),
    ]
    for item in top:
        assert item.up.revenue_difference == pytest.approx(9_270.072)
        assert item.down.revenue_difference == pytest.approx(-9_270.072)
    assert top[0].down.required_budget_difference == pytest.approx(3_822.00, abs=CENT)
    assert top[1].down.required_budget_difference == pytest.approx(3_814.80, abs=CENT)
    # Orders come after the rates (budget $3,111.20 < $3,814.80); the cost, worth no revenue
    # at fixed sessions, comes last.
    assert levers[5].target == "orders_per_customer"
    assert levers[-1].target == "cost_per_unit"


def test_a_better_checkout_is_worth_revenue_or_budget() -> None:
    """Checkout 55%: +$9,270.07 at the same sessions, or $3,121.20 less budget.

    78,031 sessions × $0.40 = $31,212.40 (by hand in ``test_overrides``).
    """
    checkout = lever(sensitivity_of(demo_plan()), "stage_rate", "Checkout")

    assert checkout.up.value == 0.55
    assert checkout.up.revenue_at_traffic == pytest.approx(NEW_REVENUE_AT_BASE * 1.1 + 27_300)
    assert checkout.up.required_traffic_difference == 78_031 - DEMO_SESSIONS
    assert checkout.up.required_budget_difference == pytest.approx(-3_121.20, abs=CENT)


def test_returning_levers_move_returning_revenue() -> None:
    """Repeat share 0.165: 2,000 × 0.165 × 1.4 × $65 = $30,030, +$2,730 at any traffic."""
    repeat = lever(sensitivity_of(demo_plan()), "returning_repeat_purchase_rate")

    assert repeat.up.revenue_difference == pytest.approx(2_730)


def test_a_rate_past_100_percent_stops_at_100_and_says_so() -> None:
    """Purchase 95% × 1.1 = 104.5% → capped at 100%; reach 0.5 × 0.12 × 0.5 = 0.03."""
    stages = [*demo_plan().stages[:4], Stage(name="Purchase", conversion_rate=0.95)]
    plan = demo_plan().model_copy(update={"stages": stages})
    purchase = lever(sensitivity_of(plan), "stage_rate", "Purchase")
    orders = lever(sensitivity_of(plan), "orders_per_customer")

    assert (purchase.up.value, purchase.up.capped) == (1.0, True)
    assert purchase.up.required_traffic == 51_500  # ⌈1,545 ÷ 0.03⌉ = 51,500, by hand
    assert (orders.down.value, orders.down.capped, orders.down.revenue_difference) == (1, True, 0)


def test_a_change_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(PlanInvalid) as refused:
        sensitivity_of(demo_plan(), change=1.5)

    assert refused.value.fields() == {"change"}


# --- Drop-off losses --------------------------------------------------------------------------


def test_demo_drop_off_losses() -> None:
    """Each loss is (nᵢ₋₁ − nᵢ) × later rates × $60 × 1 order; by hand.

    - Product views: 85,834 − 42,917 = 42,917 × 0.12 × 0.5 × 0.6 (0.036) × 60 = $92,700.72;
    - Add to cart: 42,917 − 5,150 = 37,767 × 0.5 × 0.6 (0.3) × 60 = $679,806;
    - Checkout: 5,150 − 2,575 = 2,575 × 0.6 × 60 = $92,700;
    - Purchase: 2,575 − 1,545 = 1,030 × 60 = $61,800.
    """
    losses = drop_off_losses(demo_plan())

    assert [(loss.stage, loss.units_lost) for loss in losses] == [
        ("Product views", 42_917),
        ("Add to cart", 37_767),
        ("Checkout", 2_575),
        ("Purchase", 1_030),
    ]
    assert [loss.continuing_share for loss in losses] == pytest.approx([0.036, 0.3, 0.6, 1.0])
    assert [loss.revenue_lost for loss in losses] == pytest.approx(
        [92_700.72, 679_806, 92_700, 61_800]
    )
