"""Chart builders: pure functions from planner results to plotly figures (no streamlit).

Every word and number on a figure comes in already worded for the reader (``Formats`` for
the numbers, the caller's translated title and hover texts), so a builder never needs to
know the session. A right-to-left reader gets the funnel mirrored where that reads
naturally: the stage names on the right, the title at the top right.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from i18n.formats import Formats

FUNNEL_COLOR = "#4C6EF5"
ENGLISH = Formats()
# A bar's count and rate. Not "·" in Arabic: beside Arabic-Indic digits it reads as a zero.
_LABEL = {"en": "{count} · {rate}", "ar": "{count} ({rate})"}


def funnel_figure(
    names: Sequence[str],
    counts: Sequence[float],
    rates: Sequence[float | None],
    title: str,
    *,
    formats: Formats = ENGLISH,
    hover: Sequence[str] | None = None,
    right_to_left: bool = False,
) -> go.Figure:
    """A funnel of stage counts, each bar labelled with its count and its conversion rate.

    ``hover`` is each bar's hover text (by default its name and label); ``right_to_left``
    puts the stage names and the title on the right.
    """
    labels = stage_labels(counts, rates, formats)
    hover_texts = list(hover) if hover is not None else _default_hover(names, labels)
    if right_to_left:  # each text reads right to left, whatever its digits ("٥٠٪ · ٤٢٬٩١٧")
        labels, hover_texts = _isolated(labels), _isolated(hover_texts)
    figure = go.Figure(
        go.Funnel(
            y=list(names),
            x=list(counts),
            text=labels,
            textinfo="text",
            textposition="auto",
            marker={"color": FUNNEL_COLOR},
            connector={"line": {"color": "#ADB5BD", "width": 1}},
            hovertext=hover_texts,
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )
    side = "right" if right_to_left else "left"
    figure.update_layout(
        title={"text": title, "x": int(right_to_left), "xanchor": side, "font": {"size": 15}},
        yaxis={"side": side},
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        height=80 + 56 * len(names),
    )
    return figure


def _isolated(texts: Sequence[str]) -> list[str]:
    """Each text in a right-to-left isolate: the SVG around it is laid out left to right."""
    return [f"\u2067{text}\u2069" for text in texts]


def _default_hover(names: Sequence[str], labels: Sequence[str]) -> list[str]:
    return [f"{name}: {label}" for name, label in zip(names, labels, strict=True)]


def stage_labels(
    counts: Sequence[float], rates: Sequence[float | None], formats: Formats = ENGLISH
) -> list[str]:
    """'85,834' on the top bar; '42,917 · 50%' below it, 50% being the stage's rate.

    The rate shown is the plan's input, not the ratio of two rounded counts, so the chart
    reads 12% where the table and the inputs say 12%.
    """
    pattern = _LABEL.get(formats.language, _LABEL["en"])
    return [
        formats.count(value)
        if rate is None
        else pattern.format(count=formats.count(value), rate=formats.percent(rate))
        for value, rate in zip(counts, rates, strict=True)
    ]
