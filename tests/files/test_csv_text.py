"""What every CSV reader shares (``files.csv_text``), checked against independent oracles.

Row numbers are checked against a brute-force oracle (the file split into lines by Python's
``re``, blank ones counted by hand); the fast folding of statuses (``text_keys``, pyarrow)
against the slow one of headers (``header_key``, Python's ``unicodedata``); the rest against
values worked by hand.
"""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from files import csv_text
from files.csv_text import (
    BOM,
    RowNumbers,
    bad_rows,
    check_file,
    column_ambiguous,
    column_missing,
    columns_reused,
    header_key,
    numbers_in_text,
    read_header,
    text_keys,
)
from planner.errors import FILE, PlanInvalid


def refusal(data: bytes, limit: int = 1_000) -> tuple[str, str, dict[str, object]]:
    with pytest.raises(PlanInvalid) as error:
        check_file(data, limit=limit, kind="an order file", items="orders")
    (problem,) = error.value.problems
    return problem.field, problem.code, dict(problem.context)


# --- The bytes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "code", "context"),
    [
        pytest.param(b"", "file_empty", {}, id="empty"),
        pytest.param(BOM + b" \r\n\t", "file_empty", {}, id="bom-and-spaces"),
        pytest.param(b"\xff\xfed\x00a\x00", "encoding", {"encoding": "UTF-16"}, id="utf-16-mark"),
        pytest.param(b"\x00\x00\xfe\xff", "encoding", {"encoding": "UTF-32"}, id="utf-32-mark"),
        pytest.param("date".encode("utf-16-le"), "encoding", {"encoding": "UTF-16"}, id="utf-16"),
        pytest.param(b"PK\x03\x04rest", "not_csv", {"kind": "zip"}, id="xlsx"),
        pytest.param(b"%PDF-1.7", "not_csv", {"kind": "pdf"}, id="pdf"),
        pytest.param(b"a,b\n1,\x00\x002\n" * 3, "not_csv", {"kind": "binary"}, id="nul-bytes"),
        # "é" in Latin-1 is 0xE9: line 2, after "a," → column 3
        pytest.param(
            b"x,y\na,\xe9\n",
            "not_utf8",
            {"byte": "0xE9", "line": 2, "column": 3},
            id="latin-1",
        ),
    ],
)
def test_bytes_that_are_no_utf8_csv_are_named(
    data: bytes, code: str, context: dict[str, object]
) -> None:
    field, found, found_context = refusal(data)
    assert (field, found) == (FILE, code)
    assert context.items() <= found_context.items()


def test_a_file_over_the_limit_names_its_size_and_the_limit() -> None:
    field, code, context = refusal(b"date,total\n2027-01-13,5\n", limit=10)
    assert (field, code, context) == (FILE, "file_too_large", {"size": 24, "limit": 10})


def test_utf8_with_a_byte_order_mark_and_arabic_passes() -> None:
    check_file(BOM + "التاريخ,المبلغ\n٢٠٢٧,٥\n".encode(), limit=1_000, kind="a", items="b")


@pytest.mark.parametrize(
    ("line", "fields", "delimiter"),
    [
        pytest.param(b"date,email,total", ["date", "email", "total"], ",", id="comma"),
        pytest.param(b"date;email;total", ["date", "email", "total"], ";", id="semicolon"),
        pytest.param(b"date\temail", ["date", "email"], "\t", id="tab"),
        pytest.param(b'"Order id"|total', ["Order id", "total"], "|", id="bar-quoted"),
        pytest.param(b"date", ["date"], ",", id="one-column"),
    ],
)
def test_the_header_and_its_delimiter(line: bytes, fields: list[str], delimiter: str) -> None:
    assert read_header(BOM + b"\r\n\n" + line + b"\r\nx\n") == (fields, delimiter)


# --- Headers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "key"),
    [
        (" Order Total (SAR) ", "ordertotalsar"),
        ("order_total", "ordertotal"),
        ("Order #", "order"),
        ("الإجمالي", "الاجمالي"),
        ("إجمالـي الطلب", "اجماليالطلب"),  # tatweel dropped
        ("حالةُ الطلب", "حالهالطلب"),  # a diacritic dropped, ta marbuta folded
    ],
)
def test_header_keys_fold_case_spaces_punctuation_and_arabic_forms(header: str, key: str) -> None:
    assert header_key(header) == key


_STATUS_TEXT = st.text(
    alphabet=st.sampled_from(
        list("abcXYZ019 -_#.") + list("أإآٱاىيةهـملغتدسرجع") + ["\u064e", "\u0650", "\u0652"]
    ),
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_STATUS_TEXT, min_size=1, max_size=8))
def test_text_keys_fold_as_header_key_does(values: list[str]) -> None:
    """Oracle: ``header_key``, the same folding one value at a time with ``unicodedata``."""
    assert text_keys(pa.array(values)).to_pylist() == [header_key(value) for value in values]


def test_column_problems_name_the_option_and_the_columns() -> None:
    missing = column_missing("date_column", "date", None, ["when", "total"], ["date", "day", "x"])
    assert (missing.field, missing.code) == ("date_column", "column_missing")
    assert missing.message == (
        "the file has no date column (date, day, x…); its columns are when, total"
    )
    named = column_missing("date_column", "date", "Day", [f"c{n}" for n in range(25)], ["date"])
    assert named.message.endswith("c19 and 5 more")
    assert 'has no column "Day"' in named.message
    ambiguous = column_ambiguous("order_column", "order", ["Order ID", "Order"])
    assert ambiguous.context == {"role": "order", "columns": ("Order ID", "Order")}
    [reused] = columns_reused(
        {"date": "Date", "amount": "Total", "channel": "Date"},
        {"date": "date_column", "amount": "amount_column", "channel": "channel_column"},
    )
    assert (reused.field, reused.code, reused.context["other"]) == (
        "channel_column",
        "column_reused",
        "date",
    )


def test_bad_rows_are_listed_with_how_many_more() -> None:
    problem = bad_rows(
        "Total", "amount", "amount_invalid", "must be x", (3, 9, 12, 15, 18), 7, "'a'"
    )
    assert problem.message == "row 3: must be x, got 'a'; 6 more rows like it (rows 9, 12, 15, 18…)"
    assert problem.context["rows"] == (3, 9, 12, 15, 18)
    assert problem.context["count"] == 7
    one = bad_rows("Total", "amount", "amount_invalid", "must be x", (4,), 1, "'a'")
    assert one.message == "row 4: must be x, got 'a'"


# --- Numbers -----------------------------------------------------------------------------------


def test_numbers_written_as_text() -> None:
    written = ["$1,234.50", "12 SAR", "١٢٫٥ ر.س", "-7", "", "12,5", "1.234,50 €", ".5", "abc"]
    numbers, empty, unreadable = numbers_in_text(pa.array(written))
    assert numbers.tolist() == [1234.5, 12.0, 12.5, -7.0, 0.0, 0.0, 0.0, 0.5, 0.0]
    assert empty.tolist() == [False, False, False, False, True, False, False, False, False]
    assert unreadable.tolist() == [5, 6, 8]


# --- Row numbers -------------------------------------------------------------------------------


def oracle_row_numbers(data: bytes) -> list[int]:
    """Each record's 1-based line number, by splitting the text with ``re`` (brute force)."""
    text = data.removeprefix(BOM).decode()
    lines = re.split(r"\r\n|\n|\r", text)
    if lines and lines[-1] == "":
        lines.pop()  # the file ends with a line break
    filled = [number for number, line in enumerate(lines, start=1) if line != ""]
    return filled[1:]  # the first line that is not blank is the header


_LINES = st.lists(st.sampled_from(["", "a,1", "bb,22", " ,3"]), min_size=1, max_size=40)
_BREAKS = st.sampled_from(["\n", "\r\n", "\r"])


@settings(max_examples=150, deadline=None)
@given(
    lines=_LINES,
    breaks=st.lists(_BREAKS, min_size=40, max_size=40),
    bom=st.booleans(),
    scan=st.sampled_from([1, 8, 1 << 16]),
)
def test_row_numbers_match_a_line_by_line_count(
    lines: list[str], breaks: list[str], bom: bool, scan: int
) -> None:
    """Oracle: ``oracle_row_numbers``; small first scans make the reader grow its window."""
    text = "".join(line + end for line, end in zip(["h,v", *lines], breaks, strict=False))
    data = (BOM if bom else b"") + text.encode()
    expected = oracle_row_numbers(data)
    previous = csv_text._FIRST_SCAN
    csv_text._FIRST_SCAN = scan  # not monkeypatch: hypothesis runs many examples per test
    try:
        found = RowNumbers(data).of_records(np.arange(len(expected)))
    finally:
        csv_text._FIRST_SCAN = previous
    assert list(found) == expected


def test_rows_near_the_top_of_a_large_file_are_named_without_reading_it_all() -> None:
    """A row far below the first scan still counts the blank line above it (worked by hand).

    Lines: 1 header, 2 blank, 3..100_002 records, so record i is on line i + 3.
    """
    data = b"h\n\n" + b"x,1\n" * 100_000
    rows = RowNumbers(data)
    assert rows.of_records([0, 4, 99_999]) == (3, 7, 100_002)
    assert (rows.lines, rows.blank) == (100_002, 1)


def test_the_old_names_are_still_importable_from_the_visitor_reader() -> None:
    from files import visitors

    assert visitors._check_utf8 is csv_text.check_utf8
    assert visitors._RowNumbers is csv_text.RowNumbers
    assert visitors._header is csv_text.read_header
    assert visitors.header_key is csv_text.header_key
