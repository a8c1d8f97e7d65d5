"""Order-log KPIs per day, week, month and quarter (``planner.actuals.kpis``)."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from planner.actuals.kpis import Frequency, PeriodActuals, aggregate
from planner.actuals.orders import OrderLog

EPOCH = date(1970, 1, 1)
FREQUENCIES: list[Frequency] = ["day", "week", "month", "quarter"]


def day(iso: str) -> int:
    return (date.fromisoformat(iso) - EPOCH).days


def order_log(orders: list[tuple[str, int, float]], excluded: list[str] | None = None) -> OrderLog:
    return OrderLog(
        days=np.array([day(when) for when, _, _ in orders], dtype=np.int64),
        customers=np.array([who for _, who, _ in orders], dtype=np.int64),
        amounts=np.array([amount for _, _, amount in orders], dtype=np.float64),
        excluded_days=np.array([day(when) for when in excluded or []], dtype=np.int64),
    )


# Customer 0 first orders in January and again in February; 1 likewise; 2 only in February.
TINY = order_log(
    [
        ("2027-01-04", 0, 100.0),
        ("2027-01-05", 1, 50.0),
        ("2027-01-20", 0, 30.0),
        ("2027-02-02", 0, 40.0),
        ("2027-02-03", 2, 60.0),
        ("2027-02-10", 1, 20.0),
    ],
    excluded=["2027-01-05", "2027-02-10"],
)


def actuals(
    period: str,
    start: str,
    end: str,
    counts: tuple[int, float, int, int, int],
    revenue_split: tuple[float, float],
    average_order_value: float | None,
    refund_rate: float | None,
    new_orders: int,
) -> PeriodActuals:
    orders, revenue, customers, new_customers, excluded = counts
    return PeriodActuals(
        period=period,
        start=date.fromisoformat(start),
        end=date.fromisoformat(end),
        orders=orders,
        revenue=revenue,
        customers=customers,
        new_customers=new_customers,
        returning_customers=customers - new_customers,
        new_orders=new_orders,
        new_customer_revenue=revenue_split[0],
        returning_customer_revenue=revenue_split[1],
        average_order_value=average_order_value,
        excluded_orders=excluded,
        refund_rate=refund_rate,
    )


def test_tiny_log_per_month_matches_the_hand_worked_table() -> None:
    """Oracle: worked by hand from the six orders and two exclusions of ``TINY``.

    January: customers 0 and 1 order for the first time (100 + 30 from 0, 50 from 1), one
    exclusion: refund rate 1 / (3 + 1). February: 0 and 1 return (40 + 20), 2 is new (60).
    """
    assert aggregate(TINY, "month") == [
        actuals("2027-01", "2027-01-01", "2027-01-31", (3, 180.0, 2, 2, 1), (180, 0), 60, 0.25, 3),
        actuals("2027-02", "2027-02-01", "2027-02-28", (3, 120.0, 3, 1, 1), (60, 60), 40, 0.25, 1),
    ]


def test_tiny_log_per_week_matches_the_hand_worked_table() -> None:
    """Oracle: worked by hand; ISO weeks from Monday 2027-01-04 to Monday 2027-02-08.

    Customer 0 is new in the week of 01-04 and returning on 01-20 (a later week of the same
    month): new is counted per period of the first order, not per month.
    """
    assert aggregate(TINY, "week") == [
        actuals(
            "2027-01-04", "2027-01-04", "2027-01-10", (2, 150.0, 2, 2, 1), (150, 0), 75, 1 / 3, 2
        ),
        actuals("2027-01-11", "2027-01-11", "2027-01-17", (0, 0.0, 0, 0, 0), (0, 0), None, None, 0),
        actuals("2027-01-18", "2027-01-18", "2027-01-24", (1, 30.0, 1, 0, 0), (0, 30), 30, 0.0, 0),
        actuals("2027-01-25", "2027-01-25", "2027-01-31", (0, 0.0, 0, 0, 0), (0, 0), None, None, 0),
        actuals(
            "2027-02-01", "2027-02-01", "2027-02-07", (2, 100.0, 2, 1, 0), (60, 40), 50, 0.0, 1
        ),
        actuals("2027-02-08", "2027-02-08", "2027-02-14", (1, 20.0, 1, 0, 1), (0, 20), 20, 0.5, 0),
    ]


def generated_log(seed: int) -> OrderLog:
    rng = np.random.default_rng(seed)
    orders, start = 20_000, day("2026-11-15")
    return OrderLog(
        days=rng.integers(start, start + 200, orders),
        customers=rng.integers(0, 3_000, orders),
        amounts=rng.gamma(2.0, 30.0, orders).round(2),
        excluded_days=rng.integers(start, start + 200, orders // 25),
    )


PANDAS_FREQ = {"day": "D", "week": "W-SUN", "month": "M", "quarter": "Q"}


def pandas_periods(days: np.ndarray, freq: Frequency) -> pd.PeriodIndex:
    return pd.PeriodIndex(pd.to_datetime(days, unit="D"), freq=PANDAS_FREQ[freq])


def pandas_name(period: pd.Period, freq: Frequency) -> str:
    if freq in ("day", "week"):
        return period.start_time.date().isoformat()
    return str(period).replace("Q", "-Q")


def pandas_oracle(log: OrderLog, freq: Frequency) -> pd.DataFrame:
    frame = pd.DataFrame({"day": log.days, "customer": log.customers, "amount": log.amounts})
    frame["period"] = pandas_periods(log.days, freq)
    first = frame.groupby("customer").day.min()
    frame["new"] = pandas_periods(frame.customer.map(first).to_numpy(), freq) == frame.period
    per_period = frame.groupby("period").agg(
        orders=("amount", "size"), revenue=("amount", "sum"), customers=("customer", "nunique")
    )
    new = (
        frame[frame.new]
        .groupby("period")
        .agg(
            new_customers=("customer", "nunique"),
            new_orders=("amount", "size"),
            new_customer_revenue=("amount", "sum"),
        )
    )
    excluded = pd.Series(pandas_periods(log.excluded_days, freq)).value_counts()
    everything = pd.period_range(
        per_period.index.min(), per_period.index.max(), freq=PANDAS_FREQ[freq]
    )
    table = per_period.join(new).reindex(everything).fillna(0)
    table["excluded_orders"] = excluded.reindex(everything).fillna(0)
    table["returning_customers"] = table.customers - table.new_customers
    table["returning_customer_revenue"] = table.revenue - table.new_customer_revenue
    table["average_order_value"] = table.revenue / table.orders
    table.index = [pandas_name(period, freq) for period in table.index]
    return table


@pytest.mark.parametrize("freq", FREQUENCIES)
def test_generated_log_matches_a_pandas_groupby(freq: Frequency) -> None:
    """Oracle: a pandas groupby on the same seeded log, periods from ``pd.Period``.

    New customers are those whose ``groupby("customer").day.min()`` falls in the period.
    """
    log = generated_log(seed=20270104)
    expected = pandas_oracle(log, freq)
    ours = pd.DataFrame([row.model_dump() for row in aggregate(log, freq)]).set_index("period")
    assert list(ours.index) == list(expected.index)
    for column in ["orders", "customers", "new_customers", "new_orders", "returning_customers"]:
        assert ours[column].tolist() == expected[column].astype(int).tolist(), column
    for column in [
        "revenue",
        "new_customer_revenue",
        "returning_customer_revenue",
        "average_order_value",
    ]:
        np.testing.assert_allclose(ours[column], expected[column], rtol=1e-9, err_msg=column)
    assert ours.excluded_orders.tolist() == expected.excluded_orders.astype(int).tolist()


@pytest.mark.parametrize(
    ("when", "freq", "period", "start", "end"),
    [
        pytest.param("2026-12-28", "week", "2026-12-28", "2026-12-28", "2027-01-03", id="week-mon"),
        pytest.param("2027-01-03", "week", "2026-12-28", "2026-12-28", "2027-01-03", id="week-sun"),
        pytest.param("2027-03-31", "quarter", "2027-Q1", "2027-01-01", "2027-03-31", id="q1-end"),
        pytest.param("2027-04-01", "quarter", "2027-Q2", "2027-04-01", "2027-06-30", id="q2-start"),
        pytest.param("2027-12-31", "quarter", "2027-Q4", "2027-10-01", "2027-12-31", id="q4-end"),
        pytest.param("2028-02-29", "day", "2028-02-29", "2028-02-29", "2028-02-29", id="leap-day"),
        pytest.param("2028-02-29", "month", "2028-02", "2028-02-01", "2028-02-29", id="leap-month"),
        pytest.param("2028-02-29", "week", "2028-02-28", "2028-02-28", "2028-03-05", id="leap-wk"),
        pytest.param("2028-02-29", "quarter", "2028-Q1", "2028-01-01", "2028-03-31", id="leap-q"),
        pytest.param("1969-12-31", "week", "1969-12-29", "1969-12-29", "1970-01-04", id="pre-1970"),
    ],
)
def test_period_names_and_edges(
    when: str, freq: Frequency, period: str, start: str, end: str
) -> None:
    """Oracle: the calendar (ISO weeks from Monday; quarters of three months)."""
    (only,) = aggregate(order_log([(when, 0, 10.0)]), freq)
    assert (only.period, only.start.isoformat(), only.end.isoformat()) == (period, start, end)


def test_a_week_crossing_the_new_year_is_one_period() -> None:
    """Oracle: 2026-12-31 (Thursday) and 2027-01-03 (Sunday) share the ISO week of 12-28."""
    log = order_log([("2026-12-31", 0, 10.0), ("2027-01-03", 1, 20.0)])
    (week,) = aggregate(log, "week")
    assert (week.period, week.orders, week.customers, week.revenue) == ("2026-12-28", 2, 2, 30.0)


def test_empty_periods_inside_the_range_are_listed_with_zeros_and_no_nan() -> None:
    """Oracle: by hand; orders in January and April leave February and March empty."""
    log = order_log([("2027-01-15", 0, 10.0), ("2027-04-15", 0, 30.0)])
    months = aggregate(log, "month")
    assert [month.period for month in months] == ["2027-01", "2027-02", "2027-03", "2027-04"]
    assert [month.orders for month in months] == [1, 0, 0, 1]
    assert [month.returning_customers for month in months] == [0, 0, 0, 1]
    for month in months[1:3]:
        assert (month.revenue, month.customers, month.excluded_orders) == (0.0, 0, 0)
        assert (month.average_order_value, month.refund_rate) == (None, None)
    for freq in FREQUENCIES:
        for row in aggregate(log, freq):
            numbers = [value for value in row.model_dump().values() if isinstance(value, float)]
            assert not any(math.isnan(value) for value in numbers)


def test_an_empty_log_has_no_periods() -> None:
    """Oracle: nothing happened, so there is nothing to list."""
    assert aggregate(order_log([]), "month") == []


def test_a_log_of_only_excluded_orders_has_periods_with_a_full_refund_rate() -> None:
    """Oracle: by hand; two exclusions in January, one in March, no kept orders."""
    months = aggregate(order_log([], excluded=["2027-01-02", "2027-01-30", "2027-03-01"]), "month")
    assert [(month.period, month.excluded_orders) for month in months] == [
        ("2027-01", 2),
        ("2027-02", 0),
        ("2027-03", 1),
    ]
    assert [month.refund_rate for month in months] == [1.0, None, 1.0]
    assert all(month.orders == 0 and month.average_order_value is None for month in months)


def test_a_negative_customer_code_is_refused_with_the_code() -> None:
    """Oracle: ``OrderLog`` codes customers from 0; the message names the bad code."""
    with pytest.raises(ValueError, match="found -1"):
        aggregate(order_log([("2027-01-01", -1, 10.0)]), "month")


@pytest.mark.parametrize("freq", FREQUENCIES)
def test_distinct_customers_are_counted_alike_by_table_and_by_sort(
    freq: Frequency, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Oracle: pandas ``nunique`` per period, with the table of cells made too small to use.

    Small logs are counted in a table of (period, customer) cells; the sort that counts the
    large ones must give the same counts, checked here on the same log both ways.
    """
    from planner.actuals import kpis

    log = generated_log(seed=20270105)
    expected = pandas_oracle(log, freq)
    by_table = [(row.customers, row.new_customers) for row in aggregate(log, freq)]
    monkeypatch.setattr(kpis, "_TABLE_CELLS", 0)
    by_sort = [(row.customers, row.new_customers) for row in aggregate(log, freq)]
    assert by_table == by_sort
    assert [customers for customers, _new in by_sort] == expected.customers.astype(int).tolist()


def test_customer_codes_with_gaps_count_as_the_same_codes_made_dense() -> None:
    """Oracle: the same log with its codes renumbered 0, 1, 2 (``aggregate`` of that)."""
    sparse = order_log([("2027-01-04", 7, 10.0), ("2027-02-01", 7, 5.0), ("2027-02-02", 900, 1.0)])
    dense = order_log([("2027-01-04", 0, 10.0), ("2027-02-01", 0, 5.0), ("2027-02-02", 1, 1.0)])
    for freq in FREQUENCIES:
        assert aggregate(sparse, freq) == aggregate(dense, freq)
