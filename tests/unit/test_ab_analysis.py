"""Reading a test from its counts (``planner.abtests.analysis``), against outside oracles.

Each test names where its expected numbers come from:

- **statsmodels** (a test-only oracle, never imported by ``planner``):
  ``proportions_ztest`` (pooled two-proportion z-test), ``multipletests(method="holm")`` and
  ``samplesize_proportions_2indep_onetail`` (the Fleiss sample size that sizing solves);
- **scipy**: ``chi2_contingency(table, correction=False)`` (Pearson's chi-square of the 2 × 2
  table: the same p-value as the pooled z-test) and ``chisquare`` (the SRM's goodness of fit);
- **hand calculations**, written out beside the assertion;
- **seeded simulation**: 2,000 experiments with known true rates; an interval's coverage, or
  an A/A test's rejection rate, must be within 3 standard errors √(P(1 − P) ÷ 2,000) ≈ 0.015 of
  the nominal 95% (5%).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chi2_contingency, chisquare
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import (
    proportions_ztest,
    samplesize_proportions_2indep_onetail,
)

from planner.abtests.analysis import Analysis, VariantResult, analyze, holm, srm_p_value
from planner.abtests.arms import Arm
from planner.errors import PlanInvalid

SEED = 20_270_401
EXPERIMENTS = 2_000


def arm(visitors: int, conversions: int, name: str | None = None) -> Arm:
    if name is None:  # unnamed, as an arm may be
        return Arm(visitors=visitors, conversions=conversions)
    return Arm(name=name, visitors=visitors, conversions=conversions)


def only(analysis: Analysis) -> VariantResult:
    (result,) = analysis.variants
    return result


def floats(value: Any) -> Iterator[float]:
    """Every float in a ``model_dump``, however deeply nested."""
    if isinstance(value, float):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from floats(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from floats(item)


# --- The z-test, Holm and the SRM check against statsmodels and scipy -------------------------


@pytest.mark.parametrize(
    ("control", "variant"),
    [
        pytest.param((10_000, 100), (10_000, 120), id="one-percent"),
        pytest.param((4_321, 987), (5_012, 1_203), id="unequal-arms"),
        pytest.param((1_000, 0), (1_000, 7), id="control-zero"),
        pytest.param((50, 50), (60, 55), id="control-all-converted"),
        pytest.param((10**12, 10**10), (10**12, 10**10 + 200_000), id="trillion-visitors"),
    ],
)
def test_p_value_is_the_pooled_z_test_and_the_uncorrected_chi_square(
    control: tuple[int, int], variant: tuple[int, int]
) -> None:
    result = only(analyze(arm(*control), [arm(*variant)]))
    counts, visitors = [control[1], variant[1]], [control[0], variant[0]]
    _, z_test_p = proportions_ztest(counts, visitors)  # pooled variance by default
    table = [[c, n - c] for n, c in (control, variant)]
    chi_square_p = chi2_contingency(table, correction=False).pvalue
    assert result.p_value == pytest.approx(z_test_p, rel=1e-9, abs=1e-300)
    assert result.p_value == pytest.approx(chi_square_p, rel=1e-6, abs=1e-300)


def test_holm_matches_statsmodels_over_ten_variants() -> None:
    control = arm(10_000, 100)
    variants = [arm(10_000, 100 + 6 * step, name=f"V{step}") for step in range(10)]
    analysis = analyze(control, variants)
    raw = [result.p_value for result in analysis.variants]
    assert all(p is not None for p in raw)
    reject, expected, _, _ = multipletests(raw, alpha=0.05, method="holm")
    assert [result.holm_p_value for result in analysis.variants] == pytest.approx(expected)
    assert [result.significant for result in analysis.variants] == list(reject)
    assert holm([0.01, 0.04, 0.03]) == pytest.approx(
        multipletests([0.01, 0.04, 0.03], method="holm")[1]
    )


def test_with_one_variant_the_holm_p_value_is_the_p_value() -> None:
    result = only(analyze(arm(10_000, 100), [arm(10_000, 130)]))
    assert result.holm_p_value == result.p_value


def test_holm_can_take_away_a_raw_significance() -> None:
    # 130 against 100 of 10,000: pooled 0.0115, SE = √(0.0115·0.9885·2e-4) = 0.0015078,
    # z = 0.003 ÷ 0.0015078 = 1.990, p = 0.047 (the z-test oracle); it is the smallest of three
    # p-values, so Holm multiplies it by 3: 0.14, not significant.
    control = arm(10_000, 100)
    variants = [arm(10_000, 130), arm(10_000, 101), arm(10_000, 99)]
    first = analyze(control, variants).variants[0]
    _, z_test_p = proportions_ztest([100, 130], [10_000, 10_000])
    assert first.p_value == pytest.approx(z_test_p)
    assert first.p_value == pytest.approx(0.047, abs=0.001)
    assert not first.significant
    assert first.holm_p_value == pytest.approx(3 * z_test_p)


def test_srm_p_value_is_scipys_chisquare_and_10000_against_10500_is_a_mismatch() -> None:
    # Hand: expected 10,250 each; χ² = 2 × 250² ÷ 10,250 = 12.195; P(χ²₁ > 12.195) = 0.00048.
    analysis = analyze(arm(10_000, 100), [arm(10_500, 160)])
    assert analysis.srm_p_value == pytest.approx(chisquare([10_000, 10_500]).pvalue)
    assert analysis.srm_p_value == pytest.approx(0.00048, abs=0.00001)
    assert analysis.srm_mismatch
    assert analysis.verdict.code == "sample_ratio_mismatch"  # before the clear winner
    assert analysis.verdict.params == {"p_value": analysis.srm_p_value}
    assert "don't trust this result" in analysis.verdict.summary


def test_srm_uses_the_planned_split() -> None:
    # Planned 20/80: 2,000 and 8,000 of 10,000 fit exactly; 2,100 and 7,900:
    # χ² = 100² ÷ 2,000 + 100² ÷ 8,000 = 6.25 (scipy's chisquare with those expectations).
    fitting = analyze(arm(2_000, 20), [arm(8_000, 80)], split=(0.2, 0.8))
    assert fitting.srm_p_value == pytest.approx(1.0)
    off = analyze(arm(2_100, 21), [arm(7_900, 79)], split=(20, 80))  # weights work too
    expected = chisquare([2_100, 7_900], f_exp=[2_000, 8_000]).pvalue
    assert off.srm_p_value == pytest.approx(expected)
    assert not off.srm_mismatch  # p = 0.012: above 0.001
    three = srm_p_value([1_000, 1_100, 900], [1, 1, 1])
    assert three == pytest.approx(chisquare([1_000, 1_100, 900]).pvalue)


# --- Lifts and their intervals ----------------------------------------------------------------


def test_lift_intervals_by_hand() -> None:
    # p_A = 100/10,000 = 0.01, p_B = 120/10,000 = 0.012, z* = 1.959964 (95%).
    # Wald: SE = √(0.01·0.99/10⁴ + 0.012·0.988/10⁴) = √(2.1756e-6) = 0.00147499;
    #       0.002 ± 1.959964 × 0.00147499 = 0.002 ± 0.00289093.
    # Log ratio: R = 1.2, SE = √(0.988/120 + 0.99/100) = √0.0181333 = 0.134660;
    #       exp(ln 1.2 ± 1.959964 × 0.134660) − 1 = exp(0.182322 ± 0.263930) − 1
    #       = (exp(−0.081609), exp(0.446252)) − 1 = (−0.078366, 0.562443).
    result = only(analyze(arm(10_000, 100), [arm(10_000, 120)]))
    assert result.status == "ok"
    assert result.rate == pytest.approx(0.012)
    assert result.absolute_lift == pytest.approx(0.002)
    assert result.absolute_lift_ci == pytest.approx((-0.00089093, 0.00489093), abs=1e-8)
    assert result.relative_lift == pytest.approx(0.2)
    assert result.lift_ci == pytest.approx((-0.078366, 0.562443), abs=1e-6)


def test_the_interval_follows_the_confidence() -> None:
    # 90%: z* = 1.644854; the Wald half-width is 1.644854 × 0.00147499 = 0.00242614.
    result = only(analyze(arm(10_000, 100), [arm(10_000, 120)], confidence=0.9))
    assert result.absolute_lift_ci == pytest.approx((-0.00042614, 0.00442614), abs=1e-8)


@pytest.mark.parametrize(
    ("rate_a", "rate_b", "visitors"),
    [
        pytest.param(0.02, 0.025, 1_000, id="about-20-conversions"),
        pytest.param(0.05, 0.06, 5_000, id="about-250-conversions"),
    ],
)
def test_intervals_cover_the_true_lift_95_percent_of_the_time(
    rate_a: float, rate_b: float, visitors: int
) -> None:
    rng = np.random.default_rng(SEED)
    conversions = rng.binomial(visitors, [rate_a, rate_b], size=(EXPERIMENTS, 2))
    covered = {"relative": 0, "absolute": 0, "credible": 0}
    true_ratio, true_difference = rate_b / rate_a - 1, rate_b - rate_a
    for c_a, c_b in conversions:
        result = only(analyze(arm(visitors, int(c_a)), [arm(visitors, int(c_b))]))
        assert result.lift_ci
        assert result.absolute_lift_ci
        assert result.credible_interval
        covered["relative"] += result.lift_ci[0] <= true_ratio <= result.lift_ci[1]
        covered["absolute"] += (
            result.absolute_lift_ci[0] <= true_difference <= result.absolute_lift_ci[1]
        )
        covered["credible"] += (
            result.credible_interval[0] <= true_ratio <= result.credible_interval[1]
        )
    tolerance = 3 * math.sqrt(0.95 * 0.05 / EXPERIMENTS)
    for name, count in covered.items():
        assert count / EXPERIMENTS == pytest.approx(0.95, abs=tolerance), name


def test_an_a_a_test_rejects_about_5_percent_of_the_time() -> None:
    rng = np.random.default_rng(SEED + 1)
    conversions = rng.binomial(5_000, 0.04, size=(EXPERIMENTS, 2))
    rejected = sum(
        only(analyze(arm(5_000, int(c_a)), [arm(5_000, int(c_b))])).significant
        for c_a, c_b in conversions
    )
    assert rejected / EXPERIMENTS == pytest.approx(
        0.05, abs=3 * math.sqrt(0.05 * 0.95 / EXPERIMENTS)
    )


# --- Degenerate counts: a status, None, never NaN ---------------------------------------------

NUMBERS = (
    "absolute_lift",
    "absolute_lift_ci",
    "relative_lift",
    "lift_ci",
    "p_value",
    "chance_to_beat_control",
    "credible_interval",
)


@pytest.mark.parametrize(
    ("control", "variant", "status", "missing"),
    [
        pytest.param(
            (1_000, 0),
            (1_000, 0),
            "no_conversions",
            {
                "absolute_lift_ci",
                "relative_lift",
                "lift_ci",
                "p_value",
                "credible_interval",
            },
            id="no-conversions",
        ),
        pytest.param(
            (50, 50),
            (80, 80),
            "all_converted",
            {"absolute_lift_ci", "lift_ci", "p_value"},
            id="all-converted",
        ),
        pytest.param((1_000, 10), (0, 0), "empty_arm", set(NUMBERS), id="empty-variant"),
        pytest.param((0, 0), (1_000, 10), "empty_arm", set(NUMBERS), id="empty-control"),
        pytest.param(
            (1_000, 0),
            (1_000, 5),
            "control_zero",
            {"relative_lift", "lift_ci", "credible_interval"},
            id="control-zero",
        ),
        pytest.param((1_000, 5), (1_000, 0), "variant_zero", {"lift_ci"}, id="variant-zero"),
        pytest.param(
            (100, 0),
            (100, 100),
            "no_variation",
            {"absolute_lift_ci", "relative_lift", "lift_ci", "credible_interval"},
            id="nothing-against-everything",
        ),
        pytest.param(
            (100, 100),
            (100, 0),
            "no_variation",
            {"absolute_lift_ci", "lift_ci"},
            id="everything-against-nothing",
        ),
        pytest.param(
            (10**12, 10**10), (10**12, 10**10 + 200_000), "ok", set(), id="trillion-visitors"
        ),
        pytest.param(
            (10**12, 0),
            (10**12, 0),
            "no_conversions",
            {
                "absolute_lift_ci",
                "relative_lift",
                "lift_ci",
                "p_value",
                "credible_interval",
            },
            id="trillion-visitors-no-conversions",
        ),
        pytest.param(
            (10**12, 10**12), (10**12, 10**12 - 1), "ok", set(), id="trillion-visitors-almost-all"
        ),
    ],
)
def test_degenerate_counts_get_a_status_and_none_never_nan(
    control: tuple[int, int], variant: tuple[int, int], status: str, missing: set[str]
) -> None:
    analysis = analyze(arm(*control), [arm(*variant)])
    result = only(analysis)
    assert result.status == status
    assert {name for name in NUMBERS if getattr(result, name) is None} == missing
    assert all(math.isfinite(number) for number in floats(analysis.model_dump()))
    text = analysis.model_dump_json()
    assert "NaN" not in text
    assert "Infinity" not in text
    json.loads(text)


def test_a_lone_control_is_no_data() -> None:
    analysis = analyze(arm(1_000, 10), [])
    assert analysis.variants == ()
    assert analysis.srm_p_value is None  # fewer than two arms with visitors
    assert analysis.verdict.code == "no_data"


def test_an_empty_arm_is_left_out_of_holm_but_not_out_of_the_srm_check() -> None:
    # Planned 1/3 each, one arm empty: χ² against 1,000 expected in each is huge.
    variants = [arm(1_500, 30), arm(0, 0)]
    analysis = analyze(arm(1_500, 15), variants)
    tested, empty = analysis.variants
    assert empty.status == "empty_arm"
    assert empty.holm_p_value is None
    assert tested.holm_p_value == tested.p_value  # a family of one
    assert analysis.srm_p_value == pytest.approx(chisquare([1_500, 1_500, 0]).pvalue)
    assert analysis.verdict.code == "sample_ratio_mismatch"


counts = st.integers(min_value=0, max_value=10**12).flatmap(
    lambda visitors: st.tuples(
        st.just(visitors),
        st.sampled_from([0, visitors, max(visitors - 1, 0), min(visitors, 1)])
        | st.integers(min_value=0, max_value=visitors),
    )
)
small_counts = st.integers(min_value=0, max_value=50).flatmap(
    lambda visitors: st.tuples(st.just(visitors), st.integers(min_value=0, max_value=visitors))
)


@settings(max_examples=150, deadline=None)
@given(
    control=counts | small_counts,
    variants=st.lists(counts | small_counts, max_size=10),
    planned_effect=st.none() | st.sampled_from([0.05, -0.5, 1e-9, 10.0]),
)
def test_any_counts_give_finite_numbers_or_none(
    control: tuple[int, int], variants: list[tuple[int, int]], planned_effect: float | None
) -> None:
    analysis = analyze(arm(*control), [arm(*v) for v in variants], planned_effect=planned_effect)
    assert all(math.isfinite(number) for number in floats(analysis.model_dump()))
    for result in analysis.variants:
        for interval in (result.absolute_lift_ci, result.lift_ci, result.credible_interval):
            assert interval is None or interval[0] <= interval[1]
        for share in (result.p_value, result.holm_p_value, result.chance_to_beat_control):
            assert share is None or 0 <= share <= 1
        assert (result.status == "ok") == all(getattr(result, name) is not None for name in NUMBERS)


# --- Verdicts ---------------------------------------------------------------------------------


def test_a_clear_winner() -> None:
    # +50% on 1%: z = 0.005 ÷ √(0.0125·0.9875·2e-4) = 3.18, p = 0.0015.
    analysis = analyze(arm(10_000, 100, "A"), [arm(10_000, 150, "B")])
    verdict = analysis.verdict
    assert verdict.code == "winner"
    assert verdict.params["variant"] == "B"
    assert verdict.params["index"] == 1
    assert verdict.params["relative_lift"] == pytest.approx(0.5)
    assert verdict.summary.startswith("B wins: +50.0%")


def test_a_clear_loser() -> None:
    analysis = analyze(arm(10_000, 150, "A"), [arm(10_000, 100, "B")])
    assert analysis.verdict.code == "loser"
    assert analysis.verdict.params["relative_lift"] == pytest.approx(-1 / 3)
    assert analysis.verdict.summary.startswith("B loses: -33.3%")


def test_the_best_of_several_winners_wins() -> None:
    variants = [arm(10_000, 150, "B"), arm(10_000, 190, "C"), arm(10_000, 60, "D")]
    verdict = analyze(arm(10_000, 100, "A"), variants).verdict
    assert verdict.code == "winner"
    assert verdict.params["variant"] == "C"
    assert verdict.params["index"] == 2


def test_not_enough_data_says_how_many_more_visitors_the_planned_effect_needs() -> None:
    # Control 1% (100 of 10,000), planned +10% (to 1.1%), α = 0.05, power 0.8 (Fleiss):
    # p̄ = 0.0105; 1.959964·√(2·0.0105·0.9895) = 0.282530; 0.841621·√(0.0099 + 0.010879)
    # = 0.121318; (0.403848)² ÷ 0.001² = 163,094.6 → 163,095 per arm (statsmodels agrees);
    # the arms have 10,000: 153,095 more.
    oracle = samplesize_proportions_2indep_onetail(0.001, 0.01, 0.8, alpha=0.05)
    assert math.ceil(oracle) == 163_095
    analysis = analyze(arm(10_000, 100), [arm(10_000, 110)], planned_effect=0.1)
    verdict = analysis.verdict
    assert verdict.code == "no_difference_yet"
    assert verdict.params == {"more_visitors_per_variant": 153_095, "planned_effect": 0.1}
    assert "about 153,095 more visitors per variant" in verdict.summary


def test_not_enough_data_counts_from_the_smallest_arm() -> None:
    # Same need (163,095 per arm); the variant arm has only 9,990 visitors: 153,105 more.
    analysis = analyze(arm(10_000, 100), [arm(9_990, 110)], planned_effect=0.1)
    assert analysis.verdict.params["more_visitors_per_variant"] == 153_105


def test_without_a_planned_effect_no_number_is_promised() -> None:
    verdict = analyze(arm(10_000, 100), [arm(10_000, 110)]).verdict
    assert verdict.code == "no_difference_yet"
    assert verdict.params == {"more_visitors_per_variant": None, "planned_effect": None}


def test_enough_visitors_and_still_no_difference() -> None:
    # 200,000 per arm is past the 163,095 the planned +10% needs (see above).
    analysis = analyze(arm(200_000, 2_000), [arm(200_000, 2_010)], planned_effect=0.1)
    verdict = analysis.verdict
    assert verdict.code == "no_difference"
    assert verdict.params == {"planned_effect": 0.1, "visitors_per_variant": 163_095}


@pytest.mark.parametrize(
    ("control", "variant", "planned_effect"),
    [
        pytest.param((1_000, 600), (1_000, 605), 1.0, id="effect-past-100-percent"),  # to 120%
        pytest.param((10_000, 100), (10_000, 101), 1e-9, id="effect-needing-over-10e12-per-arm"),
        pytest.param((10_000, 10_000), (10_000, 9_999), 0.1, id="control-all-converted"),
    ],
)
def test_an_effect_that_cannot_be_sized_promises_no_number(
    control: tuple[int, int], variant: tuple[int, int], planned_effect: float
) -> None:
    verdict = analyze(arm(*control), [arm(*variant)], planned_effect=planned_effect).verdict
    assert verdict.code == "no_difference_yet"
    assert verdict.params["more_visitors_per_variant"] is None


def test_no_conversions_anywhere_is_no_data() -> None:
    verdict = analyze(arm(1_000, 0), [arm(1_000, 0)], planned_effect=0.1).verdict
    assert verdict.code == "no_data"


# --- Refused arguments ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        pytest.param({"confidence": 1.2}, "confidence", id="confidence-above-one"),
        pytest.param({"confidence": math.nan}, "confidence", id="confidence-nan"),
        pytest.param({"power": 0.3}, "power", id="power-below-half"),
        pytest.param({"split": (0.5, 0.3, 0.2)}, "split", id="split-too-long"),
        pytest.param({"split": (1.0, -1.0)}, "split", id="split-negative"),
        pytest.param({"split": (1e308, 1e308)}, "split", id="split-weights-too-large"),
        pytest.param({"split": (1.0, 1e-9)}, "split", id="split-share-below-one-in-a-million"),
        pytest.param({"planned_effect": 0.0}, "planned_effect", id="no-effect"),
        pytest.param(
            {"planned_effect": -1.5}, "planned_effect", id="effect-below-minus-100-percent"
        ),
    ],
)
def test_bad_arguments_are_refused_naming_the_field(arguments: dict[str, Any], field: str) -> None:
    with pytest.raises(PlanInvalid) as refused:
        analyze(arm(1_000, 10), [arm(1_000, 12)], **arguments)
    assert refused.value.fields() == {field}


def test_more_than_ten_variants_are_refused() -> None:
    with pytest.raises(PlanInvalid) as refused:
        analyze(arm(1_000, 10), [arm(1_000, 12)] * 11)
    assert refused.value.fields() == {"variants"}
    assert "at most 10" in str(refused.value)
