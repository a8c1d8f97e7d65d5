"""Chart builders: pure functions from planner results to plotly figures (no streamlit)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import plotly.graph_objects as go

from ui.format import count, percent

FUNNEL_COLOR = "#4C6EF5"


def funnel_figure(names: Sequence[str], counts: Sequence[float], title: str) -> go.Figure:
    """A funnel of stage counts, each bar labelled with its count and share of the previous."""
    figure = go.Figure(
        go.Funnel(
            y=list(names),
            x=list(counts),
            text=stage_labels(counts),
            textinfo="text",
            textposition="auto",
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


def stage_labels(counts: Sequence[float]) -> list[str]:
    """'85,834' on the top bar; '42,917 · 50% of the stage above' below it."""
    labels = [count(counts[0])] if counts else []
    for above, value in itertools.pairwise(counts):
        share = f" · {percent(value / above)}" if above else ""
        labels.append(f"{count(value)}{share}")
    return labels
