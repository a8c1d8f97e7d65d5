"""The plan-vs-actual review as of a date, in one model: pacing, why, where it lands, what it takes.

``review`` reads the actuals over the elapsed days (``planner.review.observed``), then

- pacing: planned to date against actual, per measure and per stage, with a status
  (``planner.review.pacing``), and the daily pacing chart;
- attribution: the revenue gap to date split by driver (``planner.review.attribution``);
- forecast: revenue at the period's end and the chance of the target
  (``planner.review.forecast``);
- catch-up: the plan the remaining days need (``planner.review.catchup``).

An as-of date before the period's start is refused (``as_of_before_period``); one after its end
reviews the whole period. Notes tell what the reader should know about the actuals (they end
before the as-of date, lack a plan stage, reach outside the period) and the catch-up plan.
"""

from __future__ import annotations

from datetime import date

from planner.actuals.funnel import FunnelActuals
from planner.base import Model
from planner.errors import FieldProblem, PlanInvalid
from planner.models import Plan
from planner.review.attribution import Attribution, attribute
from planner.review.catchup import CatchUp, catch_up
from planner.review.forecast import Forecast, forecast
from planner.review.observed import ReviewNote, day_date, day_number, observe
from planner.review.pacing import (
    MeasureVariance,
    PacingPoint,
    StageVariance,
    Thresholds,
    elapsed_share,
    measure_variances,
    pacing_points,
    planned_to_date,
    stage_variances,
)
from planner.scenarios.simulation import DEFAULT_TRIALS


class Review(Model):
    """A plan against its actuals as of a date."""

    plan_name: str
    currency: str
    period_start: date
    period_end: date
    as_of: date
    elapsed_days: int
    period_days: int
    actuals_until: date | None
    attainment: float | None
    revenue_gap: float
    measures: list[MeasureVariance]
    stages: list[StageVariance]
    attribution: list[Attribution]
    forecast: Forecast
    probability_of_target: float
    catch_up: CatchUp
    pacing: list[PacingPoint]
    notes: list[ReviewNote]


def check_as_of(plan: Plan, as_of: date) -> None:
    """Refuse an as-of date before the period starts: there is nothing to review yet."""
    if as_of < plan.period.start:
        start, got = plan.period.start.isoformat(), as_of.isoformat()
        message = f"must be on or after the period's start ({start}), got {got}"
        context = {"start": start, "got": got}
        raise PlanInvalid([FieldProblem("as_of", message, "as_of_before_period", context)])


def review(
    plan: Plan,
    actuals: FunnelActuals,
    as_of: date,
    *,
    thresholds: Thresholds | None = None,
    trials: int = DEFAULT_TRIALS,
    seed: int = 0,
) -> Review:
    """Review ``plan`` against ``actuals`` as of ``as_of`` (see the module docstring)."""
    check_as_of(plan, as_of)
    thresholds = thresholds or Thresholds()
    observed = observe(plan, actuals, as_of)
    share = elapsed_share(observed.period_days, observed.elapsed)
    planned = planned_to_date(plan, share)
    measures = measure_variances(plan, planned, observed, thresholds)
    revenue = measures[0]
    predicted = forecast(plan, observed, trials=trials, seed=seed)
    paths = (
        [point.p10 for point in predicted.path],
        [point.p50 for point in predicted.path],
        [point.p90 for point in predicted.path],
    )
    needs = catch_up(plan, observed, as_of)
    start = day_number(plan.period.start)
    until = observed.actuals_until
    return Review(
        plan_name=plan.name,
        currency=plan.currency,
        period_start=plan.period.start,
        period_end=plan.period.end,
        as_of=as_of,
        elapsed_days=observed.elapsed,
        period_days=observed.period_days,
        actuals_until=None if until is None else day_date(start + until),
        attainment=revenue.attainment,
        revenue_gap=revenue.variance or 0.0,
        measures=measures,
        stages=stage_variances(plan, planned, observed, thresholds),
        attribution=attribute(plan, planned, observed),
        forecast=predicted,
        probability_of_target=predicted.probability_of_target,
        catch_up=needs,
        pacing=pacing_points(plan, observed, paths),
        notes=observed.notes + needs.notes,
    )
