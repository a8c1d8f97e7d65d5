"""Chart builders for the A/B tests page: pure functions from numbers to plotly figures.

As ``ui.scenario_charts`` (whose axes, layout and right-to-left handling they share), a
builder takes labels already worded by the page and words every number with ``Formats``:
point and bar labels, hover texts and the tick labels of numeric axes (so Arabic-Indic digits
reach the axes too). Effects and lifts are fractions (0.1 is +10%), shown as signed percents.

- ``days_curve_figure``: the days a test needs against the effect it is sized to detect, the
  plan's period as a line and the chosen effect marked;
- ``lift_histogram_figure``: the observed lifts of many simulated runs of the planned test,
  with lines at the true effect and wherever else the page marks (no change, the median
  declared winner);
- ``intervals_figure``: each variant's lift against control with its interval (and, when
  given, a second interval such as the Bayesian credible interval), zero marked.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go

from i18n.formats import MINUS, NOTHING, Formats
from ui import chart_parts as parts
from ui.chart_parts import GRID_COLOR, LINE_COLOR, TARGET_COLOR
from ui.charts import ENGLISH, FUNNEL_COLOR

CURVE_COLOR = FUNNEL_COLOR
CHOSEN_COLOR = "#E8590C"  # the effect the test is sized for
PERIOD_COLOR = TARGET_COLOR  # the plan's period: a test past it ends after the plan
BAR_COLOR = "#748FFC"
TRUTH_COLOR = "#2F9E44"  # the effect the simulation assumed
CONFIDENCE_COLOR = FUNNEL_COLOR
CREDIBLE_COLOR = "#F08C00"
CURVE_HEIGHT = 380
HISTOGRAM_HEIGHT = 380
_RLM = "\u200f"  # keeps a sign on the reading side of a right-to-left number
_OFFSET = 0.18  # how far the second interval sits below the first, in rows


def signed_percent(fraction: float, formats: Formats = ENGLISH) -> str:
    """``+10%``, ``−4.2%``, ``0%``: a lift or an effect with its sign."""
    sign = "+" if fraction > 0 else MINUS if fraction < 0 else ""
    reading_side = _RLM if sign and formats.language != "en" else ""
    return f"{reading_side}{sign}{formats.percent(abs(fraction))}"


# --- Days against effect ----------------------------------------------------------------------


def days_curve_figure(
    effects: Sequence[float],
    days: Sequence[int],
    title: str,
    *,
    x_title: str,
    y_title: str,
    formats: Formats = ENGLISH,
    right_to_left: bool = False,
    chosen: tuple[float, int] | None = None,
    chosen_label: str = "",
    period_days: int | None = None,
    period_label: str = "",
) -> go.Figure:
    """Days needed (y) for each effect (x), a line through the points in the order given.

    ``chosen`` (effect, days) is marked and labelled ``chosen_label``; ``period_days`` draws a
    dashed line labelled ``period_label``: a point above it needs longer than the plan runs.
    The days axis stops at 2.5 times the higher of the two (``_curve_top``).
    Effects are fractions, shown as signed percents (relative, or percentage points when the
    caller's ``x_title`` says so).
    """
    words = _Words(formats, right_to_left)
    hover = [
        f"{words.lift(effect)}: {formats.count(need)}"
        for effect, need in zip(effects, days, strict=True)
    ]
    figure = go.Figure(
        go.Scatter(
            x=list(effects),
            y=list(days),
            mode="lines+markers",
            line={"color": CURVE_COLOR, "width": 2},
            marker={"size": 5},
            hovertext=words.all(hover),
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )
    if chosen is not None:
        _mark_chosen(figure, chosen, words.isolated(chosen_label))
    if period_days is not None:
        _mark_period(figure, period_days, words.isolated(period_label), right_to_left)
    x_range = parts.padded_range([float(effect) for effect in effects] or [0.0])
    top = _curve_top(days, chosen, period_days)
    parts.layout(figure, title, right_to_left, height=CURVE_HEIGHT)
    figure.update_layout(
        xaxis=words.lift_axis(x_range) | words.title(x_title),
        yaxis=words.count_axis(top)
        | words.title(y_title)
        | {"side": parts.reading_side(right_to_left)},
    )
    return figure


def _mark_chosen(figure: go.Figure, chosen: tuple[float, int], label: str) -> None:
    """The effect the test is sized for: a dot, and its label on an arrow up and away."""
    effect, need = chosen
    figure.add_trace(
        go.Scatter(
            x=[effect],
            y=[need],
            mode="markers",
            marker={"color": CHOSEN_COLOR, "size": 11},
            hoverinfo="skip",
            cliponaxis=False,
        )
    )
    figure.add_annotation(
        x=effect,
        y=need,
        text=label,
        showarrow=True,
        arrowhead=2,
        arrowcolor=CHOSEN_COLOR,
        ax=50,
        ay=-50,
        font={"color": CHOSEN_COLOR, "size": 13},
        bgcolor="rgba(255,255,255,0.9)",
    )


def _mark_period(figure: go.Figure, period_days: int, label: str, right_to_left: bool) -> None:
    """The plan's period across the chart, labelled at its far end."""
    figure.add_shape(
        type="line",
        x0=0,
        x1=1,
        xref="paper",
        y0=period_days,
        y1=period_days,
        yref="y",
        line={"color": PERIOD_COLOR, "dash": "dash", "width": 1.5},
    )
    figure.add_annotation(
        x=int(not right_to_left),
        xref="paper",
        xanchor="right" if not right_to_left else "left",
        y=period_days,
        yref="y",
        yanchor="bottom",
        text=label,
        showarrow=False,
        font={"color": PERIOD_COLOR, "size": 12},
        bgcolor="rgba(255,255,255,0.8)",
    )


def _curve_top(
    days: Sequence[int], chosen: tuple[float, int] | None, period_days: int | None
) -> float:
    """The days axis' top: room above the chosen point and the period, not the curve's tail.

    Days grow as the square of 1 ÷ effect, so the smallest effects would squash the rest of
    the curve against the axis; they run off the top instead (their hover still says them).
    """
    marks = [float(mark) for mark in (chosen[1] if chosen else None, period_days) if mark]
    highest = float(max(days, default=0))
    top = min(highest, 2.5 * max(marks)) if marks else highest
    return (top or 1.0) * 1.12


def _whole(value: float, formats: Formats) -> str:
    return formats.count(value) if value == round(value) else ""


# --- Observed lifts of simulated tests ------------------------------------------------------


def lift_histogram_figure(
    edges: Sequence[float],
    counts: Sequence[int],
    title: str,
    *,
    x_title: str,
    y_title: str,
    formats: Formats = ENGLISH,
    right_to_left: bool = False,
    marks: Sequence[tuple[float, str]] = (),
) -> go.Figure:
    """Bars between ``edges`` (bin i from edges[i] to edges[i + 1]) of heights ``counts``.

    Hover texts give each bin's range, its count and its share of all runs. ``marks`` are
    (lift, label) vertical lines: the first in the truth's colour, the others neutral, their
    labels staggered down the chart. With no bins, the marks alone set the axis.
    """
    if (edges or counts) and len(edges) != len(counts) + 1:
        raise ValueError(f"{len(edges)} edges can't bound {len(counts)} bins")
    words = _Words(formats, right_to_left)
    total = sum(counts) or 1
    lows, highs = list(edges[:-1]), list(edges[1:])
    hover = [
        f"{words.lift(low)} – {words.lift(high)}<br>"
        f"{formats.count(count)} ({formats.percent(count / total)})"
        for low, high, count in zip(lows, highs, counts, strict=True)
    ]
    figure = go.Figure(
        go.Bar(
            x=[(low + high) / 2 for low, high in zip(lows, highs, strict=True)],
            y=list(counts),
            width=[high - low for low, high in zip(lows, highs, strict=True)],
            marker={"color": BAR_COLOR, "line": {"width": 0}},
            hovertext=words.all(hover),
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )
    view = [*edges, *(lift for lift, _label in marks)] or [0.0]
    x_range = parts.padded_range([float(value) for value in view])
    for position, (lift, label) in enumerate(marks):
        _mark_lift(figure, position, lift, words.isolated(f"{label} {words.lift(lift)}"), x_range)
    peak = float(max(counts, default=0)) or 1.0
    parts.layout(figure, title, right_to_left, height=HISTOGRAM_HEIGHT)
    figure.update_layout(
        xaxis=words.lift_axis(x_range) | words.title(x_title),
        yaxis=words.count_axis(peak * 1.35)
        | words.title(y_title)
        | {"side": parts.reading_side(right_to_left)},
        bargap=0,
    )
    return figure


def _mark_lift(
    figure: go.Figure, position: int, lift: float, label: str, x_range: tuple[float, float]
) -> None:
    """A vertical line at ``lift``, labelled on the side with room, lower for each later mark."""
    color = TRUTH_COLOR if position == 0 else LINE_COLOR
    figure.add_shape(
        type="line",
        x0=lift,
        x1=lift,
        xref="x",
        y0=0,
        y1=1,
        yref="paper",
        line={"color": color, "dash": "dash" if position == 0 else "dot", "width": 1.5},
    )
    right_half = lift > x_range[0] + 0.6 * (x_range[1] - x_range[0])
    figure.add_annotation(
        x=lift,
        y=1 - 0.09 * position,
        xref="x",
        yref="paper",
        yanchor="top",
        xanchor="right" if right_half else "left",
        xshift=-4 if right_half else 4,
        text=label,
        showarrow=False,
        font={"color": color, "size": 12},
        bgcolor="rgba(255,255,255,0.8)",
    )


# --- Each variant's lift with its interval ----------------------------------------------------


def intervals_figure(
    names: Sequence[str],
    lifts: Sequence[float | None],
    intervals: Sequence[tuple[float, float] | None],
    title: str,
    *,
    interval_name: str,
    formats: Formats = ENGLISH,
    right_to_left: bool = False,
    second: Sequence[tuple[float, float] | None] | None = None,
    second_name: str = "",
    missing_label: str = NOTHING,
    zero_label: str = "",
) -> go.Figure:
    """One row per variant, top to bottom: its lift as a dot, its interval as a bar.

    ``second`` is another interval per variant (the credible interval), drawn just below the
    first in its own colour; the legend names both. A variant without a lift keeps its row
    with ``missing_label``; a lift without an interval is a dot alone. A line marks 0
    (``zero_label``): an interval that crosses it does not tell the variant from control.
    """
    words = _Words(formats, right_to_left)
    figure = go.Figure(
        _interval_bars(names, intervals, interval_name, CONFIDENCE_COLOR, 0.0, words)
    )
    if second is not None:
        figure.add_trace(_interval_bars(names, second, second_name, CREDIBLE_COLOR, _OFFSET, words))
    figure.add_trace(_lift_dots(names, lifts, words))
    for row, lift in enumerate(lifts):
        if lift is None:
            figure.add_annotation(
                x=0,
                y=row,
                text=words.isolated(missing_label),
                xanchor="left",
                showarrow=False,
                font={"color": LINE_COLOR},
            )
    figure.add_shape(
        type="line", x0=0, x1=0, xref="x", y0=0, y1=1, yref="paper", line={"color": LINE_COLOR}
    )
    if zero_label:
        figure.add_annotation(
            x=0,
            y=0,
            xref="x",
            yref="paper",
            yanchor="bottom",
            text=words.isolated(zero_label),
            showarrow=False,
            font={"color": LINE_COLOR, "size": 11},
            bgcolor="rgba(255,255,255,0.8)",
        )
    spans = [span for span in [*intervals, *(second or [])] if span is not None]
    values = [0.0, *(lift for lift in lifts if lift is not None)]
    values += [end for span in spans for end in span]
    parts.layout(figure, title, right_to_left, height=140 + 70 * len(names), top=80)
    category = parts.category_axis(names, right_to_left)
    category["range"] = [max(len(names), 1) - 0.5 + _OFFSET, -0.6]
    figure.update_layout(
        xaxis=words.lift_axis(parts.padded_range(values)) | {"gridcolor": GRID_COLOR},
        yaxis=category,
        showlegend=True,
        legend=parts.legend(right_to_left),
    )
    return figure


class _Words:
    """A reader's way with a chart's texts: their digits, and their direction."""

    def __init__(self, formats: Formats, right_to_left: bool) -> None:
        self.formats, self.right_to_left = formats, right_to_left

    def isolated(self, text: str) -> str:
        return parts.worded([text], self.right_to_left)[0]

    def all(self, texts: Sequence[str]) -> list[str]:
        return parts.worded(texts, self.right_to_left)

    def lift(self, value: float) -> str:
        return signed_percent(value, self.formats)

    def lift_axis(self, span: tuple[float, float]) -> dict[str, Any]:
        return parts.value_axis(*span, lambda value, _step: self.lift(value), self.right_to_left)

    def count_axis(self, top: float) -> dict[str, Any]:
        return parts.value_axis(
            0.0, top, lambda value, _step: _whole(value, self.formats), self.right_to_left
        )

    def title(self, text: str) -> dict[str, Any]:
        return {"title": {"text": self.isolated(text)}}


def _interval_bars(
    names: Sequence[str],
    spans: Sequence[tuple[float, float] | None],
    name: str,
    color: str,
    offset: float,
    words: _Words,
) -> go.Scatter:
    """One line per variant from its interval's low end to its high end, gaps between them."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    hover: list[str] = []
    for row, span in enumerate(spans):
        if span is None:
            continue
        low, high = span
        xs += [low, high, None]
        ys += [row + offset, row + offset, None]
        text = f"{names[row]}: {words.lift(low)} – {words.lift(high)}"
        hover += [text, text, ""]
    return go.Scatter(
        x=xs,
        y=ys,
        mode="lines",
        name=words.isolated(name),
        line={"color": color, "width": 6 if offset == 0 else 3},
        hovertext=words.all(hover),
        hovertemplate="%{hovertext}<extra></extra>",
        showlegend=True,
    )


def _lift_dots(names: Sequence[str], lifts: Sequence[float | None], words: _Words) -> go.Scatter:
    """Each lift as a dot labelled with its value; a variant without one has no dot."""
    present = [(row, lift) for row, lift in enumerate(lifts) if lift is not None]
    labels = [words.lift(lift) for _row, lift in present]
    return go.Scatter(
        x=[lift for _row, lift in present],
        y=[row for row, _lift in present],
        mode="markers+text",
        marker={"color": LINE_COLOR, "size": 10},
        text=words.all(labels),
        textposition="top center",
        hovertext=words.all(
            [f"{names[row]}: {label}" for (row, _lift), label in zip(present, labels, strict=True)]
        ),
        hovertemplate="%{hovertext}<extra></extra>",
        showlegend=False,
        cliponaxis=False,
    )
