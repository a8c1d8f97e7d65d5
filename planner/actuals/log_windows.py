"""Order-log KPIs over many windows of days at once, by differences of running totals.

A window is a first and a last day ``[a, b]`` (days since 1970-01-01). Sums (orders, revenue,
excluded orders) are running totals per day read at ``b`` and at ``a − 1``.

Distinct customers are not a sum, so they are counted from when customers *lapse*. With
``d < d'`` two consecutive order days of one customer (``d' = ∞`` after their last order), the
customer has no order in the ℓ days ending on ``b`` exactly when ``b`` lies in the lapse
interval ``[d + ℓ, d' − 1]``. Each interval is a +1 and a −1 in a per-day difference array, so
one pass over the log per window length ℓ gives ``lapsed_ℓ(b)`` for every day, and::

    customers ordering in [b − ℓ + 1, b] = ever(b) − lapsed_ℓ(b)

where ``ever(b)`` counts the customers whose first order is on or before ``b``. The same array
with ℓ = N gives the customers churned at ``b`` (no order in the N days ending on ``b``).
Likewise, an order on day ``d`` by a customer first seen on day ``f`` is a *new customer's*
order in a window ending on ``b`` of length ℓ exactly when ``d ≤ b ≤ f + ℓ − 1``: one more
difference array per length. Windows come in a handful of lengths (a month has 28 to 31 days),
so everything is a few passes of array arithmetic, whatever the number of windows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from planner.actuals.orders import FloatArray, IntArray, OrderLog

BoolArray = npt.NDArray[np.bool_]

_KEY_LIMIT = 2**62
"""Customer × day keys stay below this, far from int64 overflow."""


@dataclass(frozen=True)
class CustomerHistory:
    """Each customer's consecutive order days, on a grid of days from ``first_day``.

    ``days`` and ``next_days`` are grid indexes (day − ``first_day``), one entry per order,
    sorted by customer then day; ``next_days`` is the customer's next order day, or ``length``
    (beyond the grid) after their last order.
    """

    first_day: int
    length: int
    days: IntArray
    next_days: IntArray
    first_by_code: IntArray
    """Grid index of each customer code's first order (−1 for a code that never ordered)."""
    second_days: IntArray
    """Grid index of the second order of every customer who ordered twice or more."""


@dataclass(frozen=True)
class WindowTotals:
    """Order-log KPIs per window (one entry per window, in the order given)."""

    orders: IntArray
    revenue: FloatArray
    excluded: IntArray
    customers: IntArray
    new_customers: IntArray
    """Customers whose first order ever falls in the window."""
    new_orders: IntArray
    new_revenue: FloatArray
    ever: IntArray
    """Customers whose first order is on or before the window's last day."""
    repeat: IntArray
    """Customers who had ordered twice or more by the window's last day."""
    churned: IntArray
    """Customers with an order on or before the last day, but none in the N days ending on it."""
    at_risk: IntArray
    """Customers whose first order is on or before last day − N: those who could have churned."""


def data_span(log: OrderLog) -> tuple[int, int] | None:
    """First and last day of any kept or excluded order, or None for an empty log."""
    days = np.concatenate([np.asarray(log.days), np.asarray(log.excluded_days)])
    if days.size == 0:
        return None
    return int(days.min()), int(days.max())


def customer_history(log: OrderLog, first_day: int, last_day: int) -> CustomerHistory:
    """Sort the log into each customer's order days, on the grid ``first_day..last_day``."""
    length = last_day - first_day + 1
    days = np.asarray(log.days, dtype=np.int64) - first_day
    customers = np.asarray(log.customers, dtype=np.int64)
    most = int(customers.max()) + 1 if customers.size else 0
    if most * length < _KEY_LIMIT:
        # Sorting one int64 key is several times faster than a lexsort of two arrays.
        keys = np.sort(customers * length + days)
        sorted_customers, sorted_days = np.divmod(keys, length)
    else:
        order = np.lexsort((days, customers))
        sorted_customers, sorted_days = customers[order], days[order]
    starts = np.ones(sorted_days.size, dtype=np.bool_)
    starts[1:] = sorted_customers[1:] != sorted_customers[:-1]
    ends = np.ones(sorted_days.size, dtype=np.bool_)
    ends[:-1] = starts[1:]
    next_days = np.empty_like(sorted_days)
    next_days[:-1] = sorted_days[1:]
    next_days[ends] = length
    first_by_code = np.full(most, -1, dtype=np.int64)
    first_by_code[sorted_customers[starts]] = sorted_days[starts]
    return CustomerHistory(
        first_day=first_day,
        length=length,
        days=sorted_days,
        next_days=next_days,
        first_by_code=first_by_code,
        second_days=next_days[starts & ~ends],  # the next order after the first, if any
    )


def log_windows(
    log: OrderLog, history: CustomerHistory, starts: IntArray, ends: IntArray, churn_days: int
) -> WindowTotals:
    """Every order-log KPI for the windows ``[starts[i], ends[i]]`` (empty when start > end).

    ``history`` must cover every day of the log and reach at least the last window's end.
    """
    grid = DayGrid(history.first_day, history.length)
    starts = np.asarray(starts, dtype=np.int64)
    ends = np.asarray(ends, dtype=np.int64)
    empty = starts > ends
    days = np.asarray(log.days, dtype=np.int64) - grid.first
    amounts = np.asarray(log.amounts, dtype=np.float64)
    orders = grid.window_sums(grid.per_day(days), starts, ends)
    revenue = grid.window_sums(grid.per_day(days, amounts), starts, ends)
    excluded_days = np.asarray(log.excluded_days, dtype=np.int64) - grid.first
    first_days = history.first_by_code[history.first_by_code >= 0]
    ever_daily = grid.per_day(first_days)
    ever = grid.read(np.cumsum(ever_daily), ends)
    new_customers = grid.window_sums(ever_daily, starts, ends)
    lengths = np.where(empty, 1, ends - starts + 1)
    customers = ever - _lapsed(history, grid, lengths, ends)
    customer_first = history.first_by_code[np.asarray(log.customers, dtype=np.int64)]
    new_orders = _new_orders(grid, days, customer_first, None, lengths, ends)
    new_revenue = _new_orders(grid, days, customer_first, amounts, lengths, ends)
    churn_lengths = np.full(ends.size, churn_days, dtype=np.int64)
    second_daily = grid.per_day(history.second_days)
    at_end = np.zeros(ends.size, dtype=np.bool_)  # counts as of the last day: never blank
    return WindowTotals(
        orders=_count(orders, empty),
        revenue=_money(revenue, amounts, empty),
        excluded=_count(grid.window_sums(grid.per_day(excluded_days), starts, ends), empty),
        customers=_count(customers, empty),
        new_customers=_count(new_customers, empty),
        new_orders=_count(new_orders, empty),
        new_revenue=_money(new_revenue, amounts, empty),
        ever=_count(ever, at_end),
        repeat=_count(grid.read(np.cumsum(second_daily), ends), at_end),
        churned=_count(_lapsed(history, grid, churn_lengths, ends), at_end),
        at_risk=_count(grid.read(np.cumsum(ever_daily), ends - churn_days), at_end),
    )


@dataclass(frozen=True)
class DayGrid:
    """Days ``first .. first + length − 1``; running totals are read with clamping outside."""

    first: int
    length: int

    def per_day(self, indexes: IntArray, weights: FloatArray | None = None) -> FloatArray:
        """Total per grid day of the entries at ``indexes`` (those outside the grid dropped)."""
        inside = (indexes >= 0) & (indexes < self.length)
        chosen = None if weights is None else weights[inside]
        return np.bincount(indexes[inside], weights=chosen, minlength=self.length).astype(
            np.float64
        )

    def read(self, running: FloatArray, days: IntArray) -> FloatArray:
        """A running total through each day: 0 before the grid, the last total after it."""
        padded = np.concatenate(([0.0], np.asarray(running, dtype=np.float64)))
        return padded[np.clip(days - self.first + 1, 0, self.length)]

    def window_sums(self, daily: FloatArray, starts: IntArray, ends: IntArray) -> FloatArray:
        """Sum of a per-day series over each window."""
        running = np.cumsum(daily)
        return self.read(running, ends) - self.read(running, starts - 1)


def _lapsed(
    history: CustomerHistory, grid: DayGrid, lengths: IntArray, ends: IntArray
) -> FloatArray:
    """Customers who ordered before, but not in, the ``lengths[i]`` days up to ``ends[i]``."""
    gaps = history.next_days - history.days

    def one_pass(length: int) -> FloatArray:
        lapses = gaps > length  # the days between two orders hold a window of this length
        return grid.per_day(history.days[lapses] + length) - grid.per_day(history.next_days[lapses])

    def from_table(longest: int) -> Callable[[int], FloatArray]:
        # Gaps beyond the longest length all count alike: one column holds them.
        capped = np.minimum(gaps, longest + 1)
        inside = history.next_days < grid.length
        starting = _suffix_sums(_table(history.days, capped, longest + 2, grid.length))
        ending = _suffix_sums(
            _table(history.next_days[inside], capped[inside], longest + 2, grid.length)
        )

        def changes(length: int) -> FloatArray:
            return _shifted(starting[:, length + 1], length) - ending[:, length + 1]

        return changes

    return _by_length(grid, lengths, ends, one_pass, from_table)


def _new_orders(
    grid: DayGrid,
    days: IntArray,
    customer_first: IntArray,
    weights: FloatArray | None,
    lengths: IntArray,
    ends: IntArray,
) -> FloatArray:
    """Orders (or their amounts) in each window by customers whose first order is in it too."""
    values = np.ones(days.size, dtype=np.float64) if weights is None else weights
    ages = days - customer_first

    def one_pass(length: int) -> FloatArray:
        counted = ages < length  # the first order fits in the same window
        return grid.per_day(days[counted], values[counted]) - grid.per_day(
            customer_first[counted] + length, values[counted]
        )

    def from_table(longest: int) -> Callable[[int], FloatArray]:
        capped = np.minimum(ages, longest)  # ages from the longest length on never count
        placed = np.cumsum(_table(days, capped, longest + 1, grid.length, values), axis=1)
        aged = np.cumsum(_table(customer_first, capped, longest + 1, grid.length, values), axis=1)

        def changes(length: int) -> FloatArray:
            return placed[:, length - 1] - _shifted(aged[:, length - 1], length)

        return changes

    return _by_length(grid, lengths, ends, one_pass, from_table)


_TABLE_LENGTHS = 400
"""Window lengths up to this are read from a (day × length) table built in one pass."""
_TABLE_CELLS = 4_000_000
"""Largest such table (32 MB); a longer grid makes one pass over the log per length instead."""


def _by_length(
    grid: DayGrid,
    lengths: IntArray,
    ends: IntArray,
    one_pass: Callable[[int], FloatArray],
    from_table: Callable[[int], Callable[[int], FloatArray]],
) -> FloatArray:
    """Read each window's running total at its end, from the per-day changes for its length.

    The few short lengths (a month's 28 to 31 days) share one table; each long one (the whole
    range) takes a pass over the log.
    """
    result = np.zeros(ends.size, dtype=np.float64)
    unique = [int(length) for length in np.unique(lengths)]
    short = [length for length in unique if length <= _TABLE_LENGTHS]
    if short and grid.length * (max(short) + 2) > _TABLE_CELLS:
        short = []
    table = from_table(max(short)) if short else None
    for length in unique:
        changes = table(length) if table is not None and length in short else one_pass(length)
        chosen = lengths == length
        result[chosen] = grid.read(np.cumsum(changes), ends[chosen])
    return result


def _table(
    rows: IntArray, columns: IntArray, width: int, height: int, weights: FloatArray | None = None
) -> FloatArray:
    """Count (or sum ``weights``) per (row, column) cell: a ``height × width`` table."""
    cells = np.bincount(rows * width + columns, weights=weights, minlength=height * width)
    return cells.astype(np.float64).reshape(height, width)


def _suffix_sums(table: FloatArray) -> FloatArray:
    """Each cell plus the cells right of it in its row."""
    return np.cumsum(table[:, ::-1], axis=1)[:, ::-1]


def _shifted(values: FloatArray, by: int) -> FloatArray:
    """The series moved ``by`` days later (zeros before)."""
    moved = np.zeros_like(values)
    moved[by:] = values[: max(values.size - by, 0)]
    return moved


def _count(values: FloatArray, empty: BoolArray) -> IntArray:
    """Whole counts (running totals of ones are exact; rint only drops the float type)."""
    return np.where(empty, 0, np.rint(values)).astype(np.int64)


def _money(values: FloatArray, amounts: FloatArray, empty: BoolArray) -> FloatArray:
    """Zero for empty windows, and no float dust (1e-9 left by a difference instead of 0)."""
    scale = float(np.abs(amounts).sum()) if amounts.size else 0.0
    return np.where(empty | (np.abs(values) <= scale * 1e-12), 0.0, values)
