"""Presets and the demo plan: valid, inside their own benchmarks, and worked by hand.

A preset is applied whole (stages, order value, orders per customer, acquisition cost,
margin), so every check runs on the plan the preset makes, costs included.
"""

from __future__ import annotations

import math
from datetime import date

import pytest
from pydantic import ValidationError

from planner.benchmarks import check_benchmarks, match_benchmarks
from planner.funnel import plan_backwards
from planner.models import MAX_STAGES, MIN_STAGES, AcquisitionCost, Period, Plan
from planner.presets import (
    LEAD_GENERATION,
    ONLINE_COURSE,
    ONLINE_STORE,
    PRESETS,
    FunnelPreset,
    demo_plan,
)

ALL_PRESETS = [ONLINE_STORE, LEAD_GENERATION, ONLINE_COURSE]


def plan_from(preset: FunnelPreset) -> Plan:
    return Plan(
        name=preset.label,
        period=Period(start=date(2027, 1, 1), end=date(2027, 3, 31)),
        revenue_target=50_000,
        average_order_value=preset.average_order_value,
        orders_per_customer=preset.orders_per_customer,
        stages=preset.stages,
        acquisition_cost=preset.acquisition_cost,
        gross_margin=preset.gross_margin,
    )


def test_presets_are_registered_under_their_keys() -> None:
    assert list(PRESETS) == ["online_store", "lead_generation", "online_course"]
    assert all(PRESETS[preset.key] is preset for preset in ALL_PRESETS)


@pytest.mark.parametrize("preset", ALL_PRESETS, ids=lambda preset: preset.key)
def test_every_preset_validates_as_a_plan_with_a_target(preset: FunnelPreset) -> None:
    plan = Plan.model_validate(plan_from(preset).model_dump())
    assert MIN_STAGES <= len(plan.stages) <= MAX_STAGES
    assert plan.stages[0].conversion_rate is None
    assert plan_backwards(plan).stages[-1].required > 0


@pytest.mark.parametrize("preset", ALL_PRESETS, ids=lambda preset: preset.key)
def test_every_preset_is_inside_its_own_benchmarks(preset: FunnelPreset) -> None:
    """No warning, and not vacuously: at least two benchmarks apply to each preset."""
    plan = plan_from(preset)
    matches = match_benchmarks(plan)
    assert len(matches) >= 2
    assert {match.verdict for match in matches} == {"within"}
    assert check_benchmarks(plan) == []


@pytest.mark.parametrize("preset", ALL_PRESETS, ids=lambda preset: preset.key)
def test_every_preset_names_its_sources(preset: FunnelPreset) -> None:
    assert len(preset.source) > 40
    assert "ssumption" in preset.source  # what is not published says so


@pytest.mark.parametrize("preset", ALL_PRESETS, ids=lambda preset: preset.key)
def test_every_preset_pays_off_its_customers_within_the_period(preset: FunnelPreset) -> None:
    """A new customer costs less than the gross profit of their orders (no cost warning)."""
    plan = plan_from(preset)
    result = plan_backwards(plan)
    assert result.cac is not None
    margin = preset.gross_margin or 1.0
    gross_profit = preset.average_order_value * preset.orders_per_customer * margin
    assert result.cac < gross_profit
    assert result.roas is not None
    assert result.roas > 1


@pytest.mark.parametrize(
    ("preset", "value", "paid", "price", "cost_per_customer"),
    [
        # 0.40 ÷ 1.8% sessions-to-order
        pytest.param(ONLINE_STORE, 90, "Sessions", 0.40, 0.40 / 0.018, id="store"),
        # 70 ÷ 3.75% leads-to-customer
        pytest.param(LEAD_GENERATION, 5_000, "Leads", 70, 70 / 0.0375, id="lead-gen"),
        # 0.60 ÷ (20% × 40% × 5%) visitors-to-buyer
        pytest.param(ONLINE_COURSE, 300, "Visitors", 0.60, 0.60 / 0.004, id="course"),
    ],
)
def test_each_preset_carries_its_value_and_costs(
    preset: FunnelPreset, value: float, paid: str, price: float, cost_per_customer: float
) -> None:
    assert preset.average_order_value == value
    assert preset.acquisition_cost.stage == paid
    assert preset.acquisition_cost.cost_per_unit == price
    assert preset.stages[preset.paid_index].name == paid
    reach = math.prod(plan_from(preset).conversion_rates[preset.paid_index :])
    assert price / reach == pytest.approx(cost_per_customer)


def test_a_preset_must_pay_for_one_of_its_stages() -> None:
    with pytest.raises(ValidationError, match="paid stage 'Clicks' is not a stage"):
        FunnelPreset(
            key="x",
            label="X",
            stages=ONLINE_STORE.stages,
            average_order_value=10,
            acquisition_cost=AcquisitionCost(stage="Clicks", cost_per_unit=1),
            source="test",
        )


def test_the_store_preset_keeps_its_stage_names_and_rates() -> None:
    """Stage names are kept; the rates compose to the benchmarks' typical values.

    Session-to-order 0.5 × 0.12 × 0.5 × 0.6 = 1.8%, add-to-cart 0.5 × 0.12 = 6% of sessions,
    and 0.5 × 0.6 = 30% of carts ordered, i.e. 70% abandoned.
    """
    assert [stage.name for stage in ONLINE_STORE.stages] == [
        "Sessions",
        "Product views",
        "Add to cart",
        "Checkout",
        "Purchase",
    ]
    rates = {match.benchmark.key: match.rate for match in match_benchmarks(plan_from(ONLINE_STORE))}
    assert rates == {
        "session_to_order": pytest.approx(0.018),
        "add_to_cart": pytest.approx(0.06),
        "cart_to_order": pytest.approx(0.30),
    }
    for publisher in ("Littledata", "Baymard", "Dynamic Yield"):
        assert publisher in ONLINE_STORE.source


def test_the_lead_and_course_presets_compose_to_their_documented_rates() -> None:
    """Lead gen: 0.3 × 0.5 × 0.25 = 3.75% of leads become customers.

    Course: 0.4 × 0.05 = 2% of opt-ins buy (Teachable's conservative list-to-enrolment rate).
    """
    lead = {m.benchmark.key: m.rate for m in match_benchmarks(plan_from(LEAD_GENERATION))}
    assert lead["lead_to_customer"] == pytest.approx(0.0375)
    assert lead["visitor_to_lead"] == pytest.approx(0.05)
    course = {m.benchmark.key: m.rate for m in match_benchmarks(plan_from(ONLINE_COURSE))}
    assert course["opt_in_rate"] == pytest.approx(0.20)
    assert course["opt_in_to_purchase"] == pytest.approx(0.02)
    assert "session_to_order" not in lead
    assert "session_to_order" not in course


def test_the_demo_plan_worked_by_hand() -> None:
    """Returning: 2,000 × 0.15 = 300 buyers × 1.4 = 420 orders × 65 = 27,300.

    New customers: ⌈(120,000 − 27,300) ÷ (60 × 1)⌉ = ⌈92,700 ÷ 60⌉ = 1,545.
    Upwards: checkout ⌈1,545 ÷ 0.6⌉ = 2,575; add to cart ⌈2,575 ÷ 0.5⌉ = 5,150;
    product views ⌈5,150 ÷ 0.12⌉ = ⌈42,916.7⌉ = 42,917; sessions ⌈42,917 ÷ 0.5⌉ = 85,834.
    Budget: 85,834 sessions × 0.40 = 34,333.60.
    """
    result = plan_backwards(demo_plan())
    assert result.returning.revenue == pytest.approx(27_300)
    assert result.new_customers == 1_545
    assert [stage.required for stage in result.stages] == [85_834, 42_917, 5_150, 2_575, 1_545]
    assert result.budget == pytest.approx(34_333.60)


def test_the_demo_plan_gives_no_warning() -> None:
    """The demo teaches the funnel, not a warning.

    Rates are the store preset's; a 15% repeat share is under the 27% first-time return rate;
    a customer costs 0.40 ÷ 1.8% = 22.22, under 60 × 45% = 27 of gross profit.
    """
    plan = demo_plan()
    assert plan.stages == ONLINE_STORE.stages
    assert plan.acquisition_cost == ONLINE_STORE.acquisition_cost
    assert check_benchmarks(plan) == []
