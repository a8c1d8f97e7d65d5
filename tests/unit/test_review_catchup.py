"""Catch-up against numbers worked by hand; levers checked by projecting forwards.

The case: 30 days at 190 visitors, 19 carts (10%), 7.6 customers (40%) and 760 of revenue a
day (AOV 100) against the tiny plan. Actual 22,800, so the remaining 60 days (Jan 31 – Mar 31)
need 67,200: 672 customers, ÷ 0.4 = 1,680 carts, ÷ 0.1 = 16,800 visitors (280 a day).
"""

from __future__ import annotations

from datetime import date

import pytest

from planner.funnel import project_forwards
from planner.models import Plan
from planner.review import CatchUp, review
from planner.review.catchup import catch_up
from planner.review.observed import observe
from tests.unit.test_review import funnel_days, tiny_plan

AS_OF = date(2027, 1, 30)


def behind(**measures: float) -> CatchUp:
    data = funnel_days(30, visitors=190, carts=19, customers=7.6, **({"revenue": 760} | measures))
    plan = tiny_plan(acquisition_cost={"stage": "Visitors", "cost_per_unit": 1.5})
    return catch_up(plan, observe(plan, data, AS_OF), AS_OF)


def lever_plan(plan: Plan, lever: str, value: float) -> Plan:
    """The catch-up plan with one lever set to ``value``."""
    if lever in ("average_order_value", "orders_per_customer"):
        return plan.model_copy(update={lever: value})
    stages = [
        stage.model_copy(update={"conversion_rate": value}) if stage.name == lever else stage
        for stage in plan.stages
    ]
    return plan.model_copy(update={"stages": stages})


def test_catch_up_plan_by_hand() -> None:
    needs = behind()
    assert needs.remaining_target == pytest.approx(67_200)
    assert needs.remaining_days == 60
    assert not needs.reached
    assert needs.plan is not None
    assert needs.result is not None
    assert needs.plan.period.start == date(2027, 1, 31)
    assert needs.plan.conversion_rates == [0.1, 0.4]
    assert needs.plan.average_order_value == pytest.approx(100)
    assert [stage.required for stage in needs.result.stages] == [16_800, 1_680, 672]


def test_weeks_are_iso_weeks_pro_rated() -> None:
    """Jan 31 2027 is a Sunday: a 1-day week, eight full weeks, then Mon–Wed Mar 29–31."""
    weeks = behind().weeks
    assert [week.days for week in weeks] == [1] + [7] * 8 + [3]
    assert (weeks[1].start, weeks[1].end) == (date(2027, 2, 1), date(2027, 2, 7))
    assert weeks[0].traffic == pytest.approx(280)
    assert weeks[1].new_customers == pytest.approx(672 * 7 / 60)
    assert weeks[1].budget == pytest.approx(280 * 7 * 1.5)
    assert sum(week.traffic for week in weeks) == pytest.approx(16_800)


def test_each_lever_alone_closes_the_gap() -> None:
    """Each lever alone reaches the remaining target (oracle: projecting forwards).

    At 190 visitors a day the 60 days bring 11,400 × 0.1 × 0.4 × 100 = 45,600; each lever
    must grow by 67,200 ÷ 45,600. Oracle: the planner's own forward projection with the lever
    changed reaches the remaining target.
    """
    needs = behind()
    assert needs.plan is not None
    levers = {lever.lever: lever for lever in needs.levers}
    assert list(levers) == ["traffic", "Carts", "Customers", "average_order_value",
                            "orders_per_customer"]  # fmt: skip
    assert levers["traffic"].current == pytest.approx(190)
    assert levers["traffic"].needed == pytest.approx(280)
    assert levers["Customers"].change == pytest.approx(67_200 / 45_600 - 1)
    for name, lever in levers.items():
        assert lever.feasible
        assert lever.needed is not None
        if name == "traffic":
            projected = project_forwards(needs.plan, "traffic", lever.needed * 60)
        else:
            changed = lever_plan(needs.plan, name, lever.needed)
            projected = project_forwards(changed, "traffic", 190 * 60)
        assert projected.revenue == pytest.approx(67_200, rel=1e-9)


def test_a_rate_above_one_is_not_feasible() -> None:
    """A conversion needing more than 100% is not feasible.

    100 visitors a day at 4%: 12,000 so far, 24,000 more at this pace against 78,000
    needed, ×3.25: Customers would need 0.4 × 3.25 = 1.3.
    """
    plan = tiny_plan()
    data = funnel_days(30, visitors=100, carts=10, customers=4, revenue=400)
    levers = {
        lever.lever: lever for lever in catch_up(plan, observe(plan, data, AS_OF), AS_OF).levers
    }
    assert levers["Customers"].needed == pytest.approx(1.3)
    assert not levers["Customers"].feasible
    assert levers["Carts"].feasible


def test_an_unusable_observed_rate_falls_back_to_the_plans() -> None:
    """No customer in 30 days: a rate of 0 can't be planned, so the plan's 0.5 stays."""
    plan = tiny_plan()
    data = funnel_days(30, customers=0, revenue=0)
    needs = catch_up(plan, observe(plan, data, AS_OF), AS_OF)
    assert needs.plan is not None
    assert needs.plan.conversion_rates == [0.1, 0.5]
    assert needs.plan.average_order_value == 100
    (note,) = needs.notes
    assert note.code == "observed_value_unusable"
    assert note.params == {"field": "stages[2].conversion_rate", "observed": 0.0}


def test_observed_spend_sets_the_cost() -> None:
    """2.0 per visitor spent (380 a day over 190 visitors) replaces the plan's 1.5."""
    needs = behind(spend=380)
    assert needs.plan is not None
    assert needs.plan.acquisition_cost is not None
    assert needs.plan.acquisition_cost.cost_per_unit == pytest.approx(2.0)
    assert needs.result is not None
    assert needs.result.budget == pytest.approx(16_800 * 2.0)


def test_returning_revenue_runs_at_its_rate() -> None:
    """Returning revenue runs at its observed daily rate over the remaining days.

    Returning revenue 100 a day: 6,000 over the 60 days, as one customer buying it once;
    new customers then need (67,200 − 3,000 already returning to date − 6,000) ÷ 100.
    """
    needs = behind(new_customer_revenue=760, returning_revenue=100, revenue=860)
    assert needs.plan is not None
    assert needs.result is not None
    returning = needs.plan.returning_customers
    assert returning is not None
    assert returning.average_order_value == pytest.approx(6000)
    assert needs.remaining_target == pytest.approx(90_000 - 30 * 860)
    assert needs.result.new_customers == 582  # ⌈(64,200 − 6,000) ÷ 100⌉


def test_reached_needs_nothing() -> None:
    plan = tiny_plan()
    data = funnel_days(30, revenue=3000)
    needs = catch_up(plan, observe(plan, data, AS_OF), AS_OF)
    assert needs.reached
    assert needs.plan is None
    assert needs.weeks == []


def test_a_period_over_short_of_target() -> None:
    result = review(tiny_plan(), funnel_days(90, revenue=900), date(2027, 3, 31), trials=100)
    assert not result.catch_up.reached
    assert result.catch_up.remaining_days == 0
    assert [note.code for note in result.catch_up.notes] == ["period_over"]
