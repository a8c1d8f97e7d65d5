"""Funnel Planner: the router and frame around every page."""

import time

import streamlit as st

from ui import i18n, layout, timing

# An emoji favicon is drawn in the browser; a material one is fetched from a font server.
st.set_page_config(page_title="Funnel Planner", page_icon="📈", layout="wide")
i18n.choose_language()
PAGES = [
    st.Page("pages/plan.py", title=i18n.t("Plan"), icon=":material/target:", default=True),
]
page = st.navigation(PAGES)
layout.apply_direction()
i18n.language_switch()

started = time.perf_counter()
try:
    page.run()
finally:
    timing.record(page.title, time.perf_counter() - started)
    i18n.end_of_run()
