"""The plan a user writes: inputs only, validated on the way in.

A plan is a frozen pydantic model, so it can be hashed for caching, serialised to the plan
file, and never holds an invalid value. Cross-field rules (the first stage takes no rate,
stage names are unique, the cost is attached to an existing stage) are checked after the
fields, and each failure names the field it belongs to (see ``planner.errors``).
"""

from __future__ import annotations

import itertools
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from planner.base import Model, RuleProblem, rules_error
from planner.scenarios.inputs import MAX_SCENARIOS, MAX_UNCERTAIN, Scenario, Uncertain
from planner.types import (
    Cost,
    Count,
    CurrencyCode,
    Money,
    Name,
    Notes,
    OrdersPerCustomer,
    PlanDate,
    Rate,
    Share,
)

MIN_STAGES = 2
MAX_STAGES = 8
MAX_PERIOD_YEARS = 3
PLAN_SCHEMA_VERSION: Literal[3] = 3


def _stage_count(stages: Any) -> Any:
    """Refuse a wrong number of stages before validating each one (100 stages, 1 message)."""
    if isinstance(stages, list) and not MIN_STAGES <= len(stages) <= MAX_STAGES:
        raise PydanticCustomError(
            "stage_count",
            "must have {low} to {high} stages, got {got}",
            {"low": MIN_STAGES, "high": MAX_STAGES, "got": len(stages)},
        )
    return stages


class Period(Model):
    """The planning period, both days included."""

    start: PlanDate = Field(description="First day of the period (YYYY-MM-DD, years 1900–2199).")
    end: PlanDate = Field(
        description="Last day of the period, included (YYYY-MM-DD, years 1900–2199)."
    )

    @model_validator(mode="after")
    def _end_not_before_start(self) -> Period:
        if self.end < self.start:
            start, end = self.start.isoformat(), self.end.isoformat()
            message = f"must be on or after start ({start}), got {end}"
            dates = {"start": start, "end": end}
            raise rules_error([RuleProblem("end", "end_before_start", message, dates)])
        if (self.end - self.start).days > MAX_PERIOD_YEARS * 366:
            message = f"a period may last at most {MAX_PERIOD_YEARS} years"
            years = {"years": MAX_PERIOD_YEARS}
            raise rules_error([RuleProblem("end", "period_too_long", message, years)])
        return self


class Stage(Model):
    """One step of the funnel; its rate is the share of the previous stage that reaches it."""

    name: Name = Field(description="Stage name as the team says it, e.g. 'Add to cart'.")
    conversion_rate: Rate | None = Field(
        default=None,
        description="Share of the previous stage that reaches this one (0.12 = 12%). "
        "The first stage has none.",
    )


class AcquisitionCost(Model):
    """What it costs to bring one unit into a stage, bought directly or through impressions.

    Either ``cost_per_unit`` (CAC on the last stage, cost per lead, cost per visitor/click), or
    ``cost_per_mille`` with ``click_through_rate``: impressions × CTR enter the stage, so a unit
    costs CPM ÷ 1000 ÷ CTR.
    """

    stage: Name = Field(description="Name of the stage whose entries are paid for.")
    cost_per_unit: Cost | None = Field(
        default=None, description="Cost of each unit entering the stage."
    )
    cost_per_mille: Cost | None = Field(
        default=None, description="Cost per 1,000 impressions (CPM); needs click_through_rate."
    )
    click_through_rate: Rate | None = Field(
        default=None, description="Share of impressions that enter the stage (0.012 = 1.2%)."
    )

    @model_validator(mode="after")
    def _one_way_of_paying(self) -> AcquisitionCost:
        by_unit = self.cost_per_unit is not None
        by_impression = self.cost_per_mille is not None or self.click_through_rate is not None
        if by_unit and by_impression:
            message = (
                "give either cost_per_unit or cost_per_mille with click_through_rate, not both"
            )
            raise rules_error([RuleProblem("cost_per_unit", "cost_both_ways", message)])
        if not by_unit and not by_impression:
            message = "required (or cost_per_mille with click_through_rate)"
            raise rules_error([RuleProblem("cost_per_unit", "cost_missing", message)])
        for field in ("cost_per_mille", "click_through_rate"):
            if by_impression and getattr(self, field) is None:
                message = "required when paying per 1,000 impressions"
                raise rules_error([RuleProblem(field, "impression_cost_missing", message)])
        return self

    @property
    def paid_per_impression(self) -> bool:
        """True when the cost is given per 1,000 impressions."""
        return self.cost_per_unit is None

    @property
    def cost_per_entry(self) -> float:
        """What one unit entering the stage costs: the unit cost, or CPM ÷ 1000 ÷ CTR."""
        if self.cost_per_unit is not None:
            return self.cost_per_unit
        return (self.cost_per_mille or 0.0) / 1000 / (self.click_through_rate or 1.0)


class ReturningCustomers(Model):
    """Customers already won, some of whom buy again within the period."""

    active_customers: Count = Field(
        default=0, description="Active customer base at the start of the period."
    )
    repeat_purchase_rate: Share = Field(
        default=0.0, description="Share of them expected to buy again within the period."
    )
    orders_per_customer: OrdersPerCustomer = Field(
        default=1.0, description="Orders each returning buyer places within the period."
    )
    average_order_value: Money | None = Field(
        default=None, description="Their average order value; the plan's AOV when omitted."
    )


class Plan(Model):
    """A revenue goal for a period and the funnel that must deliver it."""

    schema_version: Literal[3] = Field(
        default=PLAN_SCHEMA_VERSION,
        description="Version of the plan-file format; older files are migrated when read.",
    )
    name: Name = Field(default="Untitled plan", description="Name shown on the plan.")
    description: Notes = Field(
        default="", description="What the plan assumes or was agreed for, in a few lines."
    )
    currency: CurrencyCode = "USD"
    period: Period
    revenue_target: Money = Field(description="Revenue to reach within the period.")
    average_order_value: Money = Field(description="Average order value of new customers.")
    orders_per_customer: OrdersPerCustomer = Field(
        default=1.0, description="Orders each new customer places within the period."
    )
    stages: Annotated[list[Stage], BeforeValidator(_stage_count)] = Field(
        description=f"The funnel, top first: {MIN_STAGES} to {MAX_STAGES} stages. "
        "The last stage counts new customers."
    )
    acquisition_cost: AcquisitionCost | None = Field(
        default=None, description="What traffic costs; no budget is planned when omitted."
    )
    gross_margin: Share | None = Field(
        default=None, description="Gross margin on revenue (0.4 = 40%), for contribution."
    )
    returning_customers: ReturningCustomers | None = Field(
        default=None, description="Repeat buyers whose revenue counts towards the target."
    )
    scenarios: list[Scenario] = Field(
        default_factory=list,
        max_length=MAX_SCENARIOS,
        description=f"Up to {MAX_SCENARIOS} what-if scenarios, each a named list of overrides "
        "of this plan's inputs; what a scenario does not override follows the plan. Stages "
        "and costs they name are checked when a scenario is worked out.",
    )
    uncertainty: list[Uncertain] = Field(
        default_factory=list,
        max_length=MAX_UNCERTAIN,
        description="Inputs known only as a range or as counts observed, drawn afresh in every "
        "trial of the simulation; checked against the plan when it is simulated.",
    )

    @model_validator(mode="after")
    def _funnel_rules(self) -> Plan:
        problems = _rate_problems(self.stages)
        problems += _duplicate_name_problems(self.stages)
        problems += _acquisition_stage_problems(self.acquisition_cost, self.stages)
        problems += _duplicate_scenario_problems(self.scenarios)
        if problems:
            raise rules_error(problems)
        return self

    @property
    def conversion_rates(self) -> list[float]:
        """Rates into stages 1..n-1, in funnel order."""
        return [stage.conversion_rate or 0.0 for stage in self.stages[1:]]

    def stage_index(self, name: str) -> int:
        """Position of the stage called ``name`` (case-insensitive)."""
        wanted = name.casefold()
        return next(i for i, stage in enumerate(self.stages) if stage.name.casefold() == wanted)


def _rate_problems(stages: list[Stage]) -> list[RuleProblem]:
    problems = []
    if stages and stages[0].conversion_rate is not None:
        first = stages[0].name
        problems.append(
            RuleProblem(
                "stages[0].conversion_rate",
                "first_stage_rate",
                f"the first stage ('{first}') has no previous stage, so it takes no rate",
                {"stage": first},
            )
        )
    for index, (before, stage) in enumerate(itertools.pairwise(stages), start=1):
        if stage.conversion_rate is None:
            problems.append(
                RuleProblem(
                    f"stages[{index}].conversion_rate",
                    "rate_missing",
                    f"required: the share of '{before.name}' that reaches '{stage.name}'",
                    {"before": before.name, "stage": stage.name},
                )
            )
    return problems


def _duplicate_name_problems(stages: list[Stage]) -> list[RuleProblem]:
    return [
        RuleProblem(
            f"stages[{index}].name",
            "duplicate_name",
            f"'{name}' is already the name of stages[{first}]; stage names must be unique",
            {"name": name, "index": first},
        )
        for index, first, name in _repeated_names([stage.name for stage in stages])
    ]


def _repeated_names(names: list[str]) -> list[tuple[int, int, str]]:
    """(position, position of its first use, name) of each name used before (any case)."""
    first_seen: dict[str, int] = {}
    repeated = []
    for index, name in enumerate(names):
        key = name.casefold()
        if key in first_seen:
            repeated.append((index, first_seen[key], name))
        first_seen.setdefault(key, index)
    return repeated


def _acquisition_stage_problems(
    cost: AcquisitionCost | None, stages: list[Stage]
) -> list[RuleProblem]:
    known = {stage.name.casefold() for stage in stages}
    if cost is None or not stages or cost.stage.casefold() in known:
        return []
    names = tuple(dict.fromkeys(stage.name for stage in stages))
    listed = ", ".join(f"'{name}'" for name in names)
    return [
        RuleProblem(
            "acquisition_cost.stage",
            "unknown_paid_stage",
            f"'{cost.stage}' is not a stage; use one of {listed}",
            {"stage": cost.stage, "stages": names},
        )
    ]


def _duplicate_scenario_problems(scenarios: list[Scenario]) -> list[RuleProblem]:
    return [
        RuleProblem(
            f"scenarios[{index}].name",
            "duplicate_scenario_name",
            f"'{name}' is already the name of scenarios[{first}]; scenario names must be unique",
            {"name": name, "index": first},
        )
        for index, first, name in _repeated_names([scenario.name for scenario in scenarios])
    ]
