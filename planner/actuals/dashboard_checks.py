"""The dashboard's input checks: every bad input is a ``PlanInvalid`` naming field and problem.

All problems found are reported together, so a caller fixes them in one go.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, get_args

import numpy as np

from planner.actuals.funnel import FunnelActuals
from planner.actuals.kpis import Frequency
from planner.actuals.orders import OrderLog
from planner.errors import RULE, FieldProblem, PlanInvalid
from planner.types import OUT_OF_RANGE, format_number

FREQUENCIES: tuple[Frequency, ...] = get_args(Frequency)
LONGEST_CHURN_DAYS = 36_500
"""A hundred years: beyond any order log; keeps the day arithmetic far from overflow."""
MAX_PERIODS = 5_000
"""Rows a dashboard may have: over 13 years of days; more is no dashboard anyone reads."""


def as_day(value: date) -> date:
    """A datetime's calendar day; a date as it is."""
    return value.date() if isinstance(value, datetime) else value


def check_inputs(
    *,
    orders: OrderLog | None,
    funnel: FunnelActuals | None,
    start: Any,
    end: Any,
    freq: Any,
    churn_days: Any,
    named_stages: Mapping[str, str | None],
) -> None:
    """Raise ``PlanInvalid`` listing every problem with the dashboard's inputs."""
    problems = [
        *_check_sources(orders, funnel),
        *_check_dates(start, end),
        *_check_freq(freq),
        *_check_churn_days(churn_days),
        *_check_named_stages(funnel, named_stages),
    ]
    if orders is not None:
        problems += _check_log(orders)
    if funnel is not None:
        problems += _check_funnel(funnel)
    if problems:
        raise PlanInvalid(problems)


def check_period_count(count: int) -> None:
    """Refuse a range holding more periods than a dashboard can show."""
    if count > MAX_PERIODS:
        message = (
            f"holds {count:,} periods; a dashboard shows at most {MAX_PERIODS:,}: "
            "choose a shorter range or a coarser granularity"
        )
        context = {"got": count, "limit": MAX_PERIODS}
        raise PlanInvalid([FieldProblem("end", message, "too_many_periods", context)])


def _check_sources(orders: OrderLog | None, funnel: FunnelActuals | None) -> list[FieldProblem]:
    if orders is not None or funnel is not None:
        return []
    message = "required: give an order log, funnel actuals or both"
    return [FieldProblem("orders", message, "orders_or_funnel_required", {})]


def _check_dates(start: Any, end: Any) -> list[FieldProblem]:
    problems = [
        FieldProblem(
            name,
            f"must be a date like 2027-01-31, got {value!r}",
            "date_type",
            {"got": repr(value)},
        )
        for name, value in (("start", start), ("end", end))
        if not isinstance(value, date)
    ]
    if problems or as_day(end) >= as_day(start):
        return problems
    first, last = as_day(start).isoformat(), as_day(end).isoformat()
    message = f"must be on or after start ({first}), got {last}"
    context = {"rule": "end_before_start", "start": first, "end": last}
    return [FieldProblem("end", message, RULE, context)]


def _check_freq(freq: Any) -> list[FieldProblem]:
    if isinstance(freq, str) and freq in FREQUENCIES:
        return []
    expected = ", ".join(f"'{name}'" for name in FREQUENCIES[:-1]) + f" or '{FREQUENCIES[-1]}'"
    context = {"expected": expected, "got": repr(freq)}
    return [FieldProblem("freq", f"must be {expected}, got {freq!r}", "literal_error", context)]


def _check_churn_days(churn_days: Any) -> list[FieldProblem]:
    if isinstance(churn_days, bool) or not isinstance(churn_days, int | np.integer):
        message = f"must be a whole number, got {churn_days!r}"
        return [FieldProblem("churn_days", message, "int_type", {"got": repr(churn_days)})]
    if 1 <= churn_days <= LONGEST_CHURN_DAYS:
        return []
    message = f"must be ≥ 1 and ≤ {LONGEST_CHURN_DAYS:,}, got {int(churn_days):,}"
    context = {"got": int(churn_days), "ge": 1, "le": LONGEST_CHURN_DAYS}
    return [FieldProblem("churn_days", message, OUT_OF_RANGE, context)]


def _check_named_stages(
    funnel: FunnelActuals | None, named: Mapping[str, str | None]
) -> list[FieldProblem]:
    tracked = list(funnel.stages) if funnel is not None else []
    problems = []
    for field, stage in named.items():
        if stage is None or stage in tracked:
            continue
        if not tracked:
            message = "names a funnel stage, but no funnel actuals with stage counts were given"
            problems.append(FieldProblem(field, message, "stages_need_funnel", {"stage": stage}))
            continue
        listed = ", ".join(f"'{name}'" for name in tracked)
        message = f"'{stage}' is not a stage of the funnel actuals; use one of {listed}"
        context = {"stage": stage, "stages": tuple(tracked)}
        problems.append(FieldProblem(field, message, "stage_not_tracked", context))
    return problems


def _check_log(log: OrderLog) -> list[FieldProblem]:
    problems = _first_not_finite("orders.amounts", log.amounts)
    codes = {"orders.customers": log.customers, "orders.channels": log.channels}
    codes["orders.segments"] = log.segments
    for field, values in codes.items():
        problems += _first_negative(field, values)
    return problems


def _check_funnel(funnel: FunnelActuals) -> list[FieldProblem]:
    columns: dict[str, Any] = {
        f"funnel.stages.{name}": values for name, values in funnel.stages.items()
    }
    columns |= {f"funnel.measures.{name}": values for name, values in funnel.measures.items()}
    problems = []
    for field, values in columns.items():
        problems += _first_not_finite(field, values)
    return problems


def _first_not_finite(field: str, values: Any) -> list[FieldProblem]:
    array = np.asarray(values, dtype=np.float64)
    bad = np.flatnonzero(~np.isfinite(array))
    if bad.size == 0:
        return []
    index, got = int(bad[0]), float(array[bad[0]])
    message = f"must be finite numbers, got {format_number(got)} at position {index:,}"
    return [FieldProblem(field, message, "finite_number", {"got": got, "index": index})]


def _first_negative(field: str, values: Any) -> list[FieldProblem]:
    if values is None:
        return []
    array = np.asarray(values, dtype=np.int64)
    bad = np.flatnonzero(array < 0)
    if bad.size == 0:
        return []
    index, got = int(bad[0]), int(array[bad[0]])
    message = f"must be codes of 0 or more, got {got} at position {index:,}"
    return [FieldProblem(field, message, "negative_code", {"got": got, "index": index})]
