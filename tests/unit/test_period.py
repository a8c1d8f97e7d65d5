"""Planning periods: presets, their length in days, weeks and months, and their labels."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from pydantic import ValidationError

from planner.models import Period
from planner.period import (
    MAX_YEAR,
    MIN_YEAR,
    describe_period,
    month_period,
    period_days,
    period_months,
    period_weeks,
    quarter_period,
    year_period,
)


def period(start: str, end: str) -> Period:
    return Period(start=date.fromisoformat(start), end=date.fromisoformat(end))


@pytest.mark.parametrize(
    ("built", "start", "end", "days"),
    [
        pytest.param(month_period(2027, 1), "2027-01-01", "2027-01-31", 31, id="january"),
        pytest.param(month_period(2027, 2), "2027-02-01", "2027-02-28", 28, id="february-2027"),
        pytest.param(month_period(2028, 2), "2028-02-01", "2028-02-29", 29, id="february-leap"),
        pytest.param(month_period(2027, 4), "2027-04-01", "2027-04-30", 30, id="april"),
        pytest.param(month_period(2027, 12), "2027-12-01", "2027-12-31", 31, id="december"),
        pytest.param(quarter_period(2027, 1), "2027-01-01", "2027-03-31", 90, id="q1-2027"),
        pytest.param(quarter_period(2028, 1), "2028-01-01", "2028-03-31", 91, id="q1-leap"),
        pytest.param(quarter_period(2027, 2), "2027-04-01", "2027-06-30", 91, id="q2"),
        pytest.param(quarter_period(2027, 3), "2027-07-01", "2027-09-30", 92, id="q3"),
        pytest.param(quarter_period(2027, 4), "2027-10-01", "2027-12-31", 92, id="q4"),
        pytest.param(year_period(2027), "2027-01-01", "2027-12-31", 365, id="year"),
        pytest.param(year_period(2028), "2028-01-01", "2028-12-31", 366, id="leap-year"),
    ],
)
def test_preset_periods(built: Period, start: str, end: str, days: int) -> None:
    """Both ends are included: Q1 2027 is 31 + 28 + 31 = 90 days, Q1 2028 is 91."""
    assert built == period(start, end)
    assert period_days(built) == days


@pytest.mark.parametrize(
    ("built", "months"),
    [
        pytest.param(month_period(2027, 2), 1.0, id="february"),
        pytest.param(month_period(2028, 2), 1.0, id="leap-february"),
        pytest.param(quarter_period(2027, 1), 3.0, id="q1"),
        pytest.param(quarter_period(2028, 1), 3.0, id="leap-q1"),
        pytest.param(quarter_period(2027, 4), 3.0, id="q4"),
        pytest.param(year_period(2027), 12.0, id="year"),
        pytest.param(year_period(2028), 12.0, id="leap-year"),
    ],
)
def test_whole_months_count_exactly(built: Period, months: float) -> None:
    """Whole calendar months count 1 each, however long: a quarter is 3.0, not 90 ÷ 30.44."""
    assert period_months(built) == months


def test_partial_months_count_by_their_share_of_days() -> None:
    """Jan 16–Feb 14 2027: Jan 16..31 is 16 of 31 days, Feb 1..14 is 14 of 28.

    16/31 + 14/28 = 0.516129 + 0.5 = 1.016129 months; 30 days; 30 ÷ 7 = 4.2857 weeks.
    """
    custom = period("2027-01-16", "2027-02-14")

    assert period_days(custom) == 30
    assert period_months(custom) == pytest.approx(16 / 31 + 14 / 28)
    assert period_months(custom) == pytest.approx(1.016129, abs=1e-6)
    assert period_weeks(custom) == pytest.approx(30 / 7)


def test_partial_month_across_a_leap_february() -> None:
    """Feb 15–Mar 10 2028: Feb 15..29 is 15 of 29 days, Mar 1..10 is 10 of 31.

    15/29 + 10/31 = 0.517241 + 0.322581 = 0.839822 months; 25 days.
    """
    custom = period("2028-02-15", "2028-03-10")

    assert period_days(custom) == 25
    assert period_months(custom) == pytest.approx(15 / 29 + 10 / 31)


def test_single_day() -> None:
    """One day of a 31-day month: 1 day, 1/31 month, 1/7 week."""
    day = period("2027-03-05", "2027-03-05")

    assert period_days(day) == 1
    assert period_months(day) == pytest.approx(1 / 31)
    assert period_weeks(day) == pytest.approx(1 / 7)


def test_weeks_of_a_quarter() -> None:
    """Q1 2027: 90 ÷ 7 = 12.857 weeks."""
    assert period_weeks(quarter_period(2027, 1)) == pytest.approx(12.857142857)


@pytest.mark.parametrize(
    ("built", "label"),
    [
        pytest.param(year_period(2027), "2027", id="year"),
        pytest.param(quarter_period(2027, 1), "Q1 2027", id="q1"),
        pytest.param(quarter_period(2027, 2), "Q2 2027", id="q2"),
        pytest.param(quarter_period(2027, 3), "Q3 2027", id="q3"),
        pytest.param(quarter_period(2028, 4), "Q4 2028", id="q4"),
        pytest.param(month_period(2027, 3), "March 2027", id="month"),
        pytest.param(month_period(2028, 2), "February 2028", id="leap-february"),
        pytest.param(period("2027-01-10", "2027-02-20"), "2027-01-10 – 2027-02-20", id="custom"),
        pytest.param(
            period("2027-01-01", "2027-02-28"), "2027-01-01 – 2027-02-28", id="two-months"
        ),
        pytest.param(
            period("2027-02-01", "2027-04-30"), "2027-02-01 – 2027-04-30", id="off-quarter"
        ),
        pytest.param(period("2027-01-01", "2028-12-31"), "2027-01-01 – 2028-12-31", id="two-years"),
        pytest.param(
            period("2027-02-01", "2027-02-27"), "2027-02-01 – 2027-02-27", id="month-short-a-day"
        ),
    ],
)
def test_describe_period(built: Period, label: str) -> None:
    assert describe_period(built) == label


# --- The planning years ------------------------------------------------------------------------


def test_planning_years() -> None:
    assert (MIN_YEAR, MAX_YEAR) == (1900, 2199)


@pytest.mark.parametrize(
    ("built", "days", "months", "label"),
    [
        pytest.param(month_period(MIN_YEAR, 1), 31, 1.0, "January 1900", id="first-month"),
        pytest.param(month_period(MAX_YEAR, 12), 31, 1.0, "December 2199", id="last-month"),
        pytest.param(quarter_period(MAX_YEAR, 4), 92, 3.0, "Q4 2199", id="last-quarter"),
        pytest.param(year_period(MAX_YEAR), 365, 12.0, "2199", id="last-year"),
        pytest.param(year_period(MIN_YEAR), 365, 12.0, "1900", id="first-year-not-leap"),
    ],
)
def test_presets_at_the_edges_of_the_planning_years(
    built: Period, days: int, months: float, label: str
) -> None:
    assert period_days(built) == days
    assert period_months(built) == months
    assert describe_period(built) == label


@pytest.mark.parametrize(
    ("start", "end"),
    [
        pytest.param(date(9999, 12, 1), date(9999, 12, 31), id="december-9999"),
        pytest.param(date(2200, 1, 1), date(2200, 1, 31), id="after-the-last-year"),
        pytest.param(date(1899, 12, 1), date(1899, 12, 31), id="before-the-first-year"),
    ],
)
def test_periods_outside_the_planning_years_are_refused(start: date, end: date) -> None:
    with pytest.raises(ValidationError) as raised:
        Period(start=start, end=end)

    assert {error["type"] for error in raised.value.errors()} == {"year_out_of_range"}


@pytest.mark.parametrize("builder", [month_period, quarter_period])
def test_presets_past_the_last_year_are_refused(builder: Callable[[int, int], Period]) -> None:
    with pytest.raises(ValidationError):
        builder(MAX_YEAR + 1, 1)


def test_period_months_never_steps_past_the_calendar() -> None:
    """Even a period built without validation, ending on the calendar's last day, counts."""
    last = Period.model_construct(start=date(9999, 12, 1), end=date(9999, 12, 31))

    assert period_months(last) == 1.0
    assert period_days(last) == 31
