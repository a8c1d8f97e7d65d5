"""The A/B tests page through AppTest: size a test on a step, read it, simulate it, apply it.

Numbers are the demo plan's (``planner.presets.demo_plan``): 1,545 new customers come
through Sessions → Product views 50% → Add to cart 12% → Checkout 50% → Purchase 60% in
Q1 2027 (90 days), so ``plan_backwards`` needs 5,150 'Add to cart' and the Checkout step,
converting 50% of them, sees 5,150 ÷ 90 = 57.22 visitors a day.

Each expected figure is worked again here: the Fleiss sample by the formula written out, the
p-value by scipy's chi-square test of the 2 × 2 table without continuity correction (the
pooled z-test's p-value, ``scipy.stats.chi2_contingency(..., correction=False)``), the SRM
p-value by scipy's goodness-of-fit test. Widgets are found by the keys ``ui/ab_inputs.py``
and ``ui/ab_views.py`` give them: ``abtests.arm0`` is control, ``abtests.arm1`` the first
variant.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest
from scipy import stats
from streamlit.testing.v1 import AppTest

from i18n.catalogue import translate
from planner.funnel import plan_backwards
from planner.presets import demo_plan

PLAN_PAGE = "pages/plan.py"
SCENARIOS_PAGE = "pages/scenarios.py"
PAGE = "pages/abtests.py"
TABS = ["Plan a test", "Read a test", "Simulate", "Apply to the plan"]
CHECKOUT = 3  # the position of 'Checkout' among the demo's stages
PER_VARIANT = "Visitors per variant"
DAYS = "Days at this traffic"
POWER = "Power: the test finds the effect"
NUMBERS = re.compile(r"nan|inf", re.IGNORECASE)


@pytest.fixture
def abtests(app: AppTest) -> AppTest:
    """The app on the A/B tests page, the demo plan."""
    return app.switch_page(PAGE).run()


@pytest.fixture
def checkout(abtests: AppTest) -> AppTest:
    """The test planned on the Checkout step."""
    return abtests.selectbox(key="abtests.step").set_value(CHECKOUT).run()


def metric(app: AppTest, label: str) -> str | None:
    return next((item.value for item in app.metric if item.label == label), None)


def texts(elements: Any) -> str:
    return "\n".join(str(element.value) for element in elements)


def type_arms(app: AppTest, *counts: tuple[int, int]) -> AppTest:
    """Type each arm's visitors and conversions, adding variant rows as needed."""
    for number, (visitors, conversions) in enumerate(counts):
        if number >= 2:
            app.button(key="abtests.add_arm").click().run()
        app.number_input(key=f"abtests.arm{number}.visitors").set_value(visitors).run()
        app.number_input(key=f"abtests.arm{number}.conversions").set_value(conversions).run()
    return app


def results(app: AppTest) -> pd.DataFrame:
    """The table of each arm against control."""
    [frame] = [frame.value for frame in app.dataframe if "Rate" in frame.value.columns]
    return frame.set_index("Arm")


def fleiss(p1: float, p2: float, alpha: float = 0.05, power: float = 0.8) -> int:
    """Fleiss' visitors per arm, equal arms, no continuity correction, written out."""
    z_alpha, z_power = stats.norm.isf(alpha / 2), stats.norm.ppf(power)
    pooled = (p1 + p2) / 2
    root = z_alpha * math.sqrt(2 * pooled * (1 - pooled)) + z_power * math.sqrt(
        p1 * (1 - p1) + p2 * (1 - p2)
    )
    return math.ceil(root**2 / (p2 - p1) ** 2)


# --- Opening ----------------------------------------------------------------------------------


def test_the_page_opens_in_english_with_its_four_tabs(abtests: AppTest) -> None:
    assert not abtests.exception
    assert abtests.title[0].value == "A/B tests"
    assert [tab.label for tab in abtests.tabs] == TABS
    assert not abtests.error
    assert "Type each arm's visitors and conversions" in texts(abtests.info)


def test_the_page_opens_in_arabic_with_its_four_tabs(open_app: Callable[..., AppTest]) -> None:
    app = open_app(lang="ar").switch_page(PAGE).run()

    assert not app.exception
    assert app.title[0].value == translate("ar", "A/B tests")
    assert [tab.label for tab in app.tabs] == [translate("ar", label) for label in TABS]
    assert not app.error
    # Figures in Arabic too: the sample needed on the demo's last step.
    assert metric(app, translate("ar", PER_VARIANT)) is not None


def test_in_arabic_digits_the_figures_read_in_arabic_indic_digits(
    open_app: Callable[..., AppTest],
) -> None:
    """The demo's Purchase step: 60% → 66% needs 1,016 per arm, ١٬٠١٦."""
    app = open_app(lang="ar", digits="arab").switch_page(PAGE).run()

    assert not app.exception
    assert metric(app, translate("ar", PER_VARIANT)) == "١٬٠١٦"


def test_in_arabic_a_test_can_be_read_and_applied(open_app: Callable[..., AppTest]) -> None:
    app = open_app(lang="ar").switch_page(PAGE).run()

    type_arms(app, (10_000, 100), (10_000, 150))
    app.button(key="abtests.apply.add").click().run()

    assert not app.exception
    assert not app.error
    assert app.success


# --- Plan a test ------------------------------------------------------------------------------


def test_the_checkout_step_starts_from_the_plans_rate_and_traffic(checkout: AppTest) -> None:
    """Checkout converts 50% of 'Add to cart'; 5,150 carts in 90 days are 57.22 a day.

    50% → 55%: Fleiss gives 1,565 per arm (1,564.7 rounded up), 3,130 in all, and
    ⌈3,130 ÷ 57.22⌉ = 55 days.
    """
    needed = plan_backwards(demo_plan())
    carts = needed.stages[CHECKOUT - 1].required
    assert (carts, needed.period_days) == (5_150, 90)

    assert checkout.number_input(key="abtests.baseline").value == 50.0
    assert checkout.number_input(key="abtests.daily").value == round(carts / 90, 2) == 57.22
    assert fleiss(0.5, 0.55) == 1_565
    assert metric(checkout, PER_VARIANT) == "1,565"
    assert metric(checkout, "Visitors in all") == "3,130"
    assert math.ceil(3_130 / 57.22) == 55
    assert metric(checkout, DAYS) == "55"
    assert "5,150 'Add to cart' in 90 days is 57.22 a day." in texts(checkout.caption)
    assert not checkout.warning  # 55 days fit in the plan's 90


def test_a_5_percent_baseline_and_a_10_percent_relative_effect_need_31234_per_variant(
    checkout: AppTest,
) -> None:
    """5% → 5.5% at 5% significance and 80% power: 31,234 per arm (Fleiss; G*Power agrees).

    62,468 in all at 57.22 a day is 1,092 days: far past the plan's 90, so a warning.
    """
    checkout.number_input(key="abtests.baseline").set_value(5.0).run()

    assert not checkout.exception
    assert fleiss(0.05, 0.055) == 31_234
    assert metric(checkout, PER_VARIANT) == "31,234"
    assert metric(checkout, DAYS) == "1,092"
    [warning] = [item.value for item in checkout.warning]
    assert "At 57.22 visitors a day this test needs 1,092 days, longer than the plan's" in warning
    assert "period (Q1 2027, 90 days)" in warning


def test_an_absolute_effect_keeps_the_same_test_when_the_kind_changes(checkout: AppTest) -> None:
    """10% of a 50% rate is 5 points: the same 1,565 per variant."""
    checkout.radio(key="abtests.effect_kind").set_value("absolute").run()

    assert checkout.number_input(key="abtests.effect").value == 5.0
    assert metric(checkout, PER_VARIANT) == "1,565"


def test_the_smallest_effect_detectable_in_n_days_is_said(checkout: AppTest) -> None:
    """28 days at 57.22 a day: 1,602 visitors, 801 per arm, enough for 50% → 56.98%."""
    checkout.number_input(key="abtests.test_days").set_value(28).run()

    sentence = texts(checkout.markdown)
    assert "In 28 days, at 57.22 visitors a day (1,602 in all)" in sentence
    detected = re.search(r"detects is \*\*\+([\d.]+)%\*\*", sentence)
    assert detected is not None
    effect = float(detected.group(1)) / 100
    assert fleiss(0.5, 0.5 * (1 + effect)) == pytest.approx(801, abs=1)


def test_a_variant_rate_past_100_percent_names_the_effect(checkout: AppTest) -> None:
    checkout.number_input(key="abtests.effect").set_value(150.0).run()

    assert not checkout.exception
    [error] = [item.value for item in checkout.error]
    assert error == "Effect would take the rate to 125%; it must stay above 0% and below 100%"


def test_the_always_valid_test_needs_more_visitors(checkout: AppTest) -> None:
    checkout.toggle(key="abtests.sequential").set_value(True).run()

    per_arm = metric(checkout, "Always-valid: visitors per arm")
    assert per_arm is not None
    assert int(per_arm.replace(",", "")) > 1_565
    assert "mSPRT" in texts(checkout.caption)


def test_a_test_looked_at_before_the_end_is_read_by_its_always_valid_p_value(
    checkout: AppTest,
) -> None:
    checkout.toggle(key="abtests.sequential").set_value(True).run()
    type_arms(checkout, (10_000, 100), (10_000, 150))

    table = results(checkout)
    always_valid = float(table.loc["B", "Always-valid p-value"])
    assert always_valid > float(table.loc["B", "p-value"])  # the price of looking
    assert "Always-valid p-value (mSPRT): safe to read at any time" in texts(checkout.caption)


def test_three_variants_are_each_tested_at_a_third_of_alpha(checkout: AppTest) -> None:
    checkout.number_input(key="abtests.variants").set_value(3).run()

    assert not checkout.exception
    assert "compared with control at 1.67% (Bonferroni)" in texts(checkout.markdown)
    assert int((metric(checkout, PER_VARIANT) or "0").replace(",", "")) > 1_565


# --- Read a test ------------------------------------------------------------------------------


def test_a_read_test_shows_the_pooled_z_test_p_value_and_the_verdict(checkout: AppTest) -> None:
    """1% against 1.2% of 10,000 each: chi-square (no correction) p = 0.1751.

    The planned effect is +10% on control's 1%: Fleiss needs 163,095 per arm for 1% → 1.1%,
    so 153,095 more visitors per variant.
    """
    type_arms(checkout, (10_000, 100), (10_000, 120))

    assert not checkout.exception
    _chi2, oracle, _dof, _expected = stats.chi2_contingency(
        [[100, 9_900], [120, 9_880]], correction=False
    )
    assert round(oracle, 3) == 0.175
    table = results(checkout)
    assert table.loc["B", "p-value"] == "0.175"
    assert table.loc["B", "Lift (95% interval)"].startswith("+20% (")
    assert table.loc["A (control)", "Rate"] == "1%"
    assert fleiss(0.01, 0.011) == 163_095
    assert (
        "**No detectable difference yet**: about 153,095 more visitors per variant would "
        "detect the planned effect of +10%." in texts(checkout.info)
    )
    assert "chi-square test without continuity correction" in texts(checkout.caption)
    assert not NUMBERS.search(table.to_string())


def test_an_unequal_planned_split_is_read_as_planned_not_as_a_mismatch(
    checkout: AppTest,
) -> None:
    """Control planned at 30%: 3,000 against 7,000 visitors is the split, not a mismatch."""
    checkout.toggle(key="abtests.equal_split").set_value(False).run()
    checkout.number_input(key="abtests.control_share").set_value(30.0).run()
    type_arms(checkout, (3_000, 30), (7_000, 84))

    assert not checkout.exception
    assert not checkout.error
    assert checkout.number_input(key="abtests.read.control_share").value == 30.0
    assert "the visitors match the planned split" in texts(checkout.caption)


def test_a_clear_winner_is_named(abtests: AppTest) -> None:
    type_arms(abtests, (10_000, 100), (10_000, 150))

    [success] = [item.value for item in abtests.success]
    assert success.startswith("**B wins**: +50% conversion rate against control (p = ")


def test_a_sample_ratio_mismatch_warns_that_the_result_is_not_to_be_trusted(
    abtests: AppTest,
) -> None:
    """10,000 against 10,500 where 10,250 each were expected: chi-square p = 0.00048."""
    type_arms(abtests, (10_000, 100), (10_500, 120))

    srm = stats.chisquare([10_000, 10_500]).pvalue
    assert srm < 0.001
    [error] = [item.value for item in abtests.error]
    assert error.startswith("**Sample ratio mismatch**: the arms got 10,000 / 10,500 visitors")
    assert f"expects about 10,250 / 10,250 (p = {srm:.3g}, below 0.001)" in error
    assert f"{srm:.3g}" == "0.000479"
    assert "should not be trusted" in error


def test_more_conversions_than_visitors_names_the_arm_and_the_field(abtests: AppTest) -> None:
    type_arms(abtests, (10_000, 100), (10_000, 10_001))

    assert not abtests.exception
    [error] = [item.value for item in abtests.error]
    assert error.startswith("Conversions of 'B' must be at most")
    assert error.endswith("(10,000), got 10,001")
    assert not abtests.success


def test_an_empty_variant_says_so_in_words(abtests: AppTest) -> None:
    type_arms(abtests, (10_000, 100), (0, 0))

    table = results(abtests)
    assert table.loc["B", "Note"] == "No visitors yet in this arm"
    assert table.loc["A (control)", "Note"] == ""
    assert table.loc["B", "p-value"] == "—"
    assert not NUMBERS.search(table.to_string())


@pytest.mark.parametrize(
    ("control", "variant", "note"),
    [
        pytest.param((10_000, 0), (10_000, 0), "No conversions yet in either arm", id="none"),
        pytest.param((100, 100), (100, 100), "Every visitor converted in both arms", id="all"),
        pytest.param(
            (100, 0), (100, 100), "One arm converted everyone, the other no one", id="0-vs-100"
        ),
        pytest.param((1_000, 0), (1_000, 10), "Control converted no one yet", id="control-0"),
        pytest.param((1_000, 10), (1_000, 0), "This arm converted no one yet", id="variant-0"),
    ],
)
def test_counts_that_leave_a_number_unknown_say_why_in_words(
    abtests: AppTest, control: tuple[int, int], variant: tuple[int, int], note: str
) -> None:
    type_arms(abtests, control, variant)

    assert not abtests.exception
    assert results(abtests).loc["B", "Note"].startswith(note)
    for frame in abtests.dataframe:
        assert not NUMBERS.search(frame.value.to_string())
    for element in [*abtests.metric, *abtests.markdown, *abtests.info, *abtests.success]:
        assert not NUMBERS.search(str(element.value)), element.value


def test_three_arms_show_holm_adjusted_p_values(abtests: AppTest) -> None:
    type_arms(abtests, (10_000, 100), (10_000, 120), (10_000, 150))

    table = results(abtests)
    assert "Holm p-value" in table.columns
    assert table.loc["C", "Holm p-value"] == "0.00292"  # 2 × 0.00146, the smaller
    assert table.loc["B", "Holm p-value"] == "0.175"  # max(1 × 0.175, 0.00292)
    [success] = [item.value for item in abtests.success]
    assert success.startswith("**C wins**")


def test_the_bayesian_view_gives_the_chance_to_beat_control(abtests: AppTest) -> None:
    type_arms(abtests, (10_000, 100), (10_000, 120))

    [frame] = [f.value for f in abtests.dataframe if "Chance to beat control" in f.value.columns]
    chance = frame.set_index("Arm").loc["B", "Chance to beat control"]
    assert chance == "91.2%"  # P(p_B > p_A) under Beta(1, 1) priors, checked in unit tests


def visitor_csv() -> bytes:
    """Control 2,000 visitors, 40 buyers at $50; B 2,000 visitors, 60 buyers at $55."""
    rows = ["variant,converted,revenue"]
    for arm, buyers, spend in (("control", 40, "50"), ("B", 60, "55")):
        rows += [f"{arm},1,{spend}"] * buyers + [f"{arm},0,"] * (2_000 - buyers)
    return ("\n".join(rows) + "\n").encode()


def test_a_per_visitor_csv_is_read_with_revenue_per_visitor(abtests: AppTest) -> None:
    abtests.radio(key="abtests.source").set_value("csv").run()
    abtests.file_uploader(key="abtests.csv_file").set_value(
        ("visits.csv", visitor_csv(), "text/csv")
    ).run()

    assert not abtests.exception
    assert not abtests.error
    assert (
        "'visits.csv': 4,000 visitors in 2 arms, control 'control'; arm column 'variant', "
        "converted column 'converted'. Revenue per visitor from 'revenue'."
    ) in texts(abtests.caption)
    table = results(abtests)
    assert table.loc["B", "Conversions"] == "60"
    _chi2, oracle, _dof, _expected = stats.chi2_contingency(
        [[40, 1_960], [60, 1_940]], correction=False
    )
    assert table.loc["B", "p-value"] == f"{oracle:.3g}"
    [revenue] = [f.value for f in abtests.dataframe if "Revenue per visitor" in f.value.columns]
    revenue = revenue.set_index("Arm")
    assert revenue.loc["control", "Revenue per visitor"] == "$1.00"  # 40 × 50 / 2,000
    assert revenue.loc["B", "Revenue per visitor"] == "$1.65"  # 60 × 55 / 2,000
    control = [50.0] * 40 + [0.0] * 1_960
    variant = [55.0] * 60 + [0.0] * 1_940
    welch = stats.ttest_ind(variant, control, equal_var=False).pvalue
    assert revenue.loc["B", "p-value"] == f"{welch:.3g}"

    back = abtests.switch_page(PLAN_PAGE).run().switch_page(PAGE).run()  # the file is kept
    assert results(back).loc["B", "Conversions"] == "60"
    assert "'visits.csv': 4,000 visitors" in texts(back.caption)


def test_a_broken_csv_is_named_with_its_problem(abtests: AppTest) -> None:
    abtests.radio(key="abtests.source").set_value("csv").run()
    broken = b"variant,status\ncontrol,yes\nB,maybe\n"
    abtests.file_uploader(key="abtests.csv_file").set_value(("broken.csv", broken, "text/csv"))
    abtests.run()

    assert not abtests.exception
    [error] = [item.value for item in abtests.error]
    lines = error.splitlines()
    assert lines[0] == "'broken.csv' can't be read as a per-visitor file:"
    assert lines[1].startswith("- The file has no converted column")
    assert lines[1].endswith("its columns are variant, status")
    assert "name it under Column names" in lines[2]


def test_a_bad_value_in_a_csv_is_named_by_its_row(abtests: AppTest) -> None:
    abtests.radio(key="abtests.source").set_value("csv").run()
    broken = b"variant,converted\ncontrol,1\nB,maybe\nB,0\nB,perhaps\n"
    abtests.file_uploader(key="abtests.csv_file").set_value(("rows.csv", broken, "text/csv"))
    abtests.run()

    [listed] = [line for line in texts(abtests.error).splitlines() if "row 3" in line]
    assert listed.startswith("- Column 'converted'")
    assert re.search(r"row 3: must be 1 or 0, true or false, yes or no, got \W?maybe", listed)
    assert "1 more row" in listed  # row 5, "perhaps"


# --- Simulate ---------------------------------------------------------------------------------


def test_the_planned_test_finds_the_planned_effect_about_80_percent_of_the_time(
    checkout: AppTest,
) -> None:
    """10,000 runs of 1,565 per arm on 50% against 55%: power 80% ± 0.4 points."""
    power = metric(checkout, POWER)
    assert power is not None
    assert 78.0 <= float(power.rstrip("%")) <= 82.0
    false_winner = metric(checkout, "False winner when there is no effect")
    assert false_winner is not None
    assert 1.5 <= float(false_winner.rstrip("%")) <= 3.5  # half of the 5%: winners only
    assert 'That is what "80% power" means.' in texts(checkout.markdown)


def test_a_smaller_sample_simulates_a_lower_power(checkout: AppTest) -> None:
    checkout.number_input(key="abtests.sim.per_arm").set_value(500).run()

    power = metric(checkout, POWER)
    assert power is not None
    assert float(power.rstrip("%")) < 50.0


def test_a_large_simulation_waits_for_its_button(checkout: AppTest) -> None:
    checkout.number_input(key="abtests.sim.trials").set_value(100_000).run()

    assert metric(checkout, POWER) is None
    assert "Run the simulation to see what the test shows." in texts(checkout.info)
    checkout.button(key="abtests.sim.run").click().run()
    assert metric(checkout, POWER) is not None
    checkout.number_input(key="abtests.test_days").set_value(14).run()  # another input
    assert metric(checkout, POWER) is not None  # the run stays while its own inputs do


# --- Apply to the plan ------------------------------------------------------------------------


def test_applying_a_lift_adds_a_scenario_that_the_scenarios_page_shows(checkout: AppTest) -> None:
    """B's +20% on Checkout (50% → 60%): ⌈1,545 ÷ (0.5 × 0.12 × 0.6 × 0.6)⌉ = 71,528 sessions."""
    type_arms(checkout, (10_000, 100), (10_000, 120))

    assert checkout.text_input(key="abtests.apply.name").value == "A/B test: B on Checkout"
    assert metric(checkout, "Sessions the target needs") == "71,528"
    assert math.ceil(1_545 / (0.5 * 0.12 * 0.6 * 0.6)) == 71_528
    checkout.button(key="abtests.apply.add").click().run()

    assert not checkout.exception
    assert "The scenario 'A/B test: B on Checkout' is in the plan." in texts(checkout.success)
    assert checkout.button(key="abtests.apply.add").disabled  # not twice

    scenarios = checkout.switch_page(SCENARIOS_PAGE).run()

    assert not scenarios.exception
    [table] = [f.value for f in scenarios.dataframe if "Base plan" in f.value.columns]
    assert list(table.columns) == ["Base plan", "A/B test: B on Checkout"]
    assert table.loc["Traffic the target needs", "A/B test: B on Checkout"].startswith("71,528")


def test_a_lift_the_test_did_not_establish_is_applied_with_a_warning(checkout: AppTest) -> None:
    type_arms(checkout, (10_000, 100), (10_000, 120))

    [warning] = [item.value for item in checkout.warning]
    assert warning.startswith("B's lift is not significant (p = 0.175)")
    assert "the scenario assumes +20%" in warning


def test_a_mismatched_test_offers_no_lift_and_says_why(abtests: AppTest) -> None:
    type_arms(abtests, (10_000, 100), (10_500, 150))

    assert "sample ratio mismatch, so its lifts can't be trusted" in texts(abtests.info)
    assert "abtests.apply.variant" not in [box.key for box in abtests.selectbox]


def test_a_typed_lift_with_its_range_is_priced(abtests: AppTest) -> None:
    abtests.radio(key="abtests.apply.source").set_value("typed").run()
    abtests.number_input(key="abtests.apply.low").set_value(2.0).run()
    abtests.number_input(key="abtests.apply.high").set_value(18.0).run()

    assert not abtests.exception
    revenue = metric(abtests, "Revenue gained in Q1 2027")
    assert revenue == "+$9,270"  # the Purchase rate 10% better: 1,545 → 1,699.5 customers
    assert "+$1,854 to +$16,686" in texts(abtests.markdown)


# --- Across pages -----------------------------------------------------------------------------


def test_the_inputs_survive_a_trip_to_the_plan_page(checkout: AppTest) -> None:
    checkout.number_input(key="abtests.baseline").set_value(5.0).run()
    type_arms(checkout, (10_000, 100), (10_000, 120))
    checkout.number_input(key="abtests.sim.trials").set_value(20_000).run()

    plan = checkout.switch_page(PLAN_PAGE).run()
    assert not plan.exception
    back = plan.switch_page(PAGE).run()

    assert not back.exception
    assert back.selectbox(key="abtests.step").value == CHECKOUT
    assert back.number_input(key="abtests.baseline").value == 5.0
    assert back.number_input(key="abtests.arm1.conversions").value == 120
    assert back.number_input(key="abtests.sim.trials").value == 20_000
    assert metric(back, PER_VARIANT) == "31,234"
    assert results(back).loc["B", "p-value"] == "0.175"


def test_the_baseline_follows_the_plan_until_typed_over(checkout: AppTest) -> None:
    plan = checkout.switch_page(PLAN_PAGE).run()
    plan.number_input(key="plan.stage.3.rate").set_value(40.0).run()
    back = plan.switch_page(PAGE).run()

    assert back.number_input(key="abtests.baseline").value == 40.0
    back.number_input(key="abtests.baseline").set_value(45.0).run()
    plan = back.switch_page(PLAN_PAGE).run()
    plan.number_input(key="plan.stage.3.rate").set_value(30.0).run()
    back = plan.switch_page(PAGE).run()

    assert back.number_input(key="abtests.baseline").value == 45.0  # the user's own
    back.button(key="abtests.use_plan").click().run()
    assert back.number_input(key="abtests.baseline").value == 30.0


def test_a_step_removed_from_the_plan_gives_way_to_the_last_one(checkout: AppTest) -> None:
    checkout.number_input(key="abtests.baseline").set_value(5.0).run()
    plan = checkout.switch_page(PLAN_PAGE).run()
    plan.button(key="plan.stage.4.remove").click().run()  # Purchase goes: Checkout is last
    plan.button(key="plan.stage.3.remove").click().run()  # and then Checkout
    back = plan.switch_page(PAGE).run()

    assert not back.exception
    assert back.selectbox(key="abtests.step").value == 2  # 'Add to cart', now the last
    assert back.number_input(key="abtests.baseline").value == 12.0  # its own rate
