"""``python -m planner ab size`` and ``ab analyze``: JSON out, checked against scipy and by hand.

In-process through ``cli.main.main``, as ``tests/unit/test_cli.py`` does.

The README's test, a 5% baseline and a 10% relative lift (to 5.5%) at α = 0.05 two-sided and
80% power, worked by hand with Fleiss' formula for equal arms (``planner.abtests.sizing``):

- z₀.₉₇₅ = 1.959964, z₀.₈ = 0.841621; p̄ = (0.05 + 0.055) ÷ 2 = 0.0525, p̄q̄ = 0.04974375;
- under H0: 1.959964 × √(2 × 0.04974375) = 1.959964 × 0.315416 = 0.618205;
- under H1: 0.841621 × √(0.05 × 0.95 + 0.055 × 0.945) = 0.841621 × √0.099475 = 0.265444;
- n = (0.618205 + 0.265444)² ÷ 0.005² = 0.780836 ÷ 0.000025 = 31,233.44 → 31,234 per arm,
  62,468 in all; at 1,000 visitors a day, ⌈62.468⌉ = 63 days.

The analysis of 100 conversions in 10,000 against 120 in 10,000 is scipy's chi-square test of
the 2 × 2 table without continuity correction (p = 0.17514), and revenue per visitor is scipy's
Welch t-test on the raw values of a per-visitor file.
"""

from __future__ import annotations

import io
import json
import math
from pathlib import Path
from typing import Any

import pytest
from scipy import stats  # type: ignore[import-untyped]
from statsmodels.stats.multitest import multipletests  # type: ignore[import-untyped]

from cli.main import EXIT_INVALID, EXIT_OK, main

STATUSES = {
    "ok",
    "empty_arm",
    "no_conversions",
    "all_converted",
    "no_variation",
    "control_zero",
    "variant_zero",
}


def run(*argv: str) -> tuple[int, str, str]:
    """Run the CLI in-process; return (exit status, stdout, stderr)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    status = main(list(argv), stdout=stdout, stderr=stderr)
    return status, stdout.getvalue(), stderr.getvalue()


def _refuse_constant(name: str) -> Any:
    raise AssertionError(f"{name} is not JSON")


def strict_json(text: str) -> Any:
    """Parse JSON, refusing NaN and Infinity (which Python's json would accept)."""
    return json.loads(text, parse_constant=_refuse_constant)


def ab(*argv: str) -> dict[str, Any]:
    status, out, err = run("ab", *argv)
    assert (status, err) == (EXIT_OK, "")
    output: dict[str, Any] = strict_json(out)
    return output


def refused(*argv: str) -> list[str]:
    """The problem lines of a refused ``ab`` command (exit 2, nothing on stdout)."""
    status, out, err = run("ab", *argv)
    assert (status, out) == (EXIT_INVALID, "")
    assert "Traceback" not in err
    return err.splitlines()


# --- ab size ------------------------------------------------------------------------------------


def test_five_percent_and_a_ten_percent_lift_need_31234_visitors_per_arm() -> None:
    size = ab("size", "--baseline", "0.05", "--mde", "0.10")

    assert (size["per_variant"], size["control"], size["total"]) == (31_234, 31_234, 62_468)
    assert size["per_arm"] == [31_234, 31_234]
    assert size["variant_rate"] == 0.055
    assert (size["alpha"], size["alpha_per_comparison"], size["power"]) == (0.05, 0.05, 0.8)
    assert size["split"] == [0.5, 0.5]


def test_the_same_effect_given_in_rate_points_is_the_same_test() -> None:
    size = ab("size", "--baseline", "0.05", "--mde", "0.005", "--absolute")

    assert (size["per_variant"], size["total"]) == (31_234, 62_468)
    assert size["absolute_effect"] == 0.005
    assert size["relative_effect"] == pytest.approx(0.1)


def test_days_at_a_daily_traffic_are_rounded_up() -> None:
    size = ab("size", "--baseline", "0.05", "--mde", "0.10", "--daily-visitors", "1000")

    assert size["days"] == 63  # 62,468 ÷ 1,000 = 62.468


def test_a_test_read_at_any_time_needs_more_visitors() -> None:
    size = ab("size", "--baseline", "0.05", "--mde", "0.10", "--sequential")

    sequential = size["sequential"]
    assert sequential["per_arm"] > size["per_variant"]
    assert sequential["total"] == 2 * sequential["per_arm"]


def test_each_of_two_variants_is_sized_at_half_the_alpha() -> None:
    """Bonferroni: 0.025 per comparison; three arms of the same, larger, need."""
    size = ab("size", "--baseline", "0.05", "--mde", "0.10", "--variants", "2")

    assert size["alpha_per_comparison"] == 0.025
    [control, *variants] = size["per_arm"]
    assert variants == [control, control]
    assert control > 31_234
    assert size["total"] == 3 * control


def test_bad_settings_are_named_at_once() -> None:
    lines = refused("size", "--baseline", "1.5", "--mde", "0.1", "--alpha", "0", "--power", "2")

    assert lines == [
        "baseline: must be > 0 and < 1, got 1.5",
        "alpha: must be > 0 and ≤ 0.5, got 0",
        "power: must be ≥ 0.5 and < 1, got 2",
    ]


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        pytest.param(
            ["--mde", "0"], "mde: must not be 0: a test needs an effect to detect", id="no-effect"
        ),
        pytest.param(
            ["--mde", "30"],
            "mde: would make the variant's rate 1.55; it must be > 0 and < 1",
            id="rate-past-100%",
        ),
        pytest.param(
            ["--mde", "1e-9"],
            "mde: is too small to detect with at most 1,000,000,000,000 visitors per arm; "
            "choose a larger one",
            id="too-small",
        ),
        pytest.param(
            ["--mde", "0.1", "--split", "0.5,0.6"], "split: must add up to 1, got 1.1", id="split"
        ),
        pytest.param(
            ["--mde", "0.1", "--daily-visitors", "0"],
            "daily_visitors: must be > 0 and ≤ 1,000,000,000,000, got 0",
            id="no-traffic",
        ),
    ],
)
def test_a_test_that_cant_be_sized_is_one_line_naming_the_field(argv: list[str], line: str) -> None:
    assert refused("size", "--baseline", "0.05", *argv) == [line]


def test_a_sizing_problem_in_arabic() -> None:
    [line] = refused("size", "--baseline", "0.05", "--mde", "0", "--lang", "ar")

    assert line == "mde: يجب ألا تكون القيمة 0: يحتاج الاختبار إلى أثر يكتشفه"


# --- ab analyze: counts -------------------------------------------------------------------------


def test_one_variant_against_control_is_the_chi_square_test() -> None:
    result = ab("analyze", "--control", "10000,100", "--variant", "10000,120")

    [variant] = result["variants"]
    _chi2, p_value, _dof, _expected = stats.chi2_contingency(
        [[100, 9_900], [120, 9_880]], correction=False
    )
    assert variant["p_value"] == pytest.approx(p_value, rel=1e-9)
    assert round(variant["p_value"], 5) == 0.17514
    assert variant["holm_p_value"] == variant["p_value"]
    assert variant["significant"] is False
    assert variant["status"] == "ok"
    assert (variant["rate"], result["control"]["rate"]) == (0.012, 0.01)
    assert variant["relative_lift"] == pytest.approx(0.2)
    low, high = variant["lift_ci"]
    assert low < variant["relative_lift"] < high
    assert low < 0 < high  # not significant: the interval holds no change
    assert 0.5 < variant["chance_to_beat_control"] < 1
    assert 0 < variant["expected_loss"] < variant["control_expected_loss"]
    assert result["srm_p_value"] == 1.0  # equal arms, as planned
    assert result["srm_mismatch"] is False
    assert result["verdict"]["code"] == "no_difference_yet"


def test_the_sample_ratio_check_is_the_chi_square_goodness_of_fit() -> None:
    result = ab("analyze", "--control", "10000,100", "--variant", "10600,120")

    expected = stats.chisquare([10_000, 10_600]).pvalue
    assert result["srm_p_value"] == pytest.approx(expected, rel=1e-9)
    assert result["srm_mismatch"] is True  # p ≈ 2.4e-5 < 0.001
    assert result["verdict"]["code"] == "sample_ratio_mismatch"


def test_several_variants_are_adjusted_by_holm() -> None:
    result = ab(
        "analyze",
        "--control",
        "10000,100",
        "--variant",
        "10000,120",
        "--variant",
        "10000,145",
        "--variant",
        "10000,95",
    )

    variants = result["variants"]
    assert [variant["name"] for variant in variants] == ["B", "C", "D"]
    p_values = [variant["p_value"] for variant in variants]
    _reject, adjusted, _sidak, _bonferroni = multipletests(p_values, method="holm")
    assert [variant["holm_p_value"] for variant in variants] == pytest.approx(list(adjusted))
    assert [variant["significant"] for variant in variants] == [False, True, False]
    assert result["verdict"]["code"] == "winner"
    assert result["verdict"]["params"]["variant"] == "C"


def test_a_planned_effect_says_how_many_more_visitors_are_needed() -> None:
    result = ab(
        "analyze", "--control", "10000,100", "--variant", "10000,120", "--planned-effect", "0.2"
    )

    verdict = result["verdict"]
    assert verdict["code"] == "no_difference_yet"
    assert verdict["params"]["more_visitors_per_variant"] > 0
    assert verdict["summary"].startswith("No detectable difference yet: about ")


# --- ab analyze: a per-visitor file -------------------------------------------------------------

CONTROL_REVENUE = [10.0, 0.0, 25.5, 0.0, 0.0, 18.0]
VARIANT_REVENUE = [30.0, 12.0, 0.0, 40.0, 0.0, 0.0, 22.5]


def visitor_file(tmp_path: Path) -> Path:
    """Control (A) and a variant (B), one row per visitor, in the order they came."""
    rows = ["variant,converted,revenue"]
    rows += [f"A,{int(value > 0)},{value if value else ''}" for value in CONTROL_REVENUE]
    rows += [f"B,{int(value > 0)},{value if value else ''}" for value in VARIANT_REVENUE]
    path = tmp_path / "visitors.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_a_per_visitor_file_gives_counts_and_welchs_test_of_revenue(tmp_path: Path) -> None:
    result = ab("analyze", "--csv", str(visitor_file(tmp_path)))

    assert result["control"] == {"name": "A", "visitors": 6, "conversions": 3, "rate": 0.5}
    [variant] = result["variants"]
    assert (variant["name"], variant["visitors"], variant["conversions"]) == ("B", 7, 4)
    [revenue] = result["revenue_per_visitor"]
    welch = stats.ttest_ind(VARIANT_REVENUE, CONTROL_REVENUE, equal_var=False)
    assert revenue["variant"] == "B"
    assert revenue["status"] == "ok"
    assert revenue["t_statistic"] == pytest.approx(welch.statistic, rel=1e-9)
    assert revenue["p_value"] == pytest.approx(welch.pvalue, rel=1e-9)
    assert revenue["df"] == pytest.approx(welch.df, rel=1e-9)
    assert revenue["control_mean"] == pytest.approx(sum(CONTROL_REVENUE) / 6)
    assert revenue["variant_mean"] == pytest.approx(sum(VARIANT_REVENUE) / 7)
    low, high = welch.confidence_interval(0.95)
    assert (revenue["ci_low"], revenue["ci_high"]) == (pytest.approx(low), pytest.approx(high))


def test_a_file_without_revenue_has_no_revenue_results(tmp_path: Path) -> None:
    path = tmp_path / "counts.csv"
    path.write_text("group,purchased\nA,1\nA,0\nB,0\nB,1\nB,1\n", encoding="utf-8")

    result = ab("analyze", "--csv", str(path))

    assert "revenue_per_visitor" not in result
    assert result["variants"][0]["conversions"] == 2


def test_a_bad_file_names_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("variant,converted\nA,1\nB,maybe\nB,0\n", encoding="utf-8")

    assert refused("analyze", "--csv", str(path)) == [
        'converted: row 3: must be 1 or 0, true or false, yes or no, got "maybe"'
    ]


def test_a_file_that_cant_be_read_is_one_line(tmp_path: Path) -> None:
    lines = refused("analyze", "--csv", str(tmp_path / "missing.csv"))

    assert lines == ["(file): can't be read: No such file or directory"]


def test_a_file_or_counts_not_both(tmp_path: Path) -> None:
    path = visitor_file(tmp_path)

    assert refused("analyze", "--csv", str(path), "--control", "10,1", "--variant", "10,2") == [
        "csv: give either --csv or --control with --variant, not both"
    ]
    assert refused("analyze", "--control", "10,1") == [
        "control: required, with at least one --variant (or --csv)"
    ]


# --- ab analyze: degenerate counts --------------------------------------------------------------


@pytest.mark.parametrize(
    ("control", "variant", "status"),
    [
        pytest.param("10000,0", "10000,0", "no_conversions", id="no-conversions"),
        pytest.param("100,100", "100,100", "all_converted", id="everyone-converted"),
        pytest.param("0,0", "100,5", "empty_arm", id="empty-control"),
        pytest.param("100,5", "0,0", "empty_arm", id="empty-variant"),
        pytest.param("100,0", "100,5", "control_zero", id="control-at-zero"),
        pytest.param("100,5", "100,0", "variant_zero", id="variant-at-zero"),
        pytest.param("100,0", "100,100", "no_variation", id="none-against-all"),
        pytest.param("1e12,3", "1e12,5", "ok", id="a-trillion-visitors"),
    ],
)
def test_counts_that_leave_numbers_unknown_give_a_status_never_nan(
    control: str, variant: str, status: str
) -> None:
    result = ab("analyze", f"--control={control}", f"--variant={variant}")

    [compared] = result["variants"]
    assert compared["status"] == status
    assert compared["status"] in STATUSES
    numbers = [value for value in compared.values() if isinstance(value, float)]
    assert all(math.isfinite(value) for value in numbers)


@pytest.mark.parametrize(
    ("counts", "line"),
    [
        pytest.param(
            "10000,12000",
            "control.conversions: must be at most visitors (10,000), got 12,000",
            id="more-conversions-than-visitors",
        ),
        pytest.param(
            "-5,1",
            "control.visitors: must be ≥ 0 and ≤ 1,000,000,000,000, got -5",
            id="negative",
        ),
        pytest.param(
            "10000.5,3", "control.visitors: must be a whole number, got 10,000.5", id="fraction"
        ),
        pytest.param("many,3", 'control.visitors: must be a number, got "many" (text)', id="text"),
        pytest.param(
            "1e13,3",
            "control.visitors: must be ≥ 0 and ≤ 1,000,000,000,000, got 10,000,000,000,000",
            id="past-a-trillion",
        ),
        pytest.param(
            "nan,1", "control.visitors: must be a finite number, got nan", id="not-a-number"
        ),
    ],
)
def test_counts_that_are_not_counts_are_one_line_naming_the_field(counts: str, line: str) -> None:
    assert refused("analyze", f"--control={counts}", "--variant", "10,1") == [line]


def test_a_variants_problem_names_the_variant_by_its_place() -> None:
    lines = refused("analyze", "--control", "10,1", "--variant", "10,1", "--variant", "10,11")

    assert lines == ["variants[1].conversions: must be at most visitors (10), got 11"]


def test_bad_settings_of_an_analysis_are_named_at_once() -> None:
    lines = refused(
        "analyze",
        "--control",
        "10,1",
        "--variant",
        "10,2",
        "--confidence",
        "2",
        "--planned-effect",
        "0",
        "--split",
        "1,0",
    )

    assert lines == [
        "confidence: must be ≥ 0.5 and ≤ 0.9999, got 2",
        "planned_effect: must not be 0: a test needs an effect to detect",
        "split: must give every arm a share > 0 and ≤ 1,000,000,000,000, got 0",
    ]


def test_a_problem_with_the_counts_in_arabic_keeps_its_field() -> None:
    lines = refused("--lang", "ar", "analyze", "--control", "10000,12000", "--variant", "10,1")

    assert lines == [
        "control.conversions: يجب ألا تتجاوز التحويلات عدد الزوار (10,000)، لكنها 12,000"
    ]


def test_a_problem_with_a_file_in_arabic(tmp_path: Path) -> None:
    path = tmp_path / "one-arm.csv"
    path.write_text("variant,converted\nA,1\nA,0\n", encoding="utf-8")

    lines = refused("analyze", "--csv", str(path), "--lang", "ar")

    assert lines == [
        'variant: فيه 1 مجموعة ("A")؛ يحتاج الاختبار إلى المجموعة الضابطة ونسخة واحدة على الأقل'
    ]
