"""Pacing: what the plan expected by the as-of date, against what happened, and how it is judged.

Planned-to-date is the plan's figure × the elapsed share of the period. The share is the sum of
per-day weights over the elapsed days ÷ their sum over the period: uniform by default (30 of
90 days → 1/3), so seasonal weights can slot in later without changing anything else.

Stage counts to date use the plan's *unrounded* expected counts: new customers c = new-customer
revenue needed ÷ (AOV × orders per customer), and each earlier stage c ÷ the product of the
rates below it. So the planned funnel to date carries exactly to target × share of revenue,
and the attribution of the gap (``planner.review.attribution``) reconciles exactly; the
backward plan's whole-number counts would overshoot by up to one unit per stage.

- revenue = target × share; of it, returning customers cover the plan's returning revenue (up
  to the target) × share and new customers the rest;
- orders = (c × orders per customer + the plan's returning orders) × share;
- spend = the unrounded count entering the paid stage × cost per entry × share (0 without a
  cost); contribution = revenue × gross margin − spend (None without a margin).

Status: attainment = actual ÷ planned; "green" when ≥ ``on_pace``, "amber" when ≥ ``behind``,
else "red". Spend is lower-is-better, so its status uses planned ÷ actual. A figure with no
actual, or nothing planned, has no attainment and no status.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from pydantic import ValidationError, model_validator

from planner.base import Model, RuleProblem, rules_error
from planner.errors import PlanInvalid, problems_from
from planner.funnel import plan_backwards, returning_outcome
from planner.models import Plan
from planner.period import period_days
from planner.review.observed import Observed, elapsed_days

__all__ = [
    "MAX_THRESHOLD",
    "MeasureVariance",
    "PacingPoint",
    "Planned",
    "StageVariance",
    "Status",
    "Thresholds",
    "elapsed_days",
    "elapsed_share",
    "make_thresholds",
    "measure_variances",
    "pacing_points",
    "planned_to_date",
    "stage_variances",
    "status",
]

Status = Literal["green", "amber", "red"]
MAX_THRESHOLD = 10.0
"""Highest "on pace" attainment accepted: 10× the plan is already far beyond any target."""

Weights = Sequence[float] | npt.NDArray[np.float64] | None


class Thresholds(Model):
    """Attainment from which a figure is on pace (green) or only a little behind (amber)."""

    on_pace: float = 1.0
    behind: float = 0.9

    @model_validator(mode="after")
    def _in_order(self) -> Thresholds:
        if 0 < self.behind <= self.on_pace <= MAX_THRESHOLD:
            return self
        field = "behind" if not 0 < self.behind <= self.on_pace else "on_pace"
        message = (
            f"must satisfy 0 < behind ≤ on_pace ≤ {MAX_THRESHOLD:g}, "
            f"got behind {self.behind:g} and on_pace {self.on_pace:g}"
        )
        params = {"behind": self.behind, "on_pace": self.on_pace, "most": MAX_THRESHOLD}
        raise rules_error([RuleProblem(field, "thresholds_out_of_order", message, params)])


def make_thresholds(**values: Any) -> Thresholds:
    """``Thresholds`` from user input, or ``PlanInvalid`` naming ``thresholds.<field>``."""
    try:
        return Thresholds.model_validate(values)
    except ValidationError as error:
        problems = problems_from(error, Thresholds)
        for problem in problems:
            object.__setattr__(problem, "field", f"thresholds.{problem.field}")
        raise PlanInvalid(problems) from None


def status(attainment: float | None, thresholds: Thresholds) -> Status | None:
    """Green, amber or red for an attainment; None when there is none."""
    if attainment is None:
        return None
    if attainment >= thresholds.on_pace:
        return "green"
    return "amber" if attainment >= thresholds.behind else "red"


def elapsed_share(period_length: int, elapsed: int, weights: Weights = None) -> float:
    """Share of the period's weight in its first ``elapsed`` days (uniform: elapsed ÷ days)."""
    cumulative = cumulative_shares(period_length, weights)
    return float(cumulative[elapsed - 1]) if elapsed > 0 else 0.0


def cumulative_shares(period_length: int, weights: Weights = None) -> npt.NDArray[np.float64]:
    """Share of the period's weight reached by the end of each day."""
    if weights is None:
        return np.arange(1, period_length + 1, dtype=np.float64) / period_length
    values = np.asarray(weights, dtype=np.float64)
    return np.cumsum(values) / float(np.sum(values))


@dataclass(frozen=True)
class Planned:
    """The plan's figures to date (see the module docstring)."""

    share: float
    stages: dict[str, float]
    revenue: float
    new_revenue: float
    returning_revenue: float
    new_customers: float
    new_orders: float
    orders: float
    spend: float
    contribution: float | None


def expected_counts(plan: Plan) -> list[float]:
    """The plan's unrounded expected count per stage, top first, for the whole period."""
    needed = plan_backwards(plan).new_customer_revenue_needed
    customers = needed / (plan.average_order_value * plan.orders_per_customer)
    counts = [customers]
    for rate in reversed(plan.conversion_rates):
        counts.append(counts[-1] / rate)
    return counts[::-1]


def planned_to_date(plan: Plan, share: float) -> Planned:
    """The plan's figures × ``share`` of the period, from its unrounded expected counts."""
    counts = expected_counts(plan)
    needed = counts[-1] * plan.average_order_value * plan.orders_per_customer
    covered_by_returning = max(0.0, plan.revenue_target - needed)
    new_orders = counts[-1] * plan.orders_per_customer
    cost = plan.acquisition_cost
    spend = 0.0 if cost is None else counts[plan.stage_index(cost.stage)] * cost.cost_per_entry
    revenue = plan.revenue_target * share
    margin = plan.gross_margin
    return Planned(
        share=share,
        stages={
            stage.name: count * share for stage, count in zip(plan.stages, counts, strict=True)
        },
        revenue=revenue,
        new_revenue=needed * share,
        returning_revenue=covered_by_returning * share,
        new_customers=counts[-1] * share,
        new_orders=new_orders * share,
        orders=(new_orders + returning_outcome(plan).orders) * share,
        spend=spend * share,
        contribution=None if margin is None else revenue * margin - spend * share,
    )


class StageVariance(Model):
    """One funnel stage to date: planned against actual, and its conversion rates."""

    name: str
    planned_to_date: float
    actual_to_date: float | None
    variance: float | None
    variance_pct: float | None
    attainment: float | None
    status: Status | None
    planned_rate: float | None
    actual_rate: float | None


class MeasureVariance(Model):
    """One money or count figure to date: planned against actual."""

    measure: Literal["revenue", "orders", "new_customers", "spend", "contribution"]
    planned_to_date: float
    actual_to_date: float | None
    variance: float | None
    variance_pct: float | None
    attainment: float | None
    status: Status | None


class PacingPoint(Model):
    """One day of the pacing chart: cumulative revenue planned, actual and forecast."""

    day: date
    plan: float
    actual: float | None
    forecast_p10: float | None = None
    forecast_p50: float | None = None
    forecast_p90: float | None = None


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator > 0 else None


def _compare(
    planned: float, actual: float | None, thresholds: Thresholds, *, lower_is_better: bool = False
) -> dict[str, Any]:
    """Variance, its percentage, attainment and status of one figure."""
    if actual is None:
        empty = {"variance": None, "variance_pct": None, "attainment": None, "status": None}
        return {"planned_to_date": planned, "actual_to_date": None, **empty}
    variance = actual - planned
    attainment = _ratio(actual, planned)
    if lower_is_better:  # spending less than planned is on pace
        judged = _ratio(planned, actual) if actual > 0 else (1.0 if planned >= 0 else None)
    else:
        judged = attainment
    return {
        "planned_to_date": planned,
        "actual_to_date": actual,
        "variance": variance,
        "variance_pct": variance / planned if planned != 0 else None,
        "attainment": attainment,
        "status": status(judged if lower_is_better else attainment, thresholds),
    }


def stage_variances(
    plan: Plan, planned: Planned, observed: Observed, thresholds: Thresholds
) -> list[StageVariance]:
    """Planned against actual for every plan stage, with plan and observed conversion."""
    rows = []
    previous_actual: float | None = None
    for stage in plan.stages:
        actual = observed.stage_total(stage.name)
        actual_rate = None
        if actual is not None and previous_actual is not None and previous_actual > 0:
            actual_rate = actual / previous_actual
        rows.append(
            StageVariance(
                name=stage.name,
                planned_rate=stage.conversion_rate,
                actual_rate=actual_rate,
                **_compare(planned.stages[stage.name], actual, thresholds),
            )
        )
        previous_actual = actual
    return rows


def measure_variances(
    plan: Plan, planned: Planned, observed: Observed, thresholds: Thresholds
) -> list[MeasureVariance]:
    """Revenue, orders, new customers, spend (when planned or given), contribution (margin)."""
    revenue = float(np.sum(observed.revenue))
    spend = observed.total(observed.spend)
    rows = [
        MeasureVariance(measure="revenue", **_compare(planned.revenue, revenue, thresholds)),
        MeasureVariance(
            measure="orders",
            **_compare(planned.orders, observed.total(observed.orders), thresholds),
        ),
        MeasureVariance(
            measure="new_customers",
            **_compare(
                planned.new_customers, observed.stage_total(plan.stages[-1].name), thresholds
            ),
        ),
    ]
    if plan.acquisition_cost is not None or spend is not None:
        rows.append(
            MeasureVariance(
                measure="spend",
                **_compare(planned.spend, spend, thresholds, lower_is_better=True),
            )
        )
    if plan.gross_margin is not None and planned.contribution is not None:
        actual_contribution = None
        if spend is not None or plan.acquisition_cost is None:
            actual_contribution = revenue * plan.gross_margin - (spend or 0.0)
        rows.append(
            MeasureVariance(
                measure="contribution",
                **_compare(planned.contribution, actual_contribution, thresholds),
            )
        )
    return rows


def pacing_points(
    plan: Plan,
    observed: Observed,
    forecast_paths: tuple[Sequence[float], Sequence[float], Sequence[float]] | None = None,
    weights: Weights = None,
) -> list[PacingPoint]:
    """Every day of the period: cumulative plan, actual (through ``actuals_until``), forecast.

    ``forecast_paths`` are the cumulative P10, P50 and P90 revenue of each day after the as-of
    date, in order.
    """
    days = period_days(plan.period)
    plan_path = plan.revenue_target * cumulative_shares(days, weights)
    actual_path = np.cumsum(observed.revenue)
    until = -1 if observed.actuals_until is None else observed.actuals_until
    start = plan.period.start.toordinal()
    points = []
    for index in range(days):
        point: dict[str, Any] = {
            "day": date.fromordinal(start + index),
            "plan": float(plan_path[index]),
            "actual": float(actual_path[index]) if index <= until else None,
        }
        ahead = index - observed.elapsed
        if forecast_paths is not None and 0 <= ahead < len(forecast_paths[0]):
            point["forecast_p10"] = float(forecast_paths[0][ahead])
            point["forecast_p50"] = float(forecast_paths[1][ahead])
            point["forecast_p90"] = float(forecast_paths[2][ahead])
        points.append(PacingPoint.model_validate(point))
    return points
