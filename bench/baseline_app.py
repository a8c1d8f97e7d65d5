"""Baseline for bench/page_rerun.py: the smallest page with the same frame and timing.

One number input and one metric behind st.navigation, timed around ``pg.run()`` exactly as
app.py does, so the ratio isolates what the Plan page itself costs.
"""

import time

import streamlit as st

from ui import timing


def _trivial_page() -> None:
    value = st.number_input("Revenue target", key="baseline.target", value=120_000.0)
    st.metric("Target", f"{value:,.0f}")


page = st.navigation([st.Page(_trivial_page, title="Baseline", default=True)])
started = time.perf_counter()
try:
    page.run()
finally:
    timing.record(page.title, time.perf_counter() - started)
