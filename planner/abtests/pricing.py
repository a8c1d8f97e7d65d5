"""What a tested lift is worth: the plan with one stage's rate moved by the lift (issue 8).

A variant's relative lift on a stage's rate (with its interval) is applied to the plan as a
what-if scenario (``planner.scenarios``: the plan's own arithmetic, nothing recomputed here):

- the traffic and budget the target then needs, beside the plan's;
- the revenue the lift adds over the period at the plan's own traffic (the traffic its
  target needs), for the lift and for each end of its interval: "+$8,400 ($2,100 to $14,900)".

A rate pushed above 100% by the lift (or to 0 and below by a negative one) is refused by the
plan's own check, named by the stage; the interval's ends are capped at those bounds instead,
so a wide interval still prices its plausible end.
"""

from __future__ import annotations

from pydantic import Field

from planner.base import Model
from planner.models import Plan
from planner.scenarios.inputs import Override, Scenario
from planner.scenarios.overrides import ScenarioOutcome, evaluate

_HIGHEST_RATE = 1.0
_LOWEST_RATE = 1e-6  # the funnel's practical floor for a rate


class LiftValue(Model):
    """The plan with a tested lift on one stage, and what the lift is worth."""

    stage: str
    lift: float = Field(description="Relative lift applied to the stage's rate (0.1 = +10%).")
    outcome: ScenarioOutcome = Field(description="The plan and the plan with the lift.")
    revenue_gained: float = Field(description="Revenue added at the plan's own traffic.")
    revenue_gained_low: float | None = Field(description="At the interval's low end.")
    revenue_gained_high: float | None = Field(description="At the interval's high end.")


def lift_scenario(stage: str, lift: float, name: str = "") -> Scenario:
    """The what-if scenario of a lift: the stage's rate × (1 + lift)."""
    change = Override(target="stage_rate", stage=stage, mode="relative", value=lift)
    return Scenario(name=name or stage, overrides=[change])


def price_lift(
    plan: Plan, stage: str, lift: float, interval: tuple[float, float] | None = None
) -> LiftValue:
    """The plan with ``stage``'s rate moved by ``lift``, and the revenue that adds.

    Raises ``PlanInvalid`` (naming the scenario's override or the stage's rate) when the
    lift itself can't apply.
    """
    outcome = evaluate(plan, lift_scenario(stage, lift))
    low = high = None
    if interval is not None:
        low, high = (_gained_at(plan, stage, _capped(plan, stage, end)) for end in interval)
    return LiftValue(
        stage=stage,
        lift=lift,
        outcome=outcome,
        revenue_gained=outcome.difference.revenue_at_traffic,
        revenue_gained_low=low,
        revenue_gained_high=high,
    )


def _gained_at(plan: Plan, stage: str, lift: float) -> float:
    return evaluate(plan, lift_scenario(stage, lift)).difference.revenue_at_traffic


def _capped(plan: Plan, stage: str, lift: float) -> float:
    """A lift kept to what the rate can take: from the practical floor up to 100%."""
    rate = plan.stages[plan.stage_index(stage)].conversion_rate or 0.0
    if rate <= 0:
        return 0.0
    highest = _HIGHEST_RATE / rate - 1
    lowest = _LOWEST_RATE / rate - 1
    return min(max(lift, lowest), highest)
