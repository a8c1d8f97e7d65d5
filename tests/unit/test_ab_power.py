"""Power by simulation: the vectorised z-test against a scalar one, and calibration.

The oracles: a scalar pooled two-proportion z-test written here with ``math`` and
``scipy.stats.norm`` (and statsmodels' ``proportions_ztest``), applied trial by trial; the
Wald interval of the absolute lift; and Fleiss' sample size worked here from
``scipy.stats.norm`` (Fleiss, Levin & Paik, *Statistical Methods for Rates and Proportions*,
3rd ed., Wiley 2003, eq. 4.14, no continuity correction):

    n = [z₁₋α/2 · √(2 p̄ q̄) + z₁₋β · √(p₁q₁ + p₂q₂)]² ÷ (p₂ − p₁)²,  p̄ = (p₁ + p₂) ÷ 2.

Calibration compares simulated shares (seeded; 20,000 experiments) with what they should be
within 3 binomial standard errors, SE = √(P(1 − P) ÷ experiments): a false alarm about once
in 370 runs of a given seed, and the seeds are fixed.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import norm
from statsmodels.stats.proportion import proportions_ztest

from planner.abtests.power import (
    MAX_BINS,
    draw_conversions,
    observed_lifts,
    significant,
    simulate_test,
    z_statistics,
)
from planner.abtests.sizing import sample_size
from planner.errors import PlanInvalid

SEED = 2027
EXPERIMENTS = 20_000


def pooled_z(control: int, n_control: int, variant: int, n_variant: int) -> float:
    """The textbook pooled z of two proportions, one trial at a time (0 with no spread)."""
    pooled = (control + variant) / (n_control + n_variant)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / n_control + 1 / n_variant))
    return (variant / n_variant - control / n_control) / spread if spread else 0.0


def scalar_decision(
    control: int, n_control: int, variant: int, n_variant: int, alpha: float
) -> int:
    """+1 significantly better, −1 worse, 0 neither: two-sided p = 2·Φ(−|z|) below α."""
    z = pooled_z(control, n_control, variant, n_variant)
    if 2 * norm.sf(abs(z)) >= alpha:
        return 0
    return 1 if z > 0 else -1


def fleiss_per_arm(baseline: float, relative_effect: float, alpha: float, power: float) -> int:
    """Fleiss, Levin & Paik (2003) eq. 4.14 for equal arms, rounded up."""
    p1, p2 = baseline, baseline * (1 + relative_effect)
    mean = (p1 + p2) / 2
    root = norm.isf(alpha / 2) * math.sqrt(2 * mean * (1 - mean)) + norm.ppf(power) * math.sqrt(
        p1 * (1 - p1) + p2 * (1 - p2)
    )
    return math.ceil(root**2 / (p2 - p1) ** 2)


def within_three_standard_errors(share: float, expected: float, count: int) -> bool:
    return abs(share - expected) <= 3 * math.sqrt(expected * (1 - expected) / count)


# --- The test, vectorised, against the scalar one --------------------------------------------


def test_the_vectorised_z_is_the_scalar_z_trial_by_trial() -> None:
    rng = np.random.default_rng(SEED)
    sizes = np.array([400, 380, 420])
    conversions = draw_conversions(rng, 0.05, 0.06, sizes, 2_000)

    z = z_statistics(conversions, sizes)

    expected = [
        [pooled_z(row[0], sizes[0], row[j], sizes[j]) for j in (1, 2)] for row in conversions
    ]
    np.testing.assert_allclose(z, expected, rtol=1e-12, atol=1e-12)


def test_the_vectorised_z_is_statsmodels_proportions_ztest() -> None:
    rng = np.random.default_rng(SEED)
    sizes = np.array([1_000, 900])
    conversions = draw_conversions(rng, 0.1, 0.12, sizes, 200)

    z = z_statistics(conversions, sizes)[:, 0]

    for row, statistic in zip(conversions, z, strict=True):
        oracle, _p = proportions_ztest([row[1], row[0]], [sizes[1], sizes[0]])
        assert statistic == pytest.approx(oracle, rel=1e-10)


@pytest.mark.parametrize(
    ("conversions", "z"),
    [
        pytest.param([[0, 0]], 0.0, id="nobody-converted"),
        pytest.param([[50, 50]], 0.0, id="everybody-converted"),
        pytest.param([[0, 50]], pooled_z(0, 50, 50, 50), id="all-against-none"),
    ],
)
def test_arms_without_spread_between_them_have_z_zero(
    conversions: list[list[int]], z: float
) -> None:
    assert z_statistics(np.array(conversions), np.array([50, 50]))[0, 0] == pytest.approx(z)


@pytest.mark.parametrize("variants", [1, 3, 10])
def test_every_decision_is_the_scalar_tests_at_alpha_over_k(variants: int) -> None:
    rng = np.random.default_rng(SEED + variants)
    sizes = np.full(variants + 1, 500)
    conversions = draw_conversions(rng, 0.08, 0.1, sizes, 1_000)

    better, worse = significant(conversions, sizes, 0.05)

    decisions = better.astype(int) - worse.astype(int)
    expected = [
        [scalar_decision(row[0], 500, row[j], 500, 0.05 / variants) for j in range(1, variants + 1)]
        for row in conversions
    ]
    np.testing.assert_array_equal(decisions, expected)
    assert better.any()  # the comparison is not vacuous


def test_simulate_test_reads_each_trial_as_the_scalar_test_does() -> None:
    """The documented stream: ``SeedSequence(seed).spawn(2)[0]`` draws the planned truth."""
    sizes, trials = [3_000, 3_000], 2_000
    result = simulate_test(0.05, 0.15, sizes, trials=trials, seed=SEED)

    rng = np.random.default_rng(np.random.SeedSequence(SEED).spawn(2)[0])
    conversions = draw_conversions(rng, 0.05, 0.05 * 1.15, sizes, trials)
    decisions = [scalar_decision(row[0], 3_000, row[1], 3_000, 0.05) for row in conversions]

    assert result.share_better == decisions.count(1) / trials
    assert result.share_worse == decisions.count(-1) / trials
    assert result.power == result.share_better


def test_the_same_seed_gives_the_same_result_and_another_seed_another() -> None:
    first = simulate_test(0.05, 0.1, [5_000, 5_000], trials=2_000, seed=7)

    assert simulate_test(0.05, 0.1, [5_000, 5_000], trials=2_000, seed=7) == first
    assert simulate_test(0.05, 0.1, [5_000, 5_000], trials=2_000, seed=8) != first


def test_without_a_seed_one_is_drawn_and_reported() -> None:
    result = simulate_test(0.05, 0.1, [1_000, 1_000], trials=200, seed=None)

    assert simulate_test(0.05, 0.1, [1_000, 1_000], trials=200, seed=result.seed) == result


# --- Calibration ------------------------------------------------------------------------------


def test_the_false_positive_rate_of_aa_tests_is_alpha() -> None:
    """20,000 A/A experiments of 2,000 visitors per arm at 5%: significant either way ≈ α."""
    result = simulate_test(0.05, 0.0, [2_000, 2_000], trials=EXPERIMENTS, seed=SEED)
    rejected = result.share_better + result.share_worse

    assert within_three_standard_errors(rejected, 0.05, EXPERIMENTS), rejected
    assert within_three_standard_errors(result.false_winner_chance, 0.025, EXPERIMENTS)
    assert result.false_winner_chance == result.share_any_better == result.share_better
    assert result.power is None
    assert result.chance_of_wrong_winner is None


def test_with_three_variants_each_comparison_is_tested_at_alpha_over_three() -> None:
    result = simulate_test(0.05, 0.0, [2_000] * 4, trials=EXPERIMENTS, seed=SEED)
    comparisons = 3 * EXPERIMENTS

    assert result.alpha_per_comparison == pytest.approx(0.05 / 3)
    rejected = result.share_better + result.share_worse
    assert within_three_standard_errors(rejected, 0.05 / 3, comparisons), rejected


def test_the_wald_interval_of_the_absolute_lift_covers_the_truth_95_percent_of_the_time() -> None:
    """p̂₂ − p̂₁ ± z₀.₉₇₅ √(p̂₁q̂₁/n₁ + p̂₂q̂₂/n₂) on the simulation's own draws (5% → 6%)."""
    sizes = np.array([2_000, 2_000])
    rng = np.random.default_rng(SEED)
    rates = draw_conversions(rng, 0.05, 0.06, sizes, EXPERIMENTS) / sizes

    difference = rates[:, 1] - rates[:, 0]
    margin = norm.isf(0.025) * np.sqrt((rates * (1 - rates) / sizes).sum(axis=1))
    covered = np.mean(np.abs(difference - 0.01) <= margin)

    assert within_three_standard_errors(float(covered), 0.95, EXPERIMENTS), covered


@pytest.mark.parametrize(
    ("baseline", "relative_effect", "variants"),
    [
        pytest.param(0.05, 0.2, 1, id="5%-to-6%"),
        pytest.param(0.3, 0.1, 1, id="30%-to-33%"),
        pytest.param(0.05, 0.25, 3, id="three-variants-at-alpha-over-3"),
    ],
)
def test_simulated_power_at_fleiss_sample_size_is_the_power_planned(
    baseline: float, relative_effect: float, variants: int
) -> None:
    per_arm = fleiss_per_arm(baseline, relative_effect, 0.05 / variants, 0.8)

    result = simulate_test(
        baseline, relative_effect, [per_arm] * (variants + 1), trials=EXPERIMENTS, seed=SEED
    )

    comparisons = variants * EXPERIMENTS
    assert result.power is not None
    assert within_three_standard_errors(result.power, 0.8, comparisons), (per_arm, result.power)


def test_simulated_power_at_the_planners_own_sample_size_is_80_percent() -> None:
    """The planner's ``sample_size`` agrees with Fleiss here, and reaches the power it plans."""
    size = sample_size(0.05, 0.2, alpha=0.05, power=0.8)

    assert abs(size.per_arm[0] - fleiss_per_arm(0.05, 0.2, 0.05, 0.8)) <= 1
    result = simulate_test(0.05, 0.2, list(size.per_arm), trials=EXPERIMENTS, seed=SEED + 1)
    assert result.power is not None
    assert within_three_standard_errors(result.power, 0.8, EXPERIMENTS), result.power


def test_a_worse_variant_is_rarely_declared_the_winner() -> None:
    per_arm = fleiss_per_arm(0.05, -0.2, 0.05, 0.8)

    result = simulate_test(0.05, -0.2, [per_arm, per_arm], trials=EXPERIMENTS, seed=SEED)

    assert result.power is None
    assert result.chance_of_wrong_winner is not None
    assert result.chance_of_wrong_winner < 0.001
    assert result.share_worse > 0.75
    assert within_three_standard_errors(result.false_winner_chance, 0.025, EXPERIMENTS)


# --- What the marketer sees -------------------------------------------------------------------


def test_the_observed_lift_histogram_holds_every_defined_lift_in_at_most_60_bins() -> None:
    result = simulate_test(0.05, 0.2, [8_000, 8_000], trials=EXPERIMENTS, seed=SEED)
    histogram = result.lift_histogram

    assert len(histogram.counts) <= MAX_BINS
    assert len(histogram.edges) == len(histogram.counts) + 1
    assert list(histogram.edges) == sorted(histogram.edges)
    assert sum(histogram.counts) == EXPERIMENTS - result.lift_undefined
    assert result.lift_spread is not None
    assert result.lift_spread.p5 < 0.2 < result.lift_spread.p95
    assert result.lift_spread.p50 == pytest.approx(0.2, abs=0.02)


def test_winners_observed_lift_overstates_the_truth_when_power_is_low() -> None:
    """At 20% power only the lucky draws reach significance: their median lift is well above."""
    per_arm = fleiss_per_arm(0.05, 0.1, 0.05, 0.2)

    result = simulate_test(0.05, 0.1, [per_arm, per_arm], trials=EXPERIMENTS, seed=SEED)

    assert result.power == pytest.approx(0.2, abs=0.03)
    assert result.median_winning_lift is not None
    assert result.median_winning_lift > 0.15


def test_a_control_that_converted_nobody_has_no_lift_and_is_counted() -> None:
    result = simulate_test(0.001, 0.5, [100, 100], trials=2_000, seed=SEED)

    assert result.lift_undefined > 0
    assert sum(result.lift_histogram.counts) == 2_000 - result.lift_undefined


def test_observed_lifts_are_nan_where_control_has_no_conversion() -> None:
    lifts = observed_lifts(np.array([[0, 3], [10, 12]]), np.array([100, 100]))

    assert math.isnan(lifts[0, 0])
    assert lifts[1, 0] == pytest.approx(0.2)


# --- Refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "fields"),
    [
        pytest.param({"baseline": 0}, {"baseline"}, id="baseline-zero"),
        pytest.param({"baseline": 1}, {"baseline"}, id="baseline-one"),
        pytest.param({"baseline": math.nan}, {"baseline"}, id="baseline-nan"),
        pytest.param({"baseline": "0.05"}, {"baseline"}, id="baseline-text"),
        pytest.param({"baseline": True}, {"baseline"}, id="baseline-bool"),
        pytest.param({"relative_effect": 19}, {"relative_effect"}, id="variant-rate-one"),
        pytest.param({"relative_effect": -1}, {"relative_effect"}, id="variant-rate-zero"),
        pytest.param({"relative_effect": math.inf}, {"relative_effect"}, id="effect-inf"),
        pytest.param({"per_arm": []}, {"per_arm"}, id="no-arms"),
        pytest.param({"per_arm": [1_000]}, {"per_arm"}, id="control-only"),
        pytest.param({"per_arm": [1_000] * 12}, {"per_arm"}, id="twelve-arms"),
        pytest.param({"per_arm": "1000"}, {"per_arm"}, id="arms-text"),
        pytest.param({"per_arm": [1_000, 0]}, {"per_arm[1]"}, id="empty-arm"),
        pytest.param({"per_arm": [1_000, 2.5]}, {"per_arm[1]"}, id="fractional-visitors"),
        pytest.param({"per_arm": [10**13, 5]}, {"per_arm[0]"}, id="too-many-visitors"),
        pytest.param({"alpha": 0}, {"alpha"}, id="alpha-zero"),
        pytest.param({"alpha": 0.6}, {"alpha"}, id="alpha-past-half"),
        pytest.param({"trials": 0}, {"trials"}, id="no-trials"),
        pytest.param({"trials": 10**7}, {"trials"}, id="too-many-trials"),
        pytest.param({"trials": 100.0}, {"trials"}, id="trials-float"),
        pytest.param({"seed": -1}, {"seed"}, id="negative-seed"),
        pytest.param({"baseline": 2, "alpha": 0, "trials": 0}, {"baseline", "alpha", "trials"}),
    ],
)
def test_degenerate_inputs_are_refused_by_argument(
    arguments: dict[str, object], fields: set[str]
) -> None:
    call: dict[str, object] = {
        "baseline": 0.05,
        "relative_effect": 0.1,
        "per_arm": [1_000, 1_000],
        "alpha": 0.05,
        "trials": 100,
        "seed": 1,
    } | arguments

    with pytest.raises(PlanInvalid) as refused:
        simulate_test(
            call.pop("baseline"),  # type: ignore[arg-type]
            call.pop("relative_effect"),  # type: ignore[arg-type]
            call.pop("per_arm"),  # type: ignore[arg-type]
            **call,  # type: ignore[arg-type]
        )

    assert refused.value.fields() == fields


def test_a_variant_rate_out_of_bounds_is_worded_as_sizing_words_it() -> None:
    with pytest.raises(PlanInvalid) as refused:
        simulate_test(0.5, 1.0, [100, 100], seed=1)

    (problem,) = refused.value.problems
    assert problem.code == "rule"
    assert problem.context["rule"] == "variant_rate_out_of_range"
    assert problem.context["variant_rate"] == 1.0


def test_numpy_arrays_of_sizes_are_accepted() -> None:
    result = simulate_test(0.05, 0.1, np.array([1_000, 1_000]), trials=100, seed=1)  # type: ignore[arg-type]

    assert result.per_arm == (1_000, 1_000)
