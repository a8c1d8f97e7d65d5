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
T in 0..``MAX_TRAFFIC`` with P(T) ≥ level is the one T with P(T − 1) < level ≤ P(T). It is
found by Newton steps from the level quantile of the trials' own needs (needed ÷ reach), the
slope P(T + 1) − P(T) worked exactly from the binomial pmf: two or three P(T) per level where
bisection takes a dozen or more, each P(T) a binomial tail per trial. Where P bends or steps
(a few trials far apart) the search expands and bisects instead. When even ``MAX_TRAFFIC``
falls short the level is reported as unreachable (traffic and budget ``None``). Its budget is
the spend ``project_forwards`` computes at that traffic. With ``noise=False`` every level needs
the planned traffic: the expected chain reaches the target there and, in whole customers, not
one unit before.

Inputs are per-trial arrays (``TrialInputs``): the plan's constants, or, for the inputs given
as ranges or counts observed (``uncertainty``, see ``planner.scenarios.uncertainty``), drawn
per trial before the trial's funnel. Then every trial may be its own group in P(T): it is
averaged over a random subsample of at most ``MAX_GROUPS`` (20,000) trials. With noise off
and uncertain inputs, each trial is the expected chain of its drawn inputs (in floats) and
P(T) the share of trials whose chain reaches the target at T. Planned traffic and a budget's
traffic use the plan's own values. Trials run in chunks of ``CHUNK_TRIALS`` from one seeded
numpy generator: the same plan, seed and trials give the same numbers. ``run_simulation``
keeps the per-trial arrays (revenue for a histogram, customers, spend, hits); ``simulate``
summarises them as a ``SimulationResult``.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import secrets
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import Field
from scipy.stats import binom  # type: ignore[import-untyped]

from planner.base import Model
from planner.errors import RULE, FieldProblem, PlanInvalid

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
from planner.models import Plan
from planner.scenarios.uncertainty import Uncertain, draw
from planner.types import OUT_OF_RANGE, format_bound, format_number

DEFAULT_TRIALS = 10_000
MAX_TRIALS = 1_000_000
MAX_SEED = 2**63 - 1
CHUNK_TRIALS = 100_000
"""Trials drawn at once: bounds the per-stage arrays at ~1 MB whatever the number of trials."""
CONFIDENCE_LEVELS = (0.8, 0.9)
MAX_GROUPS = 20_000
"""With uncertain inputs, P(T) is averaged over a random subsample of at most this many trials."""
NEWTON_PROBES = 12
"""Probes the confidence search aims (Newton's steps, or expanding) before it only bisects."""
# Float steps can leave a whole count a hair above the integer (7.000000000000001); taking one
# part in 10¹² off before rounding up keeps it whole, as the workbook does with 1E-14.
_FLOAT_SLACK = 1e-12
_INT64_LIMIT = 2**63  # whole numbers below it are worked exactly in numpy's int64
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

    ``from_plan`` builds constant arrays from the plan; ``drawn`` replaces the arrays of the
    inputs known only as ranges or counts (``planner.scenarios.uncertainty``) with draws.
    """

    revenue_target: FloatArray
    rates: FloatArray  # (trials, stages − 1)
    average_order_value: FloatArray
    orders_per_customer: FloatArray
    paid_index: int | None  # the stage whose entries are paid for; none without a cost
    cost_per_entry: FloatArray
    active_customers: IntArray
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
            revenue_target=constant(plan.revenue_target),
            rates=np.broadcast_to(rates, (trials, len(rates))),
            average_order_value=constant(plan.average_order_value),
            orders_per_customer=constant(plan.orders_per_customer),
            paid_index=None if cost is None else plan.stage_index(cost.stage),
            cost_per_entry=constant(0.0 if cost is None else cost.cost_per_entry),
            active_customers=np.broadcast_to(
                np.int64(0 if base is None else base.active_customers), (trials,)
            ),
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

    @classmethod
    def drawn(
        cls,
        plan: Plan,
        trials: int,
        uncertainty: Sequence[Uncertain],
        rng: np.random.Generator,
    ) -> TrialInputs:
        """The plan's values, each uncertain input drawn per trial from ``rng`` in turn.

        Raises ``PlanInvalid`` naming ``uncertainty[i].stage`` or ``uncertainty[i].target``
        for an input the plan can't draw (``check_uncertainty``). Gross margin is accepted
        but changes nothing a trial reports (the simulation reports no contribution).
        """
        inputs = cls.from_plan(plan, trials)
        positions = check_uncertainty(plan, uncertainty)
        if not uncertainty:
            return inputs
        changes, rates, cost = _draws(uncertainty, positions, trials, rng)
        if rates:
            changes["rates"] = np.array(inputs.rates)
            for position, values in rates.items():
                changes["rates"][:, position - 1] = values
        if cost:
            changes["cost_per_entry"] = _cost_per_entry(plan, cost)
        base = plan.returning_customers
        own_value = base is not None and base.average_order_value is not None
        if "average_order_value" in changes and not own_value:
            # Returning buyers without an order value of their own spend the plan's AOV.
            changes.setdefault("returning_order_value", changes["average_order_value"])
        return dataclasses.replace(inputs, **changes)

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
            self.revenue_target,
            self.average_order_value,
            self.orders_per_customer,
            self.returning_orders_per_customer,
            self.returning_order_value,
        )
        return all(bool((column == column[0]).all()) for column in columns)


_FIELDS = {
    "revenue_target": "revenue_target",
    "average_order_value": "average_order_value",
    "orders_per_customer": "orders_per_customer",
    "returning_repeat_purchase_rate": "repeat_purchase_rate",
    "returning_orders_per_customer": "returning_orders_per_customer",
    "returning_average_order_value": "returning_order_value",
}
"""Uncertain inputs that replace one ``TrialInputs`` array as drawn."""
_COSTS = {"cost_per_unit": False, "cost_per_mille": True, "click_through_rate": True}
"""Each cost input, and whether it belongs to paying per 1,000 impressions."""


def _draws(
    uncertainty: Sequence[Uncertain],
    positions: Sequence[int | None],
    trials: int,
    rng: np.random.Generator,
) -> tuple[dict[str, Any], dict[int, FloatArray], dict[str, FloatArray]]:
    """Each uncertain input drawn in turn: ``TrialInputs`` arrays, stage rates, cost parts."""
    changes: dict[str, Any] = {}
    rates: dict[int, FloatArray] = {}
    cost: dict[str, FloatArray] = {}
    for uncertain, position in zip(uncertainty, positions, strict=True):
        values = draw(uncertain, trials, rng)
        target = uncertain.target
        if position is not None:
            rates[position] = values
        elif target in _COSTS:
            cost[target] = values
        elif target == "returning_active_customers":
            changes["active_customers"] = np.rint(values).astype(np.int64)
        elif target in _FIELDS:
            changes[_FIELDS[target]] = values
    return changes, rates, cost


def _cost_per_entry(plan: Plan, drawn: dict[str, FloatArray]) -> FloatArray:
    """The unit cost, or CPM ÷ 1000 ÷ CTR, with whichever parts are drawn per trial."""
    cost = plan.acquisition_cost
    if cost is None:  # check_uncertainty refuses a drawn cost on a plan without one
        raise ValueError("the plan has no acquisition cost to draw")
    if "cost_per_unit" in drawn:
        return drawn["cost_per_unit"]
    per_mille = drawn.get("cost_per_mille", np.float64(cost.cost_per_mille or 0.0))
    through = drawn.get("click_through_rate", np.float64(cost.click_through_rate or 1.0))
    return np.broadcast_to(per_mille / 1000 / through, drawn[next(iter(drawn))].shape)


def check_uncertainty(plan: Plan, uncertainty: Sequence[Uncertain]) -> list[int | None]:
    """Each uncertain input's stage position (stage rates; none otherwise), or ``PlanInvalid``.

    Refused, naming ``uncertainty[i]``: a stage the plan doesn't have, or its first stage
    (which takes no rate); a cost on a plan without one, or priced the other way; a second
    uncertainty on an input already drawn.
    """
    positions: list[int | None] = []
    problems: list[FieldProblem] = []
    seen: dict[tuple[str, int | None], int] = {}
    for index, uncertain in enumerate(uncertainty):
        where = f"uncertainty[{index}]"
        position = None
        if uncertain.target == "stage_rate":
            position, problem = _stage_position(plan, where, uncertain.stage or "")
            if problem is not None:
                problems.append(problem)
        problem = _cost_problem(plan, where, uncertain.target)
        if problem is not None:
            problems.append(problem)
        key = (uncertain.target, position)
        if uncertain.target == "stage_rate" and position is None:
            pass  # refused above: no stage to draw
        elif key in seen:
            message = f"this input is already drawn by uncertainty[{seen[key]}]"
            problems.append(
                _rule_problem(
                    f"{where}.target",
                    message,
                    "uncertain_duplicate",
                    target=uncertain.target,
                    index=seen[key],
                )
            )
        seen.setdefault(key, index)
        positions.append(position)
    if problems:
        raise PlanInvalid(problems)
    return positions


def _stage_position(plan: Plan, where: str, stage: str) -> tuple[int | None, FieldProblem | None]:
    names = tuple(row.name for row in plan.stages)
    folded = [name.casefold() for name in names]
    if stage.casefold() not in folded:
        listed = ", ".join(f"'{name}'" for name in names[1:])
        message = f"'{stage}' is not a stage with a rate; use one of {listed}"
        return None, _rule_problem(
            f"{where}.stage", message, "uncertain_unknown_stage", stage=stage, stages=names[1:]
        )
    position = folded.index(stage.casefold())
    if position == 0:
        message = f"the first stage ('{names[0]}') has no previous stage, so it takes no rate"
        return None, _rule_problem(
            f"{where}.stage", message, "uncertain_first_stage", stage=names[0]
        )
    return position, None


def _cost_problem(plan: Plan, where: str, target: str) -> FieldProblem | None:
    """A drawn cost needs a cost, priced the way the input is."""
    if target not in _COSTS:
        return None
    cost = plan.acquisition_cost
    if cost is None:
        message = f"the plan has no acquisition cost, so {target} can't be drawn"
        return _rule_problem(f"{where}.target", message, "uncertain_no_cost", target=target)
    if _COSTS[target] == cost.paid_per_impression:
        return None
    message = f"the plan is priced the other way, so it has no {target} to draw"
    return _rule_problem(f"{where}.target", message, "uncertain_cost_other_way", target=target)


def _rule_problem(field: str, message: str, rule: str, **params: Any) -> FieldProblem:
    """A broken rule of an uncertain input, coded like the plan's own rules."""
    return FieldProblem(field, message, RULE, {"rule": rule, **params})


# --- The run ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Groups:
    """Trials grouped by (needed customers, reach), each with how many trials it holds.

    P(T) only depends on those two, so a million trials with fixed rates collapse to the few
    hundred values their returning buyers take. With rates drawn per trial every trial is a
    group of its own: ``capped`` then keeps a random subsample of at most ``MAX_GROUPS``
    trials (P(T) stays an unbiased estimate, its error ~ 1 ÷ √20,000 ≈ 0.007 at worst).
    """

    needed: IntArray
    reach: FloatArray
    weight: FloatArray

    @classmethod
    def of(cls, needed: IntArray, reach: FloatArray) -> _Groups:
        if not bool((reach == reach[0]).all()):  # rates vary per trial: one group per trial
            return cls(needed, reach, np.ones(len(needed)))
        values, counts = _counted(needed)
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

    def capped(self, rng: np.random.Generator) -> _Groups:
        """At most ``MAX_GROUPS`` groups: a random subsample of the trials they stand for.

        Equal weights (one trial each) are sampled without replacement; unequal ones (trials
        collapsed) with replacement in proportion to their weight, so each kept group stands
        for one trial and the mean over them estimates the mean over all trials.
        """
        count = len(self.needed)
        if count <= MAX_GROUPS:
            return self
        if bool((self.weight == self.weight[0]).all()):
            kept = np.sort(rng.choice(count, MAX_GROUPS, replace=False))
        else:
            kept = rng.choice(count, MAX_GROUPS, p=self.weight / self.weight.sum())
        return _Groups(self.needed[kept], self.reach[kept], np.ones(MAX_GROUPS))

    def start(self, level: float) -> int:
        """A traffic near the one needed: the ``level`` quantile of needed ÷ reach.

        Each trial's needed ÷ reach is the traffic its expected chain needs; the binomial noise
        around it moves the answer only a little, so the search starts there.
        """
        with np.errstate(divide="ignore", invalid="ignore"):
            each = np.where(self.needed <= 0, 0.0, self.needed / self.reach)
        each = np.minimum(np.nan_to_num(each, nan=0.0, posinf=MAX_TRAFFIC), MAX_TRAFFIC)
        order = np.argsort(each)
        share = np.cumsum(self.weight[order])
        position = min(int(np.searchsorted(share, level * share[-1])), len(order) - 1)
        return int(each[order[position]])

    def probability_at(self, traffic: int) -> float:
        """Mean over the trials of P(Binomial(traffic, reach) ≥ needed)."""
        return self._mean(binom.sf(self.needed - 1, traffic, self.reach))

    def slope_at(self, traffic: int) -> float:
        """P(traffic + 1) − P(traffic), exactly, at the cost of a binomial pmf (not a tail).

        One more unit tips a trial over the target only when its ``traffic`` units brought
        exactly needed − 1 customers and the new one converts: pmf(needed − 1) × reach.
        """
        return self._mean(binom.pmf(self.needed - 1, traffic, self.reach) * self.reach)

    def _mean(self, values: FloatArray) -> float:
        """The mean over the trials the groups stand for.

        numpy's own sum, not ``np.dot``: BLAS splits a dot product across threads, which costs
        more than it saves at 20,000 values when the cores are busy.
        """
        return float((self.weight * values).sum() / self.weight.sum())


def _counted(values: IntArray) -> tuple[IntArray, IntArray]:
    """The distinct values and how often each occurs, as ``np.unique(…, return_counts=True)``.

    Counted in one pass when they span no more than there are values (needed customers span
    a few hundred); sorted otherwise.
    """
    low = int(values.min())
    if int(values.max()) - low > len(values):
        return np.unique(values, return_counts=True)
    counts = np.bincount(values - low)
    present = np.flatnonzero(counts)
    return present + low, counts[present]


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
    # Noise off with uncertain inputs: each trial's smallest traffic reaching the target
    # (its expected chain at that traffic does; inf when none does).
    thresholds: FloatArray | None = None
    # P(T) by T, as worked: each is a binomial tail per group, and both levels probe the
    # limit and the same neighbourhood.
    _probabilities: dict[int, float] = dataclasses.field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    def probability_at(self, traffic: int) -> float:
        """Estimated P(revenue ≥ target) when ``traffic`` units enter the first stage."""
        if self.thresholds is not None:
            return float((self.thresholds <= traffic).mean())
        if self.groups is None:
            return 1.0 if traffic >= _planned_traffic(self.plan) else 0.0
        if traffic not in self._probabilities:
            self._probabilities[traffic] = self.groups.probability_at(traffic)
        return self._probabilities[traffic]

    def traffic_for(self, level: float) -> int | None:
        """Smallest top-stage count with P(revenue ≥ target) ≥ ``level``; none past the limit."""
        limit = int(MAX_TRAFFIC)
        if self.thresholds is not None:
            # The share of trials with threshold ≤ T reaches the level at the k-th smallest
            # threshold, k = ⌈level × trials⌉ (worked in fractions: 0.9 × 10,000 is 9,000).
            k = max(1, math.ceil(Fraction(repr(level)) * len(self.thresholds)))
            smallest = float(np.partition(self.thresholds, k - 1)[k - 1])
            return None if smallest > limit else int(smallest)
        if self.groups is None:
            return _planned_traffic(self.plan)
        if self.probability_at(limit) < level:
            return None
        return self._smallest_reaching(self.groups, level, limit)

    def _smallest_reaching(self, groups: _Groups, level: float, limit: int) -> int:
        """The smallest T in 0..limit with P(T) ≥ level, given P(limit) ≥ level.

        P is increasing in T, so every search that ends on P(T − 1) < level ≤ P(T) finds
        the same T; what differs is how many P(T) it works, each a binomial tail per group.
        P is smooth and its slope is exact and cheap (``slope_at``), so Newton steps from
        ``start`` land within a unit in two or three probes, where bisection takes a dozen or
        more even from a close bracket. Where Newton falters (``_search_step``) the search
        expands and bisects instead, and after ``NEWTON_PROBES`` probes it only bisects.
        """
        below, enough = self._bracket(level, limit)  # P(below) < level ≤ P(enough)
        probe, last, reached, expanding = groups.start(level), None, None, False
        for probes in itertools.count(1):
            probe = min(max(probe, below + 1), enough - 1)
            move, last = 0 if last is None else probe - last, probe
            probability = self.probability_at(probe)
            same_side, reached = reached == (probability >= level), probability >= level
            below, enough = (below, probe) if reached else (probe, enough)
            if enough - below <= 1 or probes >= NEWTON_PROBES:
                break
            slope = groups.slope_at(probe)
            newton = (level - probability) / slope if slope > 0 else math.nan
            toward = -1 if reached else 1  # where the answer lies from the probe
            step, expanding = _search_step(newton, move, toward, same_side, expanding)
            middle = _middle(below, enough)
            aim = probe + step
            if expanding:  # never past the middle: expanding is never much worse than bisecting
                aim = min(aim, middle) if toward > 0 else max(aim, middle)
            # The aim rounded up (the answer is the first whole T past the root) while it lies
            # within the bracket; the bracket's middle otherwise.
            probe = math.ceil(aim) if below < aim <= enough else middle
        while enough - below > 1:
            middle = _middle(below, enough)
            if self.probability_at(middle) >= level:
                enough = middle
            else:
                below = middle
        return enough

    def _bracket(self, level: float, limit: int) -> tuple[int, int]:
        """(below, enough) with P(below) < level ≤ P(enough) from the P(T) worked so far.

        -1 stands for "none below"; the limit reaches the level (checked first).
        """
        below, enough = -1, limit
        for traffic, probability in self._probabilities.items():
            if probability >= level:
                enough = min(enough, traffic)
            else:
                below = max(below, traffic)
        return below, enough


def _search_step(
    newton: float, move: int, toward: int, same_side: bool, expanding: bool
) -> tuple[float, bool]:
    """The confidence search's next move from a probe, and whether it is expanding.

    ``newton`` is Newton's step (nan where P is flat), ``move`` the move that reached the
    probe, ``toward`` ±1 where the answer lies, ``same_side`` whether the probe fell on the
    side of the answer the one before did. Newton's step is taken while it closes in fast:
    after a change of side, or on the same side when it is under a quarter of the last move.
    Otherwise (P bends, or steps between sparse trials, or is flat) the search expands
    toward the answer: one unit, then each move double the last, until the side changes.
    """
    if same_side:
        closing = abs(move) > 1 and abs(newton) <= abs(move) / 4
    else:
        closing = not math.isnan(newton)
    if closing and not (expanding and same_side):
        return newton, False
    grown = 2 * abs(move) if same_side else 1
    return toward * max(grown, 0 if math.isnan(newton) else abs(newton)), True


def _middle(below: int, enough: int) -> int:
    """A bisection step: the midpoint, or the geometric one while the bracket spans a doubling.

    Bisecting 0..10¹² arithmetically takes ~40 halvings to reach a bracket of ×2; the
    geometric midpoint takes ~6.
    """
    if enough > 2 * (below + 1):
        return max(below + 1, math.isqrt((below + 1) * enough))
    return (below + enough) // 2


def simulate(
    plan: Plan,
    *,
    trials: int = DEFAULT_TRIALS,
    seed: int | None = None,
    traffic: float | None = None,
    budget: float | None = None,
    noise: bool = True,
    uncertainty: Sequence[Uncertain] | None = None,
    progress: Callable[[float], None] | None = None,
) -> SimulationResult:
    """Run the plan's funnel ``trials`` times and summarise the odds of reaching its target.

    The top-stage count is the planned traffic, or ``traffic``, or what ``budget`` buys (give
    at most one); planned traffic and a budget's traffic are worked from the plan's own
    values. ``uncertainty`` draws those inputs per trial (``planner.scenarios.uncertainty``);
    by default the plan's own (``plan.uncertainty``), ``()`` for none. ``progress`` is called
    with the share of trials done after each chunk, for a progress bar.
    ``seed`` repeats a run; without one a seed is drawn and reported. Raises ``PlanInvalid``
    naming ``trials``, ``seed``, ``traffic``, ``budget`` or ``uncertainty[i]``, and
    ``PlannerError`` for a budget the plan can't spend (no cost, or a free one).
    """
    run = run_simulation(
        plan,
        trials=trials,
        seed=seed,
        traffic=traffic,
        budget=budget,
        noise=noise,
        uncertainty=uncertainty,
        progress=progress,
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
    uncertainty: Sequence[Uncertain] | None = None,
    progress: Callable[[float], None] | None = None,
) -> SimulationRun:
    """``simulate``'s trials, kept as arrays (the revenue of every trial for a histogram).

    Each chunk draws its uncertain inputs first, in the order given, then its funnel, all
    from the one seeded generator. With noise off and uncertain inputs every trial is the
    expected chain of its own drawn inputs, worked in floats.
    """
    if seed is None:
        seed = secrets.randbits(63)
    drawn = plan.uncertainty if uncertainty is None else uncertainty
    problems = _whole_problems("trials", trials, low=1, high=MAX_TRIALS)
    problems += _whole_problems("seed", seed, low=0, high=MAX_SEED)
    if problems:
        raise PlanInvalid(problems)
    top = _top_count(plan, traffic, budget)
    check_uncertainty(plan, drawn)
    if not noise and not drawn:
        return _expected_run(plan, trials, seed, top)
    return _drawn_run(plan, trials, seed, top, noise, drawn, progress)


def _drawn_run(
    plan: Plan,
    trials: int,
    seed: int,
    top: int,
    noise: bool,
    uncertainty: Sequence[Uncertain],
    progress: Callable[[float], None] | None,
) -> SimulationRun:
    """Trials drawn chunk by chunk from one generator seeded with ``seed``."""
    rng = np.random.default_rng(seed)
    # Filled chunk by chunk: only one chunk's temporaries live at a time (a million trials
    # peak near 40 MB: the four result arrays and one chunk's intermediates; near 90 MB with
    # every input drawn, the trials' groups kept until they are subsampled).
    revenue, customers, spend = np.empty(trials), np.empty(trials), np.empty(trials)
    hits = np.empty(trials, dtype=np.bool_)
    groups, thresholds = [], []
    for start, size in _chunks(trials):
        inputs = TrialInputs.drawn(plan, size, uncertainty, rng)
        if not noise:
            chunk = _expected_chunk(inputs, top)
            thresholds.append(_thresholds(inputs))
        else:
            chunk = _simulate_chunk(inputs, top, rng)
        where = slice(start, start + size)
        revenue[where], customers[where], spend[where] = (
            chunk.revenue,
            chunk.customers,
            chunk.budget,
        )
        hits[where] = chunk.hits
        if chunk.groups is not None:
            groups.append(chunk.groups)
        if progress is not None:
            progress((start + size) / trials)
    merged = _Groups.merged(groups) if noise else None
    if merged is not None and uncertainty:
        merged = merged.capped(rng)  # drawn after every trial: the trials don't move
    return SimulationRun(
        plan=plan,
        trials=trials,
        seed=seed,
        traffic=top,
        noise=noise,
        revenue=revenue,
        customers=customers,
        budget=spend,
        hits=hits,
        groups=merged,
        thresholds=None if noise else np.concatenate(thresholds),
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
    groups: _Groups | None


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


def _expected_chunk(inputs: TrialInputs, top: int) -> _Chunk:
    """Noise off: each trial's expected chain from ``top`` units, with its own inputs."""
    reach_paid = (
        None if inputs.paid_index is None else np.prod(inputs.rates[:, : inputs.paid_index], axis=1)
    )
    customers = top * inputs.reach()
    revenue = customers * inputs.orders_per_customer * inputs.average_order_value
    revenue = revenue + _expected_returning_revenue(inputs)
    spend = np.zeros(inputs.trials) if reach_paid is None else top * reach_paid
    return _Chunk(
        revenue=revenue,
        customers=customers,
        budget=spend * inputs.cost_per_entry,
        hits=customers >= _expected_needed(inputs) * (1 - _FLOAT_SLACK),
        groups=None,
    )


def _expected_returning_revenue(inputs: TrialInputs) -> FloatArray:
    return (
        inputs.active_customers
        * inputs.repeat_purchase_rate
        * inputs.returning_orders_per_customer
        * inputs.returning_order_value
    )


def _expected_needed(inputs: TrialInputs) -> FloatArray:
    """New customers (fractional) each expected chain needs beyond its returning revenue."""
    shortfall = np.maximum(inputs.revenue_target - _expected_returning_revenue(inputs), 0.0)
    return shortfall / (inputs.average_order_value * inputs.orders_per_customer)


def _thresholds(inputs: TrialInputs) -> FloatArray:
    """Each trial's smallest whole traffic whose expected chain reaches the target."""
    needed = _expected_needed(inputs) * (1 - _FLOAT_SLACK)
    reach = inputs.reach()
    with np.errstate(divide="ignore", invalid="ignore"):
        traffic = np.where(needed <= 0, 0.0, np.ceil(needed / reach))
    return np.nan_to_num(traffic, nan=math.inf)


def needed_customers(inputs: TrialInputs, returning: IntArray) -> IntArray:
    """Whole new customers each trial needs to reach the target beyond its returning revenue.

    ⌈(target − returning revenue) ÷ (AOV × orders)⌉, never below 0. With the same target, AOV
    and orders in every trial (none of them drawn) it is worked exactly, as ``plan_backwards``
    works it; inputs that vary per trial are worked in floats, one part in 10¹² taken off
    before rounding up.
    """
    if not inputs.money_is_constant():
        return _needed_in_floats(inputs, returning)
    # k(r) = ⌈(target − r·w) ÷ v⌉ = ⌈(a − b·r) ÷ c⌉ over whole numbers a, b, c: exact.
    a, b, c = _whole_terms(inputs)
    if b * int(returning.max(initial=0)) + abs(a) < _INT64_LIMIT and c < _INT64_LIMIT:
        # No term can pass int64, so numpy's floor division is Python's: one pass per chunk.
        return np.maximum(0, -((b * returning - a) // c))
    # Larger numbers: Python's unbounded integers, once per distinct number of buyers.
    values, inverse = np.unique(returning, return_inverse=True)
    needed = [max(0, -((b * int(buyers) - a) // c)) for buyers in values]
    return np.asarray(needed, dtype=np.int64)[inverse.reshape(returning.shape)]


def _whole_terms(inputs: TrialInputs) -> tuple[int, int, int]:
    """(a, b, c): target, returning buyer's and new customer's worth over one denominator."""
    target = exact(float(inputs.revenue_target[0]))
    per_customer = _exact_product(inputs.average_order_value, inputs.orders_per_customer)
    per_returning = _exact_product(
        inputs.returning_orders_per_customer, inputs.returning_order_value
    )
    common = target.denominator * per_returning.denominator * per_customer.denominator
    return (
        target.numerator * common // target.denominator,
        per_returning.numerator * common // per_returning.denominator,
        per_customer.numerator * common // per_customer.denominator,
    )


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
