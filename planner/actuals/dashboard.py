"""The store's KPI dashboard: every KPI per day, week, month or quarter of a date range.

Read from an order log (``planner.actuals.orders``), funnel actuals
(``planner.actuals.funnel``) or both. With an order log, the money and customers come from the
log and the funnel adds its stage counts and ad spend; without one, the funnel's measures
(revenue, orders, new and returning customers, spend) stand in.

Rows are the calendar periods of ``planner.actuals.kpis`` (ISO weeks from Monday, months,
quarters) that overlap ``[start, end]``, cut to the range: a row the range cuts is ``partial``.
Every period in the range has a row, empty ones with zeros (or None where a ratio has no
denominator): never NaN, never infinity. A range holding no order and no funnel day at all
gives no rows and ``no_data``.

Definitions (per row; N = ``churn_days``):

- *new customers*: those whose first order ever (in the whole log) is in the row; *returning*:
  the row's other customers. Each group's revenue is that of its orders in the row.
- ``repeat_purchase_rate`` = returning ÷ customers: the share of the row's customers who had
  ordered before it. ``repeat_customer_share`` = customers who have ordered twice or more by
  the row's last day ÷ customers who have ordered by then (the store's repeat-customer rate).
- *churned* customers at the row's last day ``b``: those who ordered on or before ``b`` but not
  in the N days ending on ``b`` (the usual inactivity definition of churn for a shop, where
  nobody cancels a subscription). ``churn_rate`` applies the standard "customers lost during a
  window ÷ customers at its start" to the window of those N days: churned ÷ customers whose
  first order is on or before ``b − N``. Customers first seen within the N days can't have
  lapsed yet, so they are in neither count.
- ``revenue_per_customer`` = revenue ÷ customers; ``cac`` = spend ÷ new customers;
  ``cac_above_revenue_per_customer`` flags a row whose customers cost more to win than they
  spent in it.
- ``refund_rate`` = excluded ÷ (orders + excluded), as in ``planner.actuals.kpis``.
- Each funnel stage's ``conversion`` = its count ÷ the count of the tracked stage before it.
  ``cart_abandonment`` = 1 − completed purchases ÷ carts created (the standard definition,
  as Baymard Institute measures it); ``checkout_abandonment`` = 1 − purchases ÷ checkouts.
  Purchases are the purchase stage's count, or the orders when the funnel has a cart but no
  purchase stage (``purchases_from`` says which). See ``planner.actuals.funnel_stages``.

Growth (``changes``): each money and count KPI against the *same days* of the previous period
and of the same period last year (relative change: 0.25 is +25%). Same days: a row cut to the
1st–15th of March compares with the 1st–15th of February; a row running to its period's end
runs to the earlier period's end (all of November compares with all of October).
Last year is 12 months earlier, 4 quarters earlier, 52 weeks earlier (364 days: the same
weekdays, as retail compares) or the same date a year before (29 February → 28 February). A
change is None when the earlier value is 0 or unknown, or when either window reaches outside
the data its KPI comes from (the log's first to last day; days every funnel row covers).
``totals`` is the whole range as one row (distinct customers over the range, not the sum of
the rows'), compared with the equally long window just before it and with a year earlier.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import numpy as np
from pydantic import Field

from planner.actuals.breakdowns import BreakdownPeriod, BreakdownRow, breakdown, first_orders
from planner.actuals.dashboard_checks import as_day, check_inputs, check_period_count
from planner.actuals.funnel import FunnelActuals, daily
from planner.actuals.funnel_stages import CartStages, find_cart_stages, ordered_stages
from planner.actuals.kpis import Frequency, period_codes, period_name, period_start_days
from planner.actuals.log_windows import (
    BoolArray,
    CustomerHistory,
    DayGrid,
    WindowTotals,
    customer_history,
    data_span,
    log_windows,
)
from planner.actuals.orders import FloatArray, IntArray, OrderLog
from planner.base import Model

_EPOCH = date(1970, 1, 1)
_YEAR_LAG: dict[Frequency, int] = {"day": 0, "week": 52, "month": 12, "quarter": 4}
"""Periods back to the same period last year (a day goes back 12 months by the calendar)."""

GROWTH_KPIS = (
    "revenue",
    "orders",
    "average_order_value",
    "customers",
    "new_customers",
    "returning_customers",
    "new_customer_revenue",
    "returning_customer_revenue",
    "excluded_orders",
    "churned_customers",
    "spend",
    "cac",
    "revenue_per_customer",
)
"""The money and count KPIs whose growth every row reports."""

_FUNNEL_DECIMALS = 6
"""Funnel sums are rounded to this many decimals."""

Source = Literal["log", "funnel", "both"]


class Change(Model):
    """A KPI against the same days of the previous period and of the same period last year."""

    previous: float | None = Field(description="The value in the previous period's same days.")
    previous_change: float | None = Field(description="Relative change (0.25 = +25%).")
    last_year: float | None = Field(description="The value in the same days a year earlier.")
    last_year_change: float | None = Field(description="Relative change (0.25 = +25%).")


class StageKpi(Model):
    """One funnel stage in one row."""

    name: str
    count: float | None = Field(description="Sum of the stage's count; None if no row covers.")
    conversion: float | None = Field(description="count ÷ the previous tracked stage's count.")
    from_stage: str | None = Field(description="The stage converted from (None for the first).")
    change: Change


class KpiPeriod(Model):
    """Every KPI of one row (a period, or the whole range for ``Dashboard.totals``).

    Counts are whole numbers from an order log; funnel rows spread over their days can make
    fractions. None means unknown: no source for it, or a ratio over 0.
    """

    period: str = Field(description="2027-01-05, 2027-01-04 (a week's Monday), 2027-01, 2027-Q1.")
    start: date = Field(description="First day of the row (inside the range).")
    end: date = Field(description="Last day of the row (inclusive, inside the range).")
    partial: bool = Field(description="The range cuts the calendar period.")
    revenue: float | None
    orders: float | None
    average_order_value: float | None
    customers: float | None
    new_customers: float | None
    returning_customers: float | None
    new_customer_revenue: float | None
    returning_customer_revenue: float | None
    repeat_purchase_rate: float | None = Field(description="returning ÷ customers.")
    repeat_customer_share: float | None = Field(
        description="Customers with 2+ orders by the row's end ÷ customers by then."
    )
    churned_customers: float | None
    churn_rate: float | None = Field(description="churned ÷ customers first seen by end − N.")
    spend: float | None
    cac: float | None
    revenue_per_customer: float | None
    cac_above_revenue_per_customer: bool | None
    excluded_orders: float | None
    refund_rate: float | None
    stages: list[StageKpi]
    cart_abandonment: float | None = Field(description="1 − purchases ÷ carts.")
    checkout_abandonment: float | None = Field(description="1 − purchases ÷ checkouts.")
    changes: dict[str, Change] = Field(description="Growth of each KPI in ``GROWTH_KPIS``.")


class Dashboard(Model):
    """The weekly dashboard's data: one row per period, totals, and breakdowns."""

    start: date
    end: date
    freq: Frequency
    churn_days: int
    no_data: bool = Field(description="No order, excluded order or funnel day in the range.")
    rows: list[KpiPeriod]
    totals: KpiPeriod | None = Field(description="The whole range; None when ``no_data``.")
    stages: list[str] = Field(description="The funnel stages shown, in order.")
    cart_stage: str | None
    checkout_stage: str | None
    purchase_stage: str | None
    purchases_from: Literal["stage", "orders"] | None = Field(
        description="Where cart abandonment's completed purchases come from."
    )
    channels: list[BreakdownRow]
    channels_by_period: list[BreakdownPeriod]
    segments: list[BreakdownRow]
    segments_by_period: list[BreakdownPeriod]


def dashboard(
    *,
    orders: OrderLog | None,
    funnel: FunnelActuals | None = None,
    start: date,
    end: date,
    freq: Frequency = "week",
    churn_days: int = 90,
    stage_names: Sequence[str] = (),
    cart_stage: str | None = None,
    checkout_stage: str | None = None,
    purchase_stage: str | None = None,
) -> Dashboard:
    """Every KPI of ``[start, end]`` per ``freq`` period; see the module for the definitions.

    ``stage_names`` is the plan's stages in funnel order (stages are shown in it); the cart,
    checkout and purchase stages are found by name unless given. Raises ``PlanInvalid``.
    """
    named = {"cart_stage": cart_stage, "checkout_stage": checkout_stage}
    named["purchase_stage"] = purchase_stage
    check_inputs(
        orders=orders,
        funnel=funnel,
        start=start,
        end=end,
        freq=freq,
        churn_days=churn_days,
        named_stages=named,
    )
    first, last = _day(as_day(start)), _day(as_day(end))
    check_period_count(_period_count(first, last, freq))
    stages = ordered_stages(funnel.stages, stage_names) if funnel is not None else []
    cart = find_cart_stages(stages, cart_stage, checkout_stage, purchase_stage)
    context = _Context(orders, funnel, first, last, freq, int(churn_days), stages, cart)
    return _build(context, stage_names)


@dataclass(frozen=True)
class _Context:
    orders: OrderLog | None
    funnel: FunnelActuals | None
    first: int
    last: int
    freq: Frequency
    churn_days: int
    stages: list[str]
    cart: CartStages


@dataclass(frozen=True)
class _Rows:
    """The rows' windows: calendar periods cut to the range, then the whole range."""

    codes: IntArray
    calendar_starts: IntArray
    calendar_ends: IntArray
    starts: IntArray
    ends: IntArray


@dataclass(frozen=True)
class _Windows:
    """Every window read: the rows and totals, the same days a period earlier, a year earlier."""

    starts: IntArray
    ends: IntArray
    count: int
    """Rows plus totals: windows ``count..2·count`` are the previous ones, then last year's."""


def _build(context: _Context, stage_names: Sequence[str]) -> Dashboard:
    purchases_from: Literal["stage", "orders"] | None = None
    if context.cart.cart is not None:
        purchases_from = "stage" if context.cart.purchase is not None else "orders"
    empty = Dashboard(
        start=_date(context.first),
        end=_date(context.last),
        freq=context.freq,
        churn_days=context.churn_days,
        no_data=True,
        rows=[],
        totals=None,
        stages=context.stages,
        cart_stage=context.cart.cart,
        checkout_stage=context.cart.checkout,
        purchase_stage=context.cart.purchase,
        purchases_from=purchases_from,
        channels=[],
        channels_by_period=[],
        segments=[],
        segments_by_period=[],
    )
    if not _has_data(context):
        return empty
    rows = _rows(context.first, context.last, context.freq)
    windows = _windows(rows, context)
    history = _history(context.orders, windows)
    with np.errstate(divide="ignore", invalid="ignore"):
        values, sources, inside = _kpis(context, windows, stage_names, history)
        changes = {
            name: _change(values[name], inside[sources[name]], windows.count) for name in values
        }
    built = [_period(context, values, changes, index, rows) for index in range(windows.count)]
    acquisitions = _acquisitions(context.orders, history)
    channels, channels_by_period = _breakdowns(context, rows, acquisitions, "channels")
    segments, segments_by_period = _breakdowns(context, rows, acquisitions, "segments")
    return empty.model_copy(
        update={
            "no_data": False,
            "rows": built[:-1],
            "totals": built[-1],
            "channels": channels,
            "channels_by_period": channels_by_period,
            "segments": segments,
            "segments_by_period": segments_by_period,
        }
    )


# --- Periods and windows ------------------------------------------------------------------------


def _day(value: date) -> int:
    return (value - _EPOCH).days


def _date(day: int) -> date:
    return _EPOCH + timedelta(days=int(day))


def _code(day: int, freq: Frequency) -> int:
    return int(period_codes(np.array([day], dtype=np.int64), freq)[0])


def _period_count(first: int, last: int, freq: Frequency) -> int:
    return _code(last, freq) - _code(first, freq) + 1


def _rows(first: int, last: int, freq: Frequency) -> _Rows:
    codes = np.arange(_code(first, freq), _code(last, freq) + 1, dtype=np.int64)
    calendar_starts, calendar_ends = _bounds(codes, freq)
    return _Rows(
        codes=codes,
        calendar_starts=calendar_starts,
        calendar_ends=calendar_ends,
        starts=np.maximum(calendar_starts, first),
        ends=np.minimum(calendar_ends, last),
    )


def _bounds(codes: IntArray, freq: Frequency) -> tuple[IntArray, IntArray]:
    """First and last day of each numbered period."""
    return period_start_days(codes, freq), period_start_days(codes + 1, freq) - 1


def _same_days_earlier(rows: _Rows, freq: Frequency, lag: int) -> tuple[IntArray, IntArray]:
    """The same days of the period ``lag`` periods earlier, cut at that period's end.

    A row reaching its period's end reaches the earlier period's end: all of October for all
    of November, though October has a day more.
    """
    earlier_starts, earlier_ends = _bounds(rows.codes - lag, freq)
    starts = earlier_starts + (rows.starts - rows.calendar_starts)
    same_days = np.minimum(earlier_starts + (rows.ends - rows.calendar_starts), earlier_ends)
    ends = np.where(rows.ends == rows.calendar_ends, earlier_ends, same_days)
    return starts, ends


def _months_back(days: IntArray, months: int) -> IntArray:
    """The same day of the month ``months`` earlier, or that month's last day (29 Feb → 28)."""
    month = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    offset = days - month.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    target = (month - months).astype("datetime64[M]")
    target_first = target.astype("datetime64[D]").astype(np.int64)
    target_last = (target + 1).astype("datetime64[D]").astype(np.int64) - 1
    return np.minimum(target_first + offset, target_last)


def _windows(rows: _Rows, context: _Context) -> _Windows:
    first, last, freq = context.first, context.last, context.freq
    previous = _same_days_earlier(rows, freq, 1)
    if freq == "day":
        year_ago = (_months_back(rows.starts, 12), _months_back(rows.ends, 12))
    else:
        year_ago = _same_days_earlier(rows, freq, _YEAR_LAG[freq])
    length = last - first + 1
    whole = np.array([first]), np.array([last])
    whole_before = np.array([first - length]), np.array([first - 1])
    whole_year_ago = _months_back(whole[0], 12), _months_back(whole[1], 12)
    starts = [rows.starts, whole[0], previous[0], whole_before[0], year_ago[0], whole_year_ago[0]]
    ends = [rows.ends, whole[1], previous[1], whole_before[1], year_ago[1], whole_year_ago[1]]
    return _Windows(
        starts=np.concatenate(starts).astype(np.int64),
        ends=np.concatenate(ends).astype(np.int64),
        count=len(rows.codes) + 1,
    )


def _has_data(context: _Context) -> bool:
    """Whether any kept or excluded order, or any funnel day, lies in the range."""
    first, last = context.first, context.last

    def any_inside(days: IntArray) -> bool:
        days = np.asarray(days)
        return bool(np.any((days >= first) & (days <= last)))

    log, funnel = context.orders, context.funnel
    if log is not None and (any_inside(log.days) or any_inside(log.excluded_days)):
        return True
    if funnel is None or funnel.first_day is None:
        return False
    covered = daily(funnel, first, last).covered
    return bool(covered.any())


# --- KPIs per window ------------------------------------------------------------------------


_Values = dict[str, FloatArray]


def _kpis(
    context: _Context,
    windows: _Windows,
    stage_names: Sequence[str],
    history: CustomerHistory | None,
) -> tuple[_Values, dict[str, Source], dict[Source, BoolArray]]:
    """Every KPI per window (NaN = unknown), the data each comes from, and where it's inside."""
    funnel = _FunnelSums.of(context.funnel, windows)
    inside_funnel = funnel.covered == np.maximum(windows.ends - windows.starts + 1, 0)
    inside_funnel &= windows.starts <= windows.ends
    if context.orders is not None and history is not None:
        totals = log_windows(
            context.orders, history, windows.starts, windows.ends, context.churn_days
        )
        inside_log = _inside_log(context.orders, windows)
        values = _log_kpis(totals)
        sources: dict[str, Source] = {name: "log" for name in values}
    else:
        values = _funnel_money(funnel, stage_names, context.stages)
        inside_log = inside_funnel
        sources = {name: "funnel" for name in values}
    values["spend"] = funnel.measure("spend")
    values["cac"] = values["spend"] / np.where(
        values["new_customers"] > 0, values["new_customers"], np.nan
    )
    sources |= {"spend": "funnel", "cac": "both" if context.orders is not None else "funnel"}
    for stage in context.stages:
        values[_stage_key(stage)] = funnel.stage(stage)
        sources[_stage_key(stage)] = "funnel"
    inside: dict[Source, BoolArray] = {
        "log": inside_log,
        "funnel": inside_funnel,
        "both": inside_log & inside_funnel,
    }
    return values, sources, inside


def _stage_key(stage: str) -> str:
    return f"stage:{stage}"


@dataclass(frozen=True)
class _FunnelSums:
    covered: FloatArray
    stages: Mapping[str, FloatArray]
    measures: Mapping[str, FloatArray]
    size: int

    @classmethod
    def of(cls, funnel: FunnelActuals | None, windows: _Windows) -> _FunnelSums:
        size = windows.starts.size
        if funnel is None or funnel.first_day is None or funnel.last_day is None:
            return cls(np.zeros(size), {}, {}, size)
        series = daily(funnel, funnel.first_day, funnel.last_day)
        grid = DayGrid(series.first_day, len(series.covered))

        def sums(values: FloatArray) -> FloatArray:
            # A row spread over its days (300 ÷ 7 a day) leaves float dust: 1199.9999999999563.
            summed = grid.window_sums(
                np.asarray(values, dtype=np.float64), windows.starts, windows.ends
            )
            return np.round(summed, _FUNNEL_DECIMALS)

        covered = np.rint(sums(series.covered.astype(np.float64)))
        return cls(
            covered=covered,
            stages={name: sums(values) for name, values in series.stages.items()},
            measures={name: sums(values) for name, values in series.measures.items()},
            size=size,
        )

    def _known(self, values: FloatArray | None) -> FloatArray:
        if values is None:
            return np.full(self.size, np.nan)
        return np.where(self.covered > 0, values, np.nan)

    def measure(self, name: str) -> FloatArray:
        """A measure's sum per window; NaN when absent or no row covers the window."""
        return self._known(self.measures.get(name))

    def stage(self, name: str) -> FloatArray:
        """A stage's count per window; NaN when absent or no row covers the window."""
        return self._known(self.stages.get(name))


def _history(log: OrderLog | None, windows: _Windows) -> CustomerHistory | None:
    """Each customer's order days, on a grid from the log's first day past the last window."""
    if log is None:
        return None
    span = data_span(log)
    low, high = span if span is not None else (int(windows.starts.min()),) * 2
    return customer_history(log, low, max(high, int(windows.ends.max())))


def _inside_log(log: OrderLog, windows: _Windows) -> BoolArray:
    """Whether each window lies within the log's first to last day."""
    span = data_span(log)
    if span is None:
        return np.zeros(windows.starts.size, dtype=np.bool_)
    low, high = span
    return (windows.starts >= low) & (windows.ends <= high) & (windows.starts <= windows.ends)


def _ratio(top: FloatArray, bottom: FloatArray) -> FloatArray:
    """The ratio top ÷ bottom, NaN where bottom is 0 or unknown."""
    bottom = np.asarray(bottom, dtype=np.float64)
    return np.asarray(top, dtype=np.float64) / np.where(bottom != 0, bottom, np.nan)


def _log_kpis(totals: WindowTotals) -> _Values:
    as_float = {name: np.asarray(value, dtype=np.float64) for name, value in vars(totals).items()}
    revenue, orders, customers = as_float["revenue"], as_float["orders"], as_float["customers"]
    returning = customers - as_float["new_customers"]
    excluded = as_float["excluded"]
    returning_revenue = revenue - as_float["new_revenue"]
    scale = np.abs(revenue) * 1e-12
    return {
        "revenue": revenue,
        "orders": orders,
        "average_order_value": _ratio(revenue, orders),
        "customers": customers,
        "new_customers": as_float["new_customers"],
        "returning_customers": returning,
        "new_customer_revenue": as_float["new_revenue"],
        "returning_customer_revenue": np.where(
            np.abs(returning_revenue) <= scale, 0.0, returning_revenue
        ),
        "repeat_purchase_rate": _ratio(returning, customers),
        "repeat_customer_share": _ratio(as_float["repeat"], as_float["ever"]),
        "churned_customers": as_float["churned"],
        "churn_rate": _ratio(as_float["churned"], as_float["at_risk"]),
        "revenue_per_customer": _ratio(revenue, customers),
        "excluded_orders": excluded,
        "refund_rate": _ratio(excluded, orders + excluded),
    }


def _funnel_money(funnel: _FunnelSums, stage_names: Sequence[str], stages: list[str]) -> _Values:
    """The money and customers from the funnel's measures, when there is no order log."""
    revenue, orders = funnel.measure("revenue"), funnel.measure("orders")
    new = funnel.measure("new_customers")
    last_plan_stage = stage_names[-1] if stage_names else None
    if "new_customers" not in funnel.measures and last_plan_stage in stages:
        new = funnel.stage(str(last_plan_stage))  # a plan's last stage counts new customers
    returning = funnel.measure("returning_customers")
    customers = new + returning
    unknown = np.full(funnel.size, np.nan)
    return {
        "revenue": revenue,
        "orders": orders,
        "average_order_value": _ratio(revenue, orders),
        "customers": customers,
        "new_customers": new,
        "returning_customers": returning,
        "new_customer_revenue": funnel.measure("new_customer_revenue"),
        "returning_customer_revenue": funnel.measure("returning_revenue"),
        "repeat_purchase_rate": _ratio(returning, customers),
        "repeat_customer_share": unknown,
        "churned_customers": unknown,
        "churn_rate": unknown,
        "revenue_per_customer": _ratio(revenue, customers),
        "excluded_orders": unknown,
        "refund_rate": unknown,
    }


def _change(values: FloatArray, inside: BoolArray, count: int) -> tuple[FloatArray, ...]:
    """Earlier value and relative change, a period and a year back, for the first ``count``."""
    current, current_inside = values[:count], inside[:count]
    result: list[FloatArray] = []
    for back in (1, 2):
        earlier = values[back * count : (back + 1) * count]
        comparable = (
            current_inside & inside[back * count : (back + 1) * count] & np.isfinite(earlier)
        )
        shown = np.where(comparable, earlier, np.nan)
        usable = comparable & (earlier != 0) & np.isfinite(current)
        result += [shown, np.where(usable, (current - earlier) / np.abs(earlier), np.nan)]
    return tuple(result)


# --- Rows ----------------------------------------------------------------------------------


def _value(number: float) -> float | None:
    return float(number) if np.isfinite(number) else None


def _change_at(change: tuple[FloatArray, ...], index: int) -> Change:
    previous, previous_change, last_year, last_year_change = (part[index] for part in change)
    return Change(
        previous=_value(previous),
        previous_change=_value(previous_change),
        last_year=_value(last_year),
        last_year_change=_value(last_year_change),
    )


def _stage_rows(
    context: _Context, values: _Values, changes: Mapping[str, tuple[FloatArray, ...]], index: int
) -> list[StageKpi]:
    rows = []
    for position, stage in enumerate(context.stages):
        count = values[_stage_key(stage)][index]
        before = context.stages[position - 1] if position else None
        conversion = (
            _ratio(np.array([count]), np.array([values[_stage_key(before)][index]]))[0]
            if before is not None
            else np.nan
        )
        rows.append(
            StageKpi(
                name=stage,
                count=_value(count),
                conversion=_value(conversion),
                from_stage=before,
                change=_change_at(changes[_stage_key(stage)], index),
            )
        )
    return rows


def _abandonment(context: _Context, values: _Values, index: int) -> tuple[float | None, ...]:
    """Cart and checkout abandonment: 1 − purchases ÷ carts (÷ checkouts)."""
    cart = context.cart
    if cart.cart is None:
        return None, None
    purchases = (
        values[_stage_key(cart.purchase)][index]
        if cart.purchase is not None
        else values["orders"][index]
    )
    carts = values[_stage_key(cart.cart)][index]
    checkouts = values[_stage_key(cart.checkout)][index] if cart.checkout else np.nan
    return (
        _value(1 - _ratio(np.array([purchases]), np.array([carts]))[0]),
        _value(1 - _ratio(np.array([purchases]), np.array([checkouts]))[0]),
    )


def _period(
    context: _Context,
    values: _Values,
    changes: Mapping[str, tuple[FloatArray, ...]],
    index: int,
    rows: _Rows,
) -> KpiPeriod:
    if index < len(rows.codes):
        start, end = int(rows.starts[index]), int(rows.ends[index])
        calendar_start = int(rows.calendar_starts[index])
        name = period_name(_date(calendar_start), context.freq)
        partial = start != calendar_start or end != int(rows.calendar_ends[index])
    else:  # the totals
        start, end = context.first, context.last
        name, partial = f"{_date(start).isoformat()}/{_date(end).isoformat()}", False
    shown = {name: _value(series[index]) for name, series in values.items() if ":" not in name}
    cac, per_customer = shown["cac"], shown["revenue_per_customer"]
    cart_abandonment, checkout_abandonment = _abandonment(context, values, index)
    return KpiPeriod(
        period=name,
        start=_date(start),
        end=_date(end),
        partial=partial,
        **shown,
        cac_above_revenue_per_customer=(
            cac > per_customer if cac is not None and per_customer is not None else None
        ),
        stages=_stage_rows(context, values, changes, index),
        cart_abandonment=cart_abandonment,
        checkout_abandonment=checkout_abandonment,
        changes={name: _change_at(changes[name], index) for name in GROWTH_KPIS},
    )


def _acquisitions(log: OrderLog | None, history: CustomerHistory | None) -> IntArray | None:
    """Each customer's first order, when the log has channels or segments to break down."""
    if log is None or history is None or (log.channels is None and log.segments is None):
        return None
    return first_orders(log, history)


def _breakdowns(
    context: _Context,
    rows: _Rows,
    acquisitions: IntArray | None,
    kind: Literal["channels", "segments"],
) -> tuple[list[BreakdownRow], list[BreakdownPeriod]]:
    log = context.orders
    codes = getattr(log, kind) if log is not None else None
    if log is None or codes is None or acquisitions is None:
        return [], []
    names = log.channel_names if kind == "channels" else log.segment_names
    whole, per_row = breakdown(
        log, np.asarray(codes), names, acquisitions, rows.starts, context.last
    )
    by_period = [
        BreakdownPeriod(
            **row.model_dump(),
            period=period_name(_date(int(calendar_start)), context.freq),
            start=_date(int(start)),
        )
        for calendar_start, start, table in zip(
            rows.calendar_starts, rows.starts, per_row, strict=True
        )
        for row in table
    ]
    return whole, by_period
