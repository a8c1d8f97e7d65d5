"""An order log aggregated per day, week, month or quarter: the actuals a plan is read against.

A customer is *new* in the period holding their first order ever in the whole log, and
*returning* in every later period they order in; both are counted once per period however
many orders they place. Revenue is split the same way: a new customer's orders in their first
period are new-customer revenue. Excluded (cancelled, voided, refunded) orders count only
toward the refund rate, excluded ÷ (orders + excluded).

Periods are calendar ones in the store's time zone: ISO weeks starting on Monday (named by
that Monday, ``2026-12-28``), months (``2027-01``), quarters (``2027-Q1``) and days
(``2027-01-05``). Every period from the first to the last day present is listed, empty ones
with zeros, so a chart's axis has no gaps. All the work is array arithmetic on the log; the
only Python loop is one per period, to build the results.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal

import numpy as np
import numpy.typing as npt
from pydantic import Field

from planner.actuals.orders import FloatArray, IntArray, OrderLog
from planner.base import Model

BoolArray = npt.NDArray[np.bool_]

Frequency = Literal["day", "week", "month", "quarter"]

_Tally = Annotated[int, Field(ge=0)]
_Fraction = Annotated[float, Field(ge=0, le=1)]

_NONE = np.iinfo(np.int64).max
"""Start value of a minimum over no codes."""

_LOOKUP_ABOVE = 10_000
"""Above this many days, months and quarters are looked up per calendar day of the span."""

_TABLE_CELLS = 64_000_000
"""Up to this many (period, customer) cells, distinct customers are counted in a table of
them (64 MB) rather than by sorting the orders."""

_MONDAY_OFFSET = 3
"""1970-01-01 was a Thursday: the Monday starting its ISO week is day −3."""


class PeriodActuals(Model):
    """What happened in one period of an order log."""

    period: str = Field(
        description="Name: 2027-01-05, 2027-01-04 (a week's Monday), 2027-01, 2027-Q1."
    )
    start: date = Field(description="First day of the period.")
    end: date = Field(description="Last day of the period (inclusive).")
    orders: _Tally = Field(description="Orders kept (not excluded) in the period.")
    revenue: float = Field(description="Sum of the kept orders' amounts.")
    customers: _Tally = Field(description="Distinct customers ordering in the period.")
    new_customers: _Tally = Field(description="Customers whose first order ever is here.")
    returning_customers: _Tally = Field(description="Customers who had ordered before.")
    new_orders: _Tally = Field(description="Orders placed by this period's new customers.")
    new_customer_revenue: float = Field(description="Revenue from this period's new customers.")
    returning_customer_revenue: float = Field(description="Revenue from returning customers.")
    average_order_value: float | None = Field(description="Revenue per order; None without orders.")
    excluded_orders: _Tally = Field(description="Orders cancelled, voided or refunded here.")
    refund_rate: _Fraction | None = Field(
        description="Excluded ÷ (orders + excluded); None when the period has neither."
    )


@dataclass(frozen=True)
class _Columns:
    """Per-period totals, one entry per period from the first (numbered ``first``) to the last."""

    first: int
    orders: IntArray
    revenue: FloatArray
    customers: IntArray
    new_customers: IntArray
    new_orders: IntArray
    new_customer_revenue: FloatArray
    returning_customer_revenue: FloatArray
    excluded_orders: IntArray


def period_codes(days: IntArray, freq: Frequency) -> IntArray:
    """Number each day's period consecutively (days since 1970-01-01 → period ordinal).

    Months and quarters are worked out once per calendar day in the span and looked up, which
    is much faster than converting millions of dates when the span is short beside the log.
    """
    days = np.asarray(days, dtype=np.int64)
    if freq in ("month", "quarter") and days.size > _LOOKUP_ABOVE:
        low = int(days.min())
        span = np.arange(low, int(days.max()) + 1, dtype=np.int64)
        if span.size < days.size:
            return _calendar_codes(span, freq)[days - low]
    return _calendar_codes(days, freq)


def _calendar_codes(days: IntArray, freq: Frequency) -> IntArray:
    """Number each day's period by calendar arithmetic on the days themselves."""
    if freq == "day":
        return days
    if freq == "week":
        return (days + _MONDAY_OFFSET) // 7
    months = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return months if freq == "month" else months // 3


def period_start_days(codes: IntArray, freq: Frequency) -> IntArray:
    """The first day (days since 1970-01-01) of each numbered period."""
    codes = np.asarray(codes, dtype=np.int64)
    if freq == "day":
        return codes
    if freq == "week":
        return codes * 7 - _MONDAY_OFFSET
    months = codes if freq == "month" else codes * 3
    return months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def period_name(start: date, freq: Frequency) -> str:
    """Name a period by its first day: ISO date for days and weeks, 2027-01, 2027-Q1."""
    if freq in ("day", "week"):
        return start.isoformat()
    if freq == "month":
        return f"{start.year:04d}-{start.month:02d}"
    return f"{start.year:04d}-Q{(start.month - 1) // 3 + 1}"


def aggregate(log: OrderLog, freq: Frequency) -> list[PeriodActuals]:
    """Aggregate an order log per period, every period from the first day present to the last.

    Days present are those of kept and of excluded orders, so a log of only excluded orders
    still has periods (with no orders and a refund rate of 1). An empty log has none.
    """
    order_codes = period_codes(log.days, freq)
    excluded_codes = period_codes(log.excluded_days, freq)
    if order_codes.size + excluded_codes.size == 0:
        return []
    columns = _tally(log, order_codes, excluded_codes, freq)
    codes = np.arange(columns.first, columns.first + len(columns.orders) + 1, dtype=np.int64)
    bounds = period_start_days(codes, freq).astype("datetime64[D]").tolist()
    return [
        _period(columns, index, bounds[index], bounds[index + 1], freq)
        for index in range(len(columns.orders))
    ]


def _tally(
    log: OrderLog, order_codes: IntArray, excluded_codes: IntArray, freq: Frequency
) -> _Columns:
    """Sum the log into periods numbered from the first code present, given each order's code."""
    first = int(min(order_codes.min(initial=_NONE), excluded_codes.min(initial=_NONE)))
    last = int(max(order_codes.max(initial=-_NONE), excluded_codes.max(initial=-_NONE)))
    count = last - first + 1
    periods = order_codes - first
    amounts = np.asarray(log.amounts, dtype=np.float64)
    customers = np.asarray(log.customers, dtype=np.int64)
    is_new = _first_period_orders(log.days, customers, periods, freq, first)
    return _Columns(
        first=first,
        orders=np.bincount(periods, minlength=count),
        revenue=_sum_by(periods, amounts, count),
        customers=_distinct_per_period(periods, customers, count),
        new_customers=_distinct_per_period(periods[is_new], customers[is_new], count),
        new_orders=np.bincount(periods[is_new], minlength=count),
        new_customer_revenue=_sum_by(periods[is_new], amounts[is_new], count),
        returning_customer_revenue=_sum_by(periods[~is_new], amounts[~is_new], count),
        excluded_orders=np.bincount(excluded_codes - first, minlength=count),
    )


def _sum_by(periods: IntArray, amounts: FloatArray, count: int) -> FloatArray:
    """Sum the amounts per period index."""
    return np.bincount(periods, weights=amounts, minlength=count).astype(np.float64)


def _first_period_orders(
    days: IntArray, customers: IntArray, periods: IntArray, freq: Frequency, first: int
) -> BoolArray:
    """Mark the orders placed in their customer's first period (that of their first order)."""
    if customers.size == 0:
        return np.zeros(0, dtype=np.bool_)
    if int(customers.min()) < 0:
        raise ValueError(f"customer codes must be 0 or more; found {int(customers.min())}")
    first_day = np.full(int(customers.max()) + 1, _NONE, dtype=np.int64)
    np.minimum.at(first_day, customers, np.asarray(days, dtype=np.int64))
    # each customer's first period worked out once per customer, not once per order
    ordering = first_day != _NONE  # codes no order uses have no first day
    first_period = np.zeros(first_day.size, dtype=np.int64)
    first_period[ordering] = period_codes(first_day[ordering], freq)
    return first_period[customers] - first == periods


def _distinct_per_period(periods: IntArray, customers: IntArray, count: int) -> IntArray:
    """Count distinct customers in each period via unique (period, customer) keys.

    A table of every (period, customer) cell, marked where an order falls, when it is small
    (months or quarters of a million customers); else the keys sorted. Both count the cells
    marked; the table needs no sort.
    """
    if customers.size == 0:
        return np.zeros(count, dtype=np.int64)
    width = int(customers.max()) + 1
    keys = periods * width + customers
    if count * width <= _TABLE_CELLS:
        seen = np.zeros(count * width, dtype=np.bool_)
        seen[keys] = True
        return np.count_nonzero(seen.reshape(count, width), axis=1).astype(np.int64)
    pairs = np.sort(keys)  # sort + diff: np.unique is slower here
    distinct = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))]
    return np.bincount(distinct // width, minlength=count)


def _period(
    columns: _Columns, index: int, start: date, after: date, freq: Frequency
) -> PeriodActuals:
    """Build one period's actuals from the per-period columns."""
    orders = int(columns.orders[index])
    revenue = float(columns.revenue[index])
    customers = int(columns.customers[index])
    new_customers = int(columns.new_customers[index])
    excluded = int(columns.excluded_orders[index])
    return PeriodActuals(
        period=period_name(start, freq),
        start=start,
        end=date.fromordinal(after.toordinal() - 1),
        orders=orders,
        revenue=revenue,
        customers=customers,
        new_customers=new_customers,
        returning_customers=customers - new_customers,
        new_orders=int(columns.new_orders[index]),
        new_customer_revenue=float(columns.new_customer_revenue[index]),
        returning_customer_revenue=float(columns.returning_customer_revenue[index]),
        average_order_value=revenue / orders if orders else None,
        excluded_orders=excluded,
        refund_rate=excluded / (orders + excluded) if orders + excluded else None,
    )
