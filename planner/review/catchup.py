"""Catch-up: what the rest of the period needs to still reach the target at the observed rates.

Nothing here is a new formula: the need is the plan model's own answer (``plan_backwards``) for
a *catch-up plan* of the remaining days (the day after the as-of date to the period's end):

- target = the plan's target − the actual revenue to date;
- each conversion rate observed where the actuals count the stage and the one above it (the
  plan's otherwise; rates merged across stages the actuals lack keep the plan's);
- orders per customer = new orders ÷ new customers, AOV = new-customer revenue ÷ new orders
  (revenue ÷ (new customers × orders per customer) without orders; the plan's without new
  customers). When the actuals do not split revenue, total revenue per new customer stands for
  it (as in ``planner.review.attribution``) and no returning revenue is planned apart;
- observed values are rounded to ``SIGNIFICANT_DIGITS`` significant digits first, and so is
  the remaining target;
- acquisition cost = observed spend ÷ units entering the paid stage, per unit, when both are
  known (the plan's otherwise);
- returning revenue: its observed daily run-rate × the remaining days, written as one returning
  "customer" buying once at that amount (active 1, repeat share 1, 1 order, AOV = the amount),
  so the plan model expects exactly that revenue. Without a split but with the plan's AOV, the
  plan's returning revenue × remaining days ÷ period days is kept the same way.

An observed value outside what a plan allows (a rate of 0 or above 1, an AOV of 0) falls back to
the plan's and is reported as a note (``observed_value_unusable``).

Weeks are ISO weeks (Monday to Sunday, the first and the last partial); each gets the catch-up
plan's counts × its days ÷ the remaining days.

Levers: each alone, everything else at the observed run-rate. The funnel at the observed
traffic per day (the first stage's, or implied from the top-most known count through the
catch-up plan's rates above it) projected forwards over the remaining days gives new-customer
revenue B; new-customer revenue is linear in each factor, so the one lever must be scaled by
(remaining target − returning revenue) ÷ B. A rate that would need to exceed 1 is not feasible.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

import numpy as np
from pydantic import ValidationError

from planner.base import Model
from planner.errors import PlanInvalid
from planner.funnel import MAX_TRAFFIC, plan_backwards, project_forwards
from planner.models import AcquisitionCost, Period, Plan, ReturningCustomers, Stage
from planner.results import PlanResult
from planner.review.observed import Observed, ReviewNote
from planner.review.pacing import planned_to_date
from planner.types import MAX_MONEY

MIN_MONEY = 0.01
"""The smallest amount a plan takes (``planner.types.Money``'s practical floor)."""
MIN_RATE = 1e-6
"""The smallest rate a plan takes (``planner.types.Rate``'s practical floor)."""
MAX_ORDERS_PER_CUSTOMER = 1000.0
SIGNIFICANT_DIGITS = 12
"""Observed values enter the catch-up plan rounded to this many significant digits: the plan
reads each input as the decimal it is written as, so 0.3999999999999999 (7.6 a day summed over
30 days ÷ 19 a day summed) would otherwise cost one whole extra unit in its exact arithmetic."""
TRAFFIC = "traffic"
ORDER_VALUE = "average_order_value"
ORDERS_PER_CUSTOMER = "orders_per_customer"


class WeekNeed(Model):
    """What one remaining (ISO) week needs: the catch-up plan pro-rated by its days."""

    start: date
    end: date
    days: int
    traffic: float
    new_customers: float
    orders: float
    budget: float | None


class LeverNeed(Model):
    """One lever alone: its observed value and the value that would close the gap by itself."""

    lever: str
    current: float
    needed: float | None
    change: float | None
    feasible: bool


class CatchUp(Model):
    """What the rest of the period needs (see the module docstring)."""

    remaining_target: float
    remaining_days: int
    reached: bool
    plan: Plan | None
    result: PlanResult | None
    weeks: list[WeekNeed]
    levers: list[LeverNeed]
    notes: list[ReviewNote]


def catch_up(plan: Plan, observed: Observed, as_of: date) -> CatchUp:
    """The catch-up plan for the days after ``as_of``, its weekly needs and single levers."""
    remaining_target = significant(plan.revenue_target - float(np.sum(observed.revenue)))
    remaining_days = observed.period_days - observed.elapsed
    empty: dict[str, Any] = {
        "remaining_target": remaining_target,
        "remaining_days": remaining_days,
        "plan": None,
        "result": None,
        "weeks": [],
        "levers": [],
    }
    if remaining_target < MIN_MONEY:
        return CatchUp(reached=True, notes=[], **empty)
    if remaining_days == 0:
        return CatchUp(reached=False, notes=[ReviewNote(code="period_over")], **empty)
    notes: list[ReviewNote] = []
    first = max(as_of, plan.period.start - timedelta(days=1)) + timedelta(days=1)
    try:
        catch_up_plan = _catch_up_plan(plan, observed, first, remaining_target, notes)
        result = plan_backwards(catch_up_plan)
    except (ValidationError, PlanInvalid):
        notes.append(ReviewNote(code="catch_up_out_of_reach", params={"target": remaining_target}))
        return CatchUp(reached=False, notes=notes, **empty)
    return CatchUp(
        remaining_target=remaining_target,
        remaining_days=remaining_days,
        reached=False,
        plan=catch_up_plan,
        result=result,
        weeks=weekly_needs(catch_up_plan, result),
        levers=lever_needs(catch_up_plan, observed),
        notes=notes,
    )


def significant(value: float) -> float:
    """``value`` to ``SIGNIFICANT_DIGITS``: sums of spread-out days leave float noise."""
    return float(f"{value:.{SIGNIFICANT_DIGITS}g}")


def _usable(
    observed_value: float | None, low: float, high: float, field: str, notes: list[ReviewNote]
) -> float | None:
    """The observed value when a plan allows it; None (and a note) when it does not."""
    if observed_value is None:
        return None
    if low <= observed_value <= high and math.isfinite(observed_value):
        return significant(observed_value)
    notes.append(
        ReviewNote(
            code="observed_value_unusable", params={"field": field, "observed": observed_value}
        )
    )
    return None


def _observed_rate(plan: Plan, observed: Observed, index: int) -> float | None:
    above = observed.stage_total(plan.stages[index - 1].name)
    below = observed.stage_total(plan.stages[index].name)
    if above is None or below is None or above <= 0:
        return None
    return below / above


def _catch_up_plan(
    plan: Plan, observed: Observed, first: date, target: float, notes: list[ReviewNote]
) -> Plan:
    stages = [Stage(name=plan.stages[0].name)]
    for index, stage in enumerate(plan.stages[1:], start=1):
        field = f"stages[{index}].conversion_rate"
        rate = _usable(_observed_rate(plan, observed, index), MIN_RATE, 1.0, field, notes)
        stages.append(Stage(name=stage.name, conversion_rate=rate or stage.conversion_rate))
    order_value, orders_per_customer = _order_value(plan, observed, notes)
    data: dict[str, Any] = {
        "name": plan.name,
        "currency": plan.currency,
        "period": Period(start=first, end=plan.period.end),
        "revenue_target": target,
        "average_order_value": order_value or plan.average_order_value,
        "orders_per_customer": orders_per_customer or plan.orders_per_customer,
        "stages": stages,
        "acquisition_cost": _cost(plan, observed, notes),
        "gross_margin": plan.gross_margin,
        "returning_customers": _returning(plan, observed, order_value is not None),
    }
    return Plan.model_validate(data)


def _order_value(
    plan: Plan, observed: Observed, notes: list[ReviewNote]
) -> tuple[float | None, float | None]:
    """Observed AOV and orders per customer; None where unknown or not plannable."""
    customers = observed.stage_total(plan.stages[-1].name)
    if customers is None or customers <= 0:
        return None, None
    new_orders = observed.total(observed.new_orders)
    per_customer = None if new_orders is None else new_orders / customers
    orders_per_customer = _usable(
        per_customer, 1.0, MAX_ORDERS_PER_CUSTOMER, "orders_per_customer", notes
    )
    revenue = observed.total(observed.new_revenue if observed.split else observed.revenue) or 0.0
    value = revenue / (customers * (orders_per_customer or plan.orders_per_customer))
    return _usable(value, MIN_MONEY, MAX_MONEY, "average_order_value", notes), orders_per_customer


def _cost(plan: Plan, observed: Observed, notes: list[ReviewNote]) -> AcquisitionCost | None:
    cost = plan.acquisition_cost
    spend = observed.total(observed.spend)
    if cost is None or spend is None:
        return cost
    entering = observed.stage_total(plan.stages[plan.stage_index(cost.stage)].name)
    if entering is None or entering <= 0:
        return cost
    per_unit = _usable(spend / entering, 0.0, MAX_MONEY, "acquisition_cost.cost_per_unit", notes)
    return cost if per_unit is None else AcquisitionCost(stage=cost.stage, cost_per_unit=per_unit)


def _returning(plan: Plan, observed: Observed, observed_value: bool) -> ReturningCustomers | None:
    """Returning revenue expected over the remaining days, as one customer buying it once."""
    remaining = observed.period_days - observed.elapsed
    if observed.returning_revenue is not None and observed.covered_days:
        per_day = float(np.sum(observed.returning_revenue)) / observed.covered_days
        amount = per_day * remaining
    elif observed_value:  # its revenue per new customer already holds the returning revenue
        return None
    else:
        whole = planned_to_date(plan, 1.0).returning_revenue
        amount = whole * remaining / observed.period_days
    if not MIN_MONEY <= amount <= MAX_MONEY:
        return None
    return ReturningCustomers(
        active_customers=1, repeat_purchase_rate=1.0, orders_per_customer=1.0,
        average_order_value=significant(amount),
    )  # fmt: skip


def weekly_needs(plan: Plan, result: PlanResult) -> list[WeekNeed]:
    """The catch-up plan's counts split over its ISO weeks, by days."""
    total_days = result.period_days
    weeks = []
    start = plan.period.start
    while start <= plan.period.end:
        end = min(start + timedelta(days=6 - start.weekday()), plan.period.end)
        share = ((end - start).days + 1) / total_days
        weeks.append(
            WeekNeed(
                start=start,
                end=end,
                days=(end - start).days + 1,
                traffic=result.stages[0].required * share,
                new_customers=result.new_customers * share,
                orders=result.orders * share,
                budget=None if plan.acquisition_cost is None else result.budget * share,
            )
        )
        start = end + timedelta(days=1)
    return weeks


def observed_traffic_per_day(plan: Plan, observed: Observed) -> float | None:
    """First-stage units per covered day, or implied from the top-most known stage's count."""
    if not observed.covered_days:
        return None
    for index, stage in enumerate(plan.stages):
        count = observed.stage_total(stage.name)
        if count is not None:
            reach = math.prod(plan.conversion_rates[:index])
            return count / reach / observed.covered_days
    return None


def lever_needs(plan: Plan, observed: Observed) -> list[LeverNeed]:
    """Each lever alone (see the module docstring); ``plan`` is the catch-up plan."""
    per_day = observed_traffic_per_day(plan, observed)
    days = observed.period_days - observed.elapsed
    if per_day is None or per_day * days > MAX_TRAFFIC:
        return []
    base = project_forwards(plan, "traffic", per_day * days)
    needed_new = plan.revenue_target - base.returning.revenue
    scale = None
    if base.new_customer_revenue > 0:
        scale = max(0.0, needed_new) / base.new_customer_revenue
    levers = [_lever(TRAFFIC, per_day, scale, MAX_TRAFFIC / days)]
    for index, stage in enumerate(plan.stages[1:], start=1):
        if _observed_rate(plan, observed, index) is not None:
            levers.append(_lever(stage.name, stage.conversion_rate or 0.0, scale, 1.0))
    levers.append(_lever(ORDER_VALUE, plan.average_order_value, scale, MAX_MONEY))
    levers.append(
        _lever(ORDERS_PER_CUSTOMER, plan.orders_per_customer, scale, MAX_ORDERS_PER_CUSTOMER)
    )
    return levers


def _lever(name: str, current: float, scale: float | None, most: float) -> LeverNeed:
    needed = None if scale is None else current * scale
    if scale is None or needed is None or not math.isfinite(needed):  # no revenue to scale
        return LeverNeed(lever=name, current=current, needed=None, change=None, feasible=False)
    return LeverNeed(
        lever=name, current=current, needed=needed, change=scale - 1, feasible=needed <= most
    )
