"""Page-wide styling that Streamlit has no option for, as constant style sheets.

Two sheets, both constants (no user text ever reaches them): the frame's direction, set once
for every page from the reader's language, and the Plan page's own layout.
"""

from __future__ import annotations

import streamlit as st

from ui.i18n import right_to_left
from ui.results import SUMMARY_KEY

# Right to left (Streamlit has no option for it): the main block reads right to left, which
# mirrors labels, columns, tabs, radios, metrics and the inputs' ± buttons; headings and
# markdown follow with ``text-align: start``. Inside the mirrored row a number or a date
# still reads left to right, its digits at the reading start of the field; a name typed in
# either script takes the direction of its own first letter. The grid and the chart are
# drawn on a canvas: ui.results shows a plain table instead, its cells at their start (the
# right, where numbers also line up on their last digit); ui.charts mirrors the chart (stage
# names on the right), so its box stays left to right here. Popovers (help texts, select
# options) are drawn outside the main block and need their own rule. A segmented control
# draws its outer borders and corners by left and right, so its segments stay left to right.
_RIGHT_TO_LEFT = """
<style>
[data-testid="stMain"] { direction: rtl; }
[data-testid="stMain"] [data-testid="stMarkdownContainer"],
[data-testid="stMain"] :is(h1, h2, h3, h4, h5, h6),
[data-testid="stMain"] [data-testid="stCaptionContainer"] { text-align: start; }
[data-testid="stMain"] :is([data-testid="stNumberInput"], [data-testid="stDateInput"]) input {
  direction: ltr;
  text-align: right;
}
[data-testid="stMain"] [data-testid="stTextInput"] input {
  unicode-bidi: plaintext;
  text-align: start;
}
[data-testid="stMain"] [data-testid="stTable"] :is(th, td) { text-align: right; }
[data-testid="stMain"] [data-testid="stPlotlyChart"] { direction: ltr; }
[data-testid="stMain"] [data-testid="stButtonGroup"] { direction: ltr; }
[data-baseweb="popover"], [data-testid="stTooltipContent"] { direction: rtl; text-align: start; }
</style>
"""

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


def apply_direction() -> None:
    """Make the page read right to left when the reader's language does (the frame calls it)."""
    if right_to_left():
        st.html(_RIGHT_TO_LEFT)


def apply_page_style() -> None:
    """Add the Plan page's style sheet (a constant: no user text ever reaches it)."""
    st.html(_STYLE)
