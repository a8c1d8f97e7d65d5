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
