"""What-if scenarios: a plan with some inputs changed, and what that does to it (issue 7).

An ``Override`` changes one input, to a new value (``absolute``) or by a share of the value
it has (``relative``: the value × (1 + change), so "Checkout +10%" is relative 0.10). A
``Scenario`` is a named list of them, applied in order (a second override of the same input
starts from the first one's result).

- ``apply_scenario`` gives the plan with its overrides applied, validated again as a plan
  file is, so an override that breaks the plan raises ``PlanInvalid`` naming the plan field
  (``stages[3].conversion_rate``). Problems that belong to the override itself (an unknown
  stage, a cost the plan prices the other way, nothing to scale) name the override
  (``overrides[0].stage``). Nothing is prefixed: the caller names the scenario.
- ``traffic`` and ``budget`` are not plan fields but the amounts a plan is projected forwards
  from: ``forward_amounts`` resolves them against the base amounts the caller passes, and
  ``apply_scenario`` leaves them out.
- ``evaluate`` works the base and the scenario with the planner's own arithmetic
  (``plan_backwards`` and ``project_forwards``) and reports both and their differences.

A relative change is worked in decimals (0.6 × 1.1 is 0.66, not 0.6600000000000001), because
the funnel takes every input as the decimal it was written as; a relative change of a count
(returning active customers) is rounded to a whole customer.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import Field

from planner.base import Model
from planner.errors import RULE, FieldProblem, PlanInvalid, parse_plan
from planner.funnel import plan_backwards, project_forwards
from planner.models import Plan
from planner.scenarios.inputs import (  # noqa: F401  (re-exported: the models live in inputs)
    FORWARD_TARGETS,
    MAX_OVERRIDES,
    Mode,
    Override,
    PlanInput,
    Scenario,
    Target,
)

_COSTS = {"cost_per_unit": False, "cost_per_mille": True, "click_through_rate": True}
"""Each cost field, and whether it belongs to paying per 1,000 impressions."""
_RETURNING_PREFIX = "returning_"


def scaled(value: float, change: float) -> float:
    """``value`` × (1 + ``change``), worked on the decimals both were written as."""
    # float() first: numpy's repr of its floats ("np.float64(0.1)") is not a decimal.
    return float(Decimal(repr(float(value))) * (1 + Decimal(repr(float(change)))))


# --- Applying overrides to a plan ------------------------------------------------------------


def apply_scenario(plan: Plan, scenario: Scenario) -> Plan:
    """The plan with the scenario's overrides applied, or ``PlanInvalid`` naming the field."""
    changes = [(i, o) for i, o in enumerate(scenario.overrides) if o.target not in FORWARD_TARGETS]
    if not changes:
        return plan
    data = plan.model_dump()
    problems: list[FieldProblem] = []
    for index, override in changes:
        problem = _apply(data, index, override)
        if problem is not None:
            problems.append(problem)
    if problems:
        raise PlanInvalid(problems)
    return parse_plan(data)


def current_value(plan: Plan, target: Target, stage: str | None = None) -> float | None:
    """The value a plan gives ``target`` (returning AOV: the plan's AOV when it has none)."""
    data = plan.model_dump()
    return _current(data, target, _stage_position(data, stage))


def _apply(data: dict[str, Any], index: int, override: Override) -> FieldProblem | None:
    """Write one override into the plan's data; a problem naming the override if it can't be."""
    where = f"overrides[{index}]"
    position = _stage_position(data, override.stage)
    if override.target == "stage_rate" and position is None:
        return _unknown_stage(where, override.stage or "", data)
    problem = _cost_problem(data, where, override.target)
    if problem is not None:
        return problem
    value = override.value
    if override.mode == "relative":
        now = _current(data, override.target, position)
        if now is None:
            return _nothing_to_scale(where, override.target)
        value = scaled(now, override.value)
        if override.target == "returning_active_customers":
            value = round(value)  # customers are whole people
    _write(data, override.target, position, value)
    return None


def _stage_position(data: dict[str, Any], stage: str | None) -> int | None:
    """Index of the stage called ``stage`` (case-insensitive, as the plan matches names)."""
    if stage is None:
        return None
    wanted = stage.casefold()
    names = [row["name"].casefold() for row in data["stages"]]
    return names.index(wanted) if wanted in names else None


def _current(data: dict[str, Any], target: Target, position: int | None) -> float | None:
    if target == "stage_rate":
        return None if position is None else data["stages"][position]["conversion_rate"]
    if target in _COSTS:
        cost = data["acquisition_cost"]
        return None if cost is None else cost[target]
    if target.startswith(_RETURNING_PREFIX):
        base = data["returning_customers"]
        if base is None:
            return None
        value = base[target.removeprefix(_RETURNING_PREFIX)]
        if target == "returning_average_order_value" and value is None:
            return float(data["average_order_value"])
        return None if value is None else float(value)
    value = data[target]
    return None if value is None else float(value)


def _write(data: dict[str, Any], target: Target, position: int | None, value: float) -> None:
    if target == "stage_rate" and position is not None:
        data["stages"][position]["conversion_rate"] = value
    elif target in _COSTS:
        data["acquisition_cost"][target] = value
    elif target.startswith(_RETURNING_PREFIX):
        # Setting a returning input on a plan without returning customers starts the block,
        # its other inputs at their defaults.
        base = data["returning_customers"] or {}
        data["returning_customers"] = {**base, target.removeprefix(_RETURNING_PREFIX): value}
    else:
        data[target] = value


def _cost_problem(data: dict[str, Any], where: str, target: Target) -> FieldProblem | None:
    """A cost override needs a cost, priced the way the override is (never switched silently)."""
    if target not in _COSTS:
        return None
    cost = data["acquisition_cost"]
    if cost is None:
        message = f"the plan has no acquisition cost, so {target} can't be changed"
        return _rule_problem(f"{where}.target", message, "override_no_cost", target=target)
    per_impression = cost["cost_per_unit"] is None
    if _COSTS[target] == per_impression:
        return None
    message = f"the plan is priced the other way, so it has no {target} to change"
    return _rule_problem(f"{where}.target", message, "override_cost_other_way", target=target)


def _unknown_stage(where: str, stage: str, data: dict[str, Any]) -> FieldProblem:
    names = tuple(row["name"] for row in data["stages"])
    listed = ", ".join(f"'{name}'" for name in names)
    message = f"'{stage}' is not a stage; use one of {listed}"
    return _rule_problem(
        f"{where}.stage", message, "override_unknown_stage", stage=stage, stages=names
    )


def _nothing_to_scale(where: str, target: Target) -> FieldProblem:
    message = f"the plan has no {target} to change by a share; give an absolute value"
    return _rule_problem(f"{where}.mode", message, "override_nothing_to_scale", target=target)


def _rule_problem(field: str, message: str, rule: str, **params: Any) -> FieldProblem:
    """A broken rule of an override, coded like the plan's own rules (worded in ``i18n``)."""
    return FieldProblem(field, message, RULE, {"rule": rule, **params})


# --- Forward amounts --------------------------------------------------------------------------


def forward_amounts(
    scenario: Scenario, *, traffic: float | None = None, budget: float | None = None
) -> dict[str, float]:
    """The traffic and budget to project the scenario from, given the base amounts.

    Each key is present when there is an amount: the base one, or the overridden one. A
    relative override of an amount the caller gave no base for is refused, naming it.
    """
    amounts = {key: value for key, value in (("traffic", traffic), ("budget", budget))}
    problems = []
    for index, override in enumerate(scenario.overrides):
        if override.target not in FORWARD_TARGETS:
            continue
        now = amounts[override.target]
        if override.mode == "absolute":
            amounts[override.target] = override.value
        elif now is None:
            problems.append(_nothing_to_scale(f"overrides[{index}]", override.target))
        else:
            amounts[override.target] = scaled(now, override.value)
    if problems:
        raise PlanInvalid(problems)
    return {key: value for key, value in amounts.items() if value is not None}


# --- Evaluating a scenario --------------------------------------------------------------------


class ScenarioFigures(Model):
    """What one plan needs and delivers: backwards from its target, forwards from amounts."""

    required_traffic: float = Field(description="Top-stage count the target needs.")
    required_budget: float = Field(description="Budget the target needs.")
    new_customers: float = Field(description="New customers the target needs.")
    contribution: float | None = Field(description="At the target: revenue × margin − budget.")
    cac: float | None = Field(description="At the target: budget ÷ new customers.")
    roas: float | None = Field(description="At the target: new-customer revenue ÷ budget.")
    traffic: float = Field(description="Traffic projected forwards from.")
    revenue_at_traffic: float = Field(description="Revenue that traffic brings.")
    budget: float | None = Field(description="Budget projected forwards from; none unpaid.")
    revenue_at_budget: float | None = Field(description="Revenue that budget brings.")


class ScenarioDifference(Model):
    """Scenario minus base, figure by figure; none where either has no such figure."""

    required_traffic: float
    required_budget: float
    new_customers: float
    contribution: float | None
    cac: float | None
    roas: float | None
    traffic: float
    revenue_at_traffic: float
    budget: float | None
    revenue_at_budget: float | None


class ScenarioOutcome(Model):
    """A scenario beside its base plan."""

    name: str
    base: ScenarioFigures
    scenario: ScenarioFigures
    difference: ScenarioDifference


def evaluate(
    plan: Plan,
    scenario: Scenario,
    *,
    base_traffic: float | None = None,
    base_budget: float | None = None,
) -> ScenarioOutcome:
    """The base plan and the scenario, worked backwards and forwards, and their differences.

    The base amounts default to the base plan's own: the top-stage count it requires and, when
    it pays for traffic, the budget it requires. Raises ``PlanInvalid`` for an override that
    breaks the plan, and ``PlannerError`` for a budget the scenario's plan can't spend.
    """
    base_result = plan_backwards(plan)
    traffic = base_result.stages[0].required if base_traffic is None else base_traffic
    budget = base_budget
    if budget is None and _buys_traffic(plan):
        budget = base_result.budget
    base = _figures(plan, traffic, budget)
    amounts = forward_amounts(scenario, traffic=traffic, budget=budget)
    varied = _figures(apply_scenario(plan, scenario), amounts["traffic"], amounts.get("budget"))
    return ScenarioOutcome(
        name=scenario.name, base=base, scenario=varied, difference=_difference(base, varied)
    )


def _buys_traffic(plan: Plan) -> bool:
    """True when a budget buys traffic: the plan has a cost, and not a free one."""
    cost = plan.acquisition_cost
    return cost is not None and cost.cost_per_entry > 0


def _figures(plan: Plan, traffic: float, budget: float | None) -> ScenarioFigures:
    backwards = plan_backwards(plan)
    at_budget = None if budget is None else project_forwards(plan, "budget", budget).revenue
    return ScenarioFigures(
        required_traffic=backwards.stages[0].required,
        required_budget=backwards.budget,
        new_customers=backwards.new_customers,
        contribution=backwards.contribution,
        cac=backwards.cac,
        roas=backwards.roas,
        traffic=traffic,
        revenue_at_traffic=project_forwards(plan, "traffic", traffic).revenue,
        budget=budget,
        revenue_at_budget=at_budget,
    )


def _difference(base: ScenarioFigures, varied: ScenarioFigures) -> ScenarioDifference:
    before, after = base.model_dump(), varied.model_dump()
    return ScenarioDifference.model_validate(
        {
            key: None if after[key] is None or before[key] is None else after[key] - before[key]
            for key in before
        }
    )
