"""Orders read from a database and aggregated in it (``storage.order_source``).

The oracle throughout is ``planner.actuals.kpis.aggregate`` (numpy, in memory) on the same
orders built by hand into an ``OrderLog``: the database must give every field of every
period the same, on SQLite and on PostgreSQL (``database`` runs each test on both).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.types import TypeEngine

from files.orders import EXCLUDED_STATUSES as FILE_EXCLUDED_STATUSES
from planner.actuals.funnel import from_orders
from planner.actuals.kpis import Frequency, PeriodActuals, aggregate
from planner.actuals.orders import OrderLog
from planner.errors import PlanInvalid
from storage.database import database_url
from storage.order_source import (
    EXCLUDED_STATUSES,
    OrderSource,
    aggregate_in_database,
    daily_actuals_from_database,
    order_source,
)
from tests.postgres_server import free_port

FREQUENCIES: tuple[Frequency, ...] = ("day", "week", "month", "quarter")
STORE_ZONE = "Asia/Riyadh"  # UTC+3 all year: the oracle moves instants by 3 hours
STORE_OFFSET = timedelta(hours=3)
EPOCH = date(1970, 1, 1)
FIRST_INSTANT = datetime(2026, 11, 1, tzinfo=UTC)
COLUMNS = {
    "date_column": "created",
    "amount_column": "total",
    "customer_column": "email",
    "order_column": "order_id",
    "status_column": "status",
}


@dataclass(frozen=True)
class Row:
    """One row of the orders table; ``moment`` is the store's local wall time."""

    order_id: int | None
    moment: datetime
    email: str | None
    total: float | None
    status: str | None


def create_orders(url: str, rows: Sequence[Row], *, date_type: str = "local") -> None:
    """Write ``rows`` into a table ``orders`` (``date_type``: how ``created`` is stored).

    ``local``: PostgreSQL ``timestamptz`` holding the instant (the store's time minus 3
    hours), SQLite text of the local time; ``date``: a date column; ``text``: ISO text.
    """
    engine = create_engine(database_url(url))
    postgres = engine.dialect.name == "postgresql"
    kind: TypeEngine[Any] = String()
    if date_type == "date":
        kind = Date()
    elif date_type == "local" and postgres:
        kind = DateTime(timezone=True)
    metadata = MetaData()
    orders = Table(
        "orders",
        metadata,
        Column("order_id", Integer),
        Column("created", kind),
        Column("email", String),
        Column("total", Float),
        Column("status", String),
    )
    metadata.create_all(engine)
    values = [
        {
            "order_id": row.order_id,
            "created": stored_date(row.moment, date_type, postgres),
            "email": row.email,
            "total": row.total,
            "status": row.status,
        }
        for row in rows
    ]
    with engine.begin() as connection:
        if values:
            connection.execute(insert(orders), values)
    engine.dispose()


def stored_date(moment: datetime, date_type: str, postgres: bool) -> Any:
    if date_type == "date":
        return moment.date()
    if date_type == "local" and postgres:
        return (moment - STORE_OFFSET).replace(tzinfo=UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def source(url: str, **changes: Any) -> OrderSource:
    fields: dict[str, Any] = {"url": url, "table": "orders", "timezone": STORE_ZONE, **COLUMNS}
    return OrderSource(**(fields | changes))


def day_number(moment: datetime) -> int:
    return (moment.date() - EPOCH).days


# --- A generated log and its oracle -----------------------------------------------------------


@dataclass(frozen=True)
class Generated:
    """A generated table's rows and the same orders as an ``OrderLog``."""

    rows: list[Row]
    log: OrderLog


def generate(seed: int, orders: int) -> Generated:
    """Orders over 14 months: e-mails in mixed case and padded, ids repeated and missing.

    Repeated ids add a row a day or two later with no amount, customer or status (the
    order's values are its first row's: the earliest date, the one amount). Customers with
    an odd code are ids matched exactly, not e-mails.
    """
    rng = np.random.default_rng(seed)
    moments = [
        FIRST_INSTANT + timedelta(seconds=int(second))
        for second in rng.integers(0, 420 * 86_400, orders)
    ]
    codes = rng.integers(0, orders // 5, orders)
    totals = np.round(rng.uniform(1, 400, orders), 2)
    excluded = rng.random(orders) < 0.07
    spellings = rng.integers(0, 3, orders)
    missing_id = rng.random(orders) < 0.02
    rows = []
    for index in range(orders):
        status = str(rng.choice(["Cancelled", "REFUNDED", " void ", "ملغي"]))
        rows.append(
            Row(
                order_id=None if missing_id[index] else index + 1,
                moment=moments[index],
                email=customer_text(int(codes[index]), int(spellings[index])),
                total=float(totals[index]),
                status=status if excluded[index] else str(rng.choice(["paid", "pending", ""])),
            )
        )
    for index in rng.choice(np.flatnonzero(~missing_id), orders // 20, replace=False):
        later = moments[index] + timedelta(hours=int(rng.integers(0, 60)))
        rows.append(Row(int(index) + 1, later, None, None, None))
    days = np.array([day_number(moment) for moment in moments], dtype=np.int64)
    _unique, dense = np.unique(codes[~excluded], return_inverse=True)
    log = OrderLog(
        days=days[~excluded],
        customers=dense.astype(np.int64),
        amounts=totals[~excluded],
        excluded_days=days[excluded],
    )
    return Generated(rows, log)


def customer_text(code: int, spelling: int) -> str:
    if code % 2:
        return f"Shopper-{code}"
    return [f"c{code}@shop.com", f"C{code}@Shop.COM", f"  c{code}@shop.com "][spelling]


def assert_same_periods(got: list[PeriodActuals], expected: list[PeriodActuals]) -> None:
    assert [period.period for period in got] == [period.period for period in expected]
    for mine, oracle in zip(got, expected, strict=True):
        for name, value in oracle.model_dump().items():
            if isinstance(value, float):
                assert getattr(mine, name) == pytest.approx(value, rel=1e-9, abs=1e-6), name
            else:
                assert getattr(mine, name) == value, (oracle.period, name)


# --- Results ----------------------------------------------------------------------------------


def test_every_period_of_a_generated_log_equals_the_in_memory_aggregate(database: str) -> None:
    """3,000 orders; oracle: ``aggregate`` on the same orders, for day, week, month, quarter."""
    generated = generate(seed=11, orders=3_000)
    create_orders(database, generated.rows)

    for freq in FREQUENCIES:
        got = aggregate_in_database(source(database), freq)

        assert_same_periods(got, aggregate(generated.log, freq))


def test_a_window_counts_its_orders_but_reads_new_customers_from_all_history(
    database: str,
) -> None:
    """Oracle: the whole log's months that lie inside the window, unchanged."""
    generated = generate(seed=5, orders=1_500)
    create_orders(database, generated.rows)
    start, end = date(2027, 2, 1), date(2027, 5, 31)

    got = aggregate_in_database(source(database), "month", start=start, end=end)

    inside = [p for p in aggregate(generated.log, "month") if start <= p.start and p.end <= end]
    assert_same_periods(got, inside)
    assert sum(p.returning_customers for p in got) > 0


HAND_ROWS = [  # the CLI's hand-worked log: a@ twice (once in capitals), c@ refunded
    Row(1001, datetime(2027, 1, 5, 10), "a@x.com", 120.0, "paid"),
    Row(1002, datetime(2027, 1, 20, 10), "b@x.com", 80.0, "paid"),
    Row(1003, datetime(2027, 2, 2, 10), " A@X.com ", 60.0, "paid"),
    Row(1004, datetime(2027, 2, 10, 10), "c@x.com", 40.0, "refunded"),
]


def test_a_small_log_by_hand(database: str) -> None:
    """Hand-worked, stored as a plain date column.

    January: 2 orders, $200, both customers new. February: a@ returns ($60), c@'s order is
    refunded: refund rate 1 ÷ 2.
    """
    create_orders(database, HAND_ROWS, date_type="date")

    january, february = aggregate_in_database(source(database, timezone="UTC"), "month")

    assert (january.orders, january.revenue, january.new_customers) == (2, 200.0, 2)
    assert january.average_order_value == 100.0
    assert (february.orders, february.revenue) == (1, 60.0)
    assert (february.new_customers, february.returning_customers) == (0, 1)
    assert (february.excluded_orders, february.refund_rate) == (1, 0.5)


def test_weeks_start_on_monday_and_empty_ones_are_kept(database: str) -> None:
    """Hand-worked: six weeks from 2027-01-04's, two of them empty.

    2027-01-05 is a Tuesday: its week is 2027-01-04's; the last order, 2027-02-10, is in
    2027-02-08's week.
    """
    create_orders(database, HAND_ROWS)

    weeks = aggregate_in_database(source(database), "week")

    assert [week.period for week in weeks] == [
        "2027-01-04",
        "2027-01-11",
        "2027-01-18",
        "2027-01-25",
        "2027-02-01",
        "2027-02-08",
    ]
    assert [week.orders for week in weeks] == [1, 0, 1, 0, 1, 0]
    assert weeks[-1].refund_rate == 1.0


def test_an_instant_is_counted_on_the_stores_day(postgresql_database: str) -> None:
    """23:30 UTC on 31 March is 02:30 on 1 April in Riyadh: an April order there."""
    rows = [Row(1, datetime(2027, 4, 1, 2, 30), "a@x.com", 10.0, "paid")]
    create_orders(postgresql_database, rows)

    riyadh = aggregate_in_database(source(postgresql_database), "month")
    utc = aggregate_in_database(source(postgresql_database, timezone="UTC"), "month")

    assert [riyadh[0].period, utc[0].period] == ["2027-04", "2027-03"]


def test_a_timestamp_without_time_zone_is_already_local(postgresql_database: str) -> None:
    engine = create_engine(database_url(postgresql_database))
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE sales (at timestamp, who text, paid numeric)"))
        connection.execute(
            text("INSERT INTO sales VALUES ('2027-03-31 23:30', 'x', 12.5), ('2027-04-01', 'x', 1)")
        )
    engine.dispose()
    sales = OrderSource(
        url=postgresql_database,
        table="sales",
        date_column="at",
        amount_column="paid",
        customer_column="who",
        timezone="Asia/Tokyo",
    )

    march, april = aggregate_in_database(sales, "month")

    assert (march.revenue, march.new_customers) == (12.5, 1)
    assert (april.revenue, april.returning_customers) == (1.0, 1)


def test_a_query_is_read_like_a_table(database: str) -> None:
    """The query renames the columns and keeps only January; a colon in a literal stays one."""
    create_orders(database, HAND_ROWS, date_type="date")
    query = (
        "SELECT created AS day, total AS paid, email AS who, status FROM orders "
        "WHERE created < '2027-02-01' AND email <> 'a:b' -- 10:15\n;"
    )
    chosen = order_source(
        url=database,
        query=query,
        date_column="day",
        amount_column="paid",
        customer_column="who",
        status_column="status",
    )

    (january,) = aggregate_in_database(chosen, "month")

    assert (january.orders, january.revenue) == (2, 200.0)


def test_no_orders_no_periods(database: str) -> None:
    create_orders(database, [])

    assert aggregate_in_database(source(database), "month") == []


def test_daily_funnel_actuals_equal_those_from_the_in_memory_log(database: str) -> None:
    """Oracle: ``planner.actuals.funnel.from_orders`` on the same orders."""
    generated = generate(seed=3, orders=600)
    create_orders(database, generated.rows)

    got = daily_actuals_from_database(source(database), "Customers")

    expected = from_orders(generated.log, "Customers")
    np.testing.assert_array_equal(got.starts, expected.starts)
    np.testing.assert_array_equal(got.spans, expected.spans)
    np.testing.assert_allclose(got.stages["Customers"], expected.stages["Customers"])
    assert set(got.measures) == set(expected.measures)
    for name, values in expected.measures.items():
        np.testing.assert_allclose(got.measures[name], values, rtol=1e-9, err_msg=name)


def test_the_excluded_statuses_are_the_file_readers() -> None:
    assert EXCLUDED_STATUSES == FILE_EXCLUDED_STATUSES


@st.composite
def small_logs(draw: st.DrawFn) -> list[tuple[int, int, int, bool]]:
    """(day, customer, amount, excluded) for up to 25 orders over 70 days."""
    order = st.tuples(st.integers(0, 70), st.integers(0, 6), st.integers(0, 500), st.booleans())
    return draw(st.lists(order, max_size=25))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(orders=small_logs(), freq=st.sampled_from(FREQUENCIES))
def test_any_small_log_on_sqlite_equals_the_in_memory_aggregate(
    orders: list[tuple[int, int, int, bool]], freq: Frequency
) -> None:
    """Property, oracle ``aggregate``: whatever the orders, the periods agree."""
    start = datetime(2027, 12, 1)
    rows = [
        Row(
            None, start + timedelta(days=day), f"c{customer}", float(amount), "void" if gone else ""
        )
        for day, customer, amount, gone in orders
    ]
    kept = [entry for entry in orders if not entry[3]]
    _unique, dense = np.unique([entry[1] for entry in kept], return_inverse=True)
    first = day_number(start)
    log = OrderLog(
        days=np.array([first + entry[0] for entry in kept], dtype=np.int64),
        customers=dense.astype(np.int64),
        amounts=np.array([entry[2] for entry in kept], dtype=np.float64),
        excluded_days=np.array([first + e[0] for e in orders if e[3]], dtype=np.int64),
    )
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'orders.db'}"
        create_orders(url, rows)

        got = aggregate_in_database(source(url, timezone="UTC"), freq)

    assert_same_periods(got, aggregate(log, freq))


# --- Safety -----------------------------------------------------------------------------------


def count_orders(url: str) -> int:
    engine = create_engine(database_url(url))
    with engine.connect() as connection:
        count = int(connection.scalar(select(func.count()).select_from(text("orders"))) or 0)
    engine.dispose()
    return count


@pytest.mark.parametrize(
    "query",
    [
        "DELETE FROM orders",
        "SELECT * FROM orders; DROP TABLE orders",
        "DROP TABLE orders",
        "  -- a comment\n  UPDATE orders SET total = 0",
    ],
)
def test_only_one_select_is_run(database: str, query: str) -> None:
    create_orders(database, HAND_ROWS)

    with pytest.raises(PlanInvalid) as refused:
        aggregate_in_database(source(database, table=None, query=query), "month")

    assert [(p.field, p.code) for p in refused.value.problems] == [("query", "query_not_select")]
    assert count_orders(database) == len(HAND_ROWS)


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("SELECT *, nextval('numbers') FROM orders", "read-only"),
        ("WITH gone AS (DELETE FROM orders RETURNING *) SELECT * FROM gone", "WITH"),
    ],
    ids=["advances-a-sequence", "deletes-in-a-cte"],
)
def test_a_select_that_writes_is_refused_and_writes_nothing(
    postgresql_database: str, query: str, reason: str
) -> None:
    create_orders(postgresql_database, HAND_ROWS)
    engine = create_engine(database_url(postgresql_database))
    with engine.begin() as connection:
        connection.execute(text("CREATE SEQUENCE numbers"))
    engine.dispose()

    with pytest.raises(PlanInvalid) as refused:
        aggregate_in_database(source(postgresql_database, table=None, query=query), "month")

    (problem,) = refused.value.problems
    assert (problem.field, problem.code) == ("query", "query_failed")
    assert reason in problem.context["reason"]
    assert count_orders(postgresql_database) == len(HAND_ROWS)


def test_a_sqlite_file_is_opened_read_only_and_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    url = f"sqlite:///{path}"
    create_orders(url, HAND_ROWS)
    before = {entry.name: entry.read_bytes() for entry in tmp_path.iterdir()}

    aggregate_in_database(source(url), "month")
    aggregate_in_database(source(url, table=None, query="SELECT * FROM orders"), "week")

    assert {entry.name: entry.read_bytes() for entry in tmp_path.iterdir()} == before


# --- Problems ---------------------------------------------------------------------------------


def problem_of(chosen: OrderSource) -> tuple[str, str, dict[str, Any]]:
    with pytest.raises(PlanInvalid) as refused:
        aggregate_in_database(chosen, "month")
    (problem,) = refused.value.problems
    return problem.field, problem.code, dict(problem.context)


def test_a_server_that_isnt_there_is_unreachable_and_the_password_is_hidden() -> None:
    url = f"postgresql://shop:s3cret-pw@127.0.0.1:{free_port()}/shop"

    field, code, context = problem_of(source(url))

    assert (field, code) == ("url", "database_unreachable")
    assert "s3cret-pw" not in repr(context)
    assert context["url"] == url.replace("s3cret-pw", "***")
    assert "s3cret-pw" not in repr(source(url))


def test_a_sqlite_file_that_doesnt_exist_is_unreachable_and_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"

    assert problem_of(source(f"sqlite:///{missing}"))[:2] == ("url", "database_unreachable")
    assert not missing.exists()


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("not a url", "database_url_invalid"),
        ("postgresql://shop:pw@host:port/db", "database_url_invalid"),
        ("mysql://shop:pw@localhost/db", "database_unsupported"),
        ("postgresql+pg8000://shop:pw@localhost/db", "driver_missing"),
    ],
)
def test_a_url_that_cant_be_used_is_named(url: str, code: str) -> None:
    field, got, context = problem_of(source(url))

    assert (field, got) == ("url", code)
    assert "pw@" not in repr(context)


def test_a_missing_table_is_the_databases_refusal(database: str) -> None:
    create_orders(database, HAND_ROWS)

    field, code, context = problem_of(source(database, table="sales"))

    assert (field, code) == ("table", "query_failed")
    assert "sales" in context["reason"]


def test_a_query_the_database_refuses_is_named_with_its_reason(database: str) -> None:
    create_orders(database, HAND_ROWS)

    field, code, context = problem_of(source(database, table=None, query="SELECT * FROM nowhere"))

    assert (field, code) == ("query", "query_failed")
    assert "nowhere" in context["reason"]


def test_a_column_that_isnt_there_is_named_with_the_columns_there(database: str) -> None:
    create_orders(database, HAND_ROWS)

    field, code, context = problem_of(source(database, date_column="placed_at"))

    assert (field, code) == ("date_column", "column_missing")
    assert context["given"] == "placed_at"
    assert set(context["found"]) == {"order_id", "created", "email", "total", "status"}


def test_a_column_is_found_ignoring_case(database: str) -> None:
    create_orders(database, HAND_ROWS)

    periods = aggregate_in_database(source(database, amount_column="TOTAL"), "month")

    assert periods[0].revenue == 200.0


def test_text_dates_in_postgresql_are_a_column_of_the_wrong_type(
    postgresql_database: str,
) -> None:
    create_orders(postgresql_database, HAND_ROWS, date_type="text")

    field, code, context = problem_of(source(postgresql_database))

    assert (field, code) == ("date_column", "column_type_invalid")
    assert context["type"] == "character varying"


def test_text_amounts_in_postgresql_are_a_column_of_the_wrong_type(
    postgresql_database: str,
) -> None:
    create_orders(postgresql_database, HAND_ROWS)

    field, code, context = problem_of(source(postgresql_database, amount_column="email"))

    assert (field, code, context["role"]) == ("amount_column", "column_type_invalid", "amount")


def sqlite_orders(tmp_path: Path, *values: tuple[Any, ...]) -> str:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE orders (created, total, email, status)"))
        for row in values:
            connection.execute(
                text("INSERT INTO orders VALUES (:a, :b, :c, :d)"),
                dict(zip("abcd", row, strict=True)),
            )
    engine.dispose()
    return url


def sqlite_source(url: str, **changes: Any) -> OrderSource:
    fields = {
        "url": url,
        "table": "orders",
        "date_column": "created",
        "amount_column": "total",
        "customer_column": "email",
        "status_column": "status",
    }
    return OrderSource(**(fields | changes))


@pytest.mark.parametrize(
    ("created", "total", "field", "got"),
    [
        ("yesterday", 10, "date_column", "'yesterday'"),
        ("2027-02-30", 10, "date_column", "'2027-02-30'"),
        (20270105, 10, "date_column", "'20270105'"),
        ("2027-01-05", "$10", "amount_column", "'$10'"),
        ("2027-01-05", 9e999, "amount_column", "'Inf'"),
    ],
)
def test_sqlite_values_that_arent_dates_or_amounts_are_named(
    tmp_path: Path, created: Any, total: Any, field: str, got: str
) -> None:
    url = sqlite_orders(tmp_path, ("2027-01-04", 5, "a", "paid"), (created, total, "b", "paid"))

    got_field, code, context = problem_of(sqlite_source(url))

    assert (got_field, code, context["count"], context["got"]) == (field, "values_invalid", 1, got)


def test_sqlite_dates_with_an_offset_are_read_only_for_a_store_on_utc(tmp_path: Path) -> None:
    """21:30 −03:00 on 31 January is 00:30 UTC on 1 February."""
    url = sqlite_orders(tmp_path, ("2027-01-31T21:30:00-03:00", 10, "a", "paid"))

    (february,) = aggregate_in_database(sqlite_source(url), "month")

    assert february.period == "2027-02"
    assert problem_of(sqlite_source(url, timezone="Asia/Riyadh"))[1] == "values_invalid"


def test_orders_missing_a_customer_are_counted_but_excluded_ones_need_none(
    tmp_path: Path,
) -> None:
    url = sqlite_orders(
        tmp_path,
        ("2027-01-04", 5, None, "paid"),
        ("2027-01-04", 5, "  ", "paid"),
        ("2027-01-05", None, None, "Cancelled"),
    )

    field, code, context = problem_of(sqlite_source(url))

    assert (field, code, context["count"]) == ("customer_column", "values_missing", 2)


def test_table_and_query_are_one_or_the_other(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"

    both = problem_of(sqlite_source(url, query="SELECT 1"))
    neither = problem_of(sqlite_source(url, table=None))

    assert both[:2] == neither[:2] == ("table", "table_or_query")


def test_an_unknown_time_zone_is_named(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"

    assert problem_of(sqlite_source(url, timezone="Mars/Olympus"))[:2] == (
        "timezone",
        "timezone_unknown",
    )


def test_loose_values_that_arent_a_source_are_named() -> None:
    with pytest.raises(PlanInvalid) as refused:
        order_source(url="sqlite://", table="orders", date_column="d", amount_column="a")

    assert refused.value.fields() == {"customer_column"}


def test_the_query_runs_read_only_under_a_statement_timeout(postgresql_database: str) -> None:
    """The settings in force are read by the query itself: a failing cast shows them."""
    query = (
        "SELECT DATE '2027-01-05' AS created, 1 AS total, 'a' AS email FROM orders "
        "WHERE CAST(current_setting('statement_timeout') || current_setting("
        "'transaction_read_only') AS int) > 0"
    )
    create_orders(postgresql_database, HAND_ROWS)
    chosen = source(postgresql_database, table=None, query=query, order_column=None)

    field, code, context = problem_of(chosen.model_copy(update={"status_column": None}))

    assert (field, code) == ("query", "query_failed")
    assert '"1minon"' in context["reason"]
