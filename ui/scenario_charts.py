"""Chart builders for the Scenarios page: pure functions from numbers to plotly figures.

Like ``ui.charts``, a builder takes plain labels and numbers (the page words the labels and
passes translated titles) and words every number with ``Formats``: bar labels, hover texts,
the tick labels of numeric axes (so Arabic-Indic digits reach the axes too) and the labels of
the lines marking a target or a percentile. A right-to-left reader gets the names of a
category axis, the value axis of a distribution, the title and the legend on the right, and
every text in a right-to-left isolate; a numeric x axis still grows rightwards.

- ``comparison_figure``: one bar per plan, the base in a neutral colour, each scenario
  labelled with its difference to the base;
- ``tornado_figure``: each lever's two moves as differences from the base, the first lever
  (the most important) on top;
- ``drop_off_figure``: the revenue lost at each drop-off, in funnel order;
- ``histogram_figure`` and ``cumulative_figure``: a Monte Carlo run's revenue per trial,
  binned (or sampled at quantiles) here, so a million trials send a few hundred numbers to the
  browser, never a million.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import plotly.graph_objects as go

from i18n.formats import NOTHING, Formats
from ui import chart_parts as parts
from ui.chart_parts import BETTER_COLOR, LINE_COLOR, TARGET_COLOR, WORSE_COLOR
from ui.charts import ENGLISH, FUNNEL_COLOR

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

BASE_COLOR = "#868E96"  # neutral: the plan every scenario is compared with
SCENARIO_COLOR = FUNNEL_COLOR  # a scenario, when better or worse is not known
LOW_COLOR = "#F59F00"  # a lever moved down
HIGH_COLOR = FUNNEL_COLOR  # a lever moved up
LOST_COLOR = "#E8590C"
REACHED_COLOR = FUNNEL_COLOR  # trials at or above the target
MISSED_COLOR = "#F08C00"  # trials below it

HISTOGRAM_HEIGHT = 400
CUMULATIVE_HEIGHT = 400
MAX_CURVE_POINTS = 400
"""Points of the cumulative curve, the target and the two ends included."""

_LABEL_ROOM = 1.45  # the histogram's headroom for the lines' labels


# --- Comparison -------------------------------------------------------------------------------


def comparison_figure(
    names: Sequence[str],
    values: Sequence[float | None],
    title: str,
    *,
    currency: str,
    formats: Formats = ENGLISH,
    right_to_left: bool = False,
    kind: parts.Kind = "money",
    base_index: int = 0,
    better_when_lower: bool | None = None,
    missing_label: str = NOTHING,
) -> go.Figure:
    """One horizontal bar per plan, top to bottom in the order given.

    Each bar is labelled with its value and, for a scenario, its difference to the base in
    percent ("$125,000 (+4.2%)"), worded by ``kind``: money in ``currency``, a count, or a
    ratio such as ROAS ("2.70×"); ``base_index`` says which plan is the base. The base bar is
    neutral; scenarios are one colour unless ``better_when_lower`` says which way is better
    (``False``: higher is better, as revenue; ``True``: lower is better, as a budget), then
    green when they beat the base, red when worse. A value of ``None`` (a scenario that could
    not be worked out) keeps its name with ``missing_label`` beside it, and no bar.
    """
    if not 0 <= base_index < len(names):
        raise ValueError(f"base_index {base_index} is not one of the {len(names)} plans")
    word = parts.number_word(kind, currency, formats)
    base = values[base_index]
    labels = [
        _comparison_label(value, base, word, formats, is_base=index == base_index)
        for index, value in enumerate(values)
    ]
    colors = [
        _comparison_color(value, base, better_when_lower, is_base=index == base_index)
        for index, value in enumerate(values)
    ]
    hover = [f"{name}: {label}" for name, label in zip(names, labels, strict=True)]
    figure = go.Figure(parts.labelled_bars(values, colors, labels, hover, right_to_left))
    for index, value in enumerate(values):
        if value is None:
            figure.add_annotation(
                x=0,
                y=index,
                text=parts.worded([missing_label], right_to_left)[0],
                xanchor="left",
                showarrow=False,
                font={"color": LINE_COLOR},
            )
    present = [value for value in values if value is not None]
    low, high = parts.bar_range(present)
    parts.layout(figure, title, right_to_left, height=100 + 48 * len(names))
    figure.update_layout(
        xaxis=parts.value_axis(low, high, parts.tick_word(kind, currency, formats), right_to_left),
        yaxis=parts.category_axis(names, right_to_left),
        bargap=0.3,
    )
    return figure


def _comparison_label(
    value: float | None, base: float | None, word: parts.Word, formats: Formats, *, is_base: bool
) -> str:
    if value is None:
        return ""
    if is_base or base is None or base == 0:
        return word(value)
    difference = value - base if round(value - base, 2) != 0 else 0.0
    return f"{word(value)} ({parts.signed_percent(difference / abs(base), formats)})"


def _comparison_color(
    value: float | None, base: float | None, better_when_lower: bool | None, *, is_base: bool
) -> str:
    if is_base:
        return BASE_COLOR
    if value is None or base is None or better_when_lower is None:
        return SCENARIO_COLOR
    difference = round(value - base, 2)  # to the cent: float noise is no improvement
    if difference == 0:
        return SCENARIO_COLOR
    return BETTER_COLOR if (difference < 0) == better_when_lower else WORSE_COLOR


# --- Tornado ----------------------------------------------------------------------------------


def tornado_figure(
    labels: Sequence[str],
    low_differences: Sequence[float],
    high_differences: Sequence[float],
    title: str,
    *,
    currency: str,
    formats: Formats = ENGLISH,
    right_to_left: bool = False,
    low_name: str,
    high_name: str,
) -> go.Figure:
    """Each lever's two moves as differences from the base, the first lever on top.

    ``labels`` come ranked, most important first; ``low_differences`` are the differences
    when each lever moves down (legend ``low_name``, say "−10%"), ``high_differences`` when
    it moves up (``high_name``). The value axis is centred on zero, marked by a line.
    """
    count = len(labels)
    figure = go.Figure()
    for name, differences, color in (
        (low_name, low_differences, LOW_COLOR),
        (high_name, high_differences, HIGH_COLOR),
    ):
        texts = [parts.signed_money(value, currency, formats) for value in differences]
        hover = [f"{label}<br>{name}: {text}" for label, text in zip(labels, texts, strict=True)]
        figure.add_trace(
            go.Bar(
                name=parts.worded([name], right_to_left)[0],
                x=list(differences),
                y=list(range(count)),
                orientation="h",
                marker={"color": color},
                text=parts.worded(texts, right_to_left),
                textposition="outside",
                cliponaxis=False,
                hovertext=parts.worded(hover, right_to_left),
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    reach = max((abs(value) for value in [*low_differences, *high_differences]), default=0.0)
    reach = (reach or 1.0) * (1 + parts.TEXT_ROOM)
    figure.add_shape(
        type="line", x0=0, x1=0, xref="x", y0=0, y1=1, yref="paper", line={"color": LINE_COLOR}
    )
    parts.layout(figure, title, right_to_left, height=120 + 44 * count, top=80)
    figure.update_layout(
        xaxis=parts.value_axis(
            -reach,
            reach,
            lambda value, step: parts.signed_money(value, currency, formats, cents=step < 1),
            right_to_left,
        ),
        yaxis=parts.category_axis(labels, right_to_left),
        barmode="group",
        bargap=0.25,
        bargroupgap=0.05,
        showlegend=True,
        legend=parts.legend(right_to_left),
    )
    return figure


# --- Drop-off ---------------------------------------------------------------------------------


def drop_off_figure(
    stage_names: Sequence[str],
    revenue_lost: Sequence[float],
    title: str,
    *,
    currency: str,
    formats: Formats = ENGLISH,
    right_to_left: bool = False,
) -> go.Figure:
    """The revenue lost at each stage's drop-off, in funnel order from the top."""
    texts = [formats.money(value, currency) for value in revenue_lost]
    hover = [f"{name}: {text}" for name, text in zip(stage_names, texts, strict=True)]
    figure = go.Figure(parts.labelled_bars(revenue_lost, LOST_COLOR, texts, hover, right_to_left))
    low, high = parts.bar_range(revenue_lost)
    parts.layout(figure, title, right_to_left, height=100 + 44 * len(stage_names))
    figure.update_layout(
        xaxis=parts.value_axis(
            low, high, parts.tick_word("money", currency, formats), right_to_left
        ),
        yaxis=parts.category_axis(stage_names, right_to_left),
        bargap=0.3,
    )
    return figure


# --- Histogram --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Bins:
    """Bars of a histogram: each bin's edges, count, and whether it is at or above target."""

    lows: FloatArray
    highs: FloatArray
    counts: IntArray
    reached: npt.NDArray[np.bool_]


def histogram_figure(
    revenue: npt.ArrayLike,
    target: float,
    title: str,
    *,
    currency: str,
    formats: Formats = ENGLISH,
    right_to_left: bool = False,
    p10: float,
    p50: float,
    p90: float,
    target_label: str,
    percentile_labels: Sequence[str] = ("P10", "P50", "P90"),
    bins: int = 60,
) -> go.Figure:
    """The trials' revenue in about ``bins`` bars, those at or above the target in blue.

    Binned here with numpy: a million trials draw at most ``bins`` + 2 bars. When the target
    falls inside the trials' range it is a bin edge, so no bar holds trials on both sides of
    it. Lines mark the target and the P10, P50 and P90 (``percentile_labels`` names them).
    When every trial has the same revenue, one bar holds them all.
    """
    if bins < 1:
        raise ValueError(f"bins must be at least 1, got {bins}")
    trials = _finite(revenue)
    money = parts.money_word(currency, formats)
    share = _share_word(trials.size, formats)
    found = _histogram_bins(trials, target, bins)
    figure = go.Figure()
    for reached, color in ((False, MISSED_COLOR), (True, REACHED_COLOR)):
        chosen = found.reached == reached
        lows, highs, counts = found.lows[chosen], found.highs[chosen], found.counts[chosen]
        hover = [
            f"{money(low)} – {money(high)}<br>{share(int(count))}"
            for low, high, count in zip(lows, highs, counts, strict=True)
        ]
        figure.add_trace(
            go.Bar(
                x=((lows + highs) / 2).tolist(),
                y=counts.tolist(),
                width=(highs - lows).tolist(),
                marker={"color": color, "line": {"width": 0}},
                hovertext=parts.worded(hover, right_to_left),
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    view = [*found.lows, *found.highs, target, p10, p50, p90]
    if found.counts.size == 1:  # room either side of a lone bar, so it reads as a bar
        width = float(found.highs[0] - found.lows[0])
        view += [float(found.lows[0]) - 2 * width, float(found.highs[0]) + 2 * width]
    x_range = parts.padded_range(view)
    lines = [(target, target_label, TARGET_COLOR, "dash")] + [
        (value, name, LINE_COLOR, "dot")
        for value, name in zip((p10, p50, p90), percentile_labels, strict=True)
    ]
    _mark_lines(figure, lines, x_range, money, right_to_left)
    peak = float(found.counts.max()) if found.counts.size else 0.0
    parts.layout(figure, title, right_to_left, height=HISTOGRAM_HEIGHT)
    figure.update_layout(
        xaxis=parts.value_axis(
            *x_range, parts.tick_word("money", currency, formats), right_to_left
        ),
        yaxis=parts.value_axis(
            0.0,
            (peak or 1.0) * _LABEL_ROOM,
            parts.tick_word("count", currency, formats),
            right_to_left,
        )
        | {"side": parts.reading_side(right_to_left)},
        bargap=0,
    )
    return figure


def _histogram_bins(trials: FloatArray, target: float, bins: int) -> _Bins:
    if trials.size == 0:
        empty = np.zeros(0)
        return _Bins(empty, empty, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.bool_))
    low, high = float(trials.min()), float(trials.max())
    edges = _edges(low, high, target, bins)
    if edges is None:  # every trial the same (or too close to tell apart): one bar
        middle, half = (low + high) / 2, parts.half_width(low, high)
        return _Bins(
            np.array([middle - half]),
            np.array([middle + half]),
            np.array([trials.size], dtype=np.int64),
            np.array([low >= target]),
        )
    counts, _ = np.histogram(trials, bins=edges)
    return _Bins(edges[:-1], edges[1:], counts.astype(np.int64), edges[:-1] >= target)


def _edges(low: float, high: float, target: float, bins: int) -> FloatArray | None:
    """``bins`` equal bins over the trials, shifted so the target is an edge when inside.

    numpy's bins are [a, b) but the last [a, b]: a bin starting at the target holds the
    trials that reach it, and the last edge is never the target itself.
    """
    if not high > low:
        return None
    edges = np.linspace(low, high, bins + 1)
    if low < target <= high:
        width = (high - low) / bins
        first = math.floor((low - target) / width)
        last = max(math.ceil((high - target) / width), 1)
        aligned = target + width * np.arange(first, last + 1, dtype=np.float64)
        aligned[0], aligned[-1] = min(aligned[0], low), max(aligned[-1], high)
        if np.all(np.diff(aligned) > 0):
            edges = aligned
    return edges if np.all(np.diff(edges) > 0) else None


def _mark_lines(
    figure: go.Figure,
    lines: Sequence[tuple[float, str, str, str]],
    x_range: tuple[float, float],
    money: parts.Word,
    right_to_left: bool,
) -> None:
    """Vertical lines, each labelled with its name and amount, the labels staggered."""
    flip = x_range[0] + 0.75 * (x_range[1] - x_range[0])
    for position, (value, name, color, dash) in enumerate(lines):
        figure.add_shape(
            type="line",
            x0=value,
            x1=value,
            xref="x",
            y0=0,
            y1=1,
            yref="paper",
            line={"color": color, "dash": dash, "width": 1.5},
        )
        left = value > flip  # the label on the side with room
        figure.add_annotation(
            x=value,
            y=1 - 0.08 * position,
            xref="x",
            yref="paper",
            yanchor="top",
            xanchor="right" if left else "left",
            xshift=-4 if left else 4,
            text=parts.worded([f"{name} {money(value)}"], right_to_left)[0],
            showarrow=False,
            font={"color": color, "size": 12},
            bgcolor="rgba(255,255,255,0.8)",
        )


# --- Cumulative -------------------------------------------------------------------------------


def cumulative_figure(
    revenue: npt.ArrayLike,
    target: float,
    title: str,
    *,
    currency: str,
    formats: Formats = ENGLISH,
    right_to_left: bool = False,
    target_label: str,
    y_label: str,
) -> go.Figure:
    """The chance of reaching at least each revenue: the share of trials with revenue ≥ x.

    Drawn through at most ``MAX_CURVE_POINTS`` points: quantiles of the sorted trials, the
    target and a point either side of the trials (100% before, 0% after), each point's share
    counted exactly. With few trials every one is a point and the curve is the exact steps.
    The target is marked, with the chance of reaching it.
    """
    trials = np.sort(_finite(revenue))
    money, percent = parts.money_word(currency, formats), parts.percent_word(formats)
    xs, ys = _survival_points(trials, target)
    exact = trials.size <= MAX_CURVE_POINTS - 3
    chance = float(ys[np.searchsorted(xs, target)])
    hover = [f"≥ {money(x)}: {percent(y)}" for x, y in zip(xs.tolist(), ys.tolist(), strict=True)]
    figure = go.Figure(
        go.Scatter(
            x=xs.tolist(),
            y=ys.tolist(),
            mode="lines",
            line={"color": REACHED_COLOR, "width": 2, "shape": "vh" if exact else "linear"},
            hovertext=parts.worded(hover, right_to_left),
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )
    figure.add_trace(
        go.Scatter(
            x=[target],
            y=[chance],
            mode="markers",
            marker={"color": TARGET_COLOR, "size": 9},
            hoverinfo="skip",
        )
    )
    x_range = parts.padded_range(xs.tolist())
    figure.add_shape(
        type="line",
        x0=target,
        x1=target,
        xref="x",
        y0=0,
        y1=1,
        yref="paper",
        line={"color": TARGET_COLOR, "dash": "dash", "width": 1.5},
    )
    label = f"{target_label} {money(target)}<br><b>{percent(chance)}</b>"
    figure.add_annotation(
        x=target,
        y=chance,
        text=parts.worded([label], right_to_left)[0],
        showarrow=True,
        arrowhead=2,
        ax=-60 if target > sum(x_range) / 2 else 60,
        ay=40 if chance > 0.5 else -40,
        font={"color": TARGET_COLOR},
        bgcolor="rgba(255,255,255,0.85)",
    )
    parts.layout(figure, title, right_to_left, height=CUMULATIVE_HEIGHT)
    y_axis = parts.value_axis(
        -0.03, 1.08, parts.tick_word("percent", currency, formats), right_to_left
    )
    figure.update_layout(
        xaxis=parts.value_axis(
            *x_range, parts.tick_word("money", currency, formats), right_to_left
        ),
        yaxis=y_axis
        | {
            "side": parts.reading_side(right_to_left),
            "title": {"text": parts.worded([y_label], right_to_left)[0]},
        },
    )
    return figure


def _survival_points(trials: FloatArray, target: float) -> tuple[FloatArray, FloatArray]:
    """Sorted x values and the exact share of trials ≥ each (the sorted ``trials``)."""
    size = trials.size
    if size == 0:
        return np.array([target], dtype=np.float64), np.zeros(1)
    low, high = float(trials[0]), float(trials[-1])
    pad = 0.03 * (high - low) if high > low else parts.half_width(low, high)
    # The quantiles, evenly spaced in rank: the first and last trial always among them.
    ranks = np.unique(np.linspace(0, size - 1, min(size, MAX_CURVE_POINTS - 3)).round())
    ends = np.array([low - pad, high + pad, target], dtype=np.float64)
    xs = np.unique(np.concatenate([trials[ranks.astype(np.int64)], ends]))
    ys = (size - np.searchsorted(trials, xs, side="left")) / size
    return xs, ys.astype(np.float64)


# --- Shared -----------------------------------------------------------------------------------


def _share_word(trials: int, formats: Formats) -> Callable[[int], str]:
    """'1,234 (12.34%)': a count of trials and its share of them all."""
    return lambda count: f"{formats.count(count)} ({formats.percent(count / max(trials, 1))})"


def _finite(revenue: npt.ArrayLike) -> FloatArray:
    trials = np.asarray(revenue, dtype=np.float64).ravel()
    return trials[np.isfinite(trials)]
