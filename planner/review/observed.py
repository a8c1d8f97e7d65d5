"""What the actuals say about the elapsed part of a plan's period, read once for every review step.

The actuals are spread per day over the period (``planner.actuals.funnel.daily``) and cut at
the as-of date: only days from the period's start through the as-of date (or the period's end)
count. From them:

- **stage counts** per plan stage, matched by name ignoring case; when the plan's last stage
  is missing, the ``new_customers`` measure stands in for it (it counts the same people);
- **revenue**: the ``revenue`` measure, or new-customer + returning revenue. It is *split*
  when new and returning revenue are both known (two of revenue, new-customer revenue and
  returning revenue give the third); otherwise only the total is known;
- **orders**: the ``orders`` measure, or new + returning orders; ``new_orders`` alone when given;
- **spend** when given.

A day no row covers counts zero but is not *covered*: run-rates are per covered day, and the
last covered day on or before the as-of date is ``actuals_until``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
from pydantic import Field

from planner.actuals.funnel import DailyActuals, FunnelActuals, Measure, daily
from planner.actuals.orders import FloatArray
from planner.base import Model
from planner.errors import FieldProblem, PlanInvalid
from planner.models import Period, Plan
from planner.period import period_days

EPOCH = date(1970, 1, 1)
"""Day 0 of the actuals' day numbers."""


class ReviewNote(Model):
    """Something the reader should know about a review: a code and what its wording needs."""

    code: str
    params: dict[str, Any] = Field(default_factory=dict)


def day_number(day: date) -> int:
    """Days since 1970-01-01, the actuals' day numbers."""
    return (day - EPOCH).days


def day_date(number: int) -> date:
    """The calendar day of an actuals' day number."""
    return EPOCH + timedelta(days=number)


def elapsed_days(period: Period, as_of: date) -> int:
    """Days from the period's start through ``as_of``, both included, clamped to 0..its days.

    An ``as_of`` after the period's end means the whole period; before its start, no day.
    """
    return max(0, min(period_days(period), (as_of - period.start).days + 1))


@dataclass(frozen=True)
class Observed:
    """The actuals over the elapsed days of the period (index 0 = the period's first day)."""

    elapsed: int
    period_days: int
    covered: np.ndarray
    """Whether a row covers each elapsed day."""
    stages: dict[str, FloatArray]
    """Per-day count of each plan stage the actuals know, keyed by the plan's name, plan order."""
    revenue: FloatArray
    new_revenue: FloatArray | None
    """New-customer revenue per day, when the actuals split revenue (else None)."""
    returning_revenue: FloatArray | None
    orders: FloatArray | None
    new_orders: FloatArray | None
    spend: FloatArray | None
    actuals_until: int | None
    """Index of the last covered elapsed day, or None."""
    notes: list[ReviewNote] = field(default_factory=list)

    @property
    def covered_days(self) -> int:
        """How many elapsed days the actuals cover."""
        return int(np.count_nonzero(self.covered))

    @property
    def split(self) -> bool:
        """True when new-customer and returning revenue are known apart."""
        return self.new_revenue is not None

    def total(self, series: FloatArray | None) -> float | None:
        """Sum of a per-day series over the elapsed days; None for an unknown series."""
        return None if series is None else float(np.sum(series))

    def stage_total(self, name: str) -> float | None:
        """A plan stage's count to date, or None when the actuals lack the stage."""
        return self.total(self.stages.get(name))


def observe(plan: Plan, actuals: FunnelActuals, as_of: date) -> Observed:
    """Read ``actuals`` over the plan's period up to ``as_of`` (see the module docstring)."""
    _refuse_non_finite(actuals)
    start = day_number(plan.period.start)
    days = period_days(plan.period)
    elapsed = elapsed_days(plan.period, as_of)
    per_day = daily(actuals, start, start + days - 1)
    notes = _coverage_notes(actuals, start, days)
    cut = slice(0, elapsed)
    stages = _stages(plan, actuals, per_day, cut, notes)
    measures = {name: values[cut] for name, values in per_day.measures.items()}
    revenue, new_revenue, returning_revenue = _revenue(measures)
    covered = per_day.covered[cut]
    covered_at = np.flatnonzero(covered)
    until = int(covered_at[-1]) if len(covered_at) else None
    if elapsed and (until is None or until < elapsed - 1):
        last = None if until is None else day_date(start + until).isoformat()
        as_of_day = day_date(start + elapsed - 1).isoformat()
        notes.append(
            ReviewNote(code="actuals_end_before_as_of", params={"until": last, "as_of": as_of_day})
        )
    return Observed(
        elapsed=elapsed,
        period_days=days,
        covered=covered,
        stages=stages,
        revenue=revenue,
        new_revenue=new_revenue,
        returning_revenue=returning_revenue,
        orders=_orders(measures),
        new_orders=measures.get("new_orders"),
        spend=measures.get("spend"),
        actuals_until=until,
        notes=notes,
    )


def _refuse_non_finite(actuals: FunnelActuals) -> None:
    """A missing or infinite number in a column can't be summed: name the column."""
    columns = [*actuals.stages.items(), *actuals.measures.items()]
    problems = [
        FieldProblem(
            f"actuals.{name}",
            "holds a value that is not a finite number",
            "actuals_not_finite",
            {"column": name},
        )
        for name, values in columns
        if not np.all(np.isfinite(values))
    ]
    if problems:
        raise PlanInvalid(problems)


def _coverage_notes(actuals: FunnelActuals, start: int, days: int) -> list[ReviewNote]:
    first, last = actuals.first_day, actuals.last_day
    if first is None or last is None:
        return [ReviewNote(code="actuals_empty")]
    outside = max(0, start - first) + max(0, last - (start + days - 1))
    if outside:
        return [ReviewNote(code="actuals_outside_period", params={"days": outside})]
    return []


def _stages(
    plan: Plan,
    actuals: FunnelActuals,
    per_day: DailyActuals,
    cut: slice,
    notes: list[ReviewNote],
) -> dict[str, FloatArray]:
    by_key = {name.casefold(): values for name, values in per_day.stages.items()}
    last = plan.stages[-1].name
    if last.casefold() not in by_key and "new_customers" in per_day.measures:
        by_key[last.casefold()] = per_day.measures["new_customers"]
    stages: dict[str, FloatArray] = {}
    for stage in plan.stages:
        values = by_key.get(stage.name.casefold())
        if values is None:
            notes.append(ReviewNote(code="stage_not_in_actuals", params={"stage": stage.name}))
        else:
            stages[stage.name] = values[cut]
    known = {stage.name.casefold() for stage in plan.stages}
    for name in actuals.stages:
        if name.casefold() not in known:
            notes.append(ReviewNote(code="actuals_stage_not_in_plan", params={"stage": name}))
    return stages


def _revenue(
    measures: dict[Measure, FloatArray],
) -> tuple[FloatArray, FloatArray | None, FloatArray | None]:
    """Total, new-customer and returning revenue per day; the last two None when not split."""
    total = measures.get("revenue")
    new = measures.get("new_customer_revenue")
    returning = measures.get("returning_revenue")
    if total is None:
        if new is None and returning is None:
            message = "the actuals have no revenue: give revenue, or new and returning revenue"
            raise PlanInvalid([FieldProblem("actuals.revenue", message, "actuals_without_revenue")])
        new = np.zeros_like(returning) if new is None else new
        returning = np.zeros_like(new) if returning is None else returning
        return new + returning, new, returning
    if new is not None:
        return total, new, total - new
    if returning is not None:
        return total, total - returning, returning
    return total, None, None


def _orders(measures: dict[Measure, FloatArray]) -> FloatArray | None:
    if "orders" in measures:
        return measures["orders"]
    new, returning = measures.get("new_orders"), measures.get("returning_orders")
    if new is not None and returning is not None:
        return new + returning
    return None
