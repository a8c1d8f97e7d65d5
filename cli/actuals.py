"""``python -m planner actuals FILE --freq month``: an order log aggregated per period.

Reads a store's order export (CSV: one row per order, or per order line as Shopify exports
them; ``files.orders``), columns guessed from their headers in English or Arabic and
overridable with ``--date-column``, ``--amount-column``, ``--customer-column``,
``--order-column`` and ``--status-column``, and prints per day, week, month or quarter
(``planner.actuals.kpis``) the orders, revenue, customers, new customers (their first order
ever falls in that period), returning customers, average order value and refund rate, with
what the reading did: the columns used, rows read and skipped (with row numbers and reasons),
the days covered. Cancelled, voided and refunded orders are left out and counted.

``--day-first`` or ``--month-first`` settles a file whose dates could be read either way;
``--timezone`` is the store's (dates with an offset are moved to it before their day is
taken). Problems are reported as the other commands report them: one line per field on
stderr, exit status 2.

Instead of a file, ``--database URL`` with ``--table T`` or ``--query SQL`` reads the orders
from a SQLite or PostgreSQL database, aggregated inside it (``storage.order_source``): the
date, amount and customer columns must then be named. The JSON is the file form's, with a
``source`` (the table's name, or ``query``) in place of what the file reading did; the URL
and its password are never printed.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from i18n.formats import Formats
from planner.errors import FILE, REQUIRED, FieldProblem, PlanInvalid

MAX_ORDER_FILE_BYTES = 200 * 1024 * 1024
FREQUENCIES = ("day", "week", "month", "quarter")
_ROLES = ("date", "amount", "customer", "order", "status")
_FILE_ROLES = (*_ROLES, "channel", "segment", "currency")


def add_actuals_command(
    commands: argparse._SubParsersAction[Any], parents: list[argparse.ArgumentParser]
) -> None:
    """Register ``actuals`` under the CLI's commands."""
    command = commands.add_parser(
        "actuals", help="an order log aggregated per day, week, month or quarter", parents=parents
    )
    origin = command.add_mutually_exclusive_group(required=True)
    origin.add_argument("file", type=Path, nargs="?", help="order log (CSV)")
    origin.add_argument("--database", metavar="URL", help="SQLAlchemy URL of the store's database")
    relation = command.add_mutually_exclusive_group()
    relation.add_argument("--table", help="with --database: the orders table")
    relation.add_argument("--query", metavar="SQL", help="with --database: one SELECT")
    command.add_argument("--freq", choices=FREQUENCIES, default="month", help="period (month)")
    for role in _FILE_ROLES:
        command.add_argument(f"--{role}-column", metavar="HEADER", help=f"the {role} column")
    order = command.add_mutually_exclusive_group()
    order.add_argument(
        "--day-first", dest="day_first", action="store_true", default=None, help="13/01/2027"
    )
    order.add_argument("--month-first", dest="day_first", action="store_false", help="01/13/2027")
    command.add_argument("--timezone", default="UTC", help="the store's time zone (UTC)")
    command.set_defaults(command=actuals)


def actuals(args: argparse.Namespace, _formats: Formats) -> dict[str, Any]:
    """Read the order log, aggregate it, return the JSON to print."""
    if args.database is not None:
        return _database_actuals(args)
    if args.table is not None or args.query is not None:
        problem = FieldProblem("database", "required", REQUIRED)  # --table/--query read it
        raise PlanInvalid([problem])
    from files.orders import read_order_csv
    from planner.actuals.kpis import aggregate

    read = read_order_csv(
        read_file_bytes(args.file),
        date_column=args.date_column,
        amount_column=args.amount_column,
        customer_column=args.customer_column,
        order_column=args.order_column,
        status_column=args.status_column,
        channel_column=args.channel_column,
        segment_column=args.segment_column,
        currency_column=args.currency_column,
        day_first=args.day_first,
        timezone=args.timezone,
    )
    periods = aggregate(read.log, args.freq)
    summary = read.model_dump(mode="json", exclude={"log"})
    return {
        "file": args.file.name,
        **summary,
        "frequency": args.freq,
        "periods": [period.model_dump(mode="json") for period in periods],
    }


def _database_actuals(args: argparse.Namespace) -> dict[str, Any]:
    """The orders aggregated inside the database; nothing about the URL is printed."""
    from storage.order_source import aggregate_in_database, order_source

    source = order_source(
        url=args.database,
        table=args.table,
        query=args.query,
        date_column=args.date_column,
        amount_column=args.amount_column,
        customer_column=args.customer_column,
        order_column=args.order_column,
        status_column=args.status_column,
        timezone=args.timezone,
    )
    periods = aggregate_in_database(source, args.freq)
    columns = source.model_dump(include={f"{role}_column" for role in _ROLES})
    return {
        "source": source.name,
        **columns,
        "timezone": source.timezone,
        "frequency": args.freq,
        "periods": [period.model_dump(mode="json") for period in periods],
    }


def read_file_bytes(path: Path) -> bytes:
    """A results file's bytes, at most one more than the limit (so a larger one is named)."""
    try:
        with path.open("rb") as file:
            return file.read(MAX_ORDER_FILE_BYTES + 1)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        problem = FieldProblem(FILE, f"can't be read: {reason}", "io", {"reason": reason})
        raise PlanInvalid([problem]) from None
