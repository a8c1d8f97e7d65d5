"""Numbers, money, percentages and dates as a reader of one language expects them.

English keeps the planner's wording (``$120,000``, ``SAR 1,250``, ``12%``). Arabic follows
CLDR through babel: the amount before the currency's Arabic symbol (``34,334 ر.س.``), the
currency's own decimals (KWD three, JPY none), Gregorian dates with Arabic month names, and,
when the reader prefers them, Arabic-Indic digits with the Arabic separators
(``٣٤٬٣٣٤٫٦٠``). Babel changes the separators for ``numbering_system="arab"`` but not the
digits, so the digits are mapped here, after formatting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from babel.dates import format_date
from babel.numbers import get_currency_symbol

from i18n.languages import Digits, Language
from i18n.numbers import currency_digits, format_money, format_percent

NOTHING = "—"
MINUS = "−"
_ARABIC_INDIC = str.maketrans("0123456789,.%", "٠١٢٣٤٥٦٧٨٩٬٫٪")
# Right-to-left mark: keeps "−" and the digits of an amount on the reading side of a symbol.
_RLM = "\u200f"


@dataclass(frozen=True)
class Formats:
    """How one reader sees numbers: their language and their digits."""

    language: Language = "en"
    digits: Digits = "latn"

    def _digits(self, text: str) -> str:
        return text.translate(_ARABIC_INDIC) if self.digits == "arab" else text

    def money(self, amount: float | None, currency: str, *, cents: bool | None = None) -> str:
        """``$120,000``; ``$0.40`` (cents for small amounts); ``34,334 ر.س.`` in Arabic."""
        if amount is None:
            return NOTHING
        show_cents = abs(amount) < 100 if cents is None else cents
        if self.language == "en":
            return self._digits(format_money(amount, currency, cents=show_cents))
        places = currency_digits(currency) if show_cents else 0
        number = self._digits(f"{abs(amount):,.{places}f}")
        sign = MINUS if amount < 0 and round(abs(amount), places) != 0 else ""
        return f"{_RLM}{sign}{number}\u00a0{self.currency_symbol(currency)}"

    def currency_symbol(self, currency: str) -> str:
        """The symbol readers of this language use: ``$`` / ``US$``, ``SAR`` / ``ر.س.``."""
        try:
            return str(get_currency_symbol(currency, locale=self.language)).strip(_RLM)
        except (ValueError, LookupError):
            return currency

    def count(self, value: float | None) -> str:
        """Whole numbers with separators; one decimal under 10 when fractional."""
        if value is None:
            return NOTHING
        if abs(value) < 10 and value != int(value):
            return self._digits(f"{value:,.1f}")
        return self._digits(f"{value:,.0f}")

    def percent(self, fraction: float | None) -> str:
        """``12%``, ``1.85%``, ``0.001%``: the same digits kept in every language."""
        return NOTHING if fraction is None else self._digits(format_percent(fraction))

    def ratio(self, value: float | None) -> str:
        """A multiple such as ROAS: ``2.70×``."""
        return NOTHING if value is None else self._digits(f"{value:,.2f}×")

    def number(self, value: float) -> str:
        """A plain number as typed, with separators: ``1,234.5``."""
        text = f"{value:,.10f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:,.0f}"
        return self._digits(text)

    def short_date(self, day: date) -> str:
        """``Mar 31``; ``31 مارس``: a day on a chart's axis, the year left to the title."""
        pattern = "MMM d" if self.language == "en" else "d MMMM"
        return self._digits(format_date(day, pattern, locale=self.language))

    # Last: below it, ``date`` in an annotation would name this method, not the type.
    def date(self, day: date) -> str:
        """``March 31, 2027``; ``31 مارس 2027`` (Gregorian, Arabic month names)."""
        pattern = "MMMM d, y" if self.language == "en" else "d MMMM y"
        return self._digits(format_date(day, pattern, locale=self.language))
