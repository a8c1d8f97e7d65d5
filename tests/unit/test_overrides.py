"""What-if scenarios of issue 7, checked against numbers worked by hand.

The demo plan (``planner.presets.demo_plan``), by hand: $120,000 target; returning customers
bring 2,000 × 0.15 × 1.4 × $65 = $27,300, so new customers must bring $92,700, that is
$92,700 ÷ $60 = 1,545 customers. Sessions → Product views (50%) → Add to cart (12%) →
Checkout (50%) → Purchase (60%): reach 0.5 × 0.12 × 0.5 × 0.6 = 0.018, so
⌈1,545 ÷ 0.018⌉ = ⌈85,833.3⌉ = 85,834 sessions, at $0.40 a session $34,333.60 of budget.
"""

from __future__ import annotations

from typing import Literal

import pytest
from pydantic import ValidationError

from planner.errors import PlanInvalid
from planner.models import AcquisitionCost
from planner.presets import demo_plan
from planner.scenarios import (
    MAX_OVERRIDES,
    Override,
    Scenario,
    apply_scenario,
    evaluate,
    forward_amounts,
)

DEMO_SESSIONS = 85_834  # ⌈1,545 ÷ 0.018⌉, by hand (module docstring)
DEMO_BUDGET = 34_333.60  # 85,834 × $0.40, by hand
CENT = 0.005


def scenario(*overrides: Override) -> Scenario:
    return Scenario(name="What if", overrides=list(overrides))


def checkout(mode: Literal["absolute", "relative"], value: float) -> Override:
    """The demo's Checkout rate, named in another case: names match case-insensitively."""
    return Override(target="stage_rate", stage="checkout", mode=mode, value=value)


# --- Applying overrides -----------------------------------------------------------------------


def test_checkout_up_ten_percent_needs_fewer_sessions() -> None:
    """Checkout 50% × 1.1 = 55%: reach 0.5 × 0.12 × 0.55 × 0.6 = 0.0198.

    Sessions ⌈1,545 ÷ 0.0198⌉ = ⌈78,030.3⌉ = 78,031; budget 78,031 × $0.40 = $31,212.40.
    """
    plan = apply_scenario(demo_plan(), scenario(checkout("relative", 0.10)))
    outcome = evaluate(demo_plan(), scenario(checkout("relative", 0.10)))

    assert plan.stages[3].conversion_rate == 0.55
    assert outcome.scenario.required_traffic == 78_031
    assert outcome.scenario.required_budget == pytest.approx(31_212.40, abs=CENT)
    assert outcome.difference.required_traffic == 78_031 - DEMO_SESSIONS
    assert outcome.difference.required_budget == pytest.approx(-3_121.20, abs=CENT)


def test_a_cost_per_session_of_80_cents_doubles_the_budget() -> None:
    """$0.80 instead of $0.40 a session: 85,834 × $0.80 = $68,667.20, twice $34,333.60."""
    doubled = Override(target="cost_per_unit", value=0.80)
    outcome = evaluate(demo_plan(), scenario(doubled))

    assert outcome.base.required_budget == pytest.approx(DEMO_BUDGET, abs=CENT)
    assert outcome.scenario.required_budget == pytest.approx(2 * DEMO_BUDGET, abs=CENT)
    assert outcome.scenario.required_traffic == DEMO_SESSIONS  # traffic needs no more


def test_an_empty_scenario_is_the_base_exactly() -> None:
    base = demo_plan()
    outcome = evaluate(base, scenario())

    assert apply_scenario(base, scenario()) == base
    assert outcome.scenario == outcome.base
    assert all(value in (0, None) for value in outcome.difference.model_dump().values())


def test_applied_overrides_give_the_same_plan_as_writing_it() -> None:
    """An override changes that field and nothing else: the plan equals the edited base."""
    higher_value = Override(target="average_order_value", value=75)
    applied = apply_scenario(demo_plan(), scenario(higher_value))

    assert applied == demo_plan().model_copy(update={"average_order_value": 75.0})


def test_a_rate_above_one_is_refused_naming_the_plan_field() -> None:
    with pytest.raises(PlanInvalid) as refused:
        apply_scenario(demo_plan(), scenario(checkout("absolute", 1.5)))

    assert refused.value.fields() == {"stages[3].conversion_rate"}


def test_an_unknown_stage_is_refused_naming_the_override() -> None:
    unknown = Override(target="stage_rate", stage="Basket", value=0.3)
    with pytest.raises(PlanInvalid) as refused:
        apply_scenario(demo_plan(), scenario(checkout("relative", 0.1), unknown))

    assert refused.value.fields() == {"overrides[1].stage"}
    assert "'Basket' is not a stage" in str(refused.value)


def test_a_cost_priced_the_other_way_is_refused_not_switched() -> None:
    """The demo pays per session: a CPM override has nothing to change."""
    with pytest.raises(PlanInvalid) as refused:
        apply_scenario(demo_plan(), scenario(Override(target="cost_per_mille", value=5)))

    assert refused.value.fields() == {"overrides[0].target"}
    assert refused.value.problems[0].context["rule"] == "override_cost_other_way"


def test_a_ctr_override_on_a_plan_paying_per_mille() -> None:
    """$5 CPM, 1% CTR → 2%: ⌈85,834 ÷ 0.02⌉ = 4,291,700 impressions × $5 ÷ 1,000 = $21,458.50."""
    cost = AcquisitionCost(stage="Sessions", cost_per_mille=5, click_through_rate=0.01)
    plan = demo_plan().model_copy(update={"acquisition_cost": cost})
    outcome = evaluate(plan, scenario(Override(target="click_through_rate", value=0.02)))

    assert outcome.scenario.required_budget == pytest.approx(21_458.50, abs=CENT)
    assert outcome.base.required_budget == pytest.approx(2 * 21_458.50, abs=CENT)


def test_a_relative_change_of_nothing_is_refused() -> None:
    """The demo's 45% margin removed: there is no margin to move by a share."""
    plan = demo_plan().model_copy(update={"gross_margin": None})
    with pytest.raises(PlanInvalid) as refused:
        apply_scenario(plan, scenario(Override(target="gross_margin", mode="relative", value=0.1)))

    assert refused.value.fields() == {"overrides[0].mode"}


def test_an_override_names_its_stage_only_for_a_rate() -> None:
    with pytest.raises(ValidationError):
        Override(target="stage_rate", value=0.5)
    with pytest.raises(ValidationError):
        Override(target="average_order_value", stage="Checkout", value=50)
    with pytest.raises(ValidationError):
        Scenario(name="Too many", overrides=[checkout("absolute", 0.5)] * (MAX_OVERRIDES + 1))


# --- Forward amounts --------------------------------------------------------------------------


def test_traffic_and_budget_overrides_move_the_amounts_not_the_plan() -> None:
    """Traffic +10%: 85,834 × 1.1 = 94,417.4; budget set to $20,000."""
    what_if = scenario(
        Override(target="traffic", mode="relative", value=0.10),
        Override(target="budget", value=20_000),
    )

    assert apply_scenario(demo_plan(), what_if) == demo_plan()
    assert forward_amounts(what_if, traffic=DEMO_SESSIONS, budget=DEMO_BUDGET) == {
        "traffic": 94_417.4,
        "budget": 20_000,
    }
    with pytest.raises(PlanInvalid) as refused:
        forward_amounts(what_if, budget=DEMO_BUDGET)
    assert refused.value.fields() == {"overrides[0].mode"}


def test_revenue_at_the_base_traffic_and_budget() -> None:
    """Base: 85,834 × 0.018 × $60 + $27,300 = $92,700.72 + $27,300 = $120,000.72.

    The same sessions bought by the base budget: $34,333.60 ÷ $0.40 = 85,834, so the same
    revenue. AOV $66 (+10%): new revenue 85,834 × 0.018 × 66 = $101,970.792, revenue
    $129,270.792 from either amount.
    """
    outcome = evaluate(
        demo_plan(), scenario(Override(target="average_order_value", mode="relative", value=0.1))
    )

    assert outcome.base.traffic == DEMO_SESSIONS
    assert outcome.base.revenue_at_traffic == pytest.approx(120_000.72)
    assert outcome.base.revenue_at_budget == pytest.approx(120_000.72)
    assert outcome.scenario.revenue_at_traffic == pytest.approx(129_270.792)
    assert outcome.difference.revenue_at_budget == pytest.approx(9_270.072)
