"""The A/B tests page's results: the sample a test needs, the test read, its simulation, the lift.

Each section calls the domain (``planner.abtests``) once and draws metrics, tables and charts.
Whatever the domain reports is worded here for the reader: a verdict and a status by their
codes, a problem by the label of the field it names (``ui.messages.describe`` for the plan's
codes, the words below for the codes only a test has). A number the counts can't give is
shown as "—", never NaN.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from i18n.catalogue import N_
from i18n.domain import LABEL_PREDICATE, problem_message
from planner.abtests.analysis import SRM_THRESHOLD, Analysis, VariantResult, analyze
from planner.abtests.arms import Arm
from planner.abtests.power import PowerResult, simulate_test
from planner.abtests.pricing import LiftValue, price_lift
from planner.abtests.revenue import RevenueComparison, RevenueStats, welch
from planner.abtests.sequential import always_valid_p_value, sequential_sample_size
from planner.abtests.sizing import (
    SampleSize,
    days_curve,
    days_needed,
    detectable_effect_in_days,
    exceeds_period,
    sample_size,
)
from planner.errors import FILE, RULE, FieldProblem, PlanInvalid, PlannerError
from planner.models import Plan
from planner.scenarios.inputs import MAX_SCENARIOS
from ui import ab_charts as charts
from ui.ab_inputs import (
    ArmProblem,
    Design,
    LiftChoice,
    ReadSettings,
    SimulationSettings,
    arm_name,
)
from ui.blocks import Metric, metrics, table
from ui.draft import stage_names
from ui.format import count, days, joined, markdown, money, percent, period_name
from ui.i18n import formats, right_to_left, t
from ui.messages import describe
from ui.scenario_views import PLOTLY_CONFIG
from ui.whatif_draft import WHATIF, add_lift

KEY = "abtests."
ADDED_KEY = KEY + "added"
RAN_KEY = KEY + "sim.ran"  # the inputs of the last large simulation the button ran
AUTO_RUN_TRIALS = 50_000  # about 30 ms a run: these follow every edit
SHORTEST_DAYS = 7  # a test shorter than a week misses some weekdays
CURVE_POINTS = 25
P_FLOOR = 1e-4  # smaller p-values read "< 0.0001"
_RLM = "\u200f"  # starts an Arabic amount: its sign on the reading side

FIELD_LABELS = {
    "baseline": N_("Baseline conversion rate"),
    "mde": N_("Effect"),
    "alpha": N_("Significance level"),
    "power": N_("Power"),
    "variants": N_("Variants besides control"),
    "split": N_("Control's share of the visitors"),
    "daily_visitors": N_("Visitors a day at this step"),
    "days": N_("Test length"),
    "visitors": N_("Visitors"),
    "confidence": N_("Confidence level"),
    "planned_effect": N_("Effect"),
    "relative_effect": N_("True effect"),
    "per_arm": N_("Visitors per arm"),
    "trials": N_("Simulated tests"),
    "seed": N_("Seed"),
    "tau": N_("Effect"),
    "arm_column": N_("Arm column"),
    "converted_column": N_("Converted column"),
    "revenue_column": N_("Revenue column"),
}
PERCENT_FIELDS = {"baseline", "mde", "alpha", "power", "split", "confidence", "planned_effect"}
PERCENT_FIELDS |= {"relative_effect", "tau"}
# Words the screen says differently from the plan file: a variant's rate in percent, as the
# page's fields take it ("would make the variant's rate 1.25" reads as a typo there).
SCREEN_RULES = {
    "variant_rate_out_of_range": N_(
        "would take the rate to {variant_rate}; it must stay above 0% and below 100%"
    ),
}
DUPLICATE_ARM = N_("'{name}' is the name of another arm too; arm names must be unique")
STATUSES = {
    "no_conversions": N_("No conversions yet in either arm"),
    "all_converted": N_("Every visitor converted in both arms"),
    "no_variation": N_("One arm converted everyone, the other no one: no interval"),
    "control_zero": N_("Control converted no one yet: no relative lift"),
    "variant_zero": N_("This arm converted no one yet"),
}
REVENUE_STATUSES = {
    "too_few_visitors": N_("Fewer than two visitors in an arm: no test yet"),
    "no_variance": N_("Every visitor spent the same: nothing to test"),
}


# --- Words and numbers ------------------------------------------------------------------------


def problem_text(problem: FieldProblem, label: str, *, percent: bool = False) -> str:
    """``Conversions of 'B' must be at most visitors (10,000), got 10,001``.

    Worded by ``ui.messages.describe`` (the domain's words, in the reader's language), but
    for a variant's rate, said in percent, and two arms of one name (a rule of this page).
    """
    code, context = problem.code, problem.context
    rule = str(context.get("rule")) if code == RULE else None
    if rule in SCREEN_RULES:
        shown = {"variant_rate": percent_text(context.get("variant_rate"))}
        words = t(SCREEN_RULES[str(rule)], **shown)
        return t(LABEL_PREDICATE, label=label, problem=words)
    if code == "duplicate_arm":
        words = t(DUPLICATE_ARM, name=str(context.get("name", "")))
        return t("{label}: {problem}", label=label, problem=words)
    return describe(problem, label, percent=percent)


def percent_text(value: Any) -> str:
    """A fraction in percent; "—" for anything else."""
    return percent(float(value)) if isinstance(value, int | float) else "—"


def file_problem_text(problem: FieldProblem) -> str:
    """A visitor file's problem: a column it lacks in the domain's own sentence, else by label."""
    if problem.code == "column_missing":
        words = problem_message(problem, formats(), screen=True)
        return words[:1].upper() + words[1:]
    label = t("The file") if problem.field == FILE else _column_label(problem)
    return problem_text(problem, label)


def _column_label(problem: FieldProblem) -> str:
    if problem.field in FIELD_LABELS:
        return t(FIELD_LABELS[problem.field])
    return t("Column '{column}'", column=problem.context.get("column", problem.field))


def field_label(field: str) -> str:
    """The label of a setting a problem names, as its field on the page reads."""
    if field == FILE:
        return t("The file")
    if field in FIELD_LABELS:
        return t(FIELD_LABELS[field])
    return t("Column '{column}'", column=field)


def field_problem(problem: FieldProblem) -> str:
    """A problem of one of the page's settings, named by its label."""
    field = problem.field.split("[")[0]
    return problem_text(problem, field_label(field), percent=field in PERCENT_FIELDS)


def show_problems(invalid: PlanInvalid) -> None:
    """Every problem as an error beside the results, worded for the reader."""
    for problem in invalid.problems:
        st.error(markdown(field_problem(problem)), icon=":material/warning:")


def p_text(p_value: float | None) -> str:
    """``0.175``, ``0.00048``, ``< 0.0001``; "—" when there is none."""
    if p_value is None or not math.isfinite(p_value):
        return "—"
    if p_value < P_FLOOR:
        return "< " + formats().number(P_FLOOR)
    return formats().number(float(f"{p_value:.3g}"))


def signed(fraction: float | None) -> str:
    """``+10%``, ``−4.2%``; "—" when there is none."""
    if fraction is None or not math.isfinite(fraction):
        return "—"
    return charts.signed_percent(fraction, formats())


def points(fraction: float | None) -> str:
    """A difference of two rates in percentage points: ``+0.2 pts``."""
    if fraction is None or not math.isfinite(fraction):
        return "—"
    return t("{value} pts", value=point_number(fraction))


def loss_points(fraction: float | None) -> str:
    """A loss in percentage points, never signed: ``0.006 pts``."""
    if fraction is None or not math.isfinite(fraction):
        return "—"
    return t("{value} pts", value=point_number(abs(fraction)).lstrip("+"))


def point_number(fraction: float) -> str:
    """A difference of two rates in points, without the unit: ``+0.2``, ``−0.089``."""
    value = float(f"{fraction * 100:.2g}") if abs(fraction) < 0.01 else round(fraction * 100, 2)
    sign = "+" if value > 0 else "−" if value < 0 else ""
    return sign + formats().number(abs(value))


def per_day(visitors: float | None) -> str:
    """Visitors a day as typed: ``57.22``; whole above 100: ``1,235``."""
    if visitors is None:
        return "—"
    return count(visitors) if visitors >= 100 else formats().number(round(visitors, 2))


def span(interval: tuple[float, float] | None, word: Callable[[float], str] = signed) -> str:
    """``−6.3% to +53%``; "—" when there is none."""
    if interval is None:
        return "—"
    return t("{low} to {high}", low=word(interval[0]), high=word(interval[1]))


def with_span(value: str, interval: tuple[float, float] | None, word: Callable[..., str]) -> str:
    """``+20% (−6.3% to +53%)``: a figure and its interval in one cell."""
    return value if interval is None else f"{value} ({span(interval, word)})"


# --- Plan a test ------------------------------------------------------------------------------

SUMMARY_KEY = "abtests-summary"
# On a phone the results stack 1,000 px below the inputs: this line, pinned under the header
# there and hidden on wider screens (as the Plan page's summary is), keeps the answer in sight.
_SUMMARY = f'[data-testid="stLayoutWrapper"]:has(> .st-key-{SUMMARY_KEY})'
_SUMMARY_STYLE = f"""
<style>
{_SUMMARY} {{ display: none; }}
@media (max-width: 640px) {{
  {_SUMMARY} {{
    display: flex;
    position: sticky;
    top: 0;
    z-index: 99;
    padding: 0.35rem 0;
    background: #ffffff;
    border-bottom: 1px solid rgba(49, 51, 63, 0.2);
  }}
}}
</style>
"""


def phone_summary(slot: Any, design: Design, size: SampleSize | None) -> None:
    """The sample and the days in one line, in ``slot`` (drawn above the inputs)."""
    with slot.container(key=SUMMARY_KEY):
        st.html(_SUMMARY_STYLE)
        if size is None:
            st.markdown(t("Fix the inputs to see the sample the test needs."))
            return
        parts = [t("**{count}** per variant", count=count(size.per_variant))]
        try:
            needed = days_needed(size, design.daily_visitors) if design.daily_visitors else None
        except PlanInvalid:
            needed = None
        if needed is not None:
            parts.append(t("**{days}** at this traffic", days=days(needed)))
        st.markdown(markdown(joined(parts)))


@st.cache_data(max_entries=64, show_spinner=False)
def _size(
    baseline: float,
    mde: float,
    relative: bool,
    alpha: float,
    power: float,
    variants: int,
    split: tuple[float, ...] | None,
) -> SampleSize:
    return sample_size(
        baseline, mde, relative=relative, alpha=alpha, power=power, variants=variants, split=split
    )


def planned_size(design: Design) -> SampleSize | None:
    """The sample the design needs, or None (its problems shown) when it can't be sized."""
    needed = {
        "baseline": design.baseline,
        "mde": design.mde,
        "alpha": design.alpha,
        "power": design.power,
    }
    missing = [
        FieldProblem(field, "required", "missing") for field, v in needed.items() if v is None
    ]
    if missing:
        show_problems(PlanInvalid(missing))
        return None
    try:
        return _size(
            float(design.baseline or 0.0),
            float(design.mde or 0.0),
            design.relative,
            float(design.alpha or 0.0),
            float(design.power or 0.0),
            design.variants,
            design.split,
        )
    except PlanInvalid as invalid:
        show_problems(invalid)
        return None


def sizing_section(plan: Plan, design: Design, size: SampleSize) -> None:
    """The visitors and days the test needs, its warnings, the inverse, the curve, the method."""
    needed_days = _days(size, design.daily_visitors)
    items = [Metric(t("Visitors per variant"), count(size.per_variant))]
    if size.control != size.per_variant:
        items.append(Metric(t("Visitors in control"), count(size.control)))
    items += [
        Metric(t("Visitors in all"), count(size.total), t("All arms together.")),
        Metric(
            t("Days at this traffic"),
            count(needed_days) if needed_days is not None else "—",
            t("The visitors in all ÷ the visitors a day at this step, rounded up."),
        ),
    ]
    metrics(items, KEY + "size_metrics", delta_color="inverse")
    st.markdown(markdown(_design_sentence(design, size)))
    _duration_notes(plan, design, needed_days)
    if design.sequential:
        _sequential(design, size)
    else:
        st.caption(
            t(
                "A fixed-horizon test: read it once, when every arm has its visitors. Looking "
                "earlier and stopping at the first significant result makes a false winner "
                "far likelier than {alpha}; nothing here corrects for that. If you will look "
                "before the end, turn on the always-valid p-value.",
                alpha=percent(size.alpha),
            )
        )
    _inverse(design)
    _curve(design, size, needed_days)
    with st.expander(t("How the sample is worked out")):
        st.markdown(markdown(_sizing_method()))


def _days(size: SampleSize, daily: float | None) -> int | None:
    if not daily:
        return None
    try:
        return days_needed(size, daily)
    except PlanInvalid as invalid:
        show_problems(invalid)
        return None


def _design_sentence(design: Design, size: SampleSize) -> str:
    text = t(
        "To tell {baseline} from {variant} at '{stage}' ({effect}) with {alpha} significance "
        "and {power} power.",
        baseline=percent(size.baseline),
        variant=percent(size.variant_rate),
        stage=design.stage,
        effect=signed(size.relative_effect),
        alpha=percent(size.alpha),
        power=percent(size.power),
    )
    if size.variants > 1:
        text += " " + t(
            "Each of the {count} variants is compared with control at {alpha} (Bonferroni), "
            "so the whole test keeps a {total} chance of a false winner.",
            count=count(size.variants),
            alpha=percent(size.alpha_per_comparison),
            total=percent(size.alpha),
        )
    return text


def _duration_notes(plan: Plan, design: Design, needed_days: int | None) -> None:
    if needed_days is None:
        if design.daily_visitors == 0:
            st.info(t("No visitors reach this step: enter the visitors a day to see the days."))
        return
    if exceeds_period(needed_days, design.period_days):
        st.warning(
            markdown(
                t(
                    "At {daily} visitors a day this test needs {needed}, longer than the "
                    "plan's period ({period}, {period_days}). Test a larger effect, give the "
                    "test more of the traffic, or test a step more visitors reach.",
                    daily=per_day(design.daily_visitors),
                    needed=days(needed_days),
                    period=period_name(plan.period),
                    period_days=days(design.period_days),
                )
            ),
            icon=":material/warning:",
        )
    elif needed_days < SHORTEST_DAYS:
        st.info(
            t(
                "The sample comes in {needed}; run the test for at least a whole week anyway, "
                "so every weekday is in it.",
                needed=days(needed_days),
            ),
            icon=":material/event:",
        )


@st.cache_data(max_entries=64, show_spinner=False)
def _sequential_size(
    baseline: float, mde: float, relative: bool, alpha: float, power: float
) -> int:
    return sequential_sample_size(baseline, mde, relative=relative, alpha=alpha, power=power)


def _sequential(design: Design, size: SampleSize) -> None:
    """The always-valid test's sample: larger, the price of looking whenever you like."""
    try:
        per_arm = _sequential_size(
            size.baseline,
            size.absolute_effect,
            False,
            size.alpha_per_comparison,
            size.power,
        )
    except PlanInvalid as invalid:
        show_problems(invalid)
        return
    arms = size.variants + 1
    total = per_arm * arms
    needed = _whole_days(total, design.daily_visitors)
    metrics(
        [
            Metric(t("Always-valid: visitors per arm"), count(per_arm)),
            Metric(t("Always-valid: days"), count(needed) if needed is not None else "—"),
        ],
        KEY + "sequential_metrics",
        delta_color="inverse",
    )
    st.caption(
        t(
            "With the always-valid (mSPRT) p-value you may look at the results whenever you "
            "like and stop once it is below {alpha}; it needs up to {ratio} the visitors of "
            "the fixed test ({per_arm} per arm, equal arms). The Read a test tab shows it.",
            alpha=percent(size.alpha_per_comparison),
            ratio=formats().ratio(per_arm / max(size.per_variant, 1)),
            per_arm=count(per_arm),
        )
    )


def _whole_days(total: int, daily: float | None) -> int | None:
    return math.ceil(total / daily) if daily else None


@st.cache_data(max_entries=64, show_spinner=False)
def _detectable(
    baseline: float,
    daily: float,
    test_days: int,
    alpha: float,
    power: float,
    variants: int,
    split: tuple[float, ...] | None,
) -> float | None:
    return detectable_effect_in_days(
        baseline,
        daily,
        test_days,
        relative=True,
        alpha=alpha,
        power=power,
        variants=variants,
        split=split,
    )


def _inverse(design: Design) -> None:
    """The smallest effect a test of the chosen length detects at this traffic."""
    if not design.daily_visitors or design.test_days is None or design.baseline is None:
        return
    try:
        smallest = _detectable(
            design.baseline,
            design.daily_visitors,
            design.test_days,
            design.alpha or 0.05,
            design.power or 0.8,
            design.variants,
            design.split,
        )
    except PlanInvalid as invalid:
        show_problems(invalid)
        return
    visitors = math.floor(design.daily_visitors * design.test_days)
    if smallest is None:
        text = t(
            "In {days}, at {daily} visitors a day ({visitors} in all), not even a rate of "
            "100% could be told from {baseline}.",
            days=days(design.test_days),
            daily=per_day(design.daily_visitors),
            visitors=count(visitors),
            baseline=percent(design.baseline),
        )
    else:
        text = t(
            "In {days}, at {daily} visitors a day ({visitors} in all), the smallest effect "
            "this test detects is **{effect}** ({baseline} → {rate}).",
            days=days(design.test_days),
            daily=per_day(design.daily_visitors),
            visitors=count(visitors),
            effect=signed(smallest),
            baseline=percent(design.baseline),
            rate=percent(design.baseline * (1 + smallest)),
        )
    st.markdown(markdown(text))


def curve_effects(size: SampleSize, points_wanted: int = CURVE_POINTS) -> list[float]:
    """Effects from a third to three times the planned one, each a valid rate: the curve's x."""
    effect = size.relative_effect
    room = (1 / size.baseline - 1) if effect > 0 else 1.0  # the rate must stay below 100%
    high = min(abs(effect) * 3, room * 0.98)
    low = min(abs(effect) / 3, high)
    if high <= low:
        return [effect]
    step = (high - low) / (points_wanted - 1)
    sign = 1.0 if effect > 0 else -1.0
    return [float(round(sign * (low + step * index), 12)) for index in range(points_wanted)]


@st.cache_data(max_entries=32, show_spinner=False)
def _curve_points(
    baseline: float,
    daily: float,
    effects: tuple[float, ...],
    alpha: float,
    power: float,
    variants: int,
    split: tuple[float, ...] | None,
) -> list[tuple[float, int]]:
    found = []
    for effect in effects:  # an effect too small to size is left off the curve
        try:
            found += days_curve(
                baseline,
                daily,
                [effect],
                relative=True,
                alpha=alpha,
                power=power,
                variants=variants,
                split=split,
            )
        except PlanInvalid:
            continue
    return found


def _curve(design: Design, size: SampleSize, needed_days: int | None) -> None:
    if not design.daily_visitors or needed_days is None:
        return
    found = _curve_points(
        size.baseline,
        design.daily_visitors,
        tuple(curve_effects(size)),
        size.alpha,
        size.power,
        size.variants,
        design.split,
    )
    if not found:
        return
    figure = charts.days_curve_figure(
        [effect for effect, _days in found],
        [need for _effect, need in found],
        t("Days the test needs for each effect"),
        x_title=t("Effect (% of the baseline)"),
        y_title=t("Days"),
        formats=formats(),
        right_to_left=right_to_left(),
        chosen=(size.relative_effect, needed_days),
        chosen_label=t(
            "{effect}: {days}", effect=signed(size.relative_effect), days=days(needed_days)
        ),
        period_days=design.period_days,
        period_label=t("The plan's period: {days}", days=days(design.period_days)),
    )
    st.plotly_chart(figure, config=PLOTLY_CONFIG, key=KEY + "days_curve")


def _sizing_method() -> str:
    return t(
        "- **Test**: each variant's conversion rate against control's by the two-sided "
        "z-test for two proportions, the variance pooled under the null hypothesis and "
        "unpooled under the alternative, with no continuity correction (Fleiss, Levin & Paik, "
        "*Statistical Methods for Rates and Proportions*, 2003, ch. 4; R's power.prop.test "
        "gives the same).\n"
        "- **A/B/n**: with several variants each is compared with control at the significance "
        "level ÷ the number of variants (Bonferroni); control gets the largest need among the "
        "comparisons, each variant its share of the split. Every arm is rounded up to a whole "
        "visitor.\n"
        "- **Days**: the visitors in all ÷ the visitors reaching the step each day, rounded up. "
        "The plan's traffic at a step is the required count of the stage before it ÷ the "
        "period's days.\n"
        "- **No peeking correction**: the sample is for a test read once, at the end. Reading "
        "it every day and stopping at the first significant result raises the false-winner "
        "rate well past the significance level. The always-valid p-value of the mixture "
        "sequential probability ratio test (mSPRT; Johari, Koomen, Pekelis & Walsh, 2017) may "
        "be read at any time; it needs a larger sample, shown when you say you will look "
        "before the end."
    )


# --- Read a test ------------------------------------------------------------------------------


def arm_problems(problems: Sequence[ArmProblem]) -> None:
    """Each typed arm's problem, naming the arm and the field."""
    labels = {
        "visitors": N_("Visitors of '{arm}'"),
        "conversions": N_("Conversions of '{arm}'"),
        "name": N_("Name of '{arm}'"),
    }
    for item in problems:
        label = t(labels.get(item.problem.field, labels["name"]), arm=item.name)
        st.error(markdown(problem_text(item.problem, label)), icon=":material/warning:")


def file_problems(name: str | None, problems: Sequence[FieldProblem]) -> None:
    """A file that can't be read: which file, and every problem in it, each by its place."""
    lines = [t("'{file}' can't be read as a per-visitor file:", file=name or "")]
    lines += [f"- {file_problem_text(problem)}" for problem in problems]
    if any(problem.code in {"column_missing", "column_ambiguous"} for problem in problems):
        lines.append(t("If the file calls a column otherwise, name it under Column names above."))
    st.error(markdown("\n".join(lines)), icon=":material/warning:")


def file_summary(settings: ReadSettings) -> None:
    """What was read from the file, and from which columns."""
    data = settings.data
    if data is None:
        return
    text = t(
        "'{file}': {visitors} visitors in {arms} arms, control '{control}'; arm column "
        "'{arm}', converted column '{converted}'.",
        file=settings.file_name or "",
        visitors=count(data.visitors),
        arms=count(len(data.arms)),
        control=data.arms[0].name,
        arm=data.arm_column,
        converted=data.converted_column,
    )
    if data.revenue_column is not None:
        text += " " + t("Revenue per visitor from '{column}'.", column=data.revenue_column)
    else:
        text += " " + t("No revenue column: add one to compare revenue per visitor.")
    st.caption(markdown(text))


@st.cache_data(max_entries=64, show_spinner=False)
def _analyze(
    arms: tuple[Arm, ...],
    confidence: float,
    split: tuple[float, ...] | None,
    planned_effect: float | None,
    power: float,
) -> Analysis:
    return analyze(
        arms[0],
        arms[1:],
        confidence=confidence,
        split=split,
        planned_effect=planned_effect,
        power=power,
    )


def read_test(settings: ReadSettings, design: Design) -> Analysis | None:
    """The test read from the arms, or None (its problems shown) when it can't be."""
    if settings.arms is None or settings.confidence is None:
        return None
    effect = design.relative_effect
    planned = effect if effect is not None and effect != 0 and -1 < effect <= 10 else None
    try:
        return _analyze(
            settings.arms,
            settings.confidence,
            settings.split,
            planned,
            design.power or 0.8,
        )
    except PlanInvalid as invalid:
        show_problems(invalid)
        return None


def reading_section(plan: Plan, settings: ReadSettings, design: Design) -> Analysis | None:
    """The test read: what stops it, or the verdict, the tables, the chart; then the method."""
    analysis = read_test(settings, design)
    if settings.file_problems:
        file_problems(settings.file_name, settings.file_problems)
    elif settings.data is not None:
        file_summary(settings)
    elif settings.empty:
        st.info(
            t("Type each arm's visitors and conversions, or upload a per-visitor file."),
            icon=":material/edit:",
        )
    elif settings.problems:
        arm_problems(settings.problems)
    if analysis is not None:
        verdict(analysis)
        results_table(analysis, settings, design)
        st.subheader(t("Bayesian view"))
        bayesian_table(analysis)
        intervals_chart(analysis)
        revenue_table(plan, settings, analysis.confidence)
    reading_method()
    return analysis


def verdict(analysis: Analysis) -> None:
    """The verdict in words, coloured by what it means."""
    code = analysis.verdict.code
    text = markdown(verdict_text(analysis))
    if code == "winner":
        st.success(text, icon=":material/emoji_events:")
    elif code in {"sample_ratio_mismatch", "loser"}:
        st.error(text, icon=":material/warning:")
    elif code == "no_data":
        st.info(text, icon=":material/hourglass_empty:")
    else:
        st.info(text, icon=":material/balance:")


def verdict_text(analysis: Analysis) -> str:
    """``**B wins**: +20% conversion rate against control (p = 0.003).``."""
    found = analysis.verdict
    params = found.params
    if found.code == "sample_ratio_mismatch":
        return _srm_text(analysis)
    if found.code == "no_data":
        return t("Not enough data yet to compare any variant with control.")
    if found.code in {"winner", "loser"}:
        return _decided_text(analysis, found.code, params)
    effect = params.get("planned_effect")
    planned = signed(float(effect)) if isinstance(effect, int | float) else "—"
    if found.code == "no_difference":
        return t(
            "**No detectable difference**: every arm has the visitors to detect the planned "
            "effect of {effect}, so any effect is likely smaller.",
            effect=planned,
        )
    more = params.get("more_visitors_per_variant")
    if isinstance(more, int):
        return t(
            "**No detectable difference yet**: about {more} more visitors per variant would "
            "detect the planned effect of {effect}.",
            more=count(more),
            effect=planned,
        )
    return t("**No detectable difference yet.**")


def _decided_text(analysis: Analysis, code: str, params: Mapping[str, Any]) -> str:
    index = int(params.get("index") or 1)
    result = analysis.variants[index - 1]
    name = arm_name(str(params.get("variant") or ""), index)
    relative = params.get("relative_lift")
    if isinstance(relative, int | float):
        lift = t("{lift} conversion rate", lift=signed(float(relative)))
    else:
        lift = points(result.absolute_lift)
    p = p_text(result.holm_p_value)
    several = len(analysis.variants) > 1
    shown = t("Holm-adjusted p = {p}", p=p) if several else t("p = {p}", p=p)
    if code == "winner":
        return t(
            "**{variant} wins**: {lift} against control ({p}).", variant=name, lift=lift, p=shown
        )
    return t("**{variant} loses**: {lift} against control ({p}).", variant=name, lift=lift, p=shown)


def _srm_text(analysis: Analysis) -> str:
    seen = [analysis.control.visitors, *(variant.visitors for variant in analysis.variants)]
    total = sum(seen)
    expected = [total * share for share in analysis.split]
    return t(
        "**Sample ratio mismatch**: the arms got {seen} visitors where the planned split "
        "expects about {expected} (p = {p}, below {threshold}). Visitors are not being "
        "assigned or counted as planned, so this result should not be trusted until the "
        "cause is found.",
        seen=" / ".join(count(value) for value in seen),
        expected=" / ".join(count(round(value)) for value in expected),
        p=p_text(analysis.srm_p_value),
        threshold=formats().number(SRM_THRESHOLD),
    )


def control_name(name: str) -> str:
    """``A (control)``; an arm already called control keeps its name alone."""
    shown = arm_name(name, 0)
    if shown.casefold() in {"control", t("Control").casefold()}:
        return shown
    return t("{name} (control)", name=shown)


def status_text(result: VariantResult, control_visitors: int) -> str:
    """Why some of a variant's numbers are missing, in words; "" when none are."""
    if result.status == "empty_arm":
        if result.visitors == 0:
            return t("No visitors yet in this arm")
        return t("No visitors yet in control")
    if result.status == "ok":
        return ""
    return t(STATUSES[result.status])


def results_table(analysis: Analysis, settings: ReadSettings, design: Design) -> None:
    """Each arm's rate, and each variant's lift, interval and p-values against control.

    Headers are short and a column of empty notes is left out, so three arms fit at 1,024 px.
    """
    several = len(analysis.variants) > 1
    always_valid = _always_valid(settings, design)
    control = analysis.control
    rows = [
        {
            t("Arm"): control_name(control.name),
            t("Visitors"): count(control.visitors),
            t("Conversions"): count(control.conversions),
            t("Rate"): percent(control.rate),
        }
    ]
    for index, result in enumerate(analysis.variants):
        row = _variant_row(analysis, index, result)
        if several:
            row[t("Holm p-value")] = p_text(result.holm_p_value)
        if always_valid:
            row[t("Always-valid p-value")] = p_text(always_valid[index])
        row[t("Note")] = status_text(result, control.visitors)
        rows.append(row)
    frame = pd.DataFrame(rows).fillna("")
    if not any(frame[t("Note")]):
        frame = frame.drop(columns=[t("Note")])
    table(frame, KEY + "results")
    _results_notes(analysis, several=several, always_valid=bool(always_valid))
    _srm_line(analysis)


def _variant_row(analysis: Analysis, index: int, result: VariantResult) -> dict[str, str]:
    level = percent(analysis.confidence)
    absolute = "—" if result.absolute_lift is None else point_number(result.absolute_lift)
    return {
        t("Arm"): arm_name(result.name, index + 1),
        t("Visitors"): count(result.visitors),
        t("Conversions"): count(result.conversions),
        t("Rate"): percent(result.rate),
        t("Lift ({level} interval)", level=level): with_span(
            signed(result.relative_lift), result.lift_ci, signed
        ),
        t("Points ({level} interval)", level=level): with_span(
            absolute, result.absolute_lift_ci, point_number
        ),
        t("p-value"): p_text(result.p_value),
    }


def _results_notes(analysis: Analysis, *, several: bool, always_valid: bool) -> None:
    """How the table's numbers are worked out, under it."""
    notes = [
        t(
            "p-value: the two-sided two-proportion z-test with pooled variance, which is the "
            "chi-square test without continuity correction. Lift: relative to control's rate, "
            "its interval by the delta method (on the log scale). Points: the difference of "
            "the rates in percentage points, its interval by Wald (unpooled)."
        )
    ]
    if several:
        notes.append(
            t(
                "With several variants, read the Holm-adjusted p-values (Holm p-value): a "
                "variant wins when its adjusted p-value is below {alpha}.",
                alpha=percent(1 - analysis.confidence),
            )
        )
    if always_valid:
        notes.append(
            t(
                "Always-valid p-value (mSPRT): safe to read at any time, for a test you look at "
                "before the end; it is larger than the fixed-horizon p-value."
            )
        )
    st.caption(markdown(" ".join(notes)))


def _always_valid(settings: ReadSettings, design: Design) -> list[float] | None:
    """Each variant's always-valid p-value, τ set to the planned effect in points."""
    if not design.sequential or settings.arms is None:
        return None
    control, *variants = settings.arms
    tau = None
    if design.mde is not None and design.baseline:
        tau = abs(design.mde if not design.relative else design.mde * design.baseline)
        tau = tau if 0 < tau <= 1 else None
    return [always_valid_p_value(control, variant, tau=tau) for variant in variants]


def _srm_line(analysis: Analysis) -> None:
    if analysis.srm_p_value is None or analysis.srm_mismatch:
        return
    st.caption(
        markdown(
            t(
                "Sample ratio check: the visitors match the planned split (chi-square p = "
                "{p}; a mismatch is flagged below {threshold}).",
                p=p_text(analysis.srm_p_value),
                threshold=formats().number(SRM_THRESHOLD),
            )
        )
    )


def bayesian_table(analysis: Analysis) -> None:
    """Chance to beat control, the expected loss either way, the credible interval."""
    level = percent(analysis.confidence)
    rows = [
        {
            t("Arm"): arm_name(result.name, index + 1),
            t("Chance to beat control"): percent(result.chance_to_beat_control),
            t("Expected loss if you choose it"): loss_points(result.expected_loss),
            t("Expected loss if you keep control"): loss_points(result.control_expected_loss),
            t("Lift ({level} credible interval)", level=level): span(result.credible_interval),
        }
        for index, result in enumerate(analysis.variants)
    ]
    table(pd.DataFrame(rows), KEY + "bayes")
    st.caption(
        t(
            "Beta(1, 1) priors: before the test every rate is taken as equally likely. The "
            "expected loss is the conversion rate given up, on average, if the choice turns "
            "out wrong: choose the arm whose loss you can live with."
        )
    )


def intervals_chart(analysis: Analysis) -> None:
    """Each variant's lift with its confidence and credible intervals."""
    level = percent(analysis.confidence)
    figure = charts.intervals_figure(
        [arm_name(result.name, index + 1) for index, result in enumerate(analysis.variants)],
        [result.relative_lift for result in analysis.variants],
        [result.lift_ci for result in analysis.variants],
        t("Each variant's lift against control"),
        interval_name=t("{level} confidence interval", level=level),
        second=[result.credible_interval for result in analysis.variants],
        second_name=t("{level} credible interval", level=level),
        formats=formats(),
        right_to_left=right_to_left(),
        missing_label=t("no lift yet"),
        zero_label=t("no change"),
    )
    st.plotly_chart(figure, config=PLOTLY_CONFIG, key=KEY + "intervals")


def revenue_table(plan: Plan, settings: ReadSettings, confidence: float) -> None:
    """Revenue per visitor by Welch's t-test, when the file had a revenue column."""
    data = settings.data
    if data is None or data.revenue is None:
        return
    st.subheader(t("Revenue per visitor"))
    base, *others = data.revenue
    level = percent(confidence)
    rows = [_revenue_row(plan, data.arms[0].name, base, None, level, control=True)]
    for arm, stats in zip(data.arms[1:], others, strict=True):
        rows.append(
            _revenue_row(plan, arm.name, stats, welch(base, stats, confidence=confidence), level)
        )
    frame = pd.DataFrame(rows)
    if not any(frame[t("Note")]):
        frame = frame.drop(columns=[t("Note")])
    table(frame, KEY + "revenue")
    st.caption(
        t(
            "Welch's t-test (unequal variances) on each visitor's revenue, {currency}, "
            "visitors who bought nothing counted as 0; the interval is of the difference per "
            "visitor. Revenue is skewed: with few buyers per arm the interval is rougher than "
            "it looks.",
            currency=plan.currency,
        )
    )


def _revenue_row(
    plan: Plan,
    name: str,
    stats: RevenueStats,
    compared: RevenueComparison | None,
    level: str,
    *,
    control: bool = False,
) -> dict[str, str]:
    def cash(value: float | None) -> str:
        return money(value, plan.currency, cents=True)

    def signed_cash(value: float) -> str:
        return _signed_money(value, plan.currency, cents=True)

    difference = (
        "" if compared is None or compared.difference is None else signed_cash(compared.difference)
    )
    interval = None
    if compared is not None and compared.ci_low is not None and compared.ci_high is not None:
        interval = (compared.ci_low, compared.ci_high)
    note = ""
    if compared is not None and compared.status != "ok":
        note = t(REVENUE_STATUSES[compared.status])
    return {
        t("Arm"): control_name(name) if control else name,
        t("Visitors"): count(stats.n),
        t("Revenue per visitor"): cash(stats.mean),
        t("Difference ({level} interval)", level=level): (
            with_span(difference, interval, signed_cash) if difference else ""
        ),
        t("Lift"): "" if compared is None else signed(compared.relative_lift),
        t("p-value"): "" if compared is None else p_text(compared.p_value),
        t("Note"): note,
    }


def reading_method() -> None:
    """How the test is read, in an expander."""
    with st.expander(t("How the test is read")):
        st.markdown(
            markdown(
                t(
                    "- **p-value**: the two-sided z-test for two proportions with the variance "
                    "pooled under the null hypothesis; its z² is Pearson's chi-square of the "
                    "2 × 2 table, so it is the chi-square test without continuity correction "
                    "(Fleiss, Levin & Paik, 2003, ch. 3).\n"
                    "- **Intervals**: the relative lift's by the delta method on the log scale "
                    "(Katz et al., 1978); the difference in points by Wald's, unpooled.\n"
                    "- **Several variants**: Holm's step-down adjustment of the p-values "
                    "(Holm, 1979).\n"
                    "- **Bayesian view**: Beta(1, 1) priors; the chance to beat control, the "
                    "expected loss of each choice and the equal-tailed credible interval, "
                    "worked exactly, without random draws.\n"
                    "- **Sample ratio mismatch**: the chi-square goodness of fit of the visitors "
                    "against the planned split; below p = 0.001 the split is taken as broken "
                    "(Kohavi, Tang & Xu, 2020, ch. 21).\n"
                    "- **Revenue per visitor**: Welch's t-test (Welch, 1947)."
                )
            )
        )


# --- Simulate ---------------------------------------------------------------------------------


@st.cache_data(max_entries=16, show_spinner=False)
def _simulate(
    baseline: float, effect: float, per_arm: tuple[int, ...], alpha: float, trials: int, seed: int
) -> PowerResult:
    return simulate_test(baseline, effect, per_arm, alpha=alpha, trials=trials, seed=seed)


def simulation_section(design: Design, size: SampleSize, settings: SimulationSettings) -> None:
    """What the planned test shows on a known truth: its power, false winners, the lifts."""
    if settings.effect is None:
        st.info(t("Enter the true effect to simulate."))
        return
    per_arm = size.per_arm if settings.per_arm is None else (settings.per_arm,) * len(size.per_arm)
    wanted = (size.baseline, settings.effect, per_arm, size.alpha, settings.trials, settings.seed)
    waits = settings.trials > AUTO_RUN_TRIALS and st.session_state.get(RAN_KEY) != wanted
    # A large run waits for the button; once run, it shows until an input changes.
    if waits and not st.button(t("Run the simulation"), type="primary", key=KEY + "sim.run"):
        st.info(t("Run the simulation to see what the test shows."), icon=":material/lightbulb:")
        return
    st.session_state[RAN_KEY] = wanted
    try:
        result = _simulate(
            size.baseline, settings.effect, per_arm, size.alpha, settings.trials, settings.seed
        )
    except PlanInvalid as invalid:
        show_problems(invalid)
        return
    _simulation_metrics(result, size)
    st.markdown(markdown(_simulation_sentence(result, size)))
    _lift_histogram(result)
    st.caption(
        t(
            "{trials} simulated tests of {per_arm} visitors per arm (control first), seed "
            "{seed}: the same seed gives the same answer. Each is read as planned: the "
            "two-sided pooled z-test at {alpha} per variant.",
            trials=count(result.trials),
            per_arm=" / ".join(count(n) for n in result.per_arm),
            seed=str(result.seed),
            alpha=percent(result.alpha_per_comparison),
        )
    )


def _simulation_metrics(result: PowerResult, size: SampleSize) -> None:
    trials = result.trials
    items: list[Metric] = []
    if result.relative_effect > 0 and result.power is not None:
        error = math.sqrt(result.power * (1 - result.power) / trials)
        items.append(
            Metric(
                t("Power: the test finds the effect"),
                percent(round(result.power, 4)),
                t(
                    "± {error} (one standard error); planned {power}",
                    error=percent(round(error, 4)),
                    power=percent(size.power),
                ),
            )
        )
    elif result.relative_effect < 0:
        items.append(Metric(t("The test finds the drop"), percent(round(result.share_worse, 4))))
        if result.chance_of_wrong_winner is not None:
            items.append(
                Metric(
                    t("A worse variant declared the winner"),
                    percent(round(result.chance_of_wrong_winner, 4)),
                )
            )
    items.append(
        Metric(
            t("False winner when there is no effect"),
            percent(round(result.false_winner_chance, 4)),
            t("The same test run on variants that are no better than control (A/A)."),
        )
    )
    if result.median_winning_lift is not None:
        items.append(
            Metric(
                t("Median lift of the winners declared"),
                signed(result.median_winning_lift),
                t("Winners' lifts overstate the truth when the power is low."),
            )
        )
    metrics(items, KEY + "sim_metrics", delta_color="inverse")


def _simulation_sentence(result: PowerResult, size: SampleSize) -> str:
    if result.relative_effect > 0 and result.power is not None:
        return t(
            "If each variant truly converts {effect} better ({baseline} → {rate}), a test of "
            "{per_arm} visitors per arm declares it the winner in **{power}** of runs; in the "
            "other {missed} it finds no difference and the effect is missed. That is what "
            '"{planned} power" means.',
            effect=percent(result.relative_effect),
            baseline=percent(result.baseline),
            rate=percent(result.variant_rate),
            per_arm=count(max(result.per_arm[1:])),
            power=percent(round(result.power, 4)),
            missed=percent(round(1 - result.power, 4)),
            planned=percent(size.power),
        )
    if result.relative_effect < 0:
        return t(
            "If each variant truly converts {effect} worse, the test declares it worse in "
            "**{share}** of runs.",
            effect=percent(abs(result.relative_effect)),
            share=percent(round(result.share_worse, 4)),
        )
    return t(
        "With no true difference (an A/A test), some variant is declared the winner in "
        "**{share}** of runs: the false winners a significance level of {alpha} allows "
        "(half of it on the winning side).",
        share=percent(round(result.share_any_better, 4)),
        alpha=percent(result.alpha),
    )


def _lift_histogram(result: PowerResult) -> None:
    histogram = result.lift_histogram
    if not histogram.counts:
        return
    marks = [(result.relative_effect, t("True effect"))]
    if result.relative_effect != 0:
        marks.append((0.0, t("No change")))
    if result.median_winning_lift is not None:
        marks.append((result.median_winning_lift, t("Median winner")))
    figure = charts.lift_histogram_figure(
        histogram.edges,
        histogram.counts,
        t("Lift each simulated test observed"),
        x_title=t("Observed lift"),
        y_title=t("Tests"),
        formats=formats(),
        right_to_left=right_to_left(),
        marks=marks,
    )
    st.plotly_chart(figure, config=PLOTLY_CONFIG, key=KEY + "lift_histogram")


# --- Apply to the plan ------------------------------------------------------------------------


@st.cache_data(max_entries=32, show_spinner=False)
def _price(plan: Plan, stage: str, lift: float, interval: tuple[float, float] | None) -> LiftValue:
    return price_lift(plan, stage, lift, interval)


def lift_choices(
    analysis: Analysis | None,
) -> dict[int, tuple[str, float, tuple[float, float] | None]]:
    """The variants a lift can come from: position → (name, relative lift, its interval)."""
    if analysis is None or analysis.srm_mismatch:
        return {}
    return {
        index: (arm_name(result.name, index + 1), result.relative_lift, result.lift_ci)
        for index, result in enumerate(analysis.variants)
        if result.relative_lift is not None
    }


def no_lift_reason(analysis: Analysis | None) -> str:
    """Why the test read offers no lift to carry into the plan, in words."""
    if analysis is None:
        return t("Read a test first (Read a test tab), or enter a lift.")
    if analysis.srm_mismatch:
        return t(
            "The test read has a sample ratio mismatch, so its lifts can't be trusted: find "
            "the cause first, or enter a lift."
        )
    return t("No variant of the test read has a lift yet: enter one instead.")


def best_variant(analysis: Analysis | None) -> int | None:
    """The winner's position, else the variant with the highest rate."""
    if analysis is None:
        return None
    index = analysis.verdict.params.get("index")
    if analysis.verdict.code == "winner" and isinstance(index, int):
        return index - 1
    rates = [(result.rate or 0.0, index) for index, result in enumerate(analysis.variants)]
    return max(rates)[1] if rates else None


def lift_section(
    plan: Plan, draft: dict[str, Any], choice: LiftChoice, analysis: Analysis | None
) -> None:
    """What the lift does to the plan, and the button that makes it a scenario."""
    if choice.lift is None:
        if choice.variant is None and choice.typed:
            st.info(t("Enter the lift to carry into the plan."))
        return
    stage = plan.stages[choice.step]
    try:
        value = _price(plan, stage.name, choice.lift, choice.interval)
    except PlanInvalid as invalid:
        for problem in invalid.problems:
            label = t("Conversion to '{stage}'", stage=stage.name)
            st.error(
                markdown(problem_text(problem, label, percent=True)), icon=":material/warning:"
            )
        return
    except PlannerError as error:
        st.error(markdown(str(error)), icon=":material/warning:")
        return
    _lift_metrics(plan, value)
    st.markdown(markdown(_lift_sentence(plan, choice, value)))
    _significance_note(analysis, choice)
    _add_button(plan, draft, choice)


def _significance_note(analysis: Analysis | None, choice: LiftChoice) -> None:
    """A lift the test did not establish is said to be a hope, not a finding."""
    if analysis is None or choice.variant is None:
        return
    found = [
        result
        for index, result in enumerate(analysis.variants)
        if arm_name(result.name, index + 1) == choice.variant
    ]
    if not found or found[0].significant:
        return
    st.warning(
        markdown(
            t(
                "{variant}'s lift is not significant (p = {p}): the test can't yet tell it "
                "from no change, and the scenario assumes {lift}. Its interval runs from "
                "{low} to {high}.",
                variant=choice.variant,
                p=p_text(found[0].holm_p_value or found[0].p_value),
                lift=signed(choice.lift),
                low=signed(choice.interval[0]) if choice.interval else "—",
                high=signed(choice.interval[1]) if choice.interval else "—",
            )
        ),
        icon=":material/warning:",
    )


def _lift_metrics(plan: Plan, value: LiftValue) -> None:
    base, new = value.outcome.base, value.outcome.scenario
    difference = value.outcome.difference
    items = [
        Metric(
            t("{stage} the target needs", stage=plan.stages[0].name),
            count(new.required_traffic),
            t("The plan's {stage} to reach its target, with the lift.", stage=plan.stages[0].name),
            _delta(_signed_count(difference.required_traffic), difference.required_traffic),
            t("from {value}", value=count(base.required_traffic)),
        ),
    ]
    if plan.acquisition_cost is not None:
        items.append(
            Metric(
                t("Budget the target needs"),
                money(new.required_budget, plan.currency),
                t("The budget the plan needs to reach its target, with the lift."),
                _delta(
                    _signed_money(difference.required_budget, plan.currency),
                    difference.required_budget,
                ),
                t("from {value}", value=money(base.required_budget, plan.currency)),
            )
        )
    items.append(
        Metric(
            t("Revenue gained in {period}", period=period_name(plan.period)),
            _signed_money(value.revenue_gained, plan.currency),
            _revenue_range(value, plan.currency) or None,
        )
    )
    metrics(items, KEY + "lift_metrics", delta_color="inverse")


def _signed_count(value: float) -> str:
    return ("+" if value > 0 else "") + count(value)


def _delta(text: str, value: float) -> str:
    """A metric's change as Streamlit reads its sign: a leading ASCII "-" when it fell.

    The mark after an Arabic amount stays (it keeps "US$" whole); the one before it goes,
    or Streamlit would not see the sign.
    """
    if value >= 0:
        return text
    return "-" + text.lstrip(_RLM).lstrip("−-")


def _signed_money(value: float, currency: str, *, cents: bool | None = None) -> str:
    """``+$9,270``, ``−$1,200``; in Arabic the sign stays on the reading side of the amount."""
    text = money(value, currency, cents=cents)
    if round(value, 2) <= 0:
        return text
    return f"{_RLM}+{text[1:]}" if text.startswith(_RLM) else f"+{text}"


def _revenue_range(value: LiftValue, currency: str) -> str:
    if value.revenue_gained_low is None or value.revenue_gained_high is None:
        return ""
    low, high = sorted((value.revenue_gained_low, value.revenue_gained_high))
    return t(
        "{low} to {high}", low=_signed_money(low, currency), high=_signed_money(high, currency)
    )


def _lift_sentence(plan: Plan, choice: LiftChoice, value: LiftValue) -> str:
    stage = plan.stages[choice.step]
    rate = stage.conversion_rate or 0.0
    lift = choice.lift or 0.0
    params = {
        "stage": stage.name,
        "lift": percent(abs(lift)),
        "old": percent(rate),
        "new": percent(min(rate * (1 + lift), 1.0)),
        "revenue": money(abs(value.revenue_gained), plan.currency),
        "period": period_name(plan.period),
    }
    if lift >= 0:
        text = t(
            "With '{stage}' converting {lift} better ({old} → {new}), the traffic the plan "
            "needs now brings **{revenue}** more revenue in {period}.",
            **params,
        )
    else:
        text = t(
            "With '{stage}' converting {lift} worse ({old} → {new}), the traffic the plan "
            "needs now brings **{revenue}** less revenue in {period}.",
            **params,
        )
    found = _revenue_range(value, plan.currency)
    if found and choice.interval is not None:
        text += " " + t(
            "Across the lift's interval ({low} to {high}): {range}.",
            range=found,
            low=signed(choice.interval[0]),
            high=signed(choice.interval[1]),
        )
    return text


def _add_button(plan: Plan, draft: dict[str, Any], choice: LiftChoice) -> None:
    block = draft[WHATIF]
    taken = {str(scenario["name"]).strip().casefold() for scenario in block["scenarios"]}
    full = len(block["scenarios"]) >= MAX_SCENARIOS
    exists = choice.name.casefold() in taken
    reason = None
    if full:
        reason = t("The plan holds {count} scenarios, the most it may.", count=MAX_SCENARIOS)
    elif not choice.name:
        reason = t("Give the scenario a name.")
    elif exists:
        reason = t("The plan already has a scenario called '{name}'.", name=choice.name)
    st.button(
        t("Add as a scenario"),
        type="primary",
        icon=":material/alt_route:",
        key=KEY + "apply.add",
        disabled=reason is not None,
        help=reason,
        on_click=_add_scenario,
        args=(draft, plan.stages[choice.step].name, choice),
    )
    added = st.session_state.get(ADDED_KEY)
    if added is not None and added.casefold() in taken:
        st.success(
            markdown(t("The scenario '{name}' is in the plan.", name=added)),
            icon=":material/check_circle:",
        )
        st.page_link(
            "pages/scenarios.py",
            label=t("See it beside the plan on the Scenarios page"),
            icon=":material/alt_route:",
        )
    elif reason is not None and not full and choice.name:
        st.caption(reason)


def _add_scenario(draft: dict[str, Any], stage: str, choice: LiftChoice) -> None:
    if choice.lift is None:
        return
    if add_lift(draft[WHATIF], stage_names(draft), choice.name, stage, choice.lift):
        st.session_state[ADDED_KEY] = choice.name
