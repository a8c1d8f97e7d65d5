"""Scenarios page: what-if scenarios beside the plan, the levers ranked, and the odds."""

import streamlit as st

from planner.errors import PlanInvalid, PlannerError
from ui import frame, layout, saved, saving, scenario_inputs, scenario_views, state
from ui.format import markdown
from ui.i18n import t
from ui.scenario_state import base_plan, notes_by_entry, uncertainty_problem
from ui.store import plan_store

frame.require_frame()

st.title(t("Scenarios"))
st.caption(
    t(
        "Test what-if changes side by side with the plan, see which inputs matter most, and "
        "how likely the plan is to reach its target."
    )
)
store = plan_store()
saved.follow_url(store)
draft = state.load_draft()
problems = state.check(draft)
plan, left_out = base_plan(draft)

layout.apply_page_style()
saving.save_bar(store, plan, state.last_valid()[1], has_problems=bool(problems))
if problems:
    st.warning(
        markdown(
            t(
                "The plan has problems to fix on the Plan page; these scenarios start from the "
                "last plan that worked."
            )
        ),
        icon=":material/warning:",
    )
    st.page_link("pages/plan.py", label=t("Go to the Plan page"), icon=":material/target:")
notes = notes_by_entry(plan, left_out)

scenarios_tab, levers_tab, odds_tab = st.tabs(
    [t("What-if scenarios"), t("Which inputs matter most"), t("Uncertainty and the odds")]
)
with scenarios_tab:
    editors, results = st.columns([5, 7], gap="large")
    with editors:
        scenario_inputs.scenario_editors(plan, draft, notes)
    worked = scenario_views.work_scenarios(plan)
    with results:
        for item in worked:
            for text in item.problems:
                st.error(markdown(text), icon=":material/warning:")
        if worked:
            scenario_views.comparison_chart(plan, worked)
        elif scenario_inputs.block(draft)["scenarios"]:
            st.info(t("Fix the scenarios marked in their editors to see them beside the plan."))
        else:
            st.info(t("Add a scenario to see it beside the plan."))
    if worked:  # full width: six scenarios and the base side by side
        scenario_views.comparison_table(plan, worked)

with levers_tab:
    scenario_views.sensitivity_section(plan)

with odds_tab:
    inputs_column, odds_column = st.columns([5, 7], gap="large")
    with inputs_column:
        st.subheader(t("Inputs you are unsure of"))
        st.caption(
            t(
                "Give a range (lowest, most likely, highest) or, for a rate, the counts you "
                "have seen; every trial draws them afresh."
            )
        )
        scenario_inputs.uncertain_editors(plan, draft, notes)
        st.subheader(t("Simulation"))
        # By position, so renaming the scenario being simulated keeps it chosen.
        names = {-1: t("The plan"), **dict(enumerate(s.name for s in plan.scenarios))}
        chosen = st.selectbox(
            t("Plan to simulate"),
            list(names),
            format_func=names.__getitem__,
            key="scenarios.simulate_which",
            persist_state="session",
        )
        settings = scenario_views.settings_inputs(plan)
        clicked = st.button(t("Run the simulation"), type="primary", key="scenarios.run")
    with odds_column:
        try:
            simulated = scenario_views.plan_to_simulate(plan, chosen)
            found = scenario_views.cached_run(simulated, settings)
            if found is None and (clicked or settings.trials <= scenario_views.AUTO_RUN_TRIALS):
                found = scenario_views.run(simulated, settings)
            if found is None:
                st.info(t("Run the simulation to see the odds."), icon=":material/lightbulb:")
            else:
                scenario_views.odds(simulated, *found)
        except PlanInvalid as invalid:
            for problem in invalid.problems:
                st.error(markdown(uncertainty_problem(plan, problem)), icon=":material/warning:")
        except PlannerError as error:
            st.error(markdown(str(error)), icon=":material/warning:")
