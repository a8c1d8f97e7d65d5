"""Page-wide styling that Streamlit has no option for, as one constant style sheet."""

from __future__ import annotations

import streamlit as st

from ui.results import SUMMARY_KEY

# Streamlit stacks columns below 640 px. There the one-line summary is pinned under the
# header so the answer stays in sight while an input far above the results is edited; on
# wider screens the results sit beside the inputs and the summary would only repeat them.
# Metrics are as wide as their value (a row wraps rather than cutting "$1,234,567" to
# "$1,2…"); a common minimum keeps short values in step.
# Streamlit wraps a keyed container in a layout wrapper exactly as tall as the container, so
# the wrapper is what must stick (a sticky element only moves within its parent).
_SUMMARY = f'[data-testid="stLayoutWrapper"]:has(> .st-key-{SUMMARY_KEY})'
_STYLE = f"""
<style>
{_SUMMARY} {{ display: none; }}
[data-testid="stMetric"] {{ min-width: 8.5rem; }}
[data-testid="stMetricValue"] {{ font-size: 1.9rem; }}
@media (max-width: 640px) {{
  {_SUMMARY} {{
    display: flex;
    position: sticky;
    top: 0;
    z-index: 99;
    padding: 0.35rem 0;
    background: #ffffff;
    border-bottom: 1px solid rgba(49, 51, 63, 0.2);
  }}
}}
</style>
"""


def apply_page_style() -> None:
    """Add the style sheet to the page (a constant: no user text ever reaches it)."""
    st.html(_STYLE)
