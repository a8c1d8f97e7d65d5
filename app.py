"""Funnel Planner: the router and frame around every page."""

import time

import streamlit as st

from ui import frame, i18n, layout, timing

# An emoji favicon is drawn in the browser; a material one is fetched from a font server.
st.set_page_config(page_title="Funnel Planner", page_icon="📈", layout="wide")
framing = frame.framed_run()
i18n.choose_language()
PAGES = [
    st.Page("pages/plan.py", title=i18n.t("Plan"), icon=":material/target:", default=True),
    st.Page("pages/scenarios.py", title=i18n.t("Scenarios"), icon=":material/alt_route:"),
    st.Page("pages/abtests.py", title=i18n.t("A/B tests"), icon=":material/science:"),
    st.Page("pages/actuals.py", title=i18n.t("Actuals"), icon=":material/monitoring:"),
    st.Page("pages/plans.py", title=i18n.t("Plans"), icon=":material/folder_open:"),
    st.Page(
        "pages/shared.py",
        title=i18n.t("Shared plan"),
        icon=":material/share:",
        url_path="shared",
        visibility="hidden",
    ),
]
# Pages in the top bar: the inputs keep the full width a sidebar would take (1024 px screens).
page = st.navigation(PAGES, position="top")
layout.apply_direction()
i18n.language_switch()

started = time.perf_counter()
try:
    page.run()
finally:
    timing.record(page.title, time.perf_counter() - started)
    i18n.end_of_run()
    frame.end_of_frame(framing)
