"""Parts every chart builder shares: the layout, axes with worded ticks, signed numbers.

A right-to-left reader gets the title, the legend and the names of a category axis on the
right and every text in a right-to-left isolate; numbers are worded by ``Formats`` (so
Arabic-Indic digits reach the ticks too). Used by the Scenarios, A/B tests and review charts.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, Literal

import plotly.graph_objects as go

from i18n.formats import MINUS, Formats
from ui.charts import _isolated

Kind = Literal["money", "count", "ratio"]
Word = Callable[[float], str]

BETTER_COLOR = "#2F9E44"
WORSE_COLOR = "#E03131"
TARGET_COLOR = "#C92A2A"
LINE_COLOR = "#495057"
GRID_COLOR = "#E9ECEF"

RLM = "\u200f"  # keeps a "+" or "−" on the reading side of a right-to-left number
TEXT_ROOM = 0.45  # share of the bars' span left beside them for the outside labels
MARGIN = {"l": 40, "r": 40, "t": 50, "b": 10}  # room for the end ticks' labels


def layout(
    figure: go.Figure, title: str, right_to_left: bool, *, height: int, top: int = 50
) -> None:
    """Title on the reading side, the height, margins with room for the end ticks, no legend."""
    side = reading_side(right_to_left)
    figure.update_layout(
        title={
            "text": title,
            "x": int(right_to_left),
            "xanchor": side,
            "y": 1,
            "yanchor": "top",
            "pad": {"t": 12},
            "font": {"size": 15},
        },
        height=height,
        margin=MARGIN | {"t": top},
        showlegend=False,
        plot_bgcolor="white",
    )


def legend(right_to_left: bool) -> dict[str, Any]:
    """Across the top, on the reading side: the first entry is read first either way."""
    return {
        "orientation": "h",
        "x": int(right_to_left),
        "xanchor": reading_side(right_to_left),
        "y": 1,
        "yanchor": "bottom",
        "traceorder": "reversed" if right_to_left else "normal",
    }


def reading_side(right_to_left: bool) -> str:
    """The side a reader starts from: right in Arabic, left in English."""
    return "right" if right_to_left else "left"


def category_axis(names: Sequence[str], right_to_left: bool) -> dict[str, Any]:
    """Names by position (a name may repeat), the first on top, on the reading side."""
    return {
        "tickmode": "array",
        "tickvals": list(range(len(names))),
        "ticktext": worded(names, right_to_left),
        "range": [max(len(names), 1) - 0.5, -0.5],
        "side": reading_side(right_to_left),
        "automargin": True,
        "showgrid": False,
        "zeroline": False,
    }


def value_axis(
    low: float,
    high: float,
    word: Callable[[float, float], str],
    right_to_left: bool = False,
) -> dict[str, Any]:
    """A numeric axis from ``low`` to ``high`` with round ticks worded by ``word``."""
    ticks, step = round_ticks(low, high)
    return {
        "range": [low, high],
        "tickmode": "array",
        "tickvals": ticks,
        "ticktext": worded([word(tick, step) for tick in ticks], right_to_left),
        "automargin": True,
        "zeroline": False,
        "gridcolor": GRID_COLOR,
    }


def round_ticks(low: float, high: float, count: int = 5) -> tuple[list[float], float]:
    """Round values (1, 2, 2.5 or 5 × 10ⁿ apart) between ``low`` and ``high``; and the step."""
    span = high - low
    if not (span > 0 and math.isfinite(span)):
        return [low], 1.0
    rough = span / count
    magnitude = 10.0 ** math.floor(math.log10(rough))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= rough)
    first, last = math.ceil(low / step - 1e-9), math.floor(high / step + 1e-9)
    return [k * step + 0.0 for k in range(first, last + 1)], step


def tick_word(kind: str, currency: str, formats: Formats) -> Callable[[float, float], str]:
    """Tick labels: money with cents only when the ticks are less than 1 apart."""
    if kind == "money":
        return lambda value, step: formats.money(value, currency, cents=step < 1)
    if kind == "percent":
        return lambda value, step: formats.percent(value)
    if kind == "ratio":
        return lambda value, step: formats.ratio(value)
    return lambda value, step: formats.count(value) if value == round(value) else ""


def number_word(kind: str, currency: str, formats: Formats) -> Word:
    """How a value of ``kind`` is worded: money in ``currency``, a count or a ratio."""
    if kind == "money":
        return money_word(currency, formats)
    if kind == "count":
        return lambda value: formats.count(value)
    if kind == "ratio":
        return lambda value: formats.ratio(value)
    raise ValueError(f"kind must be 'money', 'count' or 'ratio', got {kind!r}")


def money_word(currency: str, formats: Formats) -> Word:
    """Money in ``currency``, worded for the reader."""
    return lambda value: formats.money(value, currency)


def percent_word(formats: Formats) -> Word:
    """A fraction as a percent, worded for the reader."""
    return lambda value: formats.percent(value)


def signed_money(
    amount: float, currency: str, formats: Formats, *, cents: bool | None = None
) -> str:
    """``+$1,200``, ``−$1,200``, ``$0``: a difference, signed unless it rounds to nothing."""
    if amount == 0 and cents is None:
        cents = False  # "$0", not "$0.00"
    text = formats.money(amount, currency, cents=cents)
    if amount <= 0 or formats.money(-amount, currency, cents=cents) == text:
        return text
    return f"{RLM}+{text[1:]}" if text.startswith(RLM) else f"+{text}"


def signed_percent(fraction: float, formats: Formats) -> str:
    """``+4.2%``, ``−4.2%``, ``0%``."""
    sign = "+" if fraction > 0 else MINUS if fraction < 0 else ""
    reading_side = RLM if sign and formats.language != "en" else ""
    return f"{reading_side}{sign}{formats.percent(abs(fraction))}"


def labelled_bars(
    values: Sequence[float | None],
    colors: str | Sequence[str],
    labels: Sequence[str],
    hover: Sequence[str],
    right_to_left: bool,
) -> go.Bar:
    """Horizontal bars, one per row from the top, each labelled outside its end."""
    return go.Bar(
        x=list(values),
        y=list(range(len(values))),
        orientation="h",
        marker={"color": colors},
        text=worded(labels, right_to_left),
        textposition="outside",
        cliponaxis=False,
        hovertext=worded(hover, right_to_left),
        hovertemplate="%{hovertext}<extra></extra>",
    )


def worded(texts: Sequence[str], right_to_left: bool) -> list[str]:
    """Texts as the chart shows them: each in a right-to-left isolate for an Arabic reader."""
    return _isolated(texts) if right_to_left else list(texts)


def bar_range(values: Sequence[float]) -> tuple[float, float]:
    """From zero to the bars' ends, with room beside them for their outside labels."""
    low, high = min([0.0, *values]), max([0.0, *values])
    span = (high - low) or 1.0
    return (low - TEXT_ROOM * span if low < 0 else 0.0), (
        high + TEXT_ROOM * span if high > 0 or low == 0 else 0.0
    )


def padded_range(values: Sequence[float]) -> tuple[float, float]:
    """The values' range with a little room either side (around a single value, more)."""
    low, high = min(values), max(values)
    pad = 0.03 * (high - low) if high > low else half_width(low, high)
    return low - pad, high + pad


def half_width(low: float, high: float) -> float:
    """Half the width of the one bar drawn when every trial has (nearly) the same revenue."""
    return max((high - low) / 2, abs(high) * 0.01, 0.5)
