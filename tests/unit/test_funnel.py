"""The funnel arithmetic against numbers worked by hand; each docstring shows the working."""

from __future__ import annotations

from typing import Any

import pytest

from planner.errors import PlanInvalid, PlannerError, parse_plan
from planner.funnel import (
    ceil_count,
    expected_counts,
    plan_backwards,
    project_forwards,
    required_counts,
)
from planner.models import AcquisitionCost, Plan

Q1_2027 = {"start": "2027-01-01", "end": "2027-03-31"}
STORE_RATES = [0.45, 0.12, 0.5, 0.6]
STORE_REQUIRED = [123483, 55567, 6668, 3334, 2000]


def build_plan(
    stages: list[tuple[str, float | None]], *, target: float, aov: float, **extra: Any
) -> Plan:
    """A validated plan for Q1 2027 from ``(name, rate)`` pairs and any further fields."""
    data: dict[str, Any] = {
        "period": Q1_2027,
        "revenue_target": target,
        "average_order_value": aov,
        "stages": [
            {"name": name} if rate is None else {"name": name, "conversion_rate": rate}
            for name, rate in stages
        ],
        **extra,
    }
    return parse_plan(data)


def two_stage(target: float, aov: float = 60, rate: float = 0.02, **extra: Any) -> Plan:
    """Visitors → Customers at ``rate``."""
    return build_plan([("Visitors", None), ("Customers", rate)], target=target, aov=aov, **extra)


def required(plan: Plan) -> list[int]:
    return [stage.required for stage in plan_backwards(plan).stages]


# --- The domain brief's example -------------------------------------------------------------


def brief_plan() -> Plan:
    return build_plan([("Prospects", None), ("Customers", 0.10)], target=50 * 100, aov=100)


def test_brief_example_backwards() -> None:
    """500 prospects at 10% make 50 customers, so 50 customers need 500 prospects.

    target 5000 ÷ AOV 100 = 50 customers; 50 ÷ 0.10 = 500 prospects, not 501.
    """
    result = plan_backwards(brief_plan())

    assert [stage.required for stage in result.stages] == [500, 50]
    assert result.new_customers == 50
    assert result.revenue == 5000


def test_brief_example_forwards() -> None:
    """500 prospects × 0.10 = 50 customers; 50 × AOV 100 = 5000, exactly the target."""
    projection = project_forwards(brief_plan(), "traffic", 500)

    assert [stage.expected for stage in projection.stages] == pytest.approx([500, 50])
    assert projection.new_customers == pytest.approx(50)
    assert projection.revenue == pytest.approx(5000)
    assert projection.target_gap == pytest.approx(0, abs=1e-6)


# --- The Q1 store plan (examples/q1-store-plan.json) -----------------------------------------


def test_store_plan_required_counts(example_plan: Plan) -> None:
    """120000 ÷ 60 = 2000 purchases, then each stage divided by the rate into the next.

    2000 ÷ 0.6 = 3333.3 → 3334 checkouts; 3334 ÷ 0.5 = 6668 carts;
    6668 ÷ 0.12 = 55566.7 → 55567 product views; 55567 ÷ 0.45 = 123482.2 → 123483 sessions.
    """
    result = plan_backwards(example_plan)

    assert [stage.name for stage in result.stages] == [
        "Sessions",
        "Product views",
        "Add to cart",
        "Checkout",
        "Purchase",
    ]
    assert [stage.required for stage in result.stages] == STORE_REQUIRED
    assert result.direction == "backward"
    assert result.new_customers == 2000
    assert result.new_orders == result.orders == 2000
    assert result.revenue == result.new_customer_revenue == 120000
    assert result.new_customer_revenue_needed == 120000
    assert result.covered_by_returning is False


def test_store_plan_money(example_plan: Plan) -> None:
    """CAC 25 on Purchase: budget 2000 × 25 = 50000; ROAS 120000 ÷ 50000 = 2.4; CAC 25.

    Cost per unit at each stage is budget ÷ its count: per session 50000 ÷ 123483 ≈ 0.4049,
    per checkout 50000 ÷ 3334 ≈ 15.00.
    """
    result = plan_backwards(example_plan)

    assert result.budget == 50000
    assert result.roas == pytest.approx(2.4)
    assert result.marketing_efficiency == pytest.approx(2.4)
    assert result.cac == pytest.approx(25)
    assert result.impressions is None
    assert result.contribution is None
    costs = [stage.cost_per_unit for stage in result.stages]
    assert costs == pytest.approx([50000 / count for count in STORE_REQUIRED])
    assert costs[0] == pytest.approx(0.404914, rel=1e-6)
    assert costs[-1] == pytest.approx(25)


def test_store_plan_pace(example_plan: Plan) -> None:
    """Jan 1–Mar 31 2027 is 31 + 28 + 31 = 90 days, exactly 3.0 months, 90 ÷ 7 weeks.

    Sessions: 123483 ÷ 3 = 41161 a month; 123483 ÷ (90 ÷ 7) = 9604.23 a week.
    Purchases: 2000 ÷ 3 = 666.67 a month; 2000 × 7 ÷ 90 = 155.56 a week.
    """
    result = plan_backwards(example_plan)

    assert result.period_days == 90
    assert result.period_months == 3.0
    assert result.period_weeks == pytest.approx(90 / 7)
    sessions, *_, purchases = result.stages
    assert sessions.per_month == pytest.approx(41161)
    assert sessions.per_week == pytest.approx(9604.2333, rel=1e-7)
    assert purchases.per_month == pytest.approx(2000 / 3)
    assert purchases.per_week == pytest.approx(2000 * 7 / 90)


# --- Returning customers, orders per customer, margin -----------------------------------------


def test_returning_customers_are_subtracted_first() -> None:
    """Returning revenue comes off the target before any new customer is planned.

    Returning: 1000 active × 0.3 repeat = 300 buyers × 2 orders = 600 orders × AOV 50 = 30000.
    New revenue needed: 120000 − 30000 = 90000 → 90000 ÷ 60 = 1500 customers
    → 1500 ÷ 0.02 = 75000 visitors. Budget at 0.5 a visitor: 75000 × 0.5 = 37500.
    ROAS counts only new-customer revenue: 90000 ÷ 37500 = 2.4;
    marketing efficiency counts all revenue: 120000 ÷ 37500 = 3.2. CAC 37500 ÷ 1500 = 25.
    """
    plan = two_stage(
        120000,
        returning_customers={
            "active_customers": 1000,
            "repeat_purchase_rate": 0.3,
            "orders_per_customer": 2,
            "average_order_value": 50,
        },
        acquisition_cost={"stage": "Visitors", "cost_per_unit": 0.5},
    )

    result = plan_backwards(plan)

    assert result.returning.customers == pytest.approx(300)
    assert result.returning.orders == pytest.approx(600)
    assert result.returning.revenue == pytest.approx(30000)
    assert result.new_customer_revenue_needed == pytest.approx(90000)
    assert [stage.required for stage in result.stages] == [75000, 1500]
    assert result.new_orders == 1500
    assert result.orders == pytest.approx(2100)
    assert result.new_customer_revenue == pytest.approx(90000)
    assert result.revenue == pytest.approx(120000)
    assert result.budget == pytest.approx(37500)
    assert result.roas == pytest.approx(2.4)
    assert result.marketing_efficiency == pytest.approx(3.2)
    assert result.cac == pytest.approx(25)
    assert result.covered_by_returning is False


def test_returning_customers_cover_the_whole_target() -> None:
    """Returning revenue above the target leaves nothing for the funnel, without dividing by 0.

    10000 active × 0.5 = 5000 buyers × 1 order × plan AOV 60 (none of their own) = 300000,
    above the 120000 target: 0 new customers, every stage 0, budget 0, ROAS/CAC undefined.
    """
    plan = two_stage(
        120000,
        returning_customers={"active_customers": 10000, "repeat_purchase_rate": 0.5},
        acquisition_cost={"stage": "Customers", "cost_per_unit": 25},
    )

    result = plan_backwards(plan)

    assert result.covered_by_returning is True
    assert result.new_customer_revenue_needed == 0
    assert [stage.required for stage in result.stages] == [0, 0]
    assert result.new_customers == 0
    assert result.budget == 0
    assert result.roas is None
    assert result.cac is None
    assert result.marketing_efficiency is None
    assert result.revenue == pytest.approx(300000)
    assert result.orders == pytest.approx(5000)
    assert [stage.cost_per_unit for stage in result.stages] == [None, None]
    assert [stage.per_month for stage in result.stages] == [0, 0]


def test_orders_per_customer_above_one() -> None:
    """Each new customer orders 1.5 times: 120000 ÷ (60 × 1.5) = 1333.3 → 1334 customers.

    1334 × 1.5 = 2001 orders × 60 = 120060 revenue (≥ target because of the rounding up);
    1334 ÷ 0.02 = 66700 visitors.
    """
    result = plan_backwards(two_stage(120000, orders_per_customer=1.5))

    assert [stage.required for stage in result.stages] == [66700, 1334]
    assert result.new_orders == pytest.approx(2001)
    assert result.orders == pytest.approx(2001)
    assert result.revenue == pytest.approx(120060)


def test_gross_margin_gives_contribution(example_plan_data: dict[str, Any]) -> None:
    """Contribution = revenue × margin − budget: 120000 × 0.4 − 50000 = −2000 (a loss)."""
    example_plan_data["gross_margin"] = 0.4

    result = plan_backwards(parse_plan(example_plan_data))

    assert result.contribution == pytest.approx(-2000)


def test_contribution_counts_returning_revenue() -> None:
    """Margin applies to all revenue: 30000 returning + 90000 new = 120000.

    Returning 1000 × 0.5 × 1 × 60 = 30000; new 90000 ÷ 60 = 1500 customers × CAC 20 = 30000.
    Contribution 120000 × 0.5 − 30000 = 30000; ROAS 90000 ÷ 30000 = 3;
    marketing efficiency 120000 ÷ 30000 = 4.
    """
    plan = two_stage(
        120000,
        gross_margin=0.5,
        returning_customers={"active_customers": 1000, "repeat_purchase_rate": 0.5},
        acquisition_cost={"stage": "Customers", "cost_per_unit": 20},
    )

    result = plan_backwards(plan)

    assert result.budget == pytest.approx(30000)
    assert result.contribution == pytest.approx(30000)
    assert result.roas == pytest.approx(3)
    assert result.marketing_efficiency == pytest.approx(4)


# --- Acquisition cost ------------------------------------------------------------------------


def test_cost_per_mille_with_click_through_rate() -> None:
    """Impressions are rounded up, then priced per thousand.

    60000 ÷ 60 = 1000 customers ÷ 0.02 = 50000 visitors; impressions 50000 ÷ 0.015
    = 3333333.3 → 3333334; budget 3333334 ÷ 1000 × 12 = 40000.008.
    CAC 40000.008 ÷ 1000 = 40.000008; ROAS 60000 ÷ 40000.008.
    """
    plan = two_stage(
        60000,
        acquisition_cost={"stage": "Visitors", "cost_per_mille": 12, "click_through_rate": 0.015},
    )

    result = plan_backwards(plan)

    assert [stage.required for stage in result.stages] == [50000, 1000]
    assert result.impressions == 3333334
    assert result.budget == pytest.approx(40000.008)
    assert result.cac == pytest.approx(40.000008)
    assert result.roas == pytest.approx(60000 / 40000.008)


def test_cost_on_a_middle_stage(example_plan_data: dict[str, Any]) -> None:
    """Paying 0.5 per product view: 55567 views × 0.5 = 27783.5.

    CAC 27783.5 ÷ 2000 = 13.89175; ROAS 120000 ÷ 27783.5 ≈ 4.319; per view exactly 0.5.
    """
    example_plan_data["acquisition_cost"] = {"stage": "product VIEWS", "cost_per_unit": 0.5}

    result = plan_backwards(parse_plan(example_plan_data))

    assert [stage.required for stage in result.stages] == STORE_REQUIRED
    assert result.budget == pytest.approx(27783.5)
    assert result.cac == pytest.approx(13.89175)
    assert result.roas == pytest.approx(120000 / 27783.5)
    assert result.stages[1].cost_per_unit == pytest.approx(0.5)


def test_no_acquisition_cost(example_plan_data: dict[str, Any]) -> None:
    """Without a cost there is no budget: budget 0, and ROAS, CAC, costs per unit undefined."""
    del example_plan_data["acquisition_cost"]

    result = plan_backwards(parse_plan(example_plan_data))

    assert [stage.required for stage in result.stages] == STORE_REQUIRED
    assert result.budget == 0
    assert result.roas is None
    assert result.cac is None
    assert result.marketing_efficiency is None
    assert result.impressions is None
    assert all(stage.cost_per_unit is None for stage in result.stages)


@pytest.mark.parametrize(
    "cost",
    [
        pytest.param({"stage": "Sessions", "cost_per_unit": 0}, id="per-unit"),
        pytest.param(
            {"stage": "Sessions", "cost_per_mille": 0, "click_through_rate": 0.01}, id="per-mille"
        ),
    ],
)
def test_zero_cost(example_plan_data: dict[str, Any], cost: dict[str, Any]) -> None:
    """Free traffic: 123483 sessions × 0 = budget 0; ROAS and CAC undefined, not infinite."""
    example_plan_data["acquisition_cost"] = cost

    result = plan_backwards(parse_plan(example_plan_data))

    assert result.budget == 0
    assert result.roas is None
    assert result.cac is None
    assert all(stage.cost_per_unit is None for stage in result.stages)


# --- Rounding --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(50 / 0.1, 500, id="50/0.1-is-500-not-501"),
        pytest.param(145 / 0.29, 500, id="145/0.29-noise-above-500"),
        pytest.param(21 / 0.7, 30, id="21/0.7-noise-above-30"),
        pytest.param(57 / 0.57, 100, id="57/0.57-noise-above-100"),
        pytest.param(0.7 / 0.1, 7, id="0.7/0.1-noise-below-7"),
        pytest.param(2000 / 0.6, 3334, id="3333.3-up"),
        pytest.param(6668 / 0.12, 55567, id="55566.7-up"),
        pytest.param(500.0000001, 501, id="tiny-real-fraction-up"),
        pytest.param(0.2, 1, id="fraction-of-one-up"),
        pytest.param(1e-7, 1, id="tiny-positive-up"),
        pytest.param(500.0, 500, id="whole"),
        pytest.param(0.0, 0, id="zero"),
        pytest.param(-3.5, 0, id="negative-is-zero"),
    ],
)
def test_ceil_count(value: float, expected: int) -> None:
    """Counts round up to a whole person, except float noise around a whole number."""
    assert ceil_count(value) == expected
    assert isinstance(ceil_count(value), int)


def test_float_noise_does_not_add_a_prospect() -> None:
    """145 / 0.29 is 500.00000000000006 in floating point: noise, so 500 prospects, not 501.

    target 14500 ÷ AOV 100 = 145 customers ÷ 0.29 = 500 prospects; forwards 500 × 0.29 = 145.
    """
    plan = build_plan([("Prospects", None), ("Customers", 0.29)], target=14500, aov=100)

    assert required(plan) == [500, 145]


def test_required_counts_chain() -> None:
    """The store chain from 2000 customers (see test_store_plan_required_counts)."""
    assert required_counts(STORE_RATES, 2000) == STORE_REQUIRED
    assert required_counts([0.5], 0) == [0, 0]


def test_expected_counts_from_a_middle_stage() -> None:
    """Counts spread both ways from a known stage, without rounding.

    Known 1000 at index 2 (carts): views 1000 ÷ 0.12 = 8333.3, sessions ÷ 0.45 = 18518.5;
    checkouts 1000 × 0.5 = 500, purchases 500 × 0.6 = 300. No rounding either way.
    """
    counts = expected_counts(STORE_RATES, 2, 1000)

    assert counts == pytest.approx([1000 / 0.12 / 0.45, 1000 / 0.12, 1000, 500, 300])


# --- Forwards --------------------------------------------------------------------------------


def test_project_from_traffic(example_plan: Plan) -> None:
    """Traffic flows down the funnel at each rate.

    100000 sessions × 0.45 = 45000 views × 0.12 = 5400 carts × 0.5 = 2700 checkouts
    × 0.6 = 1620 purchases; revenue 1620 × 60 = 97200, gap 97200 − 120000 = −22800;
    budget 1620 × 25 = 40500, ROAS 97200 ÷ 40500 = 2.4.
    """
    projection = project_forwards(example_plan, "traffic", 100000)

    assert projection.direction == "forward"
    assert projection.driver == "traffic"
    assert [stage.expected for stage in projection.stages] == pytest.approx(
        [100000, 45000, 5400, 2700, 1620]
    )
    assert projection.new_customers == pytest.approx(1620)
    assert projection.revenue == pytest.approx(97200)
    assert projection.target_gap == pytest.approx(-22800)
    assert projection.budget == pytest.approx(40500)
    assert projection.roas == pytest.approx(2.4)
    assert projection.cac == pytest.approx(25)


def test_project_from_budget(example_plan: Plan) -> None:
    """A budget buys units at the paid stage; the rest of the funnel follows from them.

    30000 ÷ CAC 25 = 1200 purchases; upstream 1200 ÷ 0.6 = 2000 checkouts ÷ 0.5 = 4000
    carts ÷ 0.12 = 33333.3 views ÷ 0.45 = 74074.1 sessions. Revenue 1200 × 60 = 72000,
    gap −48000; the budget spent is the budget given.
    """
    projection = project_forwards(example_plan, "budget", 30000)

    assert projection.driver == "budget"
    assert [stage.expected for stage in projection.stages] == pytest.approx(
        [4000 / 0.12 / 0.45, 4000 / 0.12, 4000, 2000, 1200]
    )
    assert projection.revenue == pytest.approx(72000)
    assert projection.target_gap == pytest.approx(-48000)
    assert projection.budget == pytest.approx(30000)


def test_project_from_budget_on_a_middle_stage(example_plan_data: dict[str, Any]) -> None:
    """0.4 per session: 40000 ÷ 0.4 = 100000 sessions, then as test_project_from_traffic."""
    example_plan_data["acquisition_cost"] = {"stage": "Sessions", "cost_per_unit": 0.4}

    projection = project_forwards(parse_plan(example_plan_data), "budget", 40000)

    assert projection.stages[0].expected == pytest.approx(100000)
    assert projection.new_customers == pytest.approx(1620)
    assert projection.budget == pytest.approx(40000)


def test_project_from_budget_per_mille() -> None:
    """CPM 12, CTR 0.015: a visitor costs 12 ÷ 1000 ÷ 0.015 = 0.8.

    12000 ÷ 0.8 = 15000 visitors (1000000 impressions) × 0.02 = 300 customers × 60 = 18000.
    """
    plan = two_stage(
        60000,
        acquisition_cost={"stage": "Visitors", "cost_per_mille": 12, "click_through_rate": 0.015},
    )

    projection = project_forwards(plan, "budget", 12000)

    assert projection.impressions == pytest.approx(1_000_000)
    assert [stage.expected for stage in projection.stages] == pytest.approx([15000, 300])
    assert projection.revenue == pytest.approx(18000)
    assert projection.budget == pytest.approx(12000)


def test_project_zero_traffic(example_plan: Plan) -> None:
    """No traffic: every stage 0, revenue 0, gap −120000, no division by zero."""
    projection = project_forwards(example_plan, "traffic", 0)

    assert [stage.expected for stage in projection.stages] == [0, 0, 0, 0, 0]
    assert projection.target_gap == -120000
    assert projection.roas is None
    assert projection.cac is None


def test_project_planned_traffic_reaches_target(example_plan: Plan) -> None:
    """123483 sessions × 0.45 × 0.12 × 0.5 × 0.6 = 2000.42 purchases × 60 ≈ 120025 ≥ 120000."""
    projection = project_forwards(example_plan, "traffic", 123483)

    assert projection.revenue == pytest.approx(120025.476)
    assert projection.target_gap > 0


def test_project_from_budget_without_acquisition_cost(example_plan_data: dict[str, Any]) -> None:
    """A budget buys nothing when the plan says nothing about what traffic costs."""
    del example_plan_data["acquisition_cost"]
    plan = parse_plan(example_plan_data)

    with pytest.raises(PlannerError, match="no acquisition cost") as raised:
        project_forwards(plan, "budget", 1000)

    assert "traffic" in raised.value.hint


@pytest.mark.parametrize(
    "cost",
    [
        pytest.param({"stage": "Sessions", "cost_per_unit": 0}, id="per-unit"),
        pytest.param(
            {"stage": "Sessions", "cost_per_mille": 0, "click_through_rate": 0.01}, id="per-mille"
        ),
    ],
)
def test_project_from_budget_with_zero_cost(
    example_plan_data: dict[str, Any], cost: dict[str, Any]
) -> None:
    """Free traffic: any budget would buy infinite traffic, so the planner refuses."""
    example_plan_data["acquisition_cost"] = cost
    plan = parse_plan(example_plan_data)

    with pytest.raises(PlannerError, match="costs nothing") as raised:
        project_forwards(plan, "budget", 1000)

    assert "above 0" in raised.value.hint


@pytest.mark.parametrize(
    ("driver", "amount", "message"),
    [
        pytest.param("traffic", -1.0, "must be ≥ 0, got -1", id="negative-traffic"),
        pytest.param("traffic", float("nan"), "must be a finite number, got nan", id="nan-traffic"),
        pytest.param(
            "traffic", float("inf"), "must be a finite number, got inf", id="infinite-traffic"
        ),
        pytest.param("budget", -500.0, "must be ≥ 0, got -500", id="negative-budget"),
        pytest.param("budget", float("nan"), "must be a finite number, got nan", id="nan-budget"),
    ],
)
def test_project_rejects_bad_amounts(
    example_plan: Plan, driver: Any, amount: float, message: str
) -> None:
    """The amount is reported like any plan field: named, with the rule and the value."""
    with pytest.raises(PlanInvalid) as raised:
        project_forwards(example_plan, driver, amount)

    [problem] = raised.value.problems
    assert problem.field == driver
    assert problem.message == message


def test_project_accepts_a_backward_plan_larger_than_any_money_limit(example_plan: Plan) -> None:
    """A huge plan's own traffic projects forwards: 1e14 sessions × 1.62% = 1.62e12 customers."""
    projection = project_forwards(example_plan, "traffic", 1e14)
    assert projection.new_customers == pytest.approx(1e14 * 0.45 * 0.12 * 0.5 * 0.6)


def test_ratios_that_overflow_are_reported_as_absent(example_plan_data: dict) -> None:
    """A budget of 5e-324 makes revenue ÷ budget overflow to infinity: say none, not inf."""
    example_plan_data["acquisition_cost"] = {"stage": "Sessions", "cost_per_unit": 1e-320}
    result = plan_backwards(parse_plan(example_plan_data))
    assert result.budget > 0
    assert result.roas is None
    assert result.marketing_efficiency is None


def test_ceil_count_still_rounds_up_a_real_fraction_of_a_huge_count() -> None:
    """At 6e11, a relative band of 1e-12 would be 0.6 wide and swallow a true +0.5."""
    assert ceil_count(600_000_000_000.5) == 600_000_000_001


def test_a_unit_entering_the_stage_costs_cpm_over_a_thousand_over_ctr() -> None:
    """$8 per 1,000 impressions at 1.5% CTR: 8 / 1000 / 0.015 = $0.5333 per click."""
    cost = AcquisitionCost(stage="Sessions", cost_per_mille=8, click_through_rate=0.015)
    assert cost.cost_per_entry == pytest.approx(0.533333, rel=1e-5)
    assert AcquisitionCost(stage="Sessions", cost_per_unit=0.4).cost_per_entry == 0.4
