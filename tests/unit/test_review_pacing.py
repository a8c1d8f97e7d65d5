"""Pacing against numbers worked by hand on the tiny plan (``tests.unit.test_review``).

Per day the plan expects 200 visitors, 20 carts, 10 customers and 1,000 of revenue.
"""

from __future__ import annotations

from datetime import date

import pytest

from planner.errors import PlanInvalid
from planner.models import Period
from planner.review import review
from planner.review.observed import observe
from planner.review.pacing import (
    Thresholds,
    elapsed_days,
    elapsed_share,
    make_thresholds,
    measure_variances,
    pacing_points,
    planned_to_date,
    status,
)
from tests.unit.test_review import funnel_days, tiny_plan

Q1 = Period(start=date(2027, 1, 1), end=date(2027, 3, 31))


@pytest.mark.parametrize(
    ("as_of", "days"),
    [
        (date(2026, 12, 31), 0),
        (date(2027, 1, 1), 1),
        (date(2027, 1, 30), 30),
        (date(2027, 3, 31), 90),
        (date(2027, 5, 1), 90),
    ],
)
def test_elapsed_days_counts_both_ends_within_the_period(as_of: date, days: int) -> None:
    assert elapsed_days(Q1, as_of) == days


def test_thirty_days_at_ninety_percent_are_amber() -> None:
    """Target 90,000 over 90 days, as of day 30: planned 30,000; 27,000 actual → 0.9, amber.

    Stages: 30 × 200 = 6,000 visitors, 600 carts, 300 customers planned.
    """
    result = review(tiny_plan(), funnel_days(30, revenue=900), date(2027, 1, 30), trials=200)
    revenue = result.measures[0]
    assert revenue.planned_to_date == pytest.approx(30_000)
    assert revenue.actual_to_date == pytest.approx(27_000)
    assert revenue.variance == pytest.approx(-3_000)
    assert revenue.variance_pct == pytest.approx(-0.1)
    assert result.attainment == pytest.approx(0.9)
    assert revenue.status == "amber"
    planned = [stage.planned_to_date for stage in result.stages]
    assert planned == pytest.approx([6000, 600, 300])


def test_stage_rates_planned_and_observed() -> None:
    """190 visitors, 19 carts, 8 customers a day: rates 19/190 = 0.1 and 8/19."""
    data = funnel_days(10, visitors=190, carts=19, customers=8, revenue=800)
    result = review(tiny_plan(), data, date(2027, 1, 10), trials=100)
    first, carts, customers = result.stages
    assert (first.planned_rate, first.actual_rate) == (None, None)
    assert (carts.planned_rate, carts.actual_rate) == (0.1, pytest.approx(0.1))
    assert customers.actual_rate == pytest.approx(8 / 19)
    assert customers.attainment == pytest.approx(0.8)
    assert customers.status == "red"


@pytest.mark.parametrize(
    ("attainment", "expected"),
    [(1.2, "green"), (1.0, "green"), (0.95, "amber"), (0.9, "amber"), (0.89, "red"), (None, None)],
)
def test_status_by_default_thresholds(attainment: float | None, expected: str | None) -> None:
    assert status(attainment, Thresholds()) == expected


def test_spend_is_lower_is_better() -> None:
    """Spend is lower-is-better; contribution is revenue × margin − spend.

    Cost 1 per visitor: 10 days plan 2,000 of spend. 2,500 spent → 2,000 ÷ 2,500 = 0.8, red;
    1,000 spent → green. Contribution at 40% margin: 10,000 × 0.4 − 2,000 = 2,000 planned.
    """
    plan = tiny_plan(acquisition_cost={"stage": "Visitors", "cost_per_unit": 1}, gross_margin=0.4)
    over = review(plan, funnel_days(10, revenue=1000, spend=250), date(2027, 1, 10), trials=100)
    spend = next(row for row in over.measures if row.measure == "spend")
    assert spend.planned_to_date == pytest.approx(2000)
    assert spend.attainment == pytest.approx(1.25)
    assert spend.status == "red"
    contribution = next(row for row in over.measures if row.measure == "contribution")
    assert contribution.planned_to_date == pytest.approx(2000)
    assert contribution.actual_to_date == pytest.approx(10_000 * 0.4 - 2500)
    under = review(plan, funnel_days(10, revenue=1000, spend=100), date(2027, 1, 10), trials=100)
    assert next(row for row in under.measures if row.measure == "spend").status == "green"


def test_cost_per_mille_plans_the_same_spend_per_entry() -> None:
    """CPM 10 at 1% CTR: 10 ÷ 1000 ÷ 0.01 = 1 per visitor, so 10 days plan 2,000."""
    plan = tiny_plan(
        acquisition_cost={"stage": "Visitors", "cost_per_mille": 10, "click_through_rate": 0.01}
    )
    assert planned_to_date(plan, 10 / 90).spend == pytest.approx(2000)


def test_planned_counts_are_unrounded() -> None:
    """Planned counts to date are the unrounded expected counts.

    Target 1,000 at AOV 30: 33.33 customers (the backward plan rounds up to 34); over the
    whole period revenue is exactly the target and customers 1,000 ÷ 30.
    """
    plan = tiny_plan(revenue_target=1000, average_order_value=30)
    planned = planned_to_date(plan, 1.0)
    assert planned.new_customers == pytest.approx(1000 / 30)
    assert planned.stages["Visitors"] == pytest.approx(1000 / 30 / 0.05)
    assert planned.revenue == 1000


def test_returning_customers_cover_the_plan() -> None:
    """Returning customers covering the plan cover the target, not more.

    200 customers × 100% × 1 order × 1,000 = 200,000 returning ≥ target: nothing new needed,
    and returning customers cover the target (90,000), not more.
    """
    plan = tiny_plan(
        returning_customers={"active_customers": 200, "repeat_purchase_rate": 1.0,
                             "average_order_value": 1000}
    )  # fmt: skip
    planned = planned_to_date(plan, 0.5)
    assert planned.new_revenue == 0
    assert planned.returning_revenue == pytest.approx(45_000)
    assert planned.revenue == 45_000


def test_weights_set_the_elapsed_share() -> None:
    """Weights 1, 1, 2, 4: after two days 2 ÷ 8 = 0.25; uniform: 2 ÷ 4."""
    assert elapsed_share(4, 2, [1, 1, 2, 4]) == pytest.approx(0.25)
    assert elapsed_share(4, 2) == 0.5
    assert elapsed_share(4, 0) == 0.0


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"behind": 0}, "thresholds.behind"),
        ({"behind": 1.1}, "thresholds.behind"),
        ({"on_pace": 11, "behind": 0.9}, "thresholds.on_pace"),
        ({"on_pace": "fast"}, "thresholds.on_pace"),
    ],
)
def test_thresholds_out_of_order_are_refused(values: dict[str, object], field: str) -> None:
    with pytest.raises(PlanInvalid) as refused:
        make_thresholds(**values)
    assert refused.value.fields() == {field}


def test_custom_thresholds_move_the_status() -> None:
    """0.9 is red when behind starts at 0.95."""
    thresholds = make_thresholds(on_pace=1.0, behind=0.95)
    plan = tiny_plan()
    observed = observe(plan, funnel_days(30, revenue=900), date(2027, 1, 30))
    rows = measure_variances(plan, planned_to_date(plan, 30 / 90), observed, thresholds)
    assert rows[0].status == "red"


def test_pacing_points_cover_every_day() -> None:
    """Plan: 1,000 a day cumulated; actual through the last covered day; forecast after as_of."""
    result = review(tiny_plan(), funnel_days(20, revenue=900), date(2027, 1, 25), trials=200)
    points = result.pacing
    assert len(points) == 90
    assert points[0].plan == pytest.approx(1000)
    assert points[-1].plan == pytest.approx(90_000)
    assert points[19].actual == pytest.approx(18_000)
    assert points[20].actual is None
    assert points[24].forecast_p50 is None
    assert points[25].forecast_p50 is not None
    assert points[-1].day == date(2027, 3, 31)
    plan = tiny_plan()
    observed = observe(plan, funnel_days(20, revenue=900), date(2027, 1, 25))
    assert all(point.forecast_p10 is None for point in pacing_points(plan, observed))
