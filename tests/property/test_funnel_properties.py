"""Properties of the funnel arithmetic that hold for every valid plan.

Plans come from ``plans()``: 2–8 stages with rates in [0.001, 1], target in [1, 1e8], AOV in
[1, 1e4], orders per customer in [1, 5], with or without a cost (per unit or per mille, on
any stage), returning customers and a gross margin.

Float tolerances: ``ceil_count`` treats a value within max(1e-9, 1e-12 × value) of a whole
number as that number (division noise), so a rounded count may sit that far *below* the
exact quotient. Over at most 7 divisions that is a relative shortfall of about 1e-11, which
is why revenue is checked against target × (1 − 1e-9) rather than the target itself.
"""

from __future__ import annotations

import itertools
import json
from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from planner.funnel import plan_backwards, project_forwards
from planner.models import AcquisitionCost, Period, Plan, ReturningCustomers, Stage
from planner.results import PlanResult, Projection
from planner.types import MAX_MONEY

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
REVENUE_SLACK = 1e-9

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


def reaches_target(revenue: float, plan: Plan) -> bool:
    return revenue >= plan.revenue_target * (1 - REVENUE_SLACK)


# --- Backwards, then forwards -----------------------------------------------------------------


@SETTINGS
@given(plan=plans())
def test_planned_traffic_projected_forwards_reaches_the_target(plan: Plan) -> None:
    """Every stage was rounded up, so the plan's own traffic delivers at least the target."""
    result = plan_backwards(plan)
    traffic = result.stages[0].required
    projection = project_forwards(plan, "traffic", traffic)

    assert reaches_target(projection.revenue, plan), (projection.revenue, plan.revenue_target)
    assert projection.target_gap >= -plan.revenue_target * REVENUE_SLACK


@SETTINGS
@given(plan=plans(paid=True))
def test_planned_budget_projected_forwards_reaches_the_target(plan: Plan) -> None:
    """The plan's budget buys the paid stage's required count, and downstream follows."""
    assert plan.acquisition_cost is not None
    assert plan.acquisition_cost.cost_per_entry > 0
    result = plan_backwards(plan)
    projection = project_forwards(plan, "budget", result.budget)

    assert reaches_target(projection.revenue, plan), (projection.revenue, plan.revenue_target)
    assert projection.budget <= result.budget * (1 + 1e-12)


@SETTINGS
@given(plan=plans())
def test_each_required_count_converts_into_the_next(plan: Plan) -> None:
    """required_i × rate_{i+1} ≥ required_{i+1}: the next stage is reachable in expectation.

    Allowed shortfall: ceil_count may return a whole number up to max(1e-9, 1e-12 × value)
    below the quotient it rounds, i.e. max(1e-9 × rate, 1e-12 × required_{i+1}) after
    multiplying back by the rate; 2e-12 leaves room for the division's own rounding.
    """
    result = plan_backwards(plan)
    counts = [stage.required for stage in result.stages]

    pairs = itertools.pairwise(counts)
    for (count, following), rate in zip(pairs, plan.conversion_rates, strict=True):
        shortfall = max(1e-9, 2e-12 * following)
        assert count * rate >= following - shortfall, (count, rate, following)


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


def rounding_excess(rates: list[float]) -> list[float]:
    """Worst-case amount by which each rounded count exceeds its exact value, top first.

    The last stage is ⌈x⌉ < x + 1, so e_last = 1. Going up one stage,
    ⌈c / r⌉ < (v + e) / r + 1 = v / r + (e / r + 1), so e_{i-1} = e_i / r_i + 1.
    """
    excess = [1.0]
    for rate in reversed(rates):
        excess.append(excess[-1] / rate + 1)
    return excess[::-1]


@SETTINGS
@given(plan=plans(returning=False))
def test_doubling_the_target_doubles_every_requirement_up_to_rounding(plan: Plan) -> None:
    """Exact values double; only the rounding differs, by less than 2·e_i one way, e_i the other.

    With v_i the exact (unrounded) requirement for target T, every rounded count satisfies
    v_i ≤ req_i(T) < v_i + e_i (see ``rounding_excess``). The exact requirement for 2T is
    2·v_i, so req_i(2T) ∈ [2v_i, 2v_i + e_i) and 2·req_i(T) ∈ [2v_i, 2v_i + 2e_i); hence
    −2e_i < req_i(2T) − 2·req_i(T) < e_i, and |difference| < 2e_i (tighter than 2e_i + 1).
    Doubling T doubles T ÷ (AOV × orders) exactly in floating point, so only ceil_count's
    noise allowance (relative ~1e-12 a stage, see module docstring) needs extra slack.
    No returning customers: they would subtract a fixed amount, which doesn't double.
    """
    doubled = plan.model_copy(update={"revenue_target": 2 * plan.revenue_target})

    single = [stage.required for stage in plan_backwards(plan).stages]
    double = [stage.required for stage in plan_backwards(doubled).stages]

    excesses = rounding_excess(plan.conversion_rates)
    for req_t, req_2t, excess in zip(single, double, excesses, strict=True):
        difference = req_2t - 2 * req_t
        slack = 1e-9 * req_2t + 1e-6
        assert -2 * excess - slack < difference < excess + slack, (req_t, req_2t, excess)


# --- Serialisation ---------------------------------------------------------------------------


def round_trips(model: Any) -> None:
    """Validated models compare equal after a JSON round trip."""
    assert type(model).model_validate_json(model.model_dump_json()) == model


def dumps_round_trip(model: PlanResult | Projection) -> None:
    """Results are built with model_construct (ints where floats are declared): compare dumps."""
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
