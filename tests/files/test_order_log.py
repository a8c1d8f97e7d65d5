"""A store's order export read into an ``OrderLog``: hand-worked small files.

Every expected day, customer code and amount is worked out by hand from the rows the test
writes; every refusal is checked by the field it names and its code (and rows, where it
lists them).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
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


# --- Store exports ----------------------------------------------------------------------------
# Header rows as the stores export them where known (WooCommerce's Analytics → Orders
# download, its common order-export plugins); Salla's and Zid's are their usual headers.

WOO_ANALYTICS = csv(
    "Date,Order #,Status,Customer,Customer type,Product(s),Items sold,Coupon(s),Net Sales",
    "2027-01-13 10:15:00,1041,Completed,Ana Ali,new,Mug,1,,120.00",
    "2027-01-13 11:00:00,1042,Refunded,Bo Chen,new,Cup,1,,40.00",
    "2027-01-14 09:30:00,1043,Pending payment,Cy Dee,new,Cup,1,,15.00",
    "2027-01-14 12:00:00,1044,Failed,Cy Dee,new,Cup,1,,15.00",
    "2027-01-15 08:00:00,1045,Processing,Ana Ali,returning,Plate,2,SALE,60.50",
)


def test_woocommerce_analytics_orders_leave_unpaid_checkouts_out_of_the_refund_rate() -> None:
    read = read_order_csv(WOO_ANALYTICS)
    assert (read.order_column, read.status_column, read.amount_column) == (
        "Order #",
        "Status",
        "Net Sales",
    )
    assert read.customer_column == "Customer"
    assert read.segment_column is None  # "Customer type" is new/returning, not a segment
    assert read.log.amounts.tolist() == [120.0, 60.5]  # 1041 and 1045 kept
    assert read.log.customers.tolist() == [0, 0]
    assert read.log.excluded_days.tolist() == days("2027-01-13")  # 1042 refunded
    assert read.unpaid_orders == 2  # 1043 pending payment, 1044 failed
    assert (read.rows_read, read.rows_skipped) == (5, 3)
    assert [row.reason for row in read.skipped] == [
        "excluded_status",
        "unpaid_status",
        "unpaid_status",
    ]


WOO_EXPORT = csv(
    "Order ID,Order Number,Order Date,Order Status,Billing First Name,Billing Email,"
    "Billing Phone,Order Currency,Order Total",
    "501,WC-501,2027-02-01 10:00:00,wc-completed,Ana,ana@x.com,0501,SAR,99.90",
    "502,WC-502,2027-02-01 11:00:00,wc-cancelled,Bo,bo@x.com,0502,SAR,20.00",
    "503,WC-503,2027-02-02 11:00:00,wc-checkout-draft,Cy,,,SAR,",
    "504,WC-504,2027-02-03 11:00:00,wc-pending,Dee,dee@x.com,0504,sar,5.00",
    "505,WC-505,2027-02-03 12:00:00,wc-processing,Ana,ANA@x.com,0501,SAR,10.10",
)


def test_a_woocommerce_order_export_takes_order_id_before_order_number() -> None:
    read = read_order_csv(WOO_EXPORT)
    assert (read.order_column, read.date_column, read.status_column) == (
        "Order ID",
        "Order Date",
        "Order Status",
    )
    assert (read.customer_column, read.amount_column) == ("Billing Email", "Order Total")
    assert read.phone_column == "Billing Phone"
    assert (read.currency_column, read.currency) == ("Order Currency", "SAR")
    assert read.log.amounts.tolist() == [99.9, 10.1]
    assert read.log.customers.tolist() == [0, 0]  # ana@ and ANA@ are one customer
    assert read.log.excluded_days.tolist() == days("2027-02-01")
    # a draft with no customer or amount is no problem: it never became an order
    assert read.unpaid_orders == 2


SALLA = BOM + csv(
    "رقم الطلب,تاريخ الطلب,حالة الطلب,اسم العميل,جوال العميل,البريد الإلكتروني,المدينة,"
    "طريقة الدفع,المجموع,العملة",
    "٢٠٠١,2027-03-01 09:00,تم التنفيذ,سارة,0551111111,sara@x.sa,الرياض,مدى,٢٥٠٫٥٠ ر.س,SAR",
    "2002,2027-03-01 10:00,ملغي,خالد,0552222222,,جدة,مدى,100 ر.س,SAR",
    "2003,2027-03-02 10:00,بإنتظار الدفع,نورة,0553333333,,الدمام,تحويل,80,SAR",
    "2004,2027-03-02 11:00,جاري التوصيل,نورة,0553333333,,الدمام,مدى,80,SAR",
    "2005,2027-03-03 11:00,مسترجع,سارة,0551111111,sara@x.sa,الرياض,مدى,40,SAR",
    "2006,2027-03-04 11:00,تم التوصيل,نورة,0553333333,,الدمام,مدى,30,SAR",
)


def test_a_salla_export_knows_customers_without_email_by_their_mobile() -> None:
    read = read_order_csv(SALLA)
    assert (read.order_column, read.date_column, read.status_column) == (
        "رقم الطلب",
        "تاريخ الطلب",
        "حالة الطلب",
    )
    assert (read.customer_column, read.phone_column) == ("البريد الإلكتروني", "جوال العميل")
    assert (read.amount_column, read.currency) == ("المجموع", "SAR")
    assert read.log.amounts.tolist() == [250.5, 80.0, 30.0]  # 2001, 2004, 2006
    assert read.log.customers.tolist() == [0, 1, 1]  # sara by e-mail; noura by mobile twice
    assert read.log.excluded_days.tolist() == days("2027-03-01", "2027-03-03")
    assert read.unpaid_orders == 1


ZID_ARABIC = csv(
    "رقم الطلب,تاريخ الطلب,حالة الطلب,اسم العميل,جوال العميل,إجمالي الطلب,العملة,مصدر الطلب",
    "9001,2027-04-01 10:00,جديد,ريم,966500000001,120 SAR,SAR,المتجر",
    "9002,2027-04-01 11:00,تم الإلغاء,ريم,966500000001,60 SAR,SAR,المتجر",
    "9003,2027-04-02 11:00,تم التوصيل,فهد,966500000002,75.5 SAR,SAR,لوحة التحكم",
    "9004,2027-04-02 12:00,مسترجع,فهد,966500000002,20 SAR,SAR,المتجر",
)


def test_a_zid_arabic_export_reads_the_mobile_as_the_customer_and_the_source_as_channel() -> None:
    read = read_order_csv(ZID_ARABIC)
    assert (read.customer_column, read.phone_column) == ("جوال العميل", None)
    assert (read.amount_column, read.channel_column) == ("إجمالي الطلب", "مصدر الطلب")
    assert read.log.amounts.tolist() == [120.0, 75.5]
    assert read.log.channel_names == ("المتجر", "لوحة التحكم")
    assert read.log.channels is not None
    assert read.log.channels.tolist() == [0, 1]
    assert read.log.excluded_days.tolist() == days("2027-04-01", "2027-04-02")


ZID_ENGLISH = csv(
    "Order ID,Order Date,Order Status,Payment Status,Customer Name,Customer Mobile,"
    "Customer Email,Order Total,Currency,Source",
    "7001,2027-05-01 10:00,new,paid,Reem,966500000001,reem@x.sa,120.00,SAR,Storefront",
    "7002,2027-05-01 11:00,cancelled,pending,Reem,966500000001,reem@x.sa,60.00,SAR,Storefront",
    "7003,2027-05-02 11:00,delivered,paid,Fahd,966500000002,,75.50,SAR,Dashboard",
    "7004,2027-05-03 11:00,reversed,refunded,Fahd,966500000002,,20.00,SAR,Storefront",
)


def test_a_zid_english_export_reads_its_order_status_not_its_payment_status() -> None:
    read = read_order_csv(ZID_ENGLISH)
    assert read.status_column == "Order Status"
    assert (read.customer_column, read.phone_column) == ("Customer Email", "Customer Mobile")
    assert read.log.amounts.tolist() == [120.0, 75.5]
    assert read.log.customers.tolist() == [0, 1]
    assert read.log.excluded_days.tolist() == days("2027-05-01", "2027-05-03")
    assert read.unpaid_orders == 0


def test_pending_is_an_unpaid_checkout_except_in_a_shopify_export() -> None:
    shopify = csv(
        "Name,Email,Financial Status,Total,Created at",
        "#1,a@x.com,pending,5,2027-01-13",
        "#2,a@x.com,paid,7,2027-01-13",
    )
    assert read_order_csv(shopify).log.amounts.tolist() == [5.0, 7.0]
    other = csv("order id,date,email,total,status", "1,2027-01-13,a,5,pending", "2,2027-01-13,a,7,")
    read = read_order_csv(other)
    assert (read.log.amounts.tolist(), read.unpaid_orders) == ([7.0], 1)


# --- Channels, segments, currencies -----------------------------------------------------------


LABELLED = csv(
    "order id,date,email,total,status,channel,segment,currency",
    "1,2027-01-13,a@x.com,10,paid,instagram,VIP,SAR",
    "2,2027-01-13,b@x.com,20,paid, web ,,sar",
    "2,2027-01-13,b@x.com,,,,Wholesale,",
    "3,2027-01-14,c@x.com,30,cancelled,tiktok,VIP,SAR",
    "4,2027-01-14,a@x.com,40,paid,,VIP,SAR",
    "5,2027-01-15,d@x.com,50,paid,web,,SAR",
)


def test_channels_and_segments_are_coded_in_the_order_first_seen_none_last() -> None:
    """Kept orders 1, 2, 4, 5; order 2's segment is its second row's (the first is empty)."""
    read = read_order_csv(LABELLED)
    log = read.log
    assert log.channel_names == ("instagram", "web", "(none)")  # tiktok only cancelled
    assert log.channels is not None
    assert log.channels.tolist() == [0, 1, 2, 1]
    assert log.segment_names == ("VIP", "Wholesale", "(none)")
    assert log.segments is not None
    assert log.segments.tolist() == [0, 1, 0, 2]
    assert (read.channel_column, read.segment_column, read.currency) == (
        "channel",
        "segment",
        "SAR",
    )


def test_columns_are_named_outright() -> None:
    data = csv("when,who,paid,via,tier,money", "2027-01-13,a,5,web,gold,USD")
    read = read_order_csv(
        data,
        date_column="when",
        customer_column="who",
        amount_column="paid",
        channel_column="via",
        segment_column="tier",
        currency_column="money",
    )
    assert (read.log.channel_names, read.log.segment_names, read.currency) == (
        ("web",),
        ("gold",),
        "USD",
    )
    assert only_problem(
        data,
        date_column="when",
        customer_column="who",
        amount_column="paid",
        channel_column="route",
    )[:2] == ("channel_column", "column_missing")


def test_a_log_without_label_columns_has_no_codes() -> None:
    log = read_order_csv(csv("date,email,total", "2027-01-13,a,1")).log
    assert (log.channels, log.channel_names, log.segments, log.segment_names) == (
        None,
        (),
        None,
        (),
    )


def test_more_than_one_currency_is_refused_naming_them_in_file_order() -> None:
    data = csv(
        "date,email,total,currency",
        "2027-01-13,a,10,SAR",
        "2027-01-13,b,10,usd",
        "2027-01-14,c,10,SAR",
        "2027-01-14,d,10,AED",
    )
    field, code, context = only_problem(data)
    assert (field, code) == ("currency", "currency_mixed")
    assert (context["count"], context["currencies"]) == (3, ("SAR", "USD", "AED"))


def test_an_unpaid_checkout_in_another_currency_is_no_problem() -> None:
    data = csv(
        "date,email,total,currency,status",
        "2027-01-13,a,10,SAR,paid",
        "2027-01-13,b,10,USD,failed",
        "2027-01-13,b,10,,paid",
    )
    assert read_order_csv(data).currency == "SAR"


def test_two_columns_of_one_tier_are_ambiguous_but_a_lower_tier_gives_way() -> None:
    both = csv("status,order status,date,email,total", "paid,cancelled,2027-01-13,a,1")
    read = read_order_csv(both)
    assert read.status_column == "order status"
    assert read.log.excluded_days.tolist() == days("2027-01-13")
    field, code, _context = only_problem(csv("date,email,customer,total", "2027-01-13,a,b,1"))
    assert (field, code) == ("customer_column", "column_ambiguous")


# --- The quick paths agree with the careful ones ------------------------------------------------

_ZONES = ["UTC", "Asia/Riyadh", "America/New_York", "Europe/London", "Australia/Lord_Howe"]
# Instants around clock changes: 2027-03-14 07:00Z (New York), 2027-03-28 01:00Z (London),
# 2027-04-03 15:00Z (Lord Howe, a half-hour change)
_CHANGES = [1_805_007_600, 1_806_195_600, 1_806_764_400]


@settings(max_examples=40, deadline=None)
@given(
    zone=st.sampled_from(_ZONES),
    change=st.sampled_from(_CHANGES),
    seconds=st.lists(st.integers(-40_000, 40_000), min_size=1, max_size=120),
    offsets=st.lists(st.sampled_from([-300, 0, 180, 330, 630]), min_size=1, max_size=120),
)
def test_times_with_offsets_take_the_day_python_gives_them(
    zone: str, change: int, seconds: list[int], offsets: list[int]
) -> None:
    """Oracle: ``datetime.astimezone(ZoneInfo(zone))`` on each time, one by one.

    Every time has an offset, so the file is read by one cast, and its days found per
    quarter hour of the span (when there are more times than quarter hours).
    """
    import zoneinfo

    texts, expected = [], []
    for index, second in enumerate(seconds):
        minutes = offsets[index % len(offsets)]
        shift = dt.timezone(dt.timedelta(minutes=minutes))
        moment = dt.datetime.fromtimestamp(change + second, dt.UTC).astimezone(shift)
        texts.append(moment.isoformat())
        expected.append(day(moment.astimezone(zoneinfo.ZoneInfo(zone)).date().isoformat()))
    data = csv("created at,email,total", *(f"{text},a,1" for text in texts))
    assert read_order_csv(data, timezone=zone).log.days.tolist() == expected


def test_a_file_of_iso_dates_and_plain_amounts_reads_as_the_careful_path_does() -> None:
    """One odd value sends a column down the careful path; the others must not change."""
    rows = ["2027-01-13,a,1.5", "2027-01-14 23:59:59,b,2e1", "2027-01-15T00:00,c,.25"]
    quick = read_order_csv(csv("date,email,total", *rows)).log
    careful = read_order_csv(csv("date,email,total", *rows, " 2027-01-16 ,d,$1")).log
    assert quick.days.tolist() == careful.days.tolist()[:3]
    assert quick.amounts.tolist() == careful.amounts.tolist()[:3] == [1.5, 20.0, 0.25]


_STATUS_CELLS = st.sampled_from(
    ["", "paid", "Cancelled", "wc-refunded", "failed", "Pending payment", "بإنتظار الدفع", "مسترجع"]
)


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.integers(1, 6),  # order id: repeats make line items
            st.integers(1, 28),  # day of January 2027
            st.sampled_from(["a@x.com", "B@x.com", "b@X.com", "c"]),
            st.integers(0, 500),  # amount in cents
            _STATUS_CELLS,
            st.sampled_from(["", "web", "instagram", " web"]),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_every_order_is_kept_excluded_or_unpaid_once(
    rows: list[tuple[int, int, str, int, str, str]],
) -> None:
    """Oracle: the orders counted by hand from the rows (first non-empty status per id)."""
    lines = [
        f"{order},2027-01-{day_of:02d},{email},{cents / 100:.2f},{status},{channel}"
        for order, day_of, email, cents, status, channel in rows
    ]
    read = read_order_csv(csv("order id,date,email,total,status,channel", *lines))
    first_status: dict[int, str] = {}
    for order, _day, _email, _cents, status, _channel in rows:
        if status and order not in first_status:
            first_status[order] = status
    orders = {order for order, *_rest in rows}
    excluded = {o for o, s in first_status.items() if s in ("Cancelled", "wc-refunded", "مسترجع")}
    unpaid = {
        o for o, s in first_status.items() if s in ("failed", "Pending payment", "بإنتظار الدفع")
    }
    log = read.log
    assert len(log.days) == len(orders - excluded - unpaid)
    assert len(log.excluded_days) == len(excluded)
    assert read.unpaid_orders == len(unpaid)
    assert len(log.days) + read.rows_skipped == read.rows_read == len(rows)
    assert log.channels is not None
    assert set(log.channels.tolist()) == set(range(len(log.channel_names)))
    assert "" not in log.channel_names


@settings(max_examples=100, deadline=None)
@given(
    chunks=st.lists(
        st.lists(st.sampled_from(["a@x", "b@x", " a@x", "c", ""]), max_size=6),
        min_size=2,
        max_size=5,
    )
)
def test_a_long_column_encoded_in_halves_encodes_as_a_whole(chunks: list[list[str]]) -> None:
    """Oracle: ``pyarrow.compute.dictionary_encode`` of the whole column at once."""
    column = pa.chunked_array([pa.array(chunk, pa.string()) for chunk in chunks], pa.string())
    expected = pc.dictionary_encode(column.combine_chunks())
    previous = orders._SPLIT_ABOVE
    orders._SPLIT_ABOVE = 0  # not monkeypatch: hypothesis runs many examples per test
    try:
        values, indices = orders._encode(column)
    finally:
        orders._SPLIT_ABOVE = previous
    assert values.to_pylist() == expected.dictionary.to_pylist()
    assert indices.tolist() == expected.indices.to_pylist()


def test_customers_differing_only_in_spaces_are_one_customer() -> None:
    data = csv(
        "date,email,total", "2027-01-13,a@x.com,1", '2027-01-13," a@x.com",2', "2027-01-13,c ,3"
    )
    data += b"2027-01-14,c,4\n"
    assert read_order_csv(data).log.customers.tolist() == [0, 0, 1, 1]
