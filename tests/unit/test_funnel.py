"""The funnel arithmetic against numbers worked by hand; each docstring shows the working."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import pytest

from planner.errors import PlanInvalid, PlannerError, parse_plan
from planner.funnel import (
    MAX_TRAFFIC,
    exact,
    plan_backwards,
    project_forwards,
    required_counts,
)
from planner.models import AcquisitionCost, Plan
from planner.presets import demo_plan
from planner.types import MAX_MONEY, format_bound, format_number

Q1_2027 = {"start": "2027-01-01", "end": "2027-03-31"}
STORE_RATES = [0.45, 0.12, 0.5, 0.6]
STORE_REQUIRED = [123457, 55556, 6667, 3334, 2000]


def build_plan(
    stages: Sequence[tuple[str, float | None]], *, target: float, aov: float, **extra: Any
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

    assert [stage.expected for stage in projection.stages] == [500, 50]
    assert projection.new_customers == 50
    assert projection.revenue == 5000
    assert projection.target_gap == 0  # exactly: 0.10 is 1/10, not the float 0.1000000000000000055


# --- The Q1 store plan (examples/q1-store-plan.json) -----------------------------------------


def test_store_plan_required_counts(example_plan: Plan) -> None:
    """120000 ÷ 60 = 2000 purchases; each stage is 2000 ÷ the product of the rates below it.

    Checkout: 2000 ÷ 0.6 = 3333.3 → 3334; carts: 2000 ÷ (0.5 × 0.6 = 0.3) = 6666.7 → 6667;
    product views: 2000 ÷ (0.12 × 0.3 = 0.036) = 55555.6 → 55556;
    sessions: 2000 ÷ (0.45 × 0.036 = 0.0162) = 123456.8 → 123457.
    (Rounding at every step gave 3334 → 6668 → 55567 → 123483: 26 sessions too many.)
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

    Cost per unit at each stage is budget ÷ its count: per session 50000 ÷ 123457 ≈ 0.404999,
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
    assert costs[0] == pytest.approx(0.404999, rel=1e-6)
    assert costs[-1] == pytest.approx(25)


def test_store_plan_pace(example_plan: Plan) -> None:
    """Jan 1–Mar 31 2027 is 31 + 28 + 31 = 90 days, exactly 3.0 months, 90 ÷ 7 weeks.

    Sessions: 123457 ÷ 3 = 41152.33 a month; 123457 ÷ (90 ÷ 7) = 9602.21 a week.
    Purchases: 2000 ÷ 3 = 666.67 a month; 2000 × 7 ÷ 90 = 155.56 a week.
    """
    result = plan_backwards(example_plan)

    assert result.period_days == 90
    assert result.period_months == 3.0
    assert result.period_weeks == pytest.approx(90 / 7)
    sessions, *_, purchases = result.stages
    assert sessions.per_month == pytest.approx(41152.3333, rel=1e-8)
    assert sessions.per_week == pytest.approx(9602.2111, rel=1e-8)
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
    """Paying 0.5 per product view: 55556 views × 0.5 = 27778.

    CAC 27778 ÷ 2000 = 13.889; ROAS 120000 ÷ 27778 ≈ 4.320; per view exactly 0.5.
    """
    example_plan_data["acquisition_cost"] = {"stage": "product VIEWS", "cost_per_unit": 0.5}

    result = plan_backwards(parse_plan(example_plan_data))

    assert [stage.required for stage in result.stages] == STORE_REQUIRED
    assert result.budget == 27778
    assert result.cac == pytest.approx(13.889)
    assert result.roas == pytest.approx(120000 / 27778)
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
    """Free traffic: 123457 sessions × 0 = budget 0; ROAS and CAC undefined, not infinite."""
    example_plan_data["acquisition_cost"] = cost

    result = plan_backwards(parse_plan(example_plan_data))

    assert result.budget == 0
    assert result.roas is None
    assert result.cac is None
    assert all(stage.cost_per_unit is None for stage in result.stages)


# --- Rounding: whole customers once, then each stage once ---------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(0.29, Fraction(29, 100), id="0.29-is-29/100"),
        pytest.param(0.1, Fraction(1, 10), id="0.1-is-1/10"),
        pytest.param(1e-6, Fraction(1, 1_000_000), id="1e-6"),
        pytest.param(0.1 + 0.2, Fraction(30000000000000004, 10**17), id="as-the-float-shows"),
        pytest.param(904109700000.08, Fraction(90410970000008, 100), id="14-digits"),
        pytest.param(1e12, Fraction(10**12), id="1e12"),
        pytest.param(7, Fraction(7), id="int"),
    ],
)
def test_exact_reads_a_number_as_the_decimal_it_was_written_as(
    value: float, expected: Fraction
) -> None:
    """A float's shortest repr is what the user typed: 0.29 → '0.29' → 29/100.

    The float 0.29 itself is 0.289999999999999980015985556747182272374629974365234375, which
    is why 145 / 0.29 = 500.00000000000006 in float arithmetic.
    """
    assert exact(value) == expected


@pytest.mark.parametrize(
    ("rates", "customers", "expected"),
    [
        pytest.param([0.1], 50, [500, 50], id="50/0.1-is-500"),
        pytest.param([0.29], 145, [500, 145], id="145/0.29-is-500"),
        pytest.param([0.7], 21, [30, 21], id="21/0.7-is-30"),
        pytest.param([0.57], 57, [100, 57], id="57/0.57-is-100"),
        pytest.param([0.6], 2000, [3334, 2000], id="3333.3-up"),
        pytest.param([0.5, 0.5], 3, [12, 6, 3], id="exact-quarter"),
        pytest.param([0.5], 0, [0, 0], id="no-customers"),
        pytest.param(STORE_RATES, 2000, STORE_REQUIRED, id="store"),
    ],
)
def test_required_counts(rates: list[float], customers: int, expected: list[int]) -> None:
    """Stage i needs ⌈customers ÷ (product of the rates after it)⌉, computed exactly.

    145 ÷ 29/100 = 14500 ÷ 29 = 500 exactly; 21 ÷ 7/10 = 30; 57 ÷ 57/100 = 100;
    3 ÷ 1/4 = 12, 3 ÷ 1/2 = 6. Store: see test_store_plan_required_counts.
    """
    assert required_counts(rates, customers) == expected


def test_145_over_029_is_500_prospects_exactly() -> None:
    """145 / 0.29 is 500.00000000000006 in floating point; exactly it is 500.

    target 14500 ÷ AOV 100 = 145 customers; 145 ÷ 29/100 = 14500 ÷ 29 = 500 prospects;
    forwards 500 × 29/100 = 145 customers × 100 = 14500: gap exactly 0.
    """
    plan = build_plan([("Prospects", None), ("Customers", 0.29)], target=14500, aov=100)

    assert required(plan) == [500, 145]
    projection = project_forwards(plan, "traffic", 500)
    assert projection.new_customers == 145
    assert projection.target_gap == 0


SEVEN_RATES = [0.66, 0.85, 0.99, 0.99, 0.99, 0.99, 0.99]


def test_one_customer_behind_seven_high_rates_needs_two_sessions() -> None:
    """1 customer (target 100, AOV 100) behind rates 0.66, 0.85 and five of 0.99.

    Products from each stage to the last, bottom up: 0.99, 0.9801, 0.970299, 0.96059601,
    0.9509900499 (= 99⁵ / 10¹⁰); × 0.85 = 0.808341542415; × 0.66 = 0.5335054179939.
    Every one of them is ≥ 0.5, so each stage needs ⌈1 ÷ product⌉ = 2 (1 ÷ 0.5335 = 1.874),
    and the customer stage 1. Rounding at every step gave 1 → 2 → 3 → 4 → 5 → 6, then
    ⌈6 ÷ 0.85 = 7.06⌉ = 8, ⌈8 ÷ 0.66 = 12.1⌉ = 13 sessions.
    Forwards: 2 × 0.5335054179939 = 1.0670108359878 customers × 100 = 106.70108359878;
    from 13 sessions it would be 6.94 customers, 693.56: nearly 7 times the target.
    """
    stages = [("Sessions", None)] + [(f"Step {i}", rate) for i, rate in enumerate(SEVEN_RATES, 1)]
    plan = build_plan(stages, target=100, aov=100)

    assert required(plan) == [2, 2, 2, 2, 2, 2, 2, 1]
    projection = project_forwards(plan, "traffic", 2)
    assert projection.new_customers == pytest.approx(1.0670108359878, abs=1e-15)
    assert projection.revenue == pytest.approx(106.70108359878, abs=1e-12)
    assert projection.target_gap > 0


def test_one_b2b_customer_needs_371_visitors_not_470() -> None:
    """1 customer (target = AOV = 20000) through rates 0.1, 0.3, 0.3, 0.3; $2 a visitor.

    Products to the last stage: 0.3; 0.09; 0.027; 0.0027. Counts: ⌈1 ÷ 0.3 = 3.33⌉ = 4 calls,
    ⌈1 ÷ 0.09 = 11.1⌉ = 12 qualified, ⌈1 ÷ 0.027 = 37.04⌉ = 38 leads,
    ⌈1 ÷ 0.0027 = 370.37⌉ = 371 visitors. Step by step it was 4 → 14 → 47 → 470.
    Budget 371 × 2 = 742 (was 940); CAC 742. Forwards: 371 × 0.0027 = 1.0017 customers,
    revenue 20034, gap 34, under one visitor's worth (0.0027 × 20000 = 54).
    """
    plan = build_plan(
        [("Visitors", None), ("Leads", 0.1), ("Qualified", 0.3), ("Calls", 0.3), ("Won", 0.3)],
        target=20000,
        aov=20000,
        acquisition_cost={"stage": "Visitors", "cost_per_unit": 2},
    )

    result = plan_backwards(plan)

    assert [stage.required for stage in result.stages] == [371, 38, 12, 4, 1]
    assert result.budget == 742
    assert result.cac == 742
    projection = project_forwards(plan, "traffic", 371)
    assert projection.new_customers == pytest.approx(1.0017, abs=1e-15)
    assert projection.revenue == pytest.approx(20034, abs=1e-9)
    assert 0 < projection.target_gap < 54


def test_a_need_a_hair_above_a_whole_number_rounds_up() -> None:
    """904109700000.08 ÷ AOV 100000 = 9041097.0000008 customers: 9041098, not 9041097.

    Exactly: 90410970000008/100 ÷ 100000 = 9041097 + 8/10⁷. A noise band of 1e-13 × value
    (0.9e-6 here) used to call the 8e-7 noise and plan 9041097 customers, 0.08 short of the
    target. Then 9041098 ÷ 0.5 = 18082196 visitors.
    """
    plan = two_stage(904109700000.08, aov=100000, rate=0.5)

    result = plan_backwards(plan)

    assert [stage.required for stage in result.stages] == [18082196, 9041098]
    assert result.revenue >= plan.revenue_target


def test_a_real_half_of_a_huge_count_rounds_up() -> None:
    """600000000000.5 ÷ AOV 1 = 600000000000.5 customers → 600000000001, and ÷ 1.0 the same."""
    plan = two_stage(600_000_000_000.5, aov=1, rate=1.0)

    assert required(plan) == [600_000_000_001, 600_000_000_001]


def test_demo_plan_numbers() -> None:
    """The demo plan is unchanged by rounding once: every step's quotient was already whole.

    Returning: 2000 × 0.15 × 1.4 × 65 = 27300; needed 120000 − 27300 = 92700 ÷ 60 = 1545.
    Purchases 1545; checkouts 1545 ÷ 0.6 = 2575; carts 1545 ÷ 0.3 = 5150;
    product views 1545 ÷ 0.036 = 42916.7 → 42917; sessions 1545 ÷ 0.018 = 85833.3 → 85834.
    Budget 85834 × 0.40 = 34333.60; CAC 34333.6 ÷ 1545 = 22.2224; ROAS 92700 ÷ 34333.6;
    contribution 120000 × 0.45 − 34333.6 = 19666.4. Forwards from 85834 sessions:
    85834 × 0.018 = 1545.012 × 60 = 92700.72 + 27300 = 120000.72.
    """
    plan = demo_plan()

    result = plan_backwards(plan)

    assert [stage.required for stage in result.stages] == [85834, 42917, 5150, 2575, 1545]
    assert result.returning.revenue == 27300
    assert result.new_customer_revenue_needed == 92700
    assert result.budget == 34333.6
    assert result.cac == pytest.approx(34333.6 / 1545)
    assert result.roas == pytest.approx(92700 / 34333.6)
    assert result.contribution == pytest.approx(19666.4)
    projection = project_forwards(plan, "traffic", 85834)
    assert projection.revenue == 120000.72
    assert projection.target_gap == pytest.approx(0.72, abs=1e-9)


def test_impressions_are_the_paid_count_over_ctr_rounded_up_once() -> None:
    """1 customer, rate 0.3: 4 visitors (1 ÷ 0.3 = 3.33); at CTR 0.03, 4 ÷ 3/100 = 133.3 → 134.

    Budget 134 ÷ 1000 × CPM 10 = 1.34.
    """
    plan = two_stage(
        100,
        aov=100,
        rate=0.3,
        acquisition_cost={"stage": "Visitors", "cost_per_mille": 10, "click_through_rate": 0.03},
    )

    result = plan_backwards(plan)

    assert required(plan) == [4, 1]
    assert result.impressions == 134
    assert result.budget == 1.34


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
    """123457 sessions × 0.0162 = 2000.0034 purchases × 60 = 120000.204 ≥ 120000.

    The overshoot, 0.204, is less than one session's worth of revenue: 0.0162 × 60 = 0.972.
    """
    projection = project_forwards(example_plan, "traffic", 123457)

    assert projection.new_customers == 2000.0034
    assert projection.revenue == 120000.204
    assert projection.target_gap == pytest.approx(0.204, abs=1e-12)
    assert 0 < projection.target_gap < 0.0162 * 60


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


def test_ratios_that_overflow_are_reported_as_absent(example_plan_data: dict) -> None:
    """A budget of 5e-324 makes revenue ÷ budget overflow to infinity: say none, not inf."""
    example_plan_data["acquisition_cost"] = {"stage": "Sessions", "cost_per_unit": 1e-320}
    result = plan_backwards(parse_plan(example_plan_data))
    assert result.budget > 0
    assert result.roas is None
    assert result.marketing_efficiency is None


def test_a_unit_entering_the_stage_costs_cpm_over_a_thousand_over_ctr() -> None:
    """$8 per 1,000 impressions at 1.5% CTR: 8 / 1000 / 0.015 = $0.5333 per click."""
    cost = AcquisitionCost(stage="Sessions", cost_per_mille=8, click_through_rate=0.015)
    assert cost.cost_per_entry == pytest.approx(0.533333, rel=1e-5)
    assert AcquisitionCost(stage="Sessions", cost_per_unit=0.4).cost_per_entry == 0.4


def test_project_from_budget_on_a_stage_in_the_middle(example_plan_data: dict[str, Any]) -> None:
    """Counts spread both ways from the paid stage, without rounding.

    2 per cart: 2000 ÷ 2 = 1000 carts; views 1000 ÷ 0.12 = 8333.3, sessions ÷ 0.45 = 18518.5;
    checkouts 1000 × 0.5 = 500, purchases 500 × 0.6 = 300 × 60 = 18000 revenue.
    """
    example_plan_data["acquisition_cost"] = {"stage": "Add to cart", "cost_per_unit": 2}

    projection = project_forwards(parse_plan(example_plan_data), "budget", 2000)

    assert [stage.expected for stage in projection.stages] == pytest.approx(
        [1000 / 0.12 / 0.45, 1000 / 0.12, 1000, 500, 300]
    )
    assert projection.revenue == 18000
    assert projection.budget == 2000


# --- Amounts too large to project ------------------------------------------------------------


def test_project_accepts_the_largest_traffic(example_plan: Plan) -> None:
    """1e12 sessions, the limit: × 0.0162 = 1.62e10 purchases × 60 = 9.72e11 revenue."""
    projection = project_forwards(example_plan, "traffic", MAX_TRAFFIC)

    assert projection.new_customers == 1.62e10
    assert projection.revenue == 9.72e11


@pytest.mark.parametrize(
    ("driver", "amount", "limit"),
    [
        pytest.param("traffic", 1e12 + 1, MAX_TRAFFIC, id="traffic-just-above"),
        pytest.param("traffic", 1e303, MAX_TRAFFIC, id="traffic-1e303"),
        pytest.param("budget", 1e12 * (1 + 2**-52), MAX_MONEY, id="budget-just-above"),
        pytest.param("budget", 1e308, MAX_MONEY, id="budget-1e308"),
    ],
)
def test_project_refuses_an_absurd_amount(
    example_plan: Plan, driver: Any, amount: float, limit: float
) -> None:
    """Traffic is at most 1e12 units and a budget at most MAX_MONEY (1e12), named like a field."""
    with pytest.raises(PlanInvalid) as raised:
        project_forwards(example_plan, driver, amount)

    [problem] = raised.value.problems
    assert (problem.field, problem.code) == (driver, "out_of_range")
    assert problem.message == f"must be ≤ {format_bound(limit)}, got {format_number(amount)}"


def test_project_refuses_a_budget_that_buys_more_than_a_float_can_hold(
    example_plan_data: dict[str, Any],
) -> None:
    """A 1e-320 cost per purchase: 1e12 ÷ 1e-320 = 1e332 purchases, beyond a float's 1.8e308."""
    example_plan_data["acquisition_cost"] = {"stage": "Purchase", "cost_per_unit": 1e-320}

    with pytest.raises(PlanInvalid) as raised:
        project_forwards(parse_plan(example_plan_data), "budget", 1e12)

    [problem] = raised.value.problems
    assert (problem.field, problem.code) == ("budget", "out_of_range")
    assert problem.message == (
        "is too large: the new customers it buys would not be a finite number"
    )


def test_project_refuses_a_budget_buying_more_impressions_than_a_float_can_hold() -> None:
    """CPM 1e-297, CTR 1e-6: 1e10 buys 1e10 × 1000 ÷ 1e-297 = 1e310 impressions (not finite).

    They bring 1e310 × 1e-6 = 1e304 visitors × 0.02 = 2e302 customers, which are finite.
    """
    plan = two_stage(
        60000,
        acquisition_cost={
            "stage": "Visitors",
            "cost_per_mille": 1e-297,
            "click_through_rate": 1e-6,
        },
    )

    with pytest.raises(PlanInvalid) as raised:
        project_forwards(plan, "budget", 1e10)

    [problem] = raised.value.problems
    assert str(problem) == (
        "budget: is too large: the impressions it buys would not be a finite number"
    )


def test_project_refuses_traffic_whose_budget_is_not_finite() -> None:
    """Validation keeps CPM ≤ 1e12, so this plan is built past it to reach the guard.

    1e12 visitors ÷ CTR 1e-6 = 1e18 impressions × CPM 1e300 ÷ 1000 = 1e315: not a float.
    """
    plan = two_stage(
        60000,
        acquisition_cost={"stage": "Visitors", "cost_per_mille": 1, "click_through_rate": 1e-6},
    )
    assert plan.acquisition_cost is not None
    cost = plan.acquisition_cost.model_copy(update={"cost_per_mille": 1e300})
    unchecked = plan.model_copy(update={"acquisition_cost": cost})

    with pytest.raises(PlanInvalid) as raised:
        project_forwards(unchecked, "traffic", 1e12)

    [problem] = raised.value.problems
    assert str(problem) == "traffic: is too large: the budget it needs would not be a finite number"


def test_plan_backwards_refuses_counts_that_are_not_finite() -> None:
    """A target past validation's 1e12: 1e300 ÷ 1 = 1e300 customers ÷ 1e-6⁷ = 1e342 visitors."""
    stages: list[tuple[str, float | None]] = [("Stage 0", None)]
    stages += [(f"Stage {index}", 1e-6) for index in range(1, 8)]
    plan = build_plan(stages, target=1e12, aov=1)
    unchecked = plan.model_copy(update={"revenue_target": 1e300})

    with pytest.raises(PlanInvalid) as raised:
        plan_backwards(unchecked)

    [problem] = raised.value.problems
    assert (problem.field, problem.code) == ("revenue_target", "out_of_range")
    assert problem.message == (
        "is too large: the count of 'Stage 0' it needs would not be a finite number"
    )
