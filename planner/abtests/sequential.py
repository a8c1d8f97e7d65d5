"""The always-valid p-value of the mixture SPRT (mSPRT), for teams that look before the end.

A fixed-horizon test (``planner.abtests.sizing``) may be read once. This p-value may be read
after every visitor and the test stopped the first time it is below α, with the chance of a
false positive still at most α: Johari, Koomen, Pekelis & Walsh, "Peeking at A/B Tests: Why
it matters, and what to do about it", KDD 2017, and "Always Valid Inference: Continuous
Monitoring of A/B Tests", Operations Research 70(3), 2022.

The statistic, in the normal approximation those papers use for two proportions: with
θ̂ = p̂_B − p̂_A (variant minus control), V = p̂_A q̂_A + p̂_B q̂_B the variance of one pair of
visitors, n visitors per arm and the effect mixed over N(0, τ²),

    Λₙ = √(V ÷ (V + nτ²)) · exp(n²τ²θ̂² ÷ (2V(V + nτ²))).

Written with v = V ÷ n, the variance of θ̂, it reads Λ = √(v ÷ (v + τ²)) · exp(τ²θ̂² ÷
(2v(v + τ²))), and that is how it is computed here, with v = p̂_A q̂_A ÷ n_A + p̂_B q̂_B ÷ n_B,
so arms of unequal size are handled the same way. Under H0 (θ = 0), with the variance
known, Λ is a martingale, so by Ville's inequality P(Λ ever reaches 1/α) ≤ α (with V
estimated, as here, it holds approximately: the tests check it by simulation). The
always-valid p-value is therefore the running minimum of 1/Λ over every look so far (capped
at 1). At a single look, min(1, 1/Λ) is itself valid at any stopping time;
``always_valid_p_values`` keeps the running minimum.

τ: any τ fixed before the test keeps the guarantee; it only trades power between effect
sizes, and Johari et al. tune it to the effects expected (in their case from past tests).
Here τ is matched to the planned effect: τ = the minimum detectable effect in absolute terms
(``sequential_sample_size``'s default; callers that sized the test should pass it).
Without it the p-value functions take τ = 10% of the pooled conversion rate (the 10%
relative lift most tests are planned for), from the look given, or for a history from its
first look with conversions.

Degenerate looks give p = 1 and never NaN: an arm with no visitors, or no conversions (or
only conversions) in both arms. When both arms are at 0% or 100% but not the same one, the
unpooled variance is 0 and the pooled p̄q̄(1/n_A + 1/n_B) is used instead.

``sequential_sample_size`` is the sample the mSPRT needs per arm: the smallest n at which
P(Λₙ ≥ 1/α) ≥ power when θ̂ ~ N(θ, V ÷ n), V = p₁q₁ + p₂q₂ at the planned rates. Only the
final look is counted, although the test may have stopped earlier, so this n is an upper
bound on what is needed (conservative). It is larger than the fixed-horizon size for the
same inputs: that is the price of being allowed to look.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from scipy.optimize import brentq  # type: ignore[import-untyped]
from scipy.stats import norm  # type: ignore[import-untyped]

from planner.abtests.arms import Arm
from planner.abtests.checks import raise_if, range_problem, rule_problem
from planner.abtests.sizing import (
    MAX_VISITORS,
    _design,
    _too_large,
    _variant_rate,
    fleiss_control_size,
)
from planner.errors import PlanInvalid

DEFAULT_RELATIVE_TAU = 0.10
"""Without a planned effect, τ is this share of the pooled conversion rate."""


def always_valid_p_value(control: Arm, variant: Arm, *, tau: float | None = None) -> float:
    """min(1, 1/Λ) for the data so far: the always-valid p-value at this look.

    ``tau`` is the planned effect in absolute terms (see the module docstring); 1.0 for a
    degenerate look.

    Raises:
        PlanInvalid: naming ``tau`` unless it is > 0 and ≤ 1.
    """
    scale = _checked_tau(tau) if tau is not None else _default_tau([(control, variant)])
    if scale is None:
        return 1.0
    return _p_value(control, variant, scale)


def always_valid_p_values(
    looks: Sequence[tuple[Arm, Arm]], *, tau: float | None = None
) -> list[float]:
    """The always-valid p-value after each look: the running minimum of min(1, 1/Λ).

    ``looks`` are (control, variant) counts so far, in the order seen; each look's counts
    include the previous look's.

    Raises:
        PlanInvalid: naming ``tau`` (> 0 and ≤ 1), or ``looks`` when a count goes down.
    """
    _check_cumulative(looks)
    scale = _checked_tau(tau) if tau is not None else _default_tau(looks)
    values: list[float] = []
    lowest = 1.0
    for control, variant in looks:
        if scale is not None:
            lowest = min(lowest, _p_value(control, variant, scale))
        values.append(lowest)
    return values


def log_likelihood_ratio(control: Arm, variant: Arm, tau: float) -> float:
    """Log Λ for the data so far, mixing the effect over N(0, τ²); 0 for a degenerate look.

    log Λ = ½ log(v ÷ (v + τ²)) + τ²θ̂² ÷ (2v(v + τ²)), v = p̂_A q̂_A ÷ n_A + p̂_B q̂_B ÷ n_B
    (Johari et al. 2017, 2022; see the module docstring).
    """
    if control.visitors == 0 or variant.visitors == 0:
        return 0.0
    visitors = control.visitors + variant.visitors
    pooled = (control.conversions + variant.conversions) / visitors
    if pooled in (0.0, 1.0):
        return 0.0
    rate_a = control.conversions / control.visitors
    rate_b = variant.conversions / variant.visitors
    variance = rate_a * (1 - rate_a) / control.visitors + rate_b * (1 - rate_b) / variant.visitors
    if variance == 0:  # 0% against 100%: only the pooled rate has a spread
        variance = pooled * (1 - pooled) * (1 / control.visitors + 1 / variant.visitors)
    spread = tau * tau
    difference = rate_b - rate_a
    return 0.5 * math.log(variance / (variance + spread)) + spread * difference * difference / (
        2 * variance * (variance + spread)
    )


def sequential_sample_size(
    baseline: float,
    mde: float,
    *,
    relative: bool = True,
    alpha: float = 0.05,
    power: float = 0.8,
    tau: float | None = None,
) -> int:
    """Visitors per arm for the mSPRT to reach 1/α with ``power`` at the planned effect.

    The smallest whole n with P(Λₙ ≥ 1/α) ≥ power, θ̂ ~ N(θ, V ÷ n), V = p₁q₁ + p₂q₂,
    found by Brent's method on log n; ``tau`` defaults to the planned absolute effect.
    Counting only the final look makes this conservative (see the module docstring).

    Raises:
        PlanInvalid: naming ``baseline``, ``mde``, ``alpha``, ``power`` or ``tau``, as
            ``planner.abtests.sizing.sample_size`` does.
    """
    design = _design(baseline, alpha, power, 1, None)
    variant_rate = _variant_rate(design.baseline, mde, relative)
    effect = variant_rate - design.baseline
    scale = abs(effect) if tau is None else _checked_tau(tau)
    variance = design.baseline * (1 - design.baseline) + variant_rate * (1 - variant_rate)

    def shortfall(log_n: float) -> float:
        n = math.exp(log_n)
        return _mixture_power(effect, variance / n, scale, design.alpha) - design.power

    if shortfall(0.0) >= 0:
        return 1
    fixed = fleiss_control_size(design.baseline, variant_rate, 1.0, design.z_alpha, design.z_power)
    high = math.log(max(fixed, 2.0))
    while shortfall(high) < 0:
        if high > math.log(MAX_VISITORS):
            raise PlanInvalid([_too_large()])
        high += math.log(2)
    root = math.exp(float(brentq(shortfall, 0.0, high, xtol=1e-12)))
    needed = math.ceil(root)
    while shortfall(math.log(needed)) < 0:  # the root's last bit of float noise
        needed += 1
    return needed


def _mixture_power(effect: float, variance: float, tau: float, alpha: float) -> float:
    """P(Λ ≥ 1/α) when θ̂ ~ N(effect, variance): both tails past the boundary b.

    Λ ≥ 1/α ⇔ θ̂² ≥ b² = 2v(v + τ²) ÷ τ² · (log(1/α) + ½ log(1 + τ²/v)), from the formula of
    Λ in the module docstring.
    """
    spread = tau * tau
    threshold = math.log(1 / alpha) + 0.5 * math.log1p(spread / variance)
    boundary = math.sqrt(2 * variance * (variance + spread) / spread * threshold)
    deviation = math.sqrt(variance)
    upper = norm.sf((boundary - abs(effect)) / deviation)
    lower = norm.cdf((-boundary - abs(effect)) / deviation)
    return float(upper + lower)


def _p_value(control: Arm, variant: Arm, tau: float) -> float:
    return min(1.0, math.exp(-log_likelihood_ratio(control, variant, tau)))


def _checked_tau(tau: float) -> float:
    raise_if([range_problem("tau", tau, gt=0, le=1)])
    return float(tau)


def _default_tau(looks: Sequence[tuple[Arm, Arm]]) -> float | None:
    """10% of the pooled rate of the first look with a conversion; none without one."""
    for control, variant in looks:
        visitors = control.visitors + variant.visitors
        pooled = (control.conversions + variant.conversions) / visitors if visitors else 0.0
        if 0 < pooled < 1:
            return DEFAULT_RELATIVE_TAU * pooled
    return None


def _check_cumulative(looks: Sequence[tuple[Arm, Arm]]) -> None:
    """Refuse a history in which an arm's visitors or conversions go down."""
    for index in range(1, len(looks)):
        before, after = looks[index - 1], looks[index]
        if any(
            later.visitors < earlier.visitors or later.conversions < earlier.conversions
            for earlier, later in zip(before, after, strict=True)
        ):
            message = (
                f"look {index + 1} has fewer visitors or conversions than look {index}; "
                "each look counts everything so far"
            )
            params = {"index": index}
            raise PlanInvalid([rule_problem("looks", message, "looks_not_cumulative", params)])
