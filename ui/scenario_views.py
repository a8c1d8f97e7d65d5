"""The Scenarios page's results: scenarios side by side, the levers ranked, the odds.

Each section works the plan with the domain (``planner.scenarios``) and draws tables and
charts; a scenario that can't be worked out shows its problems, worded as the Plan page words
them and naming the scenario, and the others still show.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from i18n.catalogue import N_
from planner.errors import FieldProblem, PlanInvalid, PlannerError
from planner.models import Plan
from planner.scenarios.inputs import MAX_SCENARIOS, Scenario
from planner.scenarios.levers import DropOff, Lever, drop_off_losses, sensitivity
from planner.scenarios.overrides import (
    ScenarioFigures,
    ScenarioOutcome,
    apply_scenario,
    evaluate,
)
from planner.scenarios.simulation import (
    DEFAULT_TRIALS,
    MAX_SEED,
    MAX_TRIALS,
    SimulationResult,
    SimulationRun,
    run_simulation,
    summarise,
)
from ui import scenario_charts as charts
from ui.format import count, markdown, money, percent, period_name, ratio, wording
from ui.i18n import formats, right_to_left, t
from ui.messages import describe, label_for
from ui.scenario_words import change_text, input_label, value_text

KEY = "scenarios."
FIGURES = {
    "required_budget": N_("Budget the target needs"),
    "required_traffic": N_("Traffic the target needs"),
    "new_customers": N_("New customers the target needs"),
    "traffic": N_("Traffic projected from"),
    "revenue_at_traffic": N_("Revenue from that traffic"),
    "budget": N_("Budget projected from"),
    "revenue_at_budget": N_("Revenue from that budget"),
    "contribution": N_("Contribution at the target"),
    "cac": N_("CAC at the target"),
    "roas": N_("ROAS at the target"),
}
MONEY_FIGURES = {
    "required_budget",
    "budget",
    "revenue_at_traffic",
    "revenue_at_budget",
    "contribution",
    "cac",
}
TINY = 5e-5  # a difference that shows as 0.00%: not shown
LOWER_IS_BETTER = {"required_budget", "required_traffic", "new_customers", "cac"}
MEASURES = {
    "revenue": N_("Revenue at the planned traffic"),
    "budget": N_("Budget the target needs"),
}
STARTS = {
    "planned": N_("The traffic the plan needs"),
    "traffic": N_("A traffic I enter"),
    "budget": N_("A budget I enter"),
}
PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


# --- Scenarios side by side -------------------------------------------------------------------


@dataclass(frozen=True)
class Worked:
    """A scenario worked out, or the problems that stopped it (worded for the reader)."""

    scenario: Scenario
    outcome: ScenarioOutcome | None
    problems: list[str]


def work_scenarios(plan: Plan) -> list[Worked]:
    """Every scenario of the plan beside the base, each on its own."""
    worked = []
    for scenario in plan.scenarios[:MAX_SCENARIOS]:
        try:
            worked.append(Worked(scenario, _evaluate(plan, scenario), []))
        except PlanInvalid as invalid:
            texts = [_scenario_problem(plan, scenario, p) for p in invalid.problems]
            worked.append(Worked(scenario, None, texts))
        except PlannerError as error:
            worked.append(Worked(scenario, None, [str(error)]))
    return worked


@st.cache_data(max_entries=64, show_spinner=False)
def _evaluate(plan: Plan, scenario: Scenario) -> ScenarioOutcome:
    return evaluate(plan, scenario)


def _scenario_problem(plan: Plan, scenario: Scenario, problem: FieldProblem) -> str:
    """``Scenario 'Better checkout': Conversion to 'Checkout' must be at most 100%, got 110%``.

    A problem of an override names it; one the plan's own checks found after the overrides
    were applied names the override that set that input, as its editor labels it.
    """
    field = problem.field
    match = _OVERRIDE_FIELD.match(field)
    index = int(match.group(1)) if match else _override_of(plan, scenario, field)
    if index is None:
        label = label_for(field, {})
    else:
        override = scenario.overrides[index]
        label = input_label(plan, override.target, override.stage, wording())
    percent_field = field.endswith(("conversion_rate", "_rate", "gross_margin"))
    text = describe(problem, label, percent=percent_field)
    return t("Scenario '{name}': {problem}", name=scenario.name, problem=text)


_OVERRIDE_FIELD = re.compile(r"^overrides\[(\d+)\]")
_STAGE_RATE_FIELD = re.compile(r"^stages\[(\d+)\]\.conversion_rate$")
_PLAN_FIELDS = {
    "revenue_target": "revenue_target",
    "average_order_value": "average_order_value",
    "orders_per_customer": "orders_per_customer",
    "gross_margin": "gross_margin",
    "acquisition_cost.cost_per_unit": "cost_per_unit",
    "acquisition_cost.cost_per_mille": "cost_per_mille",
    "acquisition_cost.click_through_rate": "click_through_rate",
    "returning_customers.repeat_purchase_rate": "returning_repeat_purchase_rate",
    "returning_customers.orders_per_customer": "returning_orders_per_customer",
    "returning_customers.average_order_value": "returning_average_order_value",
    "returning_customers.active_customers": "returning_active_customers",
}


def _override_of(plan: Plan, scenario: Scenario, field: str) -> int | None:
    """The last override that set the plan field ``field``, if one did."""
    stage = _STAGE_RATE_FIELD.match(field)
    for index in reversed(range(len(scenario.overrides))):
        override = scenario.overrides[index]
        if stage is not None and override.target == "stage_rate":
            position = int(stage.group(1))
            names = [s.name.casefold() for s in plan.stages]
            if position < len(names) and (override.stage or "").casefold() == names[position]:
                return index
        elif _PLAN_FIELDS.get(field) == override.target:
            return index
    return None


def _base(plan: Plan) -> ScenarioFigures:
    """The base plan's own figures (a scenario without changes)."""
    return _evaluate(plan, Scenario(name="base")).base


def comparison_table(plan: Plan, worked: list[Worked]) -> None:
    """Every figure for the base and each scenario, with the difference to the base."""
    rows = []
    base = _base(plan)
    for field, label in FIGURES.items():
        if getattr(base, field) is None and field not in {"contribution", "cac", "roas"}:
            continue
        row = {t("Figure"): t(label), t("Base plan"): _figure(plan, field, getattr(base, field))}
        for item in worked:
            row[item.scenario.name] = _cell(plan, field, item)
        rows.append(row)
    frame = pd.DataFrame(rows).set_index(t("Figure"))
    st.dataframe(frame, width="stretch", key=f"{KEY}comparison")


def _cell(plan: Plan, field: str, item: Worked) -> str:
    if item.outcome is None:
        return t("can't be worked out")
    value = getattr(item.outcome.scenario, field)
    before = getattr(item.outcome.base, field)
    shown = _figure(plan, field, value)
    if value is None or before is None or before == 0 or abs(value / before - 1) < TINY:
        return shown
    return f"{shown} ({change_text(value / before - 1, wording())})"


def _figure(plan: Plan, field: str, value: float | None) -> str:
    if value is None:
        return "—"
    if field in MONEY_FIGURES:
        return money(value, plan.currency)
    if field == "roas":
        return ratio(value)
    return count(value)


def comparison_chart(plan: Plan, worked: list[Worked]) -> None:
    """One figure, the base beside each scenario, with its difference in %."""
    base = _base(plan)
    shown = [f for f in FIGURES if getattr(base, f) is not None]
    field = st.selectbox(
        t("Compare"),
        shown,
        format_func={f: t(FIGURES[f]) for f in shown}.__getitem__,
        key=f"{KEY}compare_figure",
        persist_state="session",
    )
    values: list[float | None] = [getattr(base, field)]
    values += [None if w.outcome is None else getattr(w.outcome.scenario, field) for w in worked]
    figure = charts.comparison_figure(
        [t("Base plan"), *(w.scenario.name for w in worked)],
        values,
        t(FIGURES[field]),
        currency=plan.currency,
        formats=formats(),
        right_to_left=right_to_left(),
        kind="money" if field in MONEY_FIGURES else ("ratio" if field == "roas" else "count"),
        better_when_lower=field in LOWER_IS_BETTER,
        missing_label=t("can't be worked out"),
    )
    st.plotly_chart(figure, config=PLOTLY_CONFIG, key=f"{KEY}comparison_chart")


# --- Sensitivity ------------------------------------------------------------------------------


@st.cache_data(max_entries=32, show_spinner=False)
def _levers(plan: Plan, change: float) -> list[Lever]:
    return sensitivity(plan, change=change)


@st.cache_data(max_entries=32, show_spinner=False)
def _drop_offs(plan: Plan) -> list[DropOff]:
    return drop_off_losses(plan)


def sensitivity_section(plan: Plan) -> None:
    """The tornado of every input moved ±x%, the top levers in words, the drop-off losses."""
    step = st.slider(
        t("Move each input by ±"),
        min_value=1,
        max_value=50,
        value=10,
        format="%d%%",
        key=f"{KEY}change",
        persist_state="session",
    )
    measure = st.radio(
        t("Measure"),
        ["revenue", "budget"],
        format_func={m: t(label) for m, label in MEASURES.items()}.__getitem__,
        horizontal=True,
        key=f"{KEY}measure",
        persist_state="session",
    )
    try:
        levers = _levers(plan, step / 100)
    except (PlanInvalid, PlannerError) as error:
        st.error(str(error))
        return
    if measure == "budget":  # ranked by revenue first: re-rank for the measure shown
        levers = sorted(levers, key=lambda lever: -round(lever.budget_impact, 2))
    say = wording()
    for lever in levers[:3]:
        st.markdown(markdown(_lever_sentence(plan, lever, step / 100)))
    labels = [input_label(plan, lever.target, lever.stage, say) for lever in levers]
    field = "revenue_difference" if measure == "revenue" else "required_budget_difference"
    figure = charts.tornado_figure(
        labels,
        [getattr(lever.down, field) for lever in levers],
        [getattr(lever.up, field) for lever in levers],
        t(MEASURES[measure]),
        currency=plan.currency,
        formats=formats(),
        right_to_left=right_to_left(),
        low_name=change_text(-step / 100, say),
        high_name=change_text(step / 100, say),
    )
    st.plotly_chart(figure, config=PLOTLY_CONFIG, key=f"{KEY}tornado")
    with st.expander(t("Every lever in numbers")):
        _lever_table(plan, levers, step / 100)
    _drop_off_section(plan)


def _lever_sentence(plan: Plan, lever: Lever, change: float) -> str:
    """``**Conversion to 'Checkout' +10%** is worth $8,400 this quarter, or $2,100 less budget``."""
    say = wording()
    move = lever.up if lever.up.revenue_difference >= lever.down.revenue_difference else lever.down
    signed = change if move is lever.up else -change
    head = f"**{input_label(plan, lever.target, lever.stage, say)} {change_text(signed, say)}**"
    worth = money(abs(move.revenue_difference), plan.currency)
    period = period_name(plan.period)
    budget = move.required_budget_difference
    if plan.acquisition_cost is None or round(budget, 2) == 0:
        return t(
            "{lever} is worth {revenue} more revenue in {period} at the planned traffic.",
            lever=head,
            revenue=worth,
            period=period,
        )
    if budget < 0:
        return t(
            "{lever} is worth {revenue} more revenue in {period} at the planned traffic, "
            "or {budget} less budget to reach the target.",
            lever=head,
            revenue=worth,
            period=period,
            budget=money(-budget, plan.currency),
        )
    return t(
        "{lever} is worth {revenue} more revenue in {period} at the planned traffic, "
        "but the target then needs {budget} more budget.",
        lever=head,
        revenue=worth,
        period=period,
        budget=money(budget, plan.currency),
    )


def _lever_table(plan: Plan, levers: list[Lever], change: float) -> None:
    say = wording()
    rows = []
    for lever in levers:
        label = input_label(plan, lever.target, lever.stage, say)
        rows.append(
            {
                t("Input"): label,
                t("Now"): value_text(plan, lever.target, lever.base_value, say),
                t("Revenue {change}", change=change_text(-change, say)): money(
                    lever.down.revenue_difference, plan.currency
                ),
                t("Revenue {change}", change=change_text(change, say)): money(
                    lever.up.revenue_difference, plan.currency
                ),
                t("Budget {change}", change=change_text(-change, say)): money(
                    lever.down.required_budget_difference, plan.currency
                ),
                t("Budget {change}", change=change_text(change, say)): money(
                    lever.up.required_budget_difference, plan.currency
                ),
                t("Stopped at its limit"): t("yes") if lever.up.capped or lever.down.capped else "",
            }
        )
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key=f"{KEY}levers")


def _drop_off_section(plan: Plan) -> None:
    st.subheader(t("Revenue lost at each drop-off"))
    st.caption(
        t(
            "The people who reach a stage but not the next, had they gone on at the later "
            "stages' rates, would have bought this much. Each bar is one drop-off on its own: "
            "they overlap, so they do not add up."
        )
    )
    losses = _drop_offs(plan)
    figure = charts.drop_off_figure(
        [loss.stage for loss in losses],
        [loss.revenue_lost for loss in losses],
        t("Revenue lost on the way into each stage"),
        currency=plan.currency,
        formats=formats(),
        right_to_left=right_to_left(),
    )
    st.plotly_chart(figure, config=PLOTLY_CONFIG, key=f"{KEY}drop_offs")


# --- The odds ---------------------------------------------------------------------------------


RUNS_KEY = KEY + "runs"
KEEP_RUNS = 3
AUTO_RUN_TRIALS = 20_000  # runs this small take well under 100 ms: they run as inputs change
SLOW_RUN_SECONDS = 0.5
MAX_PAGE_SEED = min(MAX_SEED, 2**53 - 1)  # the browser holds numbers as doubles


@dataclass(frozen=True)
class Settings:
    """What a simulation run depends on besides the plan."""

    trials: int
    seed: int
    start: str  # "planned", "traffic" or "budget"
    amount: float | None
    noise: bool


def settings_inputs(plan: Plan) -> Settings:
    """Trials, seed, where the run starts and whether finite counts scatter."""
    columns = st.columns(2)
    trials = columns[0].number_input(
        t("Trials"),
        min_value=1_000,
        max_value=MAX_TRIALS,
        value=DEFAULT_TRIALS,
        step=10_000,
        key=f"{KEY}trials",
        persist_state="session",
        help=t("More trials, a finer answer; 1,000,000 at most."),
    )
    seed = columns[1].number_input(
        t("Seed"),
        min_value=0,
        max_value=MAX_PAGE_SEED,
        value=2027,
        step=1,
        key=f"{KEY}seed",
        persist_state="session",
        help=t("The same seed gives the same answer; change it to see another draw."),
    )
    starts = ["planned", "traffic"]
    if plan.acquisition_cost is not None and plan.acquisition_cost.cost_per_entry > 0:
        starts.append("budget")
    start = st.radio(
        t("Start from"),
        starts,
        format_func={s: t(label) for s, label in STARTS.items()}.__getitem__,
        horizontal=True,
        key=f"{KEY}start",
        persist_state="session",
    )
    amount = None
    if start != "planned":
        label = label_for("traffic", {}) if start == "traffic" else label_for("budget", {})
        amount = st.number_input(
            label, min_value=0.0, value=None, key=f"{KEY}amount_{start}", persist_state="session"
        )
    noise = st.toggle(
        t("Include the chance scatter of finite counts"),
        value=True,
        key=f"{KEY}noise",
        persist_state="session",
        help=t(
            "Even at fixed rates, 1,000 visitors at 5% do not buy exactly 50 times: each stage "
            "is drawn as a binomial count."
        ),
    )
    return Settings(int(trials), int(seed), start, amount, noise)


def _run_key(plan: Plan, settings: Settings) -> str:
    text = plan.model_dump_json() + repr(settings)
    return hashlib.sha256(text.encode()).hexdigest()


def cached_run(plan: Plan, settings: Settings) -> tuple[SimulationRun, SimulationResult] | None:
    """The run for these inputs, if this session has made it."""
    runs: dict[str, Any] = st.session_state.get(RUNS_KEY, {})
    found: tuple[SimulationRun, SimulationResult] | None = runs.get(_run_key(plan, settings))
    return found


def run(plan: Plan, settings: Settings) -> tuple[SimulationRun, SimulationResult]:
    """Run the simulation, with a progress bar once it takes longer than half a second."""
    bar = _LateProgress(t("Running {count} trials…", count=count(settings.trials)))
    try:
        drawn = run_simulation(
            plan,
            trials=settings.trials,
            seed=settings.seed,
            noise=settings.noise,
            progress=bar.update,
            traffic=settings.amount if settings.start == "traffic" else None,
            budget=settings.amount if settings.start == "budget" else None,
        )
        bar.update(1.0, t("Working out the traffic for 80% and 90% confidence…"))
        result = summarise(drawn)
    finally:
        bar.done()
    runs: dict[str, Any] = st.session_state.setdefault(RUNS_KEY, {})
    runs[_run_key(plan, settings)] = (drawn, result)
    while len(runs) > KEEP_RUNS:
        runs.pop(next(iter(runs)))
    return drawn, result


class _LateProgress:
    """A progress bar drawn only once a run has taken more than half a second."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.started = time.perf_counter()
        self.slot = st.empty()
        self.bar: Any = None

    def update(self, share: float, text: str | None = None) -> None:
        if self.bar is None and time.perf_counter() - self.started < SLOW_RUN_SECONDS:
            return
        if text is not None:
            self.text = text
        if self.bar is None:
            self.bar = self.slot.progress(0.0, text=self.text)
        self.bar.progress(min(max(share, 0.0), 1.0), text=self.text)

    def done(self) -> None:
        self.slot.empty()


def odds(plan: Plan, drawn: SimulationRun, result: SimulationResult) -> None:
    """The chance of the target, the spreads, the traffic for 80% and 90%, two charts."""
    ninety = result.confidence.get("0.9")
    with st.container(horizontal=True, gap="medium", key=f"{KEY}odds_metrics"):
        st.metric(
            t("Chance of reaching the target"),
            percent(result.probability_of_target),
            help=t("± {error} (one standard error)", error=percent(result.standard_error)),
            width="content",
        )
        st.metric(
            t("Median revenue (P50)"), money(result.revenue.p50, plan.currency), width="content"
        )
        st.metric(
            t("Traffic for 90% confidence"),
            count(ninety.traffic) if ninety is not None else "—",
            width="content",
        )
    st.markdown(markdown(_confidence_sentence(plan, result)))
    _spread_table(plan, result)
    # One chart under the other: side by side, their titles and notes clip at 1,024 px.
    histogram = charts.histogram_figure(
        drawn.revenue,
        plan.revenue_target,
        t("Revenue in {count} trials", count=count(result.trials)),
        currency=plan.currency,
        formats=formats(),
        right_to_left=right_to_left(),
        p10=result.revenue.p10,
        p50=result.revenue.p50,
        p90=result.revenue.p90,
        target_label=t("Target"),
    )
    st.plotly_chart(histogram, config=PLOTLY_CONFIG, key=f"{KEY}histogram")
    cumulative = charts.cumulative_figure(
        drawn.revenue,
        plan.revenue_target,
        t("Chance of reaching at least each revenue"),
        currency=plan.currency,
        formats=formats(),
        right_to_left=right_to_left(),
        target_label=t("Target"),
        y_label=t("Chance"),
    )
    st.plotly_chart(cumulative, config=PLOTLY_CONFIG, key=f"{KEY}cumulative")
    st.caption(
        t(
            "{trials} trials from {traffic} '{stage}', seed {seed}: the same seed gives the "
            "same answer.",
            trials=count(result.trials),
            traffic=count(result.traffic),
            stage=plan.stages[0].name,
            seed=str(result.seed),
        )
    )


def _confidence_sentence(plan: Plan, result: SimulationResult) -> str:
    """One line per confidence level: the traffic (and budget) that reaches the target."""
    lines = [t("To reach the target:")]
    for level, needed in result.confidence.items():
        shown = percent(float(level))
        if needed.traffic is None:
            line = t("with {level} confidence: out of reach", level=shown)
        elif needed.budget is not None and plan.acquisition_cost is not None:
            line = t(
                "with {level} confidence: {traffic} '{stage}' ({budget})",
                level=shown,
                traffic=count(needed.traffic),
                stage=plan.stages[0].name,
                budget=money(needed.budget, plan.currency),
            )
        else:
            line = t(
                "with {level} confidence: {traffic} '{stage}'",
                level=shown,
                traffic=count(needed.traffic),
                stage=plan.stages[0].name,
            )
        lines.append(f"- {line}")
    return "\n".join(lines)


def _spread_table(plan: Plan, result: SimulationResult) -> None:
    spreads: list[tuple[str, Any, Callable[[float], str]]] = [
        (t("Revenue"), result.revenue, lambda v: money(v, plan.currency)),
        (t("New customers"), result.customers, count),
    ]
    if plan.acquisition_cost is not None:
        spreads.append((t("Budget"), result.budget, lambda v: money(v, plan.currency)))
    rows = [
        {
            t("Measure"): name,
            "P10": shown(spread.p10),
            "P50": shown(spread.p50),
            "P90": shown(spread.p90),
            t("Mean"): shown(spread.mean),
        }
        for name, spread, shown in spreads
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key=f"{KEY}spreads")


def simulation_problem(plan: Plan, problem: FieldProblem) -> str:
    """A problem of a run, named by the label the reader sees."""
    return describe(problem, label_for(problem.field, {}))


def plan_to_simulate(plan: Plan, choice: int) -> Plan:
    """The base plan (-1), or the scenario at position ``choice`` applied to it."""
    if 0 <= choice < len(plan.scenarios):
        return apply_scenario(plan, plan.scenarios[choice])
    return plan
