"""The funnel arithmetic, backwards from a revenue target and forwards from traffic or budget.

Model (expected values, one period):
- returning revenue = active customers × repeat share × their orders × their AOV;
- new customers = ⌈(target − returning revenue) ÷ (AOV × orders per new customer)⌉;
- each earlier stage = ⌈next stage ÷ conversion rate into it⌉, so every stage's count,
  converted at its rate, yields at least the next stage's count (achievable in expectation);
- budget = units entering the paid stage × cost per unit (or impressions ÷ 1000 × CPM, with
  impressions = ⌈units ÷ CTR⌉).
Forwards uses the same rates without rounding, so projecting a backward plan's traffic or
budget reaches at least its target.
"""

from __future__ import annotations

import math
from typing import Any

from planner.errors import FieldProblem, PlanInvalid, PlannerError
from planner.models import Plan
from planner.period import period_days, period_months, period_weeks
from planner.results import (
    Driver,
    PlanResult,
    Projection,
    ReturningOutcome,
)
from planner.types import format_number

# Float division leaves noise (145 / 0.29 = 500.00000000000006): a count that close to a whole
# number is that number, not one more. The band grows with the value, as the noise of a chain
# of divisions does, but never past a millionth of a unit, so a real fraction is always
# rounded up however large the count.
_RELATIVE_NOISE = 1e-13
_ABSOLUTE_NOISE = 1e-9
_LARGEST_NOISE = 1e-6


def ceil_count(value: float) -> int:
    """Round a required count up to a whole unit, ignoring float noise."""
    if value <= 0:
        return 0
    nearest = round(value)
    noise = max(_ABSOLUTE_NOISE, min(_LARGEST_NOISE, _RELATIVE_NOISE * value))
    if abs(value - nearest) <= noise:
        return int(nearest)
    return math.ceil(value)


def required_counts(rates: list[float], customers: int) -> list[int]:
    """Whole counts per stage, top first, for ``customers`` at the last stage."""
    counts = [customers]
    for rate in reversed(rates):
        counts.append(ceil_count(counts[-1] / rate))
    return counts[::-1]


def expected_counts(rates: list[float], known_index: int, known_count: float) -> list[float]:
    """Counts per stage in expectation, given the count at one stage."""
    counts = [0.0] * (len(rates) + 1)
    counts[known_index] = known_count
    for index in range(known_index + 1, len(counts)):
        counts[index] = counts[index - 1] * rates[index - 1]
    for index in range(known_index - 1, -1, -1):
        counts[index] = counts[index + 1] / rates[index]
    return counts


def returning_outcome(plan: Plan) -> ReturningOutcome:
    """Orders and revenue expected from the existing customer base."""
    return ReturningOutcome.model_validate(_returning(plan))


def _returning(plan: Plan) -> dict[str, float]:
    base = plan.returning_customers
    if base is None:
        return {"customers": 0.0, "orders": 0.0, "revenue": 0.0}
    customers = base.active_customers * base.repeat_purchase_rate
    orders = customers * base.orders_per_customer
    order_value = base.average_order_value or plan.average_order_value
    return {"customers": customers, "orders": orders, "revenue": orders * order_value}


def plan_backwards(plan: Plan) -> PlanResult:
    """Work from the revenue target back to the count every stage must reach."""
    returning = _returning(plan)
    needed = max(0.0, plan.revenue_target - returning["revenue"])
    customers = ceil_count(needed / (plan.average_order_value * plan.orders_per_customer))
    counts = required_counts(plan.conversion_rates, customers)
    impressions, budget = _spend(plan, counts, whole=True)
    totals = _totals(plan, counts, returning, impressions, budget)
    stages = _stage_rows(plan, counts, budget, totals, count_field="required")
    # One validation of plain data is cheaper than building each nested model in Python.
    return PlanResult.model_validate(
        {
            **totals,
            "stages": stages,
            "new_customer_revenue_needed": needed,
            "covered_by_returning": customers == 0,
        }
    )


def project_forwards(plan: Plan, driver: Driver, amount: float) -> Projection:
    """Work forwards from traffic entering the first stage, or from a marketing budget."""
    _check_amount(driver, amount)
    if driver == "traffic":
        counts = expected_counts(plan.conversion_rates, 0, amount)
    else:
        paid_index = plan.stage_index(_paid_stage(plan))
        counts = expected_counts(plan.conversion_rates, paid_index, _units_for_budget(plan, amount))
    returning = _returning(plan)
    impressions, budget = _spend(plan, counts, whole=False)
    totals = _totals(plan, counts, returning, impressions, budget)
    stages = _stage_rows(plan, counts, budget, totals, count_field="expected")
    return Projection.model_validate(
        {
            **totals,
            "driver": driver,
            "stages": stages,
            "target_gap": totals["revenue"] - plan.revenue_target,
        }
    )


def _check_amount(driver: Driver, amount: float) -> None:
    if not math.isfinite(amount):
        message = f"must be a finite number, got {format_number(amount)}"
    elif amount < 0:
        message = f"must be ≥ 0, got {format_number(amount)}"
    else:
        return
    raise PlanInvalid([FieldProblem(driver, message, "out_of_range")])


def _paid_stage(plan: Plan) -> str:
    if plan.acquisition_cost is None:
        raise PlannerError(
            "A budget can't be turned into traffic: the plan has no acquisition cost.",
            hint="Add what a visitor, lead or customer costs, or project from traffic instead.",
        )
    return plan.acquisition_cost.stage


def _units_for_budget(plan: Plan, budget: float) -> float:
    unit_cost = plan.acquisition_cost.cost_per_entry if plan.acquisition_cost else 0.0
    if unit_cost == 0:
        raise PlannerError(
            f"Traffic into '{_paid_stage(plan)}' costs nothing, so a budget buys no more of it.",
            hint="Enter a cost above 0, or project from traffic instead.",
        )
    return budget / unit_cost


def _spend(plan: Plan, counts: list[Any], *, whole: bool) -> tuple[float | None, float]:
    """Impressions bought (when paying per mille) and the budget for these counts."""
    cost = plan.acquisition_cost
    if cost is None:
        return None, 0.0
    entering = counts[plan.stage_index(cost.stage)]
    if cost.cost_per_unit is not None:
        return None, entering * cost.cost_per_unit
    impressions = entering / (cost.click_through_rate or 1.0)
    if whole:
        impressions = ceil_count(impressions)
    return impressions, impressions * (cost.cost_per_mille or 0.0) / 1000


def _ratio(numerator: float, denominator: float) -> float | None:
    """A ratio that exists: none without a denominator, or when it overflows."""
    if denominator <= 0:
        return None
    value = numerator / denominator
    return value if math.isfinite(value) else None


def _totals(
    plan: Plan,
    counts: list[Any],
    returning: dict[str, float],
    impressions: float | None,
    budget: float,
) -> dict[str, Any]:
    new_customers = counts[-1]
    new_orders = new_customers * plan.orders_per_customer
    new_revenue = new_orders * plan.average_order_value
    revenue = new_revenue + returning["revenue"]
    margin = plan.gross_margin
    return {
        "currency": plan.currency,
        "revenue_target": plan.revenue_target,
        "returning": returning,
        "new_customers": new_customers,
        "new_orders": new_orders,
        "orders": new_orders + returning["orders"],
        "new_customer_revenue": new_revenue,
        "revenue": revenue,
        "impressions": impressions,
        "budget": budget,
        "cac": _ratio(budget, new_customers) if budget > 0 else None,
        "roas": _ratio(new_revenue, budget),
        "marketing_efficiency": _ratio(revenue, budget),
        "contribution": None if margin is None else revenue * margin - budget,
        "period_days": period_days(plan.period),
        "period_weeks": period_weeks(plan.period),
        "period_months": period_months(plan.period),
    }


def _stage_rows(
    plan: Plan, counts: list[Any], budget: float, totals: dict[str, Any], count_field: str
) -> list[dict[str, Any]]:
    months, weeks = totals["period_months"], totals["period_weeks"]
    return [
        {
            "name": stage.name,
            "conversion_rate": stage.conversion_rate,
            count_field: count,
            "per_month": count / months,
            "per_week": count / weeks,
            "cost_per_unit": _ratio(budget, count) if budget > 0 else None,
        }
        for stage, count in zip(plan.stages, counts, strict=True)
    ]
