"""A store's order export read into an ``OrderLog``: hand-worked small files.

Every expected day, customer code and amount is worked out by hand from the rows the test
writes; every refusal is checked by the field it names and its code (and rows, where it
lists them).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from files import orders
from files.orders import OrderRead, SkippedRow, read_order_csv
from planner.errors import FILE, PlanInvalid

BOM = b"\xef\xbb\xbf"


def day(text: str) -> int:
    return (dt.date.fromisoformat(text) - dt.date(1970, 1, 1)).days


def days(*texts: str) -> list[int]:
    return [day(text) for text in texts]


def csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def only_problem(data: bytes, **options: object) -> tuple[str, str, dict[str, object]]:
    with pytest.raises(PlanInvalid) as error:
        read_order_csv(data, **options)  # type: ignore[arg-type]
    (problem,) = error.value.problems
    return problem.field, problem.code, dict(problem.context)


# --- Reading what a store exports -------------------------------------------------------------


def test_a_plain_log_is_one_order_per_row() -> None:
    read = read_order_csv(
        csv(
            "Date,Customer ID,Amount",
            "2027-01-13,C7,10",
            "2027-01-15,C9,25.5",
            "",
            "2027-01-14,C7,4.25",
        )
    )
    assert read.log.days.tolist() == days("2027-01-13", "2027-01-15", "2027-01-14")
    assert read.log.customers.tolist() == [0, 1, 0]
    assert read.log.amounts.tolist() == [10.0, 25.5, 4.25]
    assert read.log.excluded_days.tolist() == []
    assert (read.date_column, read.customer_column, read.amount_column) == (
        "Date",
        "Customer ID",
        "Amount",
    )
    assert (read.order_column, read.status_column) == (None, None)
    assert (read.rows_read, read.rows_skipped, read.skipped) == (3, 0, ())
    assert (read.first_day, read.last_day) == (dt.date(2027, 1, 13), dt.date(2027, 1, 15))


SHOPIFY = csv(
    "Name,Email,Financial Status,Total,Created at,Cancelled at,Lineitem name",
    "#1001,ana@example.com,paid,120.00,2027-01-13 10:15:00 +0300,,Mug",
    "#1001,ana@example.com,,,2027-01-13 10:15:00 +0300,,Spoon",
    "#1002,bo@example.com,refunded,40.00,2027-01-14 09:00:00 +0300,,Mug",
    "#1003,cy@example.com,voided,15.00,2027-01-15 12:00:00 +0300,2027-01-15 13:00:00 +0300,Mug",
    "#1004,bo@example.com,paid,60.00,2027-01-16 18:00:00 +0300,,Plate",
    "#1004,bo@example.com,,,2027-01-16 18:00:00 +0300,,Cup",
    "#1005,dee@example.com,partially_refunded,30.00,2027-01-17 08:00:00 +0300,,Cup",
)


def test_shopify_line_items_are_one_order_each_with_the_first_rows_total() -> None:
    read = read_order_csv(SHOPIFY, timezone="Asia/Riyadh")
    assert (read.order_column, read.status_column) == ("Name", "Financial Status")
    assert read.log.amounts.tolist() == [120.0, 60.0, 30.0]  # 1001, 1004, 1005 kept
    assert read.log.days.tolist() == days("2027-01-13", "2027-01-16", "2027-01-17")
    assert read.log.customers.tolist() == [0, 1, 2]  # ana, bo, dee (cy only cancelled)
    assert read.log.excluded_days.tolist() == days("2027-01-14", "2027-01-15")
    assert (read.rows_read, read.rows_skipped) == (7, 4)
    assert read.skipped == (
        SkippedRow(row=3, reason="repeated_order"),
        SkippedRow(row=4, reason="excluded_status"),
        SkippedRow(row=5, reason="excluded_status"),
        SkippedRow(row=7, reason="repeated_order"),
    )


def test_a_cancelled_at_time_excludes_a_shopify_order_marked_paid() -> None:
    data = csv(
        "Name,Email,Financial Status,Total,Created at,Cancelled at",
        "#1,a@x.com,paid,5,2027-01-13,2027-01-14",
        "#2,a@x.com,paid,7,2027-01-13,",
    )
    read = read_order_csv(data)
    assert read.log.amounts.tolist() == [7.0]
    assert read.log.excluded_days.tolist() == days("2027-01-13")


def test_a_repeated_order_id_takes_the_first_amount_given() -> None:
    read = read_order_csv(
        csv("order id,date,email,total", "A1,2027-01-13,a@x.com,", "A1,2027-01-13,a@x.com,9")
    )
    assert read.log.amounts.tolist() == [9.0]
    assert read.skipped == (SkippedRow(row=3, reason="repeated_order"),)


def test_emails_differing_in_case_and_spaces_are_one_customer() -> None:
    read = read_order_csv(
        csv(
            "date,email,total",
            "2027-01-13,Ana@Example.com,1",
            "2027-01-13,  ana@example.COM ,2",
            '2027-01-13," ANA@EXAMPLE.COM",3',
            "2027-01-13,bo@example.com,4",
        )
    )
    assert read.log.customers.tolist() == [0, 0, 0, 1]


@pytest.mark.parametrize(
    ("written", "amount"),
    [
        pytest.param('"$1,234.50"', 1234.5, id="dollar-sign-and-thousands"),
        pytest.param("1234.50 SAR", 1234.5, id="trailing-code"),
        pytest.param("١٢٣٫٥", 123.5, id="arabic-indic-digits"),
        pytest.param("١٬٢٣٤٫٥ ر.س", 1234.5, id="arabic-separators-and-riyal"),
        pytest.param("-12", -12.0, id="negative"),
    ],
)
def test_amounts_are_read_with_their_currency_and_digits(written: str, amount: float) -> None:
    read = read_order_csv(csv("date,email,total", f"2027-01-13,a@x.com,{written}"))
    assert read.log.amounts.tolist() == [amount]


def test_a_decimal_comma_is_refused_not_guessed() -> None:
    data = csv("date,email,total", "2027-01-13,a@x.com,7", '2027-01-13,a@x.com,"1.234,50 €"')
    field, code, context = only_problem(data)
    assert (field, code, context["rows"]) == ("total", "amount_invalid", (3,))


def test_non_numeric_amounts_are_named_by_row() -> None:
    data = csv("date,email,total", "2027-01-13,a@x.com,abc", "2027-01-13,a@x.com,5", "x,y,z")
    with pytest.raises(PlanInvalid) as error:
        read_order_csv(data)
    found = {
        (problem.field, problem.code, problem.context["rows"]) for problem in error.value.problems
    }
    assert found == {("total", "amount_invalid", (2, 4)), ("date", "date_invalid", (4,))}


# --- Dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        pytest.param("2027-01-13", "2027-02-01", ("2027-01-13", "2027-02-01"), id="iso"),
        pytest.param("13/01/2027", "01/02/2027", ("2027-01-13", "2027-02-01"), id="day-first"),
        pytest.param("01/13/2027", "02/01/2027", ("2027-01-13", "2027-02-01"), id="month-first"),
        pytest.param("13.01.2027", "1.2.2027", ("2027-01-13", "2027-02-01"), id="dotted"),
    ],
)
def test_the_day_order_is_read_from_the_file(
    first: str, second: str, expected: tuple[str, str]
) -> None:
    read = read_order_csv(csv("date,email,total", f"{first},a,1", f"{second},a,1"))
    assert read.log.days.tolist() == days(*expected)


def test_a_file_whose_days_are_all_twelve_or_less_asks_which_comes_first() -> None:
    data = csv("date,email,total", "01/02/2027,a,1", "03/04/2027,a,1")
    field, code, _context = only_problem(data)
    assert (field, code) == ("date", "date_order_ambiguous")
    assert read_order_csv(data, day_first=True).log.days.tolist() == days(
        "2027-02-01", "2027-04-03"
    )
    assert read_order_csv(data, day_first=False).log.days.tolist() == days(
        "2027-01-02", "2027-03-04"
    )


def test_a_file_mixing_day_first_and_month_first_is_refused() -> None:
    data = csv("date,email,total", "13/01/2027,a,1", "01/13/2027,a,1")
    field, code, context = only_problem(data)
    assert (field, code, context["rows"]) == ("date", "date_order_mixed", (2, 3))


def test_impossible_and_unreadable_dates_are_named_by_row() -> None:
    data = csv("date,email,total", "2027-02-30,a,1", "2027-01-13,a,1", "yesterday,a,1")
    field, code, context = only_problem(data)
    assert (field, code, context["rows"], context["count"]) == ("date", "date_invalid", (2, 4), 2)


@pytest.mark.parametrize(
    ("timezone", "expected"),
    [
        # 01:30+03:00 on the 14th is 22:30 UTC on the 13th; 22:30Z is 01:30 in Riyadh
        pytest.param("UTC", ("2027-01-13", "2027-01-13", "2027-01-14"), id="utc"),
        pytest.param("Asia/Riyadh", ("2027-01-14", "2027-01-14", "2027-01-14"), id="riyadh"),
    ],
)
def test_times_with_an_offset_take_the_store_zones_day(
    timezone: str, expected: tuple[str, ...]
) -> None:
    data = csv(
        "created at,email,total",
        "2027-01-14T01:30:00+03:00,a,1",
        "2027-01-13T22:30:00Z,a,1",
        "2027-01-14 00:10,a,1",  # no offset: already the store's time
    )
    assert read_order_csv(data, timezone=timezone).log.days.tolist() == days(*expected)


def test_an_unknown_time_zone_is_refused() -> None:
    field, code, _context = only_problem(
        csv("date,email,total", "2027-01-13,a,1"), timezone="Mars/Base"
    )
    assert (field, code) == ("timezone", "timezone_unknown")


# --- Arabic -----------------------------------------------------------------------------------


def test_arabic_headers_after_a_byte_order_mark() -> None:
    data = BOM + csv(
        "رقم الطلب,التاريخ,البريد الإلكتروني,الإجمالي,الحالة",
        "١,٢٠٢٧-٠١-١٣,A@x.com,١٠٠,مدفوع",
        "٢,2027-01-14,a@x.com ,50,ملغي",
    )
    read: OrderRead = read_order_csv(data)
    assert (read.date_column, read.amount_column, read.customer_column) == (
        "التاريخ",
        "الإجمالي",
        "البريد الإلكتروني",
    )
    assert (read.order_column, read.status_column) == ("رقم الطلب", "الحالة")
    assert read.log.days.tolist() == days("2027-01-13")
    assert read.log.amounts.tolist() == [100.0]
    assert read.log.excluded_days.tolist() == days("2027-01-14")


# --- Hostile files ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        pytest.param(b"", FILE, "file_empty", id="empty"),
        pytest.param(BOM + b"\n \n", FILE, "file_empty", id="bom-and-blank-lines"),
        pytest.param(b"date,email,total\n", FILE, "no_orders", id="header-only"),
        pytest.param(b"PK\x03\x04\x00\x01junk", FILE, "not_csv", id="zip"),
        pytest.param(bytes(range(256)) * 4, FILE, "not_csv", id="binary-junk"),
        pytest.param(b"date,email,total\n2027-01-13,\xe9,1\n", FILE, "not_utf8", id="latin-1"),
        pytest.param(b"date,email,total\n2027-01-13,a\n", FILE, "row_columns", id="short-row"),
    ],
)
def test_hostile_files_get_a_named_problem(data: bytes, field: str, code: str) -> None:
    assert only_problem(data)[:2] == (field, code)


def test_a_file_with_another_delimiter_is_one_column_named_in_every_problem() -> None:
    with pytest.raises(PlanInvalid) as error:
        read_order_csv(b"date:email:total\n2027-01-13:a:1\n")
    found = {(problem.field, problem.code) for problem in error.value.problems}
    assert found == {
        ("date_column", "column_missing"),
        ("customer_column", "column_missing"),
        ("amount_column", "column_missing"),
    }
    assert error.value.problems[0].context["found"] == ("date:email:total",)


def test_a_file_with_no_date_column_lists_its_headers() -> None:
    field, code, context = only_problem(csv("when,email,total", "2027-01-13,a,1"))
    assert (field, code) == ("date_column", "column_missing")
    assert context["found"] == ("when", "email", "total")


def test_a_named_column_that_is_not_there_is_refused() -> None:
    data = csv("date,email,total", "2027-01-13,a,1")
    assert only_problem(data, order_column="Order #")[:2] == ("order_column", "column_missing")


def test_a_file_over_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(orders, "MAX_FILE_BYTES", 10)
    field, code, context = only_problem(csv("date,email,total", "2027-01-13,a,1"))
    assert (field, code, context["limit"]) == (FILE, "file_too_large", 10)


def test_an_order_without_an_amount_or_customer_is_named() -> None:
    data = csv("date,email,total", "2027-01-13,a,", "2027-01-13,,4")
    with pytest.raises(PlanInvalid) as error:
        read_order_csv(data)
    found = {(problem.code, problem.context["rows"]) for problem in error.value.problems}
    assert found == {("amount_missing", (2,)), ("customer_missing", (3,))}


def test_the_log_arrays_are_numpy_of_the_documented_types() -> None:
    log = read_order_csv(csv("date,email,total", "2027-01-13,a,1")).log
    assert (log.days.dtype, log.customers.dtype, log.amounts.dtype) == (
        np.int64,
        np.int64,
        np.float64,
    )


_CELLS = st.sampled_from(
    [
        "",
        " ",
        "2027-01-13",
        "13/01/2027",
        "01/13/2027",
        "2027-02-30T25:00",
        "2027-01-13T23:59Z",
        "#1001",
        "1001",
        "a@x.com",
        "A@X.COM ",
        "$1,2",
        "1,234.5",
        "١٢٣",
        "nan",
        "1e999",
        "-0",
        "refunded",
        "paid",
        '"',
        "x\ny",
        "ملغي",
        "\ufeff",
    ]
)


def read_or_refusal(data: bytes, day_first: bool | None = None) -> OrderRead | PlanInvalid:
    try:
        return read_order_csv(data, day_first=day_first)
    except PlanInvalid as invalid:
        return invalid


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(st.lists(_CELLS | st.text(max_size=6), max_size=6), max_size=6),
    day_first=st.none() | st.booleans(),
)
def test_any_order_file_is_read_or_refused_with_named_problems(
    rows: list[list[str]], day_first: bool | None
) -> None:
    lines = ["order id,date,email,total,status", *(",".join(row) for row in rows)]
    outcome = read_or_refusal("\n".join(lines).encode("utf-8", "surrogatepass"), day_first)
    if isinstance(outcome, PlanInvalid):
        assert outcome.problems
    else:
        log = outcome.log
        assert len(log.days) + outcome.rows_skipped == outcome.rows_read


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_are_read_or_refused(data: bytes) -> None:
    outcome = read_or_refusal(b"date,email,total\n" + data)
    assert isinstance(outcome, OrderRead) or outcome.problems
