"""A store's funnel results (CSV or Excel) read into ``FunnelActuals``, after a column mapping.

A funnel file has one row per day, week or month (several rows on one date are fine: one
per channel, say), a date column, a count column per funnel stage it tracks, and optionally
money and customer columns. Reading takes two steps, so a page can show the first:

1. ``guess_columns`` matches the headers to *roles*: ``"date"``, each plan stage (by its
   name), the measures of ``planner.actuals.funnel.MEASURES`` (``"revenue"``, ``"orders"``,
   ``"spend"``, ``"new_customers"``...) and ``"channel"``. Headers match ignoring case,
   spaces, punctuation and Arabic letter forms (``files.visitors.header_key``): a stage by
   its own name first, then by a common synonym (sessions, visits, visitors, traffic, زيارات,
   جلسات, زوار → the first stage; purchases, buyers, customers, new customers, مشتريات, عملاء
   → the last stage), then the measures and the channel by theirs (see ``_SYNONYMS``; a money
   header may end with a currency code: "Revenue (SAR)"). A role two headers fit is left
   unassigned and listed in ``ambiguous``; so is a role whose one header another role took.
2. ``read_funnel_actuals`` reads the file with that guess, or with the ``mapping`` the user
   corrected (role → header), which then replaces the guess entirely: a role it leaves out
   is not read. A date column is required, and at least one stage or revenue column. A
   stage no column maps to is simply not in the actuals (``stages_missing``).

The values:

- a date is read as the order log's are (``files.orders``): ISO, day first or month first,
  the order detected per file (``day_first`` says it when the file can't); a time after it is
  ignored (a funnel row is a day's), and ``2027-01`` is the month's first day;
- the rows cover days, weeks or months (``granularity``), or it is detected from the
  distinct dates: two or more, all the first of a month → months (each row covers its
  calendar month); two or more on the same weekday → weeks (7 days from the date); else
  days. With ``granularity="month"``, a row dated mid-month covers the month it falls in;
- a count (a stage, orders, customers) is a whole number ≥ 0, thousands grouped by commas,
  Arabic-Indic digits allowed (``1,234``, ``١٬٢٣٤``); ``12.0`` is 12, ``12.5`` refused;
- an amount (revenue, spend...) is read as the order log's amounts are: ``$1,234.50``,
  ``1234.50 SAR``, ``١٢٣٫٥ ر.س``; a decimal comma is refused rather than guessed;
- a channel is its text, spaces around it trimmed; channels are coded in the order they
  first appear.

A row with an empty cell in a mapped column is skipped (``skipped`` names it, with its row
number), as long as at most half the rows are; past that the file is refused, naming the
column and its first empty rows (``values_missing``). A value that can't be read is never
skipped: the file is refused naming the column and rows (``count_invalid``,
``amount_invalid``, ``date_invalid``...), as the other readers do.

Excel files (.xlsx) are read through ``files.sheets`` (its problem codes apply), so a
workbook row keeps its Excel row number in every message. The CSV is checked as a visitor
file is (UTF-8 with or without a byte-order mark, at most ``MAX_FILE_BYTES``, comma,
semicolon, tab or bar as detected from the header, one line per row). Codes besides those
of ``files.visitors``/``files.orders``: ``mapping_role_unknown``, ``no_stage_columns``,
``no_rows``, ``count_invalid``, ``values_missing``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, NoReturn, get_args

import numpy as np
import numpy.typing as npt
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
import pyarrow.csv as pa_csv  # type: ignore[import-untyped]
from pydantic import ConfigDict, Field

from files import sheets
from files.orders import _Column, _days, _latin_digits
from files.visitors import (
    _BOM,
    _CURRENCY_SUFFIX,
    _VISIBLE,
    MAX_FILE_BYTES,
    ROWS_SHOWN,
    _as_numpy,
    _check_not_binary,
    _check_utf8,
    _header,
    _InvalidRows,
    _numbers_in_text,
    _refuse,
    _refuse_multiline,
    _RowNumbers,
    _rows,
    _shown,
    _unreadable,
    bad_rows,
    column_ambiguous,
    column_missing,
    columns_reused,
    header_key,
)
from planner.actuals.funnel import MEASURES, FunnelActuals, Measure
from planner.base import Model
from planner.errors import FILE, FieldProblem, PlanInvalid, field_path
from planner.types import MAX_MONEY, show_text

Granularity = Literal["day", "week", "month"]
DATE = "date"
CHANNEL = "channel"
MAPPING = "mapping"
SKIPPED_SHOWN = 20
MAX_COUNT = 1e15
"""The largest count read: far past any store's, and every whole number below it is exact."""
COUNT_MEASURES: frozenset[Measure] = frozenset(
    {"orders", "new_customers", "new_orders", "returning_customers", "returning_orders"}
)
"""Measures that count (whole numbers ≥ 0); the others are money."""
_MONEY_MEASURES = frozenset(MEASURES) - COUNT_MEASURES

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# --- Which header is which ---------------------------------------------------------------------

_SYNONYMS: dict[str, tuple[str, ...]] = {
    DATE: (
        "date",
        "day",
        "week",
        "month",
        "period",
        "start date",
        "week start",
        "week starting",
        "week of",
        "month start",
        "report date",
        "التاريخ",
        "تاريخ",
        "اليوم",
        "يوم",
        "الأسبوع",
        "الشهر",
        "الفترة",
    ),
    "revenue": (
        "revenue",
        "sales",
        "total sales",
        "gross sales",
        "net sales",
        "الإيرادات",
        "إيرادات",
        "الإيراد",
        "المبيعات",
        "مبيعات",
    ),
    "orders": (
        "orders",
        "transactions",
        "order count",
        "number of orders",
        "الطلبات",
        "طلبات",
        "عدد الطلبات",
    ),
    "spend": (
        "spend",
        "cost",
        "ad spend",
        "ads spend",
        "ad cost",
        "marketing spend",
        "amount spent",
        "budget",
        "الإنفاق",
        "إنفاق",
        "الإنفاق الإعلاني",
        "التكلفة",
        "تكلفة",
        "الميزانية",
    ),
    "new_customers": ("new customers", "first time customers", "عملاء جدد", "العملاء الجدد"),
    "new_orders": ("new orders", "first orders", "طلبات جديدة", "طلبات العملاء الجدد"),
    "new_customer_revenue": (
        "new customer revenue",
        "first order revenue",
        "إيرادات العملاء الجدد",
    ),
    "returning_customers": (
        "returning customers",
        "repeat customers",
        "العملاء العائدون",
        "عملاء عائدون",
        "العملاء المتكررون",
    ),
    "returning_orders": ("returning orders", "repeat orders", "طلبات العملاء العائدين"),
    "returning_revenue": (
        "returning revenue",
        "returning customer revenue",
        "repeat revenue",
        "إيرادات العملاء العائدين",
    ),
    CHANNEL: (
        "channel",
        "source",
        "medium",
        "source medium",
        "default channel group",
        "session default channel group",
        "القناة",
        "قناة",
        "المصدر",
    ),
}
_FIRST_STAGE = (
    "sessions",
    "visits",
    "visitors",
    "traffic",
    "users",
    "زيارات",
    "الزيارات",
    "جلسات",
    "الجلسات",
    "زوار",
    "الزوار",
    "الزائرون",
)
_LAST_STAGE = (
    "purchases",
    "buyers",
    "customers",
    "new customers",
    "مشتريات",
    "المشتريات",
    "عملاء",
    "العملاء",
    "المشترون",
    "عملاء جدد",
    "العملاء الجدد",
)


def _keys(words: Iterable[str]) -> frozenset[str]:
    return frozenset(header_key(word) for word in words)


_KEYS = {role: _keys(words) for role, words in _SYNONYMS.items()}
_FIRST_STAGE_KEYS = _keys(_FIRST_STAGE)
_LAST_STAGE_KEYS = _keys(_LAST_STAGE)
_OTHER_ROLES: tuple[str, ...] = (*MEASURES, CHANNEL)


class ColumnGuess(Model):
    """Which header each role (date, stage, measure, channel) was matched to."""

    columns: dict[str, str] = Field(
        description="Role → header: ``date``, a stage's name, a measure, ``channel``."
    )
    ambiguous: dict[str, tuple[str, ...]] = Field(
        description="Role → the headers that all fit it; the role is not in ``columns``."
    )
    unmatched: tuple[str, ...] = Field(description="Headers no role took, in file order.")
    stages_missing: tuple[str, ...] = Field(description="Stages no header was matched to.")


def guess_columns(header: list[str], stages: list[str]) -> ColumnGuess:
    """Match the file's headers to the roles (see the module docstring for the rules).

    The headers in the result have the spaces around them trimmed (as every model's text);
    a mapping built from them still finds its columns.
    """
    guess = _guess(header, stages)
    return ColumnGuess(
        columns=guess.columns,
        ambiguous=guess.ambiguous,
        unmatched=guess.unmatched(),
        stages_missing=tuple(stage for stage in stages if stage not in guess.columns),
    )


def _guess(header: list[str], stages: list[str]) -> _Guess:
    guess = _Guess(header)
    guess.assign(DATE, lambda key: key in _KEYS[DATE])
    for stage in stages:
        guess.assign(stage, lambda key, stage=stage: key == header_key(stage))
    if stages:
        guess.assign(stages[0], lambda key: key in _FIRST_STAGE_KEYS)
        guess.assign(stages[-1], lambda key: key in _LAST_STAGE_KEYS)
    for role in _OTHER_ROLES:
        guess.assign(role, lambda key, role=role: _is_synonym(role, key))
    return guess


class _Guess:
    """Roles assigned one at a time, each header to one role at most."""

    def __init__(self, header: list[str]) -> None:
        self.header = header
        self.columns: dict[str, str] = {}
        self.ambiguous: dict[str, tuple[str, ...]] = {}

    def assign(self, role: str, fits: Any) -> None:
        if role in self.columns or role in self.ambiguous:
            return
        taken = set(self.columns.values())
        matches = [name for name in self.header if fits(header_key(name)) and name not in taken]
        if len(matches) == 1:
            self.columns[role] = matches[0]
        elif len(matches) > 1:
            self.ambiguous[role] = tuple(matches)

    def unmatched(self) -> tuple[str, ...]:
        taken = set(self.columns.values())
        taken |= {name for names in self.ambiguous.values() for name in names}
        return tuple(name for name in self.header if name not in taken)


def _is_synonym(role: str, key: str) -> bool:
    if key in _KEYS[role]:
        return True
    # "Revenue (SAR)", "Ad spend USD": a money word followed by a currency code
    return (
        role in _MONEY_MEASURES
        and key[:-3] in _KEYS[role]
        and bool(_CURRENCY_SUFFIX.fullmatch(key[-3:]))
    )


# --- What reading returns ----------------------------------------------------------------------


class SkippedFunnelRow(Model):
    """A row left out of the actuals, and why."""

    row: int = Field(description="The row's number in the file (the header is row 1).")
    reason: Literal["value_missing"] = Field(
        description="A mapped column's cell is empty (``params`` names the column)."
    )
    params: dict[str, str] = Field(description="``column`` (the header) and ``role``.")


class FunnelRead(Model):
    """The actuals read from a file, how its columns were used, and what was left out."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    actuals: FunnelActuals = Field(description="The rows read, ready for the planner.")
    columns: dict[str, str] = Field(description="Role → the header it was read from.")
    unmatched: tuple[str, ...] = Field(description="Headers not read, in file order.")
    stages_missing: tuple[str, ...] = Field(description="Stages the file has no column for.")
    granularity: Granularity = Field(description="Whether rows cover days, weeks or months.")
    rows_read: int = Field(description="Rows holding values (header and blank lines not counted).")
    rows_skipped: int = Field(description="Rows left out (an empty cell in a mapped column).")
    skipped: tuple[SkippedFunnelRow, ...] = Field(description="The first skipped rows, in order.")
    first_day: dt.date | None = Field(description="The first day a row covers.")
    last_day: dt.date | None = Field(description="The last day a row covers.")
    channels: tuple[str, ...] = Field(description="The channels, in the order of their codes.")


def file_header(data: bytes, *, sheet: str | None = None) -> list[str]:
    """The headers of a funnel file (CSV or .xlsx), checked as ``read_funnel_actuals`` does.

    Raises:
        PlanInvalid: the file can't be read (see the module docstring).
    """
    return _header(_as_csv(data, sheet))[0]


def guess_file_columns(data: bytes, *, stages: list[str], sheet: str | None = None) -> ColumnGuess:
    """``guess_columns`` on the file's own header, for a page to show and let correct."""
    return guess_columns(file_header(data, sheet=sheet), stages)


def read_funnel_actuals(
    data: bytes,
    *,
    stages: list[str],
    mapping: dict[str, str] | None = None,
    day_first: bool | None = None,
    granularity: Granularity | None = None,
    sheet: str | None = None,
) -> FunnelRead:
    """The funnel actuals of a CSV or .xlsx file (see the module docstring for what is read).

    ``mapping`` (role → header), when given, is the whole mapping: nothing is guessed.

    Raises:
        PlanInvalid: one ``FieldProblem`` per problem, addressed to ``(file)``, to
            ``mapping.<role>`` for a column that can't be found, or to the column holding
            bad values.
    """
    data = _as_csv(data, sheet)
    header, delimiter = _header(data)
    columns = _choose_columns(header, stages, mapping)
    rows = _RowNumbers(data)
    table = _parse(data, delimiter, columns.read, rows)
    return _funnel(table, columns, rows, day_first, granularity)


# --- The file ----------------------------------------------------------------------------------


def _as_csv(data: bytes, sheet: str | None) -> bytes:
    """The file's bytes as CSV (a workbook's sheet converted), checked as a whole."""
    data = bytes(data)
    if len(data) > MAX_FILE_BYTES:
        _refuse(
            f"is {len(data):,} bytes; a funnel file may be at most {MAX_FILE_BYTES:,} bytes",
            "file_too_large",
            size=len(data),
            limit=MAX_FILE_BYTES,
        )
    if sheets.is_excel(data):
        data = sheets.xlsx_to_csv(data, sheet=sheet)
    if _VISIBLE.search(data, len(_BOM) if data.startswith(_BOM) else 0) is None:
        _refuse("is empty: it holds no header and no rows", "file_empty")
    _check_not_binary(data)
    _check_utf8(data)
    return data


@dataclass(frozen=True)
class _Columns:
    """The header read for each role, and the guess's leftovers."""

    chosen: dict[str, str]
    unmatched: tuple[str, ...]
    stages_missing: tuple[str, ...]
    stages: tuple[str, ...]

    @property
    def read(self) -> list[str]:
        return list(dict.fromkeys(self.chosen.values()))

    def role_kind(self, role: str) -> Literal["date", "stage", "count", "money", "channel"]:
        if role == DATE:
            return "date"
        if role in self.stages:
            return "stage"
        if role == CHANNEL:
            return "channel"
        return "count" if role in COUNT_MEASURES else "money"


def _choose_columns(
    header: list[str], stages: list[str], mapping: Mapping[str, str] | None
) -> _Columns:
    if mapping is None:
        guess = _guess(header, stages)
        chosen, problems = dict(guess.columns), _ambiguous(guess.ambiguous)
    else:
        chosen, problems = _mapped(header, stages, mapping)
    if DATE not in chosen and not any(problem.context.get("role") == DATE for problem in problems):
        field = field_path([MAPPING, DATE])
        problems.append(column_missing(field, DATE, None, header, _SYNONYMS[DATE]))
    problems += columns_reused(chosen, {role: field_path([MAPPING, role]) for role in chosen})
    if not problems and not (set(stages) & set(chosen) or "revenue" in chosen):
        problems.append(_no_stage_columns(header, stages))
    if problems:
        raise PlanInvalid(problems)
    taken = set(chosen.values())
    return _Columns(
        chosen=chosen,
        unmatched=tuple(name for name in header if name not in taken),
        stages_missing=tuple(stage for stage in stages if stage not in chosen),
        stages=tuple(stages),
    )


def _ambiguous(ambiguous: Mapping[str, tuple[str, ...]]) -> list[FieldProblem]:
    return [
        column_ambiguous(field_path([MAPPING, role]), role, list(names))
        for role, names in ambiguous.items()
    ]


def _mapped(
    header: list[str], stages: list[str], mapping: Mapping[str, str]
) -> tuple[dict[str, str], list[FieldProblem]]:
    """The user's mapping checked against the roles and the file's headers."""
    known = {DATE, CHANNEL, *MEASURES, *stages}
    chosen: dict[str, str] = {}
    problems: list[FieldProblem] = []
    for role, given in mapping.items():
        field = field_path([MAPPING, role])
        if role not in known:
            problems.append(_role_unknown(field, role, stages))
            continue
        exact = [name for name in header if name == given]
        matches = exact or [name for name in header if header_key(name) == header_key(given)]
        if len(matches) == 1:
            chosen[role] = matches[0]
        elif matches:
            problems.append(column_ambiguous(field, role, matches))
        else:
            problems.append(column_missing(field, role, given, header, ()))
    return chosen, problems


def _role_unknown(field: str, role: str, stages: list[str]) -> FieldProblem:
    roles = (DATE, *stages, *MEASURES, CHANNEL)
    shown = tuple(show_text(name) for name in roles)
    message = f"is not a stage, a measure, date or channel; the roles are {', '.join(shown)}"
    return FieldProblem(
        field, message, "mapping_role_unknown", {"given": show_text(role), "roles": shown}
    )


def _no_stage_columns(header: list[str], stages: list[str]) -> FieldProblem:
    found = tuple(field_path([name]) for name in header[:20])
    named = tuple(show_text(stage) for stage in stages)
    message = (
        f"has no column for a funnel stage ({', '.join(named) or 'none'}) nor for revenue; "
        f"its columns are {', '.join(found)}; map at least one"
    )
    context = {"stages": named, "found": found, "count": len(header)}
    return FieldProblem(FILE, message, "no_stage_columns", context)


def _parse(data: bytes, delimiter: str, names: list[str], rows: _RowNumbers) -> pa.Table:
    try:
        table, invalid = _read(data, delimiter, names, threads=True)
    except pa.ArrowException as error:
        _unreadable(data, delimiter, error)
    if b'"' in data and rows.lines != rows.blank + 1 + table.num_rows + invalid.count:
        _refuse_multiline(data, delimiter)
    if invalid.count:
        _refuse_invalid_rows(data, delimiter, names, invalid, rows)
    if table.num_rows == 0:
        _refuse("has a header but no rows", "no_rows")
    return table


def _read(
    data: bytes, delimiter: str, names: list[str], *, threads: bool
) -> tuple[pa.Table, _InvalidRows]:
    invalid = _InvalidRows()
    table = pa_csv.read_csv(
        pa.py_buffer(data),
        read_options=pa_csv.ReadOptions(use_threads=threads),
        parse_options=pa_csv.ParseOptions(delimiter=delimiter, invalid_row_handler=invalid),
        convert_options=pa_csv.ConvertOptions(
            include_columns=names,
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=False,
            check_utf8=False,  # the whole file was checked once
        ),
    )
    return table, invalid


def _refuse_invalid_rows(
    data: bytes, delimiter: str, names: list[str], invalid: _InvalidRows, rows: _RowNumbers
) -> NoReturn:
    numbered = invalid
    if not invalid.numbers:  # only a single-threaded read numbers the rows
        _table, numbered = _read(data, delimiter, names, threads=False)
    numbers = rows.of_line(numbered.numbers)
    shown = ", ".join(f"{number:,}" for number in numbers)
    more = "…" if invalid.count > len(numbers) else ""
    message = (
        f"has {_rows(invalid.count)} without the header's {invalid.expected} fields "
        f"({_rows(len(numbers), shown)}{more}); every row needs one field per column"
    )
    _refuse(message, "row_columns", rows=numbers, count=invalid.count, expected=invalid.expected)


# --- Values ------------------------------------------------------------------------------------

_COUNT = r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.0*)?$"
_TIME_AFTER_DATE = r"^(\S+?)(?:T|\s+)\d{1,2}:\d{2}.*$"
_ISO_MONTH = r"^(\d{4})-(\d{1,2})$"
_COUNT_REQUIREMENT = "must be a whole number of at least 0, like 1,234"
_AMOUNT_REQUIREMENT = "must be an amount like 1234.50"
_DATE_REQUIREMENT = "must be a date like 2027-01-13, 13/01/2027 or 01/13/2027"


@dataclass(frozen=True)
class _Cells:
    """One column as a dictionary: its distinct values (trimmed) and each row's entry."""

    header: str
    role: str
    values: Any  # pa.Array of str
    indices: npt.NDArray[np.int32]
    rows: _RowNumbers

    @classmethod
    def of(cls, table: pa.Table, header: str, role: str, rows: _RowNumbers) -> _Cells:
        encoded = pc.dictionary_encode(table.column(header).combine_chunks())
        values = pc.utf8_trim_whitespace(encoded.dictionary)
        indices = np.asarray(_as_numpy(encoded.indices), dtype=np.int32)
        return cls(header, role, values, indices, rows)

    def blank(self) -> BoolArray:
        """Which rows hold nothing but spaces."""
        return np.asarray(_as_numpy(pc.equal(self.values, "")), dtype=np.bool_)[self.indices]

    def bad(self, code: str, requirement: str, bad_entries: BoolArray) -> FieldProblem | None:
        """``row 7: must be …, got "x"; 3 more rows like it (rows 9, 12, 15)``, or none."""
        row_indices = np.flatnonzero(bad_entries[self.indices])
        if row_indices.size == 0:
            return None
        numbers = self.rows.of_records(row_indices[:ROWS_SHOWN])
        got = _shown(self.values[int(self.indices[row_indices[0]])].as_py())
        count = int(row_indices.size)
        return bad_rows(self.header, self.role, code, requirement, numbers, count, got)


def _counts(cells: _Cells) -> tuple[FloatArray, FieldProblem | None]:
    """Each distinct value as a count (0 where blank or unreadable), and the problem."""
    text = _latin_digits(cells.values)
    whole = np.asarray(_as_numpy(pc.match_substring_regex(text, _COUNT)), dtype=np.bool_)
    digits = pc.replace_substring_regex(pc.replace_substring(text, ",", ""), r"\.0*$", "")
    kept = pc.if_else(whole, digits, pa.scalar("0", pa.string()))
    numbers = np.asarray(_as_numpy(pc.cast(kept, pa.float64())), dtype=np.float64)
    blank = np.asarray(_as_numpy(pc.equal(text, "")), dtype=np.bool_)
    bad = (~whole | (numbers > MAX_COUNT)) & ~blank
    return np.where(bad, 0.0, numbers), cells.bad("count_invalid", _COUNT_REQUIREMENT, bad)


def _amounts(cells: _Cells) -> tuple[FloatArray, FieldProblem | None]:
    """Each distinct value as an amount (0 where blank or unreadable), and the problem."""
    numbers, blank, unreadable = _numbers_in_text(cells.values)
    numbers = np.asarray(numbers, dtype=np.float64)
    bad = np.zeros(len(numbers), dtype=np.bool_)
    bad[unreadable] = True
    bad |= ~(np.abs(numbers) <= MAX_MONEY)  # NaN and infinity too
    bad &= ~np.asarray(blank, dtype=np.bool_)
    return np.where(bad, 0.0, numbers), cells.bad("amount_invalid", _AMOUNT_REQUIREMENT, bad)


def _dates(cells: _Cells, day_first: bool | None) -> tuple[IntArray, FieldProblem | None]:
    """Each distinct value's day (days since 1970-01-01), and the problem."""
    text = _latin_digits(cells.values)
    text = pc.replace_substring_regex(text, _TIME_AFTER_DATE, r"\1")  # a row is a whole day
    text = pc.replace_substring_regex(text, _ISO_MONTH, r"\1-\2-01")
    column = _Column(cells.header, "date", text, cells.indices, cells.rows)
    parsed = _days(column, day_first, "UTC")
    if parsed.problem is not None:
        raise PlanInvalid([parsed.problem])
    blank = np.asarray(_as_numpy(pc.equal(text, "")), dtype=np.bool_)
    bad = ~parsed.valid & ~blank
    return parsed.days, cells.bad("date_invalid", _DATE_REQUIREMENT, bad)


@dataclass(frozen=True)
class _Channels:
    codes: IntArray
    names: tuple[str, ...]


def _channels(cells: _Cells, kept: BoolArray) -> _Channels:
    """Each kept row's channel code, channels numbered in the order they first appear."""
    names, entry_name = np.unique(
        np.asarray(cells.values.to_pylist(), dtype=object), return_inverse=True
    )
    per_row = entry_name.astype(np.int64)[cells.indices][kept]
    present, first = np.unique(per_row, return_index=True)
    order = np.argsort(first)
    code_of = np.zeros(len(names), dtype=np.int64)
    code_of[present[order]] = np.arange(len(order))
    return _Channels(code_of[per_row], tuple(str(names[index]) for index in present[order]))


# --- The actuals -------------------------------------------------------------------------------


@dataclass
class _Parsed:
    """Each role's per-row values, the rows with a blank cell, the problems."""

    values: dict[str, Any]
    blank_in: dict[str, BoolArray]
    problems: list[FieldProblem]


def _parsed(
    table: pa.Table, columns: _Columns, rows: _RowNumbers, day_first: bool | None
) -> _Parsed:
    parsed = _Parsed({}, {}, [])
    for role, header in columns.chosen.items():
        cells = _Cells.of(table, header, role, rows)
        kind = columns.role_kind(role)
        parsed.blank_in[role] = cells.blank()
        if kind == "channel":
            parsed.values[role] = cells
            continue
        per_entry: npt.NDArray[Any]
        if kind == "date":
            per_entry, problem = _dates(cells, day_first)
        elif kind == "money":
            per_entry, problem = _amounts(cells)
        else:
            per_entry, problem = _counts(cells)
        parsed.values[role] = per_entry[cells.indices]
        if problem is not None:
            parsed.problems.append(problem)
    return parsed


def _funnel(
    table: pa.Table,
    columns: _Columns,
    rows: _RowNumbers,
    day_first: bool | None,
    granularity: Granularity | None,
) -> FunnelRead:
    parsed = _parsed(table, columns, rows, day_first)
    if parsed.problems:
        raise PlanInvalid(parsed.problems)
    blank = np.zeros(table.num_rows, dtype=np.bool_)
    for column_blank in parsed.blank_in.values():
        blank |= column_blank
    if int(blank.sum()) * 2 > table.num_rows:  # most rows must be fine to skip the others
        raise PlanInvalid(_too_many_blank(columns, parsed, rows))
    kept = ~blank
    dates = np.asarray(parsed.values[DATE], dtype=np.int64)[kept]
    granularity = granularity or _detect(dates)
    starts, spans = _spans(dates, granularity)
    channels = None
    if CHANNEL in columns.chosen:
        channels = _channels(parsed.values[CHANNEL], kept)
    actuals = FunnelActuals(
        starts=starts,
        spans=spans,
        stages={
            role: parsed.values[role][kept] for role in columns.chosen if role in columns.stages
        },
        measures={
            role: parsed.values[role][kept]
            for role in _measures(columns.chosen)
            if role not in columns.stages
        },
        channels=None if channels is None else channels.codes,
        channel_names=() if channels is None else channels.names,
    )
    return _read_result(actuals, columns, granularity, parsed, blank, rows, channels)


def _measures(chosen: Mapping[str, str]) -> list[Measure]:
    return [role for role in get_args(Measure) if role in chosen]


def _too_many_blank(columns: _Columns, parsed: _Parsed, rows: _RowNumbers) -> list[FieldProblem]:
    problems = []
    for role, blank in parsed.blank_in.items():
        indices = np.flatnonzero(blank)
        if indices.size:
            numbers = rows.of_records(indices[:ROWS_SHOWN])
            requirement = "must not be empty in most rows; fill it in, or map no column to it"
            header = columns.chosen[role]
            count = int(indices.size)
            problems.append(
                bad_rows(header, role, "values_missing", requirement, numbers, count, '""')
            )
    return problems


def _detect(days: IntArray) -> Granularity:
    """Months, weeks or days, from the distinct dates (see the module docstring)."""
    distinct = np.unique(days)
    if distinct.size < 2:
        return "day"
    if bool(np.all(_month_starts(distinct) == distinct)):
        return "month"
    if bool(np.all((distinct - distinct[0]) % 7 == 0)):
        return "week"
    return "day"


def _month_starts(days: IntArray) -> IntArray:
    months = days.astype("datetime64[D]").astype("datetime64[M]")
    return months.astype("datetime64[D]").astype(np.int64)


def _spans(days: IntArray, granularity: Granularity) -> tuple[IntArray, IntArray]:
    """Each row's first day and the days it covers."""
    if granularity == "month":
        starts = _month_starts(days)
        months = days.astype("datetime64[D]").astype("datetime64[M]")
        following = (months + 1).astype("datetime64[D]").astype(np.int64)
        return starts, (following - starts).astype(np.int64)
    span = 7 if granularity == "week" else 1
    return days.astype(np.int64), np.full(days.size, span, dtype=np.int64)


def _read_result(
    actuals: FunnelActuals,
    columns: _Columns,
    granularity: Granularity,
    parsed: _Parsed,
    blank: BoolArray,
    rows: _RowNumbers,
    channels: _Channels | None,
) -> FunnelRead:
    shown = np.flatnonzero(blank)[:SKIPPED_SHOWN]
    numbers = rows.of_records(shown) if shown.size else ()
    skipped = []
    for index, number in zip(shown, numbers, strict=True):
        role = next(role for role, empty in parsed.blank_in.items() if empty[index])
        params = {"column": columns.chosen[role], "role": role}
        skipped.append(SkippedFunnelRow(row=number, reason="value_missing", params=params))
    first, last = actuals.first_day, actuals.last_day
    return FunnelRead(
        actuals=actuals,
        columns=columns.chosen,
        unmatched=columns.unmatched,
        stages_missing=columns.stages_missing,
        granularity=granularity,
        rows_read=int(blank.size),
        rows_skipped=int(blank.sum()),
        skipped=tuple(skipped),
        first_day=None if first is None else _date(first),
        last_day=None if last is None else _date(last),
        channels=() if channels is None else channels.names,
    )


def _date(day: int) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=day)


__all__ = [
    "ColumnGuess",
    "FunnelRead",
    "Granularity",
    "SkippedFunnelRow",
    "file_header",
    "guess_columns",
    "guess_file_columns",
    "read_funnel_actuals",
]
