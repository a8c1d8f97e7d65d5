"""How many visitors a test on one funnel step needs, how many days that takes, and the inverse.

The test: each variant's conversion rate against control's, by the two-sided z-test for two
proportions, with the variance pooled under H0 and unpooled under H1 and no continuity
correction. For control's rate p₁, a variant's rate p₂ and the allocation ratio
r = n_variant ÷ n_control, control needs

    n₁ = [z₁₋α/2 · √(p̄q̄ (1 + 1/r)) + z₁₋β · √(p₁q₁ + p₂q₂/r)]² ÷ (p₂ − p₁)²,
    p̄ = (p₁ + r·p₂) ÷ (1 + r),   q = 1 − p,

and the variant r·n₁. This is Fleiss, Levin & Paik, *Statistical Methods for Rates and
Proportions*, 3rd ed. (Wiley, 2003), chapter 4: eq. (4.14) of §4.2 for equal arms
(r = 1, where p̄q̄(1 + 1/r) = 2p̄q̄), and the chapter's unequal-arms form, which is the
formula of Fleiss, Tytun & Ury, "A simple approximation for calculating sample sizes for
comparing independent proportions", Biometrics 36 (1980), 343–346, without its continuity
correction. Both write it as m = [z₁₋α/2·√((r + 1)p̄q̄) + z₁₋β·√(r·p₁q₁ + p₂q₂)]² ÷
(r(p₂ − p₁)²), the n₁ above with numerator and denominator multiplied by r. It ignores
the far tail of the two-sided test, as every closed-form sample size does; the far tail
only adds power. R's ``power.prop.test`` (equal arms) and statsmodels'
``samplesize_proportions_2indep_onetail`` solve the same equation.

A/B/n: with k variants, each is compared with control at α/k (Bonferroni). The analysis
corrects with Holm's procedure, whose first step tests at α/k and later steps at larger
levels, so every comparison has at least the power planned here. The same control arm
serves every comparison: it gets the largest need among them (the comparison with the
smallest variant share needs the most), and each variant's arm follows from the traffic
split; every arm is then rounded up to a whole visitor.

A negative effect plans a test that detects a drop. It is not sized like its absolute
value: the variances are taken at the lower rate, so a drop of 10% from 5% (to 4.5%) needs
fewer visitors than a rise of 10% (to 5.5%). Either test is two-sided.

A fixed-horizon test is read once, at the planned sample: looking earlier and stopping at
the first significant result inflates the false-positive rate well past α (with 20 looks,
to several times α). Nothing here corrects for that; ``planner.abtests.sequential`` gives
the always-valid (mSPRT) p-value that may be read at any time, and the larger sample it needs.

Accepted inputs (anything else is refused with a ``PlanInvalid`` naming the field):

- ``baseline``: a rate in (0, 1); the variant's rate it and ``mde`` make must be in (0, 1)
  too, and different from it;
- ``alpha``: in (0, 0.5] (at least 1e-10, so the normal quantile stays finite); above 0.5
  the critical value would be below 0.67 and the test would be no test;
- ``power``: in [0.5, 1); below 0.5 the test would more often miss the effect than find it
  (and with z₁₋β ≥ 0 the need falls as the effect grows, which the inverse relies on);
- ``variants``: a whole number from 1 (A/B) to ``MAX_VARIANTS`` (A/B/n);
- ``split``: one share per arm, control first, each > 0, summing to 1 within 1e-9;
- a need of more than ``MAX_VISITORS`` in any arm is refused (name: ``mde``) rather than
  reported as a number no store will ever see.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from pydantic import Field
from scipy.optimize import brentq  # type: ignore[import-untyped]
from scipy.stats import norm  # type: ignore[import-untyped]

from planner.abtests.arms import MAX_VARIANTS
from planner.abtests.checks import (
    raise_if,
    range_problem,
    rule_problem,
    whole_problems,
)
from planner.base import Model
from planner.errors import FieldProblem, PlanInvalid
from planner.scenarios.overrides import scaled
from planner.types import OUT_OF_RANGE, format_number

MAX_VISITORS = 10**12
"""The most visitors one arm may need (the largest count a plan holds)."""
MAX_TOTAL_VISITORS = 10**16
"""The most visitors ``detectable_effect`` is asked about, all arms together."""
MAX_DAYS = 3_650
"""The longest test ``detectable_effect_in_days`` plans: ten years."""
SPLIT_TOLERANCE = 1e-9
MIN_ALPHA = 1e-10
MIN_DAILY_VISITORS = 1e-6
"""Less traffic than this a day is refused: the days would not be a finite number."""
_ROOT_RTOL = 1e-12  # relative precision of a detectable effect
_BRACKET = 1e-9  # the nearest and farthest rates searched, as a share of the room to 0 or 1


class SampleSize(Model):
    """The visitors a test needs in each arm, and the inputs that asked for them."""

    baseline: float = Field(description="Control's conversion rate, a fraction.")
    variant_rate: float = Field(description="The rate each variant is planned to reach.")
    absolute_effect: float = Field(description="variant_rate − baseline.")
    relative_effect: float = Field(description="absolute_effect ÷ baseline.")
    alpha: float = Field(description="Significance level of the whole test (two-sided).")
    alpha_per_comparison: float = Field(description="alpha ÷ variants (Bonferroni).")
    power: float = Field(description="Chance that each comparison detects the effect.")
    variants: int = Field(description="Arms besides control.")
    split: tuple[float, ...] = Field(description="Traffic share of each arm, control first.")
    per_arm: tuple[int, ...] = Field(description="Visitors each arm needs, control first.")
    per_variant: int = Field(description="Visitors the largest variant arm needs.")
    control: int = Field(description="Visitors control needs.")
    total: int = Field(description="Visitors all arms need together.")


@dataclass(frozen=True)
class _Design:
    """The checked inputs shared by every sizing function."""

    baseline: float
    alpha: float
    power: float
    variants: int
    split: tuple[float, ...]

    @property
    def alpha_per_comparison(self) -> float:
        return self.alpha / self.variants

    @property
    def ratios(self) -> tuple[float, ...]:
        """n_variant ÷ n_control for each variant."""
        return tuple(share / self.split[0] for share in self.split[1:])

    @property
    def z_alpha(self) -> float:
        return float(norm.isf(self.alpha_per_comparison / 2))

    @property
    def z_power(self) -> float:
        return float(norm.ppf(self.power))


# --- Sample size ------------------------------------------------------------------------------


def sample_size(
    baseline: float,
    mde: float,
    *,
    relative: bool = True,
    alpha: float = 0.05,
    power: float = 0.8,
    variants: int = 1,
    split: Sequence[float] | None = None,
) -> SampleSize:
    """Visitors per arm to detect ``mde`` on ``baseline`` (Fleiss, no continuity correction).

    ``mde`` is relative to the baseline (0.10: from 5% to 5.5%) or, with ``relative=False``,
    absolute (0.005: from 5% to 5.5%); negative plans for a drop. See the module docstring
    for the formula, its source, the Bonferroni split of ``alpha`` and the rounding.

    Raises:
        PlanInvalid: naming ``baseline``, ``mde``, ``alpha``, ``power``, ``variants`` or
            ``split``.
    """
    design = _design(baseline, alpha, power, variants, split)
    variant_rate = _variant_rate(design.baseline, mde, relative)
    need = _control_need(design, variant_rate)
    exact = [need, *(need * ratio for ratio in design.ratios)]
    if not max(exact) <= MAX_VISITORS:
        raise PlanInvalid([_too_large()])
    per_arm = tuple(math.ceil(arm) for arm in exact)
    absolute = mde if not relative else _decimal_sum(variant_rate, -design.baseline)
    return SampleSize(
        baseline=design.baseline,
        variant_rate=variant_rate,
        absolute_effect=absolute,
        relative_effect=mde if relative else absolute / design.baseline,
        alpha=design.alpha,
        alpha_per_comparison=design.alpha_per_comparison,
        power=design.power,
        variants=design.variants,
        split=design.split,
        per_arm=per_arm,
        per_variant=max(per_arm[1:]),
        control=per_arm[0],
        total=sum(per_arm),
    )


def fleiss_control_size(
    baseline: float, variant_rate: float, ratio: float, z_alpha: float, z_power: float
) -> float:
    """Fleiss' n₁ for one comparison, unrounded; infinite when the rates are equal.

    n₁ = [z_alpha·√(p̄q̄(1 + 1/r)) + z_power·√(p₁q₁ + p₂q₂/r)]² ÷ (p₂ − p₁)², with
    p̄ = (p₁ + r·p₂) ÷ (1 + r) (Fleiss, Levin & Paik 2003, ch. 4, eq. 4.14 for r = 1;
    Fleiss, Tytun & Ury 1980 for any r). Inputs are not checked: ``sample_size`` is the
    checked entry point.
    """
    p1, p2, r = baseline, variant_rate, ratio
    pooled = (p1 + r * p2) / (1 + r)
    null = z_alpha * math.sqrt(pooled * (1 - pooled) * (1 + 1 / r))
    alternative = z_power * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2) / r)
    squared_difference = (p2 - p1) * (p2 - p1)
    if squared_difference == 0:  # a difference too small to square in floating point
        return math.inf
    return (null + alternative) * (null + alternative) / squared_difference


def _control_need(design: _Design, variant_rate: float) -> float:
    """Control's need: the largest over the comparisons, each at its own ratio."""
    z_alpha, z_power = design.z_alpha, design.z_power
    return max(
        fleiss_control_size(design.baseline, variant_rate, ratio, z_alpha, z_power)
        for ratio in design.ratios
    )


# --- Days -------------------------------------------------------------------------------------


def days_needed(size: SampleSize, daily_visitors: float) -> int:
    """Whole days the test needs: ⌈total ÷ daily visitors⌉.

    ``daily_visitors`` are the visitors reaching the tested step each day, all arms together.

    Raises:
        PlanInvalid: naming ``daily_visitors`` unless it is > 0 and ≤ ``MAX_VISITORS``
            (and at least ``MIN_DAILY_VISITORS``).
    """
    raise_if([_daily_problem(daily_visitors)])
    return math.ceil(size.total / daily_visitors)


def exceeds_period(days: int, period_days: int) -> bool:
    """Whether a test of ``days`` runs past a plan period of ``period_days``."""
    return days > period_days


def days_curve(
    baseline: float,
    daily_visitors: float,
    effects: Sequence[float],
    *,
    relative: bool = True,
    alpha: float = 0.05,
    power: float = 0.8,
    variants: int = 1,
    split: Sequence[float] | None = None,
) -> list[tuple[float, int]]:
    """(effect, days needed) for each of ``effects``, for the chart of days against effect.

    Every effect is sized by ``sample_size`` with the other inputs, so each must be a valid
    ``mde`` (the problem then names ``mde``).
    """
    curve = []
    for effect in effects:
        size = sample_size(
            baseline,
            effect,
            relative=relative,
            alpha=alpha,
            power=power,
            variants=variants,
            split=split,
        )
        curve.append((effect, days_needed(size, daily_visitors)))
    return curve


# --- The inverse: the smallest effect a sample detects ----------------------------------------


def detectable_effect(
    baseline: float,
    visitors: int,
    *,
    relative: bool = True,
    alpha: float = 0.05,
    power: float = 0.8,
    variants: int = 1,
    split: Sequence[float] | None = None,
) -> float | None:
    """The smallest rise that ``visitors`` (all arms together) detect; none if even ~1 isn't.

    Solves ``sample_size`` backwards, unrounded: the variant rate p₂ > baseline at which
    control's need n₁(p₂) equals control's share of ``visitors``, by Brent's method
    (``scipy.optimize.brentq``) on log n₁, between rates a billionth of the room to 1 above
    the baseline and a billionth short of 1. Returned relative to the baseline, or absolute
    with ``relative=False``.

    Raises:
        PlanInvalid: naming ``visitors`` unless it is a whole number from 1 to
            ``MAX_TOTAL_VISITORS``, or as ``sample_size`` does.
    """
    design = _design(baseline, alpha, power, variants, split)
    raise_if(whole_problems("visitors", visitors, low=1, high=MAX_TOTAL_VISITORS))
    p1 = design.baseline
    target = math.log(visitors * design.split[0])

    def excess(difference: float) -> float:
        return math.log(_control_need(design, p1 + difference)) - target

    nearest = min(p1, 1 - p1) * _BRACKET
    farthest = (1 - p1) * (1 - _BRACKET)
    if excess(farthest) > 0:
        return None
    if excess(nearest) <= 0:  # not reached within the visitor limits; kept for safety
        difference = nearest
    else:
        difference = float(brentq(excess, nearest, farthest, xtol=1e-300, rtol=_ROOT_RTOL))
    return difference / p1 if relative else difference


def detectable_effect_in_days(
    baseline: float,
    daily_visitors: float,
    days: int,
    *,
    relative: bool = True,
    alpha: float = 0.05,
    power: float = 0.8,
    variants: int = 1,
    split: Sequence[float] | None = None,
) -> float | None:
    """The smallest rise a test of ``days`` detects at ``daily_visitors`` (all arms together).

    The test sees ⌊daily_visitors × days⌋ visitors; see ``detectable_effect``. None when that
    is no visitor at all, or when even a rate of ~1 would not be detected.

    Raises:
        PlanInvalid: naming ``daily_visitors`` (> 0, ≤ ``MAX_VISITORS``), ``days`` (a whole
            number from 1 to ``MAX_DAYS``), or as ``sample_size`` does.
    """
    raise_if(
        [
            _daily_problem(daily_visitors),
            *whole_problems("days", days, low=1, high=MAX_DAYS),
        ]
    )
    visitors = math.floor(daily_visitors * days)
    if visitors < 1:
        _design(baseline, alpha, power, variants, split)  # still refuse bad inputs
        return None
    return detectable_effect(
        baseline,
        visitors,
        relative=relative,
        alpha=alpha,
        power=power,
        variants=variants,
        split=split,
    )


# --- Checking the inputs ----------------------------------------------------------------------


def _design(
    baseline: float, alpha: float, power: float, variants: int, split: Sequence[float] | None
) -> _Design:
    """The checked design, or ``PlanInvalid`` listing every field that is wrong."""
    variant_problems = whole_problems("variants", variants, low=1, high=MAX_VARIANTS)
    problems = [
        range_problem("baseline", baseline, gt=0, lt=1),
        range_problem("alpha", alpha, gt=0, le=0.5, minimum=MIN_ALPHA),
        range_problem("power", power, ge=0.5, lt=1),
        *variant_problems,
    ]
    shares: tuple[float, ...] = ()
    if not variant_problems:
        shares = tuple(split) if split is not None else (1 / (variants + 1),) * (variants + 1)
        problems += _split_problems(shares, variants)
    raise_if(problems)
    return _Design(float(baseline), float(alpha), float(power), int(variants), shares)


def _variant_rate(baseline: float, mde: float, relative: bool) -> float:
    """The rate a variant is planned to reach, or ``PlanInvalid`` naming ``mde``."""
    raise_if([range_problem("mde", mde)])
    if mde == 0:
        message = "must not be 0: a test needs an effect to detect"
        raise PlanInvalid([FieldProblem("mde", message, "zero_effect", {"got": mde})])
    # In decimals, as the plan's what-ifs are: 5% × 1.1 is 5.5%, not 5.500000000000001%.
    rate = scaled(baseline, mde) if relative else _decimal_sum(baseline, mde)
    if not 0 < rate < 1:
        shown = format_number(rate)
        message = f"would make the variant's rate {shown}; it must be > 0 and < 1"
        params = {"variant_rate": rate, "baseline": baseline, "mde": mde, "gt": 0, "lt": 1}
        raise PlanInvalid([rule_problem("mde", message, "variant_rate_out_of_range", params)])
    if rate == baseline:  # an effect lost to floating point: nothing left to detect
        raise PlanInvalid([_too_large()])
    return float(rate)


def _decimal_sum(first: float, second: float) -> float:
    return float(Decimal(repr(float(first))) + Decimal(repr(float(second))))


def _split_problems(split: tuple[float, ...], variants: int) -> list[FieldProblem | None]:
    arms = variants + 1
    if len(split) != arms:
        message = f"must give {arms} shares (control and {variants} variants), got {len(split)}"
        params = {"got": len(split), "expected": arms}
        return [rule_problem("split", message, "split_length", params)]
    for index, share in enumerate(split):
        if not (math.isfinite(share) and share > 0):
            message = f"must give every arm a share > 0, got {format_number(share)}"
            context = {"got": share, "rule": "> 0", "gt": 0, "index": index}
            return [FieldProblem("split", message, OUT_OF_RANGE, context)]
    total = math.fsum(split)
    if abs(total - 1) > SPLIT_TOLERANCE:
        message = f"must add up to 1, got {format_number(total)}"
        return [rule_problem("split", message, "split_sum", {"got": total})]
    return []


def _daily_problem(daily_visitors: float) -> FieldProblem | None:
    """Traffic > 0 and ≤ ``MAX_VISITORS``, at least ``MIN_DAILY_VISITORS`` (finite days)."""
    return range_problem(
        "daily_visitors", daily_visitors, gt=0, le=MAX_VISITORS, minimum=MIN_DAILY_VISITORS
    )


def _too_large() -> FieldProblem:
    limit = format_number(MAX_VISITORS)
    message = f"is too small to detect with at most {limit} visitors per arm; choose a larger one"
    return rule_problem("mde", message, "sample_too_large", {"limit": MAX_VISITORS})
