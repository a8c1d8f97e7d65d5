"""How numbers read on screen: money with its currency, whole counts, percents, ratios."""

from __future__ import annotations

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}
NOTHING = "—"


def money(amount: float | None, currency: str, *, cents: bool | None = None) -> str:
    """``$120,000``, ``SAR 1,250``, ``$0.40``; cents shown for small amounts by default."""
    if amount is None:
        return NOTHING
    show_cents = abs(amount) < 100 if cents is None else cents
    number = f"{abs(amount):,.2f}" if show_cents else f"{abs(amount):,.0f}"
    symbol = CURRENCY_SYMBOLS.get(currency)
    text = f"{symbol}{number}" if symbol else f"{currency} {number}"
    return f"−{text}" if amount < 0 and float(number.replace(",", "")) != 0 else text


def count(value: float | None) -> str:
    """A head count: whole numbers with separators; one decimal under 10 when fractional."""
    if value is None:
        return NOTHING
    if abs(value) < 10 and value != int(value):
        return f"{value:,.1f}"
    return f"{value:,.0f}"


def percent(fraction: float | None) -> str:
    """``0.018`` → ``1.8%``; more decimals for small rates so they don't read as 0%."""
    if fraction is None:
        return NOTHING
    value = fraction * 100
    if value == 0:
        return "0%"
    decimals = 0 if abs(value) >= 10 and value == round(value) else 1 if abs(value) >= 1 else 2
    if abs(value) < 0.01:
        decimals = 4
    return f"{value:,.{decimals}f}%"


def ratio(value: float | None) -> str:
    """A multiple such as ROAS: ``2.70×``."""
    return NOTHING if value is None else f"{value:,.2f}×"
