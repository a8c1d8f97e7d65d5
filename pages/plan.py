"""Plan page: a revenue target worked backwards through the funnel, or a funnel forwards."""

import streamlit as st

from planner.benchmarks import check_benchmarks, match_benchmarks
from planner.results import PlanResult
from ui import inputs, layout, results, state
from ui.messages import screen_messages

st.title("Plan")
st.caption(
    "Work a revenue goal backwards through your sales funnel to the traffic, customers and "
    "budget it needs, or forwards from traffic or a budget to the revenue it brings."
)
draft = state.load_draft()
problems = state.check(draft)
plan, result = state.last_valid()
work = state.work(draft, plan, result)
messages = screen_messages([*problems, *work.problems], draft)

layout.apply_page_style()
results.summary(plan, work.outcome, len(messages))
inputs_column, results_column = st.columns([5, 7], gap="large")
with inputs_column:
    inputs.draw_inputs(draft, messages)

with results_column:
    if messages:
        results.stale_notice(
            [message.listed for message in messages], showing_results=work.outcome is not None
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
