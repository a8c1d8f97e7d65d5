"""Plan page: a revenue target worked backwards through the funnel, or a funnel forwards."""

import streamlit as st

from planner.results import PlanResult
from ui import frame, inputs, layout, results, saved, saving, state
from ui.format import markdown
from ui.i18n import t
from ui.messages import infeasible_text, screen_messages
from ui.store import plan_store

frame.require_frame()

st.title(t("Plan"))
st.caption(
    t(
        "Work a revenue goal backwards through your sales funnel to the traffic, customers and "
        "budget it needs, or forwards from traffic or a budget to the revenue it brings."
    )
)
store = plan_store()
saved.follow_url(store)
draft = state.load_draft()
problems = state.check(draft)
plan, result = state.last_valid()
work = state.work(draft, plan, result)
messages = screen_messages([*problems, *work.problems], draft)

layout.apply_page_style()
saving.save_bar(store, plan, work.outcome, has_problems=bool(problems))
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
        st.warning(markdown(infeasible_text(work.infeasible)), icon="⚠️")
    warnings, matches = state.benchmarks(plan)
    if isinstance(work.outcome, PlanResult):
        results.backward(plan, work.outcome, warnings)
    elif work.outcome is not None:
        results.forward(plan, work.outcome, warnings)
    with st.expander(t("How this funnel compares with published benchmarks")):
        results.benchmark_table(plan, matches)
