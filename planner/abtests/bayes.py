"""The Bayesian view of a test: each arm's rate as a Beta posterior, compared with control's.

With a uniform prior, Beta(1, 1) (every rate equally likely before counting), an arm with n
visitors and c conversions has the posterior Beta(α, β), α = 1 + c, β = 1 + n − c (Gelman et
al., *Bayesian Data Analysis*, 3rd ed., 2013, §2.1). α and β are whole numbers ≥ 1, so every
posterior is proper, even for an empty arm (the prior itself), no conversions or all of them.
A is control, B a variant; everything is pairwise, the variant against control.

What is worked, and from what:

- ``chance_to_beat``: P(p_B > p_A).
- ``expected_loss``: E[max(p_A − p_B, 0)], the conversion rate given up, on average, by
  choosing B if A is in fact better; the control's own, E[max(p_B − p_A, 0)], follows from
  E[max(p_B − p_A, 0)] − E[max(p_A − p_B, 0)] = μ_B − μ_A (μ the posterior means).
- ``credible_interval``: the equal-tailed interval of the relative lift p_B ÷ p_A − 1, from the
  quantiles of L = log p_B − log p_A. It exists for any counts (p_A > 0 almost surely under a
  Beta posterior); with no conversions in control it is set by the prior more than by the
  data, and ``planner.abtests.analysis`` leaves it out then, as it does the relative lift.

How, by the smallest of the four posterior parameters (how far the posteriors are from normal):

- **at most** ``CLOSED_FORM_UP_TO``: the chance exactly, by Evan Miller's sum ("Formulas for
  Bayesian A/B Testing", 2015, https://www.evanmiller.org/bayesian-ab-testing.html):

      P(p_B > p_A) = Σ_{i=0}^{α_B−1} B(α_A + i, β_A + β_B) ÷ ((β_B + i)·B(1 + i, β_B)·B(α_A, β_A)),

  summed over whichever parameter is smallest (swapping the arms, P(p_B > p_A) =
  1 − P(p_A > p_B); mirroring the rates, p → 1 − p swaps α and β), in logs
  (``scipy.special.betaln``). The loss exactly too: because x·f(x; α, β) = μ·f(x; α + 1, β),

      E[max(p_A − p_B, 0)] = μ_A·P(X_{α_A+1, β_A} > p_B) − μ_B·P(p_A > X_{α_B+1, β_B}),

  X_{a, b} ~ Beta(a, b) (Chris Stucchio, "Bayesian A/B Testing at VWO", VWO whitepaper, 2015),
  each chance by Miller's sum. When both rates are above 1/2 all of it is worked on q = 1 − p
  (E[max(p_A − p_B, 0)] = E[max(q_B − q_A, 0)]): the two terms of the loss nearly cancel, and
  with means near 0 rather than near 1 what is left keeps its digits (2.5e-13 exactly for
  10¹² − 3 and 10¹² − 1 conversions of 10¹²).
- **in between**: Gauss–Legendre quadrature (``QUADRATURE_NODES`` nodes) over the posterior
  that is narrower on the log scale, on its log-scale mean − 20 sd to + 12 sd (the left tail
  of log Beta(1, β) decays like eᵘ: 20 sd leave out less than 1e-11), so that the other
  posterior's distribution function (``scipy.special.betainc``) is smooth across the window.
  Over A's nodes a: P(p_B > p_A) = E[1 − F_B(a)] and E[max(p_A − p_B, 0)] =
  E[a·F_B(a) − μ_B·F_{B+}(a)], F_{B+} the distribution function of Beta(α_B + 1, β_B); over
  B's nodes b: P = E[F_A(b)] and the loss E[μ_A·(1 − F_{A+}(b)) − b·(1 − F_A(b))] (the same
  identity x·f = μ·f₊ inside the inner expectation). Rates above 1/2 are evaluated as
  1 − F(1 − x) with 1 − x = −expm1(log x), so rates a hair below 100% keep their digits; an
  arm with both parameters past ``NORMAL_FROM`` is evaluated as normal (betainc takes about
  0.1 ms a point there).
- **from** ``NORMAL_FROM`` (a million conversions and a million non-conversions in each arm):
  both posteriors as normal with their exact means and variances, so D = p_A − p_B ~ N(m, s²):
  P(p_B > p_A) = Φ(−m/s), E[max(D, 0)] = m·Φ(m/s) + s·φ(m/s). A Beta's skewness is at most
  2 ÷ √min(α, β), here 0.002; the first Edgeworth term bounds the chance's error by
  0.002 ÷ 6 × max|(z² − 1)φ(z)| ≈ 1.4e-4.

The interval's quantiles: L's cumulants are exact. log Beta(α, β) has the cumulant generating
function ln Γ(α + s) − ln Γ(α) − ln Γ(α + β + s) + ln Γ(α + β) (from E[Xˢ] = B(α + s, β) ÷
B(α, β); Johnson, Kotz & Balakrishnan, *Continuous Univariate Distributions* vol. 2, 2nd ed.,
1995, ch. 25), so κₙ = ψ⁽ⁿ⁻¹⁾(α) − ψ⁽ⁿ⁻¹⁾(α + β), and κₙ(L) = κₙ(log p_B) + (−1)ⁿ·κₙ(log p_A).
The Cornish–Fisher expansion with skewness and kurtosis (Abramowitz & Stegun, *Handbook of
Mathematical Functions*, 1964, 26.2.49) gives the quantiles in the normal regime; below it,
it starts safeguarded Newton steps on P(L ≤ t) by the quadrature above (over A's nodes
E[F_B(a·eᵗ)], over B's E[1 − F_A(b·e⁻ᵗ)]; the step's slope, L's density, by the same nodes),
solved to ``QUANTILE_TOLERANCE`` in probability (usually two steps each). No random draws,
so no seed, and about 0.1 ms where 200,000 draws would take 10 ms.
When an arm converted every visitor (or is empty), its density does not vanish at 1 and the
integrand has a kink: the quadrature is then good to about 1e-4 in probability, not 1e-9.

Accuracy, checked in ``tests/unit/test_ab_bayes.py`` against brute-force integrals and 10⁶
seeded posterior draws: the chance within 0.001 in every regime, the loss and the interval's
tail probabilities within the draws' standard errors.
"""

from __future__ import annotations

import functools
import math
from statistics import NormalDist
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from scipy import special  # type: ignore[import-untyped]

from planner.abtests.arms import Arm

CLOSED_FORM_UP_TO = 100
"""Miller's sums while the smallest posterior parameter is at most this (that many terms)."""
NORMAL_FROM = 1_000_000
"""From here (every posterior parameter at least this) the posteriors are taken as normal."""
QUADRATURE_NODES = 64
"""Gauss–Legendre nodes over the narrower posterior (log scale)."""
WINDOW_BELOW_SD = 20.0
WINDOW_ABOVE_SD = 12.0
NEGLIGIBLE_WEIGHT = 1e-16
"""Nodes weighing less than this, relative to the heaviest, are dropped (faster, same sums)."""
QUANTILE_TOLERANCE = 1e-9
"""How close P(L ≤ t) must come to the wanted probability."""
MAX_NEWTON_STEPS = 60
_NEWTON_REACH_SD = 3.0  # the longest Newton step, in sd of L
_START_REACH_SD = 6.0  # a Cornish–Fisher start further than this from L's mean is cut back

FloatArray = npt.NDArray[np.float64]
_STANDARD_NORMAL = NormalDist()


class Posterior(NamedTuple):
    """Beta(alpha, beta): an arm's rate after its counts, from a uniform prior."""

    alpha: int
    beta: int

    @property
    def mean(self) -> float:
        """α ÷ (α + β)."""
        return self.alpha / (self.alpha + self.beta)

    @property
    def variance(self) -> float:
        """αβ ÷ ((α + β)²(α + β + 1))."""
        total = self.alpha + self.beta
        return self.alpha / total * (self.beta / total) / (total + 1)

    @property
    def mirrored(self) -> Posterior:
        """The posterior of 1 − p."""
        return Posterior(self.beta, self.alpha)

    @property
    def shifted(self) -> Posterior:
        """Beta(α + 1, β), whose density is x·f(x) ÷ the mean."""
        return Posterior(self.alpha + 1, self.beta)

    @property
    def smallest(self) -> int:
        """The smaller parameter: how far from normal the posterior is."""
        return min(self.alpha, self.beta)

    def log_cumulants(self) -> tuple[float, float, float, float]:
        """κ₁..κ₄ of log p: ψ⁽ⁿ⁻¹⁾(α) − ψ⁽ⁿ⁻¹⁾(α + β)."""
        return _log_cumulants(self.alpha, self.beta)


class Comparison(NamedTuple):
    """A variant against control, the Bayesian way (see the module for each formula)."""

    chance_to_beat: float
    expected_loss: float
    control_expected_loss: float
    credible_interval: tuple[float, float]


def posterior(arm: Arm) -> Posterior:
    """Beta(1 + conversions, 1 + visitors − conversions)."""
    return Posterior(1 + arm.conversions, 1 + arm.visitors - arm.conversions)


# --- Public ------------------------------------------------------------------------------------


def chance_to_beat(control: Arm, variant: Arm) -> float:
    """P(p_B > p_A): the chance the variant's rate is above control's."""
    return _Pair(posterior(control), posterior(variant)).chance_and_losses()[0]


def expected_loss(control: Arm, variant: Arm) -> float:
    """E[max(p_A − p_B, 0)]: the rate given up, on average, by choosing the variant."""
    return _Pair(posterior(control), posterior(variant)).chance_and_losses()[1]


def credible_interval(control: Arm, variant: Arm, level: float = 0.95) -> tuple[float, float]:
    """The equal-tailed ``level`` credible interval of the relative lift p_B ÷ p_A − 1.

    Raises:
        ValueError: unless 0 < level < 1.
    """
    return _Pair(posterior(control), posterior(variant)).credible_interval(level)


def compare(control: Arm, variant: Arm, level: float = 0.95) -> Comparison:
    """All of the above at once, sharing the quadrature nodes (what the analysis calls).

    Raises:
        ValueError: unless 0 < level < 1.
    """
    pair = _Pair(posterior(control), posterior(variant))
    chance, loss, control_loss = pair.chance_and_losses()
    return Comparison(chance, loss, control_loss, pair.credible_interval(level))


# --- The pair ---------------------------------------------------------------------------------


class _Pair:
    """Control's posterior A and a variant's B, worked in the regime their size calls for."""

    def __init__(self, a: Posterior, b: Posterior) -> None:
        self.a, self.b = a, b
        smallest = min(a.smallest, b.smallest)
        self.closed_form = smallest <= CLOSED_FORM_UP_TO
        self.normal = smallest >= NORMAL_FROM
        self._quadrature: _Quadrature | None = None

    @property
    def quadrature(self) -> _Quadrature:
        """Nodes over the posterior narrower on the log scale, built once."""
        if self._quadrature is None:
            self._quadrature = _Quadrature(self.a, self.b)
        return self._quadrature

    def chance_and_losses(self) -> tuple[float, float, float]:
        """P(p_B > p_A), E[max(p_A − p_B, 0)] and E[max(p_B − p_A, 0)]."""
        a, b = self.a, self.b
        if self.closed_form and min(a.mean, b.mean) > 1 / 2:  # as 1 − p: see _stucchio
            chance = _closed_form(a.mirrored, b.mirrored)
            loss = _stucchio(b.mirrored, a.mirrored)
            control_loss = loss + a.mirrored.mean - b.mirrored.mean
        elif self.closed_form:
            chance = _closed_form(b, a)
            loss = _stucchio(a, b)
            control_loss = loss + b.mean - a.mean
        elif self.normal:
            difference = a.mean - b.mean
            spread = math.sqrt(a.variance + b.variance)
            z = difference / spread
            chance = float(special.ndtr(-z))
            loss = difference * float(special.ndtr(z)) + spread * _normal_density(z)
            control_loss = -difference * chance + spread * _normal_density(z)
        else:
            chance, loss, control_loss = self.quadrature.chance_and_losses()
        return min(max(chance, 0.0), 1.0), max(loss, 0.0), max(control_loss, 0.0)

    def credible_interval(self, level: float) -> tuple[float, float]:
        """The equal-tailed interval of p_B ÷ p_A − 1."""
        if not 0 < level < 1:
            raise ValueError(f"level must be > 0 and < 1, got {level}")
        tail = (1 - level) / 2
        low, high = self.log_ratio_quantiles((tail, 1 - tail))
        return math.expm1(low), math.expm1(high)

    def log_ratio_quantiles(self, wanted: tuple[float, ...]) -> tuple[float, ...]:
        """Quantiles of L = log p_B − log p_A: Cornish–Fisher, then Newton below NORMAL_FROM."""
        cumulants = _difference_cumulants(self.b, self.a)
        starts = [_cornish_fisher(cumulants, probability) for probability in wanted]
        if self.normal:
            return tuple(starts)
        mean, spread = cumulants[0], math.sqrt(cumulants[1])
        reach = _START_REACH_SD * spread
        return tuple(
            _newton(
                self.quadrature, probability, min(max(start, mean - reach), mean + reach), spread
            )
            for probability, start in zip(wanted, starts, strict=True)
        )


def _normal_density(z: float) -> float:
    return math.exp(-z * z / 2) / math.sqrt(2 * math.pi)


# --- Miller's sum -----------------------------------------------------------------------------


def _closed_form(x: Posterior, y: Posterior) -> float:
    """P(X > Y) by Evan Miller's sum over the smallest of the four parameters."""
    smallest = min(x.smallest, y.smallest)
    if x.alpha == smallest:
        return _miller(y, x)
    if y.alpha == smallest:
        return 1 - _miller(x, y)
    if y.beta == smallest:  # P(X > Y) = P(1 − Y > 1 − X)
        return _miller(x.mirrored, y.mirrored)
    return 1 - _miller(y.mirrored, x.mirrored)


def _stucchio(a: Posterior, b: Posterior) -> float:
    """E[max(p_a − p_b, 0)] = μ_a·P(X_{α_a+1, β_a} > p_b) − μ_b·P(p_a > X_{α_b+1, β_b}).

    The two terms nearly cancel when the loss is small against the means, so rates near 100%
    are worked as 1 − p (E[max(p_A − p_B, 0)] = E[max(q_B − q_A, 0)], q = 1 − p), where the
    means are small: the error stays a few units in the 16th digit of the loss's scale.
    Miller's sums make E[max(p_B − p_A, 0)] − E[max(p_A − p_B, 0)] = μ_B − μ_A exactly, so the
    other loss is that difference away.
    """
    return a.mean * _closed_form(a.shifted, b) - b.mean * _closed_form(a, b.shifted)


def _miller(a: Posterior, b: Posterior) -> float:
    """P(p_b > p_a) = Σ_{i<α_b} B(α_a + i, β_a + β_b) ÷ ((β_b + i)·B(1 + i, β_b)·B(α_a, β_a))."""
    i = np.arange(b.alpha, dtype=np.float64)
    log_terms = (
        special.betaln(a.alpha + i, a.beta + b.beta)
        - np.log(b.beta + i)
        - special.betaln(1 + i, b.beta)
        - special.betaln(a.alpha, a.beta)
    )
    return float(np.exp(log_terms).sum())


# --- Quadrature -------------------------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def _log_cumulants(alpha: int, beta: int) -> tuple[float, float, float, float]:
    orders = np.arange(4)
    values = special.polygamma(orders, float(alpha)) - special.polygamma(
        orders, float(alpha + beta)
    )
    first, second, third, fourth = (float(value) for value in values)
    return first, second, third, fourth


@functools.cache
def _legendre() -> tuple[FloatArray, FloatArray]:
    nodes, weights = np.polynomial.legendre.leggauss(QUADRATURE_NODES)
    return nodes, weights


def _log_density(p: Posterior, v: FloatArray) -> FloatArray:
    """Density of log p at v: f(eᵛ)·eᵛ = exp(αv + (β − 1)·ln(1 − eᵛ) − ln B(α, β)); 0 for v ≥ 0.

    1 − eᵛ is −expm1(v), exact near v = 0 (rates near 100%); ``xlogy`` makes
    (β − 1)·ln 0 zero for β = 1 and −∞ otherwise, without a warning.
    """
    inside = np.minimum(v, 0.0)
    log_density = (
        p.alpha * inside
        + special.xlogy(p.beta - 1, -np.expm1(inside))
        - special.betaln(p.alpha, p.beta)
    )
    return np.where(v < 0, np.exp(log_density), 0.0)


def _below(p: Posterior, log_points: FloatArray) -> FloatArray:
    """P(p ≤ eᵛ) for each v (1 from v = 0 on).

    For a posterior above 1/2 it is 1 − P(1 − p < 1 − eᵛ), with 1 − eᵛ = −expm1(v): a rate a
    hair below 100% keeps its digits (eᵛ itself would round them away near 1).
    """
    inside = np.minimum(log_points, 0.0)
    if p.smallest >= NORMAL_FROM:  # as normal: betainc takes ~0.1 ms a point at 1e10
        return _normal_below(p, inside)
    if p.alpha > p.beta:
        mirrored: FloatArray = 1 - special.betainc(p.beta, p.alpha, -np.expm1(inside))
        return mirrored
    result: FloatArray = special.betainc(p.alpha, p.beta, np.exp(inside))
    return result


def _normal_below(p: Posterior, inside: FloatArray) -> FloatArray:
    """P(p ≤ eᵛ) with p ~ N(mean, variance), x − mean worked on the side that keeps digits."""
    total = p.alpha + p.beta
    if p.alpha > p.beta:  # x − μ = (1 − μ) − (1 − x)
        distance = p.beta / total + np.expm1(inside)
    else:
        distance = np.exp(inside) - p.alpha / total
    result: FloatArray = special.ndtr(distance / math.sqrt(p.variance))
    return result


class _Quadrature:
    """Gauss–Legendre nodes over log p_A or log p_B, whichever is narrower (κ₂).

    ``over_a`` says which; ``nodes`` are log rates, ``weights`` the density there times the
    Gauss–Legendre weight, normalised to sum to 1 (which also cancels any error in B(α, β)).
    """

    def __init__(self, a: Posterior, b: Posterior) -> None:
        self.a, self.b = a, b
        self.over_a = a.log_cumulants()[1] <= b.log_cumulants()[1]
        inner = a if self.over_a else b
        mean, variance, _, _ = inner.log_cumulants()
        spread = math.sqrt(variance)
        low = mean - WINDOW_BELOW_SD * spread
        high = min(mean + WINDOW_ABOVE_SD * spread, 0.0)
        unit_nodes, unit_weights = _legendre()
        self.nodes = low + (unit_nodes + 1) * (high - low) / 2
        weights = unit_weights * _log_density(inner, self.nodes)
        kept = weights > weights.max() * NEGLIGIBLE_WEIGHT  # the window's far ends
        self.nodes = self.nodes[kept]
        self.weights = weights[kept] / weights[kept].sum()

    def chance_and_losses(self) -> tuple[float, float, float]:
        """P(p_B > p_A), E[max(p_A − p_B, 0)] and E[max(p_B − p_A, 0)] (see the module)."""
        a, b, points = self.a, self.b, np.exp(self.nodes)
        if self.over_a:  # E over a of: 1 − F_B(a), E[(a − B)⁺], E[(B − a)⁺]
            below = _below(b, self.nodes)
            below_shifted = _below(b.shifted, self.nodes)
            chance = 1 - below
            loss = points * below - b.mean * below_shifted
            control_loss = b.mean * (1 - below_shifted) - points * (1 - below)
        else:  # E over b of: F_A(b), E[(A − b)⁺], E[(b − A)⁺]
            below = _below(a, self.nodes)
            below_shifted = _below(a.shifted, self.nodes)
            chance = below
            loss = a.mean * (1 - below_shifted) - points * (1 - below)
            control_loss = points * below - a.mean * below_shifted
        weights = self.weights
        return float(chance @ weights), float(loss @ weights), float(control_loss @ weights)

    def log_ratio_cdf(self, t: float) -> float:
        """P(log p_B − log p_A ≤ t)."""
        if self.over_a:
            values = _below(self.b, self.nodes + t)
        else:
            values = 1 - _below(self.a, self.nodes - t)
        return float(values @ self.weights)

    def log_ratio_density(self, t: float) -> float:
        """The density of log p_B − log p_A at t."""
        if self.over_a:
            values = _log_density(self.b, self.nodes + t)
        else:
            values = _log_density(self.a, self.nodes - t)
        return float(values @ self.weights)


# --- Quantiles of the log ratio ---------------------------------------------------------------


def _difference_cumulants(x: Posterior, y: Posterior) -> tuple[float, float, float, float]:
    """κₙ(log X − log Y) = κₙ(log X) + (−1)ⁿ·κₙ(log Y)."""
    of_x, of_y = x.log_cumulants(), y.log_cumulants()
    return (of_x[0] - of_y[0], of_x[1] + of_y[1], of_x[2] - of_y[2], of_x[3] + of_y[3])


def _cornish_fisher(cumulants: tuple[float, float, float, float], probability: float) -> float:
    """Abramowitz & Stegun 26.2.49, to the γ₁², γ₂ terms."""
    mean, variance, third, fourth = cumulants
    skewness = third / variance**1.5
    kurtosis = fourth / variance**2
    z = _STANDARD_NORMAL.inv_cdf(probability)
    w = (
        z
        + (z * z - 1) * skewness / 6
        + (z**3 - 3 * z) * kurtosis / 24
        - (2 * z**3 - 5 * z) * skewness * skewness / 36
    )
    return mean + math.sqrt(variance) * w


def _newton(quadrature: _Quadrature, wanted: float, start: float, spread: float) -> float:
    """Solve P(L ≤ t) = wanted by Newton steps, bisecting once a step leaves the bracket."""
    t, low, high = start, -math.inf, math.inf
    reach = _NEWTON_REACH_SD * spread
    for _ in range(MAX_NEWTON_STEPS):
        error = quadrature.log_ratio_cdf(t) - wanted
        if abs(error) < QUANTILE_TOLERANCE:
            break
        if error < 0:
            low = t
        else:
            high = t
        density = quadrature.log_ratio_density(t)
        step = -error / density if density > 0 else -math.copysign(reach, error)
        proposal = t + min(max(step, -reach), reach)
        bracketed = math.isfinite(low) and math.isfinite(high)
        t = (low + high) / 2 if bracketed and not low < proposal < high else proposal
    return t
