"""Actuals page: results in, the KPIs, plan against actual, why, where it lands, catch-up."""

import streamlit as st

from ui import (
    actuals_views,
    dashboard_views,
    frame,
    layout,
    review_views,
    saved,
    state,
)
from ui.format import markdown
from ui.i18n import t
from ui.store import plan_store

frame.require_frame()

st.title(t("Actuals"))
st.caption(
    t(
        "Bring in what happened (an order export, your funnel's counts, or weekly figures "
        "typed in), see the KPIs, and check the plan: how far along it is, why, where the "
        "period is heading and what it takes to still reach the target."
    )
)
store = plan_store()
saved.follow_url(store)
draft = state.load_draft()
problems = state.check(draft)
plan = state.last_valid()[0]

layout.apply_page_style()
if problems:
    st.warning(
        markdown(
            t(
                "The plan has problems to fix on the Plan page; the review uses the last plan "
                "that worked."
            )
        ),
        icon=":material/warning:",
    )
    st.page_link("pages/plan.py", label=t("Go to the Plan page"), icon=":material/target:")

imported = actuals_views.source_section(plan, draft, store)
if imported is None:
    st.info(
        t(
            "Upload an order export or your funnel's counts, or type weekly results, to see "
            "the KPIs and the plan against them."
        ),
        icon=":material/upload_file:",
    )
    st.stop()

plan = actuals_views.plan_to_review(store, plan)
as_of, thresholds = actuals_views.review_settings(plan, imported)
worked = actuals_views.worked_review(plan, imported, as_of, thresholds)

dashboard_tab, pace_tab, why_tab, forecast_tab, catch_up_tab, export_tab = st.tabs(
    [
        t("KPIs"),
        t("Plan vs actual"),
        t("Why"),
        t("Forecast"),
        t("Catch-up"),
        t("Export"),
    ]
)
with dashboard_tab:
    dashboard_views.dashboard_section(plan, imported)
if worked is not None:
    with pace_tab:
        review_views.headline(worked)
        review_views.notes(worked, plan)
        review_views.pacing_chart(worked)
        review_views.variance_table(worked, plan)
        review_views.conversion_table(worked)
    with why_tab:
        review_views.why_section(worked, plan)
    with forecast_tab:
        review_views.forecast_section(worked)
    with catch_up_tab:
        review_views.catch_up_section(worked, plan)
    with export_tab:
        review_views.export_section(worked, plan, imported)
