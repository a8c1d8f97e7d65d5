"""Reading a test from its counts: each variant against control, the SRM check, and a verdict.

For control A and a variant B with visitors n and conversions c, rates p̂ = c ÷ n, q̂ = 1 − p̂,
and z* = Φ⁻¹(1 − (1 − confidence) ÷ 2):

- **absolute lift** p̂_B − p̂_A, with the Wald interval ± z*·√(p̂_A q̂_A ÷ n_A + p̂_B q̂_B ÷ n_B)
  (unpooled; Agresti, *Categorical Data Analysis*, 3rd ed., 2013, §3.1);
- **relative lift** p̂_B ÷ p̂_A − 1, with the delta-method interval **on the log scale**
  (Katz, Baptista, Azen & Pike, "Obtaining confidence intervals for the risk ratio in cohort
  studies", Biometrics 34, 1978; Agresti 2013, §3.1; the delta method as in Casella &
  Berger, *Statistical Inference*, 2nd ed., 2002, §5.5.4): for g(p) = log p, g′ = 1 ÷ p, so
  Var(log p̂) ≈ p q ÷ n ÷ p² = q ÷ (n p) = q ÷ c, and the two arms are independent:
  SE(log R̂) = √(q̂_B ÷ c_B + q̂_A ÷ c_A), R̂ = p̂_B ÷ p̂_A; the interval is
  exp(log R̂ ± z*·SE) − 1. On the ratio scale the same method gives
  Var(R̂) ≈ R²·(q_B ÷ c_B + q_A ÷ c_A) and a symmetric interval R̂ ± z*·√Var; the log scale is
  used because the ratio's distribution is skewed (bounded below by 0, not above): the log
  interval is asymmetric like it, never reaches below −100%, and covers the true ratio closer
  to the nominal level with few conversions. Coverage is checked by simulation in
  ``tests/unit/test_ab_analysis.py``. It needs a conversion in each arm;
- **p-value** of the two-sided two-proportion z-test with the variance pooled under H₀:
  p̂ = (c_A + c_B) ÷ (n_A + n_B), z = (p̂_B − p̂_A) ÷ √(p̂ q̂ (1 ÷ n_A + 1 ÷ n_B)),
  p = 2·(1 − Φ(|z|)) (Fleiss, Levin & Paik, *Statistical Methods for Rates and Proportions*,
  3rd ed., 2003, ch. 3). z² is Pearson's chi-square statistic of the 2 × 2 table, so this is
  the same p-value as the chi-square test without continuity correction (the page says so);
- **Holm-adjusted p-values** over the variants that have a p-value (Holm, "A simple
  sequentially rejective multiple test procedure", Scand. J. Statist. 6, 1979): with the m
  p-values sorted p₍₁₎ ≤ … ≤ p₍ₘ₎, p̃₍ᵢ₎ = max_{j ≤ i} min(1, (m − j + 1)·p₍ⱼ₎). With one
  variant it is the p-value. A variant is **significant** when p̃ < 1 − confidence. A
  comparison without a p-value (see the statuses) can reject nothing, so it is left out of m;
- **the Bayesian view** (``planner.abtests.bayes``, Beta(1, 1) priors): the chance to beat
  control, the expected loss of choosing the variant E[max(p_A − p_B, 0)] and of keeping
  control E[max(p_B − p_A, 0)], and the equal-tailed credible interval of the relative lift at
  the same ``confidence``;
- **sample ratio mismatch**: Pearson's chi-square goodness of fit of the arms' visitors against
  the planned split (equal by default), k − 1 degrees of freedom, with every arm counted (an
  arm left empty against its share is a mismatch); none with fewer than two arms with
  visitors. Below ``SRM_THRESHOLD`` (0.001) the split is taken as broken and no result is to
  be trusted (Kohavi, Tang & Xu, *Trustworthy Online Controlled Experiments*, 2020, ch. 21;
  Fabijan et al., "Diagnosing Sample Ratio Mismatch in Online Controlled Experiments",
  KDD 2019).

A number that the counts cannot give is ``None``, never NaN or infinite, and ``status`` says
why (the first that applies): ``empty_arm`` (control or the variant had no visitors: nothing
but the rates that exist), ``no_conversions`` (neither arm converted anyone: no interval, no
p-value, no relative lift), ``all_converted`` (both converted everyone: lifts 0, no interval,
no p-value), ``no_variation`` (one arm at 0%, the other at 100%: a p-value but no interval),
``control_zero`` (control converted no one: no relative lift or its intervals),
``variant_zero`` (the variant converted no one: relative lift −100%, no log interval), ``ok``.

The verdict (``Verdict``: a code and the parameters its words need; ``i18n`` words it, and
``summary`` is the English for the CLI), the first that applies:

- ``sample_ratio_mismatch`` {p_value}: the split is broken; nothing else is to be trusted;
- ``no_data`` {}: no variant has a p-value yet;
- ``winner`` {variant, index, relative_lift, absolute_lift, holm_p_value}: of the variants
  significantly better than control, the one with the highest rate (``index`` counts the
  variants from 1; ``relative_lift`` is none when control converted no one);
- ``loser`` {same}: no variant is significantly better, and this one, the lowest, is
  significantly worse;
- ``no_difference_yet`` {more_visitors_per_variant, planned_effect}: nothing significant, and
  the test has fewer visitors than it needs to detect ``planned_effect`` (relative to
  control's observed rate) at its confidence and ``power``. The need per arm is
  ``planner.abtests.sizing.sample_size`` (Fleiss, Bonferroni over the variants, the planned
  split); ``more_visitors_per_variant`` is the most any arm still lacks, none when no effect
  was planned or it can't be sized (control at 0% or 100%, the effect past 100%, or a need
  past ``sizing.MAX_VISITORS``);
- ``no_difference`` {planned_effect, visitors_per_variant}: nothing significant although every
  arm has the visitors to detect the planned effect: any effect is likely smaller.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist
from typing import Literal

from pydantic import Field
from scipy import special  # type: ignore[import-untyped]

from planner.abtests.arms import MAX_VARIANTS, Arm
from planner.abtests.bayes import compare
from planner.abtests.sizing import sample_size
from planner.base import Model
from planner.errors import RULE, FieldProblem, PlanInvalid
from planner.types import OUT_OF_RANGE, format_bound, format_number

SRM_THRESHOLD = 0.001
"""A sample-ratio-mismatch p-value below this says the split is broken."""
MIN_LEVEL, MAX_LEVEL = 0.5, 0.9999
"""The confidence and power an analysis accepts."""
MAX_SHARE = 1e12
"""The largest weight ``split`` takes (shares may be fractions, percentages or weights)."""
MIN_SHARE = 1e-6
"""The smallest share of the visitors an arm may be planned to get (one in a million)."""
MAX_PLANNED_EFFECT = 10.0
"""The largest planned relative effect (+1,000%)."""

Status = Literal[
    "ok",
    "empty_arm",
    "no_conversions",
    "all_converted",
    "no_variation",
    "control_zero",
    "variant_zero",
]
VerdictCode = Literal[
    "sample_ratio_mismatch",
    "no_data",
    "winner",
    "loser",
    "no_difference_yet",
    "no_difference",
]
Interval = tuple[float, float]


class ArmSummary(Model):
    """One arm's counts and rate."""

    name: str = Field(description="The arm's name as given ('' when unnamed).")
    visitors: int
    conversions: int
    rate: float | None = Field(description="Conversions ÷ visitors; none for an empty arm.")


class VariantResult(ArmSummary):
    """A variant against control; ``None`` where the counts can't give a number."""

    status: Status = Field(description="'ok', or why some numbers are missing.")
    absolute_lift: float | None = Field(description="p_B − p_A.")
    absolute_lift_ci: Interval | None = Field(description="Wald interval (unpooled).")
    relative_lift: float | None = Field(description="p_B ÷ p_A − 1.")
    lift_ci: Interval | None = Field(description="Delta method on the log scale.")
    p_value: float | None = Field(description="Two-sided pooled two-proportion z-test.")
    holm_p_value: float | None = Field(description="Holm-adjusted over the variants.")
    significant: bool = Field(description="Holm-adjusted p-value < 1 − confidence.")
    chance_to_beat_control: float | None = Field(description="P(p_B > p_A), Beta(1, 1) priors.")
    expected_loss: float | None = Field(description="E[max(p_A − p_B, 0)]: choosing B.")
    control_expected_loss: float | None = Field(description="E[max(p_B − p_A, 0)]: keeping A.")
    credible_interval: Interval | None = Field(
        description="Equal-tailed credible interval of the relative lift."
    )


class Verdict(Model):
    """What the test says, as a code with the parameters its words need."""

    code: VerdictCode
    params: dict[str, float | int | str | None] = Field(default_factory=dict)
    summary: str = Field(description="The verdict in plain English (the CLI's wording).")


class Analysis(Model):
    """A test read from its counts: control, each variant against it, the SRM check, a verdict."""

    control: ArmSummary
    variants: tuple[VariantResult, ...]
    confidence: float
    power: float
    planned_effect: float | None
    split: tuple[float, ...] = Field(description="Planned traffic shares, control first.")
    srm_p_value: float | None = Field(description="Chi-square of visitors against the split.")
    srm_mismatch: bool = Field(description=f"srm_p_value < {SRM_THRESHOLD}.")
    verdict: Verdict


# --- The analysis -----------------------------------------------------------------------------


def analyze(
    control: Arm,
    variants: Sequence[Arm],
    *,
    confidence: float = 0.95,
    split: Sequence[float] | None = None,
    planned_effect: float | None = None,
    power: float = 0.8,
) -> Analysis:
    """Each variant against control, the sample-ratio check and the verdict (see the module).

    ``split`` is the planned share of visitors per arm, control first (any positive weights:
    (1, 1) and (0.5, 0.5) are the same); equal by default. ``planned_effect`` is the relative
    effect the test was planned to detect (0.1: +10%), for the verdict's "N more visitors".

    Raises:
        PlanInvalid: naming ``variants`` (more than ``MAX_VARIANTS``), ``confidence`` or
            ``power`` (from 0.5 to 0.9999), ``split`` (one share per arm, > 0, at most 1e12,
            none below one in a million of the total) or
            ``planned_effect`` (not 0, above −1, at most 10).
    """
    shares = _checked(variants, confidence, split, planned_effect, power)
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    results = [_compare(control, variant, z, confidence) for variant in variants]
    results = _with_holm(results, 1 - confidence)
    srm = srm_p_value([arm.visitors for arm in (control, *variants)], shares)
    verdict = _verdict(control, variants, results, srm, shares, planned_effect, confidence, power)
    return Analysis(
        control=_summary(control),
        variants=tuple(results),
        confidence=confidence,
        power=power,
        planned_effect=planned_effect,
        split=shares,
        srm_p_value=srm,
        srm_mismatch=srm is not None and srm < SRM_THRESHOLD,
        verdict=verdict,
    )


def _summary(arm: Arm) -> ArmSummary:
    return ArmSummary(
        name=arm.name, visitors=arm.visitors, conversions=arm.conversions, rate=arm.rate
    )


def comparison_status(control: Arm, variant: Arm) -> Status:
    """Why some of a comparison's numbers are missing, or ``ok`` (the first that applies)."""
    if not control.visitors or not variant.visitors:
        return "empty_arm"
    if control.conversions == 0 and variant.conversions == 0:
        return "no_conversions"
    if control.conversions == control.visitors and variant.conversions == variant.visitors:
        return "all_converted"
    if _all_or_none(control) and _all_or_none(variant):
        return "no_variation"
    if control.conversions == 0:
        return "control_zero"
    if variant.conversions == 0:
        return "variant_zero"
    return "ok"


def _all_or_none(arm: Arm) -> bool:
    return arm.conversions in (0, arm.visitors)


_NO_FREQUENTIST = dict.fromkeys(
    ("absolute_lift", "absolute_lift_ci", "relative_lift", "lift_ci", "p_value")
)
_NO_BAYESIAN = dict.fromkeys(
    ("chance_to_beat_control", "expected_loss", "control_expected_loss", "credible_interval")
)


def _compare(control: Arm, variant: Arm, z: float, confidence: float) -> VariantResult:
    """One variant against control, before Holm's adjustment."""
    both = bool(control.visitors and variant.visitors)
    return VariantResult.model_validate(
        {
            "name": variant.name,
            "visitors": variant.visitors,
            "conversions": variant.conversions,
            "rate": variant.rate,
            "status": comparison_status(control, variant),
            "holm_p_value": None,
            "significant": False,
            **(_frequentist(control, variant, z) if both else _NO_FREQUENTIST),
            **(_bayesian(control, variant, confidence) if both else _NO_BAYESIAN),
        }
    )


def _bayesian(control: Arm, variant: Arm, confidence: float) -> dict[str, object]:
    """The Bayesian view (``planner.abtests.bayes``), for two non-empty arms."""
    seen = compare(control, variant, confidence)
    return {
        "chance_to_beat_control": seen.chance_to_beat,
        "expected_loss": seen.expected_loss,
        "control_expected_loss": seen.control_expected_loss,
        # with no conversion in control the interval is the prior's, not the data's
        "credible_interval": seen.credible_interval if control.conversions else None,
    }


def _frequentist(control: Arm, variant: Arm, z: float) -> dict[str, object]:
    """Lifts, their intervals and the pooled z-test's p-value, for two non-empty arms."""
    n_a, c_a = control.visitors, control.conversions
    n_b, c_b = variant.visitors, variant.conversions
    p_a, p_b = c_a / n_a, c_b / n_b
    difference = p_b - p_a
    spread = math.sqrt(p_a * (1 - p_a) / n_a + p_b * (1 - p_b) / n_b)
    pooled = (c_a + c_b) / (n_a + n_b)
    null_spread = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    log_spread = math.sqrt((1 - p_b) / c_b + (1 - p_a) / c_a) if c_a and c_b else 0.0
    return {
        "absolute_lift": difference,
        "absolute_lift_ci": (difference - z * spread, difference + z * spread) if spread else None,
        "relative_lift": p_b / p_a - 1 if c_a else None,
        "lift_ci": _log_interval(p_b / p_a, log_spread, z) if log_spread else None,
        "p_value": math.erfc(abs(difference) / null_spread / math.sqrt(2)) if null_spread else None,
    }


def _log_interval(ratio: float, log_spread: float, z: float) -> Interval:
    """exp(log R ± z·SE) − 1."""
    log_ratio = math.log(ratio)
    return math.expm1(log_ratio - z * log_spread), math.expm1(log_ratio + z * log_spread)


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values, in the order given (Holm 1979)."""
    count = len(p_values)
    order = sorted(range(count), key=lambda index: p_values[index])
    adjusted = [0.0] * count
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (count - rank) * p_values[index]))
        adjusted[index] = running
    return adjusted


def _with_holm(results: list[VariantResult], alpha: float) -> list[VariantResult]:
    tested = [index for index, result in enumerate(results) if result.p_value is not None]
    adjusted = holm([results[index].p_value or 0.0 for index in tested])
    for index, holm_p in zip(tested, adjusted, strict=True):
        changes = {"holm_p_value": holm_p, "significant": holm_p < alpha}
        results[index] = results[index].model_copy(update=changes)
    return results


def srm_p_value(visitors: Sequence[int], split: Sequence[float]) -> float | None:
    """Pearson's chi-square goodness of fit of the visitors against the split (k − 1 df).

    ``split`` holds positive weights, one per arm. None with fewer than two arms with visitors.
    """
    if sum(1 for count in visitors if count > 0) < 2:
        return None
    total, weight = sum(visitors), math.fsum(split)
    expected = [total * share / weight for share in split]
    statistic = math.fsum(
        (seen - wanted) ** 2 / wanted for seen, wanted in zip(visitors, expected, strict=True)
    )
    return float(special.chdtrc(len(visitors) - 1, statistic))


# --- The verdict ------------------------------------------------------------------------------


def _verdict(
    control: Arm,
    variants: Sequence[Arm],
    results: Sequence[VariantResult],
    srm: float | None,
    split: tuple[float, ...],
    planned_effect: float | None,
    confidence: float,
    power: float,
) -> Verdict:
    if srm is not None and srm < SRM_THRESHOLD:
        summary = (
            f"Sample ratio mismatch (p = {srm:.2g}): the arms' visitors don't match the "
            "planned split; don't trust this result until the cause is found."
        )
        return Verdict(code="sample_ratio_mismatch", params={"p_value": srm}, summary=summary)
    if all(result.p_value is None for result in results):
        summary = "Not enough data yet to compare any variant with control."
        return Verdict(code="no_data", summary=summary)
    better = [index for index, result in enumerate(results) if _significant(result, 1)]
    worse = [index for index, result in enumerate(results) if _significant(result, -1)]
    if better:
        best = max(better, key=lambda index: results[index].rate or 0.0)
        return _decided("winner", best, results[best])
    if worse:
        worst = min(worse, key=lambda index: results[index].rate or 0.0)
        return _decided("loser", worst, results[worst])
    return _no_difference(control, variants, split, planned_effect, confidence, power)


def _significant(result: VariantResult, sign: int) -> bool:
    return result.significant and (result.absolute_lift or 0.0) * sign > 0


def _decided(code: Literal["winner", "loser"], index: int, result: VariantResult) -> Verdict:
    label = result.name or f"Variant {index + 1}"
    if result.relative_lift is not None:
        lift = f"{result.relative_lift:+.1%} conversion rate"
    else:
        lift = f"{(result.absolute_lift or 0.0) * 100:+.2f} percentage points"
    verb = "wins" if code == "winner" else "loses"
    summary = (
        f"{label} {verb}: {lift} against control "
        f"(Holm-adjusted p = {result.holm_p_value or 0.0:.2g})."
    )
    params: dict[str, float | int | str | None] = {
        "variant": result.name,
        "index": index + 1,
        "relative_lift": result.relative_lift,
        "absolute_lift": result.absolute_lift,
        "holm_p_value": result.holm_p_value,
    }
    return Verdict(code=code, params=params, summary=summary)


def _no_difference(
    control: Arm,
    variants: Sequence[Arm],
    split: tuple[float, ...],
    planned_effect: float | None,
    confidence: float,
    power: float,
) -> Verdict:
    needed = _needed_per_arm(control, len(variants), split, planned_effect, confidence, power)
    if needed is None:
        summary = "No detectable difference yet."
        params: dict[str, float | int | str | None] = {
            "more_visitors_per_variant": None,
            "planned_effect": planned_effect,
        }
        return Verdict(code="no_difference_yet", params=params, summary=summary)
    seen = [control.visitors, *(variant.visitors for variant in variants)]
    more = max(max(need - count, 0) for need, count in zip(needed, seen, strict=True))
    effect = f"{planned_effect or 0.0:+.1%}"
    if more == 0:
        summary = (
            f"No detectable difference: every arm has the visitors to detect the planned "
            f"effect of {effect}, so any effect is likely smaller."
        )
        params = {"planned_effect": planned_effect, "visitors_per_variant": max(needed[1:])}
        return Verdict(code="no_difference", params=params, summary=summary)
    summary = (
        f"No detectable difference yet: about {more:,} more visitors per variant would "
        f"detect the planned effect of {effect}."
    )
    params = {"more_visitors_per_variant": more, "planned_effect": planned_effect}
    return Verdict(code="no_difference_yet", params=params, summary=summary)


def _needed_per_arm(
    control: Arm,
    variants: int,
    split: tuple[float, ...],
    planned_effect: float | None,
    confidence: float,
    power: float,
) -> tuple[int, ...] | None:
    """Visitors each arm needs to detect the planned effect on control's rate (sizing's own).

    None when there is no effect to size for, or it can't be sized.
    """
    baseline = control.rate
    if planned_effect is None or baseline is None or not 0 < baseline < 1:
        return None
    if not 0 < baseline * (1 + planned_effect) < 1:
        return None
    total = math.fsum(split)
    shares = [share / total for share in split]
    try:
        size = sample_size(
            baseline,
            planned_effect,
            relative=True,
            alpha=1 - confidence,
            power=power,
            variants=variants,
            split=shares,
        )
    except PlanInvalid as refused:  # the effect can't be sized (a need past MAX_VISITORS...)
        if refused.fields() == {"mde"}:  # the rest was checked above: anything else is a bug
            return None
        raise
    return size.per_arm


# --- Checking the inputs ----------------------------------------------------------------------


def _checked(
    variants: Sequence[Arm],
    confidence: float,
    split: Sequence[float] | None,
    planned_effect: float | None,
    power: float,
) -> tuple[float, ...]:
    """The planned shares (equal by default; summing to 1), or ``PlanInvalid`` for bad arguments."""
    problems = [
        _range_problem("confidence", confidence, MIN_LEVEL, MAX_LEVEL),
        _range_problem("power", power, MIN_LEVEL, MAX_LEVEL),
        _effect_problem(planned_effect),
    ]
    if len(variants) > MAX_VARIANTS:
        message = f"must be at most {MAX_VARIANTS} besides control, got {len(variants)}"
        params = {"rule": "too_many_variants", "most": MAX_VARIANTS, "got": len(variants)}
        problems.append(FieldProblem("variants", message, RULE, params))
    arms = len(variants) + 1
    shares = tuple(split) if split is not None else (1.0,) * arms
    problems.append(_split_problem(shares, arms))
    found = [problem for problem in problems if problem is not None]
    if found:
        raise PlanInvalid(found)
    total = math.fsum(shares)
    return tuple(float(share) / total for share in shares)


def _range_problem(field: str, value: float, low: float, high: float) -> FieldProblem | None:
    """``must be ≥ low and ≤ high, got …``, coded as every range problem is."""
    if math.isfinite(value) and low <= value <= high:
        return None
    rule = f"≥ {format_bound(low)} and ≤ {format_bound(high)}"
    context = {"got": value, "got_text": format_number(value), "rule": rule, "ge": low, "le": high}
    return FieldProblem(field, f"must be {rule}, got {format_number(value)}", OUT_OF_RANGE, context)


def _effect_problem(effect: float | None) -> FieldProblem | None:
    """A relative effect above −100% and at most ``MAX_PLANNED_EFFECT``, not 0 (as sizing's)."""
    if effect is None:
        return None
    if effect == 0:
        message = "must not be 0: a test needs an effect to detect"
        return FieldProblem("planned_effect", message, "zero_effect", {"got": effect})
    if math.isfinite(effect) and -1 < effect <= MAX_PLANNED_EFFECT:
        return None
    rule = f"> -1 and ≤ {format_bound(MAX_PLANNED_EFFECT)}"
    got = format_number(effect)
    context = {"got": effect, "got_text": got, "rule": rule, "gt": -1, "le": MAX_PLANNED_EFFECT}
    return FieldProblem("planned_effect", f"must be {rule}, got {got}", OUT_OF_RANGE, context)


def _split_problem(shares: tuple[float, ...], arms: int) -> FieldProblem | None:
    """One share per arm, each > 0 and at most ``MAX_SHARE``, none below ``MIN_SHARE`` of all."""
    if len(shares) != arms:
        message = f"must give {arms} shares (control and {arms - 1} variants), got {len(shares)}"
        params = {"rule": "split_length", "got": len(shares), "expected": arms}
        return FieldProblem("split", message, RULE, params)
    for index, share in enumerate(shares):
        if not (math.isfinite(share) and 0 < share <= MAX_SHARE):
            rule = f"> 0 and ≤ {format_bound(MAX_SHARE)}"
            message = f"must give every arm a share {rule}, got {format_number(share)}"
            context = {"got": share, "rule": rule, "gt": 0, "le": MAX_SHARE, "index": index}
            return FieldProblem("split", message, OUT_OF_RANGE, context)
    smallest = min(shares, default=1.0) / math.fsum(shares)
    if smallest < MIN_SHARE:
        message = (
            "must give every arm at least one in a million of the visitors, "
            f"got {format_number(smallest)}"
        )
        params = {"rule": "split_share_too_small", "minimum": MIN_SHARE, "got": smallest}
        return FieldProblem("split", message, RULE, params)
    return None
