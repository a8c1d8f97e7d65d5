"""How numbers, money, dates and periods read on screen, in the reader's language and digits.

One module for every number the Plan page shows, so the chart, the table, the metrics and
the notes never disagree (12% in one place and 12.0% in another). Each function formats for
this session's reader (``ui.i18n.formats()``): in English the planner's own wording
(``$120,000``, ``SAR 1,250``), so the page and its warnings agree; in Arabic CLDR's
(``‏34,334 US$``, ``‏1.500 د.ك.``), with Latin or Arabic-Indic digits as the reader chose.
Dates are Gregorian, with the language's month names from babel.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from babel.dates import format_date

from i18n.catalogue import N_
from planner.models import Period
from planner.period import month_period, quarter_period
from ui.compare import Wording
from ui.draft import Money, Percent, Phrase
from ui.i18n import formats, language, right_to_left, t, t_plural

NOTHING = "—"
# Left-to-right mark: keeps a currency symbol that ends in a neutral character whole inside
# right-to-left text (without it "US$" after an amount reads "$US").
_LRM = "\u200e"
_RLM = "\u200f"
_LRI, _PDI = "\u2066", "\u2069"  # a left-to-right isolate and its end
_LEADING_NUMBER = re.compile(r"[0-9٠-٩.,٫٬%٪]+")
# A "$" that no digit follows could close a LaTeX span in Streamlit's markdown ("34 US$ … 5
# US$" would turn into a formula); "$12" can't, so English text is left as it is.
_MATH_DOLLAR = re.compile(r"(?<!\\)\$(?!\d)")
_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
QUARTER_NAMES = {1: N_("Q1"), 2: N_("Q2"), 3: N_("Q3"), 4: N_("Q4")}


def money(amount: float | None, currency: str, *, cents: bool | None = None) -> str:
    """``$120,000``, ``SAR 1,250``, ``$0.40``; cents shown for small amounts by default."""
    text = formats().money(amount, currency, cents=cents)
    return text + _LRM if right_to_left() and text != NOTHING else text


def markdown(text: str) -> str:
    """``text`` ready for a markdown element: a "$" that could start a formula is escaped."""
    return _MATH_DOLLAR.sub(r"\\$", text)


def money_per(amount: float | None, currency: str, stage: str) -> str:
    """A price per unit, always with the currency's decimals: ``$0.40 per 'Sessions'``."""
    return t("{price} per '{stage}'", price=money(amount, currency, cents=True), stage=stage)


def count(value: float | None) -> str:
    """A head count: whole numbers with separators; one decimal under 10 when fractional."""
    return formats().count(value)


def percent(fraction: float | None) -> str:
    """``0.018`` → ``1.8%``, ``0.12`` → ``12%``, ``0.00001`` → ``0.001%``."""
    return formats().percent(fraction)


def ratio(value: float | None) -> str:
    """A multiple such as ROAS: ``2.70×``."""
    return formats().ratio(value)


def plural_count(value: float) -> int:
    """The number that picks a quantity's plural form: the number as ``count`` shows it.

    Whole from 10 up (1,545.012 customers read "1,545"); a fraction under 10 (1.4 orders)
    takes CLDR's "other" form in English and in Arabic, which gettext's formulas give 100.
    """
    if float(value).is_integer() or abs(value) >= 10:
        return round(value)
    return 100


def year(value: int) -> str:
    """A year as it is written, without a thousands separator: ``2027``, ``٢٠٢٧``."""
    return _digits(str(value))


def month_name(month: int) -> str:
    """``March``, ``مارس``: the Gregorian month's name in the reader's language."""
    return format_date(date(2000, month, 1), "MMMM", locale=language())


def day(value: date) -> str:
    """``March 31, 2027``; ``31 مارس 2027``."""
    return formats().date(value)


def moment(value: datetime) -> str:
    """A saved time in UTC: ``March 31, 2027, 14:05 UTC``, in the reader's digits."""
    utc = value.astimezone(UTC)
    return t("{date}, {time} UTC", date=day(utc.date()), time=_digits(utc.strftime("%H:%M")))


def quarter_name(quarter: int) -> str:
    """``Q1``; ``الربع الأول``."""
    return t(QUARTER_NAMES[quarter])


def period_name(period: Period) -> str:
    """A short label: ``Q1 2027``, ``March 2027``, ``2027``, or its first and last days."""
    start, end = period.start, period.end
    if start == date(start.year, 1, 1) and end == date(start.year, 12, 31):
        return year(start.year)
    if start.day == 1 and end == month_period(start.year, start.month).end:
        return f"{month_name(start.month)} {year(start.year)}"
    quarter = (start.month - 1) // 3 + 1
    if start.day == 1 and start.month % 3 == 1 and end == quarter_period(start.year, quarter).end:
        return f"{quarter_name(quarter)} {year(start.year)}"
    return f"{day(start)} – {day(end)}"


def days(value: int) -> str:
    """``90 days``, ``1 day``; ``٩٠ يومًا``."""
    return t_plural("{number} day", "{number} days", value, number=count(value))


def joined(parts: list[str]) -> str:
    """Short parts on one line: ``a · b · c``; in Arabic ``a، b، c``.

    Arabic takes its comma: a "·" beside Arabic-Indic digits reads as a zero.
    """
    return ("، " if language() == "ar" else " · ").join(parts)


def signed_money(amount: float | None, currency: str) -> str:
    """A difference in money: ``+$1,200``, ``−$1,200``, ``$0``; the sign read first in Arabic."""
    if amount is None:
        return NOTHING
    return _signed(money(abs(amount), currency), amount, round(amount, 2) == 0)


def signed_percent(fraction: float | None) -> str:
    """A relative change: ``+4.2%``, ``−4.2%``, ``0%``."""
    if fraction is None:
        return NOTHING
    return _signed(percent(abs(fraction)), fraction, round(fraction, 4) == 0)


def signed_count(value: float | None) -> str:
    """A difference in a count: ``+1,200``, ``−1,200``, ``0``."""
    if value is None:
        return NOTHING
    return _signed(count(abs(value)), value, round(value) == 0)


def delta(text: str, value: float) -> str:
    """A metric's change: Streamlit reads its direction from a leading ASCII "-"."""
    return f"-{text}" if value < 0 else f"+{text}"


def _signed(text: str, value: float, is_zero: bool) -> str:
    """``text`` (an absolute amount) with its sign.

    In a right-to-left page the signed number is isolated left to right (``−15.3%``,
    ``+360 US$``): the sign stays on the digits' left, where Arabic readers expect it.
    """
    if is_zero:
        return text
    sign = "+" if value > 0 else "−"
    if right_to_left():
        # Only the number is isolated: a currency after it stays where unsigned amounts
        # have it ("US$ −9,177" beside "US$ 60,000").
        bare = text.strip(_RLM + _LRM)
        number = _LEADING_NUMBER.match(bare)
        cut = number.end() if number else len(bare)
        return f"{_RLM}{_LRI}{sign}{bare[:cut]}{_PDI}{bare[cut:]}{_LRM if cut < len(bare) else ''}"
    return f"{sign}{text}"


def say(phrase: Phrase) -> str:
    """A sentence kept for later (a note beside a field), worded for the reader now."""
    params = {name: _worded(value) for name, value in phrase.params.items()}
    return t(phrase.source, **params)


def _worded(value: object) -> str:
    if isinstance(value, Phrase):
        return say(value)
    if isinstance(value, Money):
        return money(value.amount, value.currency, cents=value.cents)
    if isinstance(value, Percent):
        return percent(value.fraction)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return count(value)
    return str(value)


def _digits(text: str) -> str:
    return text.translate(_ARABIC_INDIC) if formats().digits == "arab" else text


def wording() -> Wording:
    """The reader's way of wording labels and values, for the pure text builders."""
    return Wording(
        t=t,
        money=lambda amount, currency: money(amount, currency),
        count=count,
        percent=percent,
        ratio=ratio,
        period=lambda plan: period_name(plan.period),
    )
