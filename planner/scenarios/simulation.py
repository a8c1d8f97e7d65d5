"""Monte Carlo: how likely a plan is to reach its revenue target (issue 7).

A plan sized to expected values reaches its target only about half the time: every stage
converts a finite number of people, so the counts scatter around their expectation. This
module draws that scatter, trial by trial, and reports the odds of reaching the target, the
spread of revenue, customers and spend, and the traffic (and budget) needed to reach the target
with 80% and 90% confidence.

What is fixed, what is drawn:

- the **top-stage count** n₀ is fixed: the plan's own traffic (the count ``plan_backwards``
  requires at the first stage), a given traffic, or the traffic a given budget buys;
- every later stage is drawn from the one above: nᵢ ~ Binomial(nᵢ₋₁, rᵢ), and the last stage
  is the new customers;
- returning buyers ~ Binomial(active customers, repeat purchase rate);
- new revenue = new customers × orders per customer × AOV; returning revenue = returning buyers
  × their orders per customer × their AOV (the plan's AOV when they have none); revenue is the
  sum. Spend = units entering the paid stage × cost per entry (CPM ÷ 1000 ÷ CTR when paying per
  1,000 impressions), with the count drawn at the paid stage: what the planner's forward
  arithmetic spends on that many units.

Rounding, following ``planner.funnel``:

- a count of people must be whole to be drawn, so a given traffic is rounded **down** to whole
  units, and so is the traffic a budget buys: the budget ÷ the exact cost per entry gives the
  units entering the paid stage (exactly as ``project_forwards`` does), ÷ the exact product of
  the rates above it gives the top-stage count, rounded down once (a budget never buys a
  fraction of a visitor, and rounding down never spends more than it). Planned traffic is
  already whole;
- a trial reaches the target when its new customers are at least the whole customers its
  target needs beyond its returning revenue, ⌈(target − returning revenue) ÷ (AOV × orders)⌉,
  worked in exact fractions as ``plan_backwards`` works them, so float noise never turns a
  trial that lands exactly on the target into a miss;
- with ``noise=False`` nothing is drawn: every trial is the planner's expected chain,
  ``project_forwards(plan, "traffic", n₀)`` itself (exact arithmetic, fractional counts), so
  at the planned traffic it reaches the target exactly as ``plan_backwards`` promises;
- percentiles are numpy's default (linear interpolation between order statistics).

Confidence traffic: the smallest whole top-stage count T with P(revenue ≥ target) ≥ the level.
With fixed rates the new customers from T units are exactly Binomial(T, p), p the product of
the rates (binomial thinning composes), so given a trial's returning buyers (and, once inputs
vary, its rates, AOV and orders) the chance that T units reach the target is exactly
``binom.sf(k − 1, T, p)`` with k that trial's needed customers. P(T) is the mean of that over
the trials (a Rao-Blackwellised estimate: exact given each trial's inputs, smooth and monotone
in T, and with no returning buyers and fixed inputs it is the exact probability). The smallest
T with P(T) ≥ level is found by bisection over 0..``MAX_TRAFFIC``; when even ``MAX_TRAFFIC``
falls short the level is reported as unreachable (traffic and budget ``None``). Its budget is
the spend ``project_forwards`` computes at that traffic. With ``noise=False`` every level needs
the planned traffic: the expected chain reaches the target there and, in whole customers, not
one unit before.

Inputs are per-trial arrays (``TrialInputs``), today constant and built from the plan, so that
ranges on rates, AOV, orders and cost can later be drawn per trial without touching the engine.
Trials run in chunks of ``CHUNK_TRIALS`` from one seeded numpy generator: the same plan, seed
and trials give the same numbers. ``run_simulation`` keeps the per-trial arrays (revenue for a
histogram, customers, spend, hits); ``simulate`` summarises them as a ``SimulationResult``.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import Field
from scipy.stats import binom  # type: ignore[import-untyped]

from planner.errors import FieldProblem, PlanInvalid

# The funnel's own checks and exact helpers, so a budget buys exactly the units that
# project_forwards says it buys and is refused with the same messages.
from planner.funnel import (
    MAX_TRAFFIC,
    check_amount,
    cost_per_entry,
    exact,
    paid_cost,
    plan_backwards,
    project_forwards,
    stage_reach,
)
from planner.models import Model, Plan
from planner.types import OUT_OF_RANGE, format_bound, format_number

DEFAULT_TRIALS = 10_000
MAX_TRIALS = 1_000_000
MAX_SEED = 2**63 - 1
CHUNK_TRIALS = 100_000
"""Trials drawn at once: bounds the per-stage arrays at ~1 MB whatever the number of trials."""
CONFIDENCE_LEVELS = (0.8, 0.9)
# Float steps can leave a whole count a hair above the integer (7.000000000000001); taking one
# part in 10¹² off before rounding up keeps it whole, as the workbook does with 1E-14.
_FLOAT_SLACK = 1e-12
_WHOLE_NUMBER = "int_type"  # pydantic's code, worded "must be a whole number, got …"

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


# --- Results ---------------------------------------------------------------------------------


class Spread(Model):
    """Where the trials fall: the 10th, 50th and 90th percentiles and the mean."""

    p10: float
    p50: float
    p90: float
    mean: float


class TrafficForConfidence(Model):
    """What reaching the target with a given confidence takes."""

    traffic: int | None = Field(
        description="Smallest top-stage count with P(revenue ≥ target) at least the level; "
        "none when even the largest traffic the planner allows falls short."
    )
    budget: float | None = Field(description="Spend at that traffic, by the plan's arithmetic.")


class SimulationResult(Model):
    """The odds of reaching the target, and the spread of what the trials produced."""

    trials: int
    seed: int = Field(description="The seed used; the same seed repeats the run.")
    traffic: int = Field(description="Units entering the first stage in every trial.")
    noise: bool = Field(description="False: every trial is the expected chain.")
    revenue_target: float
    probability_of_target: float = Field(description="Share of trials with revenue ≥ target.")
    standard_error: float = Field(description="Standard error of that share: √(p(1 − p) ÷ trials).")
    revenue: Spread
    customers: Spread = Field(description="New customers.")
    budget: Spread = Field(description="Spend on the paid stage.")
    confidence: dict[str, TrafficForConfidence] = Field(
        description='By level ("0.8", "0.9"): the traffic and budget that reach the target '
        "with at least that probability."
    )


# --- Per-trial inputs -------------------------------------------------------------------------


@dataclass(frozen=True)
class TrialInputs:
    """Every input a trial uses, one entry per trial (rates: one row per trial).

    Built today as constant arrays from the plan; ranges on inputs will draw them instead.
    """

    revenue_target: float
    rates: FloatArray  # (trials, stages − 1)
    average_order_value: FloatArray
    orders_per_customer: FloatArray
    paid_index: int | None  # the stage whose entries are paid for; none without a cost
    cost_per_entry: FloatArray
    active_customers: int
    repeat_purchase_rate: FloatArray
    returning_orders_per_customer: FloatArray
    returning_order_value: FloatArray

    @classmethod
    def from_plan(cls, plan: Plan, trials: int) -> TrialInputs:
        """The plan's own values, the same in every trial."""
        base = plan.returning_customers
        cost = plan.acquisition_cost

        # Read-only broadcast views: one value each, however many trials (no memory per trial).
        def constant(value: float) -> FloatArray:
            return np.broadcast_to(np.float64(value), (trials,))

        rates = np.asarray(plan.conversion_rates, dtype=np.float64)
        return cls(
            revenue_target=plan.revenue_target,
            rates=np.broadcast_to(rates, (trials, len(rates))),
            average_order_value=constant(plan.average_order_value),
            orders_per_customer=constant(plan.orders_per_customer),
            paid_index=None if cost is None else plan.stage_index(cost.stage),
            cost_per_entry=constant(0.0 if cost is None else cost.cost_per_entry),
            active_customers=0 if base is None else base.active_customers,
            repeat_purchase_rate=constant(0.0 if base is None else base.repeat_purchase_rate),
            returning_orders_per_customer=constant(
                1.0 if base is None else base.orders_per_customer
            ),
            returning_order_value=constant(
                plan.average_order_value
                if base is None or base.average_order_value is None
                else base.average_order_value
            ),
        )

    @property
    def trials(self) -> int:
        """How many trials these inputs are for."""
        return len(self.average_order_value)

    def reach(self) -> FloatArray:
        """Each trial's share of the top stage that becomes a customer (product of its rates)."""
        return np.prod(self.rates, axis=1)

    def money_is_constant(self) -> bool:
        """True when AOV and orders (new and returning) are the same in every trial."""
        columns = (
            self.average_order_value,
            self.orders_per_customer,
            self.returning_orders_per_customer,
            self.returning_order_value,
        )
        return all(bool((column == column[0]).all()) for column in columns)


# --- The run ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Groups:
    """Trials grouped by (needed customers, reach), each with how many trials it holds.

    P(T) only depends on those two, so a million trials with fixed rates collapse to the few
    hundred values their returning buyers take. With rates drawn per trial (a later slice)
    every trial is a group of its own; the bisection may then want a subsample.
    """

    needed: IntArray
    reach: FloatArray
    weight: FloatArray

    @classmethod
    def of(cls, needed: IntArray, reach: FloatArray) -> _Groups:
        if not bool((reach == reach[0]).all()):  # rates vary per trial: one group per trial
            return cls(needed, reach, np.ones(len(needed)))
        values, counts = np.unique(needed, return_counts=True)
        return cls(values, np.full(len(values), reach[0]), counts.astype(np.float64))

    @classmethod
    def merged(cls, parts: Sequence[_Groups]) -> _Groups:
        needed = np.concatenate([part.needed for part in parts])
        reach = np.concatenate([part.reach for part in parts])
        weight = np.concatenate([part.weight for part in parts])
        if len(needed) == 0 or not bool((reach == reach[0]).all()):
            return cls(needed, reach, weight)
        values, inverse = np.unique(needed, return_inverse=True)
        return cls(
            values,
            np.full(len(values), reach[0]),
            np.bincount(inverse, weights=weight).astype(np.float64),
        )

    def probability_at(self, traffic: int) -> float:
        """Mean over the trials of P(Binomial(traffic, reach) ≥ needed)."""
        reaching = binom.sf(self.needed - 1, traffic, self.reach)
        return float(np.dot(self.weight, reaching) / self.weight.sum())


@dataclass(frozen=True)
class SimulationRun:
    """A run's per-trial arrays, for the page's histogram and for the summary.

    ``revenue``, ``customers`` (new) and ``budget`` hold one float per trial; ``hits`` whether
    that trial reached the target.
    """

    plan: Plan
    trials: int
    seed: int
    traffic: int
    noise: bool
    revenue: FloatArray
    customers: FloatArray
    budget: FloatArray
    hits: BoolArray
    groups: _Groups | None  # none with noise off: nothing is random

    def probability_at(self, traffic: int) -> float:
        """Estimated P(revenue ≥ target) when ``traffic`` units enter the first stage."""
        if self.groups is None:
            return 1.0 if traffic >= _planned_traffic(self.plan) else 0.0
        return self.groups.probability_at(traffic)

    def traffic_for(self, level: float) -> int | None:
        """Smallest top-stage count with P(revenue ≥ target) ≥ ``level``; none past the limit."""
        if self.groups is None:
            return _planned_traffic(self.plan)
        limit = int(MAX_TRAFFIC)
        if self.probability_at(limit) < level:
            return None
        below, enough = -1, limit  # P(below) < level ≤ P(enough); -1 stands for "none"
        while enough - below > 1:
            middle = (below + enough) // 2
            if self.probability_at(middle) >= level:
                enough = middle
            else:
                below = middle
        return enough


def simulate(
    plan: Plan,
    *,
    trials: int = DEFAULT_TRIALS,
    seed: int | None = None,
    traffic: float | None = None,
    budget: float | None = None,
    noise: bool = True,
) -> SimulationResult:
    """Run the plan's funnel ``trials`` times and summarise the odds of reaching its target.

    The top-stage count is the planned traffic, or ``traffic``, or what ``budget`` buys (give
    at most one). ``seed`` repeats a run; without one a seed is drawn and reported. Raises
    ``PlanInvalid`` naming ``trials``, ``seed``, ``traffic`` or ``budget``, and
    ``PlannerError`` for a budget the plan can't spend (no cost, or a free one).
    """
    run = run_simulation(
        plan, trials=trials, seed=seed, traffic=traffic, budget=budget, noise=noise
    )
    return summarise(run)


def run_simulation(
    plan: Plan,
    *,
    trials: int = DEFAULT_TRIALS,
    seed: int | None = None,
    traffic: float | None = None,
    budget: float | None = None,
    noise: bool = True,
) -> SimulationRun:
    """``simulate``'s trials, kept as arrays (the revenue of every trial for a histogram)."""
    if seed is None:
        seed = secrets.randbits(63)
    problems = _whole_problems("trials", trials, low=1, high=MAX_TRIALS)
    problems += _whole_problems("seed", seed, low=0, high=MAX_SEED)
    if problems:
        raise PlanInvalid(problems)
    top = _top_count(plan, traffic, budget)
    if not noise:
        return _expected_run(plan, trials, seed, top)
    rng = np.random.default_rng(seed)
    # Filled chunk by chunk: only one chunk's temporaries live at a time (a million trials
    # peak near 30 MB: the four result arrays and one chunk's intermediates).
    revenue, customers, spend = np.empty(trials), np.empty(trials), np.empty(trials)
    hits = np.empty(trials, dtype=np.bool_)
    groups = []
    for start, size in _chunks(trials):
        chunk = _simulate_chunk(TrialInputs.from_plan(plan, size), top, rng)
        where = slice(start, start + size)
        revenue[where], customers[where], spend[where] = (
            chunk.revenue,
            chunk.customers,
            chunk.budget,
        )
        hits[where] = chunk.hits
        groups.append(chunk.groups)
    return SimulationRun(
        plan=plan,
        trials=trials,
        seed=seed,
        traffic=top,
        noise=True,
        revenue=revenue,
        customers=customers,
        budget=spend,
        hits=hits,
        groups=_Groups.merged(groups),
    )


def summarise(run: SimulationRun) -> SimulationResult:
    """The odds, spreads and confidence traffic of a run."""
    probability = float(run.hits.mean())
    return SimulationResult(
        trials=run.trials,
        seed=run.seed,
        traffic=run.traffic,
        noise=run.noise,
        revenue_target=run.plan.revenue_target,
        probability_of_target=probability,
        standard_error=math.sqrt(probability * (1 - probability) / run.trials),
        revenue=_spread(run.revenue),
        customers=_spread(run.customers),
        budget=_spread(run.budget),
        confidence={str(level): _confidence(run, level) for level in CONFIDENCE_LEVELS},
    )


def _spread(values: FloatArray) -> Spread:
    p10, p50, p90 = np.quantile(values, (0.1, 0.5, 0.9))
    return Spread(p10=float(p10), p50=float(p50), p90=float(p90), mean=float(values.mean()))


def _confidence(run: SimulationRun, level: float) -> TrafficForConfidence:
    traffic = run.traffic_for(level)
    if traffic is None:
        return TrafficForConfidence(traffic=None, budget=None)
    spend = project_forwards(run.plan, "traffic", traffic).budget
    return TrafficForConfidence(traffic=traffic, budget=spend)


def _chunks(trials: int) -> Iterator[tuple[int, int]]:
    """(first trial, how many) of each chunk."""
    for start in range(0, trials, CHUNK_TRIALS):
        yield start, min(CHUNK_TRIALS, trials - start)


# --- One chunk of trials ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Chunk:
    revenue: FloatArray
    customers: FloatArray
    budget: FloatArray
    hits: BoolArray
    groups: _Groups


def _simulate_chunk(inputs: TrialInputs, top: int, rng: np.random.Generator) -> _Chunk:
    customers, entering_paid = _draw_funnel(inputs, top, rng)
    returning = rng.binomial(inputs.active_customers, inputs.repeat_purchase_rate)
    new_revenue = customers * inputs.orders_per_customer * inputs.average_order_value
    returning_revenue = (
        returning * inputs.returning_orders_per_customer * inputs.returning_order_value
    )
    needed = needed_customers(inputs, returning)
    spend = (
        np.zeros(inputs.trials) if entering_paid is None else entering_paid * inputs.cost_per_entry
    )
    return _Chunk(
        revenue=new_revenue + returning_revenue,
        customers=customers.astype(np.float64),
        budget=spend,
        hits=customers >= needed,
        groups=_Groups.of(needed, inputs.reach()),
    )


def _draw_funnel(
    inputs: TrialInputs, top: int, rng: np.random.Generator
) -> tuple[IntArray, IntArray | None]:
    """New customers per trial, and the units entering the paid stage (none without a cost)."""
    count: IntArray = np.full(inputs.trials, top, dtype=np.int64)
    entering_paid = count if inputs.paid_index == 0 else None
    for stage, rate in enumerate(inputs.rates.T, start=1):
        count = rng.binomial(count, rate)
        if stage == inputs.paid_index:
            entering_paid = count
    return count, entering_paid


def needed_customers(inputs: TrialInputs, returning: IntArray) -> IntArray:
    """Whole new customers each trial needs to reach the target beyond its returning revenue.

    ⌈(target − returning revenue) ÷ (AOV × orders)⌉, never below 0. With the same AOV and
    orders in every trial (today, always) it is worked in exact fractions once per distinct
    number of returning buyers, as ``plan_backwards`` works it; inputs that vary per trial are
    worked in floats, one part in 10¹² taken off before rounding up.
    """
    if not inputs.money_is_constant():
        return _needed_in_floats(inputs, returning)
    values, inverse = np.unique(returning, return_inverse=True)
    # k(r) = ⌈(target − r·w) ÷ v⌉ = ⌈(a − b·r) ÷ c⌉ over whole numbers a, b, c: exact, and a
    # few hundred integer divisions instead of as many fractions.
    target = exact(inputs.revenue_target)
    per_customer = _exact_product(inputs.average_order_value, inputs.orders_per_customer)
    per_returning = _exact_product(
        inputs.returning_orders_per_customer, inputs.returning_order_value
    )
    common = target.denominator * per_returning.denominator * per_customer.denominator
    a = target.numerator * common // target.denominator
    b = per_returning.numerator * common // per_returning.denominator
    c = per_customer.numerator * common // per_customer.denominator
    needed = [max(0, -((b * int(buyers) - a) // c)) for buyers in values]
    return np.asarray(needed, dtype=np.int64)[inverse.reshape(returning.shape)]


def _exact_product(first: FloatArray, second: FloatArray) -> Fraction:
    """The first trial's ``first × second``, as the decimals they were written as."""
    return exact(float(first[0])) * exact(float(second[0]))


def _needed_in_floats(inputs: TrialInputs, returning: IntArray) -> IntArray:
    returning_revenue = (
        returning * inputs.returning_orders_per_customer * inputs.returning_order_value
    )
    shortfall = np.maximum(inputs.revenue_target - returning_revenue, 0.0)
    per_customer = inputs.average_order_value * inputs.orders_per_customer
    return np.ceil(shortfall / per_customer * (1 - _FLOAT_SLACK)).astype(np.int64)


def _expected_run(plan: Plan, trials: int, seed: int, top: int) -> SimulationRun:
    """Noise off: every trial is the planner's own forward projection from ``top`` units."""
    expected = project_forwards(plan, "traffic", top)

    def every_trial(value: float) -> FloatArray:
        return np.full(trials, value, dtype=np.float64)

    return SimulationRun(
        plan=plan,
        trials=trials,
        seed=seed,
        traffic=top,
        noise=False,
        revenue=every_trial(expected.revenue),
        customers=every_trial(expected.new_customers),
        budget=every_trial(expected.budget),
        hits=np.full(trials, expected.target_gap >= 0),
        groups=None,
    )


# --- What is fixed: the top-stage count ------------------------------------------------------


def _planned_traffic(plan: Plan) -> int:
    return plan_backwards(plan).stages[0].required


def _top_count(plan: Plan, traffic: float | None, budget: float | None) -> int:
    """Whole units entering the first stage: planned, given, or bought."""
    if traffic is not None and budget is not None:
        raise ValueError("give traffic or budget, not both")
    if budget is not None:
        return _traffic_bought(plan, budget)
    if traffic is not None:
        check_amount("traffic", traffic)  # finite, ≥ 0, ≤ MAX_TRAFFIC, as project_forwards
        return math.floor(traffic)
    return _planned_traffic(plan)


def _traffic_bought(plan: Plan, budget: float) -> int:
    """⌊budget ÷ cost per entry ÷ share of the top stage reaching the paid stage⌋, exactly."""
    check_amount("budget", budget)
    cost = paid_cost(plan)
    per_entry = cost_per_entry(cost)
    share_numerator, share_denominator = stage_reach(plan.conversion_rates)[
        plan.stage_index(cost.stage)
    ]
    top = math.floor(exact(budget) / per_entry * share_denominator / share_numerator)
    if top > MAX_TRAFFIC:
        most = float(MAX_TRAFFIC * per_entry * share_numerator / share_denominator)
        raise PlanInvalid([_out_of_range("budget", budget, low=0, high=most)])
    return top


# --- Validation -------------------------------------------------------------------------------


def _whole_problems(field: str, value: Any, *, low: int, high: int) -> list[FieldProblem]:
    """What is wrong with a whole-number setting (none when it is a whole number in range)."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        shown = format_number(value) if isinstance(value, float) else repr(value)
        message = f"must be a whole number, got {shown}"
        return [FieldProblem(field, message, _WHOLE_NUMBER, {"got": shown})]
    if not low <= value <= high:
        return [_out_of_range(field, int(value), low=low, high=high)]
    return []


def _out_of_range(field: str, got: float, *, low: float, high: float) -> FieldProblem:
    """``must be ≥ low and ≤ high, got …``, coded as every range problem is."""
    rule = f"≥ {format_bound(low)} and ≤ {format_bound(high)}"
    context = {"got": got, "got_text": format_number(got), "rule": rule, "ge": low, "le": high}
    return FieldProblem(field, f"must be {rule}, got {format_number(got)}", OUT_OF_RANGE, context)
