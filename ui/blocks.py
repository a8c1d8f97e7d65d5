"""Blocks every page draws the same way: a row of metrics and a table of words and numbers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd
import streamlit as st

from ui.format import markdown
from ui.i18n import right_to_left


@dataclass(frozen=True)
class Metric:
    """One headline number: its label, its value as shown, and optional help and change."""

    label: str
    value: str
    help: str | None = None
    delta: str | None = None
    since: str | None = None  # what the change is from: "from 85,834"


def metrics(
    items: Sequence[Metric],
    key: str,
    *,
    delta_color: Literal["normal", "inverse", "off"] = "normal",
) -> None:
    """A row of metrics that wraps instead of cutting a long amount short ("$34,…")."""
    with st.container(horizontal=True, gap="medium", key=key):
        for item in items:
            st.metric(
                markdown(item.label),
                item.value,
                delta=item.delta,
                delta_color=delta_color,
                delta_description=item.since,
                help=None if item.help is None else markdown(item.help),
                width="content",
            )


# A plain table (right to left) on a phone: smaller type, so more of it shows before it scrolls.
_TABLE_STYLE = """
<style>
@media (max-width: 640px) {
  [class*="st-key-table-"] [data-testid="stTable"] { font-size: 0.8rem; }
}
</style>
"""


def table(
    frame: pd.DataFrame,
    key: str,
    numbers: Sequence[str] | None = None,
    *,
    colors: Mapping[str, Sequence[str | None]] | None = None,
) -> None:
    """A table of words and numbers, the numbers aligned on their last digit.

    The numbers are every column but the first unless ``numbers`` names them. ``colors``
    gives some columns a colour per row (a name markdown knows: green, orange, red; None
    leaves the cell as it is), for a status a reader should see at a glance.

    The interactive grid draws left to right on a canvas and scrolls from the left, so in a
    right-to-left page the first column to read would be the one cut off; there the table
    is a plain one, which reads right to left like the rest of the page (its cells are
    markdown, hence the escaping).
    """
    colors = colors or {}
    if right_to_left():
        cells = frame.map(markdown)
        for column, shades in colors.items():
            cells[column] = [
                f":{shade}[{cell}]" if shade else cell
                for cell, shade in zip(cells[column], shades, strict=True)
            ]
        with st.container(key="table-" + key.replace(".", "-")):
            st.html(_TABLE_STYLE)
            st.table(cells, hide_index=True)
        return
    aligned = list(frame.columns)[1:] if numbers is None else list(numbers)
    config = {name: st.column_config.TextColumn(alignment="right") for name in aligned}
    shown: Any = frame
    for column, shades in colors.items():
        styler = shown if not isinstance(shown, pd.DataFrame) else frame.style
        shown = styler.apply(lambda _cells, shades=shades: _css(shades), subset=[column])
    st.dataframe(shown, hide_index=True, key=key, column_config=config, width="stretch")


_CSS_COLORS = {"green": "#2B8A3E", "orange": "#D9480F", "red": "#C92A2A"}


def _css(shades: Sequence[str | None]) -> list[str]:
    """The cells' CSS for a column's shades (an empty style where there is none)."""
    return [f"color: {_CSS_COLORS[shade]}; font-weight: 600" if shade else "" for shade in shades]
