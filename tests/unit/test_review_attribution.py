"""LMDI-I attribution of the revenue gap: a case worked by hand, then the review's drivers.

Each review case checks the parts add up to the gap (oracle: the gap itself, actual − planned
revenue to date) and names the drivers the actuals allow.
"""

from __future__ import annotations

import math
from datetime import date

import pytest

from planner.review import Attribution, lmdi, review
from planner.review.attribution import largest_first, log_mean
from planner.review.review import Review
from tests.unit.test_review import actuals, funnel_days, tiny_plan

AS_OF = date(2027, 1, 10)  # 10 days: planned 2,000 visitors, 200 carts, 100 customers, 10,000


def parts(result: Review) -> dict[str, float]:
    return {part.driver: part.amount for part in result.attribution}


def assert_adds_up(result: Review) -> None:
    total = math.fsum(part.amount for part in result.attribution)
    assert total == pytest.approx(result.revenue_gap, rel=1e-9, abs=1e-9)
    assert all(math.isfinite(part.amount) for part in result.attribution)


def test_two_factors_by_hand() -> None:
    """R = x × y, x 10 → 12, y 5 → 4.5: R 50 → 54.

    L(54, 50) = 4 ÷ ln 1.08 = 51.97435; x: L × ln 1.2 = 9.47604; y: L × ln 0.9 = −5.47604;
    together 4.
    """
    x, y = lmdi([("x", 10, 12), ("y", 5, 4.5)])
    assert (x.driver, x.amount) == ("x", pytest.approx(9.476044195995993))
    assert y.amount == pytest.approx(-5.476044195995997)


def test_log_mean() -> None:
    """L(a, a) = a; L(2, 1) = 1 ÷ ln 2; L(e, 1) = e − 1."""
    assert log_mean(3.0, 3.0) == pytest.approx(3.0)
    assert log_mean(2.0, 1.0) == pytest.approx(1 / math.log(2))
    assert log_mean(math.e, 1.0) == pytest.approx(math.e - 1)


def test_traffic_short_rates_on_plan() -> None:
    """Visitors 10% short, rates and AOV on plan: the whole gap (−1,000) is traffic's."""
    data = funnel_days(10, visitors=180, carts=18, customers=9, revenue=900)
    result = review(tiny_plan(), data, AS_OF, trials=100)
    amounts = parts(result)
    assert list(amounts) == ["traffic", "Carts", "Customers", "average_order_value"]
    assert amounts["traffic"] == pytest.approx(-1000)
    assert amounts["Carts"] == pytest.approx(0, abs=1e-9)
    assert_adds_up(result)


def test_every_driver_moves() -> None:
    """190 visitors, 19 carts (0.1), 8 customers (0.421), revenue 880 a day (AOV 110)."""
    data = funnel_days(10, visitors=190, carts=19, customers=8, revenue=880)
    result = review(tiny_plan(), data, AS_OF, trials=100)
    amounts = parts(result)
    assert amounts["traffic"] < 0
    assert amounts["Customers"] < 0
    assert amounts["average_order_value"] > 0
    assert_adds_up(result)


def test_missing_middle_stage_merges_its_conversion() -> None:
    """No Carts: Visitors → Customers is one factor, named by the lower stage."""
    data = actuals(10, stages={"Visitors": 200, "Customers": 8}, revenue=800)
    result = review(tiny_plan(), data, AS_OF, trials=100)
    assert list(parts(result)) == ["traffic", "Customers", "average_order_value"]
    assert parts(result)["Customers"] == pytest.approx(-2000)
    assert_adds_up(result)


def test_missing_first_stage_names_the_top_known_count() -> None:
    data = actuals(10, stages={"Carts": 20, "Customers": 10}, revenue=900)
    result = review(tiny_plan(), data, AS_OF, trials=100)
    assert list(parts(result)) == ["Carts", "Customers", "average_order_value"]
    assert parts(result)["average_order_value"] == pytest.approx(-1000)
    assert_adds_up(result)


def test_an_order_log_splits_new_and_returning() -> None:
    """Order-log actuals: new customers only, new orders, new and returning revenue.

    10 new customers × 1.2 orders × 80 = 960 new and 200 returning a day against a plan of
    1,000 new a day: the returning part is 2,000 added as is.
    """
    data = actuals(
        10, new_customers=10, new_orders=12, new_customer_revenue=960, returning_revenue=200
    )
    result = review(tiny_plan(), data, AS_OF, trials=100)
    amounts = parts(result)
    assert list(amounts) == [
        "Customers", "orders_per_customer", "average_order_value", "returning_customers",
    ]  # fmt: skip
    assert amounts["Customers"] == pytest.approx(0, abs=1e-9)
    assert amounts["returning_customers"] == pytest.approx(2000)
    assert_adds_up(result)


def test_unsplit_revenue_is_order_value_on_both_sides() -> None:
    """Unsplit revenue: order value is total revenue per new order, on both sides.

    The plan has 10,000 returning revenue; the actuals give only total revenue, so the order
    value factor is total revenue per new order on both sides and the parts still add up.
    """
    plan = tiny_plan(returning_customers={"active_customers": 100, "repeat_purchase_rate": 1.0})
    data = funnel_days(10, new_orders=10, revenue=1000)
    result = review(plan, data, AS_OF, trials=100)
    assert "returning_customers" not in parts(result)
    assert_adds_up(result)


def test_a_stage_that_counted_nobody() -> None:
    """No carts and no customers: zeros become δ (Ang & Liu 2007); no NaN, parts add up."""
    data = funnel_days(10, carts=0, customers=0, revenue=0)
    result = review(tiny_plan(), data, AS_OF, trials=100)
    assert result.revenue_gap == pytest.approx(-10_000)
    assert_adds_up(result)


def test_a_plan_covered_by_returning_customers() -> None:
    """Nothing new is planned (all counts 0): still finite and adding up."""
    plan = tiny_plan(
        returning_customers={"active_customers": 100, "repeat_purchase_rate": 1.0,
                             "average_order_value": 1000}
    )  # fmt: skip
    for data in (funnel_days(10, revenue=1000), funnel_days(10, revenue=0, customers=0)):
        assert_adds_up(review(plan, data, AS_OF, trials=100))


def test_revenue_alone_is_its_own_driver() -> None:
    result = review(tiny_plan(), actuals(10, revenue=700), AS_OF, trials=100)
    assert parts(result) == {"revenue": pytest.approx(-3000)}


def test_refunds_beyond_sales_still_add_up() -> None:
    result = review(tiny_plan(), funnel_days(10, revenue=-50), AS_OF, trials=100)
    assert_adds_up(result)


def test_largest_first() -> None:
    found = largest_first(
        [Attribution(driver="a", amount=1), Attribution(driver="b", amount=-5),
         Attribution(driver="c", amount=3)]
    )  # fmt: skip
    assert [part.driver for part in found] == ["b", "c", "a"]
