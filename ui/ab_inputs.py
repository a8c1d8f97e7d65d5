"""The A/B tests page's inputs: the test to plan, the counts read, the run to simulate, the lift.

Every widget has a ``abtests.*`` key and ``persist_state="session"``, so what was typed is
still there after a trip to another page. Each input returns a typed value the views work
with (``Design``, ``ReadSettings``, ``SimulationSettings``, ``LiftChoice``); percentages exist
only on screen, the values returned are fractions.

Some fields start from the plan and follow it until the user types their own (the baseline
rate and the daily traffic of the step tested, the effect simulated, the scenario's name):
each remembers the value it was last given (``SEEDED_KEY``), and a field still holding that
value takes the plan's new one when the plan changes. Choosing another step starts both
from the plan again.

The arms typed (control and up to ten variants) live in one durable list under
``ARMS_KEY`` (a widget's state is gone when its page is not drawn; that list is not), each
row's widgets seeded from it and writing back to it. An uploaded per-visitor file is read
once and kept under ``CSV_KEY`` with its name, so it too survives a trip to another page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st
from pydantic import ValidationError

from files.visitors import VisitorData, read_visitor_csv
from i18n.catalogue import N_
from planner.abtests.arms import MAX_VARIANTS, Arm
from planner.abtests.power import DEFAULT_TRIALS, MAX_TRIALS
from planner.errors import FieldProblem, PlanInvalid, problems_from
from planner.models import Plan
from planner.results import PlanResult
from ui.ab_charts import signed_percent
from ui.format import count, days, percent
from ui.i18n import formats, t, worded

KEY = "abtests."
ARMS_KEY = KEY + "arms"
CSV_KEY = KEY + "csv_data"
SEEDED_KEY = KEY + "seeded"
VALUE_FORMAT = "%.6g"  # as typed: 10, 0.35, 12.5 (not 10.00)
DEFAULT_EFFECT_PERCENT = 10.0
DEFAULT_TEST_DAYS = 28  # four whole weeks: every weekday four times
DEFAULT_SEED = 2027
MAX_PAGE_SEED = 2**53 - 1  # the browser holds numbers as doubles
MAX_TEST_DAYS = 3_650
EFFECT_KINDS = {
    "relative": N_("Relative (% of the baseline)"),
    "absolute": N_("Absolute (percentage points)"),
}
SOURCES = {"typed": N_("Type the counts"), "csv": N_("Upload a per-visitor CSV")}
LIFT_SOURCES = {"test": N_("A variant of the test read"), "typed": N_("A lift I enter")}
ARM_LETTERS = "ABCDEFGHIJK"


# --- Helpers ----------------------------------------------------------------------------------


def _follow(key: str, value: Any) -> None:
    """Give the field ``value`` unless the user typed their own since it was last given one."""
    state = st.session_state
    seeded: dict[str, Any] = state.setdefault(SEEDED_KEY, {})
    if key not in state or state[key] == seeded.get(key, state[key]):
        if state.get(key) != value:
            state[key] = value
        seeded[key] = value


def _own(key: str) -> bool:
    """True when the user typed their own value over the one the page gave the field."""
    seeded: dict[str, Any] = st.session_state.get(SEEDED_KEY, {})
    return key in seeded and st.session_state.get(key) != seeded[key]


def _reset(*keys: str) -> None:
    """Forget fields, so they take the plan's values again."""
    for key in keys:
        st.session_state.pop(key, None)
        st.session_state.get(SEEDED_KEY, {}).pop(key, None)


def _fraction(value: float | None) -> float | None:
    return None if value is None else value / 100


def tested_steps(plan: Plan) -> list[int]:
    """The positions of the stages a test can run on: every stage with a rate."""
    return list(range(1, len(plan.stages)))


def daily_visitors(result: PlanResult, position: int) -> float:
    """Visitors a day reaching the step: the stage before it ÷ the period's days."""
    return result.stages[position - 1].required / result.period_days


def _default(options: list[int], default: int) -> int:
    return default if default in options else options[-1]


def _index(options: list[int], default: int | None) -> int:
    return options.index(default) if default in options else len(options) - 1


def _step_label(plan: Plan, position: int) -> str:
    stage = plan.stages[position]
    return t(
        "{stage} (from '{before}', {rate})",
        stage=stage.name,
        before=plan.stages[position - 1].name,
        rate=percent(stage.conversion_rate),
    )


def step_select(plan: Plan, key: str, label: str, default: int, on_change: Any = None) -> int:
    """A stage with a rate, chosen by its position (a position gone from the plan resets)."""
    steps = tested_steps(plan)
    if key in st.session_state and st.session_state[key] not in steps:
        st.session_state.pop(key)  # the stage is gone: start again, as a new choice would
        if on_change is not None:
            on_change()
    chosen = st.selectbox(
        label,
        steps,
        index=None if key in st.session_state else _index(steps, default),
        format_func={step: _step_label(plan, step) for step in steps}.__getitem__,
        key=key,
        on_change=on_change,
        persist_state="session",
    )
    return int(chosen if chosen is not None else _default(steps, default))


# --- Plan a test ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Design:
    """The test planned on one step: what the sizing needs, as fractions."""

    step: int
    stage: str
    baseline: float | None
    daily_visitors: float | None
    relative: bool
    mde: float | None
    alpha: float | None
    power: float | None
    variants: int
    control_share: float | None  # None: every arm an equal share
    sequential: bool
    test_days: int | None
    period_days: int

    @property
    def split(self) -> tuple[float, ...] | None:
        """Each arm's share, control first; none for equal shares."""
        return _split(self.control_share, self.variants)

    @property
    def relative_effect(self) -> float | None:
        """The effect as a share of the baseline (0.1: +10%), whichever way it was typed."""
        if self.mde is None:
            return None
        if self.relative:
            return self.mde
        return self.mde / self.baseline if self.baseline else None


def _split(control_share: float | None, variants: int) -> tuple[float, ...] | None:
    if control_share is None:
        return None
    rest = (1 - control_share) / variants
    return (control_share, *(rest,) * variants)


BASELINE = KEY + "baseline"
DAILY = KEY + "daily"
EFFECT_KIND = KEY + "effect_kind"
EFFECT = KEY + "effect"
STEP = KEY + "step"


def design_inputs(plan: Plan, result: PlanResult) -> Design:
    """The step, its baseline and traffic (from the plan), the effect, α, power, arms, split."""
    position = step_select(
        plan, STEP, t("Step to test"), len(plan.stages) - 1, on_change=_reset_to_plan
    )
    baseline, daily = _step_inputs(plan, result, position)
    relative, mde = _effect_inputs()
    alpha, power, variants, share = _test_settings(KEY)
    sequential = st.toggle(
        t("I will look at the results before the end"),
        value=False,
        key=KEY + "sequential",
        persist_state="session",
        help=t(
            "A fixed-horizon test may be read once, at its planned sample. Turn this on for the "
            "always-valid (sequential, mSPRT) p-value, which may be read at any time, and the "
            "larger sample it needs."
        ),
    )
    test_days = st.number_input(
        t("Test length for the smallest detectable effect (days)"),
        min_value=1,
        max_value=MAX_TEST_DAYS,
        value=DEFAULT_TEST_DAYS,
        step=1,
        key=KEY + "test_days",
        persist_state="session",
    )
    return Design(
        step=position,
        stage=plan.stages[position].name,
        baseline=_fraction(baseline),
        daily_visitors=daily,
        relative=relative,
        mde=_fraction(mde),
        alpha=alpha,
        power=power,
        variants=variants,
        control_share=share,
        sequential=bool(sequential),
        test_days=None if test_days is None else int(test_days),
        period_days=result.period_days,
    )


def _step_inputs(
    plan: Plan, result: PlanResult, position: int
) -> tuple[float | None, float | None]:
    """The step's baseline rate (%) and visitors a day: the plan's until the user types over."""
    plan_rate = plan.stages[position].conversion_rate
    plan_daily = daily_visitors(result, position)
    _follow(BASELINE, None if plan_rate is None else round(plan_rate * 100, 10))
    _follow(DAILY, round(plan_daily, 2))
    columns = st.columns(2, vertical_alignment="bottom")
    baseline = columns[0].number_input(
        t("Baseline conversion rate (%)"),
        min_value=0.0,
        max_value=100.0,
        step=1.0,
        format=VALUE_FORMAT,
        value=None,
        key=BASELINE,
        persist_state="session",
        help=t("The rate the step converts at now: the plan's rate to start with."),
    )
    daily = columns[1].number_input(
        t("Visitors a day at this step"),
        min_value=0.0,
        step=1.0,
        format=VALUE_FORMAT,
        value=None,
        key=DAILY,
        persist_state="session",
        help=t("All arms together: the visitors who reach the step each day."),
    )
    _plan_note(plan, result, position, plan_daily)
    return baseline, daily


def _reset_to_plan() -> None:
    _reset(BASELINE, DAILY)


def _plan_note(plan: Plan, result: PlanResult, position: int, plan_daily: float) -> None:
    """Where the two plan values come from, and a way back to them once edited."""
    before = plan.stages[position - 1]
    note = t(
        "From the plan: {rate} at '{stage}'; {count} '{before}' in {days} is {daily} a day.",
        rate=percent(plan.stages[position].conversion_rate),
        stage=plan.stages[position].name,
        count=count(result.stages[position - 1].required),
        before=before.name,
        days=days(result.period_days),
        daily=formats().number(round(plan_daily, 2)),
    )
    if not (_own(BASELINE) or _own(DAILY)):
        st.caption(note)
        return
    with st.container(horizontal=True, vertical_alignment="center"):
        st.caption(note, width="stretch")
        st.button(
            t("Use the plan's values"),
            icon=":material/undo:",
            key=KEY + "use_plan",
            on_click=_reset_to_plan,
        )


def _effect_inputs() -> tuple[bool, float | None]:
    kind = st.radio(
        t("Minimum detectable effect"),
        list(EFFECT_KINDS),
        format_func=worded(EFFECT_KINDS),
        horizontal=True,
        key=EFFECT_KIND,
        persist_state="session",
        on_change=_convert_effect,
        help=t(
            "The smallest change worth finding. Relative: 10% takes a 5% rate to 5.5%. "
            "Absolute: 0.5 points takes 5% to 5.5%. Negative to plan for a drop."
        ),
    )
    relative = kind != "absolute"
    _seed(EFFECT, DEFAULT_EFFECT_PERCENT)
    effect = st.number_input(
        t("Effect (% of the baseline)") if relative else t("Effect (percentage points)"),
        step=1.0 if relative else 0.1,
        format=VALUE_FORMAT,
        value=None,
        key=EFFECT,
        persist_state="session",
    )
    return relative, effect


def _convert_effect() -> None:
    """Keep the same effect when its kind changes: 10% of a 50% rate is 5 points."""
    state = st.session_state
    value, baseline = state.get(EFFECT), state.get(BASELINE)
    if value is None or not baseline:
        return
    if state.get(EFFECT_KIND) == "absolute":
        state[EFFECT] = round(value * baseline / 100, 10)
    else:
        state[EFFECT] = round(value / baseline * 100, 10)


def _test_settings(prefix: str) -> tuple[float | None, float | None, int, float | None]:
    """Significance, power, number of variants and the split."""
    columns = st.columns(3, vertical_alignment="bottom")
    alpha = columns[0].number_input(
        t("Significance level (%)"),
        min_value=0.01,
        max_value=50.0,
        value=5.0,
        step=1.0,
        format=VALUE_FORMAT,
        key=prefix + "alpha",
        persist_state="session",
        help=t("The chance of declaring a winner when there is no difference (two-sided)."),
    )
    power = columns[1].number_input(
        t("Power (%)"),
        min_value=50.0,
        max_value=99.9,
        value=80.0,
        step=5.0,
        format=VALUE_FORMAT,
        key=prefix + "power",
        persist_state="session",
        help=t("The chance the test finds the effect when it is really there."),
    )
    variants = columns[2].number_input(
        t("Variants"),
        min_value=1,
        max_value=MAX_VARIANTS,
        value=1,
        step=1,
        key=prefix + "variants",
        persist_state="session",
        help=t(
            "Arms besides control: 1 for an A/B test, more for A/B/n (each compared with control)."
        ),
    )
    share = split_input(prefix, int(variants or 1))
    return _fraction(alpha), _fraction(power), int(variants or 1), share


def split_input(prefix: str, variants: int) -> float | None:
    """Control's share of the traffic, or None for an equal split.

    Seeded rather than given defaults: the Read a test tab sets them from the plan's split.
    """
    _seed(prefix + "equal_split", True)
    equal = st.toggle(
        t("Equal split"),
        value=False,
        key=prefix + "equal_split",
        persist_state="session",
        help=t("Every arm gets the same share of the visitors."),
    )
    if equal:
        return None
    _seed(prefix + "control_share", round(100 / (variants + 1), 4))
    share = st.number_input(
        t("Control's share of the visitors (%)"),
        min_value=1.0,
        max_value=99.0,
        value=None,
        step=5.0,
        format=VALUE_FORMAT,
        key=prefix + "control_share",
        persist_state="session",
        help=t("The variants share the rest equally."),
    )
    return _fraction(share)


# --- Read a test ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArmProblem:
    """A problem with one typed arm's field (``visitors``, ``conversions`` or ``name``)."""

    row: int
    name: str
    problem: FieldProblem


@dataclass(frozen=True)
class ReadSettings:
    """What the analysis reads: the arms (or why not), where they came from, how to read them."""

    source: str  # "typed" or "csv"
    arms: tuple[Arm, ...] | None
    problems: tuple[ArmProblem, ...]
    file_problems: tuple[FieldProblem, ...]
    file_name: str | None
    data: VisitorData | None
    confidence: float | None
    control_share: float | None
    empty: bool  # nothing typed or uploaded yet

    @property
    def split(self) -> tuple[float, ...] | None:
        """The planned share of each arm, control first; none for equal shares."""
        if self.arms is None:
            return None
        return _split(self.control_share, len(self.arms) - 1)


def read_inputs(planned_share: float | None) -> ReadSettings:
    """Typed counts or a per-visitor file, the confidence level and the planned split.

    The split follows the one planned (``planned_share``: control's, or None for equal) until
    the user sets another here, so an unequal plan is not read as a sample ratio mismatch.
    """
    source = st.radio(
        t("Counts from"),
        list(SOURCES),
        format_func=worded(SOURCES),
        horizontal=True,
        key=KEY + "source",
        persist_state="session",
    )
    if source == "csv":
        arms, problems, file_problems, name, data, empty = _file_arms()
    else:
        arms, problems, empty = typed_arms()
        file_problems, name, data = [], None, None
    with st.expander(t("Confidence and planned split")):
        confidence = st.number_input(
            t("Confidence level (%)"),
            min_value=50.0,
            max_value=99.99,
            value=95.0,
            step=1.0,
            format=VALUE_FORMAT,
            key=KEY + "confidence",
            persist_state="session",
            help=t("Of the intervals; a variant wins when its p-value is below 1 − this."),
        )
        _follow(READ_EQUAL, planned_share is None)
        if planned_share is not None:
            _follow(READ_SHARE, round(planned_share * 100, 10))
        share = split_input(KEY + "read.", max(len(arms or ()) - 1, 1))
    return ReadSettings(
        source=str(source),
        arms=arms,
        problems=tuple(problems),
        file_problems=tuple(file_problems),
        file_name=name,
        data=data,
        confidence=_fraction(confidence),
        control_share=share,
        empty=empty,
    )


READ_EQUAL = KEY + "read.equal_split"
READ_SHARE = KEY + "read.control_share"
ARMS_BOX = "abtests-arms"
ARMS_WIDTH = 640
# Counts run to thousands: a ± step of 1 is no use, and without the buttons (nor the one that
# empties a field: the keyboard does that) an arm's three fields fit on one line of a phone,
# 10,000,000 visitors in full. A constant (no user text reaches it).
_ARMS_STYLE = """
<style>
.st-key-abtests-arms [data-testid="stNumberInputStepDown"],
.st-key-abtests-arms [data-testid="stNumberInputStepUp"],
.st-key-abtests-arms [data-testid="stNumberInputClearButton"] { display: none; }
</style>
"""


def arm_rows() -> list[dict[str, Any]]:
    """The typed arms: control "A" and variant "B" to start, counts empty until typed."""
    rows: list[dict[str, Any]] = st.session_state.setdefault(
        ARMS_KEY,
        {"next_id": 2, "rows": [_new_row(0, "A"), _new_row(1, "B")]},
    )["rows"]
    return rows


def _new_row(row_id: int, name: str) -> dict[str, Any]:
    return {"id": row_id, "name": name, "visitors": None, "conversions": None}


def _seed(key: str, value: Any) -> None:
    if key not in st.session_state:
        st.session_state[key] = value


def _store(row: dict[str, Any], field: str, key: str) -> Callable[[], None]:
    def write() -> None:
        row[field] = st.session_state[key]

    return write


def typed_arms() -> tuple[tuple[Arm, ...] | None, list[ArmProblem], bool]:
    """A row of name, visitors and conversions per arm; the arms, or the problems with them."""
    rows = arm_rows()
    st.html(_ARMS_STYLE)
    with st.container(key=ARMS_BOX, width=ARMS_WIDTH):
        for number, row in enumerate(rows):
            _arm_row(row, number, removable=number >= 1 and len(rows) > 2)
    st.button(
        t("Add a variant"),
        icon=":material/add:",
        key=KEY + "add_arm",
        on_click=add_arm,
        disabled=len(rows) > MAX_VARIANTS,
        help=t("At most {count} variants besides control", count=MAX_VARIANTS),
    )
    empty = all(row["visitors"] is None and row["conversions"] is None for row in rows)
    arms, problems = arms_from_rows(rows)
    return arms, problems, empty


def _arm_row(row: dict[str, Any], number: int, *, removable: bool) -> None:
    keys = {field: f"{KEY}arm{row['id']}.{field}" for field in ("name", "visitors", "conversions")}
    for field, key in keys.items():
        _seed(key, row[field])
    label = t("Control") if number == 0 else t("Variant {number}", number=count(number))
    with st.container(
        horizontal=True, vertical_alignment="bottom", wrap=False, key=f"{KEY}arm{row['id']}"
    ):
        st.text_input(
            label,
            key=keys["name"],
            max_chars=80,
            persist_state="session",
            on_change=_store(row, "name", keys["name"]),
            width=120,
        )
        for field, title in (("visitors", t("Visitors")), ("conversions", t("Conversions"))):
            st.number_input(
                title,
                min_value=0,
                step=1,
                value=None,
                key=keys[field],
                on_change=_store(row, field, keys[field]),
                persist_state="session",
                width="stretch",
            )
        st.button(  # on every row, so the fields line up; only a variant of several goes
            "",
            icon=":material/close:",
            key=f"{KEY}arm{row['id']}.remove",
            help=t("Remove this variant") if number else t("Control stays: every test needs it"),
            on_click=remove_arm,
            args=(row["id"],),
            disabled=not removable,
        )


def add_arm() -> None:
    """One more variant, named by the next free letter."""
    block = st.session_state[ARMS_KEY]
    rows = block["rows"]
    if len(rows) > MAX_VARIANTS:
        return
    taken = {str(row["name"]).casefold() for row in rows}
    name = next((letter for letter in ARM_LETTERS if letter.casefold() not in taken), "")
    rows.append(_new_row(block["next_id"], name))
    block["next_id"] += 1


def remove_arm(row_id: int) -> None:
    """Drop a variant's row."""
    block = st.session_state[ARMS_KEY]
    block["rows"] = [row for row in block["rows"] if row["id"] != row_id]


def arm_name(name: str, number: int) -> str:
    """An arm's name, or its letter when left empty."""
    return name.strip() or ARM_LETTERS[number]


def arms_from_rows(
    rows: list[dict[str, Any]],
) -> tuple[tuple[Arm, ...] | None, list[ArmProblem]]:
    """Each row as a validated ``Arm``; none and the problems when any row is wrong."""
    arms, problems = [], []
    for number, row in enumerate(rows):
        name = arm_name(str(row.get("name") or ""), number)
        data = {"name": name, "visitors": row["visitors"], "conversions": row["conversions"]}
        try:
            arms.append(Arm.model_validate(data))
        except ValidationError as invalid:
            problems += [ArmProblem(number, name, p) for p in problems_from(invalid, Arm)]
    names = [arm.name.casefold() for arm in arms]
    for number, arm in enumerate(arms):
        if arm.name.casefold() in names[:number]:
            problem = FieldProblem("name", "duplicate", "duplicate_arm", {"name": arm.name})
            problems.append(ArmProblem(number, arm.name, problem))
    return (tuple(arms) if not problems else None), problems


def _file_arms() -> tuple[
    tuple[Arm, ...] | None,
    list[ArmProblem],
    list[FieldProblem],
    str | None,
    VisitorData | None,
    bool,
]:
    """The uploader and the optional column names; the arms the file holds, or its problems."""
    st.file_uploader(
        t("Per-visitor CSV"),
        type=["csv", "txt", "tsv"],
        key=KEY + "csv_file",
        on_change=_file_changed,
        help=t(
            "One row per visitor: the arm they saw, whether they converted (1/0, yes/no, "
            "true/false) and, optionally, the revenue they brought. UTF-8."
        ),
    )
    with st.expander(t("Column names (found by their headers when left empty)")):
        columns = st.columns(3)
        names = {
            field: columns[index].text_input(
                label, key=f"{KEY}column.{field}", persist_state="session"
            )
            for index, (field, label) in enumerate(
                (
                    ("arm_column", t("Arm column")),
                    ("converted_column", t("Converted column")),
                    ("revenue_column", t("Revenue column")),
                )
            )
        }
    kept: dict[str, Any] | None = st.session_state.get(CSV_KEY)
    if kept is None:
        return None, [], [], None, None, True
    wanted = {field: (value or "").strip() or None for field, value in names.items()}
    if kept["columns"] != wanted:
        kept.update(_read(kept["bytes"], wanted))
    data: VisitorData | None = kept["data"]
    arms = None if data is None else data.arms
    return arms, [], list(kept["problems"]), kept["name"], data, False


def _file_changed() -> None:
    """A new file is read once and kept (with its name); a removed one is forgotten."""
    uploaded = st.session_state.get(KEY + "csv_file")
    if uploaded is None:
        st.session_state.pop(CSV_KEY, None)
        return
    data = uploaded.getvalue()
    columns = {
        field: (st.session_state.get(f"{KEY}column.{field}") or "").strip() or None
        for field in ("arm_column", "converted_column", "revenue_column")
    }
    st.session_state[CSV_KEY] = {"name": uploaded.name, "bytes": data, **_read(data, columns)}


def _read(data: bytes, columns: Mapping[str, str | None]) -> dict[str, Any]:
    try:
        found = read_visitor_csv(data, **columns)
    except PlanInvalid as invalid:
        return {"columns": dict(columns), "data": None, "problems": list(invalid.problems)}
    return {"columns": dict(columns), "data": found, "problems": []}


# --- Simulate ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SimulationSettings:
    """The truth to simulate and how many runs; ``per_arm`` none for the planned sample."""

    effect: float | None
    per_arm: int | None
    trials: int
    seed: int


SIM_EFFECT = KEY + "sim.effect"


def simulation_inputs(planned_effect: float | None) -> SimulationSettings:
    """The true effect (the planned one to start with), visitors per arm, trials and seed."""
    if planned_effect is not None:
        _follow(SIM_EFFECT, round(planned_effect * 100, 10))
    columns = st.columns(2, vertical_alignment="bottom")
    effect = columns[0].number_input(
        t("True effect (% of the baseline)"),
        min_value=-99.0,
        step=1.0,
        format=VALUE_FORMAT,
        value=None,
        key=SIM_EFFECT,
        persist_state="session",
        help=t("What the variant really does; 0 for an A/A test. The planned effect to start."),
    )
    per_arm = columns[1].number_input(
        t("Visitors per arm"),
        min_value=1,
        step=100,
        value=None,
        placeholder=t("As planned"),
        key=KEY + "sim.per_arm",
        persist_state="session",
        help=t("Empty: the planned test's sample."),
    )
    columns = st.columns(2, vertical_alignment="bottom")
    trials = columns[0].number_input(
        t("Simulated tests"),
        min_value=1_000,
        max_value=MAX_TRIALS,
        value=DEFAULT_TRIALS,
        step=10_000,
        key=KEY + "sim.trials",
        persist_state="session",
    )
    seed = columns[1].number_input(
        t("Seed"),
        min_value=0,
        max_value=MAX_PAGE_SEED,
        value=DEFAULT_SEED,
        step=1,
        key=KEY + "sim.seed",
        persist_state="session",
        help=t("The same seed gives the same answer; change it to see another draw."),
    )
    return SimulationSettings(
        effect=_fraction(effect),
        per_arm=None if per_arm is None else int(per_arm),
        trials=int(trials or DEFAULT_TRIALS),
        seed=int(seed if seed is not None else DEFAULT_SEED),
    )


# --- Apply to the plan ------------------------------------------------------------------------


@dataclass(frozen=True)
class LiftChoice:
    """The lift to carry into the plan: its stage, the lift and its interval, a name."""

    step: int
    lift: float | None
    interval: tuple[float, float] | None
    name: str
    variant: str | None
    typed: bool  # the lift was typed, not taken from the test read


SCENARIO_NAME = KEY + "apply.name"
APPLY_STEP = KEY + "apply.step"


def lift_inputs(
    plan: Plan,
    step: int,
    variants: Mapping[int, tuple[str, float, tuple[float, float] | None]],
    default_variant: int | None,
    unavailable: str,
) -> LiftChoice:
    """The stage, and the lift: a variant's from the test read, or one typed with its range.

    ``variants`` maps each variant's position to its name, relative lift and interval.
    """
    source = st.radio(
        t("Lift from"),
        list(LIFT_SOURCES),
        format_func=worded(LIFT_SOURCES),
        horizontal=True,
        key=KEY + "apply.source",
        persist_state="session",
    )
    _follow(APPLY_STEP, step)
    position = step_select(plan, APPLY_STEP, t("Stage whose rate changes"), step)
    stage = plan.stages[position].name
    variant: str | None = None
    lift: float | None = None
    interval: tuple[float, float] | None = None
    if source == "typed":
        lift, interval = _typed_lift()
    elif variants:
        variant, lift, interval = _variant_select(variants, default_variant)
    else:
        st.info(unavailable, icon=":material/info:")
        return LiftChoice(position, None, None, "", None, typed=False)
    _follow(SCENARIO_NAME, _scenario_name(variant, stage, lift))
    scenario = st.text_input(
        t("Scenario name"), key=SCENARIO_NAME, max_chars=80, persist_state="session"
    )
    name = str(scenario or "").strip()
    return LiftChoice(position, lift, interval, name, variant, typed=source == "typed")


def _variant_select(
    variants: Mapping[int, tuple[str, float, tuple[float, float] | None]],
    default_variant: int | None,
) -> tuple[str, float, tuple[float, float] | None]:
    """The variant whose lift is carried: the winner (or the best) to start with."""
    options = list(variants)
    key = KEY + "apply.variant"
    if st.session_state.get(key) not in options:
        _reset(key)
    if default_variant in options:
        _follow(key, default_variant)
    chosen = st.selectbox(
        t("Variant"),
        options,
        index=None if key in st.session_state else _index(options, default_variant),
        format_func={
            index: t("{name}: {lift}", name=name, lift=_signed(lift))
            for index, (name, lift, _interval) in variants.items()
        }.__getitem__,
        key=key,
        persist_state="session",
    )
    return variants[int(chosen if chosen is not None else options[0])]


def _scenario_name(variant: str | None, stage: str, lift: float | None) -> str:
    if variant is None:
        shown = "" if lift is None else " " + _signed(lift)
        return t("A/B test: {stage}{lift}", stage=stage, lift=shown)
    return t("A/B test: {variant} on {stage}", variant=variant, stage=stage)


def _signed(fraction: float) -> str:
    return signed_percent(fraction, formats())


def _typed_lift() -> tuple[float | None, tuple[float, float] | None]:
    columns = st.columns(3, vertical_alignment="bottom")
    lift = columns[0].number_input(
        t("Lift (%)"),
        min_value=-99.0,
        step=1.0,
        format=VALUE_FORMAT,
        value=DEFAULT_EFFECT_PERCENT,
        key=KEY + "apply.lift",
        persist_state="session",
        help=t("The change in the stage's rate: 10 takes 50% to 55%."),
    )
    low = columns[1].number_input(
        t("Low end (%)"),
        min_value=-99.0,
        step=1.0,
        format=VALUE_FORMAT,
        value=None,
        key=KEY + "apply.low",
        persist_state="session",
    )
    high = columns[2].number_input(
        t("High end (%)"),
        min_value=-99.0,
        step=1.0,
        format=VALUE_FORMAT,
        value=None,
        key=KEY + "apply.high",
        persist_state="session",
    )
    interval = None
    if low is not None and high is not None:
        interval = (min(low, high) / 100, max(low, high) / 100)
    return _fraction(lift), interval
