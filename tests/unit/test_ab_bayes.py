"""The Bayesian view of a test (``planner.abtests.bayes``), against numbers worked without it.

Two oracles, named beside each test:

- **a brute-force integral on a fine grid**: the posteriors' densities, from their log
  (α − 1)·ln x + (β − 1)·ln(1 − x) alone, on 400,001 points spanning both posteriors (mean
  ± 14 sd, cut to [0, 1]), normalised by the trapezoid rule; each distribution function is the
  running trapezoid integral of its own density on the grid. Then P(p_B > p_A) = ∫ f_B·F_A,
  E[max(p_A − p_B, 0)] = ∫ F_B·(1 − F_A) (since max(a − b, 0) = ∫ 1{b < t < a} dt) and
  E[max(p_B − p_A, 0)] = ∫ F_A·(1 − F_B). No scipy distribution and no formula of the module
  is used, so it checks Miller's sum, the quadrature and the normal regime alike;
- **10⁶ seeded posterior draws** (``numpy.random.Generator.beta``; of 1 − p when both rates
  are above 1/2, which keeps the digits of rates a hair below 100%): a share is compared
  within 3 standard errors √(P(1 − P) ÷ 10⁶), a mean within 3 standard errors of the draws'.
  The interval is checked through its tails: the share of draws of p_B ÷ p_A − 1 below each
  bound must be 2.5% and 97.5% within 3 standard errors (a quantile's own error is large
  where the ratio's density is flat, its tail probability's is not).

Every chance must also be within 0.001 of the grid, the accuracy the issue asks for.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import pytest
from scipy import special

from planner.abtests import bayes
from planner.abtests.arms import Arm

DRAWS = 1_000_000
SEED = 20_270_301
GRID_POINTS = 400_001
Floats = npt.NDArray[np.float64]


class Grid(NamedTuple):
    """Brute-force answers for a pair of arms (see the module docstring)."""

    chance: float
    loss: float
    control_loss: float


def _posterior_parameters(arm: Arm) -> tuple[float, float]:
    return 1.0 + arm.conversions, 1.0 + arm.visitors - arm.conversions


def _running_integral(values: Floats, x: Floats) -> Floats:
    steps = (values[1:] + values[:-1]) / 2 * np.diff(x)
    return np.concatenate([[0.0], np.cumsum(steps)])


def brute_force(control: Arm, variant: Arm) -> Grid:
    """P(p_B > p_A) and both expected losses by the trapezoid rule on one fine grid."""
    params = [_posterior_parameters(control), _posterior_parameters(variant)]
    edges = []
    for alpha, beta in params:
        mean = alpha / (alpha + beta)
        sd = math.sqrt(mean * (1 - mean) / (alpha + beta + 1))
        edges += [mean - 14 * sd, mean + 14 * sd]
    x = np.linspace(max(min(edges), 0.0), min(max(edges), 1.0), GRID_POINTS)
    densities, cdfs = [], []
    for alpha, beta in params:
        log_density = special.xlogy(alpha - 1, x) + special.xlog1py(beta - 1, -x)
        density = np.exp(log_density - log_density.max())
        density /= np.trapezoid(density, x)
        densities.append(density)
        cdfs.append(np.minimum(_running_integral(density, x), 1.0))
    f_b, cdf_a, cdf_b = densities[1], cdfs[0], cdfs[1]
    return Grid(
        chance=float(np.trapezoid(f_b * cdf_a, x)),
        loss=float(np.trapezoid(cdf_b * (1 - cdf_a), x)),
        control_loss=float(np.trapezoid(cdf_a * (1 - cdf_b), x)),
    )


def draws(arm: Arm, rng: np.random.Generator, *, mirrored: bool = False) -> Floats:
    """Posterior draws of the rate p, or of 1 − p when ``mirrored``."""
    alpha, beta = _posterior_parameters(arm)
    return rng.beta(beta, alpha, DRAWS) if mirrored else rng.beta(alpha, beta, DRAWS)


def arms(control: tuple[int, int], variant: tuple[int, int]) -> tuple[Arm, Arm]:
    """(visitors, conversions) pairs as arms."""
    return (
        Arm(visitors=control[0], conversions=control[1]),
        Arm(visitors=variant[0], conversions=variant[1]),
    )


# Each regime and each branch of Miller's sum (which of α_A, α_B, β_A, β_B is smallest).
CASES = [
    pytest.param((1_000, 10), (1_000, 15), id="miller-variant-alpha-smallest"),
    pytest.param((1_000, 40), (50, 3), id="miller-control-alpha-smallest"),
    pytest.param((100, 100), (100, 97), id="miller-all-converted-control"),
    pytest.param((60, 50), (40, 40), id="miller-all-converted-variant"),
    pytest.param((500, 0), (1_000, 0), id="miller-no-conversions"),
    pytest.param((0, 0), (10, 5), id="miller-empty-control"),
    pytest.param((10**12, 0), (10**12, 5), id="miller-trillion-visitors-few-conversions"),
    pytest.param((20_000, 900), (20_000, 1_000), id="quadrature-typical"),
    pytest.param((5_000, 300), (200_000, 12_500), id="quadrature-unequal-arms"),
    pytest.param((100_000, 99_000), (100_000, 98_800), id="quadrature-mostly-converted"),
    pytest.param((10**12, 10**5), (10**12, 100_900), id="quadrature-trillion-visitors"),
    pytest.param((10**12, 10**10), (10**12, 10**10 + 150_000), id="normal-trillion-visitors"),
    pytest.param((4 * 10**6, 2 * 10**6), (10**7, 5 * 10**6 + 4_000), id="normal-unequal-arms"),
]


@pytest.mark.parametrize(("control", "variant"), CASES)
def test_chance_and_losses_match_the_brute_force_grid(
    control: tuple[int, int], variant: tuple[int, int]
) -> None:
    a, b = arms(control, variant)
    grid = brute_force(a, b)
    seen = bayes.compare(a, b)
    # Miller's sum and the quadrature are exact up to rounding (1e-8 seen); the normal regime
    # is bounded by 1.4e-4 (the module's Edgeworth bound). The issue asks 1e-3.
    normal = min(*_posterior_parameters(a), *_posterior_parameters(b)) >= bayes.NORMAL_FROM
    assert seen.chance_to_beat == pytest.approx(grid.chance, abs=1.5e-4 if normal else 1e-6)
    assert seen.chance_to_beat == bayes.chance_to_beat(a, b)
    scale = max(grid.loss, grid.control_loss)  # both losses to 0.01% of the larger
    assert seen.expected_loss == pytest.approx(grid.loss, abs=1e-4 * scale)
    assert seen.expected_loss == bayes.expected_loss(a, b)
    assert seen.control_expected_loss == pytest.approx(grid.control_loss, abs=1e-4 * scale)


@pytest.mark.parametrize(
    ("control", "variant"),
    [
        pytest.param((1_000, 10), (1_000, 15), id="miller-small-counts"),
        pytest.param((100, 100), (100, 97), id="miller-all-converted"),
        pytest.param((0, 0), (10, 5), id="miller-empty-control"),
        pytest.param((20_000, 900), (20_000, 1_000), id="quadrature"),
        pytest.param((5_000, 300), (200_000, 12_500), id="quadrature-unequal-arms"),
        pytest.param((10**12, 10**10), (10**12, 10**10 + 150_000), id="normal-trillion-visitors"),
        pytest.param(
            (5_087_270, 5_087_270), (10**12, 266_316_528_449), id="all-converted-against-trillion"
        ),
        pytest.param((10**12, 10**12 - 3), (10**12, 10**12 - 1), id="trillion-all-but-a-few"),
    ],
)
def test_the_bayesian_view_matches_a_million_posterior_draws(
    control: tuple[int, int], variant: tuple[int, int]
) -> None:
    a, b = arms(control, variant)
    rng = np.random.default_rng(SEED)
    seen = bayes.compare(a, b)
    if min(a.rate or 0, b.rate or 0) > 0.5:
        # Rates a hair below 100% are drawn as q = 1 − p ~ Beta(β, α): 1 − q would round
        # their differences (10⁻¹² here) to float noise. Then p_a − p_b = q_b − q_a and
        # p_b ÷ p_a − 1 = (q_a − q_b) ÷ (1 − q_a).
        q_a, q_b = draws(a, rng, mirrored=True), draws(b, rng, mirrored=True)
        difference, lift = q_b - q_a, (q_a - q_b) / (1 - q_a)
    else:
        p_a, p_b = draws(a, rng), draws(b, rng)
        difference, lift = p_a - p_b, p_b / p_a - 1

    share = float(np.mean(difference < 0))
    assert abs(seen.chance_to_beat - share) <= 3 * math.sqrt(share * (1 - share) / DRAWS)
    assert abs(seen.chance_to_beat - share) <= 0.001 + 3 * math.sqrt(0.25 / DRAWS)
    for loss, shortfall in [
        (seen.expected_loss, np.maximum(difference, 0.0)),
        (seen.control_expected_loss, np.maximum(-difference, 0.0)),
    ]:
        error = 3 * float(shortfall.std()) / math.sqrt(DRAWS)
        assert abs(loss - float(shortfall.mean())) <= error

    low, high = seen.credible_interval
    for bound, tail in [(low, 0.025), (high, 0.975)]:
        below = float(np.mean(lift <= bound))
        assert abs(below - tail) <= 3 * math.sqrt(tail * (1 - tail) / DRAWS)


def test_identical_arms_are_a_coin_flip_with_a_symmetric_interval() -> None:
    # By symmetry P(p_B > p_A) = 1/2, both losses are equal, and log p_B − log p_A is
    # symmetric about 0, so the bounds are e^{−t} − 1 and e^{t} − 1: (1 + low)(1 + high) = 1.
    for counts in [(1_000, 10), (20_000, 900), (10**12, 10**10)]:
        a, b = arms(counts, counts)
        seen = bayes.compare(a, b)
        assert seen.chance_to_beat == pytest.approx(0.5, abs=1e-7)
        assert seen.expected_loss == pytest.approx(seen.control_expected_loss, rel=1e-6)
        low, high = seen.credible_interval
        assert (1 + low) * (1 + high) == pytest.approx(1, abs=1e-7)
        assert low < 0 < high


def test_no_conversions_in_either_arm_of_equal_size_is_a_coin_flip() -> None:
    # Beta(1, 1001) against itself: 1/2 exactly, by symmetry; Miller's sum has one term.
    a, b = arms((1_000, 0), (1_000, 0))
    assert bayes.chance_to_beat(a, b) == pytest.approx(0.5, abs=1e-9)


def test_one_conversion_against_none_by_hand() -> None:
    # A ~ Beta(1, 11) (0 of 10), B ~ Beta(2, 10) (1 of 10); B(1, n) = 1/n, B(2, n) = 1/(n(n+1)).
    # Miller's sum over α_B = 2 terms:
    # i = 0: B(1, 21) ÷ (10·B(1, 10)·B(1, 11)) = (1/21) ÷ (10·(1/10)·(1/11)) = 11/21;
    # i = 1: B(2, 21) ÷ (11·B(2, 10)·B(1, 11)) = (1/462) ÷ (11·(1/110)·(1/11)) = 110/462 = 5/21.
    # P = 16/21.
    a, b = arms((10, 0), (10, 1))
    assert bayes.chance_to_beat(a, b) == pytest.approx(16 / 21, abs=1e-12)


def test_nothing_is_nan_at_the_extremes() -> None:
    extremes = [(0, 0), (1, 0), (1, 1), (10**12, 0), (10**12, 10**12), (10**12, 1), (2, 1)]
    for control in extremes:
        for variant in extremes:
            seen = bayes.compare(*arms(control, variant))
            numbers = [seen.chance_to_beat, seen.expected_loss, seen.control_expected_loss]
            assert all(math.isfinite(number) for number in [*numbers, *seen.credible_interval])
            assert 0 <= seen.chance_to_beat <= 1
            assert min(seen.expected_loss, seen.control_expected_loss) >= 0
            assert -1 <= seen.credible_interval[0] <= seen.credible_interval[1]


def test_a_level_outside_zero_and_one_is_refused() -> None:
    a, b = arms((100, 10), (100, 12))
    with pytest.raises(ValueError, match=r"level must be > 0 and < 1, got 1\.5"):
        bayes.credible_interval(a, b, level=1.5)
