"""A/B tests page: size a test on a step of the plan, read it, simulate it, price its lift."""

import streamlit as st

from ui import ab_inputs, ab_views, frame, layout, saved, saving, state
from ui.format import markdown
from ui.i18n import t
from ui.scenario_state import base_plan
from ui.store import plan_store

frame.require_frame()

st.title(t("A/B tests"))
st.caption(
    t(
        "Plan a test on a step of the funnel, read its result, see what the planned test "
        "would show, and carry a lift into the plan as a scenario."
    )
)
store = plan_store()
saved.follow_url(store)
draft = state.load_draft()
problems = state.check(draft)
plan, _left_out = base_plan(draft)
result = state.last_valid()[1]

layout.apply_page_style()
saving.save_bar(store, plan, result, has_problems=bool(problems))
if problems:
    st.warning(
        markdown(
            t(
                "The plan has problems to fix on the Plan page; these tests start from the "
                "last plan that worked."
            )
        ),
        icon=":material/warning:",
    )
    st.page_link("pages/plan.py", label=t("Go to the Plan page"), icon=":material/target:")

plan_tab, read_tab, simulate_tab, apply_tab = st.tabs(
    [t("Plan a test"), t("Read a test"), t("Simulate"), t("Apply to the plan")]
)
with plan_tab:
    summary = st.empty()  # filled once the test is sized: the line a phone keeps in sight
    inputs_column, results_column = st.columns([5, 7], gap="large")
    with inputs_column:
        design = ab_inputs.design_inputs(plan, result)
    with results_column:
        size = ab_views.planned_size(design)
        if size is not None:
            ab_views.sizing_section(plan, design, size)
    ab_views.phone_summary(summary, design, size)

with read_tab:
    settings = ab_inputs.read_inputs(design.control_share)
    analysis = ab_views.reading_section(plan, settings, design)

with simulate_tab:
    sim_settings = ab_inputs.simulation_inputs(design.relative_effect)
    if size is None:
        st.info(t("Plan the test first: the simulation runs the planned test."))
    else:
        ab_views.simulation_section(design, size, sim_settings)

with apply_tab:
    choice = ab_inputs.lift_inputs(
        plan,
        design.step,
        ab_views.lift_choices(analysis),
        ab_views.best_variant(analysis),
        ab_views.no_lift_reason(analysis),
    )
    ab_views.lift_section(plan, draft, choice, analysis)
