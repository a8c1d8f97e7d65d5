"""Presets and the demo plan: valid, inside their own benchmarks, and worked by hand."""

from __future__ import annotations

from datetime import date

import pytest

from planner.benchmarks import check_benchmarks, match_benchmarks
from planner.funnel import plan_backwards
from planner.models import MAX_STAGES, MIN_STAGES, Period, Plan
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
        average_order_value=100,
        stages=preset.stages,
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
    assert check_benchmarks(plan) == []
