"""Plan page: a revenue target worked backwards through the funnel, or a funnel forwards."""

import streamlit as st

from planner.benchmarks import check_benchmarks, match_benchmarks
from planner.results import PlanResult
from ui import inputs, results, state
from ui.draft import PREFIX
from ui.work import work_out

st.title("Plan")
st.caption(
    "Work a revenue goal backwards through your sales funnel to the traffic, customers and "
    "budget it needs, or forwards from traffic or a budget to the revenue it brings."
)
draft = state.load_draft()
_, problems = state.validate(draft)
plan = state.last_valid_plan()
work = work_out(plan, draft)
beside, elsewhere = state.problems_by_widget(draft, [*problems, *work.problems])

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
    if problems or work.problems:
        results.stale_notice(
            [*feedback.shown, *(str(problem) for problem in elsewhere)],
            showing_results=work.outcome is not None,
        )
    if work.infeasible:
        st.warning(f"{work.infeasible} {work.infeasible.hint}", icon="⚠️")
    warnings = check_benchmarks(plan)
    if isinstance(work.outcome, PlanResult):
        results.backward(plan, work.outcome, warnings)
    elif work.outcome is not None:
        results.forward(plan, work.outcome, warnings)
    with st.expander("How this funnel compares with published benchmarks"):
        results.benchmark_table(plan, match_benchmarks(plan))
