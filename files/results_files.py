"""A results file, whichever kind it is: an order log or funnel counts, read for the review.

The page and the CLI take one file and must know which reader it needs. ``kind_of`` guesses
from the headers: a column naming a customer (an id or an e-mail) or an order id makes it an
order log (``files.orders``); anything else is read as funnel results
(``files.funnel_actuals``). Either way ``read_results`` gives ``Results``: the funnel actuals
the review reads (an order log becomes daily actuals whose last stage counts new customers,
``planner.actuals.funnel.from_orders``), the order log itself when there is one (the KPI
dashboard needs every order for distinct customers and churn), and what reading did (rows
read and skipped, columns used, days covered) as plain data.

Excel workbooks (.xlsx) are read through ``files.sheets`` for both kinds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from files import funnel_actuals, orders, sheets
from files.visitors import header_key
from planner.actuals.funnel import FunnelActuals, from_orders
from planner.actuals.orders import OrderLog

Kind = Literal["orders", "funnel"]
Step = Literal["unpacking", "reading", "days"]
"""A step of reading: a workbook unpacked, the rows read, the orders summed per day."""
KINDS: tuple[Kind, ...] = ("orders", "funnel")
ORDER_HINTS = frozenset(
    header_key(word)
    for word in (
        "customer",
        "email",
        "customer id",
        "customer email",
        "billing email",
        "order id",
        "order number",
        "العميل",
        "البريد الإلكتروني",
        "رقم الطلب",
    )
)


@dataclass(frozen=True)
class Results:
    """A results file read for the review and the dashboard."""

    kind: Kind
    actuals: FunnelActuals
    log: OrderLog | None = None
    summary: Mapping[str, Any] = field(default_factory=dict)


def header_of(data: bytes) -> list[str]:
    """The file's headers (CSV or .xlsx); ``PlanInvalid`` when the file can't be read."""
    return funnel_actuals.file_header(data)


def kind_of(header: list[str]) -> Kind:
    """An order log when a header names a customer or an order id; else funnel results."""
    return "orders" if any(header_key(name) in ORDER_HINTS for name in header) else "funnel"


def read_results(
    data: bytes,
    *,
    kind: Kind,
    stages: list[str],
    order_columns: Mapping[str, str | None] | None = None,
    mapping: Mapping[str, str] | None = None,
    day_first: bool | None = None,
    timezone: str = "UTC",
    progress: Callable[[float, Step], None] | None = None,
) -> Results:
    """Read the file as ``kind``; ``PlanInvalid`` (one problem per field) when it can't be.

    ``order_columns`` names an order log's columns (``date_column=``... as
    ``files.orders.read_order_csv`` takes them); ``mapping`` is a funnel file's role → header.
    ``progress`` hears of each step begun, with the share of the work done before it.
    """
    told = progress or (lambda _share, _step: None)
    if sheets.is_excel(data):
        told(0.05, "unpacking")
    if kind == "orders":
        csv = sheets.xlsx_to_csv(data) if sheets.is_excel(data) else data
        told(0.15, "reading")
        read = orders.read_order_csv(
            csv, **dict(order_columns or {}), day_first=day_first, timezone=timezone
        )
        told(0.75, "days")
        summary = read.model_dump(mode="json", exclude={"log"})
        return Results("orders", from_orders(read.log, stages[-1]), read.log, summary)
    told(0.15, "reading")
    funnel = funnel_actuals.read_funnel_actuals(
        data, stages=stages, mapping=dict(mapping) if mapping else None, day_first=day_first
    )
    return Results(
        "funnel", funnel.actuals, None, funnel.model_dump(mode="json", exclude={"actuals"})
    )
