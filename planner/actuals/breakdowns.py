"""The dashboard's breakdowns: orders, revenue and customers per channel or per segment.

Within a group (one channel, one segment), ``customers`` counts the distinct customers who
ordered in it, so a customer who ordered through two channels counts in both and the groups'
customers add up to more than the total. ``new_customers`` counts each customer once, in the
group of their *first order ever* (the acquisition channel; on a day with several first orders,
the one listed first in the log), so the groups' new customers add up to the total.
``revenue_share`` is the group's revenue ÷ all revenue in the same period (None when that is 0).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated

import numpy as np
from pydantic import Field

from planner.actuals.log_windows import CustomerHistory
from planner.actuals.orders import FloatArray, IntArray, OrderLog
from planner.base import Model

_Tally = Annotated[int, Field(ge=0)]
_MARKS = 100_000_000
"""Most (group, customer) pairs marked in memory (100 MB); beyond, sorted instead."""


class BreakdownRow(Model):
    """One group's orders, revenue and customers over the whole range."""

    code: int = Field(description="The group's code in the order log.")
    name: str = Field(description="The group's name (``#code`` when the log names none).")
    orders: _Tally
    revenue: float
    customers: _Tally = Field(description="Distinct customers who ordered in this group.")
    new_customers: _Tally = Field(description="Customers whose first order ever is here.")
    average_order_value: float | None = Field(description="Revenue ÷ orders; None without orders.")
    revenue_share: float | None = Field(description="Share of the period's revenue.")


class BreakdownPeriod(BreakdownRow):
    """One group in one period: a row of the chart of groups over time."""

    period: str
    start: date


@dataclass(frozen=True)
class _Orders:
    """The orders inside the range: their row (period) index, group, customer and amount."""

    rows: IntArray
    groups: IntArray
    customers: IntArray
    amounts: FloatArray


def group_names(codes: IntArray, names: Sequence[str]) -> list[str]:
    """One name per group code present or named; ``#code`` for a code without a name."""
    count = max(len(names), int(codes.max()) + 1 if codes.size else 0)
    return [names[code] if code < len(names) else f"#{code}" for code in range(count)]


def first_orders(log: OrderLog, history: CustomerHistory) -> IntArray:
    """Each customer code's first order ever: its position in the log (−1 if none).

    On a day with several first orders, the one listed first.
    """
    customers = np.asarray(log.customers, dtype=np.int64)
    days = np.asarray(log.days, dtype=np.int64) - history.first_day
    firsts = np.flatnonzero(days == history.first_by_code[customers])
    chosen = np.full(history.first_by_code.size, customers.size, dtype=np.int64)
    np.minimum.at(chosen, customers[firsts], firsts)
    return np.where(chosen < customers.size, chosen, -1)


def breakdown(
    log: OrderLog,
    codes: IntArray,
    names: Sequence[str],
    acquisitions: IntArray,
    row_starts: IntArray,
    last_day: int,
) -> tuple[list[BreakdownRow], list[list[BreakdownRow]]]:
    """Per group over the range ``row_starts[0]..last_day``, and per group per row (period).

    ``acquisitions`` is each customer code's first order (``first_orders``).
    """
    codes = np.asarray(codes, dtype=np.int64)
    labels = group_names(codes, names)
    group_count, row_count = len(labels), len(row_starts)
    first_day = int(row_starts[0])
    # Each day of the range's row, looked up: much faster than a search per order.
    row_of_day = np.repeat(np.arange(row_count), np.diff(np.append(row_starts, last_day + 1)))
    days = np.asarray(log.days, dtype=np.int64)
    inside = (days >= first_day) & (days <= last_day)
    orders = _Orders(
        rows=row_of_day[days[inside] - first_day],
        groups=codes[inside],
        customers=np.asarray(log.customers, dtype=np.int64)[inside],
        amounts=np.asarray(log.amounts, dtype=np.float64)[inside],
    )
    known = acquisitions[acquisitions >= 0]
    acquired = days[known]
    in_range = (acquired >= first_day) & (acquired <= last_day)
    new_rows = row_of_day[acquired[in_range] - first_day]
    new_groups = codes[known][in_range]
    whole = _table(
        np.zeros_like(orders.rows), orders, np.zeros_like(new_rows), new_groups, 1, group_count
    )
    per_row = _table(orders.rows, orders, new_rows, new_groups, row_count, group_count)
    return _rows(whole[0], labels), [_rows(table, labels) for table in per_row]


def _table(
    rows: IntArray,
    orders: _Orders,
    new_rows: IntArray,
    new_groups: IntArray,
    row_count: int,
    group_count: int,
) -> list[list[tuple[int, float, int, int]]]:
    """(orders, revenue, customers, new customers) per row, per group."""
    cells = row_count * group_count
    keys = rows * group_count + orders.groups
    counts = np.bincount(keys, minlength=cells)
    revenue = np.bincount(keys, weights=orders.amounts, minlength=cells)
    customers = (
        _distinct_marked(keys, orders.customers, cells)
        if row_count == 1
        else _distinct(keys, orders.customers, cells)
    )
    new = np.bincount(new_rows * group_count + new_groups, minlength=cells)
    return [
        [
            (int(counts[cell]), float(revenue[cell]), int(customers[cell]), int(new[cell]))
            for cell in range(row * group_count, (row + 1) * group_count)
        ]
        for row in range(row_count)
    ]


def _distinct(keys: IntArray, customers: IntArray, cells: int) -> IntArray:
    """Distinct customers per cell, by sorting unique (cell, customer) pairs."""
    if customers.size == 0:
        return np.zeros(cells, dtype=np.int64)
    width = int(customers.max()) + 1
    pairs = np.sort(keys * width + customers)
    distinct = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))]
    return np.bincount(distinct // width, minlength=cells)


def _distinct_marked(keys: IntArray, customers: IntArray, cells: int) -> IntArray:
    """Distinct customers per cell by marking (cell, customer) pairs: no sort, for few cells."""
    if customers.size == 0:
        return np.zeros(cells, dtype=np.int64)
    width = int(customers.max()) + 1
    if cells * width > _MARKS:
        return _distinct(keys, customers, cells)
    marked = np.zeros(cells * width, dtype=np.bool_)
    marked[keys * width + customers] = True
    return np.count_nonzero(marked.reshape(cells, width), axis=1)


def _rows(table: list[tuple[int, float, int, int]], labels: list[str]) -> list[BreakdownRow]:
    total = sum(revenue for _orders, revenue, _customers, _new in table)
    return [
        BreakdownRow(
            code=code,
            name=labels[code],
            orders=orders,
            revenue=revenue,
            customers=customers,
            new_customers=new,
            average_order_value=revenue / orders if orders else None,
            revenue_share=revenue / total if total else None,
        )
        for code, (orders, revenue, customers, new) in enumerate(table)
    ]
