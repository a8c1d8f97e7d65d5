"""Chart builders: pure functions from planner results to plotly figures (no streamlit)."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from ui.format import count

FUNNEL_COLOR = "#4C6EF5"


def funnel_figure(names: Sequence[str], counts: Sequence[float], title: str) -> go.Figure:
    """A funnel of stage counts, each bar labelled with its count and share of the previous."""
    labels = [count(value) for value in counts]
    figure = go.Figure(
        go.Funnel(
            y=list(names),
            x=list(counts),
            text=labels,
            textinfo="text+percent previous",
            marker={"color": FUNNEL_COLOR},
            connector={"line": {"color": "#ADB5BD", "width": 1}},
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    figure.update_layout(
        title={"text": title, "x": 0, "font": {"size": 15}},
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        height=80 + 56 * len(names),
    )
    return figure
