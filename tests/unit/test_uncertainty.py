"""Inputs known as ranges or as counts observed, drawn per trial by the Monte Carlo.

Where each expected number comes from is said beside it: a distribution's closed-form mean
and variance (PERT: Vose, "Risk Analysis", 3rd ed., §9.1; triangular and uniform: their
textbook moments; Beta(α, β): mean α ÷ (α + β), variance αβ ÷ ((α + β)²(α + β + 1))), or the
engine's own run without uncertainty. A sample mean is compared within 4 standard errors,
SE = σ ÷ √draws (a false alarm about once in 16,000 runs). Seeds are fixed.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError

from planner.errors import PlanInvalid, problems_from
from planner.presets import demo_plan
from planner.scenarios import Observed, Range, Uncertain, draw, run_simulation, simulate
from tests.unit.test_simulation import SMALL_TRAFFIC, small_plan

DRAWS = 100_000
SEED, OTHER_SEED = 20_270_101, 7


def rng() -> np.random.Generator:
    return np.random.default_rng(SEED)


def checkout(**spread: Any) -> Uncertain:
    """The small plan's last rate (Leads → Customers, 0.5 in the plan), drawn."""
    return Uncertain(target="stage_rate", stage="Customers", **spread)


# --- Draws ------------------------------------------------------------------------------------


def test_pert_draws_centre_on_the_pert_mean() -> None:
    """Where the expected numbers come from.

    a, m, b = 0.1, 0.2, 0.6: mean (0.1 + 4 × 0.2 + 0.6) ÷ 6 = 0.25; variance
    (μ − a)(b − μ) ÷ 7 = 0.15 × 0.35 ÷ 7 = 0.0075 (PERT with λ = 4, Vose §9.1).
    """
    values = draw(checkout(range=Range(low=0.1, likely=0.2, high=0.6)), DRAWS, rng())

    assert abs(values.mean() - 0.25) < 4 * math.sqrt(0.0075 / DRAWS)
    assert values.min() >= 0.1
    assert values.max() <= 0.6


def test_triangular_and_uniform_draws_centre_on_their_means() -> None:
    """Where the expected numbers come from.

    Triangular (0.1, 0.2, 0.6): mean 0.9 ÷ 3 = 0.3, variance (a² + b² + c² − ab − ac − bc)
    ÷ 18 = 0.21 ÷ 18; uniform (0.1, 0.6): mean 0.35, variance 0.5² ÷ 12.
    """
    triangular = Range(low=0.1, likely=0.2, high=0.6, shape="triangular")
    uniform = Range(low=0.1, likely=0.2, high=0.6, shape="uniform")

    by_triangle = draw(checkout(range=triangular), DRAWS, rng())
    by_uniform = draw(checkout(range=uniform), DRAWS, rng())

    assert abs(by_triangle.mean() - 0.3) < 4 * math.sqrt(0.21 / 18 / DRAWS)
    assert abs(by_uniform.mean() - 0.35) < 4 * math.sqrt(0.25 / 12 / DRAWS)


@pytest.mark.parametrize("shape", ["pert", "triangular", "uniform"])
def test_a_range_without_width_is_its_value(shape: str) -> None:
    values = draw(checkout(range=Range(low=0.4, likely=0.4, high=0.4, shape=shape)), 50, rng())

    assert values.tolist() == [0.4] * 50


# Beta(50 + 1, 500 − 50 + 1) = Beta(51, 451), the uniform prior updated by 50 of 500.
BETA_MEAN = 51 / 502
BETA_VARIANCE = 51 * 451 / (502**2 * 503)


def test_observed_counts_draw_the_beta_of_a_uniform_prior() -> None:
    values = draw(checkout(observed=Observed(successes=50, trials=500)), DRAWS, rng())

    assert abs(values.mean() - BETA_MEAN) < 4 * math.sqrt(BETA_VARIANCE / DRAWS)


# --- In the simulation -----------------------------------------------------------------------


def test_without_noise_mean_customers_follow_the_mean_rate() -> None:
    """Where the expected numbers come from.

    Checkout seen 50 of 500: each trial brings T × 0.1 × rate customers (Leads at 0.1), so
    the mean is 2,000 × 0.1 × 51 ÷ 502, SE 2,000 × 0.1 × √(Beta variance ÷ trials).
    """
    uncertain = checkout(observed=Observed(successes=50, trials=500))

    run = run_simulation(
        small_plan(), trials=DRAWS, seed=SEED, noise=False, uncertainty=[uncertain]
    )

    scale = SMALL_TRAFFIC * 0.1
    assert abs(run.customers.mean() - scale * BETA_MEAN) < 4 * scale * math.sqrt(
        BETA_VARIANCE / DRAWS
    )


def test_nothing_uncertain_gives_the_same_numbers() -> None:
    """Where the expected numbers come from.

    The engine's own run without the argument is the expected result, number for number;
    a range without width at the plan's own rate (the demo's Checkout: 0.5) draws nothing.
    """
    plan = demo_plan()
    fixed = simulate(plan, trials=2_000, seed=SEED)
    at_plan_rate = Uncertain(
        target="stage_rate", stage="Checkout", range=Range(low=0.5, likely=0.5, high=0.5)
    )

    assert simulate(plan, trials=2_000, seed=SEED, uncertainty=()) == fixed
    assert simulate(plan, trials=2_000, seed=SEED, uncertainty=[at_plan_rate]) == fixed


def test_the_same_seed_repeats_a_run_with_uncertainty() -> None:
    uncertainty = [
        checkout(range=Range(low=0.4, likely=0.5, high=0.6)),
        Uncertain(target="average_order_value", range=Range(low=80, likely=100, high=130)),
    ]

    first = simulate(small_plan(), trials=3_000, seed=SEED, uncertainty=uncertainty)
    again = simulate(small_plan(), trials=3_000, seed=SEED, uncertainty=uncertainty)
    other = simulate(small_plan(), trials=3_000, seed=OTHER_SEED, uncertainty=uncertainty)

    assert first == again
    assert other.revenue != first.revenue


def test_an_uncertain_rate_needs_more_traffic_for_the_same_confidence() -> None:
    """Where the expected numbers come from.

    Checkout anywhere in 0.4..0.6 (PERT, centred on the plan's 0.5): trials with a low rate
    need more than the fixed plan's 90%-confidence traffic, so the level takes more.
    """
    uncertain = checkout(range=Range(low=0.4, likely=0.5, high=0.6))

    fixed = simulate(small_plan(), trials=10_000, seed=SEED)
    ranged = simulate(small_plan(), trials=10_000, seed=SEED, uncertainty=[uncertain])

    fixed_traffic = fixed.confidence["0.9"].traffic
    ranged_traffic = ranged.confidence["0.9"].traffic
    assert fixed_traffic is not None
    assert ranged_traffic is not None
    assert ranged_traffic > fixed_traffic
    run = run_simulation(small_plan(), trials=10_000, seed=SEED, uncertainty=[uncertain])
    assert run.probability_at(fixed_traffic) < 0.9


def test_noise_off_confidence_is_the_share_of_expected_chains_reaching_the_target() -> None:
    """Where the expected numbers come from.

    A checkout rate uniform in 0.25..0.75 and no noise: a trial needs 100 ÷ (0.1 × rate)
    visitors, so 90% of trials reach the target once the rate's 10th percentile does:
    0.25 + 0.1 × 0.5 = 0.3, 100 ÷ 0.03 ≈ 3,333 visitors (within the sample's scatter).
    """
    uncertain = checkout(range=Range(low=0.25, likely=0.5, high=0.75, shape="uniform"))

    result = simulate(small_plan(), trials=DRAWS, seed=SEED, noise=False, uncertainty=[uncertain])

    traffic = result.confidence["0.9"].traffic
    assert traffic is not None
    assert abs(traffic - 100 / (0.1 * 0.3)) < 40


def test_eight_uncertain_rates_still_find_a_confidence_traffic() -> None:
    """Every trial its own group: the subsampled bisection still answers (timing: bench/)."""
    stages = ["Visitors", *(f"Step {number}" for number in range(1, 8))]
    plan = small_plan(
        stages=[
            {"name": stages[0]},
            *({"name": name, "conversion_rate": 0.6} for name in stages[1:]),
        ]
    )
    uncertainty = [
        Uncertain(target="stage_rate", stage=name, range=Range(low=0.5, likely=0.6, high=0.7))
        for name in stages[1:]
    ]

    result = simulate(plan, trials=10_000, seed=SEED, uncertainty=uncertainty)

    traffic = result.confidence["0.9"].traffic
    assert traffic is not None
    assert traffic > result.traffic


# --- Validation -------------------------------------------------------------------------------


def rules_of(error: ValidationError, model: type[Any]) -> set[tuple[str, str]]:
    return {(p.field, p.context.get("rule", p.code)) for p in problems_from(error, model)}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {"target": "stage_rate", "range": {"low": 0.4, "likely": 0.5, "high": 0.6}},
            ("stage", "uncertain_stage_missing"),
        ),
        (
            {
                "target": "average_order_value",
                "stage": "Leads",
                "range": {"low": 1, "likely": 2, "high": 3},
            },
            ("stage", "uncertain_stage_unused"),
        ),
        ({"target": "gross_margin"}, ("range", "uncertain_one_way")),
        (
            {"target": "average_order_value", "observed": {"successes": 1, "trials": 2}},
            ("observed", "uncertain_observed_not_rate"),
        ),
        (
            {"target": "gross_margin", "range": {"low": 0.2, "likely": 0.3, "high": 1.2}},
            ("range.high", "uncertain_out_of_bounds"),
        ),
        (
            {
                "target": "stage_rate",
                "stage": "Leads",
                "range": {"low": 0, "likely": 0.1, "high": 0.2},
            },
            ("range.low", "uncertain_out_of_bounds"),
        ),
        (
            {"target": "orders_per_customer", "range": {"low": 0.5, "likely": 1, "high": 2}},
            ("range.low", "uncertain_out_of_bounds"),
        ),
        (
            {"target": "gross_margin", "range": {"low": 0.5, "likely": 0.4, "high": 0.6}},
            ("range.likely", "range_order"),
        ),
        (
            {"target": "gross_margin", "observed": {"successes": 5, "trials": 4}},
            ("observed.successes", "observed_order"),
        ),
        (
            {"target": "traffic", "range": {"low": 1, "likely": 2, "high": 3}},
            ("target", "literal_error"),
        ),
    ],
)
def test_an_uncertain_input_names_the_field_it_breaks(
    data: dict[str, Any], expected: tuple[str, str]
) -> None:
    with pytest.raises(ValidationError) as refused:
        Uncertain.model_validate(data)

    assert expected in rules_of(refused.value, Uncertain)


def test_inputs_the_plan_cannot_draw_are_named() -> None:
    """Where the expected numbers come from.

    Stages and costs as the small plan has them: Visitors (no rate), Leads, Customers;
    $0.50 a visitor (so no CPM).
    """
    ranged = Range(low=0.1, likely=0.2, high=0.3)
    uncertainty = [
        Uncertain(target="stage_rate", stage="Signups", range=ranged),
        Uncertain(target="stage_rate", stage="visitors", range=ranged),
        Uncertain(target="cost_per_mille", range=Range(low=1, likely=2, high=3)),
        checkout(range=ranged),
        checkout(range=ranged),
    ]

    with pytest.raises(PlanInvalid) as refused:
        simulate(small_plan(), trials=10, seed=SEED, uncertainty=uncertainty)

    assert {(p.field, p.context["rule"]) for p in refused.value.problems} == {
        ("uncertainty[0].stage", "uncertain_unknown_stage"),
        ("uncertainty[1].stage", "uncertain_first_stage"),
        ("uncertainty[2].target", "uncertain_cost_other_way"),
        ("uncertainty[4].target", "uncertain_duplicate"),
    }
    with pytest.raises(PlanInvalid) as unpaid:
        simulate(
            small_plan(acquisition_cost=None),
            trials=10,
            uncertainty=[Uncertain(target="cost_per_unit", range=Range(low=1, likely=1, high=2))],
        )
    assert unpaid.value.fields() == {"uncertainty[0].target"}


def test_a_plans_own_uncertainty_is_drawn_unless_told_otherwise() -> None:
    """The plan file's ranges are what ``simulate`` draws by default; ``()`` draws none."""
    spread = Range(low=0.3, likely=0.5, high=0.7)
    ranged = [Uncertain(target="stage_rate", stage="Checkout", range=spread)]
    plan = demo_plan().model_copy(update={"uncertainty": ranged})

    own = simulate(plan, trials=2_000, seed=5)
    given = simulate(demo_plan(), trials=2_000, seed=5, uncertainty=ranged)
    none = simulate(plan, trials=2_000, seed=5, uncertainty=())

    assert own == given
    assert none == simulate(demo_plan(), trials=2_000, seed=5)
    assert own.revenue.p90 - own.revenue.p10 > 2 * (none.revenue.p90 - none.revenue.p10)


def test_progress_is_reported_after_every_chunk_up_to_all_trials() -> None:
    shares: list[float] = []

    simulate(demo_plan(), trials=250_000, seed=1, progress=shares.append)

    assert shares == [0.4, 0.8, 1.0]
