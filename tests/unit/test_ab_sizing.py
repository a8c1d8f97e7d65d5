"""Sizing an A/B test (issue 8), against hand-worked numbers, R's and statsmodels' solvers.

The oracles, each independent of the code under test:

- hand computation with scipy's normal quantiles (the 5% / +10% case is worked in full below);
- statsmodels 0.15 ``samplesize_proportions_2indep_onetail``. Its source (read with
  ``inspect.getsource``) solves n₁ = [z_α/2·σ₀ + z_β·σ₁]² ÷ diff² with
  σ₀ = √(p̄q̄(1 + 1/ratio)), p̄ = (p₁ + ratio·p₂) ÷ (1 + ratio), σ₁ = √(p₁q₁ + p₂q₂/ratio),
  where its sample 1 has rate p₁ = prop2 + diff and sample 2 has ratio × n₁ visitors at
  ``prop2``: Fleiss' formula exactly (pooled under H0, unpooled under H1, no continuity
  correction). So control is its sample 1: diff = baseline − variant rate, prop2 = the variant
  rate, ratio = n_variant ÷ n_control;
- statsmodels ``power_proportions_2indep``: the power at our size must reach the target, and
  fall short with one visitor less in control. Asked one-sided at α/2 (``larger`` or
  ``smaller``), it is the same one-tail approximation the size solves, so the check is exact;
  asked two-sided it adds the far tail, which only adds power;
- the examples printed in R's help page for ``stats::power.prop.test`` (the same equation,
  equal arms): p₁ 0.50, p₂ 0.75, power 0.90 → n = 76.7; p₁ 0.5, p₂ 0.501, α 0.001,
  power 0.90 → n = 10,451,937; n = 50, p₁ 0.5, power 0.90 → p₂ = 0.8026.
"""

from __future__ import annotations

import itertools
import math

import pytest
import statsmodels.stats.proportion as smp  # type: ignore[import-untyped]
from scipy.stats import norm  # type: ignore[import-untyped]

from planner.abtests.sizing import (
    MAX_VISITORS,
    SampleSize,
    days_curve,
    days_needed,
    detectable_effect,
    detectable_effect_in_days,
    exceeds_period,
    sample_size,
)
from planner.errors import RULE, PlanInvalid
from planner.types import OUT_OF_RANGE


def statsmodels_control(size: SampleSize, ratio: float) -> float:
    """Control's unrounded need for one comparison, by statsmodels (mapping in the docstring)."""
    return float(
        smp.samplesize_proportions_2indep_onetail(
            size.baseline - size.variant_rate,
            size.variant_rate,
            size.power,
            ratio=ratio,
            alpha=size.alpha_per_comparison,
            alternative="two-sided",
        )
    )


def statsmodels_power(size: SampleSize, control: int, ratio: float, *, one_tail: bool) -> float:
    difference = size.baseline - size.variant_rate
    alpha = size.alpha_per_comparison
    if one_tail:  # the tail the effect lies in, at α/2: what the size formula solves
        tail = "smaller" if difference < 0 else "larger"
        alpha, alternative = alpha / 2, tail
    else:
        alternative = "two-sided"
    result = smp.power_proportions_2indep(
        difference,
        size.variant_rate,
        control,
        ratio=ratio,
        alpha=alpha,
        alternative=alternative,
        return_results=False,
    )
    return float(result)


def refused(call: object, *args: object, **kwargs: object) -> PlanInvalid:
    assert callable(call)
    with pytest.raises(PlanInvalid) as caught:
        call(*args, **kwargs)
    return caught.value


# --- The worked case --------------------------------------------------------------------------


def test_5_percent_baseline_and_10_percent_lift_need_31_234_per_arm() -> None:
    """Hand-worked, Fleiss' formula with r = 1, α 0.05 two-sided, power 0.8.

    p₁ = 0.05, p₂ = 0.05 × 1.1 = 0.055, p₂ − p₁ = 0.005; p̄ = 0.0525, p̄q̄ = 0.04974375;
    z₀.₉₇₅ = 1.959964, z₀.₈ = 0.841621 (scipy.stats.norm).
    Null term: 1.959964 × √(2 × 0.04974375) = 1.959964 × √0.0994875 = 1.959964 × 0.315416
    = 0.618205. Alternative term: 0.841621 × √(0.05 × 0.95 + 0.055 × 0.945)
    = 0.841621 × √(0.0475 + 0.051975) = 0.841621 × 0.315397 = 0.265444.
    n = (0.618205 + 0.265444)² ÷ 0.005² = 0.883649² ÷ 0.000025 = 0.780836 ÷ 0.000025
    = 31,233.44 → 31,234 per arm (rounded up), 62,468 in all: the "about 31,000 per arm"
    the usual online calculators quote for this case.
    """
    size = sample_size(0.05, 0.10, relative=True, alpha=0.05, power=0.8)

    assert size.per_arm == (31_234, 31_234)
    assert (size.control, size.per_variant, size.total) == (31_234, 31_234, 62_468)
    assert size.variant_rate == pytest.approx(0.055)
    assert size.absolute_effect == pytest.approx(0.005)
    assert size.relative_effect == pytest.approx(0.10)
    assert (size.alpha_per_comparison, size.split) == (0.05, (0.5, 0.5))


def test_the_worked_case_by_hand_with_scipy_quantiles() -> None:
    """The module's formula typed again from Fleiss, Levin & Paik (2003) eq. 4.14 (r = 1)."""
    p1, p2 = 0.05, 0.055
    z_alpha, z_power = norm.isf(0.025), norm.ppf(0.8)
    pooled = (p1 + p2) / 2
    root = z_alpha * math.sqrt(2 * pooled * (1 - pooled)) + z_power * math.sqrt(
        p1 * (1 - p1) + p2 * (1 - p2)
    )
    by_hand = root**2 / (p2 - p1) ** 2

    assert by_hand == pytest.approx(31_233.44, abs=0.01)
    assert sample_size(0.05, 0.005, relative=False).control == math.ceil(by_hand)


def test_absolute_and_relative_effects_size_the_same_test() -> None:
    """+10% of 5% is +0.5 points: both spellings give the worked 31,234 per arm."""
    assert sample_size(0.05, 0.005, relative=False).per_arm == (31_234, 31_234)


# --- Against statsmodels and R ----------------------------------------------------------------

CASES = [
    pytest.param(0.05, 0.10, 0.05, 0.8, 1, None, id="5%-plus-10%"),
    pytest.param(0.05, -0.10, 0.05, 0.8, 1, None, id="5%-minus-10%"),
    pytest.param(0.30, 0.05, 0.01, 0.9, 1, None, id="30%-plus-5%-strict"),
    pytest.param(0.02, 0.25, 0.10, 0.5, 1, None, id="2%-plus-25%-lenient"),
    pytest.param(0.05, 0.10, 0.05, 0.8, 1, (1 / 3, 2 / 3), id="split-1-to-2"),
    pytest.param(0.05, 0.10, 0.05, 0.8, 1, (0.8, 0.2), id="split-4-to-1"),
    pytest.param(0.05, 0.10, 0.05, 0.8, 3, None, id="three-variants"),
    pytest.param(0.05, 0.10, 0.05, 0.8, 2, (0.4, 0.2, 0.4), id="two-variants-uneven"),
    pytest.param(0.9, -0.2, 0.05, 0.95, 1, None, id="90%-minus-20%"),
]


@pytest.mark.parametrize(("baseline", "mde", "alpha", "power", "variants", "split"), CASES)
def test_every_arm_is_statsmodels_need_rounded_up(
    baseline: float,
    mde: float,
    alpha: float,
    power: float,
    variants: int,
    split: tuple[float, ...] | None,
) -> None:
    """Oracle: statsmodels' Fleiss solver per comparison (mapping in the module docstring).

    Control gets the largest need over the comparisons, each variant control's unrounded
    need × its ratio, all rounded up.
    """
    size = sample_size(baseline, mde, alpha=alpha, power=power, variants=variants, split=split)
    ratios = [share / size.split[0] for share in size.split[1:]]
    need = max(statsmodels_control(size, ratio) for ratio in ratios)

    assert size.control == math.ceil(need)
    assert size.per_arm[1:] == tuple(math.ceil(need * ratio) for ratio in ratios)
    assert size.total == sum(size.per_arm)
    assert size.per_variant == max(size.per_arm[1:])


@pytest.mark.parametrize(("baseline", "mde", "alpha", "power", "variants", "split"), CASES)
def test_power_at_the_size_reaches_the_target_and_one_visitor_less_does_not(
    baseline: float,
    mde: float,
    alpha: float,
    power: float,
    variants: int,
    split: tuple[float, ...] | None,
) -> None:
    """Oracle: statsmodels' ``power_proportions_2indep`` for the comparison that sets control.

    One-sided at α/2 it is the size formula's own approximation: ≥ target at our control
    size, < target one visitor below it (same ratio). Two-sided (the far tail added) it is ≥
    target too, for every comparison.
    """
    size = sample_size(baseline, mde, alpha=alpha, power=power, variants=variants, split=split)
    ratios = [share / size.split[0] for share in size.split[1:]]
    tightest = min(ratios)  # the smallest variant share sets control's need

    assert statsmodels_power(size, size.control, tightest, one_tail=True) >= power
    assert statsmodels_power(size, size.control - 1, tightest, one_tail=True) < power
    for ratio in ratios:
        assert statsmodels_power(size, size.control, ratio, one_tail=False) >= power


def test_r_power_prop_test_example_50_against_75_percent_needs_77_per_arm() -> None:
    """R's ?power.prop.test: p1 = .50, p2 = .75, power = .90 ⇒ n = 76.7, so 77 per arm."""
    size = sample_size(0.50, 0.25, relative=False, power=0.90)

    assert size.per_arm == (77, 77)


def test_r_power_prop_test_example_of_ten_million_per_arm() -> None:
    """R's ?power.prop.test: p1 = .5, p2 = .501, sig.level = .001, power = .90 ⇒ n = 10451937.

    R prints the unrounded root to 7 significant digits; ours is rounded up: within one.
    """
    size = sample_size(0.5, 0.001, relative=False, alpha=0.001, power=0.90)

    assert abs(size.control - 10_451_937) <= 1


# --- Choices: a drop, the split, Bonferroni, rounding -----------------------------------------


def test_a_drop_is_sized_at_the_lower_rate_so_it_needs_fewer_visitors_than_a_rise() -> None:
    """Hand/statsmodels: 5% → 4.5% needs 28,407.8 (statsmodels, diff 0.005, prop2 0.045).

    The variances are smaller at 4.5% than at 5.5%, so a 10% drop needs fewer visitors than
    the worked 31,234 for a 10% rise; the effect keeps its sign in the result.
    """
    drop = sample_size(0.05, -0.10)

    assert drop.per_arm == (28_408, 28_408)
    assert drop.control < sample_size(0.05, 0.10).control
    assert drop.absolute_effect == pytest.approx(-0.005)
    assert drop.relative_effect == pytest.approx(-0.10)


def test_a_one_to_two_split_sizes_control_at_ratio_two() -> None:
    """Hand-worked, r = 2: p̄ = (0.05 + 2 × 0.055) ÷ 3 = 0.053333, p̄q̄(1 + ½) = 0.075733.

    Null term 1.959964 × √0.075733 = 1.959964 × 0.275197 = 0.539376; alternative term
    0.841621 × √(0.0475 + 0.051975 ÷ 2) = 0.841621 × √0.0734875 = 0.841621 × 0.271086
    = 0.228152; n₁ = 0.767528² ÷ 0.005² = 23,563.94 → control 23,564, variant
    ⌈2 × 23,563.94⌉ = ⌈47,127.88⌉ = 47,128; 70,692 in all, more than the even split's 62,468.
    """
    size = sample_size(0.05, 0.10, split=[1 / 3, 2 / 3])

    assert size.per_arm == (23_564, 47_128)
    assert (size.control, size.per_variant, size.total) == (23_564, 47_128, 70_692)
    assert size.total > sample_size(0.05, 0.10).total


def test_three_variants_compare_each_at_a_third_of_alpha() -> None:
    """Hand-worked Bonferroni: α = 0.05 ÷ 3 = 0.016667 per comparison, z₁₋α/2 = 2.393980.

    Null term 2.393980 × 0.315416 = 0.755101; alternative term 0.265444 (as in the worked
    case); n = 1.020545² ÷ 0.000025 = 41,660.48 → 41,661 in each of the four arms, 166,644 in
    all.
    """
    size = sample_size(0.05, 0.10, variants=3)

    assert size.alpha_per_comparison == pytest.approx(0.05 / 3)
    assert size.per_arm == (41_661,) * 4
    assert size.total == 166_644
    assert size.split == (0.25, 0.25, 0.25, 0.25)


def test_the_smallest_variant_share_sets_control_and_the_split_sets_the_rest() -> None:
    """Hand-worked, split 0.4 / 0.2 / 0.4, two variants (α 0.025 each, z = 2.241403).

    Variant 1 has r = 0.5: p̄ = (0.05 + 0.5 × 0.055) ÷ 1.5 = 0.051667, p̄q̄ × 3 = 0.146992,
    null term 2.241403 × 0.383395 = 0.859344; alternative 0.841621 × √(0.0475 + 0.051975 × 2)
    = 0.841621 × 0.389166 = 0.327530; n₁ = 1.186873² ÷ 0.000025 = 56,346.66 → control 56,347;
    variant 1 ⌈0.5 × 56,346.66⌉ = 28,174; variant 2 (r = 1) ⌈56,346.66⌉ = 56,347.
    """
    size = sample_size(0.05, 0.10, variants=2, split=[0.4, 0.2, 0.4])

    assert size.per_arm == (56_347, 28_174, 56_347)
    assert size.per_variant == 56_347
    assert size.total == 140_868


def test_every_arm_is_rounded_up_never_to_the_nearest() -> None:
    """Unrounded needs worked above: 31,233.44, 41,660.48 and 28,173.33 (0.5 × 56,346.66).

    Each becomes the next whole visitor, where rounding to the nearest would give one less.
    """
    assert sample_size(0.05, 0.10).control == 31_234
    assert sample_size(0.05, 0.10, variants=3).control == 41_661
    assert sample_size(0.05, 0.10, variants=2, split=[0.4, 0.2, 0.4]).per_arm[1] == 28_174


# --- Refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        pytest.param({"baseline": 0.0}, "baseline", OUT_OF_RANGE, id="baseline-0"),
        pytest.param({"baseline": 1.0}, "baseline", OUT_OF_RANGE, id="baseline-1"),
        pytest.param({"baseline": math.nan}, "baseline", OUT_OF_RANGE, id="baseline-nan"),
        pytest.param({"mde": 0.0}, "mde", "zero_effect", id="mde-0"),
        pytest.param({"mde": math.inf}, "mde", OUT_OF_RANGE, id="mde-inf"),
        pytest.param({"mde": 30.0}, "mde", RULE, id="mde-pushes-rate-past-1"),
        pytest.param({"mde": -1.0}, "mde", RULE, id="mde-pushes-rate-to-0"),
        pytest.param({"alpha": 0.0}, "alpha", OUT_OF_RANGE, id="alpha-0"),
        pytest.param({"alpha": 0.6}, "alpha", OUT_OF_RANGE, id="alpha-over-half"),
        pytest.param({"alpha": 1e-300}, "alpha", OUT_OF_RANGE, id="alpha-below-floor"),
        pytest.param({"power": 0.4}, "power", OUT_OF_RANGE, id="power-under-half"),
        pytest.param({"power": 1.0}, "power", OUT_OF_RANGE, id="power-1"),
        pytest.param({"variants": 0}, "variants", OUT_OF_RANGE, id="variants-0"),
        pytest.param({"variants": 11}, "variants", OUT_OF_RANGE, id="variants-11"),
        pytest.param({"variants": 2.5}, "variants", "int_type", id="variants-not-whole"),
        pytest.param({"split": [0.5, 0.25, 0.25]}, "split", RULE, id="split-length"),
        pytest.param({"split": [0.6, 0.5]}, "split", RULE, id="split-sum"),
        pytest.param({"split": [1.0, 0.0]}, "split", OUT_OF_RANGE, id="split-zero-share"),
        pytest.param({"split": [1.5, -0.5]}, "split", OUT_OF_RANGE, id="split-negative"),
    ],
)
def test_refusals_name_the_field(kwargs: dict[str, object], field: str, code: str) -> None:
    """Each bound of the module docstring, crossed once; the problem names its field."""
    arguments: dict[str, object] = {"baseline": 0.05, "mde": 0.10} | kwargs
    error = refused(sample_size, **arguments)

    assert [(problem.field, problem.code) for problem in error.problems] == [(field, code)]


def test_the_rules_carry_their_names_and_numbers() -> None:
    """The cross-field problems are ``rule`` problems whose context names the rule."""
    pushed = refused(sample_size, 0.05, 30.0).problems[0]
    length = refused(sample_size, 0.05, 0.1, variants=2, split=[0.5, 0.5]).problems[0]
    total = refused(sample_size, 0.05, 0.1, split=[0.6, 0.5]).problems[0]

    assert pushed.context["rule"] == "variant_rate_out_of_range"
    assert pushed.context["variant_rate"] == pytest.approx(1.55)
    assert "1.55" in pushed.message
    assert (length.context["rule"], length.context["expected"], length.context["got"]) == (
        "split_length",
        3,
        2,
    )
    assert total.context["rule"] == "split_sum"
    assert total.context["got"] == pytest.approx(1.1)


def test_a_split_within_the_tolerance_is_accepted() -> None:
    """Shares summing to 1 + 1e-10 pass the 1e-9 tolerance; 1 + 1e-8 does not."""
    assert sample_size(0.05, 0.1, split=[0.5, 0.5 + 1e-10]).control > 0
    assert refused(sample_size, 0.05, 0.1, split=[0.5, 0.5 + 1e-8]).fields() == {"split"}


def test_every_wrong_field_is_reported_at_once() -> None:
    """Four wrong inputs, four problems, in the order of the form."""
    error = refused(sample_size, 1.5, 0.1, alpha=0.9, power=0.2, variants=0)

    assert [problem.field for problem in error.problems] == [
        "baseline",
        "alpha",
        "power",
        "variants",
    ]


def test_range_problems_carry_their_bounds_for_wording() -> None:
    """Context {"got", "gt"/"ge", "lt"/"le"}, as ``planner.scenarios.levers`` gives."""
    problem = refused(sample_size, 0.05, 0.1, power=1.0).problems[0]

    assert problem.context["got"] == 1.0
    assert (problem.context["ge"], problem.context["lt"]) == (0.5, 1)
    assert problem.message == "must be ≥ 0.5 and < 1, got 1"


# --- Huge samples: a number or a refusal, never inf or NaN ------------------------------------


def test_a_one_in_a_million_rate_and_a_1_percent_lift_is_a_finite_number() -> None:
    """Oracle statsmodels: 157,762,324,107.x per arm, under the 1e12 limit: an exact int."""
    size = sample_size(1e-6, 0.01)

    assert size.control == math.ceil(statsmodels_control(size, 1.0))
    assert size.control == 157_762_324_108
    assert isinstance(size.total, int)


@pytest.mark.parametrize(
    ("baseline", "mde"),
    [
        pytest.param(1e-6, 0.001, id="past-1e12-per-arm"),
        pytest.param(1e-300, 0.1, id="difference-underflows"),
        pytest.param(0.05, 1e-300, id="effect-lost-in-rounding"),
    ],
)
def test_an_impossibly_large_sample_is_refused_naming_the_effect(
    baseline: float, mde: float
) -> None:
    """More than 1e12 visitors per arm (or an effect float arithmetic can't see): refused."""
    problem = refused(sample_size, baseline, mde).problems[0]

    assert (problem.field, problem.code, problem.context["rule"]) == (
        "mde",
        RULE,
        "sample_too_large",
    )
    assert problem.context["limit"] == MAX_VISITORS


# --- Days -------------------------------------------------------------------------------------


def test_days_are_the_total_over_daily_traffic_rounded_up() -> None:
    """Hand: 62,468 ÷ 1,000 = 62.468 → 63 days; 62,468 ÷ 62,468 = 1 day exactly."""
    size = sample_size(0.05, 0.10)

    assert days_needed(size, 1_000) == 63
    assert days_needed(size, 62_468) == 1
    assert days_needed(size, 1_000.5) == 63  # 62.43 days


@pytest.mark.parametrize("daily", [0, -5, math.nan, math.inf, 1e-300])
def test_days_refuse_traffic_that_is_not_positive(daily: float) -> None:
    """Bounds of ``days_needed``: > 0 and finite, at least 1e-6 so the days stay finite."""
    error = refused(days_needed, sample_size(0.05, 0.10), daily)

    assert error.fields() == {"daily_visitors"}


def test_a_test_longer_than_the_period_is_flagged() -> None:
    """63 days (the worked case at 1,000 a day) do not fit a 30-day period; 63 fit 63."""
    assert exceeds_period(63, 30)
    assert not exceeds_period(63, 63)


def test_days_fall_as_the_effect_grows() -> None:
    """Monotonicity: a larger effect needs fewer days; +10% is the worked 63 days."""
    effects = [0.02, 0.05, 0.10, 0.20, 0.50, 1.0]
    curve = days_curve(0.05, 1_000, effects)
    days = [point[1] for point in curve]

    assert [point[0] for point in curve] == effects
    assert days[2] == 63
    assert all(later < earlier for earlier, later in itertools.pairwise(days))


# --- The inverse ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("baseline", "visitors", "relative", "variants", "split"),
    [
        pytest.param(0.05, 62_468, True, 1, None, id="worked-case"),
        pytest.param(0.05, 10_000, False, 1, None, id="absolute"),
        pytest.param(0.30, 5_000, True, 2, None, id="a-b-c"),
        pytest.param(0.02, 100_000, True, 1, (0.2, 0.8), id="uneven"),
        pytest.param(0.01, 1_000_000, True, 3, (0.4, 0.2, 0.2, 0.2), id="a-b-c-d"),
        pytest.param(1e-6, 10**12, True, 1, None, id="rare-and-huge"),
    ],
)
def test_detectable_effect_inverts_sample_size_within_one_visitor_per_arm(
    baseline: float,
    visitors: int,
    relative: bool,
    variants: int,
    split: tuple[float, ...] | None,
) -> None:
    """Round trip: sizing the detected effect gives each arm its share of the visitors.

    The inverse is solved unrounded, so each arm, rounded up, is within one visitor of
    visitors × share.
    """
    effect = detectable_effect(
        baseline, visitors, relative=relative, variants=variants, split=split
    )
    assert effect is not None
    assert effect > 0
    size = sample_size(baseline, effect, relative=relative, variants=variants, split=split)

    for arm, share in zip(size.per_arm, size.split, strict=True):
        assert abs(arm - visitors * share) <= 1


def test_the_worked_total_detects_the_worked_effect() -> None:
    """62,468 visitors at 5% detect +10% (the worked case, read backwards)."""
    effect = detectable_effect(0.05, 62_468)

    assert effect == pytest.approx(0.10, abs=1e-4)


def test_r_power_prop_test_example_100_visitors_detect_50_to_80_26_percent() -> None:
    """R's ?power.prop.test: n = 50 per group, p1 = .5, power = .90 ⇒ p2 = 0.8026."""
    effect = detectable_effect(0.5, 100, relative=False, power=0.90)

    assert effect == pytest.approx(0.3026, abs=1e-4)


def test_nothing_is_detectable_when_even_a_rate_of_1_is_not() -> None:
    """At 99.9999%, 100 visitors can't tell the rate from 1 (the rise is below 1e-6)."""
    assert detectable_effect(0.999999, 100) is None


def test_detectable_effect_in_days_uses_the_traffic_of_those_days() -> None:
    """30 days × 1,000 a day = 30,000 visitors: the same as asking with 30,000."""
    in_days = detectable_effect_in_days(0.05, 1_000, 30)

    assert in_days == detectable_effect(0.05, 30_000)
    assert in_days is not None
    assert in_days > 0.10


def test_no_visitor_in_the_days_detects_nothing() -> None:
    """0.01 a day for 10 days is no visitor: no effect, and no crash."""
    assert detectable_effect_in_days(0.05, 0.01, 10) is None


@pytest.mark.parametrize(
    ("call", "args", "field"),
    [
        pytest.param(detectable_effect, (0.05, 0), "visitors", id="no-visitors"),
        pytest.param(detectable_effect, (0.05, 10.5), "visitors", id="half-a-visitor"),
        pytest.param(detectable_effect, (1.0, 100), "baseline", id="baseline-1"),
        pytest.param(detectable_effect_in_days, (0.05, 100, 0), "days", id="no-days"),
        pytest.param(detectable_effect_in_days, (0.05, -1, 10), "daily_visitors", id="no-traffic"),
    ],
)
def test_the_inverse_refuses_naming_the_field(
    call: object, args: tuple[object, ...], field: str
) -> None:
    """The bounds in the docstrings of ``detectable_effect`` and ``..._in_days``."""
    assert refused(call, *args).fields() == {field}


def test_numpy_floats_size_as_python_floats_do() -> None:
    """A numpy float sizes as the Python float it holds (its repr is no decimal literal)."""
    import numpy as np

    assert sample_size(np.float64(0.05), np.float64(0.10)) == sample_size(0.05, 0.10)
