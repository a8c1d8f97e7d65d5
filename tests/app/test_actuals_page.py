"""The Actuals page under AppTest: results in, the KPIs, the review, bad files, typed weeks.

The page's numbers are the domain's (tested in tests/unit); here: that a file read gives the
review its figures, that a bad file leaves the results already read in place with a message
naming the problem, that typed weekly results are results too, and that nothing raises in
English or in Arabic.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from storage.store import PlanStore

PAGE = "pages/actuals.py"
UPLOAD = "actuals.upload"


def funnel_csv(days: int = 45, seed: int = 7) -> bytes:
    """Daily results for the demo plan (Q1 2027), checkout converting below plan."""
    rng = np.random.default_rng(seed)
    lines = ["Date,Sessions,Product views,Add to cart,Checkout,Purchase,Revenue,Orders,Spend"]
    for index in range(days):
        day = date(2027, 1, 1) + timedelta(days=index)
        sessions = rng.poisson(950)
        views = rng.binomial(sessions, 0.5)
        carts = rng.binomial(views, 0.12)
        checkouts = rng.binomial(carts, 0.42)
        purchases = rng.binomial(checkouts, 0.6)
        revenue = round(float(rng.gamma(4, 15, purchases).sum()) + 300, 2)
        spend = round(sessions * 0.4, 2)
        lines.append(
            f"{day.isoformat()},{sessions},{views},{carts},{checkouts},{purchases},"
            f"{revenue},{purchases},{spend}"
        )
    return ("\n".join(lines) + "\n").encode()


def order_csv() -> bytes:
    """A small order log: two customers in January, one returning in February."""
    return (
        b"Order ID,Created at,Email,Total,Status\n"
        b"1001,2027-01-04,a@x.com,100.00,paid\n"
        b"1002,2027-01-05,b@x.com,50.00,paid\n"
        b"1003,2027-01-20,A@x.com ,30.00,paid\n"
        b"1004,2027-02-02,a@x.com,40.00,refunded\n"
    )


@pytest.fixture
def actuals_page(open_app: Callable[..., AppTest]) -> Callable[..., AppTest]:
    def opened(**query: str) -> AppTest:
        app = open_app(**query)
        return app.switch_page(PAGE).run()

    return opened


def upload(app: AppTest, name: str, data: bytes) -> AppTest:
    return app.file_uploader(key=UPLOAD).set_value((name, data, "text/csv")).run()


def metric(app: AppTest, label: str) -> str:
    found = [item.value for item in app.metric if item.label == label]
    assert found, f"no metric {label!r} among {[item.label for item in app.metric]}"
    return str(found[0])


def test_an_empty_page_says_what_to_bring(actuals_page: Callable[..., AppTest]) -> None:
    app = actuals_page()
    assert not app.exception
    assert any("Upload an order export" in item.value for item in app.info)


def test_a_funnel_file_gives_the_review_its_figures(actuals_page: Callable[..., AppTest]) -> None:
    app = upload(actuals_page(), "funnel.csv", funnel_csv())
    assert not app.exception
    assert not app.error
    assert metric(app, "Revenue to date").startswith("$")
    assert metric(app, "Attainment").endswith("%")
    assert any("45 rows read" in item.value for item in app.caption)
    why = [item.value for item in app.markdown if "cost you" in item.value]
    assert why
    assert why[0].startswith("Conversion to 'Checkout' cost you"), why
    assert app.date_input(key="actuals.as_of").value == date(2027, 2, 14)


def test_an_earlier_review_date_pro_rates_the_plan(actuals_page: Callable[..., AppTest]) -> None:
    """Demo plan: $120,000 over 90 days; as of January 9 (9 days) $12,000 is planned."""
    app = upload(actuals_page(), "funnel.csv", funnel_csv())
    app = app.date_input(key="actuals.as_of").set_value(date(2027, 1, 9)).run()
    assert not app.exception
    revenue = next(item for item in app.metric if item.label == "Revenue to date")
    assert "$12,000" in str(revenue.help)


def test_a_bad_file_keeps_the_results_already_read(actuals_page: Callable[..., AppTest]) -> None:
    app = upload(actuals_page(), "funnel.csv", funnel_csv())
    before = metric(app, "Revenue to date")
    app = upload(app, "junk.csv", b"\x00\x01\x02garbage\xff\xfe")
    assert not app.exception
    errors = " ".join(item.value for item in app.error)
    assert "'junk.csv' can't be read" in errors
    assert any("Still showing 'funnel.csv'" in item.value for item in app.info)
    assert metric(app, "Revenue to date") == before


def test_an_order_log_is_recognised_and_read(actuals_page: Callable[..., AppTest]) -> None:
    app = upload(actuals_page(), "orders.csv", order_csv())
    assert not app.exception, app.exception
    assert app.radio(key="actuals.kind").value == "orders"
    columns = next(item.value for item in app.caption if "Read from the columns" in item.value)
    assert "Date ← 'Created at'" in columns
    assert "Customer (id or e-mail) ← 'Email'" in columns
    assert metric(app, "Orders") == "3"
    assert metric(app, "Customers") == "2"


def test_typed_weeks_are_results(actuals_page: Callable[..., AppTest]) -> None:
    """Two weeks typed (seeded as the editor would leave them): the review runs on them."""
    app = actuals_page()
    app = app.segmented_control(key="actuals.source").set_value("typed").run()
    app.session_state["actuals.entry.weeks"] = {
        "2027-01-04": {"stage:0": 6000.0, "stage:4": 100.0, "revenue": 9000.0},
        "2027-01-11": {"stage:0": 6500.0, "stage:4": 110.0, "revenue": 9900.0},
    }
    app = app.run()
    assert not app.exception
    assert metric(app, "Revenue to date") == "$18,900"
    # Sessions and Purchase typed for both weeks; the stages between were never typed.
    notes = " ".join(item.value for item in app.caption)
    assert "no count for 'Product views'" in notes


def test_arabic_page_reviews_without_errors(actuals_page: Callable[..., AppTest]) -> None:
    app = upload(actuals_page(lang="ar"), "funnel.csv", funnel_csv())
    assert not app.exception
    assert not app.error
    assert len(app.metric) >= 8
    # A rerun after a change: every choice's label is worded in the run, in Arabic too.
    app = app.date_input(key="actuals.as_of").set_value(date(2027, 1, 20)).run()
    assert not app.exception


def test_the_review_can_read_the_baseline_instead(app: AppTest) -> None:
    """The baseline ($120,000) or version 2 ($180,000): 9 of 90 days is $12,000 or $18,000.

    Version 1 is saved and marked as the baseline, then the target raised and saved again.
    """
    app.text_input(key="saved.author").input("Amira").run()
    app.button(key="saved.save").click().run()
    with PlanStore.open() as store:
        plan_id = store.list_plans()[0].id
        store.mark_baseline(plan_id, 1)
    app.number_input(key="plan.revenue_target").set_value(180_000).run()
    app.button(key="saved.save").click().run()
    app = upload(app.switch_page(PAGE).run(), "funnel.csv", funnel_csv())
    app = app.date_input(key="actuals.as_of").set_value(date(2027, 1, 9)).run()
    revenue = next(item for item in app.metric if item.label == "Revenue to date")
    assert "$18,000" in str(revenue.help)
    app = app.radio(key="actuals.compare").set_value("baseline").run()
    assert not app.exception
    revenue = next(item for item in app.metric if item.label == "Revenue to date")
    assert "$12,000" in str(revenue.help)


def saved_demo(app: AppTest) -> int:
    """Save the demo plan as Amira; its id."""
    app.text_input(key="saved.author").input("Amira").run()
    app.button(key="saved.save").click().run()
    with PlanStore.open() as store:
        return store.list_plans()[0].id


def test_results_are_kept_with_the_saved_plan_for_next_time(
    app: AppTest, open_app: Callable[..., AppTest]
) -> None:
    plan_id = saved_demo(app)
    app = upload(app.switch_page(PAGE).run(), "funnel.csv", funnel_csv())
    assert any("Kept with the saved plan: 'funnel.csv'" in item.value for item in app.caption)
    before = metric(app, "Revenue to date")

    later = open_app(plan=str(plan_id)).switch_page(PAGE).run()
    assert not later.exception
    assert metric(later, "Revenue to date") == before
    assert any("'funnel.csv'" in item.value for item in later.caption)


def test_a_bad_file_changes_nothing_kept(app: AppTest) -> None:
    plan_id = saved_demo(app)
    app = upload(app.switch_page(PAGE).run(), "funnel.csv", funnel_csv())
    app = upload(app, "junk.csv", b"Date,Sessions\n2027-01-01,many\n")
    assert app.error
    with PlanStore.open() as store:
        kept = store.results_info(plan_id)
    assert kept is not None
    assert kept.name == "funnel.csv"


def test_removing_the_results_forgets_them_with_the_plan(app: AppTest) -> None:
    plan_id = saved_demo(app)
    app = upload(app.switch_page(PAGE).run(), "funnel.csv", funnel_csv())
    app = app.button(key="actuals.remove").click().run()
    assert not app.exception
    assert any("Upload an order export" in item.value for item in app.info)
    with PlanStore.open() as store:
        assert store.results_info(plan_id) is None


def test_typed_weeks_are_kept_with_the_saved_plan(
    app: AppTest, open_app: Callable[..., AppTest]
) -> None:
    plan_id = saved_demo(app)
    app = app.switch_page(PAGE).run()
    app = app.segmented_control(key="actuals.source").set_value("typed").run()
    app.session_state["actuals.entry.weeks"] = {
        "2027-01-04": {"stage:0": 6000.0, "stage:4": 100.0, "revenue": 9000.0},
    }
    app = app.run()
    assert metric(app, "Revenue to date") == "$9,000"

    later = open_app(plan=str(plan_id)).switch_page(PAGE).run()
    assert later.segmented_control(key="actuals.source").value == "typed"
    assert metric(later, "Revenue to date") == "$9,000"


def test_orders_read_from_a_database(actuals_page: Callable[..., AppTest], tmp_path: Path) -> None:
    """A SQLite shop: 3 orders in January ($100, $50, $30) by 2 customers; one refunded."""
    shop = tmp_path / "shop.db"
    with sqlite3.connect(shop) as connection:
        connection.execute("CREATE TABLE orders (day TEXT, total REAL, email TEXT, state TEXT)")
        connection.executemany(
            "INSERT INTO orders VALUES (?, ?, ?, ?)",
            [
                ("2027-01-04", 100.0, "a@x.com", "paid"),
                ("2027-01-05", 50.0, "b@x.com", "paid"),
                ("2027-01-20", 30.0, "a@x.com", "paid"),
                ("2027-01-21", 80.0, "b@x.com", "refunded"),
            ],
        )
    app = actuals_page()
    app = app.segmented_control(key="actuals.source").set_value("database").run()
    app.text_input(key="actuals.database.url").input(f"sqlite:///{shop}")
    app.text_input(key="actuals.database.table").input("orders")
    app.text_input(key="actuals.database.date_column").input("day")
    app.text_input(key="actuals.database.amount_column").input("total")
    app.text_input(key="actuals.database.customer_column").input("email")
    app.text_input(key="actuals.database.status_column").input("state")
    app = next(button for button in app.button if button.label == "Read the orders").click().run()
    assert not app.exception
    assert not app.error
    assert metric(app, "Revenue to date") == "$180"


def test_a_database_that_cannot_be_reached_is_named(
    actuals_page: Callable[..., AppTest], tmp_path: Path
) -> None:
    app = actuals_page()
    app = app.segmented_control(key="actuals.source").set_value("database").run()
    app.text_input(key="actuals.database.url").input(f"sqlite:///{tmp_path / 'none.db'}")
    app.text_input(key="actuals.database.table").input("orders")
    for field in ("date_column", "amount_column", "customer_column"):
        app.text_input(key=f"actuals.database.{field}").input(field)
    app = next(button for button in app.button if button.label == "Read the orders").click().run()
    assert not app.exception
    assert any("Database URL" in item.value for item in app.error)


def test_swapped_pace_colours_are_said_and_used_the_right_way_round(
    actuals_page: Callable[..., AppTest],
) -> None:
    app = upload(actuals_page(), "funnel.csv", funnel_csv())
    app = app.number_input(key="actuals.behind").set_value(110).run()
    assert not app.exception
    assert any("the two are swapped" in item.value for item in app.warning)
    assert metric(app, "Attainment").endswith("%")


def test_columns_the_guess_missed_are_picked_by_hand(actuals_page: Callable[..., AppTest]) -> None:
    """Headers nothing recognises: the date is missing until the user names each column."""
    data = b"When,Hits,Buys,Money\n2027-01-04,500,8,800\n2027-01-05,400,6,600\n"
    app = upload(actuals_page(), "odd.csv", data)
    assert app.error
    for role, header in (("date", "When"), ("Sessions", "Hits"), ("Purchase", "Buys")):
        app = app.selectbox(key=f"actuals.column.{role}").set_value(header).run()
    app = app.selectbox(key="actuals.column.revenue").set_value("Money").run()
    assert not app.exception
    assert not app.error
    assert metric(app, "Revenue to date") == "$1,400"


def test_an_ambiguous_date_order_is_asked_and_settled(actuals_page: Callable[..., AppTest]) -> None:
    """01/02/2027 could be January 2 or February 1: the file is refused until the user says."""
    data = b"Order ID,Date,Email,Total\n1,01/02/2027,a@x.com,100\n2,03/02/2027,b@x.com,50\n"
    app = upload(actuals_page(), "orders.csv", data)
    assert any("day comes first" in item.value for item in app.error)
    app = app.radio(key="actuals.date_order").set_value("day").run()
    assert not app.error
    assert app.date_input(key="actuals.as_of").value == date(2027, 2, 3)
