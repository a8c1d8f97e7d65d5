"""Where revenue will land at the period's end, simulated from what was observed so far.

Each trial draws the unknowns once, then every remaining day (the days after the as-of date):

- **traffic**: the daily rate λ of the top-most stage the actuals count has a Gamma posterior
  from the observed total N over the n covered days: Gamma(shape N + ½, rate n) (Jeffreys'
  prior for a Poisson rate); each day's count is Poisson(λ);
- **conversions**: each known conversion (count of a stage ÷ count of the known stage above
  it, merged across stages the actuals lack) has a Beta posterior, Beta(a + s, b + t − s) with
  s the lower count and t the upper one, and the plan's rate r as a weak prior of
  ``PRIOR_TRIALS`` pseudo-trials, a = r × 20, b = (1 − r) × 20: twenty visitors' worth of
  belief, which a handful of observed days already outweighs, yet keeps a stage that has
  counted almost nobody from being forecast at exactly 0% or 100%;
- binomial thinning of a Poisson count is Poisson, so the day's units at the lowest known
  stage are Poisson(λ × p₁ × … × p_k): the same distribution as drawing each stage's binomial,
  one draw instead of k; over j days they are Poisson(j × λ × p₁ × … × p_k);
- **revenue per unit** of that lowest stage (per new customer when the last stage is known:
  AOV × orders per customer) is the observed mean μ = revenue ÷ units, drawn per trial from
  Normal(μ, σ ÷ √units) for its sampling uncertainty, σ² the per-unit variance estimated from
  the day-to-day variation, σ² = Σ c_d (v_d − μ)² ÷ (D − 1) over the D days with units
  (v_d the day's revenue per unit, c_d its units; each v_d has variance σ² ÷ c_d). The day's
  revenue is then units × μ plus Normal noise of variance units × σ²;
- **returning revenue** (when the actuals split it) runs at its observed daily mean, drawn per
  trial with its standard error, plus each day's own variation (the daily standard deviation).

When the actuals know no stage count, total revenue is forecast from its daily run-rate the way
returning revenue is. With no covered day at all the forecast is the plan's projection: the
plan's expected traffic per day (Poisson), its rates, AOV and orders per customer, and its
returning revenue spread evenly. Fewer than one unit counted at the lowest stage: its revenue
per unit is the plan's; the per-unit variation is learnt from the days with at least one unit,
and with fewer than two such days it is taken as none.

Elapsed days the actuals do not cover count zero (a note says the actuals end early); the
forecast starts the day after the as-of date. With no day left, the forecast is the actual
revenue, and the probability of the target 0 or 1. The chart's daily quantiles come from each
day's own draws (see ``_simulate``). Trials are drawn from ``numpy.random.default_rng(seed)``,
so the same inputs and seed give the same numbers; quantiles are numpy's default (linear
interpolation).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import Field

from planner.base import Model
from planner.errors import FieldProblem, PlanInvalid
from planner.models import Plan
from planner.review.observed import Observed
from planner.review.pacing import Planned, planned_to_date
from planner.scenarios.simulation import DEFAULT_TRIALS, MAX_SEED, MAX_TRIALS
from planner.types import OUT_OF_RANGE, format_bound, format_number

PRIOR_TRIALS = 20.0
"""Pseudo-trials of the plan's rate in each conversion's Beta prior (see the docstring)."""
CHUNK_CELLS = 1_000_000
"""Trials × days drawn at once: bounds memory at a few MB whatever the period's length."""
QUANTILES = (0.1, 0.5, 0.9)
NORMAL_FROM = 30.0
"""Expected units from which a day's cumulative units on the chart's path are drawn Normal
rather than Poisson: the skewness left out is 1 ÷ √30 ≈ 0.18 at most, and numpy's Poisson costs
several times a normal draw. The final revenue is always drawn Poisson."""
_SMALLEST_BETA = 1e-9  # a rate of exactly 1 leaves b = 0, which Beta does not take

FloatArray = npt.NDArray[np.float64]
Basis = Literal["actuals", "run_rate", "plan"]


class ForecastPoint(Model):
    """Cumulative revenue by the end of one remaining day: P10, P50, P90."""

    day: date
    p10: float
    p50: float
    p90: float


class Forecast(Model):
    """Revenue at the period's end, as simulated quantiles, and the chance of the target."""

    p10: float
    p50: float
    p90: float
    mean: float
    probability_of_target: float = Field(ge=0, le=1)
    trials: int
    seed: int
    remaining_days: int
    basis: Basis = Field(
        description="What the forecast runs on: the funnel actuals, revenue's run-rate alone, "
        "or (no covered day) the plan."
    )
    path: list[ForecastPoint] = Field(description="One point per remaining day, in order.")


@dataclass(frozen=True)
class DailyModel:
    """What a trial draws from: a day's units and revenue (see the module docstring)."""

    unit_rate: FloatArray
    """Expected units per day at the lowest known stage, per trial."""
    unit_revenue: FloatArray
    """Revenue per unit, per trial."""
    unit_sd: float
    run_rate: FloatArray
    """Revenue per day outside the funnel (returning), per trial."""
    run_sd: float


def check_trials(trials: int, seed: int) -> None:
    """Refuse a number of trials or a seed out of range, naming the field."""
    for field, value, low, high in (("trials", trials, 1, MAX_TRIALS), ("seed", seed, 0, MAX_SEED)):
        if not low <= value <= high:
            rule = f"≥ {format_bound(low)} and ≤ {format_bound(high)}"
            got = format_number(value)
            message = f"must be {rule}, got {got}"
            context = {"got": value, "got_text": got, "ge": low, "le": high, "rule": rule}
            raise PlanInvalid([FieldProblem(field, message, OUT_OF_RANGE, context)])


def forecast(
    plan: Plan, observed: Observed, *, trials: int = DEFAULT_TRIALS, seed: int = 0
) -> Forecast:
    """Simulate revenue at the period's end from the actuals observed to the as-of date."""
    check_trials(trials, seed)
    planned = planned_to_date(plan, 1.0)
    actual = float(np.sum(observed.revenue))
    remaining = observed.period_days - observed.elapsed
    rng = np.random.default_rng(seed)
    if observed.covered_days == 0:
        basis: Basis = "plan"
        model = _plan_model(plan, planned, trials)
    elif not observed.stages:
        basis = "run_rate"
        model = _run_rate_model(observed, observed.revenue, trials, rng)
    else:
        basis = "actuals"
        model = _funnel_model(plan, planned, observed, trials, rng)
    final, paths = _simulate(model, actual, remaining, trials, rng)
    first = plan.period.start + timedelta(days=observed.elapsed)
    path = [
        ForecastPoint(day=first + timedelta(days=index), p10=low, p50=middle, p90=high)
        for index, (low, middle, high) in enumerate(zip(*paths, strict=True))
    ]
    low, middle, high = np.quantile(final, QUANTILES)
    return Forecast(
        p10=float(low),
        p50=float(middle),
        p90=float(high),
        mean=float(np.mean(final)),
        probability_of_target=float(np.mean(final >= plan.revenue_target)),
        trials=trials,
        seed=seed,
        remaining_days=remaining,
        basis=basis,
        path=path,
    )


def _simulate(
    model: DailyModel, actual: float, remaining: int, trials: int, rng: np.random.Generator
) -> tuple[FloatArray, tuple[list[float], list[float], list[float]]]:
    """Final revenue per trial, and the P10/P50/P90 of cumulative revenue per remaining day.

    The final revenue is drawn exactly (Poisson units over all the remaining days). Each
    earlier day's cumulative revenue is drawn from its own marginal distribution: the chart
    shows each day's quantiles, which need no joint path, and one draw per trial and day
    replaces a Poisson draw per day.
    """
    if remaining == 0:
        return np.full(trials, actual), ([], [], [])
    final = _cumulative(model, actual, np.array([float(remaining)]), rng, exact=True)[0]
    low: list[float] = []
    middle: list[float] = []
    high: list[float] = []
    chunk = max(1, CHUNK_CELLS // trials)
    for start in range(1, remaining, chunk):
        days = np.arange(start, min(start + chunk, remaining), dtype=np.float64)
        quantiles = np.quantile(_cumulative(model, actual, days, rng), QUANTILES, axis=1)
        low += quantiles[0].tolist()
        middle += quantiles[1].tolist()
        high += quantiles[2].tolist()
    last = np.quantile(final, QUANTILES).tolist()
    return final, ([*low, last[0]], [*middle, last[1]], [*high, last[2]])


def _cumulative(
    model: DailyModel,
    actual: float,
    days: FloatArray,
    rng: np.random.Generator,
    *,
    exact: bool = False,
) -> FloatArray:
    """Cumulative revenue after each of ``days`` remaining days (rows), per trial (columns).

    Units over j days are Poisson(j × rate); from ``NORMAL_FROM`` expected units on they are
    drawn as one Normal of the same mean and variance as units × revenue per unit + noise
    (Var = j × rate × (m² + σ²) + j × s²), unless ``exact``.
    """
    elapsed = days[:, None]
    expected = elapsed * model.unit_rate[None, :]
    per_unit = np.broadcast_to(model.unit_revenue[None, :], expected.shape)
    run = actual + elapsed * model.run_rate[None, :]
    noise = rng.standard_normal(expected.shape)
    spread = np.sqrt(expected * (per_unit**2 + model.unit_sd**2) + elapsed * model.run_sd**2)
    revenue: FloatArray = run + expected * per_unit + spread * noise
    few = np.ones(expected.shape, dtype=np.bool_) if exact else expected < NORMAL_FROM
    if np.any(few):
        units = rng.poisson(expected[few])
        within = np.sqrt(units * model.unit_sd**2 + np.broadcast_to(elapsed, few.shape)[few]
                         * model.run_sd**2)  # fmt: skip
        revenue[few] = run[few] + units * per_unit[few] + within * noise[few]
    return revenue


def _constant(value: float, trials: int) -> FloatArray:
    return np.full(trials, value, dtype=np.float64)


def _plan_model(plan: Plan, planned: Planned, trials: int) -> DailyModel:
    """The plan's own expectation per day (``planned``: its whole period): no actuals yet."""
    days = plan.period.end.toordinal() - plan.period.start.toordinal() + 1
    return DailyModel(
        unit_rate=_constant(planned.new_customers / days, trials),
        unit_revenue=_constant(plan.average_order_value * plan.orders_per_customer, trials),
        unit_sd=0.0,
        run_rate=_constant(planned.returning_revenue / days, trials),
        run_sd=0.0,
    )


def _run_rate_model(
    observed: Observed, series: FloatArray, trials: int, rng: np.random.Generator
) -> DailyModel:
    """Revenue per day at its observed mean (drawn with its standard error) and spread."""
    values = series[observed.covered]
    mean = float(np.mean(values))
    spread = float(np.std(values, ddof=1)) if len(values) > 1 else 0.0
    rate = mean + spread / math.sqrt(len(values)) * rng.standard_normal(trials)
    empty = _constant(0.0, trials)
    return DailyModel(
        unit_rate=empty, unit_revenue=empty, unit_sd=0.0, run_rate=rate, run_sd=spread
    )


def _funnel_model(
    plan: Plan, planned: Planned, observed: Observed, trials: int, rng: np.random.Generator
) -> DailyModel:
    names = list(observed.stages)
    positions = [plan.stage_index(name) for name in names]
    totals = [observed.stage_total(name) or 0.0 for name in names]
    covered = observed.covered_days
    traffic = rng.gamma(totals[0] + 0.5, 1.0 / covered, size=trials)
    reach = np.ones(trials)
    rates = plan.conversion_rates
    for upper, lower, above, below in zip(
        totals, totals[1:], positions, positions[1:], strict=False
    ):
        prior = math.prod(rates[above:below])  # the plan's rates merged across missing stages
        successes = min(lower, upper)
        a = prior * PRIOR_TRIALS + successes
        b = max((1 - prior) * PRIOR_TRIALS + upper - successes, _SMALLEST_BETA)
        reach = reach * rng.beta(a, b, size=trials)
    unit_revenue, unit_sd = _revenue_per_unit(plan, planned, observed, names[-1], positions[-1])
    units = totals[-1]
    error = unit_sd / math.sqrt(units) if units > 0 else 0.0
    per_unit = np.maximum(unit_revenue + error * rng.standard_normal(trials), 0.0)
    if observed.returning_revenue is not None:
        returning = _run_rate_model(observed, observed.returning_revenue, trials, rng)
        run_rate, run_sd = returning.run_rate, returning.run_sd
    else:
        run_rate, run_sd = _constant(0.0, trials), 0.0
    return DailyModel(
        unit_rate=traffic * reach,
        unit_revenue=per_unit,
        unit_sd=unit_sd,
        run_rate=run_rate,
        run_sd=run_sd,
    )


def _revenue_per_unit(
    plan: Plan, planned: Planned, observed: Observed, lowest: str, position: int
) -> tuple[float, float]:
    """Mean revenue per unit of the lowest known stage and its per-unit standard deviation."""
    revenue = observed.new_revenue if observed.new_revenue is not None else observed.revenue
    units = observed.stages[lowest]
    total_units = float(np.sum(units))
    if total_units < 1:  # not one unit counted yet: the plan's revenue per unit of that stage
        below = math.prod(plan.conversion_rates[position:])
        if observed.split or planned.new_customers <= 0:
            return plan.average_order_value * plan.orders_per_customer * below, 0.0
        return planned.revenue / planned.new_customers * below, 0.0
    mean = float(np.sum(revenue)) / total_units
    days = observed.covered & (units >= 1)
    if np.count_nonzero(days) < 2:
        return mean, 0.0
    counts, amounts = units[days], revenue[days]
    squares = float(np.sum(counts * (amounts / counts - mean) ** 2))
    return mean, math.sqrt(squares / (len(counts) - 1))
