"""How numbers read on screen: money with its currency, whole counts, percents, ratios.

One module for every number the Plan page shows, so the chart, the table, the metrics and
the notes never disagree (12% in one place and 12.0% in another); money and percents use
the planner's wording so the page and its warnings agree too.
"""

from __future__ import annotations

from planner.numbers import format_money, format_percent

NOTHING = "—"


def money(amount: float | None, currency: str, *, cents: bool | None = None) -> str:
    """``$120,000``, ``SAR 1,250``, ``$0.40``; cents shown for small amounts by default."""
    if amount is None:
        return NOTHING
    return format_money(amount, currency, cents=abs(amount) < 100 if cents is None else cents)


def money_per(amount: float | None, currency: str, unit: str) -> str:
    """A price per unit, always with the currency's decimals: ``$0.40 per 'Sessions'``."""
    return f"{money(amount, currency, cents=True)} per {unit}"


def count(value: float | None) -> str:
    """A head count: whole numbers with separators; one decimal under 10 when fractional."""
    if value is None:
        return NOTHING
    if abs(value) < 10 and value != int(value):
        return f"{value:,.1f}"
    return f"{value:,.0f}"


def percent(fraction: float | None) -> str:
    """``0.018`` → ``1.8%``, ``0.12`` → ``12%``, ``0.00001`` → ``0.001%``."""
    return NOTHING if fraction is None else format_percent(fraction)


def ratio(value: float | None) -> str:
    """A multiple such as ROAS: ``2.70×``."""
    return NOTHING if value is None else f"{value:,.2f}×"
