"""Why revenue is off plan: the gap to date split into the funnel's drivers (LMDI-I).

New-customer revenue is a product of factors,
R = T × r₁ × … × r_k × orders per customer × AOV (T the first stage's count, rᵢ the conversion
into stage i). Between the plan to date (R₀) and the actuals (R₁) the log-mean Divisia index,
method I (Ang 2004, "Decomposition analysis for policymaking in energy"), gives each factor x
the share

    ΔR_x = L(R₁, R₀) × ln(x₁ ÷ x₀),  L(a, b) = (a − b) ÷ (ln a − ln b),  L(a, a) = a,

and the shares add up to R₁ − R₀ exactly (Σ ln(x₁/x₀) = ln(R₁/R₀)), whatever the order of the
factors: each share depends on its own factor and on the two totals only. L is computed as
√(ab) × sinh(u) ÷ u with u = ½ ln(a/b), which stays accurate when a and b are close.

The factors come from the chain of counts the actuals know, top first: the first known stage
count, then each known stage's count ÷ the previous known one (a conversion; across stages
the actuals lack, the conversions are merged into one factor named by the lower known stage),
then new orders ÷ new customers (when the actuals give new orders and the last stage), then
revenue ÷ the last count (the order value). Because the factors telescope, their product is
the revenue on each side. Drivers are named:

- "traffic": the first stage's count (when the actuals lack the first stage, the top-most
  known stage's count, named by that stage);
- one per known conversion, by the name of the stage it converts into;
- "orders_per_customer": new orders ÷ new customers;
- "average_order_value": new-customer revenue ÷ new orders (÷ the last known count without
  orders). When the actuals do not split new and returning revenue, *total* revenue per new
  order is the order value on both sides (planned: planned revenue to date ÷ planned new
  orders to date), so the parts still add up to the whole gap;
- "revenue": the one driver when the actuals know no stage count at all;
- "returning_customers": actual − planned returning revenue, added as is, when revenue is split.

Zeros (a stage that counted nobody, a plan that returning customers cover alone) have no
logarithm: following Ang & Liu (2007, "Handling zero values in the LMDI decomposition"), each
zero becomes ``DELTA``; the shares converge as δ → 0 and never become NaN. A negative revenue
(refunds beyond sales) is taken as δ in the logs too, and whatever the logs cannot carry (that
negative amount, and float rounding) is added to the order value's share, so the parts always
add up to the gap.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from planner.base import Model
from planner.models import Plan
from planner.review.observed import Observed
from planner.review.pacing import Planned

DELTA = 1e-30
"""What a zero becomes inside a logarithm (Ang & Liu 2007 suggest 1e-10 to 1e-20 or smaller)."""

TRAFFIC = "traffic"
ORDERS_PER_CUSTOMER = "orders_per_customer"
ORDER_VALUE = "average_order_value"
RETURNING = "returning_customers"
REVENUE = "revenue"
"""The one driver when the actuals know no count at all: the revenue itself."""


class Attribution(Model):
    """One driver's share of the revenue gap to date (negative: it cost revenue)."""

    driver: str
    amount: float


def log_mean(a: float, b: float) -> float:
    """L(a, b) = (a − b) ÷ (ln a − ln b), L(a, a) = a; zeros count as ``DELTA``."""
    return _log_mean_of_logs(_log(a), _log(b))


def _log(value: float) -> float:
    return math.log(max(value, DELTA))


def _log_mean_of_logs(log_a: float, log_b: float) -> float:
    half = (log_a - log_b) / 2
    middle = math.exp((log_a + log_b) / 2)
    return middle if half == 0 else middle * math.sinh(half) / half


def lmdi(factors: Sequence[tuple[str, float, float]]) -> list[Attribution]:
    """LMDI-I shares of the change in a product of factors ``(name, before, after)``."""
    names = [name for name, _, _ in factors]
    before = [_log(value) for _, value, _ in factors]
    after = [_log(value) for _, _, value in factors]
    return _shares(names, before, after)


def _shares(
    names: Sequence[str], before: Sequence[float], after: Sequence[float]
) -> list[Attribution]:
    """Shares from each factor's log before and after."""
    changes = [new - old for old, new in zip(before, after, strict=True)]
    weight = _log_mean_of_logs(math.fsum(after), math.fsum(before))
    return [
        Attribution(driver=name, amount=weight * change)
        for name, change in zip(names, changes, strict=True)
    ]


def chain_shares(chain: Sequence[tuple[str, float, float]]) -> list[Attribution]:
    """LMDI-I shares for a telescoping chain of amounts ``(driver, planned, actual)``, top first.

    The first driver's factor is its amount; each later one's is its amount ÷ the one above,
    so the factors multiply to the last amount on each side.
    """
    names = [name for name, _, _ in chain]
    before = _ratios_in_logs([planned for _, planned, _ in chain])
    after = _ratios_in_logs([actual for _, _, actual in chain])
    return _shares(names, before, after)


def _ratios_in_logs(amounts: Sequence[float]) -> list[float]:
    logs = [_log(amount) for amount in amounts]
    return [logs[0]] + [below - above for above, below in itertools.pairwise(logs)]


def revenue_chain(
    plan: Plan, planned: Planned, observed: Observed
) -> list[tuple[str, float, float]]:
    """The drivers' amounts, planned and actual, top first (see the module docstring)."""
    chain: list[tuple[str, float, float]] = []
    first = plan.stages[0].name
    for stage in plan.stages:
        actual = observed.stage_total(stage.name)
        if actual is not None:
            driver = TRAFFIC if stage.name == first else stage.name
            chain.append((driver, planned.stages[stage.name], actual))
    new_orders = observed.total(observed.new_orders)
    if new_orders is not None and plan.stages[-1].name in observed.stages:
        chain.append((ORDERS_PER_CUSTOMER, planned.new_orders, new_orders))
    if observed.split:
        chain.append(
            (ORDER_VALUE, planned.new_revenue, observed.total(observed.new_revenue) or 0.0)
        )
    else:
        chain.append((ORDER_VALUE, planned.revenue, float(observed.revenue.sum())))
    if len(chain) == 1:  # no count known: the revenue is its own and only factor
        chain[0] = (REVENUE, *chain[0][1:])
    return chain


def attribute(plan: Plan, planned: Planned, observed: Observed) -> list[Attribution]:
    """The revenue gap to date (actual − planned revenue) split by driver; the parts add up."""
    chain = revenue_chain(plan, planned, observed)
    parts = chain_shares(chain)
    _, planned_value, actual_value = chain[-1]
    # What the logs could not carry (a negative revenue, float rounding) goes to order value.
    left = (actual_value - planned_value) - math.fsum(part.amount for part in parts)
    last = parts[-1]
    parts[-1] = Attribution(driver=last.driver, amount=last.amount + left)
    if observed.split:
        returning = observed.total(observed.returning_revenue) or 0.0
        parts.append(Attribution(driver=RETURNING, amount=returning - planned.returning_revenue))
    return to_the_cent(parts, math.fsum(part.amount for part in parts))


def to_the_cent(parts: Sequence[Attribution], gap: float) -> list[Attribution]:
    """The parts rounded to the cent, the rounding left on the largest, so they still add up.

    The logs leave float dust (−5999.999999999993 for −6,000, 1e-12 for nothing) that a
    reader should not see; what rounding moves is at most half a cent a part.
    """
    if not parts:
        return []
    rounded = [
        Attribution(driver=part.driver, amount=round(part.amount, 2) + 0.0) for part in parts
    ]
    left = gap - math.fsum(part.amount for part in rounded)
    largest = max(range(len(rounded)), key=lambda index: abs(rounded[index].amount))
    kept = rounded[largest]
    rounded[largest] = Attribution(driver=kept.driver, amount=kept.amount + left)
    return rounded


def largest_first(parts: Sequence[Attribution]) -> list[Attribution]:
    """The parts by size of their effect, largest first: what a one-line summary words."""
    return sorted(parts, key=lambda part: abs(part.amount), reverse=True)
