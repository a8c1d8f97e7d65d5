"""Chart builders for the Actuals page: pure functions from numbers to plotly figures.

Like the other builders, each takes plain labels and numbers (the page words the labels) and
words every number with ``Formats``, so Arabic-Indic digits reach the ticks and the labels;
dates on an axis are worded too (``Mar 31``, ``٣١ مارس``), never left to plotly's English.

- ``pacing_figure``: cumulative revenue through the period, the plan's pace, the actuals to
  the as-of date and the forecast's P10–P90 band and median after it, the target as a line;
- ``waterfall_figure``: the planned revenue to date, each driver's share of the gap, and the
  actual revenue it adds up to (horizontal, so stage names fit on a phone);
- ``series_figure``: one KPI per period as bars, with the same period a year earlier as a
  line when known;
- ``share_figure``: one bar per channel or segment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import plotly.graph_objects as go

from i18n.formats import Formats
from ui import chart_parts as parts
from ui.chart_parts import BETTER_COLOR, LINE_COLOR, TARGET_COLOR, WORSE_COLOR
from ui.charts import ENGLISH, FUNNEL_COLOR

PLAN_COLOR = "#868E96"
ACTUAL_COLOR = FUNNEL_COLOR
FORECAST_COLOR = "#F08C00"
BAND_COLOR = "rgba(240, 140, 0, 0.18)"
LAST_YEAR_COLOR = "#495057"
STATUS_COLORS = {"green": BETTER_COLOR, "amber": "#F08C00", "red": WORSE_COLOR}
PACING_HEIGHT = 420
SERIES_HEIGHT = 320
MAX_DATE_TICKS = 7


@dataclass(frozen=True)
class PacingWords:
    """The pacing chart's words, in the reader's language."""

    title: str
    target: str
    plan: str
    actual: str
    forecast: str
    band: str
    as_of: str


def pacing_figure(
    days: Sequence[date],
    planned: Sequence[float],
    actual: Sequence[float | None],
    forecast: Sequence[tuple[float, float, float] | None],
    target: float,
    as_of: date,
    words: PacingWords,
    *,
    currency: str,
    formats: Formats = ENGLISH,
    right_to_left: bool = False,
) -> go.Figure:
    """Cumulative revenue per day: plan, actual, forecast band (P10, P50, P90) and the target.

    ``actual`` is None after the last day the actuals cover, ``forecast`` None up to the
    as-of date; both may be None throughout.
    """
    money = parts.money_word(currency, formats)
    xs = list(range(len(days)))
    figure = go.Figure()
    band = [(index, value) for index, value in enumerate(forecast) if value is not None]
    if band:
        _add_band(figure, band, words.band)
    figure.add_trace(_line(xs, list(planned), words.plan, PLAN_COLOR, money, days, "dot"))
    seen = [(index, value) for index, value in enumerate(actual) if value is not None]
    if seen:
        indices, values = zip(*seen, strict=True)
        figure.add_trace(
            _line(
                list(indices),
                list(values),
                words.actual,
                ACTUAL_COLOR,
                money,
                [days[i] for i in indices],
                "solid",
            )
        )
    if band:
        band_days = [index for index, _ in band]
        medians = [value[1] for _, value in band]
        figure.add_trace(
            _line(
                band_days,
                medians,
                words.forecast,
                FORECAST_COLOR,
                money,
                [days[i] for i in band_days],
                "dash",
            )
        )
    figure.add_hline(y=target, line={"color": TARGET_COLOR, "dash": "dash", "width": 1.5})
    figure.add_annotation(
        x=1 - int(right_to_left),
        xref="paper",
        y=target,
        yanchor="bottom",
        xanchor=parts.reading_side(not right_to_left),
        text=parts.worded([f"{words.target} {money(target)}"], right_to_left)[0],
        showarrow=False,
        font={"color": TARGET_COLOR},
    )
    if as_of in days:
        figure.add_vline(x=days.index(as_of), line={"color": LINE_COLOR, "width": 1, "dash": "dot"})
    parts.layout(figure, words.title, right_to_left, height=PACING_HEIGHT, top=50)
    tops = [target, *planned, *(value for _, value in seen), *(v[2] for _, v in band)]
    figure.update_layout(
        showlegend=True,
        # Below the plot: four entries wrap to several rows on a phone, over the title.
        legend=parts.legend(right_to_left) | {"y": -0.12, "yanchor": "top"},
        xaxis=_date_axis(days, formats, right_to_left),
        yaxis=parts.value_axis(
            0.0, max(tops) * 1.08 or 1.0, parts.tick_word("money", currency, formats), right_to_left
        )
        | {"side": parts.reading_side(right_to_left)},
        hovermode="x unified",
    )
    return figure


def _add_band(
    figure: go.Figure, band: list[tuple[int, tuple[float, float, float]]], name: str
) -> None:
    indices = [index for index, _ in band]
    figure.add_trace(
        go.Scatter(
            x=indices,
            y=[value[0] for _, value in band],
            mode="lines",
            line={"width": 0},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    figure.add_trace(
        go.Scatter(
            x=indices,
            y=[value[2] for _, value in band],
            mode="lines",
            line={"width": 0},
            fill="tonexty",
            fillcolor=BAND_COLOR,
            name=name,
            hoverinfo="skip",
        )
    )


def _line(
    xs: list[int],
    ys: list[float],
    name: str,
    color: str,
    money: parts.Word,
    days: Sequence[date],
    dash: str,
) -> go.Scatter:
    return go.Scatter(
        x=xs,
        y=ys,
        name=name,
        mode="lines",
        line={"color": color, "dash": dash, "width": 2.5},
        hovertext=[f"{name}: {money(value)}" for value in ys],
        hovertemplate="%{hovertext}<extra></extra>",
    )


def _date_axis(days: Sequence[date], formats: Formats, right_to_left: bool) -> dict[str, object]:
    """Days by position, a few of them worded as ticks; time runs rightwards in any language."""
    step = max(1, -(-len(days) // MAX_DATE_TICKS))
    ticks = list(range(0, len(days), step))
    return {
        "tickmode": "array",
        "tickvals": ticks,
        "ticktext": parts.worded([formats.short_date(days[i]) for i in ticks], right_to_left),
        "range": [-0.5, max(len(days) - 0.5, 0.5)],
        "showgrid": False,
        "zeroline": False,
    }


def waterfall_figure(
    start_label: str,
    start: float,
    drivers: Sequence[tuple[str, float]],
    end_label: str,
    end: float,
    title: str,
    *,
    currency: str,
    formats: Formats = ENGLISH,
    right_to_left: bool = False,
) -> go.Figure:
    """Planned revenue to date, each driver's part of the gap (green up, red down), actual."""
    money = parts.money_word(currency, formats)
    names = [start_label, *(name for name, _ in drivers), end_label]
    amounts = [start, *(amount for _, amount in drivers), end]
    labels = [
        money(start),
        *(parts.signed_money(amount, currency, formats) for _, amount in drivers),
        money(end),
    ]
    figure = go.Figure(
        go.Waterfall(
            orientation="h",
            y=list(range(len(names))),
            x=amounts,
            measure=["absolute", *("relative" for _ in drivers), "total"],
            text=parts.worded(labels, right_to_left),
            textposition="outside",
            cliponaxis=False,
            increasing={"marker": {"color": BETTER_COLOR}},
            decreasing={"marker": {"color": WORSE_COLOR}},
            totals={"marker": {"color": ACTUAL_COLOR}},
            connector={"line": {"color": "#CED4DA", "width": 1}},
            hovertext=parts.worded(
                [f"{name}: {label}" for name, label in zip(names, labels, strict=True)],
                right_to_left,
            ),
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )
    running, lows, highs = start, [0.0, start, end], [start, end]
    for _, amount in drivers:
        running += amount
        lows.append(running)
        highs.append(running)
    low, high = min(lows), max(highs)
    span = (high - low) or abs(high) or 1.0
    parts.layout(figure, title, right_to_left, height=120 + 44 * len(names))
    figure.update_layout(
        xaxis=parts.value_axis(
            max(0.0, low - parts.TEXT_ROOM * span) if low >= 0 else low - parts.TEXT_ROOM * span,
            high + parts.TEXT_ROOM * span,
            parts.tick_word("money", currency, formats),
            right_to_left,
        ),
        yaxis=parts.category_axis(names, right_to_left),
    )
    return figure


def series_figure(
    periods: Sequence[str],
    values: Sequence[float | None],
    title: str,
    *,
    kind: str,
    currency: str,
    formats: Formats = ENGLISH,
    right_to_left: bool = False,
    last_year: Sequence[float | None] | None = None,
    last_year_label: str = "",
) -> go.Figure:
    """One bar per period (a gap where there is no value), last year's values as a line."""
    word = _kpi_word(kind, currency, formats)
    xs = list(range(len(periods)))
    bars = [value if value is not None else 0.0 for value in values]
    labels = [word(value) if value is not None else "" for value in values]
    figure = go.Figure(
        go.Bar(
            x=xs,
            y=bars,
            marker={"color": ACTUAL_COLOR},
            name=title,
            hovertext=parts.worded(
                [f"{p}: {label}" for p, label in zip(periods, labels, strict=True)], right_to_left
            ),
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )
    known = [value for value in values if value is not None]
    if last_year is not None and any(value is not None for value in last_year):
        figure.add_trace(
            go.Scatter(
                x=xs,
                y=list(last_year),
                mode="lines+markers",
                name=last_year_label,
                line={"color": LAST_YEAR_COLOR, "dash": "dot"},
                connectgaps=False,
                hovertext=parts.worded(
                    [f"{last_year_label}: {word(v) if v is not None else ''}" for v in last_year],
                    right_to_left,
                ),
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
        known += [value for value in last_year if value is not None]
        figure.update_layout(showlegend=True, legend=parts.legend(right_to_left))
    parts.layout(
        figure, title, right_to_left, height=SERIES_HEIGHT, top=80 if last_year is not None else 50
    )
    if last_year is not None:
        figure.update_layout(showlegend=True, legend=parts.legend(right_to_left))
    low, high = min([0.0, *known]), max([0.0, *known])
    step = max(1, -(-len(periods) // MAX_DATE_TICKS))
    ticks = list(range(0, len(periods), step))
    figure.update_layout(
        xaxis={
            "tickmode": "array",
            "tickvals": ticks,
            "ticktext": parts.worded([periods[i] for i in ticks], right_to_left),
            "showgrid": False,
        },
        yaxis=parts.value_axis(
            low * 1.1,
            (high * 1.1) or 1.0,
            parts.tick_word(_tick_kind(kind), currency, formats),
            right_to_left,
        )
        | {"side": parts.reading_side(right_to_left)},
        bargap=0.25,
    )
    return figure


def share_figure(
    names: Sequence[str],
    values: Sequence[float],
    title: str,
    *,
    kind: str,
    currency: str,
    formats: Formats = ENGLISH,
    right_to_left: bool = False,
) -> go.Figure:
    """One horizontal bar per channel or segment, largest first as given, with its share."""
    word = _kpi_word(kind, currency, formats)
    total = sum(values) or 1.0
    labels = [f"{word(value)} ({formats.percent(value / total)})" for value in values]
    figure = go.Figure(
        parts.labelled_bars(
            list(values),
            ACTUAL_COLOR,
            labels,
            [f"{name}: {label}" for name, label in zip(names, labels, strict=True)],
            right_to_left,
        )
    )
    low, high = parts.bar_range(list(values))
    parts.layout(figure, title, right_to_left, height=100 + 44 * len(names))
    figure.update_layout(
        xaxis=parts.value_axis(
            low, high, parts.tick_word(_tick_kind(kind), currency, formats), right_to_left
        ),
        yaxis=parts.category_axis(names, right_to_left),
        bargap=0.3,
    )
    return figure


def _kpi_word(kind: str, currency: str, formats: Formats) -> parts.Word:
    if kind == "percent":
        return parts.percent_word(formats)
    return parts.number_word(kind, currency, formats)


def _tick_kind(kind: str) -> str:
    return kind if kind in ("money", "percent", "ratio") else "count"
