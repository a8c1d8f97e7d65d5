"""A store's orders read straight from its database, aggregated inside the database.

A store whose history outgrows a file keeps it in a database: ``OrderSource`` names the
database (a SQLAlchemy URL, SQLite or PostgreSQL), the orders (a ``table``, or a ``query``
the user writes: one ``SELECT``), the columns holding each order's date, amount and customer,
and optionally its order id and status, and the store's time zone. ``aggregate_in_database``
returns exactly what ``planner.actuals.kpis.aggregate`` returns for the same orders read from
a file, but the database does the counting: one statement, so millions of orders never cross
the wire, only one row per period.

The rules, as the file reader (``files.orders``) applies them:

- an order's day is its date in the store's time zone. PostgreSQL: a ``date`` is the day; a
  ``timestamp`` (without time zone) is already the store's local time; a ``timestamptz`` is
  moved to the store's zone (``AT TIME ZONE``). SQLite keeps dates as text: the store's
  local ``2027-01-13`` or ``2027-01-13 10:15:00``; SQLite can only turn a written offset
  (``+03:00``, ``Z``) into UTC, so a date with one is read only for a store on UTC.
- rows sharing an order id are one order (a row without an id is an order of its own): its
  day is its rows' earliest, its amount their largest (an order's total written on one row,
  or repeated on every row, as exports write it; the file reader takes the first row's, the
  same number for either), its customer the first in sort order of those given (the rows of
  one order name one customer), and it is excluded when any row's status is excluded.
- a customer is matched on its text with spaces around it trimmed, e-mails (text holding
  ``@``) ignoring case; an order whose status is one of ``EXCLUDED_STATUSES`` (the file
  reader's list, any case) counts only toward the refund rate.
- a customer is new in the period holding their first kept order ever, in the whole table
  or query: ``start`` and ``end`` narrow the orders counted, never that history.

The statement: a CTE of each row's day, amount, customer key and excluded flag; a CTE of
orders (grouped by order id) with their period; each customer's first period; the
(period, customer) pairs of kept orders, so customers are counted by grouping rather than
``COUNT(DISTINCT)``; then one row per period, and one more row, with no period, counting
orders missing a date and kept orders missing an amount or a customer (refused as
``values_missing`` before any period is built). Periods are keyed by their first day:
``date_trunc`` in PostgreSQL (ISO weeks from Monday), ``date(d, 'start of month')`` and
weekday modifiers in SQLite. Python only fills the empty periods with zeros.

Before it, when values can be unreadable (SQLite's text dates and untyped amounts,
PostgreSQL's NaN and infinite amounts), one pass over the rows names them
(``values_invalid``), so a bad row is named, not counted. On PostgreSQL the date column must
be a date or timestamp and the amount column a number (``column_type_invalid``).

Safety: the user's query runs inside a read-only transaction (PostgreSQL: ``SET TRANSACTION
READ ONLY`` and a ``statement_timeout`` of ``STATEMENT_TIMEOUT_MS``; SQLite: the file is
opened ``mode=ro`` and ``PRAGMA query_only``), nothing is ever written or created, values
are bound and identifiers quoted by SQLAlchemy, and the URL's password never appears in a
message. Problems raise ``PlanInvalid``: ``database_url_invalid``, ``database_unsupported``,
``driver_missing``, ``database_unreachable`` (field ``url``); ``table_or_query``,
``query_not_select``, ``query_failed`` (``query`` or ``table``); ``column_missing``,
``column_type_invalid``, ``values_invalid``, ``values_missing`` (``<role>_column``);
``timezone_unknown`` (``timezone``).
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal
from urllib.parse import quote

from pydantic import Field, ValidationError
from sqlalchemy import (
    DATE,
    TIMESTAMP,
    Date,
    Float,
    Integer,
    String,
    and_,
    case,
    cast,
    column,
    create_engine,
    event,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    table,
    text,
    union_all,
)
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.engine.url import URL
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.pool import NullPool
from sqlalchemy.sql.elements import ColumnClause, ColumnElement
from sqlalchemy.sql.selectable import CTE, FromClause

from planner.actuals.funnel import FunnelActuals, from_daily_periods
from planner.actuals.kpis import Frequency, PeriodActuals, period_name
from planner.actuals.orders import EXCLUDED_STATUSES
from planner.base import Model
from planner.errors import FieldProblem, PlanInvalid, field_path, problems_from
from storage.database import CONNECT_TIMEOUT_S, database_url, masked

Role = Literal["date", "amount", "customer", "order", "status"]
ROLES: tuple[Role, ...] = ("date", "amount", "customer", "order", "status")
STATEMENT_TIMEOUT_MS = 60_000
WORK_MEM = "64MB"
SUPPORTED_BACKENDS = ("sqlite", "postgresql")
_COLUMNS_SHOWN = 10
_LONGEST_REASON = 300
_EPOCH = date(1970, 1, 1)
_FIRST_KEYWORD = re.compile(r"^\s*(?:(?:--[^\n]*\n|/\*.*?\*/)\s*)*(\w+)", re.DOTALL)
_READING_KEYWORDS = frozenset({"select", "with", "values", "table"})
_OFFSET_PATTERN = "*[-+Z]*"  # a written UTC offset after the date part
_LARGEST_FLOAT = 1.7976931348623157e308
# PostgreSQL type OIDs (pg_type): what a date column and an amount column may be.
_PG_DATE, _PG_TIMESTAMP, _PG_TIMESTAMPTZ = 1082, 1114, 1184
_PG_DATE_TYPES = frozenset({_PG_DATE, _PG_TIMESTAMP, _PG_TIMESTAMPTZ})
_PG_WHOLE_NUMBERS = frozenset({20, 21, 23})  # int8, int2, int4
_PG_NUMBER_TYPES = _PG_WHOLE_NUMBERS | {700, 701, 1700}  # float4, float8, numeric
_PG_EXACT_KEYS = _PG_WHOLE_NUMBERS | {2950}  # uuid
_ROLE_KINDS: dict[Role, str] = {"date": "dates or timestamps", "amount": "numbers"}
_ROLE_VALUES: dict[Role, str] = {
    "date": "dates like 2027-01-13 or 2027-01-13 10:15:00",
    "amount": "amounts (numbers)",
}
_ZERO: ColumnElement[Any] = literal_column("0")
_ONE: ColumnElement[Any] = literal_column("1")


class OrderSource(Model):
    """Where a store's orders are: a database, a table or query in it, and which columns."""

    url: str = Field(
        min_length=1, repr=False, description="SQLAlchemy URL; its password is never shown."
    )
    table: str | None = Field(
        default=None, min_length=1, description="A table name, or schema.table."
    )
    query: str | None = Field(default=None, min_length=1, description="One SELECT statement.")
    date_column: str = Field(min_length=1)
    amount_column: str = Field(min_length=1)
    customer_column: str = Field(min_length=1)
    order_column: str | None = Field(default=None, min_length=1)
    status_column: str | None = Field(default=None, min_length=1)
    timezone: str = Field(default="UTC", description="The store's IANA time zone.")

    @property
    def shown_url(self) -> str:
        """The URL fit to show: its password replaced by ``***``."""
        return masked(self.url)

    @property
    def name(self) -> str:
        """What the orders are read from, for a report: the table's name, or ``query``."""
        return self.table if self.table is not None else "query"

    def column_of(self, role: Role) -> str | None:
        """The column named for ``role``, if any."""
        chosen: str | None = getattr(self, f"{role}_column")
        return chosen


def order_source(**fields: Any) -> OrderSource:
    """An ``OrderSource`` from loose values (the CLI's options), or ``PlanInvalid``."""
    try:
        return OrderSource.model_validate(fields)
    except ValidationError as error:
        raise PlanInvalid(problems_from(error, OrderSource)) from None


# --- Aggregating --------------------------------------------------------------------------------


def aggregate_in_database(
    source: OrderSource,
    freq: Frequency,
    *,
    start: date | None = None,
    end: date | None = None,
) -> list[PeriodActuals]:
    """The orders per period, as ``planner.actuals.kpis.aggregate`` gives them for a file.

    ``start`` and ``end`` (inclusive) keep only orders on those days; whether a customer is
    new still reads their whole history. Every period from the first to the last present
    is listed, empty ones with zeros; no orders, no periods.
    """
    _check_source(source)
    with _read_only(source) as connection:
        reading = _Reading.of(connection, source)
        _check_values(connection, reading)
        statement = _tally_statement(reading, freq, start, end)
        rows = _run(connection, reading, statement)
    _check_missing(reading, next(row for row in rows if row.period is None))
    return _fill_periods([_Tally.of(row) for row in rows if row.period is not None], freq)


def daily_actuals_from_database(
    source: OrderSource,
    last_stage: str,
    *,
    start: date | None = None,
    end: date | None = None,
) -> FunnelActuals:
    """Daily funnel actuals, as ``planner.actuals.funnel.from_orders`` makes them from a file.

    The last stage is each day's new customers; the measures are the day's revenue, orders
    and their new/returning split.
    """
    periods = aggregate_in_database(source, "day", start=start, end=end)
    return from_daily_periods(periods, last_stage)


# --- Checks before connecting -------------------------------------------------------------------


def _check_source(source: OrderSource) -> None:
    if (source.table is None) == (source.query is None):
        message = "give either a table or a query, exactly one of them"
        raise PlanInvalid([FieldProblem("table", message, "table_or_query")])
    try:
        zoneinfo.ZoneInfo(source.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        shown = source.timezone
        message = f"is {shown!r}, not a time zone; use a name like Asia/Riyadh"
        problem = FieldProblem("timezone", message, "timezone_unknown", {"given": shown})
        raise PlanInvalid([problem]) from None
    if source.query is not None:
        _check_select(source.query)


def _check_select(query: str) -> None:
    """Refuse anything but one reading statement (the read-only transaction is the guard)."""
    first = _FIRST_KEYWORD.match(query)
    keyword = first.group(1).lower() if first else ""
    body = query.rstrip().rstrip(";").rstrip()
    if keyword not in _READING_KEYWORDS or ";" in body:
        message = "must be one SELECT statement (or WITH ... SELECT) that only reads"
        raise PlanInvalid([FieldProblem("query", message, "query_not_select")])


def _database_url(source: OrderSource) -> URL:
    try:
        url = make_url(database_url(source.url))
    except (ArgumentError, ValueError):
        message = "is not a database URL like postgresql://user:password@host/store"
        problem = FieldProblem("url", message, "database_url_invalid", {"url": source.shown_url})
        raise PlanInvalid([problem]) from None
    backend = url.get_backend_name()
    if backend not in SUPPORTED_BACKENDS:
        message = f"is a {backend} database; orders are read from PostgreSQL or SQLite"
        context: dict[str, Any] = {"backend": backend, "supported": SUPPORTED_BACKENDS}
        raise PlanInvalid([FieldProblem("url", message, "database_unsupported", context)])
    return url


# --- Connecting, read-only ----------------------------------------------------------------------


def _engine(source: OrderSource) -> Engine:
    url = _database_url(source)
    try:
        if url.get_backend_name() == "sqlite":
            engine = create_engine(_read_only_sqlite(url), poolclass=NullPool)
            event.listen(engine, "connect", _sqlite_query_only)
            return engine
        return create_engine(
            url, poolclass=NullPool, connect_args={"connect_timeout": CONNECT_TIMEOUT_S}
        )
    except (ImportError, NoSuchModuleError):
        driver = url.drivername
        message = f"needs the {driver} driver, which is not installed"
        raise PlanInvalid(
            [FieldProblem("url", message, "driver_missing", {"driver": driver})]
        ) from None


def _read_only_sqlite(url: URL) -> URL:
    """The same SQLite file opened read-only (``file:...?mode=ro``); memory stays memory."""
    path = url.database
    if not path or path == ":memory:" or path.startswith("file:"):
        return url
    return url.set(database=f"file:{quote(path)}").update_query_dict({"mode": "ro", "uri": "true"})


def _sqlite_query_only(dbapi_connection: Any, _record: Any) -> None:
    # A second lock on writes, for an in-memory database or a URL already in file: form.
    dbapi_connection.execute("PRAGMA query_only = ON")


@contextmanager
def _read_only(source: OrderSource) -> Iterator[Connection]:
    """A connection in a read-only transaction, rolled back and closed afterwards."""
    engine = _engine(source)
    try:
        try:
            connection = engine.connect()
        except DBAPIError as error:
            reason = _reason(error, source)
            message = f"can't be reached: {reason}"
            context = {"url": source.shown_url, "reason": reason}
            problem = FieldProblem("url", message, "database_unreachable", context)
            raise PlanInvalid([problem]) from None
        with connection:
            if connection.dialect.name == "postgresql":
                # Constants, not user values: the first statements of the transaction.
                connection.exec_driver_sql("SET TRANSACTION READ ONLY")
                connection.exec_driver_sql(f"SET LOCAL statement_timeout = {STATEMENT_TIMEOUT_MS}")
                # Room to hash a million (period, customer) pairs instead of sorting on disk.
                connection.exec_driver_sql(f"SET LOCAL work_mem = '{WORK_MEM}'")
            yield connection
            connection.rollback()
    finally:
        engine.dispose()


def _reason(error: BaseException, source: OrderSource) -> str:
    """The database's message: its first line, without the URL's password, cut short."""
    original = getattr(error, "orig", None) or error
    lines = [line.strip() for line in str(original).splitlines() if line.strip()]
    reason = lines[0] if lines else type(original).__name__
    password = _password(source)
    if password:
        reason = reason.replace(password, "***")
    return reason if len(reason) <= _LONGEST_REASON else reason[: _LONGEST_REASON - 1] + "…"


def _password(source: OrderSource) -> str | None:
    try:
        return make_url(source.url).password
    except (ArgumentError, ValueError):
        return None


def _run(connection: Connection, reading: _Reading, statement: Any) -> list[Any]:
    try:
        return list(connection.execute(statement))
    except SQLAlchemyError as error:
        reason = _reason(error, reading.source)
        raise PlanInvalid([_query_failed(reading.source, reason)]) from None


def _query_failed(source: OrderSource, reason: str) -> FieldProblem:
    field = "table" if source.table is not None else "query"
    return FieldProblem(
        field, f"the database refused it: {reason}", "query_failed", {"reason": reason}
    )


# --- What is read -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Reading:
    """The relation the orders come from, its columns and, on PostgreSQL, their types."""

    source: OrderSource
    dialect: str
    relation: FromClause
    columns: Mapping[Role, str]
    types: Mapping[Role, int | None]

    @classmethod
    def of(cls, connection: Connection, source: OrderSource) -> _Reading:
        names, type_codes = _probe(connection, source)
        chosen = _choose_columns(source, names)
        types = {role: type_codes.get(name) for role, name in chosen.items()}
        relation = _relation(source, sorted(set(chosen.values())))
        reading = cls(source, connection.dialect.name, relation, chosen, types)
        if reading.dialect == "postgresql":
            _check_postgres_types(connection, reading)
        return reading

    def raw(self, role: Role) -> ColumnElement[Any]:
        """The column chosen for ``role``, as the relation holds it."""
        chosen: ColumnElement[Any] = self.relation.c[self.columns[role]]
        return chosen

    @property
    def sqlite(self) -> bool:
        """Whether the database is SQLite (else PostgreSQL)."""
        return self.dialect == "sqlite"


def _relation(source: OrderSource, names: Sequence[str]) -> FromClause:
    """The table or the query as a FROM clause with ``names`` as its columns."""
    columns: list[ColumnClause[Any]] = [column(name) for name in names]
    if source.table is not None:
        schema, _dot, name = source.table.rpartition(".")
        return table(name, *columns, schema=schema or None)
    return text(_escaped(source.query or "")).columns(*columns).subquery("planner_source")


def _escaped(query: str) -> str:
    """The query as a subquery's body: no final semicolon, a line end after a last comment.

    A colon is SQLAlchemy's bind-parameter mark in ``text()``; the user's query has none.
    """
    body = query.rstrip()
    while body.endswith(";"):
        body = body[:-1].rstrip()
    return body.replace(":", "\\:") + "\n"


def _probe(connection: Connection, source: OrderSource) -> tuple[list[str], dict[str, int]]:
    """The relation's column names, and each one's type OID on PostgreSQL (no rows read)."""
    relation: FromClause
    if source.table is not None:
        schema, _dot, name = source.table.rpartition(".")
        relation = table(name, schema=schema or None)
    else:
        relation = text(_escaped(source.query or "")).columns().subquery("planner_source")
    statement: Any = select(literal_column("*")).select_from(relation).limit(0)
    try:
        result = connection.execute(statement)
        description = result.cursor.description or ()
        result.close()
    except SQLAlchemyError as error:
        raise PlanInvalid([_query_failed(source, _reason(error, source))]) from None
    names = [str(entry[0]) for entry in description]
    types = {str(entry[0]): entry[1] for entry in description if isinstance(entry[1], int)}
    return names, types


def _choose_columns(source: OrderSource, names: list[str]) -> dict[Role, str]:
    """Each role's column, matched exactly or else ignoring case; ``column_missing`` if none."""
    chosen: dict[Role, str] = {}
    problems = []
    for role in ROLES:
        given = source.column_of(role)
        if given is None:
            continue
        alike = [name for name in names if name.lower() == given.lower()]
        if given in names:
            chosen[role] = given
        elif len(alike) == 1:
            chosen[role] = alike[0]
        else:
            problems.append(_column_missing(source, role, given, names))
    if problems:
        raise PlanInvalid(problems)
    return chosen


def _column_missing(source: OrderSource, role: Role, given: str, names: list[str]) -> FieldProblem:
    """As ``files.csv_text.column_missing`` words it, with the relation's columns."""
    found = tuple(field_path([name]) for name in names[:_COLUMNS_SHOWN])
    more = f" and {len(names) - _COLUMNS_SHOWN:,} more" if len(names) > _COLUMNS_SHOWN else ""
    what = f"the table {source.table}" if source.table is not None else "the query"
    message = f"{what} has no column {given!r}; its columns are {', '.join(found)}{more}"
    context = {"role": role, "given": given, "found": found, "count": len(names)}
    return FieldProblem(f"{role}_column", message, "column_missing", context)


def _check_postgres_types(connection: Connection, reading: _Reading) -> None:
    """A date column must hold dates or timestamps, an amount column numbers."""
    allowed = {"date": _PG_DATE_TYPES, "amount": _PG_NUMBER_TYPES}
    problems = []
    for role in ("date", "amount"):
        type_code = reading.types.get(role)
        if type_code in allowed[role]:
            continue
        type_name = str(connection.scalar(select(func.format_type(type_code, None))))
        column_name = reading.columns[role]
        target = "date" if role == "date" else "numeric"
        message = (
            f"is a column of type {type_name}; the {role} column must hold {_ROLE_KINDS[role]}"
            f" (cast it in a query: CAST({column_name} AS {target}))"
        )
        context = {"column": column_name, "role": role, "type": type_name}
        problems.append(FieldProblem(f"{role}_column", message, "column_type_invalid", context))
    if problems:
        raise PlanInvalid(problems)


# --- The expressions ----------------------------------------------------------------------------


def _day(reading: _Reading) -> ColumnElement[Any]:
    """Each row's calendar day in the store's zone: a date (PostgreSQL) or ISO text (SQLite)."""
    raw = reading.raw("date")
    if reading.sqlite:
        return func.date(raw)
    type_code = reading.types.get("date")
    if type_code == _PG_TIMESTAMPTZ:
        return cast(func.timezone(literal(reading.source.timezone, String), raw), DATE)
    if type_code == _PG_TIMESTAMP:
        return cast(raw, DATE)
    return raw


def _period(reading: _Reading, day: ColumnElement[Any], freq: Frequency) -> ColumnElement[Any]:
    """The first day of the period holding ``day`` (same kind as ``day``)."""
    if freq == "day":
        return day
    if not reading.sqlite:  # date_trunc's week is ISO's: from Monday
        return cast(func.date_trunc(literal(freq, String), cast(day, TIMESTAMP)), DATE)
    if freq == "week":  # back 6 days, then on to the next Monday (the day itself if one)
        return func.date(day, "-6 days", "weekday 1")
    if freq == "month":
        return func.date(day, "start of month")
    months_into_quarter = (cast(func.strftime("%m", day), Integer) - 1) % 3
    return func.date(day, "start of month", func.printf("-%d months", months_into_quarter))


def _customer_key(reading: _Reading) -> ColumnElement[Any]:
    """The customer as text, trimmed, e-mails lower-cased; empty text is no customer.

    A PostgreSQL column of whole numbers or UUIDs is used as it is: its values already match
    exactly, and the text work is most of the cost of a million rows.
    """
    if reading.types.get("customer") in _PG_EXACT_KEYS:
        return reading.raw("customer")
    trimmed = func.trim(cast(reading.raw("customer"), String))
    is_email = (func.instr if reading.sqlite else func.strpos)(trimmed, "@") > 0
    key = func.nullif(case((is_email, func.lower(trimmed)), else_=trimmed), "")
    # Compared byte by byte: the key is only matched and grouped, never shown in order.
    return key if reading.sqlite else key.collate("C")


def _excluded_flag(reading: _Reading) -> ColumnElement[Any]:
    if "status" not in reading.columns:
        return _ZERO
    status = func.lower(func.trim(cast(reading.raw("status"), String)))
    return case((status.in_(EXCLUDED_STATUSES), _ONE), else_=_ZERO)


def _order_rows(reading: _Reading) -> CTE:
    """One row per row read: its day, amount, customer key, excluded flag (and order id)."""
    parts = [
        _day(reading).label("day"),
        reading.raw("amount").label("amount"),
        _customer_key(reading).label("customer"),
        _excluded_flag(reading).label("excluded"),
    ]
    if "order" in reading.columns:
        parts.append(reading.raw("order").label("order_id"))
    return select(*parts).select_from(reading.relation).cte("planner_order_rows")


def _orders(reading: _Reading, rows: CTE) -> CTE:
    """One row per order: rows sharing an id folded (see the module's rules)."""
    if "order" not in reading.columns:
        return rows
    folded = (
        select(
            func.min(rows.c.day).label("day"),
            func.max(rows.c.amount).label("amount"),
            func.min(rows.c.customer).label("customer"),
            func.max(rows.c.excluded).label("excluded"),
        )
        .where(rows.c.order_id.is_not(None))
        .group_by(rows.c.order_id)
    )
    alone = select(rows.c.day, rows.c.amount, rows.c.customer, rows.c.excluded).where(
        rows.c.order_id.is_(None)
    )
    return union_all(folded, alone).cte("planner_orders")


def _bound_day(reading: _Reading, day: date) -> ColumnElement[Any]:
    return literal(day.isoformat(), String) if reading.sqlite else literal(day, Date)


def _tally_statement(
    reading: _Reading, freq: Frequency, start: date | None, end: date | None
) -> Any:
    """The one statement that counts every period (see the module docstring).

    Customers are counted by grouping (period, customer) pairs, then counting the pairs per
    period: hash aggregates, where ``COUNT(DISTINCT)`` would sort a million texts. Only the
    ``dated`` CTE is read more than once (PostgreSQL materialises it; the others are
    inlined). A last row with no period counts the orders missing a date, and the kept ones
    missing an amount or a customer, so those checks cost no second pass.
    """
    orders = _orders(reading, _order_rows(reading))
    dated = select(orders, _period(reading, orders.c.day, freq).label("period")).cte(
        "planner_dated"
    )
    kept_order = dated.c.excluded == _ZERO
    first = (  # the period of a customer's first order: the earliest period they ordered in
        select(dated.c.customer, func.min(dated.c.period).label("first_period"))
        .where(kept_order)
        .group_by(dated.c.customer)
        .cte("planner_first_periods")
    )
    window = []
    if start is not None:
        window.append(dated.c.day >= _bound_day(reading, start))
    if end is not None:
        window.append(dated.c.day <= _bound_day(reading, end))
    grouped = (  # one row per customer ordering in a period: kept orders only
        select(
            dated.c.period,
            dated.c.customer,
            func.count().label("orders"),
            func.sum(dated.c.amount).label("revenue"),
        )
        .where(kept_order, *window)
        .group_by(dated.c.period, dated.c.customer)
        .subquery("planner_grouped")
    )
    is_first = case((first.c.first_period == grouped.c.period, _ONE), else_=_ZERO)
    pairs = (
        select(grouped.c.period, grouped.c.orders, grouped.c.revenue, is_first.label("new"))
        .select_from(grouped.join(first, grouped.c.customer == first.c.customer))
        .cte("planner_pairs")
    )
    new, returning = pairs.c.new == _ONE, pairs.c.new == _ZERO
    kept = select(
        pairs.c.period,
        func.sum(pairs.c.orders).label("orders"),
        func.sum(pairs.c.revenue).label("revenue"),
        func.count().label("customers"),
        func.sum(pairs.c.new).label("new_customers"),
        func.sum(case((new, pairs.c.orders), else_=_ZERO)).label("new_orders"),
        func.sum(case((new, pairs.c.revenue))).label("new_customer_revenue"),
        func.sum(case((returning, pairs.c.revenue))).label("returning_customer_revenue"),
        *_zeros("excluded_orders", *_MISSING),
    ).group_by(pairs.c.period)
    excluded = (
        select(dated.c.period, *_zeros(*_KEPT_TALLIES))
        .add_columns(func.count().label("excluded_orders"), *_zeros(*_MISSING))
        .where(dated.c.excluded == _ONE, *window)
        .group_by(dated.c.period)
    )
    missing = select(
        null().label("period"),
        *_zeros(*_KEPT_TALLIES, "excluded_orders"),
        _count_if(dated.c.day.is_(None)).label("missing_dates"),
        _count_if(and_(kept_order, dated.c.amount.is_(None))).label("missing_amounts"),
        _count_if(and_(kept_order, dated.c.customer.is_(None))).label("missing_customers"),
    )
    both = union_all(kept, excluded, missing).subquery("planner_tallies")
    totals = (*_KEPT_TALLIES, "excluded_orders", *_MISSING)
    return (
        select(both.c.period, *[func.sum(both.c[name]).label(name) for name in totals])
        .group_by(both.c.period)
        .order_by(both.c.period)
    )


_KEPT_TALLIES = (
    "orders",
    "revenue",
    "customers",
    "new_customers",
    "new_orders",
    "new_customer_revenue",
    "returning_customer_revenue",
)
_MISSING = ("missing_dates", "missing_amounts", "missing_customers")


def _zeros(*names: str) -> list[ColumnElement[Any]]:
    return [_ZERO.label(name) for name in names]


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.sum(case((condition, _ONE), else_=_ZERO))


# --- Checking the values ------------------------------------------------------------------------


def _check_values(connection: Connection, reading: _Reading) -> None:
    """Name dates and amounts that can't be read (a pass over the rows, when any can be)."""
    bad_date, bad_amount = _bad_date(reading), _bad_amount(reading)
    checks: list[tuple[Role, ColumnElement[bool]]] = []
    if bad_date is not None:
        checks.append(("date", bad_date))
    if bad_amount is not None:
        checks.append(("amount", bad_amount))
    if not checks:
        return
    statement = select(
        *[
            part
            for role, condition in checks
            for part in (
                _count_if(condition),
                func.min(case((condition, cast(reading.raw(role), String)))),
            )
        ]
    ).select_from(reading.relation)
    found = _run(connection, reading, statement)[0]
    problems = [
        _values_invalid(reading, role, int(found[2 * index]), found[2 * index + 1])
        for index, (role, _condition) in enumerate(checks)
        if found[2 * index]
    ]
    if problems:
        raise PlanInvalid(problems)


def _check_missing(reading: _Reading, row: Any) -> None:
    """Refuse orders missing a date, and kept orders missing an amount or a customer."""
    roles: tuple[Role, ...] = ("date", "amount", "customer")
    counts = (row.missing_dates, row.missing_amounts, row.missing_customers)
    problems = [
        _values_missing(reading, role, int(count))
        for role, count in zip(roles, counts, strict=True)
        if count
    ]
    if problems:
        raise PlanInvalid(problems)


def _bad_date(reading: _Reading) -> ColumnElement[bool] | None:
    """Dates SQLite can't read as the store's day; PostgreSQL's types leave none."""
    raw = reading.raw("date")
    if not reading.sqlite:
        return None
    day_part = func.substr(raw, 1, 10)
    unreadable = or_(
        func.typeof(raw) != "text",
        func.date(raw).is_(None),
        func.coalesce(func.date(func.julianday(day_part)), "") != day_part,  # 2027-02-30
    )
    if reading.source.timezone != "UTC":  # SQLite can move an offset only to UTC
        unreadable = or_(unreadable, func.substr(raw, 11).op("GLOB")(_OFFSET_PATTERN))
    return and_(raw.is_not(None), unreadable)


def _bad_amount(reading: _Reading) -> ColumnElement[bool] | None:
    """Amounts that aren't finite numbers."""
    raw = reading.raw("amount")
    if reading.sqlite:
        not_number = func.typeof(raw).not_in(["integer", "real"])
        return and_(raw.is_not(None), or_(not_number, func.abs(raw) > _LARGEST_FLOAT))
    if reading.types.get("amount") in _PG_WHOLE_NUMBERS:
        return None
    as_float = cast(raw, Float(precision=53))
    infinite = [cast(literal(word), Float(precision=53)) for word in ("NaN", "Infinity")]
    return or_(as_float == infinite[0], func.abs(as_float) == infinite[1])


def _values_invalid(reading: _Reading, role: Role, count: int, example: Any) -> FieldProblem:
    column_name = reading.columns[role]
    got = repr(str(example))
    values = "a value that isn't" if count == 1 else f"{count:,} values that aren't"
    message = f"holds {values} {_ROLE_VALUES[role]}, such as {got}"
    context = {"column": column_name, "role": role, "count": count, "got": got}
    return FieldProblem(f"{role}_column", message, "values_invalid", context)


def _values_missing(reading: _Reading, role: Role, count: int) -> FieldProblem:
    column_name = reading.columns[role]
    orders = "1 order" if count == 1 else f"{count:,} orders"
    message = f"is empty for {orders}; fill in the {role} of every order"
    context = {"column": column_name, "role": role, "count": count}
    return FieldProblem(f"{role}_column", message, "values_missing", context)


# --- Periods ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Tally:
    """One period's row of the statement."""

    start: date
    orders: int
    revenue: float
    customers: int
    new_customers: int
    new_orders: int
    new_customer_revenue: float
    returning_customer_revenue: float
    excluded_orders: int

    @classmethod
    def of(cls, row: Any) -> _Tally:
        first = row.period if isinstance(row.period, date) else date.fromisoformat(row.period)
        return cls(
            start=first,
            orders=int(row.orders or 0),
            revenue=float(row.revenue or 0),
            customers=int(row.customers or 0),
            new_customers=int(row.new_customers or 0),
            new_orders=int(row.new_orders or 0),
            new_customer_revenue=float(row.new_customer_revenue or 0),
            returning_customer_revenue=float(row.returning_customer_revenue or 0),
            excluded_orders=int(row.excluded_orders or 0),
        )


_NOTHING = _Tally(_EPOCH, 0, 0.0, 0, 0, 0, 0.0, 0.0, 0)


def next_period_start(start: date, freq: Frequency) -> date:
    """The first day of the period after the one starting on ``start``."""
    if freq == "day":
        return start + timedelta(days=1)
    if freq == "week":
        return start + timedelta(days=7)
    months = start.year * 12 + start.month - 1 + (1 if freq == "month" else 3)
    return date(months // 12, months % 12 + 1, 1)


def _fill_periods(tallies: list[_Tally], freq: Frequency) -> list[PeriodActuals]:
    """Every period from the first tallied to the last, the missing ones with zeros."""
    if not tallies:
        return []
    by_start = {tally.start: tally for tally in tallies}
    periods = []
    current, last = tallies[0].start, tallies[-1].start
    while current <= last:
        after = next_period_start(current, freq)
        periods.append(_period_actuals(by_start.get(current, _NOTHING), current, after, freq))
        current = after
    return periods


def _period_actuals(tally: _Tally, start: date, after: date, freq: Frequency) -> PeriodActuals:
    orders, excluded = tally.orders, tally.excluded_orders
    return PeriodActuals(
        period=period_name(start, freq),
        start=start,
        end=after - timedelta(days=1),
        orders=orders,
        revenue=tally.revenue,
        customers=tally.customers,
        new_customers=tally.new_customers,
        returning_customers=tally.customers - tally.new_customers,
        new_orders=tally.new_orders,
        new_customer_revenue=tally.new_customer_revenue,
        returning_customer_revenue=tally.returning_customer_revenue,
        average_order_value=tally.revenue / orders if orders else None,
        excluded_orders=excluded,
        refund_rate=excluded / (orders + excluded) if orders + excluded else None,
    )
