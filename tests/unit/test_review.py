"""The whole review in one call: its fields, its refusals, its notes; helpers for the review tests.

The tiny plan used throughout: Q1 2027 (90 days), target 90,000, AOV 100, funnel
Visitors → Carts (10%) → Customers (50%). Worked backwards: 900 customers, 1,800 carts,
18,000 visitors, i.e. per day 200 visitors, 20 carts, 10 customers and 1,000 of revenue.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np
import pytest

from planner.actuals.funnel import FunnelActuals, Measure
from planner.errors import PlanInvalid, parse_plan
from planner.models import Plan
from planner.review import review
from planner.review.observed import day_number

Q1_START = date(2027, 1, 1)
Series = float | Sequence[float]


def tiny_plan(**extra: Any) -> Plan:
    """The module docstring's plan, with any field replaced."""
    data: dict[str, Any] = {
        "name": "Tiny",
        "period": {"start": "2027-01-01", "end": "2027-03-31"},
        "revenue_target": 90_000,
        "average_order_value": 100,
        "stages": [
            {"name": "Visitors"},
            {"name": "Carts", "conversion_rate": 0.1},
            {"name": "Customers", "conversion_rate": 0.5},
        ],
        **extra,
    }
    return parse_plan(data)


def actuals(
    days: int,
    *,
    start: date = Q1_START,
    stages: dict[str, Series] | None = None,
    **measures: Series,
) -> FunnelActuals:
    """Daily rows from ``start`` for ``days`` days; a number is the same every day."""
    return daily_rows(days, start, stages or {}, measures)


def daily_rows(
    days: int, start: date, stages: Mapping[str, Series], measures: Mapping[str, Series]
) -> FunnelActuals:
    """``actuals`` with its columns given as dicts."""

    def column(value: Series) -> np.ndarray:
        return np.broadcast_to(np.asarray(value, dtype=np.float64), (days,)).copy()

    first = day_number(start)
    typed: dict[Measure, np.ndarray] = {name: column(value) for name, value in measures.items()}  # type: ignore[misc]
    return FunnelActuals(
        starts=np.arange(first, first + days, dtype=np.int64),
        spans=np.ones(days, dtype=np.int64),
        stages={name: column(value) for name, value in stages.items()},
        measures=typed,
    )


def funnel_days(
    days: int,
    visitors: Series = 200,
    carts: Series = 20,
    customers: Series = 10,
    **measures: Series,
) -> FunnelActuals:
    """Daily funnel actuals of the tiny plan's three stages (on plan by default)."""
    stages = {"Visitors": visitors, "Carts": carts, "Customers": customers}
    return daily_rows(days, Q1_START, stages, measures)


def test_review_of_a_tiny_plan_dumps_to_json() -> None:
    """30 days on plan: attainment 1, gap 0, green revenue; the review is plain JSON."""
    result = review(tiny_plan(), funnel_days(30, revenue=1000), date(2027, 1, 30), trials=500)
    assert result.elapsed_days == 30
    assert result.period_days == 90
    assert result.attainment == pytest.approx(1.0)
    assert result.revenue_gap == pytest.approx(0.0, abs=1e-9)
    assert result.measures[0].status == "green"
    assert result.actuals_until == date(2027, 1, 30)
    dumped = json.loads(json.dumps(result.model_dump(mode="json")))
    assert dumped["as_of"] == "2027-01-30"
    assert len(dumped["pacing"]) == 90
    assert dumped["probability_of_target"] == result.forecast.probability_of_target


def test_as_of_before_the_period_is_refused() -> None:
    with pytest.raises(PlanInvalid) as refused:
        review(tiny_plan(), funnel_days(3, revenue=1), date(2026, 12, 31))
    (problem,) = refused.value.problems
    assert (problem.field, problem.code) == ("as_of", "as_of_before_period")
    assert problem.context == {"start": "2027-01-01", "got": "2026-12-31"}


def test_actuals_without_revenue_are_refused() -> None:
    with pytest.raises(PlanInvalid) as refused:
        review(tiny_plan(), funnel_days(3), date(2027, 1, 3))
    assert refused.value.problems[0].code == "actuals_without_revenue"
    assert refused.value.fields() == {"actuals.revenue"}


def test_a_value_that_is_not_a_number_is_refused() -> None:
    data = funnel_days(3, visitors=[200, float("nan"), 200], revenue=float("inf"))
    with pytest.raises(PlanInvalid) as refused:
        review(tiny_plan(), data, date(2027, 1, 3))
    assert refused.value.fields() == {"actuals.Visitors", "actuals.revenue"}
    assert {problem.code for problem in refused.value.problems} == {"actuals_not_finite"}


def test_revenue_is_new_plus_returning_when_no_total_is_given() -> None:
    """600 new + 300 returning a day for 10 days = 9,000 against 10,000 planned: 0.9."""
    data = funnel_days(10, new_customer_revenue=600, returning_revenue=300)
    result = review(tiny_plan(), data, date(2027, 1, 10), trials=200)
    assert result.measures[0].actual_to_date == pytest.approx(9000)
    assert result.attainment == pytest.approx(0.9)


def test_notes_name_what_the_actuals_lack_or_overshoot() -> None:
    """Rows from Dec 30 to Jan 5 (2 days outside), no Carts, reviewed as of Jan 10."""
    data = actuals(
        7, start=date(2026, 12, 30), stages={"Visitors": 200, "Customers": 10}, revenue=1000
    )
    result = review(tiny_plan(), data, date(2027, 1, 10), trials=200)
    codes = {note.code: note.params for note in result.notes}
    assert codes["actuals_outside_period"] == {"days": 2}
    assert codes["stage_not_in_actuals"] == {"stage": "Carts"}
    assert codes["actuals_end_before_as_of"] == {"until": "2027-01-05", "as_of": "2027-01-10"}
    assert result.actuals_until == date(2027, 1, 5)
    # Only the 5 days inside the period count: 5,000 against 10,000 planned.
    assert result.measures[0].actual_to_date == pytest.approx(5000)


def test_as_of_after_the_period_reviews_it_whole() -> None:
    result = review(tiny_plan(), funnel_days(90, revenue=1000), date(2027, 6, 1), trials=100)
    assert result.elapsed_days == 90
    assert result.forecast.remaining_days == 0
    assert result.catch_up.reached


def test_weekly_rows_are_spread_over_their_days() -> None:
    """One weekly row of 7,000 revenue: as of its 3rd day, 3,000 is counted."""
    data = FunnelActuals(
        starts=np.array([day_number(Q1_START)]),
        spans=np.array([7]),
        measures={"revenue": np.array([7000.0])},
    )
    result = review(tiny_plan(), data, date(2027, 1, 3), trials=100)
    assert result.measures[0].actual_to_date == pytest.approx(3000)
    assert result.forecast.basis == "run_rate"
