"""Funnel actuals read from CSV and Excel: hand-worked small files, and hostile ones.

Every expected start (days since 1970-01-01), span and value is worked out by hand from the
rows the test writes (a month's span is its number of days: January 31, February 2027 28);
the Excel tests compare with the same table read as CSV; every refusal is checked by the
field it names and its code (and rows, where it lists them).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from files import funnel_actuals, visitors
from files.funnel_actuals import (
    FunnelRead,
    SkippedFunnelRow,
    guess_columns,
    guess_file_columns,
    read_funnel_actuals,
)
from planner.actuals.funnel import daily
from planner.errors import FILE, PlanInvalid

STAGES = ["Visits", "Product views", "Add to cart", "Purchase"]
BOM = b"\xef\xbb\xbf"


def day(text: str) -> int:
    return (dt.date.fromisoformat(text) - dt.date(1970, 1, 1)).days


def days(*texts: str) -> list[int]:
    return [day(text) for text in texts]


def csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def read(data: bytes, **options: Any) -> FunnelRead:
    return read_funnel_actuals(data, stages=STAGES, **options)


def stages_of(result: FunnelRead) -> dict[str, list[float]]:
    return {name: values.tolist() for name, values in result.actuals.stages.items()}


def measures_of(result: FunnelRead) -> dict[str, list[float]]:
    return {name: values.tolist() for name, values in result.actuals.measures.items()}


def problems(data: bytes, **options: Any) -> list[tuple[str, str, dict[str, Any]]]:
    with pytest.raises(PlanInvalid) as error:
        read(data, **options)
    return [
        (problem.field, problem.code, dict(problem.context)) for problem in error.value.problems
    ]


def only_problem(data: bytes, **options: Any) -> tuple[str, str, dict[str, Any]]:
    (problem,) = problems(data, **options)
    return problem


def xlsx(rows: list[list[Any]], *, date_format: str = "yyyy-mm-dd") -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Funnel")
    dates = book.add_format({"num_format": date_format})
    for row_index, row in enumerate(rows):
        for column, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write_datetime(row_index, column, value, dates)
            else:
                sheet.write(row_index, column, value)
    book.close()
    return buffer.getvalue()


# --- Daily, weekly, monthly -------------------------------------------------------------------

DAILY = csv(
    "Date,Sessions,Add to cart,Customers,Revenue (SAR),Ad spend,Orders,Note",
    '2027-01-13,"1,000",50,10,"1,200.50",300,12,launch',
    "2027-01-14,1100,55,11,$1300,310,13,",
    "",
    "2027-01-15,900,45,9,1000.25 SAR,290,9,",
)


def test_a_daily_file_is_one_day_per_row() -> None:
    result = read(DAILY)

    assert result.actuals.starts.tolist() == days("2027-01-13", "2027-01-14", "2027-01-15")
    assert result.actuals.spans.tolist() == [1, 1, 1]
    assert stages_of(result) == {
        "Visits": [1000, 1100, 900],
        "Add to cart": [50, 55, 45],
        "Purchase": [10, 11, 9],
    }
    assert measures_of(result) == {
        "revenue": [1200.5, 1300, 1000.25],
        "orders": [12, 13, 9],
        "spend": [300, 310, 290],
    }
    assert result.columns == {
        "date": "Date",
        "Visits": "Sessions",
        "Add to cart": "Add to cart",
        "Purchase": "Customers",
        "revenue": "Revenue (SAR)",
        "orders": "Orders",
        "spend": "Ad spend",
    }
    assert result.unmatched == ("Note",)
    assert result.stages_missing == ("Product views",)
    assert (result.granularity, result.rows_read, result.rows_skipped) == ("day", 3, 0)
    assert (result.first_day, result.last_day) == (dt.date(2027, 1, 13), dt.date(2027, 1, 15))
    assert result.channels == ()
    assert result.actuals.channels is None


def test_a_weekly_file_covers_seven_days_per_row() -> None:
    """Mondays 4, 11 and 25 January 2027 (a week missing): 7 days each; 700 visits = 100 a day."""
    result = read(
        csv("Week,Visits,Purchases", "2027-01-04,700,7", "2027-01-11,1400,14", "2027-01-25,70,0")
    )

    assert result.granularity == "week"
    assert result.actuals.starts.tolist() == days("2027-01-04", "2027-01-11", "2027-01-25")
    assert result.actuals.spans.tolist() == [7, 7, 7]
    assert stages_of(result) == {"Visits": [700, 1400, 70], "Purchase": [7, 14, 0]}
    assert result.last_day == dt.date(2027, 1, 31)
    per_day = daily(result.actuals, day("2027-01-04"), day("2027-01-06"))
    assert per_day.stages["Visits"].tolist() == [100, 100, 100]


def test_a_monthly_file_covers_each_calendar_month() -> None:
    """January 2027 has 31 days, February 28, March 31; "2027-03" is March's first day."""
    result = read(
        csv(
            "Month,Sessions,Purchases,Revenue",
            "2027-01-01,31000,310,6200",
            "2027-02-01,28000,280,5600",
            "2027-03,31000,300,6000",
        )
    )

    assert result.granularity == "month"
    assert result.actuals.starts.tolist() == days("2027-01-01", "2027-02-01", "2027-03-01")
    assert result.actuals.spans.tolist() == [31, 28, 31]
    assert (result.first_day, result.last_day) == (dt.date(2027, 1, 1), dt.date(2027, 3, 31))
    per_day = daily(result.actuals, day("2027-02-01"), day("2027-02-01"))
    assert per_day.stages["Visits"].tolist() == [1000]


def test_granularity_given_overrides_the_detection() -> None:
    """Month given: a row dated 15 February covers February (from the 1st, 28 days)."""
    data = csv("Date,Visits", "2027-01-04,7", "2027-02-15,7")
    assert read(data).granularity == "week"  # Mondays 6 weeks apart
    result = read(data, granularity="month")
    assert result.actuals.starts.tolist() == days("2027-01-01", "2027-02-01")
    assert result.actuals.spans.tolist() == [31, 28]
    assert read(data, granularity="day").actuals.spans.tolist() == [1, 1]


def test_one_date_is_read_as_one_day() -> None:
    result = read(csv("Date,Visits", "2027-01-01,7", "2027-01-01,8"))
    assert (result.granularity, result.actuals.spans.tolist()) == ("day", [1, 1])


def test_dates_day_first_month_first_with_times_and_arabic_digits() -> None:
    """13/01 can only be day first; a time after the date is dropped (a row is a day)."""
    assert read(
        csv("Date,Visits", "13/01/2027,1", "14/01/2027 23:30,2")
    ).actuals.starts.tolist() == (days("2027-01-13", "2027-01-14"))
    assert read(csv("Date,Visits", "01/13/2027,1")).actuals.starts.tolist() == days("2027-01-13")
    assert read(csv("Date,Visits", "01/02/2027,1"), day_first=True).actuals.starts.tolist() == (
        days("2027-02-01")
    )
    assert read(csv("Date,Visits", "٢٠٢٧-٠١-١٣T10:00:00+03:00,1")).actuals.starts.tolist() == (
        days("2027-01-13")
    )


def test_the_spread_per_day_agrees_with_pandas() -> None:
    """Oracle: pandas resamples the weekly rows to days (each week's count / 7, forward)."""
    result = read(csv("Week,Visits", "2027-01-04,700", "2027-01-11,1400"))
    frame = pd.DataFrame(
        {"visits": [700 / 7, 1400 / 7]},
        index=pd.to_datetime(["2027-01-04", "2027-01-11"]),
    )
    expected = frame.reindex(pd.date_range("2027-01-04", "2027-01-17")).ffill()["visits"]
    per_day = daily(result.actuals, day("2027-01-04"), day("2027-01-17"))
    np.testing.assert_allclose(per_day.stages["Visits"], expected.to_numpy())


# --- Matching the headers ---------------------------------------------------------------------


def test_headers_match_ignoring_case_spaces_and_punctuation() -> None:
    guess = guess_columns(
        ["  DATE ", "visits", "product-views", "ADD_TO_CART", "purchase!", "Spend (USD)", "x"],
        STAGES,
    )
    assert guess.columns == {
        "date": "DATE",  # trimmed, as every model's text
        "Visits": "visits",
        "Product views": "product-views",
        "Add to cart": "ADD_TO_CART",
        "Purchase": "purchase!",
        "spend": "Spend (USD)",
    }
    assert (guess.unmatched, guess.stages_missing, guess.ambiguous) == (("x",), (), {})
    data = csv("  DATE ,visits", "2027-01-13,5")
    assert read(data).columns == read(data, mapping={"date": "DATE", "Visits": "visits"}).columns


def test_a_stage_named_exactly_wins_over_a_synonym() -> None:
    """The stage Purchase by its name; New customers is then the measure, not the stage."""
    guess = guess_columns(["Date", "Purchase", "New customers", "Returning customers"], STAGES)
    assert guess.columns["Purchase"] == "Purchase"
    assert guess.columns["new_customers"] == "New customers"
    assert guess.columns["returning_customers"] == "Returning customers"


def test_new_customers_is_the_last_stage_when_no_column_names_it() -> None:
    guess = guess_columns(["Date", "New customers"], STAGES)
    assert guess.columns == {"date": "Date", "Purchase": "New customers"}


def test_arabic_headers_and_values() -> None:
    """١٬٢٣٤ is 1,234; ١٢٫٥ ر.س is 12.5; التاريخ، الزيارات، العملاء، الإيرادات، الإنفاق."""
    result = read(
        csv(
            "التاريخ,الزيارات,العملاء,الإيرادات,الإنفاق,القناة",
            "١٣/٠١/٢٠٢٧,١٬٢٣٤,٥,١٢٫٥ ر.س,٣,إعلانات",
        )
    )
    assert result.actuals.starts.tolist() == days("2027-01-13")
    assert stages_of(result) == {"Visits": [1234], "Purchase": [5]}
    assert measures_of(result) == {"revenue": [12.5], "spend": [3]}
    assert result.channels == ("إعلانات",)


def test_arabic_synonyms_with_other_letter_forms() -> None:
    guess = guess_columns(["تاريخ", "جلسات", "زوار", "المشتريات", "التكلفة"], STAGES)
    assert guess.columns == {"date": "تاريخ", "Purchase": "المشتريات", "spend": "التكلفة"}
    assert guess.ambiguous == {"Visits": ("جلسات", "زوار")}


def test_a_utf8_bom_is_ignored() -> None:
    result = read(BOM + csv("Date,Visits", "2027-01-13,5"))
    assert result.columns == {"date": "Date", "Visits": "Visits"}


def test_semicolons_are_detected_from_the_header() -> None:
    result = read(csv("Date;Visits;Revenue", "2027-01-13;5;12.50"))
    assert (stages_of(result), measures_of(result)) == ({"Visits": [5]}, {"revenue": [12.5]})


def test_the_file_guess_is_what_reading_uses() -> None:
    guess = guess_file_columns(DAILY, stages=STAGES)
    assert guess.columns == read(DAILY).columns
    assert guess.model_dump()["unmatched"] == ("Note",)  # a plain, serialisable result


# --- The mapping ------------------------------------------------------------------------------


def test_the_mapping_replaces_the_guess() -> None:
    """Sessions read as product views; the guessed Customers column left out."""
    mapping = {"date": "Date", "Product views": "sessions", "orders": "Customers"}
    result = read(DAILY, mapping=mapping)
    assert stages_of(result) == {"Product views": [1000, 1100, 900]}
    assert measures_of(result) == {"orders": [10, 11, 9]}
    assert result.columns == {"date": "Date", "Product views": "Sessions", "orders": "Customers"}
    assert result.stages_missing == ("Visits", "Add to cart", "Purchase")
    assert "Revenue (SAR)" in result.unmatched


def test_a_mapping_naming_what_is_not_there_is_refused() -> None:
    found = problems(
        DAILY,
        mapping={"date": "Day", "Visits": "Sessions", "Checkout": "Orders", "spend": "Orders"},
    )
    assert [(field, code) for field, code, _context in found] == [
        ("mapping.date", "column_missing"),
        ("mapping.Checkout", "mapping_role_unknown"),
    ]


def test_a_column_mapped_twice_is_refused() -> None:
    field, code, context = only_problem(
        DAILY, mapping={"date": "Date", "Visits": "Sessions", "Purchase": "Sessions"}
    )
    assert (field, code, context["other"]) == ("mapping.Purchase", "column_reused", "Visits")


def test_revenue_alone_is_enough() -> None:
    result = read(csv("Date,Sales", "2027-01-13,99.5"))
    assert (stages_of(result), measures_of(result)) == ({}, {"revenue": [99.5]})
    assert result.stages_missing == tuple(STAGES)


# --- Channels and skipped rows ----------------------------------------------------------------


def test_channels_two_rows_per_date() -> None:
    result = read(
        csv(
            "Date,Channel,Sessions,Purchases",
            "2027-01-13,Ads,100,2",
            "2027-01-13, Email ,40,1",
            "2027-01-14,Email,50,1",
            "2027-01-14,Ads,90,3",
        )
    )
    assert result.channels == ("Ads", "Email")
    assert result.actuals.channels is not None
    assert result.actuals.channels.tolist() == [0, 1, 1, 0]
    assert result.actuals.channel_names == ("Ads", "Email")
    per_day = daily(result.actuals, day("2027-01-13"), day("2027-01-14"))
    assert per_day.stages["Visits"].tolist() == [140, 140]


def test_a_row_with_an_empty_mapped_cell_is_skipped_and_named() -> None:
    result = read(
        csv(
            "Date,Visits,Revenue,Note",
            "2027-01-13,10,5,",
            "2027-01-14,,6,",
            "",
            "2027-01-15,12,7,",
            ",13,8,",
            "2027-01-17,14,9,",
        )
    )
    assert result.actuals.starts.tolist() == days("2027-01-13", "2027-01-15", "2027-01-17")
    assert stages_of(result) == {"Visits": [10, 12, 14]}
    assert (result.rows_read, result.rows_skipped) == (5, 2)
    assert result.skipped == (
        SkippedFunnelRow(
            row=3, reason="value_missing", params={"column": "Visits", "role": "Visits"}
        ),
        SkippedFunnelRow(row=6, reason="value_missing", params={"column": "Date", "role": "date"}),
    )


def test_a_column_mostly_empty_is_refused_naming_its_rows() -> None:
    field, code, context = only_problem(
        csv("Date,Visits,Spend", "2027-01-13,1,", "2027-01-14,2,", "2027-01-15,3,4")
    )
    assert (field, code) == ("Spend", "values_missing")
    assert (context["rows"], context["count"]) == ((2, 3), 2)


# --- Excel ------------------------------------------------------------------------------------


def test_an_excel_file_reads_as_the_same_table_in_csv() -> None:
    rows: list[list[Any]] = [
        ["Date", "Sessions", "Purchases", "Revenue", "Channel"],
        [dt.date(2027, 1, 13), 1000, 10, 1200.5, "Ads"],
        [dt.date(2027, 1, 13), 400, 4, 300.25, "Email"],
        [dt.date(2027, 1, 14), 1100, 11, 1300, "Ads"],
    ]
    as_csv = csv(*(",".join(str(value) for value in row) for row in rows))
    from_excel, from_csv = read(xlsx(rows)), read(as_csv)

    assert from_excel.actuals.starts.tolist() == from_csv.actuals.starts.tolist()
    assert from_excel.actuals.spans.tolist() == from_csv.actuals.spans.tolist()
    assert (
        stages_of(from_excel)
        == stages_of(from_csv)
        == {
            "Visits": [1000, 400, 1100],
            "Purchase": [10, 4, 11],
        }
    )
    assert measures_of(from_excel) == measures_of(from_csv)
    assert from_excel.channels == from_csv.channels == ("Ads", "Email")


def test_excel_rows_keep_their_row_numbers_in_messages() -> None:
    rows: list[list[Any]] = [["Date", "Visits"], [dt.date(2027, 1, 13), 5], [], ["soon", 6]]
    field, code, context = only_problem(xlsx(rows))
    assert (field, code, context["rows"]) == ("Date", "date_invalid", (4,))


def test_excel_formulas_with_saved_values_are_read() -> None:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["Date", "Visits", "Purchases"])
    sheet.write_row(1, 0, ["2027-01-13", 100])
    sheet.write_formula(1, 2, "=B2/10", None, 10)
    book.close()
    assert stages_of(read(buffer.getvalue())) == {"Visits": [100], "Purchase": [10]}


def test_excel_formulas_without_saved_values_are_refused() -> None:
    book = openpyxl.Workbook()
    book.active.append(["Date", "Visits", "Purchases"])
    book.active.append(["2027-01-13", 100, "=B2/10"])
    buffer = io.BytesIO()
    book.save(buffer)
    field, code, context = only_problem(buffer.getvalue())
    assert (field, code, context["cells"]) == (FILE, "xlsx_formulas", ("C2",))


def test_a_zip_bomb_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", bytes(3_000_000))
    assert only_problem(buffer.getvalue())[:2] == (FILE, "xlsx_bomb")


def test_an_old_xls_is_refused() -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
    assert only_problem(data)[:2] == (FILE, "xls_format")


# --- Hostile files ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        (b"", FILE, "file_empty"),
        (BOM + b"\n \n", FILE, "file_empty"),
        (b"Date,Visits\n", FILE, "no_rows"),
        (b"\x00\x01\x02binary\xff\xfe junk", FILE, "not_csv"),
        (b"Date,Visits\n2027-01-13,\xff\n", FILE, "not_utf8"),
        (b"%PDF-1.7 ...", FILE, "not_csv"),
        (csv("Day of week,Visits", "Mon,5"), "mapping.date", "column_missing"),
        (csv("Date,Day,Visits", "2027-01-13,2027-01-13,5"), "mapping.date", "column_ambiguous"),
        (csv("Date,Notes", "2027-01-13,hi"), FILE, "no_stage_columns"),
        (csv("Date,Visits", "2027-01-13,5,6"), FILE, "row_columns"),
        (csv("Date,Visits", '2027-01-13,"5', "2027-01-14,6"), FILE, "multiline_value"),
    ],
    ids=[
        "empty",
        "blank",
        "header only",
        "binary",
        "not utf-8",
        "pdf",
        "no date",
        "two dates",
        "no stage",
        "extra field",
        "open quote",
    ],
)
def test_a_file_that_cannot_be_read_says_why(data: bytes, field: str, code: str) -> None:
    assert only_problem(data)[:2] == (field, code)


def test_non_numeric_and_fractional_counts_are_refused_naming_rows() -> None:
    field, code, context = only_problem(
        csv("Date,Visits", "2027-01-13,12", "2027-01-14,twelve", "2027-01-15,-3", "2027-01-16,1.5")
    )
    assert (field, code) == ("Visits", "count_invalid")
    assert (context["rows"], context["count"], context["got"]) == ((3, 4, 5), 3, '"twelve"')


def test_a_bad_amount_is_refused() -> None:
    """A decimal comma is refused rather than guessed, as the order log's amounts are."""
    field, code, context = only_problem(csv("Date,Revenue", '2027-01-13,"12,5"'))
    assert (field, code, context["got"]) == ("Revenue", "amount_invalid", '"12,5"')


def test_mixed_date_formats_are_refused() -> None:
    field, code, context = only_problem(csv("Date,Visits", "13/01/2027,1", "01/14/2027,2"))
    assert (field, code, context["rows"]) == ("Date", "date_order_mixed", (2, 3))


def test_ambiguous_day_order_is_refused_unless_given() -> None:
    assert only_problem(csv("Date,Visits", "01/02/2027,1"))[:2] == ("Date", "date_order_ambiguous")


def test_a_file_over_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(funnel_actuals, "MAX_FILE_BYTES", 20)
    field, code, context = only_problem(DAILY)
    assert (field, code, context["limit"]) == (FILE, "file_too_large", 20)
    assert visitors.MAX_FILE_BYTES == 200_000_000


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.binary(max_size=400),
        st.lists(
            st.sampled_from(
                [
                    "Date",
                    "Visits",
                    "Revenue",
                    "Channel",
                    ",",
                    ";",
                    "\n",
                    "\r",
                    '"',
                    " ",
                    "2027-01-13",
                    "13/01/2027",
                    "1,234",
                    "١٢",
                    "-",
                    ".",
                    "x",
                    "\ufeff",
                    "2027-02",
                    "12.5",
                    "$",
                ]
            ),
            max_size=40,
        ).map(lambda parts: "".join(parts).encode()),
    )
)
def test_any_bytes_read_or_raise_plan_invalid(data: bytes) -> None:
    """Whatever the bytes, reading returns actuals or raises PlanInvalid, never else."""
    try:
        result = read(data)
    except PlanInvalid as error:
        assert error.problems  # noqa: PT017 (the point: only PlanInvalid may come out)
        return
    assert len(result.actuals.starts) == result.rows_read - result.rows_skipped
