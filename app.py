"""Funnel Planner: the router and frame around every page."""

import time

import streamlit as st

from ui import timing

PAGES = [
    st.Page("pages/plan.py", title="Plan", icon=":material/target:", default=True),
]

st.set_page_config(page_title="Funnel Planner", page_icon=":material/filter_alt:", layout="wide")
page = st.navigation(PAGES)
with st.sidebar:
    st.markdown("### Funnel Planner")
    st.caption(
        "Work a revenue goal backwards through your sales funnel to the traffic, "
        "customers and budget it needs."
    )

started = time.perf_counter()
try:
    page.run()
finally:
    timing.record(page.title, time.perf_counter() - started)
