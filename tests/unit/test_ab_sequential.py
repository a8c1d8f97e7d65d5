"""The always-valid mSPRT p-value and the sample it needs (issue 8).

Oracles: Johari, Koomen, Pekelis & Walsh (KDD 2017; Operations Research 2022), whose
per-pair formula Λₙ = √(V/(V + nτ²))·exp(n²τ²θ̂²/(2V(V + nτ²))) is typed again here (the
module computes the per-arm form); hand computation; seeded simulation of A/A and A/B tests
checked against the defining property (P(ever p ≤ α) ≤ α under H0); statsmodels-free.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy.optimize import brentq  # type: ignore[import-untyped]
from scipy.stats import norm  # type: ignore[import-untyped]

from planner.abtests.arms import Arm
from planner.abtests.sequential import (
    always_valid_p_value,
    always_valid_p_values,
    log_likelihood_ratio,
    sequential_sample_size,
)
from planner.abtests.sizing import sample_size
from planner.errors import RULE, PlanInvalid

ALPHA = 0.05


def arm(visitors: int, conversions: int) -> Arm:
    return Arm(visitors=visitors, conversions=conversions)


def paper_lambda(n: int, rate_a: float, rate_b: float, tau: float) -> float:
    """Johari et al.'s Λₙ, per pair of visitors, equal arms: the formula as published."""
    per_pair = rate_a * (1 - rate_a) + rate_b * (1 - rate_b)
    theta = rate_b - rate_a
    spread = n * tau**2
    return math.sqrt(per_pair / (per_pair + spread)) * math.exp(
        n**2 * tau**2 * theta**2 / (2 * per_pair * (per_pair + spread))
    )


# --- The statistic ----------------------------------------------------------------------------


def test_lambda_matches_the_papers_formula_worked_by_hand() -> None:
    """Hand: 100/1,000 against 130/1,000, τ = 0.01.

    V = 0.1 × 0.9 + 0.13 × 0.87 = 0.09 + 0.1131 = 0.2031; nτ² = 1,000 × 0.0001 = 0.1;
    √(0.2031 ÷ 0.3031) = √0.670076 = 0.818582; exponent n²τ²θ̂² ÷ (2V(V + nτ²)) =
    (10⁶ × 10⁻⁴ × 0.0009) ÷ (2 × 0.2031 × 0.3031) = 0.09 ÷ 0.123119 = 0.730999;
    Λ = 0.818582 × e^0.730999 = 0.818582 × 2.077154 = 1.700320; p = 1 ÷ Λ = 0.588124.
    """
    control, variant = arm(1_000, 100), arm(1_000, 130)

    assert math.exp(log_likelihood_ratio(control, variant, 0.01)) == pytest.approx(
        paper_lambda(1_000, 0.10, 0.13, 0.01), rel=1e-12
    )
    assert always_valid_p_value(control, variant, tau=0.01) == pytest.approx(0.588124, abs=1e-6)


@pytest.mark.parametrize(
    ("control", "variant"),
    [
        pytest.param((0, 0), (0, 0), id="no-visitors"),
        pytest.param((0, 0), (500, 40), id="empty-control"),
        pytest.param((500, 40), (0, 0), id="empty-variant"),
        pytest.param((500, 0), (500, 0), id="no-conversions"),
        pytest.param((500, 500), (500, 500), id="all-convert"),
        pytest.param((500, 40), (500, 40), id="identical"),
    ],
)
def test_a_look_with_no_evidence_gives_p_1(
    control: tuple[int, int], variant: tuple[int, int]
) -> None:
    """Degenerate or identical arms: Λ ≤ 1, so p = 1 exactly, never NaN."""
    assert always_valid_p_value(arm(*control), arm(*variant), tau=0.01) == 1.0
    assert always_valid_p_value(arm(*control), arm(*variant)) == 1.0


@pytest.mark.parametrize(
    ("control", "variant"),
    [
        pytest.param((50, 0), (50, 50), id="0%-against-100%"),
        pytest.param((10**12, 0), (1, 1), id="huge-against-one"),
        pytest.param((1, 0), (1, 1), id="one-each"),
        pytest.param((10**9, 5 * 10**7), (10**9, 6 * 10**7), id="overwhelming"),
    ],
)
def test_extreme_looks_give_a_p_value_in_0_1(
    control: tuple[int, int], variant: tuple[int, int]
) -> None:
    """0% against 100% falls back to the pooled variance; nothing overflows into NaN."""
    value = always_valid_p_value(arm(*control), arm(*variant), tau=0.01)

    assert 0.0 <= value <= 1.0
    assert not math.isnan(value)


def test_the_p_value_falls_as_the_same_rates_are_seen_in_more_visitors() -> None:
    """10% against 13% seen in ever more visitors: hand-checkable through ``paper_lambda``."""
    sizes = [500, 1_000, 2_000, 4_000, 8_000]
    values = [always_valid_p_value(arm(n, n // 10), arm(n, n * 13 // 100), tau=0.01) for n in sizes]

    assert values == pytest.approx([min(1, 1 / paper_lambda(n, 0.1, 0.13, 0.01)) for n in sizes])
    assert all(later < earlier for earlier, later in itertools.pairwise(values))
    assert values[-1] < ALPHA


def test_the_history_keeps_the_running_minimum() -> None:
    """A lead that fades: the p-value of the history never goes back up."""
    looks = [
        (arm(1_000, 100), arm(1_000, 130)),
        (arm(4_000, 400), arm(4_000, 520)),
        (arm(8_000, 800), arm(8_000, 830)),
    ]
    single = [always_valid_p_value(control, variant, tau=0.01) for control, variant in looks]
    history = always_valid_p_values(looks, tau=0.01)

    assert single[2] > single[1]  # the evidence faded at the last look
    assert history == [single[0], single[1], single[1]]


def test_without_tau_the_history_uses_a_tenth_of_its_first_pooled_rate() -> None:
    """Hand: the first look with conversions pools (100 + 130) ÷ 2,000 = 0.115: τ = 0.0115."""
    looks = [(arm(0, 0), arm(0, 0)), (arm(1_000, 100), arm(1_000, 130))]
    expected = [1.0, always_valid_p_value(*looks[1], tau=0.0115)]

    assert always_valid_p_values(looks) == pytest.approx(expected, rel=1e-12)


def test_a_history_whose_counts_go_down_is_refused() -> None:
    """Control's visitors fall from 1,000 to 900 at look 2: not a cumulative history."""
    looks = [(arm(1_000, 100), arm(1_000, 130)), (arm(900, 100), arm(1_100, 140))]

    with pytest.raises(PlanInvalid) as caught:
        always_valid_p_values(looks)

    problem = caught.value.problems[0]
    assert (problem.field, problem.code, problem.context["rule"]) == (
        "looks",
        RULE,
        "looks_not_cumulative",
    )
    assert problem.context["index"] == 1


@pytest.mark.parametrize("tau", [0.0, -0.01, 1.5, math.nan])
def test_tau_must_be_a_positive_difference_of_rates(tau: float) -> None:
    """τ is a difference of rates: > 0 and ≤ 1 (module docstring), finite."""
    with pytest.raises(PlanInvalid) as caught:
        always_valid_p_value(arm(100, 10), arm(100, 12), tau=tau)

    assert caught.value.fields() == {"tau"}


# --- Peeking: why the always-valid p-value is needed ------------------------------------------


def a_a_tests(
    rng: np.random.Generator, tests: int, looks: int, batch: int, rate: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cumulative conversions of two arms with the same ``rate``, ``batch`` visitors a look."""
    control = rng.binomial(batch, rate, size=(tests, looks)).cumsum(axis=1)
    variant = rng.binomial(batch, rate, size=(tests, looks)).cumsum(axis=1)
    return batch * np.arange(1, looks + 1), control, variant


def test_peeking_at_an_a_a_test_stays_within_alpha_but_a_repeated_z_test_does_not() -> None:
    """Seeded simulation: 2,000 A/A tests at 10%, 20 looks of 200 visitors per arm.

    The defining property (Ville's inequality, Johari et al. 2017 §3): the chance that the
    always-valid p-value ever reaches α is at most α; allowed up to α + 3 standard errors,
    √(0.05 × 0.95 ÷ 2,000) = 0.0049, so 0.0646. The pooled two-proportion z-test read at
    every look and stopped at the first p ≤ 0.05 is wrong far more often than 5% (about 25%
    for 20 looks: Armitage, McPherson & Rowe, J. R. Stat. Soc. A 132(2), 1969, table 2):
    above 0.0646 by a wide margin (this seed: 0.3% against 24%).
    """
    rng = np.random.default_rng(20_170_813)
    tests = 2_000
    visitors, control, variant = a_a_tests(rng, tests, looks=20, batch=200, rate=0.10)

    sequential_wrong = 0
    for row in range(tests):
        looks = [
            (arm(int(n), int(a)), arm(int(n), int(b)))
            for n, a, b in zip(visitors, control[row], variant[row], strict=True)
        ]
        sequential_wrong += always_valid_p_values(looks, tau=0.01)[-1] <= ALPHA
    pooled = (control + variant) / (2 * visitors)
    z = (variant - control) / visitors / np.sqrt(pooled * (1 - pooled) * 2 / visitors)
    naive_wrong = np.any(2 * norm.sf(np.abs(z)) <= ALPHA, axis=1).mean()

    limit = ALPHA + 3 * math.sqrt(ALPHA * (1 - ALPHA) / tests)
    assert sequential_wrong / tests <= limit
    assert naive_wrong > limit + 0.05


# --- The sample it needs ----------------------------------------------------------------------


def boundary_by_root(n: int, variance: float, tau: float, alpha: float) -> float:
    """Where Λ reaches 1/α, found on the paper's Λ by a root finder (no closed form)."""

    def excess(theta: float) -> float:
        per_pair, spread = variance, n * tau**2
        log_lambda = 0.5 * math.log(per_pair / (per_pair + spread)) + (
            n**2 * tau**2 * theta**2 / (2 * per_pair * (per_pair + spread))
        )
        return log_lambda - math.log(1 / alpha)

    return float(brentq(excess, 0.0, 1.0, xtol=1e-15))


def mixture_power_by_root(n: int, p1: float, p2: float, tau: float, alpha: float) -> float:
    variance = p1 * (1 - p1) + p2 * (1 - p2)
    boundary = boundary_by_root(n, variance, tau, alpha)
    spread = math.sqrt(variance / n)
    theta = abs(p2 - p1)
    return float(norm.sf((boundary - theta) / spread) + norm.cdf((-boundary - theta) / spread))


def test_the_worked_case_needs_60_524_per_arm_with_peeking_allowed() -> None:
    """5%, +10%, α 0.05, power 0.8, τ = 0.005: P(Λₙ ≥ 20) ≥ 0.8 first at n = 60,524.

    Oracle: the boundary on θ̂ found by a root finder on the paper's Λ (not the module's
    closed form), then both normal tails: ≥ 0.8 at 60,524, < 0.8 at 60,523. About 1.94 times
    the fixed-horizon 31,234.
    """
    n = sequential_sample_size(0.05, 0.10, alpha=0.05, power=0.8)

    assert n == 60_524
    assert mixture_power_by_root(n, 0.05, 0.055, 0.005, 0.05) >= 0.8
    assert mixture_power_by_root(n - 1, 0.05, 0.055, 0.005, 0.05) < 0.8


@pytest.mark.parametrize(
    ("baseline", "mde", "alpha", "power"),
    [
        pytest.param(0.05, 0.10, 0.05, 0.8, id="worked"),
        pytest.param(0.05, -0.10, 0.05, 0.8, id="drop"),
        pytest.param(0.01, 0.30, 0.10, 0.5, id="lenient"),
        pytest.param(0.30, 0.05, 0.01, 0.95, id="strict"),
        pytest.param(0.5, 0.9, 0.05, 0.8, id="huge-effect"),
    ],
)
def test_peeking_costs_a_larger_sample_than_the_fixed_horizon_test(
    baseline: float, mde: float, alpha: float, power: float
) -> None:
    """The sequential size exceeds Fleiss' for the same inputs (the price of looking)."""
    fixed = sample_size(baseline, mde, alpha=alpha, power=power).control
    sequential = sequential_sample_size(baseline, mde, alpha=alpha, power=power)

    assert sequential > fixed


def test_a_wider_tau_changes_the_size_but_not_the_refusals() -> None:
    """τ is a tuning choice: another τ sizes differently; out-of-range inputs stay refused."""
    assert sequential_sample_size(0.05, 0.10, tau=0.02) != sequential_sample_size(0.05, 0.10)
    with pytest.raises(PlanInvalid) as caught:
        sequential_sample_size(0.05, 0.0)
    assert caught.value.fields() == {"mde"}


def test_a_too_small_effect_is_refused_not_sized_to_infinity() -> None:
    """1e-6 and +0.1%: Fleiss alone needs ~1.6e13 per arm (past 1e12), so this is refused."""
    with pytest.raises(PlanInvalid) as caught:
        sequential_sample_size(1e-6, 0.001)

    assert caught.value.problems[0].context["rule"] == "sample_too_large"


def test_at_the_sequential_size_peeking_finds_the_effect_as_often_as_planned() -> None:
    """Seeded simulation: 20% → 25% (+25%), α 0.05, power 0.8, 400 tests, 20 equal looks.

    Counting only the final look makes the size conservative, so the share of tests whose
    always-valid p-value reaches α by the end must be at least 0.8 − 3 standard errors
    (√(0.8 × 0.2 ÷ 400) = 0.02): 0.74.
    """
    n = sequential_sample_size(0.20, 0.25, alpha=ALPHA, power=0.8)
    rng = np.random.default_rng(2022)
    tests, looks = 400, 20
    batch = math.ceil(n / looks)
    control = rng.binomial(batch, 0.20, size=(tests, looks)).cumsum(axis=1)
    variant = rng.binomial(batch, 0.25, size=(tests, looks)).cumsum(axis=1)
    visitors = batch * np.arange(1, looks + 1)

    found = 0
    for row in range(tests):
        history = [
            (arm(int(m), int(a)), arm(int(m), int(b)))
            for m, a, b in zip(visitors, control[row], variant[row], strict=True)
        ]
        found += always_valid_p_values(history, tau=0.05)[-1] <= ALPHA

    assert found / tests >= 0.8 - 3 * math.sqrt(0.8 * 0.2 / tests)
