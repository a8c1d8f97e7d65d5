"""Chart builders: pure functions from planner results to plotly figures (no streamlit)."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from ui.format import count, percent

FUNNEL_COLOR = "#4C6EF5"


def funnel_figure(
    names: Sequence[str],
    counts: Sequence[float],
    rates: Sequence[float | None],
    title: str,
) -> go.Figure:
    """A funnel of stage counts, each bar labelled with its count and its conversion rate."""
    figure = go.Figure(
        go.Funnel(
            y=list(names),
            x=list(counts),
            text=stage_labels(counts, rates),
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


def stage_labels(counts: Sequence[float], rates: Sequence[float | None]) -> list[str]:
    """'85,834' on the top bar; '42,917 · 50%' below it, 50% being the stage's rate.

    The rate shown is the plan's input, not the ratio of two rounded counts, so the chart
    reads 12% where the table and the inputs say 12%.
    """
    return [
        count(value) if rate is None else f"{count(value)} · {percent(rate)}"
        for value, rate in zip(counts, rates, strict=True)
    ]
