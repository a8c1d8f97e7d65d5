"""Constrained value types shared by the plan models, and how their values are shown.

Rates are fractions inside the planner (0.45, not 45%); percent exists only on screen.
Every bound is checked by one validator so that a bad value always gets the same kind of
message, naming the rule and the value: ``must be > 0 and ≤ 1, got 1.2``. Numbers must be
numbers: the text ``"120000"`` is refused, not read as one.

Each refusal is a code with its parameters (numbers as numbers, text as text) in the error's
context; the English message here is what the CLI prints by default, and ``i18n.domain``
words the same code in the reader's language.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from babel.core import get_global
from babel.numbers import get_territory_currencies
from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

OUT_OF_RANGE = "out_of_range"
# The years a plan's dates may lie in (re-exported by ``planner.period``).
MIN_YEAR = 1900
MAX_YEAR = 2199
# Floats hold whole numbers exactly below 2**53; from 1e16 on, digits would be invented.
_SCIENTIFIC_FROM = 1e16
_SCIENTIFIC_BELOW = 1e-6
_LONGEST_WHOLE_NUMBER = 21  # digits of an int shown in full, with thousands separators
_SIGNIFICANT_DIGITS = 15  # hides float noise such as 0.07 * 100 = 7.000000000000001

# Refused in names: C0/C1 controls (newline, ESC...), lone surrogates (not encodable), line and
# paragraph separators, and the bidirectional controls that make text read differently from
# what it is. Other invisible characters (a zero-width joiner in an emoji) are allowed.
_CONTROL = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]"
)


def printable(text: str) -> str:
    r"""``text`` for an error line: every character Python deems unprintable is escaped.

    A newline becomes ``\n``, ESC ``\x1b``, a no-break space ``\xa0``, a zero-width space
    ``\u200b``: nothing can fake a line or drive the terminal, and an invisible difference
    (``"price\u200b"`` is not ``"price"``) becomes visible. Backslashes are left alone, so
    escaping twice changes nothing.
    """
    if text.isprintable():
        return text
    return "".join(
        character if character.isprintable() else ascii(character)[1:-1] for character in text
    )


def format_number(value: float) -> str:
    """Show a number the way a person writes it.

    Whole numbers get thousands separators (``1,000,000,000,000,001``), fractions their
    shortest form (``1.2``, ``0.45``, ``0.000001``); only the truly huge or tiny are
    scientific (``2.5e20``, ``1e-9``). ``nan`` and ``inf`` stay as Python spells them.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return _format_int(value)
    value = float(value)
    if not math.isfinite(value):
        return str(value)
    if value.is_integer() and abs(value) < _SCIENTIFIC_FROM:
        return f"{int(value):,}"
    if value != 0 and not _SCIENTIFIC_BELOW <= abs(value) < _SCIENTIFIC_FROM:
        return _scientific(value)
    return f"{_shortest(value):,f}"


def _shortest(value: float) -> Decimal:
    """The shortest decimal that reads back as ``value``, less float noise."""
    text = repr(value)
    digits = text.split("e")[0].replace("-", "").replace(".", "").strip("0")
    if len(digits) > _SIGNIFICANT_DIGITS:
        text = f"{value:.{_SIGNIFICANT_DIGITS}g}"
    return Decimal(text).normalize()


def _scientific(value: float) -> str:
    """``2.5e+20`` → ``2.5e20``; ``1e-09`` → ``1e-9``."""
    mantissa, exponent = f"{_shortest(value):e}".split("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exponent)}"


def _format_int(value: int) -> str:
    """Whole numbers in full up to 21 digits, then as ``1.23457e30`` (exact, no float)."""
    if abs(value) < 10**_LONGEST_WHOLE_NUMBER:
        return f"{value:,}"
    mantissa, exponent = f"{Decimal(value):.6e}".split("e")
    return f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"


def format_bound(value: float) -> str:
    """Show a limit readably: 1e12 → 1,000,000,000,000; 0.01 → 0.01."""
    return format_number(value)


def _rule_text(gt: float | None, ge: float | None, le: float | None) -> str:
    parts = []
    if gt is not None:
        parts.append(f"> {format_bound(gt)}")
    if ge is not None:
        parts.append(f"≥ {format_bound(ge)}")
    if le is not None:
        parts.append(f"≤ {format_bound(le)}")
    return " and ".join(parts)


def _a_number(value: Any) -> Any:
    """Only numbers are numbers: JSON ``true`` is not 1, and ``"120000"`` is text.

    Pydantic's lax mode would read both as numbers; a plan file says what it means.
    """
    if isinstance(value, bool):
        raise PydanticCustomError(
            "bool_not_number", "must be a number, got {got}", {"got": str(value).lower()}
        )
    if isinstance(value, str | bytes):
        text = value.decode(errors="replace") if isinstance(value, bytes) else value
        shown = show_text(text)
        raise PydanticCustomError(
            "number_as_text", "must be a number, got {got} (text)", {"got": shown}
        )
    return value


def show_text(text: str, limit: int = 40) -> str:
    """Text quoted for a message, control characters escaped, cut to ``limit`` characters."""
    cut = text if len(text) <= limit else text[: limit - 1] + "…"
    return f'"{printable(cut)}"'


def _range_check(
    *,
    gt: float | None = None,
    ge: float | None = None,
    le: float | None = None,
    practical_min: float | None = None,
) -> tuple[BeforeValidator, AfterValidator]:
    """Build validators for a closed/open range, plus a practical floor.

    The floor keeps the arithmetic finite (a 1e-300 rate would need infinite traffic) and is
    reported separately, because "must be > 0" would be a confusing answer to 1e-300.
    """
    rule = _rule_text(gt, ge, le)

    def fail(value: float, rule_text: str, minimum: float | None = None) -> PydanticCustomError:
        # The bounds travel as numbers, so a reader's language can word them (see i18n.domain);
        # ``minimum`` is set when the practical floor, not the range, is what failed.
        context = {
            "rule": rule_text,
            "got": value,
            "got_text": format_number(value),
            "gt": gt,
            "ge": ge,
            "le": le,
            "minimum": minimum,
        }
        return PydanticCustomError(OUT_OF_RANGE, "must be {rule}, got {got_text}", context)

    def check(value: Any) -> Any:
        too_low = (gt is not None and not value > gt) or (ge is not None and not value >= ge)
        if too_low or (le is not None and not value <= le):
            raise fail(value, rule)
        if practical_min is not None and value < practical_min:
            raise fail(value, f"at least {format_number(practical_min)}", practical_min)
        return value

    return BeforeValidator(_a_number), AfterValidator(check)


def _schema(**bounds: float) -> dict[str, float]:
    names = {"gt": "exclusiveMinimum", "ge": "minimum", "le": "maximum"}
    return {names[key]: value for key, value in bounds.items()}


MAX_MONEY = 1e12

Rate = Annotated[
    float,
    *_range_check(gt=0, le=1, practical_min=1e-6),
    Field(json_schema_extra=_schema(gt=0, le=1)),
]
"""A conversion or click-through rate: a fraction above 0, at most 1."""

Share = Annotated[
    float,
    *_range_check(ge=0, le=1),
    Field(json_schema_extra=_schema(ge=0, le=1)),
]
"""A share that may be zero: gross margin, repeat-purchase share."""

Money = Annotated[
    float,
    *_range_check(gt=0, le=MAX_MONEY, practical_min=0.01),
    Field(json_schema_extra=_schema(gt=0, le=MAX_MONEY)),
]
"""A positive amount of money in the plan's currency."""

Cost = Annotated[
    float,
    *_range_check(ge=0, le=MAX_MONEY),
    Field(json_schema_extra=_schema(ge=0, le=MAX_MONEY)),
]
"""A cost that may be zero (free traffic)."""

OrdersPerCustomer = Annotated[
    float,
    *_range_check(ge=1, le=1000),
    Field(json_schema_extra=_schema(ge=1, le=1000)),
]
"""Orders one customer places within the period: at least their first."""

Count = Annotated[
    int,
    *_range_check(ge=0, le=1e12),
    Field(json_schema_extra=_schema(ge=0, le=1e12)),
]
"""A whole, non-negative number of people."""


# --- Currencies -------------------------------------------------------------------------------


@functools.cache
def currency_codes() -> frozenset[str]:
    """ISO 4217 codes legal tender somewhere today (USD, EUR, SAR...), from babel's CLDR data.

    Withdrawn currencies (HRK, VEF), test and fund codes (XTS, XXX, XAU) are left out.
    """
    today = date.today()
    territories: Mapping[str, Any] = get_global("territory_currencies")
    return frozenset(
        code
        for territory in territories
        for code in get_territory_currencies(territory, today, tender=True)
    )


def _currency_code(value: Any) -> Any:
    """A current ISO 4217 code, upper-cased: ``"sar"`` → ``"SAR"``; ``"XYZ"`` is refused."""
    if not isinstance(value, str):
        return value  # pydantic says "must be text"
    code = value.strip().upper()
    if len(code) != 3 or not code.isascii() or not code.isalpha():
        raise PydanticCustomError(
            "currency",
            "must be a 3-letter ISO 4217 code such as USD or SAR, got {got}",
            {"got": show_text(value)},
        )
    if code not in currency_codes():
        raise PydanticCustomError(
            "currency_unknown",
            "{got} is not a current ISO 4217 currency code; use one such as USD, EUR or SAR",
            {"got": show_text(code)},
        )
    return code


CurrencyCode = Annotated[
    str,
    BeforeValidator(_currency_code),
    Field(description="ISO 4217 code of a current currency, e.g. USD, EUR, SAR."),
]
"""The plan's currency; the page's currency input is checked by the same rule."""


# --- Dates ------------------------------------------------------------------------------------

_ISO_DATE = re.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date(value: Any) -> Any:
    """A date is a ``date`` or the text ``YYYY-MM-DD``: never seconds since 1970, nor "20270101"."""
    if isinstance(value, date) or value is None:
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            if _ISO_DATE.fullmatch(text):
                return date.fromisoformat(text)
        except ValueError:
            pass
        raise PydanticCustomError(
            "not_a_date", "must be a date like 2027-01-31, got {got}", {"got": show_text(value)}
        )
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise PydanticCustomError(
            "number_as_date",
            'must be a date written as text like "2027-01-31", got the number {got}',
            {"got": str(value) if isinstance(value, int) else format_number(value)},
        )
    return value  # pydantic names the type


def _within_years(value: date) -> date:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise PydanticCustomError(
            "year_out_of_range",
            "must be in the years {min_year}–{max_year}, got {got}",
            {"min_year": MIN_YEAR, "max_year": MAX_YEAR, "got": value.isoformat()},
        )
    return value


PlanDate = Annotated[date, BeforeValidator(_iso_date), AfterValidator(_within_years)]
"""A day between 1900-01-01 and 2199-12-31, written ``YYYY-MM-DD`` in a plan file."""


# --- Names ------------------------------------------------------------------------------------


def _plain_text(text: str) -> str:
    """Names are shown in tables, charts and error lines: no control characters in them."""
    found = _CONTROL.search(text)
    if found is not None:
        raise PydanticCustomError(
            "control_character",
            "must not contain control characters such as {character}, got {got}",
            {"character": printable(found.group()), "got": show_text(text, limit=80)},
        )
    if not text:
        raise PydanticCustomError("empty", "must not be empty")
    return text


Name = Annotated[str, Field(max_length=80), AfterValidator(_plain_text)]
"""A stage, plan or paid-stage name: 1–80 characters, none of them a control character."""


def _lines_of_text(text: str) -> str:
    """Free text may run over several lines; any other control character is refused."""
    for line in text.split("\n"):
        if line:
            _plain_text(line.removesuffix("\r"))
    return text


Notes = Annotated[str, Field(max_length=1000), AfterValidator(_lines_of_text)]
"""Free text about a plan: up to 1,000 characters over any number of lines, or empty."""
