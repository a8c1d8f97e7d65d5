"""Inputs known only roughly: as a range, or as counts observed, drawn afresh in every trial.

An ``Uncertain`` input replaces one of the plan's values in the Monte Carlo
(``planner.scenarios.simulation``) with a draw per trial:

- a ``Range`` (low, likely, high) with a shape:

  - ``pert`` (the default): low + (high − low) × Beta(α, β), α = 1 + 4(m − a) ÷ (b − a),
    β = 1 + 4(b − m) ÷ (b − a), for a = low, m = likely, b = high. This is the standard PERT
    distribution (λ = 4) of Malcolm, Roseboom, Clark and Fazar, "Application of a technique
    for research and development program evaluation", Operations Research 7(5), 1959, as
    given by Vose, "Risk Analysis: A Quantitative Guide" (3rd ed., 2008), §9.1. Its mean is
    (a + 4m + b) ÷ 6;
  - ``triangular``: mean (a + m + b) ÷ 3;
  - ``uniform``: every value between low and high equally likely, mean (a + b) ÷ 2;

  a range with low = high is that value in every trial, whatever its shape;
- ``Observed`` counts (successes out of trials) for a rate: the rate is drawn from
  Beta(successes + 1, trials − successes + 1), what the counts say about it starting from a
  uniform prior (every rate equally likely before counting).

``target`` names the input as a scenario's ``Override`` does, except traffic and budget (the
amounts a simulation starts from, not inputs a trial draws). Bounds follow the plan's own:
a rate in (0, 1] (a stage's rate and the click-through rate) or [0, 1] (margin, repeat
purchase rate), orders per customer at least 1, money above 0 (a cost at least 0), whole
customers at least 0. These models will be stored in the plan file, so they stay small and
strict: every problem names its field and a rule (``RuleProblem``), worded in ``i18n``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import Field, model_validator

from planner.models import Model, RuleProblem, rules_error
from planner.scenarios.overrides import PlanInput
from planner.types import MAX_MONEY, Name, format_bound, format_number

Shape = Literal["pert", "triangular", "uniform"]
UncertainTarget = PlanInput
"""The inputs a trial can draw: ``overrides.Target`` without traffic and budget."""

RATE_TARGETS: frozenset[str] = frozenset(
    {"stage_rate", "click_through_rate", "returning_repeat_purchase_rate", "gross_margin"}
)
"""Inputs that are shares, so counts observed can say what they are."""

PERT_LAMBDA = 4  # the weight of the most likely value in standard PERT (Malcolm et al. 1959)
_MAX_ORDERS = 1000.0  # as OrdersPerCustomer
_MAX_CUSTOMERS = 1e12  # as Count


class _Bounds:
    """Where an input's values may lie: above (or from) ``low``, up to ``high``."""

    def __init__(self, low: float, high: float, *, low_included: bool) -> None:
        self.low, self.high, self.low_included = low, high, low_included

    def holds(self, value: float) -> bool:
        above = value >= self.low if self.low_included else value > self.low
        return above and value <= self.high

    @property
    def text(self) -> str:
        sign = "≥" if self.low_included else ">"
        return f"{sign} {format_bound(self.low)} and ≤ {format_bound(self.high)}"


_SHARE = _Bounds(0, 1, low_included=True)
_RATE = _Bounds(0, 1, low_included=False)
_MONEY = _Bounds(0, MAX_MONEY, low_included=False)
_COST = _Bounds(0, MAX_MONEY, low_included=True)
_ORDERS = _Bounds(1, _MAX_ORDERS, low_included=True)
BOUNDS: dict[str, _Bounds] = {
    "revenue_target": _MONEY,
    "average_order_value": _MONEY,
    "orders_per_customer": _ORDERS,
    "gross_margin": _SHARE,
    "stage_rate": _RATE,
    "cost_per_unit": _COST,
    "cost_per_mille": _COST,
    "click_through_rate": _RATE,
    "returning_repeat_purchase_rate": _SHARE,
    "returning_orders_per_customer": _ORDERS,
    "returning_average_order_value": _MONEY,
    "returning_active_customers": _Bounds(0, _MAX_CUSTOMERS, low_included=True),
}


class Range(Model):
    """The lowest, most likely and highest values an input may take, and how they spread."""

    low: float
    likely: float
    high: float
    shape: Shape = Field(default="pert", description="pert (the default), triangular or uniform.")

    @model_validator(mode="after")
    def _in_order(self) -> Range:
        if not self.low <= self.likely <= self.high:
            field = "high" if self.low > self.high else "likely"
            shown = {
                "low": format_number(self.low),
                "likely": format_number(self.likely),
                "high": format_number(self.high),
            }
            message = "must be low ≤ likely ≤ high, got {low}, {likely}, {high}".format(**shown)
            raise rules_error([RuleProblem(field, "range_order", message, shown)])
        return self


class Observed(Model):
    """A rate seen in data: ``successes`` out of ``trials``."""

    successes: int = Field(ge=0, description="How many converted.")
    trials: int = Field(ge=1, description="Out of how many.")

    @model_validator(mode="after")
    def _no_more_successes_than_trials(self) -> Observed:
        if self.successes > self.trials:
            params = {"successes": self.successes, "trials": self.trials}
            message = f"must be at most trials ({self.trials}), got {self.successes}"
            raise rules_error([RuleProblem("successes", "observed_order", message, params)])
        return self


class Uncertain(Model):
    """One input drawn per trial, from a range or from counts observed."""

    target: UncertainTarget = Field(description="The input drawn.")
    stage: Name | None = Field(
        default=None, description="The stage whose rate is drawn (stage_rate only)."
    )
    range: Range | None = None
    observed: Observed | None = Field(default=None, description="Counts seen, for a rate only.")

    @model_validator(mode="after")
    def _rules(self) -> Uncertain:
        problems = _stage_problems(self)
        if (self.range is None) == (self.observed is None):
            message = "give either range or observed, not both or neither"
            problems.append(RuleProblem("range", "uncertain_one_way", message))
        elif self.observed is not None and self.target not in RATE_TARGETS:
            message = f"only a rate can be given as counts observed; give {self.target} a range"
            params = {"target": self.target}
            problems.append(RuleProblem("observed", "uncertain_observed_not_rate", message, params))
        if self.range is not None:
            problems += _bound_problems(self.target, self.range)
        if problems:
            raise rules_error(problems)
        return self


def _stage_problems(uncertain: Uncertain) -> list[RuleProblem]:
    if uncertain.target == "stage_rate" and uncertain.stage is None:
        message = "required: the name of the stage whose rate is drawn"
        return [RuleProblem("stage", "uncertain_stage_missing", message)]
    if uncertain.target != "stage_rate" and uncertain.stage is not None:
        message = "only a stage_rate names a stage"
        return [RuleProblem("stage", "uncertain_stage_unused", message)]
    return []


def _bound_problems(target: str, values: Range) -> list[RuleProblem]:
    """Low and high within the input's bounds (likely lies between them)."""
    bounds = BOUNDS[target]
    problems = []
    for field in ("low", "high"):
        value = getattr(values, field)
        if not bounds.holds(value):
            params = {
                "target": target,
                "sign": "≥" if bounds.low_included else ">",
                "low": format_bound(bounds.low),
                "high": format_bound(bounds.high),
                "got": format_number(value),
            }
            message = "must be {sign} {low} and ≤ {high} for {target}, got {got}".format(**params)
            problems.append(
                RuleProblem(f"range.{field}", "uncertain_out_of_bounds", message, params)
            )
    return problems


def draw(uncertain: Uncertain, trials: int, rng: np.random.Generator) -> npt.NDArray[np.float64]:
    """``trials`` values of the input, one per trial, from ``rng``.

    Draws are kept within the range (a float step never carries a rate past its high).
    """
    if uncertain.observed is not None:
        seen = uncertain.observed
        return rng.beta(seen.successes + 1, seen.trials - seen.successes + 1, size=trials)
    values = uncertain.range
    if values is None:  # the model holds exactly one of range and observed
        raise ValueError("an uncertain input needs a range or counts observed")
    low, likely, high = values.low, values.likely, values.high
    if low == high:
        return np.full(trials, low, dtype=np.float64)
    if values.shape == "uniform":
        drawn = rng.uniform(low, high, size=trials)
    elif values.shape == "triangular":
        drawn = rng.triangular(low, likely, high, size=trials)
    else:
        width = high - low
        alpha = 1 + PERT_LAMBDA * (likely - low) / width
        beta = 1 + PERT_LAMBDA * (high - likely) / width
        drawn = low + width * rng.beta(alpha, beta, size=trials)
    return np.clip(drawn, low, high)
