"""A store's order export read into an ``OrderLog``: each order's day, customer and amount.

One row per order, or per order line as stores export them: a date, a customer (an id or an
e-mail) and an amount, and optionally an order id and a status. Without an order id every
row is one order; with one, the rows sharing an id are one order, and each of its date,
customer, amount and status is its first row's, or the first that isn't empty (Shopify
writes an order's totals on its first line-item row only). Other columns are not read.

Columns are found by their header as ``files.visitors`` finds them (case, spaces,
punctuation and Arabic letter forms ignored), or named outright (``date_column=``...):

- the date: date, created at, order date, تاريخ, التاريخ;
- the amount: total, amount, order total, revenue, الإجمالي, المبلغ;
- the customer: customer, email, customer id, customer email, العميل, البريد الإلكتروني;
- the order id: order id, order, رقم الطلب, and Name in a Shopify export (recognised by its
  Financial Status and Created at columns);
- the status: status, financial status, الحالة.

The values:

- a date is ISO (``2027-01-13``), day first (``13/01/2027``) or month first
  (``01/13/2027``; ``/``, ``-`` or ``.`` between the parts), optionally followed by a time
  (``10:15``, ``10:15:30``, ``T10:15:30.5``) and an offset (``Z``, ``+03:00``, ``+0300``).
  Whether a file writes the day or the month first is read from the file: a first part over
  12 means day first, a second part over 12 month first; a file where every part is 12 or
  less is refused (``date_order_ambiguous``) unless ``day_first`` says. A time with an
  offset is moved to the store's ``timezone`` before its day is taken; a time without one is
  already the store's. Arabic-Indic digits are read;
- an amount is a number, plain (``1234.5``) or with a currency sign or code before or after
  it (``$1,234.50``, ``1234.50 SAR``, ``١٢٣٫٥ ر.س``), thousands grouped by commas,
  Arabic-Indic digits and separators. A decimal comma (``1.234,50 €``, ``12,5``) is refused
  rather than guessed;
- a customer is its text, spaces around it trimmed; one holding ``@`` (an e-mail) matches
  ignoring case;
- an order whose status is cancelled, canceled, voided, void or refunded (ملغي, ملغى, ملغاة,
  مسترد, مستردة, مسترجع), or, in a Shopify export, whose Cancelled at is filled, is not an
  order of the log: its day goes to ``excluded_days``. Partly refunded orders are kept.

The file is checked as a visitor file is (UTF-8, a byte-order mark allowed, at most
``MAX_FILE_BYTES``, one line per row). Problems raise ``PlanInvalid``, one ``FieldProblem``
each: the codes of ``files.visitors`` for the file as a whole (``file_too_large``,
``file_empty``, ``encoding``, ``not_utf8``, ``not_csv``, ``row_columns``,
``multiline_value``, ``csv_unreadable``, ``column_missing``, ``column_ambiguous``,
``column_reused``) and ``no_orders``, ``timezone_unknown``, ``date_invalid``,
``date_missing``, ``date_order_ambiguous``, ``date_order_mixed``, ``amount_invalid``,
``amount_missing``, ``customer_missing``. Bad values are addressed to their column's header
with the first rows (``context["rows"]``) and how many (``context["count"]``).

The work is vectorised: pyarrow reads the columns as dictionaries, each distinct value is
parsed once with pyarrow.compute, and numpy spreads the results over the rows.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any, Literal, NoReturn

import numpy as np
import numpy.typing as npt
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
import pyarrow.csv as pa_csv  # type: ignore[import-untyped]
from pydantic import ConfigDict, Field

from files.visitors import (
    _BOM,
    _DIGITS,
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
from planner.actuals.orders import OrderLog
from planner.base import Model
from planner.errors import FieldProblem, PlanInvalid, field_path
from planner.types import show_text

Role = Literal["date", "amount", "customer", "order", "status"]
ROLE_FIELDS: dict[Role, str] = {
    "date": "date_column",
    "amount": "amount_column",
    "customer": "customer_column",
    "order": "order_column",
    "status": "status_column",
}
_REQUIRED: tuple[Role, ...] = ("date", "amount", "customer")
_SYNONYMS: dict[Role, tuple[str, ...]] = {
    "date": ("date", "created at", "order date", "تاريخ", "التاريخ"),
    "amount": ("total", "amount", "order total", "revenue", "الإجمالي", "المبلغ"),
    "customer": (
        "customer",
        "email",
        "customer id",
        "customer email",
        "العميل",
        "البريد الإلكتروني",
    ),
    "order": ("order id", "order", "رقم الطلب"),
    "status": ("status", "financial status", "الحالة"),
}
_KEYS: dict[Role, frozenset[str]] = {
    role: frozenset(header_key(word) for word in words) for role, words in _SYNONYMS.items()
}
_SHOPIFY_KEYS = frozenset({"financialstatus", "createdat"})
_SHOPIFY_ORDER = "name"
_SHOPIFY_CANCELLED = "cancelledat"
EXCLUDED_STATUSES = (
    "cancelled",
    "canceled",
    "voided",
    "void",
    "refunded",
    "ملغي",
    "ملغى",
    "ملغاة",
    "مسترد",
    "مستردة",
    "مسترجع",
)
_DATE = (
    r"^(?:(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"
    r"|(?P<first>\d{1,2})[/.-](?P<second>\d{1,2})[/.-](?P<slashed_year>\d{4}))"
    r"(?:(?:T|\s+)(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second_of_minute>\d{2})"
    r"(?:\.\d+)?)?\s*(?:(?P<utc>Z)|(?P<sign>[-+])(?P<offset_hours>\d{2}):?"
    r"(?P<offset_minutes>\d{2}))?)?$"
)
_SECONDS_PER_DAY = 86_400
_EPOCH = dt.date(1970, 1, 1)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


class SkippedRow(Model):
    """A row that is not an order of the log, and why."""

    row: int = Field(description="The row's number in the file (the header is row 1).")
    reason: Literal["repeated_order", "excluded_status"] = Field(
        description="A further row of an order already read, or a row of an order excluded "
        "as cancelled, voided or refunded."
    )


class OrderRead(Model):
    """The log read from a file, the columns it came from, and what was left out."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    log: OrderLog = Field(description="The orders kept, and the days of those excluded.")
    date_column: str = Field(description="The date column's header.")
    amount_column: str = Field(description="The amount column's header.")
    customer_column: str = Field(description="The customer column's header.")
    order_column: str | None = Field(description="The order id column's header, if any.")
    status_column: str | None = Field(description="The status column's header, if any.")
    rows_read: int = Field(description="Rows holding values (header and blank lines not counted).")
    rows_skipped: int = Field(
        description="Rows that are not an order of the log: further rows of an order, and "
        "the rows of excluded orders."
    )
    skipped: tuple[SkippedRow, ...] = Field(description="The first few skipped rows, in order.")
    first_day: dt.date | None = Field(description="The earliest order day, excluded ones too.")
    last_day: dt.date | None = Field(description="The latest order day, excluded ones too.")


@dataclass(frozen=True)
class _Columns:
    chosen: dict[Role, str | None]
    cancelled: str | None  # Shopify's Cancelled at

    def names(self) -> list[str]:
        names = [name for name in self.chosen.values() if name is not None]
        return names + ([self.cancelled] if self.cancelled is not None else [])

    def of(self, role: Role) -> str:
        name = self.chosen[role]
        assert name is not None  # noqa: S101  (a required column was found or refused)
        return name


def read_order_csv(
    data: bytes,
    *,
    date_column: str | None = None,
    amount_column: str | None = None,
    customer_column: str | None = None,
    order_column: str | None = None,
    status_column: str | None = None,
    day_first: bool | None = None,
    timezone: str = "UTC",
) -> OrderRead:
    """The orders of a store's CSV export (see the module docstring for what is read).

    Raises:
        PlanInvalid: one ``FieldProblem`` per problem, addressed to ``(file)``, to the
            argument whose column can't be found, or to the column holding bad values.
    """
    data = bytes(data)
    _check_timezone(timezone)
    _check_file(data)
    header, delimiter = _header(data)
    given: dict[Role, str | None] = {
        "date": date_column,
        "amount": amount_column,
        "customer": customer_column,
        "order": order_column,
        "status": status_column,
    }
    columns = _choose_columns(header, given)
    rows = _RowNumbers(data)
    table = _parse(data, delimiter, columns, rows)
    return _orders(table, columns, rows, day_first, timezone)


# --- The file and its columns -----------------------------------------------------------------


def _check_timezone(timezone: str) -> None:
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        message = f"is {show_text(timezone)}, not a time zone; use a name like Asia/Riyadh"
        problem = FieldProblem("timezone", message, "timezone_unknown", {"given": timezone})
        raise PlanInvalid([problem]) from None


def _check_file(data: bytes) -> None:
    if len(data) > MAX_FILE_BYTES:
        _refuse(
            f"is {len(data):,} bytes; an order file may be at most {MAX_FILE_BYTES:,} bytes",
            "file_too_large",
            size=len(data),
            limit=MAX_FILE_BYTES,
        )
    if _VISIBLE.search(data, len(_BOM) if data.startswith(_BOM) else 0) is None:
        _refuse("is empty: it holds no header and no orders", "file_empty")
    _check_not_binary(data)
    _check_utf8(data)


def _choose_columns(header: list[str], given: dict[Role, str | None]) -> _Columns:
    keys = {header_key(name) for name in header}
    shopify = keys >= _SHOPIFY_KEYS
    problems: list[FieldProblem] = []
    chosen: dict[Role, str | None] = {}
    for role, name in given.items():
        matches = _matches(role, name, header, shopify)
        chosen[role] = matches[0] if len(matches) == 1 else None
        if len(matches) > 1:
            problems.append(column_ambiguous(ROLE_FIELDS[role], role, matches))
        elif not matches and (role in _REQUIRED or name is not None):
            problems.append(column_missing(ROLE_FIELDS[role], role, name, header, _SYNONYMS[role]))
    problems += columns_reused(chosen, ROLE_FIELDS)
    if problems:
        raise PlanInvalid(problems)
    cancelled = None
    if shopify:
        cancelled = next((name for name in header if header_key(name) == _SHOPIFY_CANCELLED), None)
    return _Columns(chosen, cancelled)


def _matches(role: Role, given: str | None, header: list[str], shopify: bool) -> list[str]:
    if given is not None:
        exact = [name for name in header if name == given]
        return exact or [name for name in header if header_key(name) == header_key(given)]
    keys = _KEYS[role] | ({_SHOPIFY_ORDER} if role == "order" and shopify else set())
    return [name for name in header if header_key(name) in keys]


def _parse(data: bytes, delimiter: str, columns: _Columns, rows: _RowNumbers) -> pa.Table:
    try:
        table, invalid = _read(data, delimiter, columns, threads=True)
    except pa.ArrowException as error:
        _unreadable(data, delimiter, error)
    if b'"' in data and rows.lines != rows.blank + 1 + table.num_rows + invalid.count:
        _refuse_multiline(data, delimiter)
    if invalid.count:
        _refuse_invalid_rows(data, delimiter, columns, invalid, rows)
    if table.num_rows == 0:
        _refuse("has a header but no orders", "no_orders")
    return table


def _read(
    data: bytes, delimiter: str, columns: _Columns, *, threads: bool
) -> tuple[pa.Table, _InvalidRows]:
    invalid = _InvalidRows()
    table = pa_csv.read_csv(
        pa.py_buffer(data),
        read_options=pa_csv.ReadOptions(use_threads=threads),
        parse_options=pa_csv.ParseOptions(delimiter=delimiter, invalid_row_handler=invalid),
        convert_options=pa_csv.ConvertOptions(
            include_columns=columns.names(),
            column_types=dict.fromkeys(columns.names(), pa.string()),
            strings_can_be_null=False,
            check_utf8=False,  # the whole file was checked once
        ),
    )
    return table, invalid


def _refuse_invalid_rows(
    data: bytes, delimiter: str, columns: _Columns, invalid: _InvalidRows, rows: _RowNumbers
) -> NoReturn:
    numbered = invalid
    if not invalid.numbers:  # only a single-threaded read numbers the rows
        _table, numbered = _read(data, delimiter, columns, threads=False)
    numbers = rows.of_line(numbered.numbers)
    shown = ", ".join(f"{number:,}" for number in numbers)
    more = "…" if invalid.count > len(numbers) else ""
    message = (
        f"has {_rows(invalid.count)} without the header's {invalid.expected} fields "
        f"({_rows(len(numbers), shown)}{more}); every row needs one field per column"
    )
    _refuse(message, "row_columns", rows=numbers, count=invalid.count, expected=invalid.expected)


# --- Values -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Column:
    """One column read as a dictionary: its distinct values and each row's entry."""

    header: str
    role: Role
    values: Any  # pa.Array of str
    indices: npt.NDArray[np.int32]
    rows: _RowNumbers

    @classmethod
    def of(cls, table: pa.Table, header: str, role: Role, rows: _RowNumbers) -> _Column:
        encoded = pc.dictionary_encode(table.column(header).combine_chunks())
        values = pc.utf8_trim_whitespace(encoded.dictionary)
        indices = np.asarray(_as_numpy(encoded.indices), dtype=np.int32)
        return cls(header, role, values, indices, rows)

    def empty(self) -> BoolArray:
        """Which rows hold nothing but spaces."""
        return np.asarray(_as_numpy(pc.equal(self.values, "")), dtype=np.bool_)[self.indices]

    def bad(self, code: str, requirement: str, row_indices: npt.NDArray[Any]) -> FieldProblem:
        """``row 7: must be …, got "x"; 3 more rows like it (rows 9, 12, 15)``."""
        count = int(row_indices.size)
        numbers = self.rows.of_records(row_indices[:ROWS_SHOWN])
        got = _shown(self.values[int(self.indices[row_indices[0]])].as_py())
        return bad_rows(self.header, self.role, code, requirement, numbers, count, got)


def _latin_digits(values: Any) -> Any:
    if not pc.all(pc.string_is_ascii(values)).as_py():
        for local, latin in _DIGITS.items():
            values = pc.replace_substring(values, local, latin)
    return values


def _whole(parts: Any, name: str) -> IntArray:
    text = pc.struct_field(parts, name).fill_null("")
    text = pc.if_else(pc.equal(text, ""), "0", text)
    return np.asarray(_as_numpy(pc.cast(text, pa.int64())), dtype=np.int64)


def _given(parts: Any, name: str) -> BoolArray:
    text = pc.struct_field(parts, name).fill_null("")
    return np.asarray(_as_numpy(pc.not_equal(text, "")), dtype=np.bool_)


@dataclass(frozen=True)
class _Days:
    """Each distinct date's day (days since 1970-01-01 in the store's zone), or why not."""

    days: IntArray
    valid: BoolArray
    problem: FieldProblem | None = None


def _days(column: _Column, day_first: bool | None, timezone: str) -> _Days:
    parts = pc.extract_regex(_latin_digits(column.values), _DATE)
    matched = np.asarray(_as_numpy(parts.is_valid()), dtype=np.bool_)
    slashed = _given(parts, "slashed_year")
    first, second = _whole(parts, "first"), _whole(parts, "second")
    order = _day_order(column, slashed, first, second, day_first)
    if isinstance(order, FieldProblem):
        return _Days(np.zeros(len(matched), np.int64), matched, order)
    year = np.where(slashed, _whole(parts, "slashed_year"), _whole(parts, "year"))
    month = np.where(slashed, second if order else first, _whole(parts, "month"))
    day = np.where(slashed, first if order else second, _whole(parts, "day"))
    hour, minute = _whole(parts, "hour"), _whole(parts, "minute")
    seconds = _whole(parts, "second_of_minute")
    valid = matched & (month >= 1) & (month <= 12) & (day >= 1) & (hour < 24) & (minute < 60)
    valid &= seconds < 60
    months = np.where(valid, (year - 1970) * 12 + month - 1, 0)
    start = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    following = (months + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    valid &= day <= following - start
    days = start + day - 1
    offset = _offset_seconds(parts)
    if offset is not None:
        instant = days * _SECONDS_PER_DAY + hour * 3600 + minute * 60 + seconds - offset.seconds
        local = _local_days(np.where(valid & offset.given, instant, 0), timezone)
        days = np.where(offset.given, local, days)
    return _Days(np.where(valid, days, 0), valid)


def _day_order(
    column: _Column, slashed: BoolArray, first: IntArray, second: IntArray, day_first: bool | None
) -> bool | FieldProblem:
    """Whether slashed dates write the day first, or the problem with telling."""
    if day_first is not None or not slashed.any():
        return bool(day_first)
    day_seen = slashed & (first > 12)
    month_seen = slashed & (second > 12)
    field = field_path([column.header])
    context: dict[str, Any] = {"column": field, "role": "date"}
    if day_seen.any() and month_seen.any():
        day_row = int(np.flatnonzero(np.isin(column.indices, np.flatnonzero(day_seen)))[0])
        month_row = int(np.flatnonzero(np.isin(column.indices, np.flatnonzero(month_seen)))[0])
        numbers = column.rows.of_records([day_row, month_row])
        message = (
            f"writes the day first in row {numbers[0]:,} and the month first in row "
            f"{numbers[1]:,}; every date of a file must be written one way"
        )
        return FieldProblem(field, message, "date_order_mixed", context | {"rows": numbers})
    if day_seen.any() or month_seen.any():
        return bool(day_seen.any())
    message = (
        "has dates like 01/02/2027 whose day and month are both 12 or less, so the file "
        "doesn't say which comes first; say whether the day comes first"
    )
    return FieldProblem(field, message, "date_order_ambiguous", context)


@dataclass(frozen=True)
class _Offset:
    seconds: IntArray
    given: BoolArray


def _offset_seconds(parts: Any) -> _Offset | None:
    utc, signed = _given(parts, "utc"), _given(parts, "sign")
    if not (utc.any() or signed.any()):
        return None
    sign = np.where(_as_numpy(pc.equal(pc.struct_field(parts, "sign").fill_null(""), "-")), -1, 1)
    size = _whole(parts, "offset_hours") * 3600 + _whole(parts, "offset_minutes") * 60
    return _Offset(np.asarray(sign * size, dtype=np.int64), utc | signed)


def _local_days(instants: IntArray, timezone: str) -> IntArray:
    """The store's calendar day of each instant (seconds since 1970-01-01 UTC)."""
    stamps = pa.array(instants, pa.timestamp("s", tz=timezone))
    local = pc.cast(pc.local_timestamp(stamps), pa.date32())
    return np.asarray(_as_numpy(local), dtype=np.int64)


def _amounts(column: _Column) -> tuple[FloatArray, BoolArray, FieldProblem | None]:
    """Each row's amount (0 where empty or unreadable), which rows are empty, the problem."""
    numbers, _empty, unreadable = _numbers_in_text(column.values)
    numbers = np.asarray(numbers, dtype=np.float64)
    bad = np.zeros(len(numbers), dtype=np.bool_)
    bad[unreadable] = True
    bad |= ~np.isfinite(numbers)
    problem = None
    bad_rows = np.flatnonzero(bad[column.indices])
    if bad_rows.size:
        problem = column.bad("amount_invalid", "must be an amount like 1234.50", bad_rows)
    return numbers[column.indices], column.empty(), problem


def _customers(column: _Column) -> IntArray:
    """Each row's customer entry, e-mails matched ignoring case."""
    values = column.values
    normal = pc.if_else(pc.match_substring(values, "@"), pc.utf8_lower(values), values)
    codes = pc.dictionary_encode(normal).indices
    return np.asarray(_as_numpy(codes), dtype=np.int64)[column.indices]


def _excluded(column: _Column) -> BoolArray:
    normal = pc.utf8_lower(column.values)
    hit = pc.is_in(normal, value_set=pa.array(EXCLUDED_STATUSES))
    return np.asarray(_as_numpy(hit), dtype=np.bool_)[column.indices]


# --- Orders -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Orders:
    """Each row's order (0..orders − 1) and each order's first row."""

    of_row: IntArray
    first_row: IntArray

    def pick(self, given: BoolArray) -> IntArray:
        """Each order's first row where ``given`` holds, or -1."""
        if given.all():
            return self.first_row
        rows = np.flatnonzero(given)
        codes, first = np.unique(self.of_row[rows], return_index=True)
        picked = np.full(self.first_row.size, -1, dtype=np.int64)
        picked[codes] = rows[first]
        return picked


def _order_of_rows(table: pa.Table, columns: _Columns, rows: _RowNumbers) -> _Orders:
    count = table.num_rows
    name = columns.chosen["order"]
    if name is None:
        every = np.arange(count, dtype=np.int64)
        return _Orders(every, every)
    codes = _order_codes(table, name, rows)
    _unique, first_row, of_row = np.unique(codes, return_index=True, return_inverse=True)
    if first_row.size == count:  # no id repeats: every row is an order
        every = np.arange(count, dtype=np.int64)
        return _Orders(every, every)
    return _Orders(of_row.astype(np.int64), first_row.astype(np.int64))


def _order_codes(table: pa.Table, name: str, rows: _RowNumbers) -> IntArray:
    """A number per order id; a row with no id gets one of its own."""
    ids = table.column(name).combine_chunks()
    try:  # ids that are whole numbers (``1001``, ``#1001``) need no text hashing
        return np.asarray(_as_numpy(pc.cast(pc.utf8_ltrim(ids, "#"), pa.int64())), np.int64)
    except pa.ArrowInvalid:
        pass
    column = _Column.of(table, name, "order", rows)
    entry = np.asarray(_as_numpy(pc.dictionary_encode(column.values).indices), dtype=np.int64)
    codes = entry[column.indices]
    empty = column.empty()
    codes[empty] = entry.size + np.flatnonzero(empty)  # no id: an order of its own
    return codes


def _orders(
    table: pa.Table, columns: _Columns, rows: _RowNumbers, day_first: bool | None, timezone: str
) -> OrderRead:
    orders = _order_of_rows(table, columns, rows)
    dates = _Column.of(table, columns.of("date"), "date", rows)
    parsed = _days(dates, day_first, timezone)
    if parsed.problem is not None:
        raise PlanInvalid([parsed.problem])
    problems = []
    bad_dates = np.flatnonzero(~parsed.valid[dates.indices] & ~dates.empty())
    if bad_dates.size:
        requirement = "must be a date like 2027-01-13, 13/01/2027 or 01/13/2027"
        problems.append(dates.bad("date_invalid", requirement, bad_dates))
    date_row = orders.pick(~dates.empty())
    excluded = _excluded_orders(table, columns, rows, orders)
    amount_column = _Column.of(table, columns.of("amount"), "amount", rows)
    amounts, amount_empty, amount_problem = _amounts(amount_column)
    customer_column = _Column.of(table, columns.of("customer"), "customer", rows)
    amount_row = orders.pick(~amount_empty)
    customer_row = orders.pick(~customer_column.empty())
    problems += [amount_problem] if amount_problem is not None else []
    problems += _missing_values(orders, date_row < 0, dates, "date_missing", "a date")
    kept = ~excluded
    for picked, column, code, what in (
        (amount_row, amount_column, "amount_missing", "an amount"),
        (customer_row, customer_column, "customer_missing", "a customer"),
    ):
        problems += _missing_values(orders, kept & (picked < 0), column, code, what)
    if problems:
        raise PlanInvalid(problems)
    days = parsed.days[dates.indices][date_row]
    customers = _dense(_customers(customer_column)[customer_row[kept]])
    log = OrderLog(
        days=days[kept],
        customers=customers,
        amounts=amounts[amount_row[kept]],
        excluded_days=days[excluded],
    )
    return _read_result(log, columns, orders, excluded, rows)


def _excluded_orders(
    table: pa.Table, columns: _Columns, rows: _RowNumbers, orders: _Orders
) -> BoolArray:
    excluded = np.zeros(orders.first_row.size, dtype=np.bool_)
    name = columns.chosen["status"]
    if name is not None:
        status = _Column.of(table, name, "status", rows)
        status_row = orders.pick(~status.empty())
        found = status_row >= 0
        excluded[found] = _excluded(status)[status_row[found]]
    if columns.cancelled is not None:
        cancelled = _Column.of(table, columns.cancelled, "status", rows)
        cancelled_row = orders.pick(~cancelled.empty())
        excluded |= cancelled_row >= 0
    return excluded


def _missing_values(
    orders: _Orders, missing: BoolArray, column: _Column, code: str, what: str
) -> list[FieldProblem]:
    if not missing.any():
        return []
    first_rows = orders.first_row[missing]
    return [column.bad(code, f"must hold {what} for the order", first_rows)]


def _dense(codes: IntArray) -> IntArray:
    """Codes renumbered 0..k − 1, keeping their order."""
    if codes.size == 0:
        return codes
    present = np.zeros(int(codes.max()) + 1, dtype=np.bool_)
    present[codes] = True
    return (np.cumsum(present) - 1)[codes].astype(np.int64)


def _read_result(
    log: OrderLog, columns: _Columns, orders: _Orders, excluded: BoolArray, rows: _RowNumbers
) -> OrderRead:
    count = orders.of_row.size
    repeated = np.ones(count, dtype=np.bool_)
    repeated[orders.first_row] = False
    skipped = repeated | excluded[orders.of_row]
    shown = np.flatnonzero(skipped)[:ROWS_SHOWN]
    numbers = rows.of_records(shown) if shown.size else ()
    reasons = np.where(excluded[orders.of_row[shown]], "excluded_status", "repeated_order")
    days = np.concatenate([log.days, log.excluded_days])
    return OrderRead(
        log=log,
        date_column=columns.of("date"),
        amount_column=columns.of("amount"),
        customer_column=columns.of("customer"),
        order_column=columns.chosen["order"],
        status_column=columns.chosen["status"],
        rows_read=count,
        rows_skipped=int(skipped.sum()),
        skipped=tuple(
            SkippedRow(row=number, reason=reason)
            for number, reason in zip(numbers, reasons, strict=True)
        ),
        first_day=_date(days.min()) if days.size else None,
        last_day=_date(days.max()) if days.size else None,
    )


def _date(day: np.int64) -> dt.date:
    return _EPOCH + dt.timedelta(days=int(day))
