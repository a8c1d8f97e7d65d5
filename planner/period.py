"""Calendar arithmetic for planning periods: presets and how many days, weeks, months."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Literal

from planner.models import Period

# The years a plan's dates may lie in: wide enough for any real plan, narrow enough that every
# preset and every "one period later" stays far inside the calendar (which ends in 9999).
# Defined beside the date type that enforces them; named here for the page's Year input.
from planner.types import MAX_YEAR as MAX_YEAR
from planner.types import MIN_YEAR as MIN_YEAR

PeriodKind = Literal["month", "quarter", "year", "custom"]
DAYS_PER_WEEK = 7
# Spelled out so labels never depend on the machine's locale.
MONTH_NAMES = (
    "", "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def month_period(year: int, month: int) -> Period:
    """The calendar month ``month`` of ``year``."""
    last_day = calendar.monthrange(year, month)[1]
    return Period(start=date(year, month, 1), end=date(year, month, last_day))


def quarter_period(year: int, quarter: int) -> Period:
    """Calendar quarter 1–4 of ``year``."""
    first_month = 3 * (quarter - 1) + 1
    return Period(start=date(year, first_month, 1), end=month_period(year, first_month + 2).end)


def year_period(year: int) -> Period:
    """The calendar year."""
    return Period(start=date(year, 1, 1), end=date(year, 12, 31))


def period_days(period: Period) -> int:
    """Days in the period, both ends included."""
    return (period.end - period.start).days + 1


def period_weeks(period: Period) -> float:
    """Weeks in the period (days ÷ 7): 90 days → 12.86 weeks."""
    return period_days(period) / DAYS_PER_WEEK


def period_months(period: Period) -> float:
    """Calendar months covered, each partial month counted by its share of days.

    Jan 1–Mar 31 is exactly 3.0; Jan 16–Feb 14 (2027) is 16/31 + 14/28 ≈ 1.016. Dividing by
    30.44-day "average months" would make a calendar quarter 2.96 months.
    """
    months = 0.0
    day = period.start
    while day <= period.end:
        days_in_month = calendar.monthrange(day.year, day.month)[1]
        month_end = day.replace(day=days_in_month)
        covered = (min(month_end, period.end) - day).days + 1
        months += covered / days_in_month
        if month_end >= period.end:  # never step past the period (nor past 9999-12-31)
            break
        day = month_end + timedelta(days=1)
    return months


def describe_period(period: Period) -> str:
    """A short human label: 'Q1 2027', 'March 2027', '2027' or '2027-01-10 – 2027-02-20'."""
    start, end = period.start, period.end
    if start == date(start.year, 1, 1) and end == date(start.year, 12, 31):
        return str(start.year)
    if start.day == 1 and end == month_period(start.year, start.month).end:
        return f"{MONTH_NAMES[start.month]} {start.year}"
    if (
        start.day == 1
        and start.month % 3 == 1
        and end == quarter_period(start.year, start.month // 3 + 1).end
    ):
        return f"Q{start.month // 3 + 1} {start.year}"
    return f"{start.isoformat()} – {end.isoformat()}"
