"""Invariants of the review for any input hypothesis finds.

- LMDI-I: for any positive factors, the parts add up to the change in their product (oracle:
  the product computed directly), and reordering the factors changes no part;
- the review's attribution adds up to its revenue gap (oracle: actual − planned revenue to
  date), zeros included;
- catch-up: the catch-up plan's traffic projected forwards reaches the remaining target, and
  every feasible single lever, set alone, projects to the remaining target.
"""

from __future__ import annotations

import math
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.funnel import project_forwards
from planner.review import lmdi, review
from planner.review.catchup import catch_up
from planner.review.observed import observe
from tests.unit.test_review import Q1_START, actuals, daily_rows, tiny_plan
from tests.unit.test_review_catchup import lever_plan

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
positive = st.floats(min_value=1e-3, max_value=1e4)
factors = st.lists(st.tuples(positive, positive), min_size=1, max_size=8)
counts = st.floats(min_value=0, max_value=500)
money = st.floats(min_value=0, max_value=5000)
AS_OF = date(2027, 1, 20)


@SETTINGS
@given(factors, st.randoms(use_true_random=False))
def test_lmdi_parts_add_up_in_any_order(values: list[tuple[float, float]], random: object) -> None:
    named = [(f"x{index}", before, after) for index, (before, after) in enumerate(values)]
    parts = {part.driver: part.amount for part in lmdi(named)}
    change = math.prod(after for _, _, after in named) - math.prod(b for _, b, _ in named)
    scale = math.prod(max(b, a) for _, b, a in named)
    assert math.fsum(parts.values()) == pytest.approx(change, rel=1e-9, abs=1e-12 * scale)
    shuffled = list(named)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    again = {part.driver: part.amount for part in lmdi(shuffled)}
    assert again == pytest.approx(parts, rel=1e-12, abs=1e-12 * scale)


@SETTINGS
@given(
    visitors=counts,
    cart_share=st.floats(min_value=0, max_value=1),
    customer_share=st.floats(min_value=0, max_value=1),
    revenue=money,
    returning=st.none() | money,
)
def test_attribution_adds_up_to_the_gap(
    visitors: float,
    cart_share: float,
    customer_share: float,
    revenue: float,
    returning: float | None,
) -> None:
    carts = visitors * cart_share
    measures = {"revenue": revenue + (returning or 0.0)}
    if returning is not None:
        measures["returning_revenue"] = returning
    stages = {"Visitors": visitors, "Carts": carts, "Customers": carts * customer_share}
    data = daily_rows(20, Q1_START, stages, dict(measures))
    result = review(tiny_plan(), data, AS_OF, trials=20)
    total = math.fsum(part.amount for part in result.attribution)
    assert total == pytest.approx(result.revenue_gap, rel=1e-9, abs=1e-6)


@SETTINGS
@given(
    visitors=st.floats(min_value=20, max_value=500),
    cart_rate=st.floats(min_value=0.01, max_value=0.5),
    customer_rate=st.floats(min_value=0.05, max_value=0.9),
    order_value=st.floats(min_value=10, max_value=300),
)
def test_catch_up_reaches_the_remaining_target(
    visitors: float, cart_rate: float, customer_rate: float, order_value: float
) -> None:
    customers = visitors * cart_rate * customer_rate
    data = actuals(
        20,
        stages={"Visitors": visitors, "Carts": visitors * cart_rate, "Customers": customers},
        revenue=customers * order_value,
    )
    plan = tiny_plan()
    needs = catch_up(plan, observe(plan, data, AS_OF), AS_OF)
    if needs.reached:
        return
    assert needs.plan is not None
    assert needs.result is not None
    traffic = needs.result.stages[0].required
    projected = project_forwards(needs.plan, "traffic", traffic)
    assert projected.revenue >= needs.remaining_target * (1 - 1e-12)
    days = needs.remaining_days
    for lever in needs.levers:
        if not lever.feasible or lever.needed is None or lever.needed == 0:
            continue
        if lever.lever == "traffic":
            at = project_forwards(needs.plan, "traffic", lever.needed * days)
        elif lever.lever == "orders_per_customer" and lever.needed < 1:
            continue  # below one order per customer is no plan
        else:
            at = project_forwards(
                lever_plan(needs.plan, lever.lever, lever.needed),
                "traffic",
                visitors * days,
            )
        assert at.revenue == pytest.approx(needs.remaining_target, rel=1e-9)
