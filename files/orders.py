"""A store's order export read into an ``OrderLog``: each order's day, customer and amount.

One row per order, or per order line as stores export them: a date, a customer (an id, an
e-mail or a phone) and an amount, and optionally an order id, a status, a channel, a
customer segment and a currency. Without an order id every row is one order; with one, the
rows sharing an id are one order, and each of its values is its first row's, or the first
that isn't empty (Shopify writes an order's totals on its first line-item row only). Other
columns are not read.

Columns are found by their header as ``files.csv_text.header_key`` folds it (case, spaces,
punctuation and Arabic letter forms ignored), or named outright (``date_column=``...). A
role's headers come in tiers: a file holding headers of two tiers takes the first tier's
(an "Order ID" beside an "Order Number" is the order id); two headers of one tier are
ambiguous and refused (``column_ambiguous``):

- the date: date, created at, order date, date created, تاريخ, التاريخ, تاريخ الطلب;
- the amount: total, amount, order total, revenue, grand total, الإجمالي, المبلغ, إجمالي
  الطلب; then net sales, المجموع, صافي المبيعات;
- the customer: customer, email, customer id, customer email, billing email, العميل,
  البريد الإلكتروني, رقم العميل; then a phone (phone, mobile, customer mobile, billing
  phone, جوال العميل, رقم الجوال, الجوال); then a name (customer name, billing name, اسم
  العميل). When the customer is found in the first tier and the file also has one phone
  column, an order whose first-tier value is empty is its phone's customer (Salla and Zid
  stores know many customers by their mobile only); a phone and an e-mail of one person
  are then two customers;
- the order id: order id, order, order #, رقم الطلب, معرف الطلب, and Name in a Shopify
  export; then order number, order no;
- the status: order status, financial status, حالة الطلب; then status, الحالة;
- the channel: channel, sales channel, القناة, قناة البيع; then source, order source, utm
  source, المصدر, مصدر الطلب; then referrer, referring site;
- the segment: segment, customer segment, customer group, الشريحة, شريحة العميل, مجموعة
  العملاء. WooCommerce's "Customer type" (new or returning) is *not* a segment: it is what
  ``planner.actuals.kpis`` works out itself from the log, so it is not read;
- the currency: currency, order currency, currency code, العملة, رمز العملة.

Store exports these headers come from: Shopify's orders export (Name, Email, Financial
Status, Total, Created at, Cancelled at, Currency, Source); WooCommerce's Analytics →
Orders download (Date, Order #, Status, Customer, Customer type, Net Sales) and the common
order-export plugins' (Order ID, Order Number, Order Date, Order Status, Billing Email,
Order Total, Order Currency); Salla's and Zid's order exports (رقم الطلب, تاريخ الطلب, حالة
الطلب, البريد الإلكتروني, جوال العميل, إجمالي الطلب or المجموع, العملة, and Zid's English
headers Order ID, Order Date, Order Status, Customer Email, Customer Mobile, Order Total).
Salla's and Zid's headers and status words are their common ones, not checked against a
real export of each; WooCommerce's statuses are its own (Completed, Pending payment,
wc-checkout-draft...), Zid's order codes its API's (new, delivered, cancelled, reversed).

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
- a status is matched ignoring case, spaces, hyphens and Arabic letter forms. An order
  whose status is in ``EXCLUDED_STATUSES`` (cancelled, refunded, voided, WooCommerce's
  wc-cancelled and wc-refunded, Zid's reversed, ملغي, مسترجع, مسترد, تم الإلغاء...) or, in a
  Shopify export, whose Cancelled at is filled, is not an order of the log: its day goes to
  ``excluded_days``, for the refund rate. An order whose status is in ``UNPAID_STATUSES``
  (failed, pending payment, draft, checkout-draft, بانتظار الدفع...) never became an order:
  it is left out and counted in ``OrderRead.unpaid_orders`` only, not in the refund rate.
  Plain "pending" is unpaid except in a Shopify export, where it is an order placed with a
  manual payment, kept. Partly refunded orders and every other status are kept;
- a channel or segment is its text, spaces around it trimmed (case kept: "Web" and "web"
  are two channels). Each kept order gets a code into ``channel_names``/``segment_names``,
  names in the order the file first shows them; an order with no value gets
  ``NO_LABEL`` ("(none)"), which comes last;
- a currency is a code or sign, compared ignoring case. A file whose orders hold more than
  one currency is refused (``currency_mixed``): amounts in two currencies can't be added,
  so the store must export one currency's orders at a time. The one currency found (upper
  case) is ``OrderRead.currency``.

The file is checked as ``files.csv_text`` checks every CSV (UTF-8, a byte-order mark
allowed, at most ``MAX_FILE_BYTES``, one line per row). Problems raise ``PlanInvalid``, one
``FieldProblem`` each: the codes of ``files.csv_text`` for the file as a whole and its
columns, and ``no_orders``, ``timezone_unknown``, ``date_invalid``, ``date_missing``,
``date_order_ambiguous``, ``date_order_mixed``, ``amount_invalid``, ``amount_missing``,
``customer_missing``, ``currency_mixed``. Bad values are addressed to their column's header
with the first rows (``context["rows"]``) and how many (``context["count"]``).

The work is vectorised, with no Python per row: pyarrow reads the chosen columns as text;
a column whose every value is ISO (dates) or a plain number (amounts, order ids) is
converted by one pyarrow cast; any other is dictionary-encoded, each distinct value parsed
once with pyarrow.compute and numpy spreading the results over the rows.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
import pyarrow.csv as pa_csv  # type: ignore[import-untyped]
from pydantic import ConfigDict, Field

from files.csv_text import (
    ROWS_SHOWN,
    InvalidRows,
    RowNumbers,
    as_numpy,
    bad_rows,
    check_file,
    check_records,
    column_ambiguous,
    column_missing,
    columns_reused,
    header_key,
    latin_digits,
    numbers_in_text,
    read_header,
    refuse_unreadable,
    shown_value,
    text_keys,
)
from files.csv_text import latin_digits as _latin_digits  # noqa: F401  (files.funnel_actuals)
from files.csv_text import refuse as _refuse  # the name tests/i18n's source scan looks for
from planner.actuals.orders import EXCLUDED_STATUSES, UNPAID_STATUSES, OrderLog
from planner.base import Model
from planner.errors import FieldProblem, PlanInvalid, field_path
from planner.types import printable, show_text

MAX_FILE_BYTES = 400_000_000
"""400 MB: about 6 million orders of six columns (id, date-time, e-mail, total, status,
channel); a visitor file's 200 MB would stop at 3 million."""

Role = Literal["date", "amount", "customer", "order", "status", "channel", "segment", "currency"]
ROLE_FIELDS: dict[Role, str] = {
    "date": "date_column",
    "amount": "amount_column",
    "customer": "customer_column",
    "order": "order_column",
    "status": "status_column",
    "channel": "channel_column",
    "segment": "segment_column",
    "currency": "currency_column",
}
_REQUIRED: tuple[Role, ...] = ("date", "amount", "customer")
_TEXT_ROLES: tuple[Role, ...] = ("date", "amount", "order", "customer")  # see ``types``
_SYNONYMS: dict[Role, tuple[tuple[str, ...], ...]] = {
    "date": (
        ("date", "created at", "order date", "date created", "تاريخ", "التاريخ", "تاريخ الطلب"),
    ),
    "amount": (
        (
            "total",
            "amount",
            "order total",
            "revenue",
            "grand total",
            "الإجمالي",
            "المبلغ",
            "إجمالي الطلب",
        ),
        ("net sales", "المجموع", "صافي المبيعات"),
    ),
    "customer": (
        (
            "customer",
            "email",
            "customer id",
            "customer email",
            "billing email",
            "العميل",
            "البريد الإلكتروني",
            "رقم العميل",
        ),
        (
            "phone",
            "mobile",
            "customer mobile",
            "customer phone",
            "billing phone",
            "جوال العميل",
            "رقم الجوال",
            "الجوال",
        ),
        ("customer name", "billing name", "اسم العميل"),
    ),
    "order": (
        ("order id", "order", "order #", "رقم الطلب", "معرف الطلب"),
        ("order number", "order no"),
    ),
    "status": (("order status", "financial status", "حالة الطلب"), ("status", "الحالة")),
    "channel": (
        ("channel", "sales channel", "القناة", "قناة البيع"),
        ("source", "order source", "utm source", "المصدر", "مصدر الطلب"),
        ("referrer", "referring site"),
    ),
    "segment": (
        (
            "segment",
            "customer segment",
            "customer group",
            "الشريحة",
            "شريحة العميل",
            "مجموعة العملاء",
        ),
    ),
    "currency": (("currency", "order currency", "currency code", "العملة", "رمز العملة"),),
}
_TIERS: dict[Role, tuple[frozenset[str], ...]] = {
    role: tuple(frozenset(header_key(word) for word in tier) for tier in tiers)
    for role, tiers in _SYNONYMS.items()
}
_SHOPIFY_KEYS = frozenset({"financialstatus", "createdat"})
_SHOPIFY_ORDER = "name"
_SHOPIFY_CANCELLED = "cancelledat"
_PENDING = "pending"  # unpaid, except in a Shopify export
NO_LABEL = "(none)"
"""The channel or segment name of the orders that have none."""
_CURRENCIES_SHOWN = 5
_LONGEST_CURRENCY = 12  # a code (SAR) or a sign (ر.س); anything longer is cut
_DATE = (
    r"^(?:(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"
    r"|(?P<first>\d{1,2})[/.-](?P<second>\d{1,2})[/.-](?P<slashed_year>\d{4}))"
    r"(?:(?:T|\s+)(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second_of_minute>\d{2})"
    r"(?:\.\d+)?)?\s*(?:(?P<utc>Z)|(?P<sign>[-+])(?P<offset_hours>\d{2}):?"
    r"(?P<offset_minutes>\d{2}))?)?$"
)
_SECONDS_PER_DAY = 86_400
_SPLIT_ABOVE = 1_000_000  # rows from which a text column is encoded in two halves at once
_BUCKET_SECONDS = 900  # every time zone's offset changes on a quarter hour (since 1970)
_EPOCH = dt.date(1970, 1, 1)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


class SkippedRow(Model):
    """A row that is not an order of the log, and why."""

    row: int = Field(description="The row's number in the file (the header is row 1).")
    reason: Literal["repeated_order", "excluded_status", "unpaid_status"] = Field(
        description="A further row of an order already read, a row of an order excluded as "
        "cancelled, voided or refunded, or a row of a checkout never paid (failed, pending "
        "payment, draft)."
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
    channel_column: str | None = Field(default=None, description="The channel column, if any.")
    segment_column: str | None = Field(default=None, description="The segment column, if any.")
    currency_column: str | None = Field(default=None, description="The currency column, if any.")
    phone_column: str | None = Field(
        default=None,
        description="The phone column standing in for an empty customer (see the module).",
    )
    currency: str | None = Field(
        default=None, description="The one currency of the orders (upper case), if a column says."
    )
    rows_read: int = Field(description="Rows holding values (header and blank lines not counted).")
    rows_skipped: int = Field(
        description="Rows that are not an order of the log: further rows of an order, and "
        "the rows of excluded and unpaid orders."
    )
    unpaid_orders: int = Field(
        default=0,
        description="Checkouts that never became orders (failed, pending payment, draft): "
        "left out of the log and of the refund rate.",
    )
    skipped: tuple[SkippedRow, ...] = Field(description="The first few skipped rows, in order.")
    first_day: dt.date | None = Field(description="The earliest order day, excluded ones too.")
    last_day: dt.date | None = Field(description="The latest order day, excluded ones too.")


@dataclass(frozen=True)
class _Columns:
    chosen: dict[Role, str | None]
    cancelled: str | None  # Shopify's Cancelled at
    phone: str | None  # stands in for an empty customer
    shopify: bool

    def names(self) -> list[str]:
        names = [name for name in self.chosen.values() if name is not None]
        return names + [name for name in (self.cancelled, self.phone) if name is not None]

    def types(self) -> dict[str, Any]:
        """How pyarrow reads each column: as text, or coded as a dictionary while parsed.

        Dates, amounts and order ids are read as text (most files convert each by one
        cast), and so are customers (a million distinct e-mails are encoded faster after
        the read than during it, chunk by chunk); statuses, channels, segments and
        currencies, a few values repeated millions of times, as dictionaries.
        """
        as_text = {self.chosen[role] for role in _TEXT_ROLES} | {self.phone}
        return {
            name: pa.string() if name in as_text else pa.dictionary(pa.int32(), pa.string())
            for name in self.names()
        }

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
    channel_column: str | None = None,
    segment_column: str | None = None,
    currency_column: str | None = None,
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
    check_file(data, limit=MAX_FILE_BYTES, kind="an order file", items="orders")
    header, delimiter = read_header(data)
    given: dict[Role, str | None] = {
        "date": date_column,
        "amount": amount_column,
        "customer": customer_column,
        "order": order_column,
        "status": status_column,
        "channel": channel_column,
        "segment": segment_column,
        "currency": currency_column,
    }
    columns = _choose_columns(header, given)
    rows = RowNumbers(data)
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
            words = [word for tier in _SYNONYMS[role] for word in tier]
            problems.append(column_missing(ROLE_FIELDS[role], role, name, header, words))
    problems += columns_reused(chosen, ROLE_FIELDS)
    if problems:
        raise PlanInvalid(problems)
    cancelled = None
    if shopify:
        cancelled = next((name for name in header if header_key(name) == _SHOPIFY_CANCELLED), None)
    phone = _phone_column(header, chosen, given["customer"])
    return _Columns(chosen, cancelled, phone, shopify)


def _matches(role: Role, given: str | None, header: list[str], shopify: bool) -> list[str]:
    """The headers that could be ``role``'s column: the named one, or the first tier found."""
    if given is not None:
        exact = [name for name in header if name == given]
        return exact or [name for name in header if header_key(name) == header_key(given)]
    for index, tier in enumerate(_TIERS[role]):
        keys = tier | ({_SHOPIFY_ORDER} if role == "order" and shopify and index == 0 else set())
        found = [name for name in header if header_key(name) in keys]
        if found:
            return found
    return []


def _phone_column(
    header: list[str], chosen: dict[Role, str | None], given: str | None
) -> str | None:
    """The one phone column that stands in for an empty customer found in the first tier."""
    customer = chosen["customer"]
    if given is not None or customer is None or header_key(customer) not in _TIERS["customer"][0]:
        return None
    phones = [name for name in header if header_key(name) in _TIERS["customer"][1]]
    taken = set(chosen.values())
    return phones[0] if len(phones) == 1 and phones[0] not in taken else None


def _parse(data: bytes, delimiter: str, columns: _Columns, rows: RowNumbers) -> pa.Table:
    try:
        table, invalid = _read(data, delimiter, columns, threads=True)
    except pa.ArrowException as error:
        refuse_unreadable(data, delimiter, error)

    def numbered() -> InvalidRows:
        return _read(data, delimiter, columns, threads=False)[1]

    check_records(data, delimiter, table.num_rows, invalid, rows, numbered)
    if table.num_rows == 0:
        _refuse("has a header but no orders", "no_orders")
    return table


def _read(
    data: bytes, delimiter: str, columns: _Columns, *, threads: bool
) -> tuple[pa.Table, InvalidRows]:
    invalid = InvalidRows()
    table = pa_csv.read_csv(
        pa.py_buffer(data),
        read_options=pa_csv.ReadOptions(use_threads=threads),
        parse_options=pa_csv.ParseOptions(delimiter=delimiter, invalid_row_handler=invalid),
        convert_options=pa_csv.ConvertOptions(
            include_columns=columns.names(),
            column_types=columns.types(),
            strings_can_be_null=False,
            check_utf8=False,  # the whole file was checked once
        ),
    )
    return table.unify_dictionaries(), invalid


# --- Values -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Column:
    """One column read as a dictionary: its distinct values and each row's entry."""

    header: str
    role: Role
    values: Any  # pa.Array of str, spaces around each value trimmed
    indices: npt.NDArray[np.int32]
    rows: RowNumbers
    distinct: bool = False  # the values are distinct (no two differed only by spaces)

    @classmethod
    def of(cls, table: pa.Table, header: str, role: Role, rows: RowNumbers) -> _Column:
        column = table.column(header)
        if pa.types.is_dictionary(column.type):  # read as one (dictionaries unified)
            dictionary = (
                column.chunk(0).dictionary if column.num_chunks else pa.array([], pa.string())
            )
            parts = [chunk.indices.to_numpy(zero_copy_only=False) for chunk in column.chunks]
            indices = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)
        else:
            dictionary, indices = _encode(column)
        values = pc.utf8_trim_whitespace(dictionary)
        distinct = bool(pc.all(pc.equal(values, dictionary)).as_py() is not False)
        return cls(header, role, values, np.asarray(indices, dtype=np.int32), rows, distinct)

    def given(self) -> BoolArray:
        """Which rows hold a value: all, without a look at each row, when none is empty."""
        empty = np.asarray(as_numpy(pc.equal(self.values, "")), dtype=np.bool_)
        return np.ones(self.indices.size, np.bool_) if not empty.any() else ~self.spread(empty)

    def empty(self) -> BoolArray:
        """Which rows hold nothing but spaces."""
        return self.spread(np.asarray(as_numpy(pc.equal(self.values, "")), dtype=np.bool_))

    def spread(self, per_value: npt.NDArray[Any]) -> npt.NDArray[Any]:
        """Each row's entry of an array holding one entry per distinct value."""
        return per_value[self.indices]

    def bad(self, code: str, requirement: str, row_indices: npt.NDArray[Any]) -> FieldProblem:
        """``row 7: must be …, got "x"; 3 more rows like it (rows 9, 12, 15)``."""
        count = int(row_indices.size)
        numbers = self.rows.of_records(row_indices[:ROWS_SHOWN])
        got = shown_value(self.values[int(self.indices[row_indices[0]])].as_py())
        return bad_rows(self.header, self.role, code, requirement, numbers, count, got)


def _encode(column: pa.ChunkedArray) -> tuple[Any, npt.NDArray[np.int32]]:
    """A text column dictionary-encoded: its distinct values, first seen first, and indices.

    A long column is encoded in two halves on two threads (pyarrow lets go of the GIL as it
    hashes), then the halves' dictionaries are merged: a million distinct e-mails hashed
    once more costs less than five million hashed on one core.
    """
    if column.length() < _SPLIT_ABOVE or column.num_chunks < 2:
        return _encode_whole(column)
    middle = column.num_chunks // 2
    first = pa.chunked_array(column.chunks[:middle], column.type)
    second = pa.chunked_array(column.chunks[middle:], column.type)
    with ThreadPoolExecutor(max_workers=1) as pool:
        later = pool.submit(_encode_whole, second)
        first_values, first_indices = _encode_whole(first)
        second_values, second_indices = later.result()
    merged = pc.dictionary_encode(pa.concat_arrays([first_values, second_values]))
    remap = np.asarray(as_numpy(merged.indices), dtype=np.int32)
    cut = len(first_values)
    indices = np.concatenate([remap[:cut][first_indices], remap[cut:][second_indices]])
    return merged.dictionary, indices


def _encode_whole(column: pa.ChunkedArray) -> tuple[Any, npt.NDArray[np.int32]]:
    encoded = pc.dictionary_encode(column.combine_chunks())
    return encoded.dictionary, np.asarray(as_numpy(encoded.indices), dtype=np.int32)


def _whole(parts: Any, name: str) -> IntArray:
    text = pc.struct_field(parts, name).fill_null("")
    text = pc.if_else(pc.equal(text, ""), "0", text)
    return np.asarray(as_numpy(pc.cast(text, pa.int64())), dtype=np.int64)


def _given(parts: Any, name: str) -> BoolArray:
    text = pc.struct_field(parts, name).fill_null("")
    return np.asarray(as_numpy(pc.not_equal(text, "")), dtype=np.bool_)


@dataclass(frozen=True)
class _Dates:
    """Each row's day (days since 1970-01-01 in the store's zone), and what is wrong."""

    days: IntArray
    empty: BoolArray
    problems: list[FieldProblem]


def _dates(
    table: pa.Table, header: str, rows: RowNumbers, day_first: bool | None, timezone: str
) -> _Dates:
    """Every row's day: by one cast when every date is ISO, else value by value."""
    whole = table.column(header)
    for kind in (pa.timestamp("s", tz="UTC"), pa.timestamp("s")):
        try:
            stamps = pc.cast(whole, kind)
        except pa.ArrowInvalid:  # a date not ISO, empty, or some with an offset and some not
            continue
        seconds = np.asarray(as_numpy(pc.cast(stamps, pa.int64())), dtype=np.int64)
        days = _local_days(seconds, timezone) if kind.tz else seconds // _SECONDS_PER_DAY
        return _Dates(days, np.zeros(days.size, dtype=np.bool_), [])
    column = _Column.of(table, header, "date", rows)
    parsed = _days(column, day_first, timezone)
    if parsed.problem is not None:
        raise PlanInvalid([parsed.problem])
    empty = column.empty()
    bad = np.flatnonzero(~column.spread(parsed.valid) & ~empty)
    problems = []
    if bad.size:
        requirement = "must be a date like 2027-01-13, 13/01/2027 or 01/13/2027"
        problems.append(column.bad("date_invalid", requirement, bad))
    return _Dates(column.spread(parsed.days), empty, problems)


@dataclass(frozen=True)
class _Days:
    """Each distinct date's day (days since 1970-01-01 in the store's zone), or why not."""

    days: IntArray
    valid: BoolArray
    problem: FieldProblem | None = None


def _days(column: _Column, day_first: bool | None, timezone: str) -> _Days:
    parts = pc.extract_regex(latin_digits(column.values), _DATE)
    matched = np.asarray(as_numpy(parts.is_valid()), dtype=np.bool_)
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
    sign = np.where(as_numpy(pc.equal(pc.struct_field(parts, "sign").fill_null(""), "-")), -1, 1)
    size = _whole(parts, "offset_hours") * 3600 + _whole(parts, "offset_minutes") * 60
    return _Offset(np.asarray(sign * size, dtype=np.int64), utc | signed)


def _local_days(instants: IntArray, timezone: str) -> IntArray:
    """The store's calendar day of each instant (seconds since 1970-01-01 UTC).

    The zone's offset is looked up once per quarter hour of the span rather than once per
    instant, when that is fewer; a quarter hour whose offset changes inside it (a clock
    change not on a quarter hour) has its instants looked up one by one.
    """
    if timezone == "UTC" or instants.size == 0:
        return instants // _SECONDS_PER_DAY
    bucket = instants // _BUCKET_SECONDS
    low, high = int(bucket.min()), int(bucket.max())
    if high - low + 1 >= instants.size:
        return (instants + _zone_offsets(instants, timezone)) // _SECONDS_PER_DAY
    starts = np.arange(low, high + 1, dtype=np.int64) * _BUCKET_SECONDS
    at_start = _zone_offsets(starts, timezone)
    changing = at_start != _zone_offsets(starts + _BUCKET_SECONDS - 1, timezone)
    offsets = at_start[bucket - low]
    if changing.any():
        inside = np.flatnonzero(changing[bucket - low])
        offsets[inside] = _zone_offsets(instants[inside], timezone)
    return (instants + offsets) // _SECONDS_PER_DAY


def _zone_offsets(instants: IntArray, timezone: str) -> IntArray:
    """The zone's offset from UTC, in seconds, at each instant."""
    stamps = pa.array(instants, pa.timestamp("s", tz=timezone))
    local = pc.cast(pc.cast(pc.local_timestamp(stamps), pa.timestamp("s")), pa.int64())
    return np.asarray(as_numpy(local), dtype=np.int64) - instants


@dataclass(frozen=True)
class _Amounts:
    """Each row's amount (0 where empty or unreadable), which rows are empty, the problem."""

    values: FloatArray
    empty: BoolArray
    problem: FieldProblem | None


def _amounts(table: pa.Table, header: str, rows: RowNumbers) -> _Amounts:
    """Every row's amount: by one cast when every amount is a plain number, else one by one."""
    try:
        plain = np.asarray(as_numpy(pc.cast(table.column(header), pa.float64())), np.float64)
    except pa.ArrowInvalid:  # a currency, a thousands comma, an empty amount...
        plain = None
    if plain is not None and np.isfinite(plain).all():
        return _Amounts(plain, np.zeros(plain.size, dtype=np.bool_), None)
    column = _Column.of(table, header, "amount", rows)
    numbers, _empty, unreadable = numbers_in_text(column.values)
    bad = np.zeros(len(numbers), dtype=np.bool_)
    bad[unreadable] = True
    bad |= ~np.isfinite(numbers)
    problem = None
    bad_rows = np.flatnonzero(column.spread(bad))
    if bad_rows.size:
        problem = column.bad("amount_invalid", "must be an amount like 1234.50", bad_rows)
    return _Amounts(column.spread(numbers), column.empty(), problem)


@dataclass(frozen=True)
class _Customers:
    """Each row's customer code (not dense), and which rows have none."""

    codes: IntArray
    empty: BoolArray
    column: _Column


def _customers(table: pa.Table, columns: _Columns, rows: RowNumbers) -> _Customers:
    """Each row's customer, e-mails matched ignoring case; a phone where the first is empty."""
    column = _Column.of(table, columns.of("customer"), "customer", rows)
    codes, empty = _customer_codes(column), column.empty()
    if columns.phone is not None and empty.any():
        phone = _Column.of(table, columns.phone, "customer", rows)
        # phones numbered after every first-tier customer, so the two never meet
        codes = np.where(empty, _customer_codes(phone) + len(column.values), codes)
        empty &= phone.empty()
    return _Customers(codes, empty, column)


def _customer_codes(column: _Column) -> IntArray:
    values = column.values
    normal = pc.if_else(pc.match_substring(values, "@"), pc.utf8_lower(values), values)
    if column.distinct and pc.all(pc.equal(normal, values)).as_py() is not False:
        return column.indices.astype(np.int64)  # no two values to merge: no second hashing
    codes = pc.dictionary_encode(normal).indices
    return column.spread(np.asarray(as_numpy(codes), dtype=np.int64))


def _status_kinds(column: _Column, shopify: bool) -> tuple[BoolArray, BoolArray]:
    """Each distinct status: (excluded as undone, unpaid)."""
    keys = text_keys(column.values)
    excluded = pc.is_in(keys, value_set=pa.array([header_key(word) for word in EXCLUDED_STATUSES]))
    unpaid_words = [*UNPAID_STATUSES, *([] if shopify else [_PENDING])]
    unpaid = pc.is_in(keys, value_set=pa.array([header_key(word) for word in unpaid_words]))
    return (
        np.asarray(as_numpy(excluded), dtype=np.bool_),
        np.asarray(as_numpy(unpaid), dtype=np.bool_),
    )


# --- Orders -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Orders:
    """Each row's order (0..orders − 1) and each order's first row."""

    of_row: IntArray
    first_row: IntArray
    one_row_each: bool  # no order spans two rows: order i is row i

    @classmethod
    def each_row(cls, count: int) -> _Orders:
        every = np.arange(count, dtype=np.int64)
        return cls(every, every, True)

    def pick(self, given: BoolArray) -> IntArray:
        """Each order's first row where ``given`` holds, or -1."""
        if given.all():
            return self.first_row
        if self.one_row_each:
            return np.where(given, self.first_row, -1)
        rows = np.flatnonzero(given)
        codes, first = np.unique(self.of_row[rows], return_index=True)
        picked = np.full(self.first_row.size, -1, dtype=np.int64)
        picked[codes] = rows[first]
        return picked


def _order_of_rows(table: pa.Table, columns: _Columns, rows: RowNumbers) -> _Orders:
    count = table.num_rows
    name = columns.chosen["order"]
    if name is None:
        return _Orders.each_row(count)
    codes = _order_codes(table, name, rows)
    steps = np.diff(codes)
    if (steps > 0).all() or (steps < 0).all():  # sorted ids repeat none: a quick common case
        return _Orders.each_row(count)
    _unique, first_row, of_row = np.unique(codes, return_index=True, return_inverse=True)
    if first_row.size == count:  # no id repeats: every row is an order
        return _Orders.each_row(count)
    return _Orders(of_row.astype(np.int64), first_row.astype(np.int64), False)


def _order_codes(table: pa.Table, name: str, rows: RowNumbers) -> IntArray:
    """A number per order id; a row with no id gets one of its own."""
    ids = table.column(name)
    for whole in (ids, pc.utf8_ltrim(ids, "#")):  # whole numbers (1001, #1001): no hashing
        try:
            return np.asarray(as_numpy(pc.cast(whole, pa.int64())), np.int64)
        except pa.ArrowInvalid:
            continue
    column = _Column.of(table, name, "order", rows)
    entry = np.asarray(as_numpy(pc.dictionary_encode(column.values).indices), dtype=np.int64)
    codes = column.spread(entry)
    empty = column.empty()
    codes[empty] = entry.size + np.flatnonzero(empty)  # no id: an order of its own
    return codes


@dataclass(frozen=True)
class _Statuses:
    """Each order's fate: excluded (undone) or unpaid (never an order)."""

    excluded: BoolArray
    unpaid: BoolArray


def _statuses(table: pa.Table, columns: _Columns, rows: RowNumbers, orders: _Orders) -> _Statuses:
    count = orders.first_row.size
    excluded = np.zeros(count, dtype=np.bool_)
    unpaid = np.zeros(count, dtype=np.bool_)
    name = columns.chosen["status"]
    if name is not None:
        status = _Column.of(table, name, "status", rows)
        status_row = orders.pick(status.given())
        found = status_row >= 0
        entry = status.indices[status_row[found]]  # each order's status, as a distinct value
        value_excluded, value_unpaid = _status_kinds(status, columns.shopify)
        excluded[found] = value_excluded[entry]
        unpaid[found] = value_unpaid[entry]
    if columns.cancelled is not None:
        cancelled = _Column.of(table, columns.cancelled, "status", rows)
        excluded |= orders.pick(cancelled.given()) >= 0
    return _Statuses(excluded, unpaid & ~excluded)


def _orders(
    table: pa.Table, columns: _Columns, rows: RowNumbers, day_first: bool | None, timezone: str
) -> OrderRead:
    # Customers take the longest (a million e-mails hashed); pyarrow lets go of the GIL
    # while it hashes, so they are coded on a second thread while the rest is read.
    with ThreadPoolExecutor(max_workers=1) as pool:
        coding = pool.submit(_customers, table, columns, rows)
        orders = _order_of_rows(table, columns, rows)
        dates = _dates(table, columns.of("date"), rows, day_first, timezone)
        statuses = _statuses(table, columns, rows, orders)
        amounts = _amounts(table, columns.of("amount"), rows)
        kept = ~statuses.excluded & ~statuses.unpaid
        channels = _labels(table, columns.chosen["channel"], "channel", rows, orders, kept)
        segments = _labels(table, columns.chosen["segment"], "segment", rows, orders, kept)
        customers = coding.result()
    picked = _Picked(
        date=orders.pick(~dates.empty),
        amount=orders.pick(~amounts.empty),
        customer=orders.pick(~customers.empty),
    )
    problems = _value_problems(table, columns, rows, orders, statuses, picked)
    problems += dates.problems + ([amounts.problem] if amounts.problem is not None else [])
    currency = _currency(table, columns.chosen["currency"], rows, orders, ~statuses.unpaid)
    if isinstance(currency, FieldProblem):
        problems.append(currency)
    if problems or isinstance(currency, FieldProblem):
        raise PlanInvalid(problems)
    days = dates.days[picked.date]
    log = OrderLog(
        days=days[kept],
        customers=_dense(customers.codes[picked.customer[kept]]),
        amounts=amounts.values[picked.amount[kept]],
        excluded_days=days[statuses.excluded],
        channels=channels[0],
        channel_names=channels[1],
        segments=segments[0],
        segment_names=segments[1],
    )
    return _read_result(log, columns, orders, statuses, rows, currency)


@dataclass(frozen=True)
class _Picked:
    """Each order's row holding its date, amount and customer (its first that isn't empty)."""

    date: IntArray
    amount: IntArray
    customer: IntArray


def _value_problems(
    table: pa.Table,
    columns: _Columns,
    rows: RowNumbers,
    orders: _Orders,
    statuses: _Statuses,
    picked: _Picked,
) -> list[FieldProblem]:
    """Orders without a value they need: a day (unless unpaid), an amount and a customer."""
    kept = ~statuses.excluded & ~statuses.unpaid
    missing_date = ~statuses.unpaid & (picked.date < 0)
    return [
        *_missing_values(orders, missing_date, table, columns, _DATE_MISSING, rows),
        *_missing_values(orders, kept & (picked.amount < 0), table, columns, _AMOUNT_MISSING, rows),
        *_missing_values(
            orders, kept & (picked.customer < 0), table, columns, _CUSTOMER_MISSING, rows
        ),
    ]


@dataclass(frozen=True)
class _Missing:
    """An order without a value it needs: its column's role, the problem's code, the value."""

    role: Role
    code: str
    what: str


_DATE_MISSING = _Missing("date", "date_missing", "a date")
_AMOUNT_MISSING = _Missing("amount", "amount_missing", "an amount")
_CUSTOMER_MISSING = _Missing("customer", "customer_missing", "a customer")


def _missing_values(
    orders: _Orders,
    missing: BoolArray,
    table: pa.Table,
    columns: _Columns,
    kind: _Missing,
    rows: RowNumbers,
) -> list[FieldProblem]:
    if not missing.any():
        return []
    column = _Column.of(table, columns.of(kind.role), kind.role, rows)  # read to name rows
    requirement = f"must hold {kind.what} for the order"
    return [column.bad(kind.code, requirement, orders.first_row[missing])]


def _currency(
    table: pa.Table, header: str | None, rows: RowNumbers, orders: _Orders, counted: BoolArray
) -> str | FieldProblem | None:
    """The orders' one currency (upper case), none without a column, or the problem."""
    if header is None:
        return None
    column = _Column.of(table, header, "currency", rows)
    picked = orders.pick(column.given())[counted]
    entries = np.unique(column.indices[picked[picked >= 0]]).astype(np.int64)
    codes = pc.utf8_upper(column.values.take(pa.array(entries, pa.int64())))
    found = pc.unique(codes).to_pylist()
    if len(found) <= 1:
        return found[0] if found else None
    first_seen = sorted(found, key=lambda code: _first_row_of(column, codes, entries, code))
    shown = tuple(printable(code)[:_LONGEST_CURRENCY] for code in first_seen[:_CURRENCIES_SHOWN])
    listed = ", ".join(shown) + ("…" if len(found) > _CURRENCIES_SHOWN else "")
    field = field_path([header])
    message = (
        f"holds {len(found):,} currencies ({listed}); amounts in different currencies can't "
        "be added up: export the orders of one currency at a time"
    )
    context = {"column": field, "role": "currency", "count": len(found), "currencies": shown}
    return FieldProblem(field, message, "currency_mixed", context)


def _first_row_of(column: _Column, codes: Any, entries: IntArray, code: str) -> int:
    """The first row holding ``code`` (in any case), to list currencies in file order."""
    matching = entries[np.asarray(as_numpy(pc.equal(codes, code)), dtype=np.bool_)]
    return int(np.flatnonzero(np.isin(column.indices, matching))[0])


def _labels(
    table: pa.Table,
    header: str | None,
    role: Role,
    rows: RowNumbers,
    orders: _Orders,
    kept: BoolArray,
) -> tuple[IntArray | None, tuple[str, ...]]:
    """Each kept order's channel or segment code, and the names, first seen first."""
    if header is None:
        return None, ()
    column = _Column.of(table, header, role, rows)
    encoded = pc.dictionary_encode(column.values)  # trimmed values merged, in file order
    entry = np.asarray(as_numpy(encoded.indices), dtype=np.int64)
    picked = orders.pick(column.given())[kept]
    none = len(encoded.dictionary)  # after every name: "(none)" comes last
    codes = np.where(picked >= 0, entry[column.indices[np.maximum(picked, 0)]], none)
    present = np.zeros(none + 1, dtype=np.bool_)
    present[codes] = True  # not np.unique: no sort of millions of codes
    dictionary = encoded.dictionary.to_pylist()
    names = [NO_LABEL if code == none else dictionary[code] for code in np.flatnonzero(present)]
    return (np.cumsum(present) - 1)[codes].astype(np.int64), tuple(names)


def _dense(codes: IntArray) -> IntArray:
    """Codes renumbered 0..k − 1, keeping their order."""
    if codes.size == 0:
        return codes.astype(np.int64)
    present = np.zeros(int(codes.max()) + 1, dtype=np.bool_)
    present[codes] = True
    return (np.cumsum(present) - 1)[codes].astype(np.int64)


def _read_result(
    log: OrderLog,
    columns: _Columns,
    orders: _Orders,
    statuses: _Statuses,
    rows: RowNumbers,
    currency: str | None,
) -> OrderRead:
    count = orders.of_row.size
    repeated = np.ones(count, dtype=np.bool_)
    repeated[orders.first_row] = False
    excluded = statuses.excluded[orders.of_row]
    unpaid = statuses.unpaid[orders.of_row]
    skipped = repeated | excluded | unpaid
    shown = np.flatnonzero(skipped)[:ROWS_SHOWN]
    numbers = rows.of_records(shown) if shown.size else ()
    reasons = np.where(
        excluded[shown],
        "excluded_status",
        np.where(unpaid[shown], "unpaid_status", "repeated_order"),
    )
    days = np.concatenate([log.days, log.excluded_days])
    return OrderRead(
        log=log,
        date_column=columns.of("date"),
        amount_column=columns.of("amount"),
        customer_column=columns.of("customer"),
        order_column=columns.chosen["order"],
        status_column=columns.chosen["status"],
        channel_column=columns.chosen["channel"],
        segment_column=columns.chosen["segment"],
        currency_column=columns.chosen["currency"],
        phone_column=columns.phone,
        currency=currency,
        rows_read=count,
        rows_skipped=int(skipped.sum()),
        unpaid_orders=int(statuses.unpaid.sum()),
        skipped=tuple(
            SkippedRow(row=number, reason=reason)
            for number, reason in zip(numbers, reasons, strict=True)
        ),
        first_day=_date(days.min()) if days.size else None,
        last_day=_date(days.max()) if days.size else None,
    )


def _date(day: np.int64) -> dt.date:
    return _EPOCH + dt.timedelta(days=int(day))
