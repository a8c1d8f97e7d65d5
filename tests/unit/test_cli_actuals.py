"""``python -m planner actuals FILE --freq``: an order log per period, hand-worked."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from cli.main import EXIT_INVALID, EXIT_OK, main

# Five orders by three customers (a@ twice, once in capitals), one refunded:
# January: 1001 a@ $120 and 1002 b@ $80 → 2 orders, $200, 2 customers, both new.
# February: 1003 A@ $60 (a@ again: returning), 1004 c@ refunded → 1 order, $60, 1 returning,
# 1 excluded, refund rate 1 ÷ 2.
LOG = (
    "Order ID,Created At,Email,Total,Status\n"
    "1001,2027-01-05,a@x.com,$120.00,paid\n"
    "1002,2027-01-20,b@x.com,80,paid\n"
    "1003,2027-02-02, A@X.com ,60,paid\n"
    "1004,2027-02-10,c@x.com,40,refunded\n"
)


def run(*argv: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    status = main(list(argv), stdout=stdout, stderr=stderr)
    return status, stdout.getvalue(), stderr.getvalue()


def actuals(tmp_path: Path, text: str, *options: str) -> dict[str, Any]:
    path = tmp_path / "orders.csv"
    path.write_text(text, encoding="utf-8")
    status, out, err = run("actuals", str(path), *options)
    assert (status, err) == (EXIT_OK, "")
    result: dict[str, Any] = json.loads(out, parse_constant=_refuse)
    return result


def _refuse(name: str) -> None:
    raise AssertionError(f"{name} in the JSON")


def test_monthly_actuals_of_a_small_log_by_hand(tmp_path: Path) -> None:
    result = actuals(tmp_path, LOG, "--freq", "month")

    january, february = result["periods"]
    assert {key: january[key] for key in ("period", "orders", "revenue", "customers")} == {
        "period": "2027-01",
        "orders": 2,
        "revenue": 200.0,
        "customers": 2,
    }
    assert (january["new_customers"], january["returning_customers"]) == (2, 0)
    assert january["average_order_value"] == 100.0
    assert (february["orders"], february["revenue"]) == (1, 60.0)
    assert (february["new_customers"], february["returning_customers"]) == (0, 1)
    assert (february["excluded_orders"], february["refund_rate"]) == (1, 0.5)


def test_what_the_reading_did_is_reported(tmp_path: Path) -> None:
    result = actuals(tmp_path, LOG)

    assert result["frequency"] == "month"
    assert (result["date_column"], result["amount_column"]) == ("Created At", "Total")
    assert (result["customer_column"], result["status_column"]) == ("Email", "Status")
    assert (result["rows_read"], result["rows_skipped"]) == (4, 1)
    assert (result["first_day"], result["last_day"]) == ("2027-01-05", "2027-02-10")


def test_weekly_periods_start_on_monday_and_keep_empty_weeks(tmp_path: Path) -> None:
    """2027-01-05 is a Tuesday: its week is 2027-01-04; six weeks run to 2027-02-08's."""
    weeks = actuals(tmp_path, LOG, "--freq", "week")["periods"]

    assert [week["period"] for week in weeks] == [
        "2027-01-04",
        "2027-01-11",
        "2027-01-18",
        "2027-01-25",
        "2027-02-01",
        "2027-02-08",
    ]
    assert [week["orders"] for week in weeks] == [1, 0, 1, 0, 1, 0]
    assert weeks[1]["average_order_value"] is None


def test_a_column_named_on_the_command_line_is_used(tmp_path: Path) -> None:
    text = "when,who,paid\n2027-01-05,a@x.com,10\n"

    result = actuals(
        tmp_path,
        text,
        "--date-column",
        "when",
        "--customer-column",
        "who",
        "--amount-column",
        "paid",
    )

    assert result["periods"][0]["revenue"] == 10.0


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("", "(file)"),
        ("email,total\na@x.com,10\n", "date_column"),
        ("date,email,total\n2027-01-05,a@x.com,ten\n", "total"),
        ("date,email,total\n01/02/2027,a@x.com,10\n", "date"),
    ],
    ids=["empty", "no-date-column", "amount-not-a-number", "day-or-month-first"],
)
def test_a_bad_file_is_named_on_stderr_and_nothing_printed(
    tmp_path: Path, text: str, field: str
) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(text, encoding="utf-8")

    status, out, err = run("actuals", str(path))

    assert (status, out) == (EXIT_INVALID, "")
    assert err.startswith(f"{field}: ")
    assert "Traceback" not in err


def test_a_file_that_cant_be_read_is_named(tmp_path: Path) -> None:
    status, _out, err = run("actuals", str(tmp_path / "missing.csv"))

    assert status == EXIT_INVALID
    assert err.startswith("(file): can't be read")


def test_the_day_order_of_an_ambiguous_file_can_be_given(tmp_path: Path) -> None:
    """01/02/2027 day first is 1 February; month first, 2 January."""
    text = "date,email,total\n01/02/2027,a@x.com,10\n"

    day_first = actuals(tmp_path, text, "--day-first")
    month_first = actuals(tmp_path, text, "--month-first")

    assert day_first["first_day"] == "2027-02-01"
    assert month_first["first_day"] == "2027-01-02"


# --- Orders read from a database (``--database``) ---------------------------------------------

DATABASE_COLUMNS = (
    "--date-column",
    "Created At",
    "--amount-column",
    "total",
    "--customer-column",
    "email",
    "--order-column",
    "id",
    "--status-column",
    "status",
)


def shop_database(tmp_path: Path) -> str:
    """The orders of ``LOG`` in a SQLite table ``orders`` (a column name with a space)."""
    import sqlite3

    path = tmp_path / "shop.db"
    with sqlite3.connect(path) as connection:
        connection.execute(
            'CREATE TABLE orders (id INTEGER, "Created At" TEXT, email TEXT, total REAL, status)'
        )
        connection.executemany(
            "INSERT INTO orders VALUES (?, ?, ?, ?, ?)",
            [
                (1001, "2027-01-05", "a@x.com", 120.0, "paid"),
                (1002, "2027-01-20", "b@x.com", 80.0, "paid"),
                (1003, "2027-02-02", " A@X.com ", 60.0, "paid"),
                (1004, "2027-02-10", "c@x.com", 40.0, "refunded"),
            ],
        )
    connection.close()
    return f"sqlite:///{path}"


def database_actuals(*options: str) -> dict[str, Any]:
    status, out, err = run("actuals", *options)
    assert (status, err) == (EXIT_OK, "")
    result: dict[str, Any] = json.loads(out, parse_constant=_refuse)
    return result


@pytest.mark.parametrize("freq", ["day", "week", "month", "quarter"])
def test_a_database_table_gives_the_periods_the_file_gives(tmp_path: Path, freq: str) -> None:
    """Oracle: the file form on the same four orders (``LOG``)."""
    url = shop_database(tmp_path)

    read = database_actuals(
        "--database", url, "--table", "orders", *DATABASE_COLUMNS, "--freq", freq
    )

    assert read["periods"] == actuals(tmp_path, LOG, "--freq", freq)["periods"]
    assert (read["source"], read["frequency"], read["date_column"]) == (
        "orders",
        freq,
        "Created At",
    )
    assert "rows_read" not in read


def test_a_database_query_is_named_query_and_the_url_never_printed(tmp_path: Path) -> None:
    """January by hand: orders 1001 and 1002, $200, two new customers."""
    url = shop_database(tmp_path)
    query = "SELECT * FROM orders WHERE \"Created At\" < '2027-02-01'"

    status, out, err = run("actuals", "--database", url, "--query", query, *DATABASE_COLUMNS)

    assert (status, err) == (EXIT_OK, "")
    result = json.loads(out)
    assert result["source"] == "query"
    assert [(p["period"], p["orders"], p["revenue"]) for p in result["periods"]] == [
        ("2027-01", 2, 200.0)
    ]
    assert str(tmp_path) not in out


def test_a_database_that_cant_be_reached_is_named_without_its_password() -> None:
    from tests.postgres_server import free_port

    url = f"postgresql://shop:hunter2@127.0.0.1:{free_port()}/shop"

    status, out, err = run("actuals", "--database", url, "--table", "orders", *DATABASE_COLUMNS)

    assert (status, out) == (EXIT_INVALID, "")
    assert err.startswith("url: ")
    assert "hunter2" not in err


def test_a_missing_database_column_option_is_named(tmp_path: Path) -> None:
    url = shop_database(tmp_path)

    status, out, err = run(
        "actuals", "--database", url, "--table", "orders", "--amount-column", "total"
    )

    assert (status, out) == (EXIT_INVALID, "")
    assert {line.split(":")[0] for line in err.splitlines()} == {"date_column", "customer_column"}


@pytest.mark.parametrize(
    "argv",
    [
        ["orders.csv", "--database", "sqlite:///x.db"],
        [],
    ],
    ids=["file-and-database", "neither"],
)
def test_a_file_or_a_database_exactly_one(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        run("actuals", *argv)

    assert exited.value.code == EXIT_INVALID
    assert "Traceback" not in capsys.readouterr().err


def test_a_table_without_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(LOG, encoding="utf-8")

    status, out, err = run("actuals", str(path), "--table", "orders")

    assert (status, out) == (EXIT_INVALID, "")
    assert err.startswith("database: ")
