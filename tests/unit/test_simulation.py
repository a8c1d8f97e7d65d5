"""The Monte Carlo engine of issue 7, checked against numbers worked without it.

Where each expected number comes from is said beside it: worked by hand, a scipy closed form
(the binomial tail ``binom.sf``), or a brute-force sum over every outcome. A simulated share
is compared within 4 standard errors of the true probability P: SE = √(P(1 − P) ÷ trials),
the binomial standard error of a share of independent trials (a false alarm about once in
16,000 runs). A simulated mean of customers: SE = √(T·p·(1 − p) ÷ trials), the binomial
variance of customers from T units at reach p, over the trials. Seeds are fixed, so every run
of this file draws the same numbers.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Callable
from datetime import date

import numpy as np
import pytest
from scipy.stats import binom

from i18n.domain import problem_line
from planner.errors import PlanInvalid, PlannerError
from planner.funnel import MAX_TRAFFIC, plan_backwards, project_forwards
from planner.models import AcquisitionCost, Period, Plan, ReturningCustomers, Stage
from planner.presets import demo_plan
from planner.scenarios import (
    MAX_SEED,
    MAX_TRIALS,
    Range,
    TrialInputs,
    Uncertain,
    run_simulation,
    simulate,
)
from planner.scenarios import simulation as engine

TRIALS = 10_000  # SE of a share ≤ 0.005: a wrong rounding (±1 customer) moves P by ~0.04
SEED, OTHER_SEED = 20_270_101, 7


def small_plan(**changes: object) -> Plan:
    """Visitors → Leads (10%) → Customers (50%): reach p = 0.05; $100 orders, $10,000 target.

    By hand: 100 customers needed, 100 ÷ 0.05 = 2,000 visitors planned; $0.50 a visitor.
    """
    fields: dict[str, object] = {
        "name": "Small funnel",
        "period": Period(start=date(2027, 1, 1), end=date(2027, 1, 31)),
        "revenue_target": 10_000,
        "average_order_value": 100,
        "stages": [
            Stage(name="Visitors"),
            Stage(name="Leads", conversion_rate=0.1),
            Stage(name="Customers", conversion_rate=0.5),
        ],
        "acquisition_cost": AcquisitionCost(stage="Visitors", cost_per_unit=0.5),
    }
    return Plan(**(fields | changes))


SMALL_REACH = 0.05  # 0.1 × 0.5, by hand
SMALL_NEEDED = 100  # $10,000 ÷ $100, by hand
SMALL_TRAFFIC = 2_000  # 100 ÷ 0.05, by hand
# $0.50 a visitor, at most 1e12 visitors: at most $500,000,000,000 of budget (by hand).
MOST_BUDGET, TOO_MUCH = "500,000,000,000", "600,000,000,000"

# The demo plan, by hand: reach 0.5 × 0.12 × 0.5 × 0.6 = 0.018; returning buyers ~
# Binomial(2,000, 0.15), each worth 1.4 × $65 = $91; new customers worth $60.
DEMO_REACH = 0.018
DEMO_BASE, DEMO_REPEAT, DEMO_PER_RETURNING, DEMO_PER_NEW = 2_000, 0.15, 91, 60
DEMO_TRAFFIC = 85_834  # ⌈(120,000 − 300 × 91) ÷ 60⌉ = 1,545 customers; ⌈1,545 ÷ 0.018⌉


def demo_probability(traffic: int) -> float:
    """P(revenue ≥ $120,000) for the demo plan at ``traffic``, by brute force.

    Every number of returning buyers r = 0..2,000 with its binomial probability, times the
    exact binomial tail of new customers reaching the whole customers r leaves to find,
    ⌈(120,000 − 91r) ÷ 60⌉ in integer arithmetic. No sampling, nothing from the engine.
    """
    buyers = np.arange(DEMO_BASE + 1)
    needed = np.maximum(0, -((DEMO_PER_RETURNING * buyers - 120_000) // DEMO_PER_NEW))
    weights = binom.pmf(buyers, DEMO_BASE, DEMO_REPEAT)
    return float(np.dot(weights, binom.sf(needed - 1, traffic, DEMO_REACH)))


def within_4_se(share: float, probability: float, trials: int) -> bool:
    standard_error = math.sqrt(probability * (1 - probability) / trials)
    return abs(share - probability) <= 4 * standard_error


# --- Noise off: the planner's own chain -----------------------------------------------------


@pytest.mark.parametrize("plan", [small_plan(), demo_plan()], ids=["small", "demo"])
@pytest.mark.parametrize("traffic", [None, 1_234.0, 150_000.0], ids=["planned", "1234", "150k"])
def test_noise_off_is_the_forward_projection_exactly(plan: Plan, traffic: float | None) -> None:
    run = run_simulation(plan, trials=3, seed=SEED, traffic=traffic, noise=False)
    expected = project_forwards(plan, "traffic", run.traffic)

    assert run.revenue.tolist() == [expected.revenue] * 3
    assert run.customers.tolist() == [expected.new_customers] * 3
    assert run.budget.tolist() == [expected.budget] * 3


@pytest.mark.parametrize("plan", [small_plan(), demo_plan()], ids=["small", "demo"])
def test_noise_off_at_the_planned_traffic_reaches_the_target(plan: Plan) -> None:
    result = simulate(plan, trials=1, seed=SEED, noise=False)

    assert result.traffic == plan_backwards(plan).stages[0].required
    assert result.revenue.p10 >= plan.revenue_target
    assert result.probability_of_target == 1.0
    # Nothing is random: every level needs the planned traffic, one unit less falls short.
    assert {level.traffic for level in result.confidence.values()} == {result.traffic}
    assert project_forwards(plan, "traffic", result.traffic - 1).target_gap < 0


def test_the_planned_traffic_is_the_hand_worked_one() -> None:
    assert simulate(small_plan(), trials=1, noise=False).traffic == SMALL_TRAFFIC
    assert simulate(demo_plan(), trials=1, noise=False).traffic == DEMO_TRAFFIC


# --- Binomial noise against closed forms -----------------------------------------------------


def test_small_funnel_probability_is_the_binomial_tail() -> None:
    result = simulate(small_plan(), trials=TRIALS, seed=SEED, traffic=SMALL_TRAFFIC)
    exact = binom.sf(SMALL_NEEDED - 1, SMALL_TRAFFIC, SMALL_REACH)  # scipy closed form, ≈ 0.52

    assert within_4_se(result.probability_of_target, exact, TRIALS)
    assert result.standard_error == pytest.approx(
        math.sqrt(result.probability_of_target * (1 - result.probability_of_target) / TRIALS)
    )


@pytest.mark.parametrize("extra", [0, 2_500], ids=["planned", "planned+2500"])
def test_demo_probability_matches_the_brute_force_sum(extra: int) -> None:
    """At +2,500 sessions a run that ignored the returning buyers' noise would be ~10 SE off."""
    traffic = DEMO_TRAFFIC + extra
    result = simulate(demo_plan(), trials=TRIALS, seed=SEED, traffic=traffic)

    assert within_4_se(result.probability_of_target, demo_probability(traffic), TRIALS)


@pytest.mark.parametrize(
    ("plan", "traffic", "reach"),
    [(small_plan(), SMALL_TRAFFIC, SMALL_REACH), (demo_plan(), DEMO_TRAFFIC, DEMO_REACH)],
    ids=["small", "demo"],
)
def test_mean_customers_is_traffic_times_reach(plan: Plan, traffic: int, reach: float) -> None:
    run = run_simulation(plan, trials=TRIALS, seed=SEED, traffic=traffic)
    standard_error = math.sqrt(traffic * reach * (1 - reach) / TRIALS)

    assert abs(run.customers.mean() - traffic * reach) <= 4 * standard_error


def test_spend_follows_the_count_drawn_at_a_paid_stage_below_the_top() -> None:
    """Paying $25 per customer: spend = customers × 25, so its mean is T × 0.05 × 25."""
    plan = small_plan(acquisition_cost=AcquisitionCost(stage="Customers", cost_per_unit=25))
    run = run_simulation(plan, trials=TRIALS, seed=SEED, traffic=SMALL_TRAFFIC)
    standard_error = 25 * math.sqrt(SMALL_TRAFFIC * SMALL_REACH * (1 - SMALL_REACH) / TRIALS)

    assert run.budget.tolist() == (run.customers * 25).tolist()
    assert abs(run.budget.mean() - SMALL_TRAFFIC * SMALL_REACH * 25) <= 4 * standard_error


def test_spend_at_the_top_stage_is_fixed() -> None:
    """$0.50 a visitor, 2,000 visitors: $1,000 in every trial (by hand)."""
    result = simulate(small_plan(), trials=100, seed=SEED)

    assert (result.budget.p10, result.budget.p90) == (1_000, 1_000)


# --- Seeds ------------------------------------------------------------------------------------


def test_the_same_seed_repeats_the_run() -> None:
    first = run_simulation(demo_plan(), trials=1_000, seed=SEED)
    again = run_simulation(demo_plan(), trials=1_000, seed=SEED)

    assert first.revenue.tolist() == again.revenue.tolist()
    assert simulate(demo_plan(), trials=1_000, seed=SEED) == simulate(
        demo_plan(), trials=1_000, seed=SEED
    )


def test_another_seed_draws_other_numbers() -> None:
    first = run_simulation(demo_plan(), trials=1_000, seed=SEED)
    other = run_simulation(demo_plan(), trials=1_000, seed=OTHER_SEED)

    assert first.revenue.tolist() != other.revenue.tolist()


def test_without_a_seed_one_is_drawn_and_reported() -> None:
    drawn = simulate(demo_plan(), trials=200)

    assert 0 <= drawn.seed <= MAX_SEED
    assert simulate(demo_plan(), trials=200, seed=drawn.seed) == drawn


# --- Confidence traffic -----------------------------------------------------------------------


def smallest_traffic_by_scan(needed: int, reach: float, level: float) -> int:
    """Brute force: every traffic from needed ÷ reach upwards until the tail reaches the level."""
    candidates = np.arange(math.floor(needed / reach), 4 * math.ceil(needed / reach))
    reaching = binom.sf(needed - 1, candidates, reach) >= level
    return int(candidates[np.argmax(reaching)])


@pytest.mark.parametrize("level", [0.8, 0.9])
def test_confidence_traffic_without_returning_buyers_is_exact(level: float) -> None:
    """No returning buyers: P(T) is the binomial tail itself, so the answer is exact."""
    run = run_simulation(small_plan(), trials=100, seed=SEED)
    traffic = run.traffic_for(level)
    expected = smallest_traffic_by_scan(SMALL_NEEDED, SMALL_REACH, level)

    assert traffic == expected
    assert binom.sf(SMALL_NEEDED - 1, expected - 1, SMALL_REACH) < level  # scipy closed form


def test_90_percent_traffic_reaches_the_target_9_times_in_10() -> None:
    run = run_simulation(demo_plan(), trials=TRIALS, seed=SEED)
    traffic = run.traffic_for(0.9)
    assert traffic is not None

    again = simulate(demo_plan(), trials=TRIALS, seed=OTHER_SEED, traffic=traffic)

    assert within_4_se(again.probability_of_target, 0.9, TRIALS)
    assert run.probability_at(traffic - 1) < 0.9 <= run.probability_at(traffic)
    # The brute-force sum agrees that this traffic is about right (± the sampling of buyers).
    assert demo_probability(traffic) == pytest.approx(0.9, abs=0.01)


def test_confidence_budget_is_the_spend_at_that_traffic() -> None:
    result = simulate(demo_plan(), trials=1_000, seed=SEED)
    level = result.confidence["0.9"]
    assert level.traffic is not None

    assert level.budget == project_forwards(demo_plan(), "traffic", level.traffic).budget
    assert level.traffic > result.confidence["0.8"].traffic > DEMO_TRAFFIC  # type: ignore[operator]


def test_a_level_no_traffic_can_reach_is_reported_as_none() -> None:
    """8 stages at 1%: reach 1e-14, so even 1e12 visitors bring 0.01 customers on average."""
    stages = [Stage(name="Top")] + [Stage(name=f"S{i}", conversion_rate=0.01) for i in range(7)]
    plan = small_plan(stages=stages, acquisition_cost=None, revenue_target=100)

    result = simulate(plan, trials=10, seed=SEED, traffic=1_000)

    assert result.confidence["0.9"].traffic is None
    assert result.confidence["0.9"].budget is None
    assert engine.run_simulation(plan, trials=10, seed=SEED).probability_at(int(MAX_TRAFFIC)) < 0.9


def bisected_traffic(probability: Callable[[int], float], level: float) -> int:
    """Plain bisection over 0..MAX_TRAFFIC: the smallest T with probability(T) ≥ level."""
    below, enough = -1, int(MAX_TRAFFIC)
    while enough - below > 1:
        middle = (below + enough) // 2
        if probability(middle) >= level:
            enough = middle
        else:
            below = middle
    return enough


# Checkout 0.4..0.6 and AOV $50..$75 drawn: every trial its own group, money worked in floats.
DEMO_UNCERTAIN = [
    Uncertain(target="stage_rate", stage="Checkout", range=Range(low=0.4, likely=0.5, high=0.6)),
    Uncertain(target="average_order_value", range=Range(low=50, likely=60, high=75)),
]
# The small plan's last rate (Leads → Customers, 0.5) anywhere in 0.4..0.6.
CHECKOUT_UNCERTAIN = Uncertain(
    target="stage_rate", stage="Customers", range=Range(low=0.4, likely=0.5, high=0.6)
)


@pytest.mark.parametrize(
    ("plan", "trials", "uncertainty"),
    [
        (demo_plan(), 2_000, []),
        (demo_plan(), 2_000, DEMO_UNCERTAIN),
        # 20 trials needing ~500,000 customers each: P(T) climbs in 20 sharp steps, where
        # Newton's steps falter and the search expands and bisects.
        (small_plan(revenue_target=50_000_000), 20, [CHECKOUT_UNCERTAIN]),
    ],
    ids=["fixed", "uncertain", "sparse-steps"],
)
@pytest.mark.parametrize("newton", [True, False], ids=["newton", "bisection-only"])
def test_confidence_traffic_is_the_one_bisection_finds(
    monkeypatch: pytest.MonkeyPatch,
    plan: Plan,
    trials: int,
    uncertainty: list[Uncertain],
    newton: bool,
) -> None:
    """P(T) rises with T, so one T is the smallest reaching a level, however it is searched.

    The engine's Newton steps, and its bisection fallback on its own, land where plain
    bisection over the same P(T) (the groups', not the run's remembered values) does.
    """
    if not newton:
        monkeypatch.setattr(engine, "NEWTON_PROBES", 0)
    run = run_simulation(plan, trials=trials, seed=SEED, uncertainty=uncertainty)
    assert run.groups is not None

    for level in (0.8, 0.9):
        assert run.traffic_for(level) == bisected_traffic(run.groups.probability_at, level)


def test_the_newton_slope_is_one_more_unit_of_traffic() -> None:
    """P(T + 1) − P(T), worked as the mean of reach × pmf(needed − 1; T, reach)."""
    groups = run_simulation(demo_plan(), trials=2_000, seed=SEED, uncertainty=DEMO_UNCERTAIN).groups
    assert groups is not None

    for traffic in (80_000, DEMO_TRAFFIC, 100_000):
        step = groups.probability_at(traffic + 1) - groups.probability_at(traffic)
        assert groups.slope_at(traffic) == pytest.approx(step, rel=1e-6)


# --- Budget and traffic as the fixed amount ---------------------------------------------------


def test_a_budget_buys_whole_visitors_rounded_down() -> None:
    """$0.50 a visitor: $1,000 buys 2,000; $1,000.75 buys 2,001.5, rounded down to 2,001."""
    assert simulate(small_plan(), trials=1, budget=1_000, noise=False).traffic == 2_000
    assert simulate(small_plan(), trials=1, budget=1_000.75, noise=False).traffic == 2_001


def test_a_budget_at_a_lower_stage_is_carried_up_the_funnel() -> None:
    """The README plan's funnel, $25 a customer: worked by hand.

    $50,000 buys 2,000 customers; reach 0.45·0.12·0.5·0.6 = 0.0162, so 2,000 ÷ 0.0162 =
    123,456.79 sessions, rounded down to 123,456.
    """
    plan = small_plan(
        stages=[
            Stage(name="Sessions"),
            Stage(name="Product views", conversion_rate=0.45),
            Stage(name="Add to cart", conversion_rate=0.12),
            Stage(name="Checkout", conversion_rate=0.5),
            Stage(name="Purchase", conversion_rate=0.6),
        ],
        acquisition_cost=AcquisitionCost(stage="Purchase", cost_per_unit=25),
    )

    result = simulate(plan, trials=1, budget=50_000, noise=False)

    assert result.traffic == 123_456
    assert result.budget.mean == pytest.approx(123_456 * 0.0162 * 25)  # 49,999.68


def test_fractional_traffic_is_rounded_down_to_whole_units() -> None:
    assert simulate(small_plan(), trials=1, traffic=1_999.9, noise=False).traffic == 1_999


# --- Inputs per trial -------------------------------------------------------------------------


def test_needed_customers_exact_for_each_number_of_returning_buyers() -> None:
    """Demo plan, by hand: the whole customers left to find after r returning buyers.

    300 buyers leave (120,000 − 27,300) ÷ 60 = 1,545 exactly; 301 leave 1,543.48 → 1,544;
    2,000 buyers bring 182,000, more than the target: 0.
    """
    inputs = TrialInputs.from_plan(demo_plan(), 3)

    needed = engine.needed_customers(inputs, np.array([300, 301, 2_000], dtype=np.int64))

    assert needed.tolist() == [1_545, 1_544, 0]


def test_needed_customers_past_int64_are_worked_in_python_integers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The int64 shortcut and Python's unbounded integers agree; 0 buyers leave $120,000 ÷ $60."""
    inputs = TrialInputs.from_plan(demo_plan(), 4)
    returning = np.array([0, 300, 301, 2_000], dtype=np.int64)
    in_int64 = engine.needed_customers(inputs, returning).tolist()

    monkeypatch.setattr(engine, "_INT64_LIMIT", 0)  # every term "too large" for int64

    assert engine.needed_customers(inputs, returning).tolist() == in_int64
    assert in_int64 == [2_000, 1_545, 1_544, 0]


@pytest.mark.parametrize(
    "values", [[5, 3, 5, 9, 3, 3], [0, 10**9, 10**9, 7]], ids=["narrow", "wide"]
)
def test_groups_count_needed_customers_as_unique_does(values: list[int]) -> None:
    array = np.array(values, dtype=np.int64)

    counted = engine._counted(array)

    assert [part.tolist() for part in counted] == [
        part.tolist() for part in np.unique(array, return_counts=True)
    ]


def test_needed_customers_when_order_values_vary_per_trial() -> None:
    """$10,000 at $100, $200, $60 an order: 100, 50, ⌈166.67⌉ = 167 customers (by hand)."""
    inputs = dataclasses.replace(
        TrialInputs.from_plan(small_plan(), 3),
        average_order_value=np.array([100.0, 200.0, 60.0]),
    )

    needed = engine.needed_customers(inputs, np.zeros(3, dtype=np.int64))

    assert needed.tolist() == [100, 50, 167]


def test_trials_run_in_chunks_and_combine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "CHUNK_TRIALS", 400)

    run = run_simulation(demo_plan(), trials=1_000, seed=SEED)

    assert len(run.revenue) == len(run.hits) == 1_000
    assert run.groups is not None
    assert run.groups.weight.sum() == 1_000


# --- Result and validation --------------------------------------------------------------------


def test_the_result_is_json() -> None:
    result = simulate(demo_plan(), trials=100, seed=SEED)
    data = json.loads(result.model_dump_json())

    assert set(data["confidence"]) == {"0.8", "0.9"}
    assert set(data["revenue"]) == {"p10", "p50", "p90", "mean"}
    assert type(result).model_validate(data) == result


@pytest.mark.parametrize(
    ("settings", "field", "line"),
    [
        ({"trials": 0}, "trials", "trials: must be ≥ 1 and ≤ 1,000,000, got 0"),
        ({"trials": MAX_TRIALS + 1}, "trials", None),
        ({"trials": 2.5}, "trials", "trials: must be a whole number, got 2.5"),
        ({"trials": True}, "trials", None),
        ({"seed": -1}, "seed", "seed: must be ≥ 0 and ≤ 9,223,372,036,854,775,807, got -1"),
        ({"seed": MAX_SEED + 1}, "seed", None),
        ({"seed": "x"}, "seed", None),
        ({"traffic": -1.0}, "traffic", "traffic: must be ≥ 0, got -1"),
        ({"traffic": math.nan}, "traffic", "traffic: must be a finite number, got nan"),
        ({"traffic": 2e12}, "traffic", None),
        ({"budget": -5.0}, "budget", None),
        ({"budget": 6e11}, "budget", f"budget: must be ≥ 0 and ≤ {MOST_BUDGET}, got {TOO_MUCH}"),
    ],
)  # fmt: skip
def test_invalid_settings_name_their_field(
    settings: dict[str, object], field: str, line: str | None
) -> None:
    with pytest.raises(PlanInvalid) as raised:
        simulate(small_plan(), **settings)  # type: ignore[arg-type]

    assert raised.value.fields() == {field}
    [problem] = raised.value.problems
    # The CLI's line, worded from the code, says what the planner's own message says.
    assert problem_line(problem) == str(problem)
    if line is not None:
        assert str(problem) == line


def test_trials_and_seed_are_both_named_at_once() -> None:
    with pytest.raises(PlanInvalid) as raised:
        simulate(small_plan(), trials=0, seed=-1)

    assert raised.value.fields() == {"trials", "seed"}


def test_a_budget_without_a_cost_is_the_planners_own_refusal() -> None:
    with pytest.raises(PlannerError) as raised:
        simulate(small_plan(acquisition_cost=None), budget=100)

    assert raised.value.code == "budget_without_cost"


def test_traffic_and_budget_together_are_a_programming_error() -> None:
    with pytest.raises(ValueError, match="not both"):
        simulate(small_plan(), traffic=1, budget=1)


def test_returning_buyers_alone_can_cover_the_target() -> None:
    """2,000 active customers all buying again at $100 bring $200,000 ≥ $10,000 (by hand)."""
    base = ReturningCustomers(active_customers=2_000, repeat_purchase_rate=1.0)
    result = simulate(small_plan(returning_customers=base), trials=100, seed=SEED)

    assert result.traffic == 0
    assert result.probability_of_target == 1.0
    assert result.confidence["0.9"].traffic == 0
