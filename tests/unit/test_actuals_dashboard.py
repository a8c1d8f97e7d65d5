"""The KPI dashboard (``planner.actuals.dashboard`` and the modules it reads through)."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.actuals.breakdowns import BreakdownRow
from planner.actuals.dashboard import GROWTH_KPIS, Dashboard, KpiPeriod, dashboard
from planner.actuals.dashboard_checks import MAX_PERIODS
from planner.actuals.funnel import FunnelActuals, Measure
from planner.actuals.funnel_stages import find_cart_stages, ordered_stages
from planner.actuals.kpis import Frequency
from planner.actuals.log_windows import customer_history, data_span, log_windows
from planner.actuals.orders import OrderLog
from planner.errors import PlanInvalid

EPOCH = date(1970, 1, 1)


def day(iso: str) -> int:
    return (date.fromisoformat(iso) - EPOCH).days


def d(iso: str) -> date:
    return date.fromisoformat(iso)


def order_log(
    orders: list[tuple[str, int, float]],
    excluded: list[str] | None = None,
    channels: list[int] | None = None,
    channel_names: tuple[str, ...] = (),
) -> OrderLog:
    return OrderLog(
        days=np.array([day(when) for when, _, _ in orders], dtype=np.int64),
        customers=np.array([who for _, who, _ in orders], dtype=np.int64),
        amounts=np.array([amount for _, _, amount in orders], dtype=np.float64),
        excluded_days=np.array([day(when) for when in excluded or []], dtype=np.int64),
        channels=None if channels is None else np.array(channels, dtype=np.int64),
        channel_names=channel_names,
    )


def funnel_rows(
    rows: list[tuple[str, int, dict[str, float]]],
    measures: dict[Measure, list[float]] | None = None,
) -> FunnelActuals:
    names = list(rows[0][2])
    return FunnelActuals(
        starts=np.array([day(when) for when, _, _ in rows], dtype=np.int64),
        spans=np.array([span for _, span, _ in rows], dtype=np.int64),
        stages={name: np.array([counts[name] for *_, counts in rows]) for name in names},
        measures={
            name: np.array(values, dtype=np.float64) for name, values in (measures or {}).items()
        },
    )


def has_no_nan_or_inf(board: Dashboard) -> bool:
    text = board.model_dump_json()
    return "NaN" not in text and "Infinity" not in text


# Customer 0 orders in January and February; 1 likewise; 2 only in February.
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


# --- Hand-worked cases --------------------------------------------------------------------------


def test_tiny_log_per_month_matches_the_hand_worked_table() -> None:
    """Oracle: worked by hand from the six orders and two exclusions of ``TINY`` (N = 30).

    January: 0 and 1 are new (180 in 3 orders), 1 exclusion of 4 → refund 0.25; by 31 Jan,
    customer 0 has ordered twice of 2 customers → repeat share 0.5; nobody lapsed in the 30
    days to 31 Jan, and nobody was first seen by 1 Jan → churn rate unknown. February: 0 and 1
    return (60), 2 is new (60); repeat rate 2/3; by 28 Feb 0 and 1 ordered twice of 3; the 30
    days to 28 Feb hold an order of all three; 0 and 1 first ordered by 29 Jan → churn 0 of 2.
    """
    board = dashboard(
        orders=TINY, start=d("2027-01-01"), end=d("2027-02-28"), freq="month", churn_days=30
    )

    january, february = board.rows
    assert (january.period, january.start, january.end, january.partial) == (
        "2027-01",
        d("2027-01-01"),
        d("2027-01-31"),
        False,
    )
    assert (january.revenue, january.orders, january.customers) == (180, 3, 2)
    assert (january.new_customers, january.returning_customers) == (2, 0)
    assert (january.new_customer_revenue, january.returning_customer_revenue) == (180, 0)
    assert january.average_order_value == 60
    assert january.refund_rate == 0.25
    assert january.repeat_purchase_rate == 0
    assert january.repeat_customer_share == 0.5
    assert (january.churned_customers, january.churn_rate) == (0, None)
    assert (february.revenue, february.orders, february.customers) == (120, 3, 3)
    assert (february.new_customers, february.returning_customers) == (1, 2)
    assert (february.new_customer_revenue, february.returning_customer_revenue) == (60, 60)
    assert february.repeat_purchase_rate == pytest.approx(2 / 3)
    assert february.repeat_customer_share == pytest.approx(2 / 3)
    assert (february.churned_customers, february.churn_rate) == (0, 0)
    assert february.revenue_per_customer == 40
    assert (february.spend, february.cac, february.cac_above_revenue_per_customer) == (
        None,
        None,
        None,
    )
    assert board.totals is not None
    assert (board.totals.customers, board.totals.revenue, board.totals.new_customers) == (3, 300, 3)
    assert board.totals.period == "2027-01-01/2027-02-28"


def test_churn_counts_customers_silent_for_the_last_n_days() -> None:
    """Oracle: worked by hand.

    N = 10, at 31 Jan: customer 0 last ordered 4 Jan (lapsed), 1 on 25 Jan
    (active), 2 first ordered 28 Jan (too new to lapse). Churned 1; at risk: first order on or
    before 21 Jan → 0 and 1 → churn rate 1/2.
    """
    log = order_log(
        [
            ("2027-01-04", 0, 10.0),
            ("2027-01-02", 1, 10.0),
            ("2027-01-25", 1, 10.0),
            ("2027-01-28", 2, 10.0),
        ]
    )

    row = dashboard(
        orders=log, start=d("2027-01-01"), end=d("2027-01-31"), freq="month", churn_days=10
    ).rows[0]

    assert (row.churned_customers, row.churn_rate) == (1, 0.5)


def test_churn_with_n_of_one_day_is_everyone_not_ordering_that_day() -> None:
    """Oracle: worked by hand.

    N = 1, daily rows. 1 Jan: both order, none churned, nobody seen
    before → rate unknown. 2 Jan: nobody orders → both churned, of the 2 seen by 1 Jan.
    3 Jan: 0 orders, 1 doesn't → 1 churned of 2.
    """
    log = order_log([("2027-01-01", 0, 5.0), ("2027-01-01", 1, 5.0), ("2027-01-03", 0, 5.0)])

    rows = dashboard(
        orders=log, start=d("2027-01-01"), end=d("2027-01-03"), freq="day", churn_days=1
    ).rows

    assert [row.churned_customers for row in rows] == [0, 2, 1]
    assert [row.churn_rate for row in rows] == [None, 1.0, 0.5]


def test_growth_against_the_previous_period_and_last_year_by_hand() -> None:
    """Oracle: worked by hand.

    Feb 2027 (90) against Jan 2027 (30): +200%; against Feb 2026 (20):
    +350%. Jan 2027 against Dec 2026 (0): no change; against Jan 2026 (10): +200%. The totals
    (120 over 59 days) against the 59 days before (0) and Jan–Feb 2026 (30): +300%.
    """
    log = order_log(
        [
            ("2026-01-01", 0, 10.0),
            ("2026-02-15", 1, 20.0),
            ("2027-01-10", 0, 30.0),
            ("2027-02-01", 2, 50.0),
            ("2027-02-28", 1, 40.0),
        ]
    )

    board = dashboard(orders=log, start=d("2027-01-01"), end=d("2027-02-28"), freq="month")

    january, february = board.rows
    assert february.changes["revenue"].previous == 30
    assert february.changes["revenue"].previous_change == pytest.approx(2.0)
    assert february.changes["revenue"].last_year == 20
    assert february.changes["revenue"].last_year_change == pytest.approx(3.5)
    assert january.changes["revenue"].previous == 0
    assert january.changes["revenue"].previous_change is None
    assert january.changes["revenue"].last_year_change == pytest.approx(2.0)
    assert february.changes["customers"].last_year_change == pytest.approx(1.0)  # 2 against 1
    assert board.totals is not None
    assert board.totals.changes["revenue"].previous_change is None
    assert board.totals.changes["revenue"].last_year_change == pytest.approx(3.0)
    assert (board.totals.customers, board.totals.new_customers) == (3, 1)


def test_growth_is_none_when_the_earlier_window_is_outside_the_data() -> None:
    """Oracle: worked by hand.

    The log starts on 4 Jan 2027, so January (from the 1st) reaches
    outside it, and every comparison of February with January is unknown, not +∞ or -100%.
    """
    board = dashboard(orders=TINY, start=d("2027-01-01"), end=d("2027-02-10"), freq="month")

    february = board.rows[1]
    assert february.partial
    assert february.changes["revenue"].previous is None
    assert february.changes["revenue"].previous_change is None


def test_a_partial_row_compares_with_the_same_days_of_the_previous_period() -> None:
    """Oracle: worked by hand.

    Row 1–15 March compares with 1–15 February, not all of February:
    March 1–15 has 30, February 1–15 has 10 (the 20 on 20 Feb is outside): +200%.
    """
    log = order_log(
        [
            ("2027-01-01", 0, 1.0),
            ("2027-02-03", 0, 10.0),
            ("2027-02-20", 0, 20.0),
            ("2027-03-05", 0, 30.0),
            ("2027-03-31", 0, 1.0),
        ]
    )

    row = dashboard(orders=log, start=d("2027-03-01"), end=d("2027-03-15"), freq="month").rows[0]

    assert row.partial
    assert (row.start, row.end, row.revenue) == (d("2027-03-01"), d("2027-03-15"), 30)
    assert row.changes["revenue"].previous == 10
    assert row.changes["revenue"].previous_change == pytest.approx(2.0)


def test_a_day_compares_with_the_same_date_last_year_and_29_february_with_the_28th() -> None:
    """Oracle: worked by hand.

    29 Feb 2028 has no date a year before; the 28th of February stands in.
    """
    log = order_log(
        [
            ("2027-02-28", 0, 10.0),
            ("2028-02-29", 0, 15.0),
            ("2027-02-27", 1, 1.0),
            ("2028-03-01", 1, 1.0),
        ]
    )

    row = dashboard(orders=log, start=d("2028-02-29"), end=d("2028-02-29"), freq="day").rows[0]

    assert row.changes["revenue"].last_year == 10
    assert row.changes["revenue"].last_year_change == pytest.approx(0.5)


# --- Funnel stages -------------------------------------------------------------------------------


def test_stage_conversion_and_cart_abandonment_by_hand() -> None:
    """Oracle: worked by hand.

    One week row of 700 visits, 140 carts, 70 checkouts, 35 purchases per
    day-spread week: conversion 0.2, 0.5, 0.5; cart abandonment 1 − 35/140 = 0.75; checkout
    abandonment 1 − 35/70 = 0.5. Spend 700 ÷ 7 new customers in the log = CAC 100 > revenue
    per customer 20: flagged.
    """
    funnel = funnel_rows(
        [
            (
                "2027-01-04",
                7,
                {"Visits": 700, "Add to cart": 140, "Checkout": 70, "Purchase": 35},
            )
        ],
        {"spend": [700.0]},
    )
    log = order_log([("2027-01-05", who, 20.0) for who in range(7)])

    board = dashboard(
        orders=log,
        funnel=funnel,
        start=d("2027-01-04"),
        end=d("2027-01-10"),
        freq="week",
        stage_names=["Visits", "Add to cart", "Checkout", "Purchase"],
    )

    row = board.rows[0]
    assert [stage.count for stage in row.stages] == [700, 140, 70, 35]
    assert [stage.conversion for stage in row.stages] == [None, 0.2, 0.5, 0.5]
    assert [stage.from_stage for stage in row.stages] == [None, "Visits", "Add to cart", "Checkout"]
    assert (row.cart_abandonment, row.checkout_abandonment) == (0.75, 0.5)
    assert (board.cart_stage, board.checkout_stage, board.purchase_stage) == (
        "Add to cart",
        "Checkout",
        "Purchase",
    )
    assert board.purchases_from == "stage"
    assert (row.spend, row.cac, row.revenue_per_customer) == (700, 100, 20)
    assert row.cac_above_revenue_per_customer is True


def test_a_weekly_funnel_row_is_spread_over_its_days_for_monthly_rows() -> None:
    """Oracle: worked by hand.

    A week of 700 visits from Mon 29 Mar 2027 puts 300 in March (29–31)
    and 400 in April.
    """
    funnel = funnel_rows([("2027-03-29", 7, {"Visits": 700.0})])

    board = dashboard(
        orders=None, funnel=funnel, start=d("2027-03-01"), end=d("2027-04-30"), freq="month"
    )

    assert [row.stages[0].count for row in board.rows] == [300, 400]


def test_funnel_measures_stand_in_without_an_order_log() -> None:
    """Oracle: worked by hand.

    Revenue 1,000 in 10 orders → AOV 100; 4 new + 6 returning = 10
    customers → revenue per customer 100; spend 200 ÷ 4 new → CAC 50: not flagged.
    """
    funnel = funnel_rows(
        [("2027-01-04", 1, {"Visits": 100.0, "Purchase": 4.0})],
        {
            "revenue": [1000.0],
            "orders": [10.0],
            "spend": [200.0],
            "new_customers": [4.0],
            "returning_customers": [6.0],
        },
    )

    row = dashboard(
        orders=None, funnel=funnel, start=d("2027-01-04"), end=d("2027-01-04"), freq="day"
    ).rows[0]

    assert (row.revenue, row.orders, row.average_order_value) == (1000, 10, 100)
    assert (row.customers, row.new_customers, row.returning_customers) == (10, 4, 6)
    assert (row.cac, row.revenue_per_customer, row.cac_above_revenue_per_customer) == (
        50,
        100,
        False,
    )
    assert (row.churned_customers, row.refund_rate, row.cart_abandonment) == (None, None, None)


def test_without_new_customers_the_plans_last_stage_counts_them() -> None:
    """Oracle: worked by hand.

    The plan's last stage (``Purchase``: 5) is the new customers → CAC 20.
    """
    funnel = funnel_rows(
        [("2027-01-04", 1, {"Visits": 100.0, "Purchase": 5.0})], {"spend": [100.0]}
    )

    row = dashboard(
        orders=None,
        funnel=funnel,
        start=d("2027-01-04"),
        end=d("2027-01-04"),
        freq="day",
        stage_names=["Visits", "Purchase"],
    ).rows[0]

    assert (row.new_customers, row.cac) == (5, 20)


def test_cart_abandonment_uses_the_orders_when_the_funnel_has_no_purchase_stage() -> None:
    """Oracle: worked by hand.

    40 carts, 10 orders in the log → 1 − 10/40 = 0.75.
    """
    funnel = funnel_rows([("2027-01-04", 1, {"Visits": 400.0, "Basket": 40.0})])
    log = order_log([("2027-01-04", who, 5.0) for who in range(10)])

    board = dashboard(
        orders=log, funnel=funnel, start=d("2027-01-04"), end=d("2027-01-04"), freq="day"
    )

    assert board.purchases_from == "orders"
    assert board.rows[0].cart_abandonment == 0.75


def test_stages_named_by_the_caller_override_the_keywords() -> None:
    """Oracle: worked by hand.

    With ``Bag`` named the cart and ``Paid`` the purchase: 1 − 5/20.
    """
    funnel = funnel_rows([("2027-01-04", 1, {"Visits": 100.0, "Bag": 20.0, "Paid": 5.0})])

    board = dashboard(
        orders=None,
        funnel=funnel,
        start=d("2027-01-04"),
        end=d("2027-01-04"),
        freq="day",
        cart_stage="Bag",
        purchase_stage="Paid",
    )

    assert board.rows[0].cart_abandonment == 0.75


@pytest.mark.parametrize(
    ("stages", "expected"),
    [
        (
            ["Visits", "Add to cart", "Checkout", "Purchase"],
            ("Add to cart", "Checkout", "Purchase"),
        ),
        (["Sessions", "Basket", "Orders"], ("Basket", None, "Orders")),
        (["Visits", "Add-To-Cart", "Check-out"], ("Add-To-Cart", "Check-out", None)),
        (["زيارات", "أضاف إلى السلة", "الدفع", "شراء"], ("أضاف إلى السلة", "الدفع", "شراء")),
        (["زيارات", "السلة", "طلب مكتمل"], ("السلة", None, "طلب مكتمل")),
        (["Visits", "Signups"], (None, None, None)),
        (["Order page", "Cart", "Purchase"], ("Cart", None, "Purchase")),  # only after the cart
    ],
)
def test_cart_checkout_and_purchase_stages_are_found_by_keywords(
    stages: list[str], expected: tuple[str | None, ...]
) -> None:
    """Oracle: the keywords of the module's docstring, applied by hand."""
    found = find_cart_stages(stages)

    assert (found.cart, found.checkout, found.purchase) == expected


def test_stages_follow_the_plans_order_then_the_actuals_own() -> None:
    assert ordered_stages(["Purchase", "Extra", "Visits"], ["Visits", "Cart", "Purchase"]) == [
        "Visits",
        "Purchase",
        "Extra",
    ]


# --- Edge cases ---------------------------------------------------------------------------------


def test_a_range_outside_the_data_gives_no_rows_and_says_so() -> None:
    board = dashboard(orders=TINY, start=d("2030-01-01"), end=d("2030-12-31"), freq="month")

    assert board.no_data
    assert (board.rows, board.totals, board.channels) == ([], None, [])


def test_an_empty_log_gives_no_rows() -> None:
    empty = order_log([])

    board = dashboard(orders=empty, start=d("2027-01-01"), end=d("2027-01-31"), freq="week")

    assert board.no_data
    assert board.rows == []


def test_empty_periods_inside_the_range_are_zeros_and_none_never_nan() -> None:
    """Oracle: worked by hand.

    March has no order between January's and May's.
    """
    log = order_log([("2027-01-10", 0, 10.0), ("2027-05-10", 0, 10.0)])

    board = dashboard(orders=log, start=d("2027-01-01"), end=d("2027-05-31"), freq="month")

    march = board.rows[2]
    assert [row.period for row in board.rows] == [f"2027-0{month}" for month in range(1, 6)]
    assert (march.revenue, march.orders, march.customers, march.new_customers) == (0, 0, 0, 0)
    assert (march.average_order_value, march.refund_rate, march.repeat_purchase_rate) == (
        None,
        None,
        None,
    )
    assert march.changes["revenue"].previous_change is None
    assert has_no_nan_or_inf(board)


def test_a_log_of_only_excluded_orders_has_a_refund_rate_of_one() -> None:
    log = order_log([], excluded=["2027-01-05", "2027-01-06"])

    row = dashboard(orders=log, start=d("2027-01-04"), end=d("2027-01-10"), freq="week").rows[0]

    assert (row.orders, row.revenue, row.excluded_orders, row.refund_rate) == (0, 0, 2, 1.0)
    assert (row.average_order_value, row.customers, row.churn_rate) == (None, 0, None)


def test_one_customer_ordering_every_week() -> None:
    """Oracle: worked by hand.

    New in the first week only, returning after; never churned (N = 30).
    """
    log = order_log([(f"2027-01-{day_:02d}", 0, 10.0) for day_ in (4, 11, 18, 25)])

    board = dashboard(
        orders=log, start=d("2027-01-04"), end=d("2027-01-31"), freq="week", churn_days=30
    )

    assert [row.new_customers for row in board.rows] == [1, 0, 0, 0]
    assert [row.returning_customers for row in board.rows] == [0, 1, 1, 1]
    assert [row.repeat_customer_share for row in board.rows] == [0, 1, 1, 1]
    assert [row.churned_customers for row in board.rows] == [0, 0, 0, 0]
    assert board.totals is not None
    assert board.totals.customers == 1


# --- Bad input ----------------------------------------------------------------------------------


def problems(**arguments: Any) -> dict[str, str]:
    defaults: dict[str, Any] = {"orders": TINY, "start": d("2027-01-01"), "end": d("2027-02-28")}
    with pytest.raises(PlanInvalid) as raised:
        dashboard(**(defaults | arguments))
    return {problem.field: problem.code for problem in raised.value.problems}


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ({"orders": None}, {"orders": "orders_or_funnel_required"}),
        ({"end": d("2026-12-31")}, {"end": "rule"}),
        ({"start": "2027-01-01"}, {"start": "date_type"}),
        ({"freq": "year"}, {"freq": "literal_error"}),
        ({"churn_days": 0}, {"churn_days": "out_of_range"}),
        ({"churn_days": 2.5}, {"churn_days": "int_type"}),
        ({"churn_days": True}, {"churn_days": "int_type"}),
        ({"cart_stage": "Cart"}, {"cart_stage": "stages_need_funnel"}),
        (
            {"orders": order_log([("2027-01-04", -1, 5.0)])},
            {"orders.customers": "negative_code"},
        ),
        (
            {"orders": order_log([("2027-01-04", 0, math.nan)])},
            {"orders.amounts": "finite_number"},
        ),
        (
            {"start": d("2000-01-01"), "end": d("2027-01-01"), "freq": "day"},
            {"end": "too_many_periods"},
        ),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    arguments: dict[str, Any], expected: dict[str, str]
) -> None:
    assert problems(**arguments) == expected


def test_an_unknown_stage_is_refused_listing_the_known_ones() -> None:
    funnel = funnel_rows([("2027-01-04", 1, {"Visits": 1.0})])

    with pytest.raises(PlanInvalid) as raised:
        dashboard(
            orders=None,
            funnel=funnel,
            start=d("2027-01-04"),
            end=d("2027-01-04"),
            purchase_stage="Buy",
        )

    (problem,) = raised.value.problems
    assert (problem.field, problem.code, problem.context["stages"]) == (
        "purchase_stage",
        "stage_not_tracked",
        ("Visits",),
    )
    assert "'Buy' is not a stage" in problem.message


def test_a_funnel_value_that_is_not_finite_is_refused() -> None:
    funnel = funnel_rows([("2027-01-04", 1, {"Visits": math.inf})])

    with pytest.raises(PlanInvalid) as raised:
        dashboard(orders=None, funnel=funnel, start=d("2027-01-04"), end=d("2027-01-04"))

    assert raised.value.fields() == {"funnel.stages.Visits"}


def test_the_most_periods_are_accepted() -> None:
    """Oracle: ``MAX_PERIODS`` days from 1 Jan 2000 is the longest daily range accepted."""
    end = d("2000-01-01") + timedelta(days=MAX_PERIODS - 1)

    board = dashboard(orders=TINY, start=d("2000-01-01"), end=end, freq="day")

    assert board.no_data


def test_segments_break_down_like_channels() -> None:
    """Oracle: worked by hand.

    Segment 0 ("VIP") has customer 0's 130 and 40; segment 1 the rest.
    """
    log = OrderLog(
        days=TINY.days,
        customers=TINY.customers,
        amounts=TINY.amounts,
        excluded_days=TINY.excluded_days,
        segments=np.array([0, 1, 0, 0, 1, 1]),
        segment_names=("VIP", "Regular"),
    )

    board = dashboard(orders=log, start=d("2027-01-01"), end=d("2027-02-28"), freq="month")

    vip, regular = board.segments
    assert (vip.name, vip.orders, vip.revenue, vip.customers, vip.new_customers) == (
        "VIP",
        3,
        170,
        1,
        1,
    )
    assert (regular.orders, regular.revenue, regular.customers, regular.new_customers) == (
        3,
        130,
        2,
        2,
    )
    assert (vip.revenue_share, regular.average_order_value) == (pytest.approx(170 / 300), 130 / 3)
    assert [(row.period, row.name, row.orders) for row in board.segments_by_period] == [
        ("2027-01", "VIP", 2),
        ("2027-01", "Regular", 1),
        ("2027-02", "VIP", 1),
        ("2027-02", "Regular", 2),
    ]
    assert board.channels == []


# --- Against an independent pandas computation ---------------------------------------------------


def generated_log(seed: int, orders: int = 1_500, customers: int = 120) -> OrderLog:
    """Orders over 2025-07-01 .. 2027-06-30, three channels, some exclusions."""
    rng = np.random.default_rng(seed)
    first, span = day("2025-07-01"), 730
    return OrderLog(
        days=rng.integers(first, first + span, orders),
        customers=rng.integers(0, customers, orders),
        amounts=np.round(rng.gamma(2.0, 40.0, orders), 2),
        excluded_days=rng.integers(first, first + span, orders // 20),
        channels=rng.integers(0, 3, orders),
        channel_names=("web", "app", "store"),
    )


def frame(log: OrderLog) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "day": pd.to_datetime(np.asarray(log.days), unit="D"),
            "customer": np.asarray(log.customers),
            "amount": np.asarray(log.amounts),
            "channel": np.asarray(log.channels) if log.channels is not None else 0,
        }
    )


class Oracle:
    """The dashboard's KPIs of a window, worked with pandas and loops over customers."""

    def __init__(self, log: OrderLog, churn_days: int) -> None:
        self.orders = frame(log)
        self.excluded = pd.to_datetime(np.asarray(log.excluded_days), unit="D")
        self.first = self.orders.groupby("customer")["day"].min()
        self.churn_days = churn_days
        every_day = pd.DatetimeIndex(self.orders["day"]).append(self.excluded)
        self.low, self.high = every_day.min(), every_day.max()

    def window(self, first: pd.Timestamp, last: pd.Timestamp) -> dict[str, float]:
        """The KPIs of the days ``first..last``."""
        orders = self.orders
        inside = orders[(orders["day"] >= first) & (orders["day"] <= last)]
        new = inside[inside["customer"].map(self.first) >= first]
        excluded = int(((self.excluded >= first) & (self.excluded <= last)).sum())
        customers = inside["customer"].nunique()
        return {
            "revenue": inside["amount"].sum(),
            "orders": len(inside),
            "customers": customers,
            "new_customers": new["customer"].nunique(),
            "returning_customers": customers - new["customer"].nunique(),
            "new_customer_revenue": new["amount"].sum(),
            "returning_customer_revenue": inside["amount"].sum() - new["amount"].sum(),
            "excluded_orders": excluded,
            **self.as_of(last),
        }

    def as_of(self, last: pd.Timestamp) -> dict[str, float]:
        """Churn by a loop over the customers; the repeat share by counting orders."""
        before = self.orders[self.orders["day"] <= last]
        churned = at_risk = 0
        cutoff = last - pd.Timedelta(days=self.churn_days)
        for _customer, days in before.groupby("customer")["day"]:
            churned += int(days.max() <= cutoff)
            at_risk += int(days.min() <= cutoff)
        counts = before.groupby("customer").size()
        return {
            "churned_customers": churned,
            "at_risk": at_risk,
            "repeat_share": (counts >= 2).sum() / len(counts) if len(counts) else math.nan,
        }

    def inside(self, first: pd.Timestamp, last: pd.Timestamp) -> bool:
        """Whether the window lies within the log's first to last day."""
        return bool(self.low <= first and last <= self.high)


def earlier(period: pd.Period, freq: Frequency, back: int) -> pd.Period:
    lag = {"week": 52, "month": 12, "quarter": 4}[freq] if back == 12 else 1
    return period - lag


PANDAS_FREQ = {"week": "W-SUN", "month": "M", "quarter": "Q"}


def assert_window(row: KpiPeriod, expected: dict[str, float]) -> None:
    for name in (
        "revenue",
        "orders",
        "customers",
        "new_customers",
        "returning_customers",
        "new_customer_revenue",
        "returning_customer_revenue",
        "excluded_orders",
        "churned_customers",
    ):
        assert getattr(row, name) == pytest.approx(expected[name], abs=1e-6), name
    expected_rate = (
        expected["churned_customers"] / expected["at_risk"] if expected["at_risk"] else None
    )
    assert row.churn_rate == pytest.approx(expected_rate)
    assert row.repeat_customer_share == pytest.approx(expected["repeat_share"], nan_ok=True)


@pytest.mark.parametrize(
    ("freq", "start", "end", "churn_days"),
    [
        ("month", "2026-07-01", "2027-03-31", 90),  # crosses the new year
        ("week", "2026-11-30", "2027-02-07", 30),  # ISO weeks across the new year
        ("quarter", "2026-07-01", "2027-06-30", 1),
    ],
)
def test_rows_and_growth_match_pandas(
    freq: Frequency, start: str, end: str, churn_days: int
) -> None:
    """Oracle: pandas and a loop over customers.

    Sums and ``nunique`` per window, ``Period`` arithmetic for the period before and a
    year before, a loop over customers for churn; on a generated log.
    """
    log = generated_log(seed=3)
    oracle = Oracle(log, churn_days)

    board = dashboard(orders=log, start=d(start), end=d(end), freq=freq, churn_days=churn_days)

    periods = pd.period_range(start, end, freq=PANDAS_FREQ[freq])
    assert [row.start for row in board.rows] == [period.start_time.date() for period in periods]
    for row, period in zip(board.rows, periods, strict=True):
        now = oracle.window(period.start_time.normalize(), period.end_time.normalize())
        assert_window(row, now)
        for back, (value, change) in {
            1: ("previous", "previous_change"),
            12: ("last_year", "last_year_change"),
        }.items():
            before_period = earlier(period, freq, back)
            first, last = before_period.start_time.normalize(), before_period.end_time.normalize()
            before = oracle.window(first, last)
            comparable = oracle.inside(first, last) and oracle.inside(
                period.start_time.normalize(), period.end_time.normalize()
            )
            for name in ("revenue", "orders", "customers", "new_customers"):
                growth = getattr(row.changes[name], change)
                shown = getattr(row.changes[name], value)
                if not comparable:
                    assert (shown, growth) == (None, None)
                    continue
                assert shown == pytest.approx(before[name])
                expected = (now[name] - before[name]) / before[name] if before[name] else None
                assert growth == pytest.approx(expected), (row.period, name, back)


def test_totals_count_distinct_customers_over_the_range_against_pandas() -> None:
    """Oracle: pandas ``nunique`` over the whole range, and the rows' sums for the sums."""
    log = generated_log(seed=5)
    oracle = Oracle(log, 90)

    board = dashboard(orders=log, start=d("2026-01-01"), end=d("2026-12-31"), freq="month")

    assert board.totals is not None
    assert_window(
        board.totals, oracle.window(pd.Timestamp("2026-01-01"), pd.Timestamp("2026-12-31"))
    )
    assert (board.totals.customers or 0) < sum(row.customers or 0 for row in board.rows)
    assert board.totals.revenue == pytest.approx(sum(row.revenue or 0 for row in board.rows))
    last_year = oracle.window(pd.Timestamp("2025-01-01"), pd.Timestamp("2025-12-31"))
    assert last_year["orders"] > 0  # the log starts mid-2025: last year is outside the data
    assert board.totals.changes["orders"].last_year_change is None


def test_day_rows_match_pandas_over_a_short_range() -> None:
    """Oracle: pandas per day, and the same date a year before by ``DateOffset(years=1)``."""
    log = generated_log(seed=8, orders=4_000)
    oracle = Oracle(log, 7)

    board = dashboard(
        orders=log, start=d("2026-12-25"), end=d("2027-01-06"), freq="day", churn_days=7
    )

    for row in board.rows:
        when = pd.Timestamp(row.start)
        assert_window(row, oracle.window(when, when))
        year_ago = when - pd.DateOffset(years=1)
        before = oracle.window(year_ago, year_ago)["revenue"]
        assert row.changes["revenue"].last_year == pytest.approx(before)


def test_channels_match_pandas() -> None:
    """Oracle: pandas ``groupby`` on the channel.

    New customers by the channel of each customer's first order (a stable sort by day
    keeps the first listed on a tie).
    """
    log = generated_log(seed=11)
    orders = frame(log)

    board = dashboard(orders=log, start=d("2026-04-01"), end=d("2026-09-30"), freq="quarter")

    inside = orders[(orders["day"] >= "2026-04-01") & (orders["day"] <= "2026-09-30")]
    firsts = orders.sort_values("day", kind="stable").groupby("customer").head(1)
    acquired = firsts[(firsts["day"] >= "2026-04-01") & (firsts["day"] <= "2026-09-30")]
    grouped = inside.groupby("channel")
    total = inside["amount"].sum()
    expected = [
        BreakdownRow(
            code=code,
            name=name,
            orders=len(grouped.get_group(code)),
            revenue=grouped.get_group(code)["amount"].sum(),
            customers=grouped.get_group(code)["customer"].nunique(),
            new_customers=int((acquired["channel"] == code).sum()),
            average_order_value=grouped.get_group(code)["amount"].mean(),
            revenue_share=grouped.get_group(code)["amount"].sum() / total,
        )
        for code, name in enumerate(("web", "app", "store"))
    ]
    for got, want in zip(board.channels, expected, strict=True):
        assert got.model_dump() == pytest.approx(want.model_dump())
    assert sum(row.new_customers for row in board.channels) == board.totals.new_customers  # type: ignore[union-attr]
    by_period = pd.DataFrame([row.model_dump() for row in board.channels_by_period])
    assert by_period.groupby("code")["orders"].sum().tolist() == [row.orders for row in expected]
    third = inside[inside["day"] >= "2026-07-01"]
    q3_customers = third.groupby("channel")["customer"].nunique().tolist()
    assert by_period[by_period["period"] == "2026-Q3"]["customers"].tolist() == q3_customers
    assert board.segments == []


# --- Properties ---------------------------------------------------------------------------------


orders_strategy = st.lists(
    st.tuples(st.integers(0, 120), st.integers(0, 8), st.floats(0, 500, allow_nan=False)),
    max_size=60,
)


@settings(max_examples=60, deadline=None)
@given(
    orders=orders_strategy,
    windows=st.lists(st.tuples(st.integers(-10, 130), st.integers(0, 60)), min_size=1, max_size=8),
    churn_days=st.integers(1, 50),
)
def test_window_counts_match_a_brute_force_count(
    orders: list[tuple[int, int, float]],
    windows: list[tuple[int, int]],
    churn_days: int,
) -> None:
    """Oracle: sets of customers per window, counted by brute force in Python."""
    base = day("2027-01-01")
    log = OrderLog(
        days=np.array([base + when for when, _, _ in orders], dtype=np.int64),
        customers=np.array([who for _, who, _ in orders], dtype=np.int64),
        amounts=np.array([amount for *_, amount in orders], dtype=np.float64),
        excluded_days=np.zeros(0, dtype=np.int64),
    )
    starts = np.array([base + first for first, _ in windows], dtype=np.int64)
    ends = starts + np.array([length for _, length in windows], dtype=np.int64)
    span = data_span(log) or (base, base)
    history = customer_history(log, span[0], max(span[1], int(ends.max())))

    totals = log_windows(log, history, starts, ends, churn_days)

    first_seen: dict[int, int] = {}
    for when, who, _ in orders:
        first_seen[who] = min(first_seen.get(who, when), when)
    for index, (first, length) in enumerate(windows):
        last = first + length
        active = {who for when, who, _ in orders if first <= when <= last}
        recent = {who for when, who, _ in orders if last - churn_days < when <= last}
        seen = {who for who, when in first_seen.items() if when <= last}
        assert totals.customers[index] == len(active)
        assert totals.new_customers[index] == len(
            {who for who in active if first_seen[who] >= first}
        )
        assert totals.churned[index] == len(seen - recent)


@settings(max_examples=40, deadline=None)
@given(orders=orders_strategy, freq=st.sampled_from(["day", "week", "month"]))
def test_rows_add_up_to_the_totals_and_nothing_is_nan(
    orders: list[tuple[int, int, float]], freq: Frequency
) -> None:
    """Invariants of every dashboard.

    The rows' sums are the totals' sums; new + returning = customers; shares and rates lie
    in [0, 1]; the channels' new customers add up to the totals'.
    """
    base = day("2027-01-01")
    log = OrderLog(
        days=np.array([base + when for when, _, _ in orders], dtype=np.int64),
        customers=np.array([who for _, who, _ in orders], dtype=np.int64),
        amounts=np.array([amount for *_, amount in orders], dtype=np.float64),
        excluded_days=np.array([base + 3], dtype=np.int64),
        channels=np.array([who % 2 for _, who, _ in orders], dtype=np.int64),
    )

    board = dashboard(orders=log, start=d("2027-01-01"), end=d("2027-04-30"), freq=freq)

    assert has_no_nan_or_inf(board)
    assert board.totals is not None
    assert board.totals.revenue == pytest.approx(sum(row.revenue or 0 for row in board.rows))
    assert board.totals.orders == sum(row.orders or 0 for row in board.rows)
    assert board.totals.new_customers == sum(row.new_customers or 0 for row in board.rows)
    for row in [*board.rows, board.totals]:
        assert row.new_customers + row.returning_customers == row.customers  # type: ignore[operator]
        for rate in (row.repeat_purchase_rate, row.repeat_customer_share, row.churn_rate):
            assert rate is None or 0 <= rate <= 1
    assert sum(row.new_customers for row in board.channels) == board.totals.new_customers
    assert {row.name for row in board.channels} <= {"#0", "#1"}


def test_rows_cover_the_range_day_by_day() -> None:
    """Invariant: consecutive rows, first from the range's start, last to its end."""
    board = dashboard(orders=TINY, start=d("2027-01-03"), end=d("2027-02-17"), freq="week")

    assert board.rows[0].start == d("2027-01-03")
    assert board.rows[-1].end == d("2027-02-17")
    for before, after in zip(board.rows, board.rows[1:], strict=False):
        assert after.start == before.end + timedelta(days=1)
    assert [row.partial for row in board.rows][:2] == [True, False]
    assert set(board.rows[0].changes) == set(GROWTH_KPIS)
