"""The funnel arithmetic, backwards from a revenue target and forwards from traffic or budget.

Model (expected values, one period):
- every input is taken as the decimal it was written as (a rate of 0.29 is exactly 29/100, not
  the binary float nearest to it) and all the arithmetic is exact, in fractions; results become
  floats only at the end, so no count is ever one more or one less because of float noise;
- returning revenue = active customers × repeat share × their orders × their AOV;
- new customers c = ⌈(target − returning revenue) ÷ (AOV × orders per new customer)⌉: whole
  people, rounded up once;
- each earlier stage = ⌈c ÷ the product of the rates from it down to the last stage⌉, rounded
  up once from c rather than stage by stage, so every stage's count, carried through all the
  remaining rates, yields at least c customers in expectation. Each count is rounded on its
  own, so one stage's count × the next rate may fall short of the next stage's count by less
  than one unit (1 customer behind rates 0.9 then 0.6: 2 sessions, since 1 ÷ 0.54 = 1.85, and
  2 product views, since 1 ÷ 0.6 = 1.67; 2 sessions × 0.9 = 1.8 views, enough in expectation);
- budget = units entering the paid stage × cost per unit, or, paying per 1,000 impressions,
  impressions = ⌈units entering the paid stage ÷ CTR⌉ and budget = impressions ÷ 1000 × CPM.

Forwards carries traffic down the funnel, or the units a budget buys at the paid stage up and
down it, at the same exact rates and without rounding. Projecting a backward plan's top-stage
count therefore reaches its target; it exceeds the revenue of the plan's c whole customers by
less than the revenue of one top-stage unit (product of all rates × orders × AOV).

Traffic is limited to 1e12 units and a budget to ``MAX_MONEY``; an amount, or a plan, whose
results would not be finite floats is refused with ``PlanInvalid``, naming the input.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any

from planner.errors import FieldProblem, PlanInvalid, PlannerError
from planner.models import AcquisitionCost, Plan
from planner.period import period_days, period_months, period_weeks
from planner.results import (
    Driver,
    PlanResult,
    Projection,
    ReturningOutcome,
)
from planner.types import MAX_MONEY, OUT_OF_RANGE, format_bound, format_number

MAX_TRAFFIC = 1e12
"""The most units a projection may start from at the first stage."""

_LIMITS: dict[str, float] = {"traffic": MAX_TRAFFIC, "budget": MAX_MONEY}

Exact = Fraction | int


@lru_cache(maxsize=4096)
def exact(value: float) -> Fraction:
    """The decimal ``value`` was written as, exactly: 0.29 → 29/100 (the float is 0.28999…)."""
    return Fraction(*_decimal(value))


def _ceil(value: Exact) -> int:
    """Round up to a whole unit, exactly; nothing below zero."""
    return max(0, math.ceil(value))


@lru_cache(maxsize=4096)
def _decimal(value: float) -> tuple[int, int]:
    """Numerator and denominator of ``exact(value)``, for integer arithmetic."""
    return Decimal(repr(value)).as_integer_ratio()


def stage_reach(rates: Sequence[float]) -> list[tuple[int, int]]:
    """Share of the first stage reaching each stage (1, r₁, r₁·r₂, …) as numerator, denominator.

    Kept as plain integer pairs, not reduced: cheaper than fractions, and exact all the same.
    """
    numerator, denominator = 1, 1
    reach = [(1, 1)]
    for rate in rates:
        rate_numerator, rate_denominator = _decimal(rate)
        numerator *= rate_numerator
        denominator *= rate_denominator
        reach.append((numerator, denominator))
    return reach


def _required(reach: Sequence[tuple[int, int]], customers: int) -> list[int]:
    """⌈customers ÷ (share of stage i that reaches the last stage)⌉ per stage, top first.

    The share is reach[-1] ÷ reach[i], so the count is customers × reach[i] ÷ reach[-1]:
    integer ceil division on numerators and denominators, one rounding per stage.
    """
    last_numerator, last_denominator = reach[-1]
    scaled = customers * last_denominator
    return [-(-(scaled * share_n) // (share_d * last_numerator)) for share_n, share_d in reach]


def required_counts(rates: Sequence[float], customers: int) -> list[int]:
    """Whole counts per stage, top first, for ``customers`` at the last stage."""
    return _required(stage_reach(rates), customers)


# What a result that would not be a finite float is named by, in the message about the input
# that asked for it: a code (for wording in other languages, see ``i18n.domain``) and English.
_QUANTITIES = {
    "new_customers": "new customers",
    "revenue": "revenue",
    "orders": "orders",
    "budget": "budget",
    "impressions": "impressions",
    "new_customer_revenue": "new-customer revenue",
    "returning_customers": "customers of returning customers",
    "returning_orders": "orders of returning customers",
    "returning_revenue": "revenue of returning customers",
    "stage_count": "count of '{stage}'",
    "stage_count_per_month": "count of '{stage}' per month",
}


class _NotFinite(Exception):
    """A result too large for a float; the entry point names the input responsible."""

    def __init__(self, quantity: str, stage: str | None = None) -> None:
        super().__init__(quantity)
        self.quantity = quantity
        self.stage = stage

    def invalid(self, field: str, verb: str) -> PlanInvalid:
        named = _QUANTITIES[self.quantity].format(stage=self.stage)
        message = f"is too large: the {named} it {verb} would not be a finite number"
        context: dict[str, Any] = {"quantity": self.quantity, "verb": verb}
        if self.stage is not None:
            context["stage"] = self.stage
        return PlanInvalid([FieldProblem(field, message, OUT_OF_RANGE, context)])


def _float(value: Exact, quantity: str) -> float:
    """``value`` as the nearest float, or ``_NotFinite`` naming the quantity (a code)."""
    try:
        return float(value)
    except OverflowError:
        raise _NotFinite(quantity) from None


def returning_outcome(plan: Plan) -> ReturningOutcome:
    """Orders and revenue expected from the existing customer base."""
    return ReturningOutcome.model_validate(_floats(_returning(plan), "returning"))


def _returning(plan: Plan) -> dict[str, Exact]:
    base = plan.returning_customers
    if base is None:
        return {"customers": 0, "orders": 0, "revenue": 0}
    customers = base.active_customers * exact(base.repeat_purchase_rate)
    orders = customers * exact(base.orders_per_customer)
    order_value = base.average_order_value or plan.average_order_value
    return {"customers": customers, "orders": orders, "revenue": orders * exact(order_value)}


def _floats(values: dict[str, Exact], prefix: str) -> dict[str, float]:
    return {key: _float(value, f"{prefix}_{key}") for key, value in values.items()}


def plan_backwards(plan: Plan) -> PlanResult:
    """Work from the revenue target back to the count every stage must reach."""
    try:
        return _plan_backwards(plan)
    except _NotFinite as too_large:
        raise too_large.invalid("revenue_target", "needs") from None


def _plan_backwards(plan: Plan) -> PlanResult:
    reach = stage_reach(plan.conversion_rates)
    returning = _returning(plan)
    needed = max(Fraction(0), exact(plan.revenue_target) - returning["revenue"])
    per_customer = exact(plan.average_order_value) * exact(plan.orders_per_customer)
    customers = _ceil(needed / per_customer)
    counts = _required(reach, customers)
    impressions, budget = _spend(plan, counts, whole=True)
    totals, _ = _totals(plan, counts, returning, impressions, budget)
    stages = _stage_rows(plan, counts, totals, count_field="required")
    # One validation of plain data is cheaper than building each nested model in Python.
    return PlanResult.model_validate(
        {
            **totals,
            "stages": stages,
            "new_customer_revenue_needed": _float(needed, "new_customer_revenue"),
            "covered_by_returning": customers == 0,
        }
    )


def project_forwards(plan: Plan, driver: Driver, amount: float) -> Projection:
    """Work forwards from traffic entering the first stage, or from a marketing budget."""
    check_amount(driver, amount)
    try:
        return _project_forwards(plan, driver, amount)
    except _NotFinite as too_large:
        raise too_large.invalid(driver, "buys" if driver == "budget" else "needs") from None


def _project_forwards(plan: Plan, driver: Driver, amount: float) -> Projection:
    reach = stage_reach(plan.conversion_rates)
    if driver == "traffic":
        known_index, known = 0, exact(amount)
    else:
        cost = paid_cost(plan)
        known_index = plan.stage_index(cost.stage)
        known = exact(amount) / cost_per_entry(cost)
    # Stage i holds known × reach[i] ÷ reach[known]: down the funnel × rates, up it ÷ rates.
    known_numerator, known_denominator = reach[known_index]
    scale = known * known_denominator / known_numerator
    counts = [
        Fraction(scale.numerator * share_n, scale.denominator * share_d)
        for share_n, share_d in reach
    ]
    returning = _returning(plan)
    impressions, budget = _spend(plan, counts, whole=False)
    totals, revenue = _totals(plan, counts, returning, impressions, budget)
    stages = _stage_rows(plan, counts, totals, count_field="expected")
    return Projection.model_validate(
        {
            **totals,
            "driver": driver,
            "stages": stages,
            "target_gap": _float(revenue - exact(plan.revenue_target), "revenue"),
        }
    )


def check_amount(driver: Driver, amount: float) -> None:
    """Refuse a forward traffic or budget that is not finite, is negative or is beyond reach."""
    limit = _LIMITS[driver]
    got = format_number(amount)
    context: dict[str, Any] = {"got": amount, "got_text": got}
    if not math.isfinite(amount):
        message = f"must be a finite number, got {got}"
    elif amount < 0:
        message = f"must be ≥ 0, got {got}"
        context |= {"rule": "≥ 0", "ge": 0}
    elif amount > limit:
        message = f"must be ≤ {format_bound(limit)}, got {got}"
        context |= {"rule": f"≤ {format_bound(limit)}", "le": limit}
    else:
        return
    raise PlanInvalid([FieldProblem(driver, message, OUT_OF_RANGE, context)])


def paid_cost(plan: Plan) -> AcquisitionCost:
    """The plan's acquisition cost, or ``PlannerError`` when a budget has nothing to buy."""
    if plan.acquisition_cost is None:
        raise PlannerError(
            "A budget can't be turned into traffic: the plan has no acquisition cost.",
            hint="Add what a visitor, lead or customer costs, or project from traffic instead.",
            code="budget_without_cost",
            hint_code="add_cost_or_use_traffic",
        )
    return plan.acquisition_cost


def cost_per_entry(cost: AcquisitionCost) -> Fraction:
    """What one unit entering the paid stage costs, exactly: the unit cost, or CPM ÷ 1000 ÷ CTR."""
    if cost.cost_per_unit is not None:
        unit_cost = exact(cost.cost_per_unit)
    else:
        unit_cost = exact(cost.cost_per_mille or 0.0) / 1000 / exact(cost.click_through_rate or 1.0)
    if unit_cost == 0:
        raise PlannerError(
            f"Traffic into '{cost.stage}' costs nothing, so a budget buys no more of it.",
            hint="Enter a cost above 0, or project from traffic instead.",
            code="free_traffic",
            hint_code="raise_cost_or_use_traffic",
            params={"stage": cost.stage},
        )
    return unit_cost


def _spend(plan: Plan, counts: Sequence[Exact], *, whole: bool) -> tuple[Exact | None, Exact]:
    """Impressions bought (when paying per mille) and the budget for these counts, exactly."""
    cost = plan.acquisition_cost
    if cost is None:
        return None, 0
    entering = counts[plan.stage_index(cost.stage)]
    if cost.cost_per_unit is not None:
        return None, entering * exact(cost.cost_per_unit)
    impressions: Exact = entering / exact(cost.click_through_rate or 1.0)
    if whole:
        impressions = _ceil(impressions)
    return impressions, impressions * exact(cost.cost_per_mille or 0.0) / 1000


def _ratio(numerator: float, denominator: float) -> float | None:
    """A ratio that exists: none without a denominator, or when it overflows."""
    if denominator <= 0:
        return None
    value = numerator / denominator
    return value if math.isfinite(value) else None


def _totals(
    plan: Plan,
    counts: Sequence[Exact],
    returning: dict[str, Exact],
    impressions: Exact | None,
    budget: Exact,
) -> tuple[dict[str, Any], Exact]:
    """The totals as floats, and the exact revenue (for the target gap)."""
    new_orders = counts[-1] * exact(plan.orders_per_customer)
    new_revenue = new_orders * exact(plan.average_order_value)
    revenue = new_revenue + returning["revenue"]
    new_customers_f = _float(counts[-1], "new_customers")
    new_revenue_f = _float(new_revenue, "revenue")
    revenue_f = _float(revenue, "revenue")
    budget_f = _float(budget, "budget")
    margin = plan.gross_margin
    totals = {
        "currency": plan.currency,
        "revenue_target": plan.revenue_target,
        "returning": _floats(returning, "returning"),
        "new_customers": new_customers_f,
        "new_orders": _float(new_orders, "orders"),
        "orders": _float(new_orders + returning["orders"], "orders"),
        "new_customer_revenue": new_revenue_f,
        "revenue": revenue_f,
        "impressions": None if impressions is None else _float(impressions, "impressions"),
        "budget": budget_f,
        "cac": _ratio(budget_f, new_customers_f) if budget_f > 0 else None,
        "roas": _ratio(new_revenue_f, budget_f),
        "marketing_efficiency": _ratio(revenue_f, budget_f),
        "contribution": None if margin is None else revenue_f * margin - budget_f,
        "period_days": period_days(plan.period),
        "period_weeks": period_weeks(plan.period),
        "period_months": period_months(plan.period),
    }
    return totals, revenue


def _stage_rows(
    plan: Plan, counts: Sequence[Exact], totals: dict[str, Any], count_field: str
) -> list[dict[str, Any]]:
    months, weeks, budget = totals["period_months"], totals["period_weeks"], totals["budget"]
    rows = []
    for stage, count in zip(plan.stages, counts, strict=True):
        try:
            count_f = float(count)
            per_month, per_week = count_f / months, count_f / weeks
        except OverflowError:
            raise _NotFinite("stage_count", stage.name) from None
        if not (math.isfinite(per_month) and math.isfinite(per_week)):
            raise _NotFinite("stage_count_per_month", stage.name)
        rows.append(
            {
                "name": stage.name,
                "conversion_rate": stage.conversion_rate,
                count_field: count if count_field == "required" else count_f,
                "per_month": per_month,
                "per_week": per_week,
                "cost_per_unit": _ratio(budget, count_f) if budget > 0 else None,
            }
        )
    return rows
