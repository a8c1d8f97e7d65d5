"""Money and percentages written out in English, the one wording for messages and screens.

``i18n.formats`` builds every language's numbers on these, and the domain's messages are
worded with them, so "$29.63" on the page is never "29.63 USD" in a warning beside it.
Formatting is the language adapter's work, not the domain's: the planner reports numbers.
A currency's symbol and decimals (KWD has three, JPY none) come from babel's CLDR data.
"""

from __future__ import annotations

from babel.numbers import get_currency_precision, get_currency_symbol

MINUS = "−"
_LOCALE = "en"


def currency_symbol(currency: str) -> str:
    """``$`` for USD, ``€`` for EUR; the code itself where English has no symbol (``SAR``)."""
    try:
        return str(get_currency_symbol(currency, locale=_LOCALE))
    except (ValueError, LookupError):
        return currency


def currency_digits(currency: str) -> int:
    """The currency's minor-unit digits: 2 for USD, 3 for KWD, 0 for JPY."""
    try:
        return int(get_currency_precision(currency))
    except (ValueError, LookupError):
        return 2


def format_money(amount: float, currency: str, *, cents: bool) -> str:
    """``$120,000``, ``$0.40`` (with cents), ``SAR 1,250``, ``−€190,200``."""
    digits = currency_digits(currency) if cents else 0
    number = f"{abs(amount):,.{digits}f}"
    symbol = currency_symbol(currency)
    text = f"{symbol}{number}" if symbol != currency else f"{currency} {number}"
    return f"{MINUS}{text}" if amount < 0 and float(number.replace(",", "")) != 0 else text


def format_percent(fraction: float) -> str:
    """``0.018`` → ``1.8%``, ``0.1234`` → ``12.34%``; below 1% two significant digits.

    Trailing zeros are dropped, so a rate reads the same in a chart, a table and a message.
    """
    value = fraction * 100
    if value == 0:
        return "0%"
    text = f"{value:,.2f}" if abs(value) >= 1 else f"{value:.2g}"
    if "e" in text:  # .2g writes 1e-05; a percent on screen is never scientific
        text = f"{value:.10f}"
    return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"
