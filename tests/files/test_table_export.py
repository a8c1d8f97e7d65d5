"""Generic table downloads: CSV read back with ``csv``, workbooks read back with openpyxl.

The oracles are the readers themselves (Python's ``csv`` module, openpyxl) and values worked by
hand: what goes in as a number must come back as the same number, text as the same text (made
inert when a spreadsheet would run it), and nothing as an empty field or cell.
"""

from __future__ import annotations

import csv
import io
import math
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from files.cells import neutralise
from files.table_export import (
    MAX_COLUMNS,
    MAX_ROWS,
    Cell,
    Table,
    table_csv,
    tables_workbook,
    unique_sheet_name,
)
from planner.errors import PlanInvalid
from tests.files.spreadsheet import ACCEPTED_INJECTIONS

BOM = b"\xef\xbb\xbf"


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(BOM)
    return list(csv.reader(io.StringIO(data[len(BOM) :].decode("utf-8"), newline="")))


def read_book(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


# --- CSV --------------------------------------------------------------------------------------


def test_csv_has_a_bom_and_reads_back_row_by_row() -> None:
    """Hand-written expectations: plain numbers, ISO days, empty for none and NaN."""
    rows: list[list[Cell]] = [
        ["Sessions", 1234.5, 10**20, None],
        ["قناة", 0.00001, -3, float("nan")],
        ["Email, paid", Decimal("12.50"), date(2027, 3, 31), float("inf")],
    ]
    data = table_csv(["Channel", "Value", "Big", "Empty"], rows)
    assert read_csv(data) == [
        ["Channel", "Value", "Big", "Empty"],
        ["Sessions", "1234.5", "100000000000000000000", ""],
        ["قناة", "0.00001", "-3", ""],
        ["Email, paid", "12.5", "2027-03-31", ""],
    ]


@pytest.mark.parametrize("text", ACCEPTED_INJECTIONS)
def test_csv_text_that_a_spreadsheet_would_run_stays_text(text: str) -> None:
    (header, row) = read_csv(table_csv([text], [[text]]))
    assert header == row == ["'" + text]


@given(
    st.lists(
        st.tuples(st.text(max_size=30), st.floats(allow_nan=False, allow_infinity=False)),
        max_size=8,
    )
)
def test_csv_round_trips_any_text_and_finite_number(pairs: list[tuple[str, float]]) -> None:
    """Property: text comes back as ``neutralise(text)``, a finite float as the same float."""
    data = table_csv(["text", "number"], [[text, value] for text, value in pairs])
    (_, *rows) = read_csv(data)
    assert [(text, float(number)) for text, number in rows] == [
        (neutralise(text), value) for text, value in pairs
    ]


# --- Excel ------------------------------------------------------------------------------------


def test_workbook_keeps_numbers_dates_and_text_with_column_formats() -> None:
    sheets: list[Table] = [
        (
            "Channels",
            ["Channel", "Revenue", "Share", "Day"],
            [
                ["Email", 1200.5, 0.25, date(2027, 1, 2)],
                ['=HYPERLINK("http://x","y")', None, float("nan"), None],
            ],
        )
    ]
    formats = {"Revenue": '"$"#,##0.00', "Share": "0.0%"}
    sheet = read_book(tables_workbook(sheets, number_formats=formats))["Channels"]
    assert [cell.value for cell in sheet[1]] == ["Channel", "Revenue", "Share", "Day"]
    assert [cell.value for cell in sheet[2]] == ["Email", 1200.5, 0.25, datetime(2027, 1, 2)]
    assert (sheet["B2"].number_format, sheet["C2"].number_format) == ('"$"#,##0.00', "0.0%")
    assert sheet["D2"].number_format == "yyyy-mm-dd"
    assert sheet["A3"].value == "'" + '=HYPERLINK("http://x","y")'
    assert sheet["A3"].data_type == "s"
    assert [sheet.cell(3, col).value for col in (2, 3, 4)] == [None, None, None]


def test_workbook_sheets_read_right_to_left_when_asked() -> None:
    tables: list[Table] = [("أ", ["x"], [[1]]), ("ب", ["y"], [[2]])]
    book = read_book(tables_workbook(tables, right_to_left=True))
    assert [sheet.sheet_view.rightToLeft for sheet in book.worksheets] == [True, True]
    plain = read_book(tables_workbook(tables))
    assert not any(sheet.sheet_view.rightToLeft for sheet in plain.worksheets)


def test_sheet_names_are_made_valid_and_unique() -> None:
    """Excel: at most 31 characters, no brackets, colon, star, slashes; unique ignoring case."""
    names = ["Sales/Month", "sales/month", "x" * 40, "x" * 40, "", "[]"]
    book = read_book(tables_workbook([(name, ["a"], []) for name in names]))
    assert book.sheetnames == [
        "SalesMonth",
        "salesmonth (2)",
        "x" * 31,
        "x" * 27 + " (2)",
        "Sheet",
        "Sheet (2)",
    ]


def test_unique_sheet_name_counts_on() -> None:
    taken: set[str] = set()
    assert [unique_sheet_name("KPIs", taken) for _ in range(3)] == ["KPIs", "KPIs (2)", "KPIs (3)"]


def test_numbers_beyond_excel_are_left_empty() -> None:
    """Excel's largest number is 9.99999999999999E+307; the largest float is 1.8E+308."""
    row: list[Cell] = [1.7e308, -1e308, 9e307, 10**400]
    sheet = read_book(tables_workbook([("T", ["a", "b", "c", "d"], [row])])).worksheets[0]
    assert [cell.value for cell in sheet[2]] == [None, None, 9e307, None]


def test_a_table_longer_than_a_sheet_is_refused() -> None:
    rows: list[list[Any]] = [[1]] * MAX_ROWS  # one more than fits below the header
    with pytest.raises(PlanInvalid) as refused:
        tables_workbook([("Orders", ["n"], rows)])
    (problem,) = refused.value.problems
    assert (problem.field, problem.code) == ("sheets[0]", "table_too_many_rows")
    assert problem.context == {"limit": MAX_ROWS - 1, "rows": MAX_ROWS}


def test_a_table_wider_than_a_sheet_is_refused() -> None:
    header = [f"c{index}" for index in range(MAX_COLUMNS + 1)]
    with pytest.raises(PlanInvalid) as refused:
        tables_workbook([("Fine", ["a"], []), ("Wide", header, [])])
    (problem,) = refused.value.problems
    assert (problem.field, problem.code) == ("sheets[1]", "table_too_many_columns")
    assert problem.context == {"limit": MAX_COLUMNS, "columns": MAX_COLUMNS + 1}


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.none(),
            # Control characters are stored escaped (_x001F_), as OOXML asks; openpyxl reads that.
            st.text(st.characters(exclude_categories=["Cc", "Cs"]), max_size=20),
            st.floats(min_value=-1e300, max_value=1e300),
            st.integers(min_value=-(2**53), max_value=2**53),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_workbook_round_trips_any_row(row: list[Cell]) -> None:
    """Property: a number comes back as the same number, text inert, none as an empty cell.

    XlsxWriter writes a number with 16 significant digits (Excel keeps 15), so a float comes
    back within one part in 10¹⁵.
    """
    sheet = read_book(tables_workbook([("T", ["h"] * len(row), [row])])).worksheets[0]
    for col, value in enumerate(row, start=1):
        got = sheet.cell(2, col).value
        if value is None or value == "":
            assert got is None
        elif isinstance(value, str):
            assert got == neutralise(value)
        else:
            assert isinstance(got, int | float)
            assert isinstance(value, int | float)
            assert math.isclose(got, value, rel_tol=1e-15, abs_tol=1e-300)
