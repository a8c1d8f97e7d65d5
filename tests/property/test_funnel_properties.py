"""Properties of the funnel arithmetic that hold for every valid plan.

Plans come from ``plans()``: 2–8 stages with rates in [0.001, 1], target in [1, 1e8], AOV in
[1, 1e4], orders per customer in [1, 5], with or without a cost (per unit or per mille, on
any stage), returning customers and a gross margin.

The planner reads every input as the decimal it was written as and computes exactly, so the
backward counts are checked for equality against an independent calculation in fractions
(``exact_need``), and forward revenue against the target with no tolerance: only a budget,
which is itself a float rounded from an exact amount, may fall short by float rounding.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from planner.errors import PlanInvalid
from planner.funnel import MAX_TRAFFIC, plan_backwards, project_forwards
from planner.models import AcquisitionCost, Period, Plan, ReturningCustomers, Stage
from planner.results import Driver, PlanResult, Projection
from planner.types import MAX_MONEY

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# A budget is the float nearest an exact amount, read back as its shortest decimal: together
# a few units in the last place, at most 2⁻⁵² relative, below the amount the plan needs.
BUDGET_ROUNDING = 2**-52

# Strategies are built once here: building them inside a composite on every draw costs more
# than the planner itself.
rates = st.floats(min_value=0.001, max_value=1)
money = st.floats(min_value=1, max_value=1e4)
targets = st.floats(min_value=1, max_value=1e8)
orders_per_customer = st.floats(min_value=1, max_value=5)
stage_counts = st.integers(min_value=2, max_value=8)
FIRST_START = date(2020, 1, 1)
start_offsets = st.integers(min_value=0, max_value=16 * 365)  # starts from 2020 to 2035
period_lengths = st.integers(min_value=0, max_value=3 * 365)
costs = st.just(0.0) | st.floats(min_value=0.01, max_value=1000)
positive_costs = st.floats(min_value=0.01, max_value=1000)
ways_of_paying = st.sampled_from(["none", "per unit", "per mille"])
margins = st.none() | st.floats(min_value=0, max_value=1)
plan_names = st.sampled_from(["Q1 plan", "Black Friday", "Året 2027 – ÅÄÖ"])
currencies = st.sampled_from(["USD", "EUR", "SAR"])
returning_customers = st.none() | st.builds(
    ReturningCustomers,
    active_customers=st.integers(min_value=0, max_value=1_000_000),
    repeat_purchase_rate=st.floats(min_value=0, max_value=1),
    orders_per_customer=orders_per_customer,
    average_order_value=st.none() | money,
)


def draw_stages(draw: st.DrawFn) -> list[Stage]:
    count = draw(stage_counts)
    return [Stage(name="Stage 0")] + [
        Stage(name=f"Stage {index}", conversion_rate=draw(rates)) for index in range(1, count)
    ]


def draw_cost(draw: st.DrawFn, stages: list[Stage], *, paid: bool) -> AcquisitionCost | None:
    """No cost, a cost per unit or per mille (0 allowed unless ``paid``), on any stage."""
    way = draw(st.sampled_from(["per unit", "per mille"]) if paid else ways_of_paying)
    if way == "none":
        return None
    name = stages[draw(st.integers(min_value=0, max_value=len(stages) - 1))].name
    stage = name.upper() if draw(st.booleans()) else name  # stage names match in any case
    amount = draw(positive_costs if paid else costs)
    if way == "per unit":
        return AcquisitionCost(stage=stage, cost_per_unit=amount)
    return AcquisitionCost(stage=stage, cost_per_mille=amount, click_through_rate=draw(rates))


@st.composite
def plans(draw: st.DrawFn, *, returning: bool = True, paid: bool = False) -> Plan:
    """A valid plan; ``returning=False``: no returning customers; ``paid``: a cost above 0."""
    stages = draw_stages(draw)
    start = FIRST_START + timedelta(days=draw(start_offsets))
    return Plan(
        name=draw(plan_names),
        currency=draw(currencies),
        period=Period(start=start, end=start + timedelta(days=draw(period_lengths))),
        revenue_target=draw(targets),
        average_order_value=draw(money),
        orders_per_customer=draw(orders_per_customer),
        stages=stages,
        acquisition_cost=draw_cost(draw, stages, paid=paid),
        gross_margin=draw(margins),
        returning_customers=draw(returning_customers) if returning else None,
    )


# A realistic amount to project: none, or at least a cent/visitor. (A subnormal budget such as
# 5e-324 makes revenue ÷ budget overflow to inf, which JSON can't carry.)
amounts = st.just(0.0) | st.floats(min_value=0.01, max_value=MAX_MONEY)


def written(value: float) -> Fraction:
    """The decimal a number was written as, by Fraction's own parser: 0.29 → 29/100."""
    return Fraction(repr(value))


@dataclass(frozen=True)
class Need:
    """What a plan needs, worked out in exact fractions independently of ``planner.funnel``."""

    returning_revenue: Fraction
    customers_exact: Fraction  # (target − returning revenue) ÷ (AOV × orders), not rounded
    per_customer: Fraction  # AOV × orders per new customer
    below: list[Fraction]  # per stage: the product of the rates after it (1 for the last)

    @property
    def customers(self) -> int:
        """Whole new customers: the one rounding before the stages."""
        return math.ceil(self.customers_exact)

    def stage(self, index: int) -> Fraction:
        """Units stage ``index`` needs for the whole customers, before its own rounding."""
        return self.customers / self.below[index]


def exact_need(plan: Plan) -> Need:
    returning = Fraction(0)
    base = plan.returning_customers
    if base is not None:
        order_value = base.average_order_value or plan.average_order_value
        returning = (
            base.active_customers
            * written(base.repeat_purchase_rate)
            * written(base.orders_per_customer)
            * written(order_value)
        )
    needed = max(Fraction(0), written(plan.revenue_target) - returning)
    per_customer = written(plan.average_order_value) * written(plan.orders_per_customer)
    rates = [written(rate) for rate in plan.conversion_rates]
    below = [math.prod(rates[index:], start=Fraction(1)) for index in range(len(rates) + 1)]
    return Need(returning, needed / per_customer, per_customer, below)


# --- Backwards: round once ------------------------------------------------------------------


@SETTINGS
@given(plan=plans())
def test_the_top_stage_never_exceeds_its_exact_need_plus_one(plan: Plan) -> None:
    """Sessions ≤ ⌈whole customers ÷ product of all rates⌉ + 1, the need computed in fractions.

    Rounding at every step added up to one unit per stage on the way up (13 sessions for 1
    customer behind seven rates whose product is 0.53); rounding once can't.
    """
    need = exact_need(plan)
    top = plan_backwards(plan).stages[0].required

    assert top <= math.ceil(need.stage(0)) + 1, (top, need.stage(0))


@SETTINGS
@given(plan=plans())
def test_every_stage_is_the_whole_customers_over_the_rates_below_it_rounded_up_once(
    plan: Plan,
) -> None:
    """required_i = ⌈⌈customers⌉ ÷ (r_{i+1} × … × r_last)⌉ exactly.

    So:
    - required_i × that product ≥ the whole customers: each stage alone delivers them;
    - no count exceeds that quotient by a whole unit;
    - counts never grow down the funnel (the products grow, being products of fewer rates ≤ 1).
    """
    need = exact_need(plan)
    result = plan_backwards(plan)
    counts = [stage.required for stage in result.stages]

    assert result.new_customers == counts[-1] == need.customers
    for index, count in enumerate(counts):
        assert count == math.ceil(need.stage(index)), (index, count, need.stage(index))
        assert need.customers <= count * need.below[index] < need.customers + need.below[index]
    assert counts == sorted(counts, reverse=True)


# --- Backwards, then forwards -----------------------------------------------------------------


@SETTINGS
@given(plan=plans())
def test_planned_traffic_projected_forwards_reaches_the_target(plan: Plan) -> None:
    """The plan's own top-stage count reaches the target with no negative gap, not even noise.

    Forward revenue, exactly: F = returning + sessions × P₀ × AOV × orders (P₀ the product of
    all rates); the planner must report the float nearest F, so F ≥ target gives revenue ≥
    target and gap ≥ 0 as floats too. With c the whole customers and v the exact (fractional)
    customers, sessions = ⌈c ÷ P₀⌉ < c ÷ P₀ + 1, so F is less than the revenue of the c whole
    customers plus one session's worth (P₀ × AOV × orders), and overshoots the target by less
    than (c − v) customers' revenue plus that one session's worth; when v is whole (the usual
    case: 120000 ÷ 60), by less than one session's worth. (When returning revenue alone
    passes the target, c = 0 and the overshoot is theirs.) Sessions above 1e12 are refused.
    """
    need = exact_need(plan)
    result = plan_backwards(plan)
    sessions = result.stages[0].required
    if sessions > MAX_TRAFFIC:
        event("plan's traffic above the limit")
        with pytest.raises(PlanInvalid) as raised:
            project_forwards(plan, "traffic", sessions)
        assert raised.value.fields() == {"traffic"}
        return

    projection = project_forwards(plan, "traffic", sessions)

    target = written(plan.revenue_target)
    forward = need.returning_revenue + sessions * need.below[0] * need.per_customer
    whole = need.returning_revenue + need.customers * need.per_customer
    one_session = need.below[0] * need.per_customer
    assert projection.revenue == float(forward)
    assert projection.target_gap == float(forward - target)
    assert projection.target_gap >= 0
    assert projection.revenue >= plan.revenue_target
    assert whole <= forward < whole + one_session
    rounding = (need.customers - need.customers_exact) * need.per_customer
    assert forward - max(target, need.returning_revenue) < rounding + one_session


@SETTINGS
@given(plan=plans(paid=True))
def test_planned_budget_projected_forwards_reaches_the_target(plan: Plan) -> None:
    """The plan's budget buys the paid stage's required count, and downstream follows.

    The budget is the float nearest an exact amount, read back as its shortest decimal, so
    it may sit up to 2⁻⁵² below that amount (``BUDGET_ROUNDING``); the revenue with it.
    A budget above MAX_MONEY is refused.
    """
    assert plan.acquisition_cost is not None
    assert plan.acquisition_cost.cost_per_entry > 0
    result = plan_backwards(plan)
    if result.budget > MAX_MONEY:
        event("plan's budget above the limit")
        with pytest.raises(PlanInvalid) as raised:
            project_forwards(plan, "budget", result.budget)
        assert raised.value.fields() == {"budget"}
        return

    projection = project_forwards(plan, "budget", result.budget)

    assert projection.revenue >= plan.revenue_target * (1 - BUDGET_ROUNDING)
    assert projection.budget == result.budget


# Any amount, any cost down to the smallest float: refused by name, never a crash or an inf.
any_amounts = st.floats(min_value=0, max_value=1e308) | st.sampled_from([1e12, 1e12 + 1e-3])
tiny_costs = st.floats(min_value=0, max_value=1e-290) | st.floats(min_value=0, max_value=1e12)


@SETTINGS
@given(plan=plans(), amount=any_amounts, cost=tiny_costs, data=st.data())
def test_any_amount_is_projected_or_refused_by_name(
    plan: Plan, amount: float, cost: float, data: st.DataObject
) -> None:
    """project_forwards either returns finite results or raises PlanInvalid naming the driver.

    Traffic and budget are limited to 1e12; anything whose results would overflow a float
    (a budget buying 1e300+ units at a near-zero cost) is refused too. The results must be
    JSON with finite numbers only (allow_nan=False refuses inf and nan).
    """
    driver: Driver = data.draw(st.sampled_from(["traffic", "budget"]), label="driver")
    paid = plan.stages[data.draw(st.integers(0, len(plan.stages) - 1), label="paid stage")]
    priced = plan.model_copy(
        update={"acquisition_cost": AcquisitionCost(stage=paid.name, cost_per_unit=cost)}
    )
    if driver == "budget" and cost == 0:
        return  # a free stage: PlannerError "costs nothing", tested in tests/unit
    refused: set[str] = set()
    try:
        projection = project_forwards(priced, driver, amount)
    except PlanInvalid as invalid:
        event(f"{driver} refused")
        refused = invalid.fields()
    if refused:
        assert refused == {driver}
        return
    assert amount <= 1e12
    json.dumps(projection.model_dump(mode="json"), allow_nan=False)


# --- Monotonicity -----------------------------------------------------------------------------


@SETTINGS
@given(plan=plans(), data=st.data())
def test_raising_a_conversion_rate_never_raises_traffic_or_budget(
    plan: Plan, data: st.DataObject
) -> None:
    index = data.draw(st.integers(min_value=1, max_value=len(plan.stages) - 1), label="stage")
    old_rate = plan.stages[index].conversion_rate
    assert old_rate is not None
    new_rate = data.draw(st.floats(min_value=old_rate, max_value=1), label="raised rate")
    stages = list(plan.stages)
    stages[index] = Stage(name=stages[index].name, conversion_rate=new_rate)
    better = Plan.model_validate({**plan.model_dump(), "stages": stages})

    before, after = plan_backwards(plan), plan_backwards(better)

    assert after.stages[0].required <= before.stages[0].required
    assert after.budget <= before.budget
    assert after.new_customers == before.new_customers


# --- Scaling ---------------------------------------------------------------------------------


@SETTINGS
@given(plan=plans(returning=False))
def test_doubling_the_target_doubles_every_requirement_up_to_rounding(plan: Plan) -> None:
    """Exact needs double; only the rounding differs, by less than 2·e_i one way, e_i the other.

    With v the exact customers and P_i the product of the rates after stage i, the count is
    req_i = ⌈⌈v⌉ ÷ P_i⌉, and v ≤ ⌈v⌉ < v + 1 gives v/P_i ≤ req_i < (v + 1)/P_i + 1: it exceeds
    the exact need v_i = v/P_i by less than e_i = 1/P_i + 1 (two roundings, not one a stage).
    For the doubled target the need is v'_i, so req_i(2T) ∈ [v'_i, v'_i + e_i) and
    2·req_i(T) ∈ [2v_i, 2v_i + 2e_i): v'_i − 2v_i − 2e_i < req_i(2T) − 2·req_i(T) <
    v'_i − 2v_i + e_i, checked exactly. v' = 2v unless the doubled float's shortest decimal
    is not twice the target's; no tolerance either way.
    No returning customers: they would subtract a fixed amount, which doesn't double.
    """
    doubled = plan.model_copy(update={"revenue_target": 2 * plan.revenue_target})
    need, need_doubled = exact_need(plan), exact_need(doubled)
    event(
        "doubled need exactly twice"
        if need_doubled.customers_exact == 2 * need.customers_exact
        else "doubled decimal not twice the target's"
    )

    single = [stage.required for stage in plan_backwards(plan).stages]
    double = [stage.required for stage in plan_backwards(doubled).stages]

    for index, (req_t, req_2t) in enumerate(zip(single, double, strict=True)):
        below = need.below[index]
        excess = 1 / below + 1
        shift = (need_doubled.customers_exact - 2 * need.customers_exact) / below
        difference = req_2t - 2 * req_t
        assert shift - 2 * excess < difference < shift + excess, (req_t, req_2t, excess)


# --- Serialisation ---------------------------------------------------------------------------


def round_trips(model: Any) -> None:
    """Validated models compare equal after a JSON round trip."""
    assert type(model).model_validate_json(model.model_dump_json()) == model


def dumps_round_trip(model: PlanResult | Projection) -> None:
    """A result survives a JSON round trip: the same dump, and the same JSON."""
    again = type(model).model_validate_json(model.model_dump_json())
    assert again.model_dump() == model.model_dump()
    assert json.loads(again.model_dump_json()) == json.loads(model.model_dump_json())


@SETTINGS
@given(plan=plans())
def test_plan_and_its_parts_round_trip_through_json(plan: Plan) -> None:
    round_trips(plan)
    round_trips(plan.period)
    for stage in plan.stages:
        round_trips(stage)
    if plan.acquisition_cost is not None:
        round_trips(plan.acquisition_cost)
    if plan.returning_customers is not None:
        round_trips(plan.returning_customers)
    assert Plan.model_validate(plan.model_dump(mode="json")) == plan


@SETTINGS
@given(plan=plans(), traffic=amounts)
def test_results_round_trip_through_json(plan: Plan, traffic: float) -> None:
    result = plan_backwards(plan)
    projection = project_forwards(plan, "traffic", traffic)
    event("covered by returning" if result.covered_by_returning else "needs new customers")

    dumps_round_trip(result)
    dumps_round_trip(projection)


@SETTINGS
@given(plan=plans(paid=True), budget=amounts)
def test_budget_projection_round_trips_through_json(plan: Plan, budget: float) -> None:
    dumps_round_trip(project_forwards(plan, "budget", budget))
