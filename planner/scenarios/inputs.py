"""The what-if inputs a plan file holds beside its funnel: scenarios and uncertain inputs.

- An ``Override`` changes one input, to a new value (``absolute``) or by a share of the value
  it has (``relative``: value × (1 + change), so "Checkout +10%" is relative 0.10); a
  ``Scenario`` is a named list of them (``planner.scenarios.overrides`` applies them).
- An ``Uncertain`` input is drawn per trial of the Monte Carlo, from a ``Range`` (low, most
  likely, high; PERT, triangular or uniform) or, for a rate, from ``Observed`` counts
  (``planner.scenarios.uncertainty`` draws them).

A plan holds up to ``MAX_SCENARIOS`` scenarios and ``MAX_UNCERTAIN`` uncertain inputs. Each
model checks only itself here (its values within the input's bounds, a stage named where a
rate is meant); whether a named stage exists, or a cost is priced the way the plan prices it,
depends on the plan as it is when the scenario is applied or the simulation run, so it is
checked then and named there (a renamed stage never makes the plan itself unreadable).
Bounds follow the plan's own: a rate in (0, 1] (a stage's rate and the click-through rate)
or [0, 1] (margin, repeat purchase rate), orders per customer at least 1, money above 0 (a
cost at least 0), whole customers at least 0.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from planner.base import Model, RuleProblem, rules_error
from planner.types import MAX_MONEY, Name, format_bound, format_number

MAX_SCENARIOS = 6
MAX_UNCERTAIN = 24  # every input a plan has, with a rate for each of its 8 stages
MAX_OVERRIDES = 20

PlanInput = Literal[
    "revenue_target",
    "average_order_value",
    "orders_per_customer",
    "gross_margin",
    "stage_rate",
    "cost_per_unit",
    "cost_per_mille",
    "click_through_rate",
    "returning_repeat_purchase_rate",
    "returning_orders_per_customer",
    "returning_average_order_value",
    "returning_active_customers",
]
"""The plan's inputs a scenario can change (and a trial can draw)."""
Target = Literal[PlanInput, "traffic", "budget"]
Mode = Literal["absolute", "relative"]

FORWARD_TARGETS: tuple[Target, ...] = ("traffic", "budget")


class Override(Model):
    """One input changed: set to ``value``, or moved by the share ``value`` of itself."""

    target: Target = Field(description="The input changed; traffic and budget are amounts.")
    stage: Name | None = Field(
        default=None, description="The stage whose rate changes (stage_rate only)."
    )
    mode: Mode = Field(
        default="absolute",
        description="absolute: the new value; relative: value × (1 + change), 0.1 = +10%.",
    )
    value: float

    @model_validator(mode="after")
    def _stage_only_for_a_rate(self) -> Override:
        if self.target == "stage_rate" and self.stage is None:
            message = "required: the name of the stage whose rate changes"
            raise rules_error([RuleProblem("stage", "override_stage_missing", message)])
        if self.target != "stage_rate" and self.stage is not None:
            message = "only a stage_rate override names a stage"
            raise rules_error([RuleProblem("stage", "override_stage_unused", message)])
        return self


class Scenario(Model):
    """A named set of what-if changes to a plan."""

    name: Name
    overrides: list[Override] = Field(default_factory=list, max_length=MAX_OVERRIDES)


# --- Uncertain inputs ----------------------------------------------------------------------

Shape = Literal["pert", "triangular", "uniform"]
UncertainTarget = PlanInput
"""The inputs a trial can draw: ``overrides.Target`` without traffic and budget."""

RATE_TARGETS: frozenset[str] = frozenset(
    {"stage_rate", "click_through_rate", "returning_repeat_purchase_rate", "gross_margin"}
)
"""Inputs that are shares, so counts observed can say what they are."""


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
