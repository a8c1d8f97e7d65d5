"""Funnel Planner: the router and frame around every page."""

import time

import streamlit as st

from ui import timing

PAGES = [
    st.Page("pages/plan.py", title="Plan", icon=":material/target:", default=True),
]

# An emoji favicon is drawn in the browser; a material one is fetched from a font server.
st.set_page_config(page_title="Funnel Planner", page_icon="📈", layout="wide")
page = st.navigation(PAGES)

started = time.perf_counter()
try:
    page.run()
finally:
    timing.record(page.title, time.perf_counter() - started)
