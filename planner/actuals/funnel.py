"""Funnel actuals: what each stage counted, and the money, over the days each row covers.

A store's results arrive as rows: a day, a week or a month each, with one count per funnel
stage it tracks (named by the plan's stage, after the reader matched the columns), and some of
revenue, orders, spend and the new/returning split. ``FunnelActuals`` holds them as parallel
arrays; ``daily`` spreads each row evenly over the days it covers and sums overlapping rows
(one row per channel and day is common), so a plan's period, an as-of date in the middle of a
week or a comparison with last year all read the same per-day series.

The last stage of a plan counts new customers; a funnel file's column for it counts them too.
An order log becomes funnel actuals with only that last stage known (``from_orders``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, get_args

import numpy as np
import numpy.typing as npt

from planner.actuals.kpis import PeriodActuals, aggregate
from planner.actuals.orders import FloatArray, IntArray, OrderLog

Measure = Literal[
    "revenue",
    "orders",
    "spend",
    "new_customers",
    "new_orders",
    "new_customer_revenue",
    "returning_customers",
    "returning_orders",
    "returning_revenue",
]
MEASURES: tuple[Measure, ...] = get_args(Measure)


@dataclass(frozen=True)
class FunnelActuals:
    """Rows of results, each covering ``spans[i]`` days from ``starts[i]`` (same lengths)."""

    starts: IntArray
    """First day of each row: days since 1970-01-01 in the store's time zone."""
    spans: IntArray
    """Days each row covers: 1 for a daily row, 7 for a weekly one, the month's days."""
    stages: Mapping[str, FloatArray] = field(default_factory=dict)
    """Count per row of each stage given, keyed by the plan's stage name."""
    measures: Mapping[Measure, FloatArray] = field(default_factory=dict)
    """Amount per row of each measure given (revenue, orders, spend, ...)."""
    channels: IntArray | None = None
    """Each row's channel code (index into ``channel_names``), when the rows have one."""
    channel_names: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        rows = len(self.starts)
        columns = [self.spans, *self.stages.values(), *self.measures.values()]
        if self.channels is not None:
            columns.append(self.channels)
        if any(len(column) != rows for column in columns):
            raise ValueError("every column of funnel actuals must have one entry per row")
        if rows and int(np.min(self.spans)) < 1:
            raise ValueError("every row must cover at least one day")

    @property
    def first_day(self) -> int | None:
        """First day covered, or None without rows."""
        return int(np.min(self.starts)) if len(self.starts) else None

    @property
    def last_day(self) -> int | None:
        """Last day covered, or None without rows."""
        return int(np.max(self.starts + self.spans - 1)) if len(self.starts) else None


@dataclass(frozen=True)
class DailyActuals:
    """Per-day series over ``first_day``..``first_day + len(covered) - 1``."""

    first_day: int
    covered: npt.NDArray[np.bool_]
    """Whether any row covers each day (a day no row covers counts zero, but is not known)."""
    stages: Mapping[str, FloatArray]
    measures: Mapping[Measure, FloatArray]

    @property
    def days(self) -> IntArray:
        """Each day of the series (days since 1970-01-01)."""
        return np.arange(self.first_day, self.first_day + len(self.covered), dtype=np.int64)

    def total(self, values: FloatArray, through: int) -> float:
        """Sum of a series from its first day through day ``through`` (inclusive)."""
        return float(np.sum(values[: max(0, through - self.first_day + 1)]))


def daily(actuals: FunnelActuals, first_day: int, last_day: int) -> DailyActuals:
    """Spread every row evenly over its days and sum per day, from ``first_day`` to ``last_day``.

    A weekly row of 700 visits is 100 a day, so an as-of date on its Wednesday counts 300.
    Rows reaching outside the window count only their days inside it.
    """
    length = max(0, last_day - first_day + 1)
    offsets = np.repeat(np.arange(len(actuals.starts)), actuals.spans)
    row_starts = np.repeat(actuals.starts, actuals.spans)
    steps = np.arange(len(offsets)) - np.repeat(
        np.cumsum(actuals.spans) - actuals.spans, actuals.spans
    )
    day_index = row_starts + steps - first_day
    inside = (day_index >= 0) & (day_index < length)
    rows, index = offsets[inside], day_index[inside]
    per_day = 1.0 / actuals.spans

    def spread(values: FloatArray) -> FloatArray:
        weights = (np.asarray(values, dtype=np.float64) * per_day)[rows]
        summed = np.bincount(index, weights=weights, minlength=length)[:length]
        return np.asarray(summed, dtype=np.float64)

    covered = np.zeros(length, dtype=np.bool_)
    covered[index] = True
    return DailyActuals(
        first_day=first_day,
        covered=covered,
        stages={name: spread(values) for name, values in actuals.stages.items()},
        measures={name: spread(values) for name, values in actuals.measures.items()},
    )


def from_orders(log: OrderLog, last_stage: str) -> FunnelActuals:
    """Daily funnel actuals from an order log: the last stage is the day's new customers.

    New customers are those whose first order in the whole log falls on that day, so a log
    that starts on the plan's first day counts every earlier customer as new; read the
    store's full history to avoid that.
    """
    return from_daily_periods(aggregate(log, "day"), last_stage)


def from_daily_periods(periods: Sequence[PeriodActuals], last_stage: str) -> FunnelActuals:
    """Daily funnel actuals from per-day KPIs (``aggregate(log, "day")``, or a database's).

    The last stage is each day's new customers; the measures are the day's revenue, orders
    and their split between new and returning customers.
    """
    starts = np.array(
        [period.start.toordinal() - _EPOCH_ORDINAL for period in periods], dtype=np.int64
    )

    def column(values: list[float]) -> FloatArray:
        return np.array(values, dtype=np.float64)

    new = column([float(period.new_customers) for period in periods])
    measures: dict[Measure, FloatArray] = {
        "revenue": column([period.revenue for period in periods]),
        "orders": column([float(period.orders) for period in periods]),
        "new_customers": new,
        "new_orders": column([float(period.new_orders) for period in periods]),
        "new_customer_revenue": column([period.new_customer_revenue for period in periods]),
        "returning_customers": column([float(period.returning_customers) for period in periods]),
        "returning_orders": column(
            [float(period.orders - period.new_orders) for period in periods]
        ),
        "returning_revenue": column([period.returning_customer_revenue for period in periods]),
    }
    return FunnelActuals(
        starts=starts,
        spans=np.ones(len(periods), dtype=np.int64),
        stages={last_stage: new},
        measures=measures,
    )


_EPOCH_ORDINAL = 719_163
"""``date(1970, 1, 1).toordinal()``."""
