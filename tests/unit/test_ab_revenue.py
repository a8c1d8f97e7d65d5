"""Revenue per visitor: sufficient statistics and Welch's t-test, against numpy on raw data.

The oracles: numpy's mean and ``var(ddof=1)`` of the raw values; ``scipy.stats.ttest_ind(a,
b, equal_var=False)`` (statistic, p-value, degrees of freedom and its confidence interval)
and statsmodels' ``CompareMeans(...).ttest_ind(usevar="unequal")`` and
``tconfint_diff(usevar="unequal")``, both on the raw arrays. The calibration simulates
experiments whose true means are known (seeded), and compares shares within 3 binomial
standard errors: SE = √(P(1 − P) ÷ experiments).
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

from planner.abtests.revenue import RevenueComparison, RevenueStats, welch
from planner.errors import PlanInvalid

SEED = 8_2027


def revenue_per_visitor(
    rng: np.random.Generator, visitors: int, conversion: float, mean_order: float
) -> np.ndarray:
    """Mostly zeros; a buyer spends a gamma amount (shape 2) averaging ``mean_order``."""
    bought = rng.random(visitors) < conversion
    return np.where(bought, rng.gamma(2.0, mean_order / 2.0, visitors), 0.0).round(2)


def datasets() -> list[object]:
    rng = np.random.default_rng(SEED)
    return [
        pytest.param(
            revenue_per_visitor(rng, 5_000, 0.05, 60.0),
            revenue_per_visitor(rng, 5_000, 0.055, 60.0),
            id="store-revenue-mostly-zeros",
        ),
        pytest.param(
            revenue_per_visitor(rng, 800, 0.2, 30.0),
            revenue_per_visitor(rng, 3_000, 0.1, 90.0),
            id="unequal-sizes-and-spreads",
        ),
        pytest.param(
            np.array([12.5, 0.0, -5.0, 30.0, 0.0, 0.0, 7.25]),
            np.array([0.0, 40.0, 0.0, 15.0, -20.0]),
            id="small-arms-with-refunds",
        ),
        pytest.param(np.array([1.0, 3.0]), np.array([2.0, 2.0, 8.0]), id="two-and-three"),
        pytest.param(np.full(50, 10.0), rng.normal(12, 3, 40), id="control-without-spread"),
    ]


# --- Sufficient statistics --------------------------------------------------------------------


@pytest.mark.parametrize(("control", "variant"), datasets())
def test_the_statistics_of_raw_values_are_numpys(control: np.ndarray, variant: np.ndarray) -> None:
    for values in (control, variant):
        arm = RevenueStats.of(values)

        assert arm.n == values.size
        assert arm.mean == pytest.approx(values.mean(), rel=1e-12)
        assert arm.variance == pytest.approx(values.var(ddof=1), rel=1e-12, abs=1e-12)
        assert arm.total == pytest.approx(values.sum(), rel=1e-12)
        assert arm.total_squares == pytest.approx((values**2).sum(), rel=1e-12)


@pytest.mark.parametrize(("control", "variant"), datasets())
def test_statistics_from_sums_match_the_raw_values(
    control: np.ndarray, variant: np.ndarray
) -> None:
    for values in (control, variant):
        arm = RevenueStats.from_sums(values.size, values.sum(), (values**2).sum())

        assert arm.mean == pytest.approx(values.mean(), rel=1e-12)
        assert arm.variance == pytest.approx(values.var(ddof=1), rel=1e-9, abs=1e-9)


def test_sums_far_from_zero_lose_only_the_digits_the_module_says() -> None:
    """Mean 10⁶, spread 1: x̄²/s² = 10¹², so about 12 of 16 digits go; 3 remain."""
    values = 1e6 + np.random.default_rng(SEED).normal(0, 1, 10_000)
    arm = RevenueStats.from_sums(values.size, values.sum(), (values**2).sum())

    assert arm.variance == pytest.approx(values.var(ddof=1), rel=1e-2)


def test_adding_two_chunks_is_the_statistics_of_both() -> None:
    """Chan, Golub & LeVeque's update keeps the two-pass accuracy, far from zero too."""
    rng = np.random.default_rng(SEED)
    first, second = 1e6 + rng.normal(0, 1, 3_000), 1e6 + 5 + rng.normal(0, 2, 7_000)
    both = RevenueStats.of(first) + RevenueStats.of(second)
    everything = np.concatenate([first, second])

    assert both.n == 10_000
    assert both.mean == pytest.approx(everything.mean(), rel=1e-14)
    assert both.variance == pytest.approx(everything.var(ddof=1), rel=1e-9)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(-1e6, 1e6), max_size=30),
    st.lists(st.floats(-1e6, 1e6), max_size=30),
)
def test_adding_statistics_is_concatenating_the_values(
    first: list[float], second: list[float]
) -> None:
    added = RevenueStats.of(first) + RevenueStats.of(second)
    together = RevenueStats.of(first + second)

    assert added.n == together.n
    assert (added.mean is None) == (together.mean is None)
    if together.mean is not None:
        assert added.mean == pytest.approx(together.mean, rel=1e-9, abs=1e-6)
    if together.variance is not None:
        assert added.variance == pytest.approx(together.variance, rel=1e-7, abs=1e-3)


def test_statistics_of_groups_are_each_groups_own() -> None:
    rng = np.random.default_rng(SEED)
    groups = rng.integers(0, 4, 20_000)
    values = revenue_per_visitor(rng, 20_000, 0.08, 50.0)
    values[groups == 2] = 0.0  # an arm where nobody bought
    groups[groups == 3] = 1  # and arm 3 has no visitors at all

    arms = RevenueStats.of_groups(values, groups, 4)

    for number, arm in enumerate(arms[:3]):
        own = values[groups == number]
        assert arm.n == own.size
        assert arm.mean == pytest.approx(own.mean(), rel=1e-12, abs=1e-15)
        assert arm.variance == pytest.approx(own.var(ddof=1), rel=1e-9, abs=1e-15)
    assert arms[3] == RevenueStats(n=0, mean=None, variance=None)


@pytest.mark.parametrize(
    ("values", "mean", "variance"),
    [
        pytest.param([], None, None, id="no-visitors"),
        pytest.param([25.0], 25.0, None, id="one-visitor"),
    ],
)
def test_an_arm_too_small_has_no_variance_rather_than_nan(
    values: list[float], mean: float | None, variance: float | None
) -> None:
    arm = RevenueStats.of(values)

    assert (arm.mean, arm.variance) == (mean, variance)


@pytest.mark.parametrize(
    ("call", "field", "code"),
    [
        pytest.param(lambda: RevenueStats.of([1.0, math.nan]), "values", "finite_number", id="nan"),
        pytest.param(lambda: RevenueStats.of([math.inf]), "values", "finite_number", id="inf"),
        pytest.param(lambda: RevenueStats.of([[1.0], [2.0]]), "values", "values_shape", id="2d"),
        pytest.param(lambda: RevenueStats.of(["a"]), "values", "float_type", id="text"),
        pytest.param(
            lambda: RevenueStats.from_sums(3, 30.0, 100.0),  # Σx² ≥ (Σx)²/n = 300
            "total_squares",
            "sums_inconsistent",
            id="impossible-sums",
        ),
        pytest.param(
            lambda: RevenueStats.from_sums(3, math.inf, 1.0), "total", "finite_number", id="inf-sum"
        ),
    ],
)
def test_values_no_data_can_have_are_refused_by_name(call: object, field: str, code: str) -> None:
    with pytest.raises(PlanInvalid) as refused:
        call()  # type: ignore[operator]

    assert [(problem.field, problem.code) for problem in refused.value.problems] == [(field, code)]


def test_sums_that_round_a_hair_below_zero_are_zero_spread() -> None:
    """Three visitors of 0.1: Σx² given as 0.02999999999999999, so Σx² − Σx·x̄ ≈ −7e-18."""
    arm = RevenueStats.from_sums(3, 0.3, 0.02999999999999999)

    assert arm.variance == 0.0


# --- Welch's test -----------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:Precision loss occurred:RuntimeWarning")  # constant control
@pytest.mark.parametrize(("control", "variant"), datasets())
def test_welch_matches_scipy_on_the_raw_values(control: np.ndarray, variant: np.ndarray) -> None:
    result = welch(RevenueStats.of(control), RevenueStats.of(variant))
    scipy_result = stats.ttest_ind(variant, control, equal_var=False)
    interval = scipy_result.confidence_interval(0.95)

    assert result.status == "ok"
    assert result.difference == pytest.approx(variant.mean() - control.mean(), rel=1e-12)
    assert result.t_statistic == pytest.approx(scipy_result.statistic, rel=1e-9)
    assert result.p_value == pytest.approx(scipy_result.pvalue, rel=1e-8, abs=1e-300)
    assert result.df == pytest.approx(scipy_result.df, rel=1e-9)
    assert result.ci_low == pytest.approx(interval.low, rel=1e-9)
    assert result.ci_high == pytest.approx(interval.high, rel=1e-9)


@pytest.mark.parametrize(("control", "variant"), datasets())
@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_welch_matches_statsmodels_compare_means(
    control: np.ndarray, variant: np.ndarray, confidence: float
) -> None:
    result = welch(RevenueStats.of(control), RevenueStats.of(variant), confidence=confidence)
    compared = CompareMeans(DescrStatsW(variant), DescrStatsW(control))
    statistic, p_value, df = compared.ttest_ind(usevar="unequal")
    low, high = compared.tconfint_diff(alpha=1 - confidence, usevar="unequal")

    assert (result.t_statistic, result.df) == pytest.approx((statistic, df), rel=1e-9)
    assert result.p_value == pytest.approx(p_value, rel=1e-8, abs=1e-300)
    assert (result.ci_low, result.ci_high) == pytest.approx((low, high), rel=1e-9)


def test_the_relative_lift_is_the_difference_over_controls_mean() -> None:
    """Hand-worked: control 2.00, variant 2.50 per visitor: +0.50, a 25% lift."""
    control = RevenueStats.of([0.0, 4.0, 2.0, 2.0])
    variant = RevenueStats.of([0.0, 5.0, 2.5, 2.5])

    result = welch(control, variant)

    assert (result.control_mean, result.variant_mean) == (2.0, 2.5)
    assert result.difference == 0.5
    assert result.relative_lift == pytest.approx(0.25)


@pytest.mark.parametrize(
    ("control", "variant", "status"),
    [
        pytest.param([], [1.0, 2.0], "too_few_visitors", id="empty-control"),
        pytest.param([3.0], [1.0, 2.0], "too_few_visitors", id="one-visitor"),
        pytest.param([0.0] * 100, [0.0] * 80, "no_variance", id="nobody-bought"),
        pytest.param([5.0] * 10, [7.0] * 10, "no_variance", id="everyone-spent-the-same"),
    ],
)
def test_degenerate_arms_give_a_status_and_no_nan(
    control: list[float], variant: list[float], status: str
) -> None:
    result = welch(RevenueStats.of(control), RevenueStats.of(variant))

    assert result.status == status
    assert result.p_value is None
    assert result.ci_low is None
    assert result.df is None
    assert "NaN" not in result.model_dump_json()
    assert RevenueComparison.model_validate(json.loads(result.model_dump_json())) == result


def test_the_means_are_still_given_when_the_test_cant_be_run() -> None:
    result = welch(RevenueStats.of([5.0] * 10), RevenueStats.of([7.0] * 10))

    assert (result.difference, result.relative_lift) == (2.0, pytest.approx(0.4))


def test_no_lift_is_given_when_control_spent_nothing() -> None:
    result = welch(RevenueStats.of([0.0, 0.0, 0.0]), RevenueStats.of([0.0, 3.0, 6.0]))

    assert result.status == "ok"
    assert result.relative_lift is None


@pytest.mark.parametrize("confidence", [0, 1, 1.5, -0.1, math.nan, True, "0.95"])
def test_a_confidence_outside_zero_and_one_is_refused_by_name(confidence: object) -> None:
    arm = RevenueStats.of([1.0, 2.0, 3.0])

    with pytest.raises(PlanInvalid) as refused:
        welch(arm, arm, confidence=confidence)  # type: ignore[arg-type]

    assert refused.value.fields() == {"confidence"}


# --- Calibration ------------------------------------------------------------------------------

EXPERIMENTS = 4_000
VISITORS = 2_000


def simulated_arms(
    rng: np.random.Generator, conversion: float, mean_order: float
) -> list[RevenueStats]:
    """``EXPERIMENTS`` arms of ``VISITORS``, each arm's statistics from numpy on its values."""
    values = np.where(
        rng.random((EXPERIMENTS, VISITORS)) < conversion,
        rng.gamma(2.0, mean_order / 2.0, (EXPERIMENTS, VISITORS)),
        0.0,
    )
    means, variances = values.mean(axis=1), values.var(axis=1, ddof=1)
    return [
        RevenueStats(n=VISITORS, mean=float(mean), variance=float(variance))
        for mean, variance in zip(means, variances, strict=True)
    ]


def within_three_standard_errors(share: float, expected: float, count: int) -> bool:
    return abs(share - expected) <= 3 * math.sqrt(expected * (1 - expected) / count)


def test_welchs_interval_covers_the_true_difference_95_percent_of_the_time() -> None:
    """True means: 5% × $60 = $3.00 and 6% × $60 = $3.60 per visitor: a difference of $0.60."""
    rng = np.random.default_rng(SEED)
    controls, variants = simulated_arms(rng, 0.05, 60.0), simulated_arms(rng, 0.06, 60.0)
    true_difference = 0.06 * 60.0 - 0.05 * 60.0

    results = [welch(control, variant) for control, variant in zip(controls, variants, strict=True)]
    covered = np.mean([r.ci_low <= true_difference <= r.ci_high for r in results])  # type: ignore[operator]

    assert within_three_standard_errors(float(covered), 0.95, EXPERIMENTS), covered


def test_welchs_false_positive_rate_in_aa_tests_is_alpha() -> None:
    rng = np.random.default_rng(SEED + 1)
    controls, variants = simulated_arms(rng, 0.05, 60.0), simulated_arms(rng, 0.05, 60.0)

    p_values = [welch(c, v).p_value for c, v in zip(controls, variants, strict=True)]
    rejected = np.mean([p < 0.05 for p in p_values])  # type: ignore[operator]

    assert within_three_standard_errors(float(rejected), 0.05, EXPERIMENTS), rejected
