"""Which inputs matter most: one-at-a-time sensitivity, and the revenue each drop-off costs.

``sensitivity`` moves every input of a plan up and down by the same share (±10% by default),
one at a time and relative to its own value: each stage's rate, the AOV, the orders per
customer, the cost (per unit, or CPM and CTR) and, when the plan has returning customers,
their repeat share, orders and AOV. A move that would leave the input's range stops at the
bound, and the move says so (``capped``): a 95% rate moved up by 10% becomes 100%, one order
per customer moved down stays one. For each move it reports, by the planner's own arithmetic:

- the budget and the top-stage traffic the target then needs (``plan_backwards``);
- the revenue at the base's fixed traffic, the top-stage count the base plan requires
  (``project_forwards``);

each as the value and its difference to the base. Levers are ranked by impact: the larger
absolute revenue difference of their two moves, then the larger absolute budget difference;
differences are compared to the cent, so float noise leaves a tie a tie, kept in the order
the levers were listed (funnel order first).

``drop_off_losses`` prices each stage's drop-off: at the plan's required counts nᵢ, the units
that reach stage i − 1 but not stage i, nᵢ₋₁ − nᵢ, had they continued at the later stages'
rates, would have become (nᵢ₋₁ − nᵢ) × rᵢ₊₁ × … × r_last new customers, each worth AOV ×
orders per customer. Worked in exact fractions, as the funnel works.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from pydantic import Field

from planner.base import Model
from planner.errors import FieldProblem, PlanInvalid
from planner.funnel import exact, plan_backwards, project_forwards, stage_reach
from planner.models import Plan
from planner.scenarios.overrides import (
    Override,
    Scenario,
    Target,
    apply_scenario,
    current_value,
    scaled,
)
from planner.types import MAX_MONEY, OUT_OF_RANGE, format_number

DEFAULT_CHANGE = 0.10

# The range each moved input may take (the plan's own bounds, practical floors included).
_RATE = (1e-6, 1.0)
_BOUNDS: dict[Target, tuple[float, float]] = {
    "stage_rate": _RATE,
    "click_through_rate": _RATE,
    "average_order_value": (0.01, MAX_MONEY),
    "returning_average_order_value": (0.01, MAX_MONEY),
    "orders_per_customer": (1.0, 1000.0),
    "returning_orders_per_customer": (1.0, 1000.0),
    "returning_repeat_purchase_rate": (0.0, 1.0),
    "cost_per_unit": (0.0, MAX_MONEY),
    "cost_per_mille": (0.0, MAX_MONEY),
}


class LeverMove(Model):
    """One input moved one way, and what the plan then needs and delivers."""

    change: float = Field(description="Share the input was asked to move: 0.1 = +10%.")
    value: float = Field(description="The input after the move, capped to its range.")
    capped: bool = Field(description="True when the range stopped the move short.")
    required_traffic: int = Field(description="Top-stage count the target then needs.")
    required_traffic_difference: int
    required_budget: float = Field(description="Budget the target then needs.")
    required_budget_difference: float
    revenue_at_traffic: float = Field(description="Revenue at the base's fixed traffic.")
    revenue_difference: float


class Lever(Model):
    """One input, moved up and down: a bar of a tornado chart."""

    target: Target
    stage: str | None = Field(description="The stage, for a stage's rate.")
    base_value: float
    up: LeverMove
    down: LeverMove

    @property
    def revenue_impact(self) -> float:
        """The larger absolute revenue difference at fixed traffic of the two moves."""
        return max(abs(self.up.revenue_difference), abs(self.down.revenue_difference))

    @property
    def budget_impact(self) -> float:
        """The larger absolute difference in required budget of the two moves."""
        return max(
            abs(self.up.required_budget_difference), abs(self.down.required_budget_difference)
        )


def sensitivity(plan: Plan, *, change: float = DEFAULT_CHANGE) -> list[Lever]:
    """Every input moved by ±``change`` one at a time, ranked by impact (see the module)."""
    _check_change(change)
    base = _Base.of(plan)
    levers = [_lever(base, target, stage, change) for target, stage in _inputs(plan)]
    # To the cent: float noise must not break a tie (the sort is stable).
    return sorted(
        levers, key=lambda lever: (-round(lever.revenue_impact, 2), -round(lever.budget_impact, 2))
    )


@dataclass(frozen=True)
class _Base:
    """The base plan and what every move is compared with."""

    plan: Plan
    traffic: int  # the top-stage count the base requires: the fixed traffic
    budget: float
    revenue: float  # at that traffic

    @classmethod
    def of(cls, plan: Plan) -> _Base:
        backwards = plan_backwards(plan)
        traffic = backwards.stages[0].required
        revenue = project_forwards(plan, "traffic", traffic).revenue
        return cls(plan, traffic, backwards.budget, revenue)


def _check_change(change: float) -> None:
    if not 0 < change < 1:
        message = f"must be > 0 and < 1, got {format_number(change)}"
        context = {"got": change, "rule": "> 0 and < 1", "gt": 0, "lt": 1}
        raise PlanInvalid([FieldProblem("change", message, OUT_OF_RANGE, context)])


def _inputs(plan: Plan) -> list[tuple[Target, str | None]]:
    """The plan's inputs, funnel order first; costs and returning inputs when it has them."""
    inputs: list[tuple[Target, str | None]] = [
        ("stage_rate", stage.name) for stage in plan.stages[1:]
    ]
    inputs += [("average_order_value", None), ("orders_per_customer", None)]
    cost = plan.acquisition_cost
    if cost is not None and cost.paid_per_impression:
        inputs += [("cost_per_mille", None), ("click_through_rate", None)]
    elif cost is not None:
        inputs.append(("cost_per_unit", None))
    if plan.returning_customers is not None:
        inputs += [
            ("returning_repeat_purchase_rate", None),
            ("returning_orders_per_customer", None),
            ("returning_average_order_value", None),
        ]
    return inputs


def _lever(base: _Base, target: Target, stage: str | None, change: float) -> Lever:
    # Every listed input has a value (returning AOV: the plan's AOV when it has none).
    base_value = current_value(base.plan, target, stage) or 0.0
    return Lever(
        target=target,
        stage=stage,
        base_value=base_value,
        up=_move(base, target, stage, base_value, change),
        down=_move(base, target, stage, base_value, -change),
    )


def _move(base: _Base, target: Target, stage: str | None, value: float, change: float) -> LeverMove:
    wanted = scaled(value, change)
    low, high = _BOUNDS[target]
    moved = min(max(wanted, low), high)
    override = Override(target=target, stage=stage, mode="absolute", value=moved)
    varied = apply_scenario(base.plan, Scenario(name="sensitivity", overrides=[override]))
    backwards = plan_backwards(varied)
    traffic = backwards.stages[0].required
    revenue = project_forwards(varied, "traffic", base.traffic).revenue
    return LeverMove(
        change=change,
        value=moved,
        capped=moved != wanted,
        required_traffic=traffic,
        required_traffic_difference=traffic - base.traffic,
        required_budget=backwards.budget,
        required_budget_difference=backwards.budget - base.budget,
        revenue_at_traffic=revenue,
        revenue_difference=revenue - base.revenue,
    )


# --- Drop-off losses --------------------------------------------------------------------------


class DropOff(Model):
    """What the units lost on the way into one stage would have brought."""

    stage: str = Field(description="The stage they did not reach.")
    units_lost: int = Field(description="Required count of the stage before minus this one's.")
    continuing_share: float = Field(
        description="Product of the later stages' rates: the share that would have bought."
    )
    revenue_lost: float = Field(
        description="Units lost × continuing share × AOV × orders per customer."
    )


def drop_off_losses(plan: Plan) -> list[DropOff]:
    """The revenue lost at each stage's drop-off, in funnel order (see the module)."""
    counts = [row.required for row in plan_backwards(plan).stages]
    reach = stage_reach(plan.conversion_rates)
    last_numerator, last_denominator = reach[-1]
    per_customer = exact(plan.average_order_value) * exact(plan.orders_per_customer)
    losses = []
    for index in range(1, len(counts)):
        numerator, denominator = reach[index]
        # Share of stage i that reaches the last stage: reach[last] ÷ reach[i].
        continuing = Fraction(last_numerator * denominator, last_denominator * numerator)
        lost = counts[index - 1] - counts[index]
        losses.append(
            DropOff(
                stage=plan.stages[index].name,
                units_lost=lost,
                continuing_share=float(continuing),
                revenue_lost=float(lost * continuing * per_customer),
            )
        )
    return losses
