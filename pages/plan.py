"""Plan page: a revenue target worked backwards through the funnel, or a funnel forwards."""

import streamlit as st

from planner.benchmarks import check_benchmarks, match_benchmarks
from planner.errors import PlanInvalid, PlannerError
from planner.funnel import plan_backwards, project_forwards
from ui import inputs, results, state
from ui.draft import PREFIX

st.title("Plan")
st.caption(
    "Work a revenue goal backwards through your sales funnel to the traffic, customers and "
    "budget it needs, or forwards from traffic or a budget to the revenue it brings."
)
draft = state.load_draft()
_, problems = state.validate(draft)
beside, elsewhere = state.problems_by_widget(draft, problems)
plan = state.last_valid_plan()
direction = draft[PREFIX + "direction"]

feedback = inputs.Problems(beside)
inputs_column, results_column = st.columns([5, 7], gap="large")
with inputs_column:
    goal_tab, cost_tab, returning_tab = st.tabs(["Goal & funnel", "Costs", "Returning customers"])
    with goal_tab:
        inputs.goal_section(draft, feedback)
        inputs.funnel_section(draft, feedback)
    with cost_tab:
        inputs.cost_section(draft, feedback)
    with returning_tab:
        inputs.returning_section(draft, feedback)
    st.button("Start again from the demo plan", key=PREFIX + "reset", on_click=state.reset_to_demo)

with results_column:
    if problems:
        results.stale_notice([*feedback.shown, *(str(problem) for problem in elsewhere)])
    warnings = check_benchmarks(plan)
    if direction == "target":
        results.backward(plan, plan_backwards(plan), warnings)
    else:
        amount = draft.get(PREFIX + direction)
        try:
            projection = project_forwards(plan, direction, amount if amount is not None else 0.0)
        except PlanInvalid as invalid:
            st.error(f"{invalid}", icon="⚠️")
        except PlannerError as error:
            st.warning(f"{error} {error.hint}", icon="⚠️")
        else:
            results.forward(plan, projection, warnings)
    with st.expander("How this funnel compares with published benchmarks"):
        results.benchmark_table(plan, match_benchmarks(plan))
