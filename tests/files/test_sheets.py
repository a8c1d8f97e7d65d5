"""An .xlsx sheet read as CSV, and hostile workbooks refused with one clear problem each.

Workbooks are built here with XlsxWriter (which can save a formula's value, as Excel does)
and openpyxl (which saves formulas without one); the expected CSV is written out by hand
from the cells each test writes. Zip bombs are small zips whose directory is patched to
declare what a bomb's would, or whose member packs as tightly as deflate allows.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from files import sheets
from files.sheets import is_excel, is_xlsx, sheet_names, xlsx_to_csv
from planner.errors import FILE, PlanInvalid

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def workbook(fill: Callable[[Any, Any], None], *, sheet: str = "Sheet1") -> bytes:
    """An .xlsx built by XlsxWriter: ``fill(book, worksheet)`` writes the cells."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    fill(book, book.add_worksheet(sheet))
    book.close()
    return buffer.getvalue()


def rows_book(*rows: list[Any], sheet: str = "Sheet1") -> bytes:
    def fill(_book: Any, worksheet: Any) -> None:
        for index, row in enumerate(rows):
            worksheet.write_row(index, 0, row)

    return workbook(fill, sheet=sheet)


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def with_member(data: bytes, name: str, change: Callable[[bytes], bytes]) -> bytes:
    """The workbook with one member's bytes changed."""
    source = zipfile.ZipFile(io.BytesIO(data))
    members = {info.filename: source.read(info) for info in source.infolist()}
    members[name] = change(members[name])
    return zipped(members)


def declare_sizes(data: bytes, size: int) -> bytes:
    """Patch every central directory entry to declare ``size`` unpacked bytes."""
    raw = bytearray(data)
    start = 0
    while (start := raw.find(b"PK\x01\x02", start)) >= 0:
        struct.pack_into("<I", raw, start + 24, size)  # uncompressed size
        start += 4
    return bytes(raw)


def only_problem(data: bytes, **options: Any) -> tuple[str, str, dict[str, Any]]:
    with pytest.raises(PlanInvalid) as error:
        xlsx_to_csv(data, **options)
    (problem,) = error.value.problems
    return problem.field, problem.code, dict(problem.context)


# --- Values as the CSV readers read them ------------------------------------------------------


def test_values_are_written_as_a_csv_reader_reads_them() -> None:
    """Oracle: each cell's text worked out by hand from the value written."""

    def fill(book: Any, worksheet: Any) -> None:
        day = book.add_format({"num_format": "yyyy-mm-dd"})
        moment = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        worksheet.write_row(0, 0, ["Date", "Count", "Share", "Tiny", "Huge", "Paid", "Note"])
        worksheet.write_datetime(1, 0, dt.datetime(2027, 1, 13), day)
        worksheet.write_row(1, 1, [1200.0, 0.125, 0.00001, 1e20, True, "two\nlines"])
        worksheet.write_datetime(2, 0, dt.datetime(2027, 1, 14, 10, 15), moment)
        worksheet.write_row(2, 1, [-3, 2.5, None, None, False, 'say "hi", then'])

    assert xlsx_to_csv(workbook(fill)) == (
        b"Date,Count,Share,Tiny,Huge,Paid,Note\n"
        b"2027-01-13,1200,0.125,0.00001,100000000000000000000,TRUE,two lines\n"
        b'2027-01-14 10:15:00,-3,2.5,,,FALSE,"say ""hi"", then"\n'
    )


def test_rows_are_padded_empty_rows_kept_and_trailing_ones_dropped() -> None:
    """Oracle: the sheet's grid by hand; an empty row stays a blank line (row numbers kept)."""

    def fill(_book: Any, worksheet: Any) -> None:
        worksheet.write_row(1, 0, ["Date", "Visits"])  # row 2: a blank row 1 above the header
        worksheet.write_row(2, 0, ["2027-01-13"])
        worksheet.write_row(4, 0, ["2027-01-15", 9, None, "x"])
        worksheet.write_string(9, 0, "")  # an empty cell far below: no row
        worksheet.write_blank(12, 8, None, None)

    assert xlsx_to_csv(workbook(fill)) == (b"\nDate,Visits,,\n2027-01-13,,,\n\n2027-01-15,9,,x\n")


def test_an_empty_sheet_is_empty_csv() -> None:
    assert xlsx_to_csv(rows_book()) == b""


def test_the_named_sheet_is_read_and_the_first_by_default() -> None:
    def fill(book: Any, worksheet: Any) -> None:
        worksheet.write_row(0, 0, ["first"])
        book.add_worksheet("Funnel").write_row(0, 0, ["second"])

    data = workbook(fill, sheet="Notes")
    assert xlsx_to_csv(data) == b"first\n"
    assert xlsx_to_csv(data, sheet="Funnel") == b"second\n"
    assert xlsx_to_csv(data, sheet=" funnel ") == b"second\n"
    assert sheet_names(data) == ["Notes", "Funnel"]


def test_a_sheet_that_does_not_exist_lists_the_sheets() -> None:
    field, code, context = only_problem(rows_book(["a"], sheet="Data"), sheet="Funnel")
    assert (field, code) == ("sheet", "sheet_missing")
    assert context == {"given": "Funnel", "sheets": ('"Data"',), "count": 1}


def test_a_lying_dimension_does_not_pad_the_rows() -> None:
    """A <dimension> claiming the whole sheet would make openpyxl pad every row to XFD."""
    data = with_member(
        rows_book(["Date", "Visits"], ["2027-01-13", 5]),
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b'<dimension ref="A1:B2"/>', b'<dimension ref="A1:XFD1048576"/>'),
    )
    assert xlsx_to_csv(data) == b"Date,Visits\n2027-01-13,5\n"


def test_the_signatures_tell_workbooks_apart() -> None:
    assert is_xlsx(rows_book(["a"]))
    assert is_excel(rows_book(["a"]))
    assert is_excel(OLE + bytes(100))
    assert not is_xlsx(OLE + bytes(100))
    assert not is_excel(b"Date,Visits\n")


# --- Formulas ---------------------------------------------------------------------------------


def test_formulas_with_saved_values_read_as_their_values() -> None:
    """XlsxWriter saves the value given, as Excel does on saving.

    Excel saves a formula giving the empty text as ``t="str"`` with an empty value; that
    is a value too (written into the XML here: XlsxWriter leaves the type out).
    """

    def fill(_book: Any, worksheet: Any) -> None:
        worksheet.write_row(0, 0, ["Visits", "Double", "Blank", "Name"])
        worksheet.write_number(1, 0, 21)
        worksheet.write_formula(1, 1, "=A2*2", None, 42)
        worksheet.write_formula(1, 2, '=IF(A2>100,"big","")', None, "")
        worksheet.write_formula(1, 3, '="shop"', None, "shop")

    data = with_member(
        workbook(fill),
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b'<c r="C2">', b'<c r="C2" t="str">'),
    )
    assert xlsx_to_csv(data) == b"Visits,Double,Blank,Name\n21,42,,shop\n"


def test_formulas_without_saved_values_are_refused_naming_the_cells() -> None:
    """Openpyxl saves formulas with no value: reading them would give empty cells."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Visits", "Double", "Triple"])
    for row in range(2, 10):
        sheet.append([row, f"=A{row}*2", f"=A{row}*3"])
    buffer = io.BytesIO()
    book.save(buffer)

    field, code, context = only_problem(buffer.getvalue())

    assert (field, code) == (FILE, "xlsx_formulas")
    assert context == {"cells": ("B2", "C2", "B3", "C3", "B4"), "count": 16}


def test_formulas_on_another_sheet_do_not_matter() -> None:
    book = openpyxl.Workbook()
    book.active.append(["Visits"])
    book.active.append([3])
    book.create_sheet("Workings").append(["=1+1"])
    buffer = io.BytesIO()
    book.save(buffer)

    assert xlsx_to_csv(buffer.getvalue()) == b"Visits\n3\n"


# --- Hostile files ----------------------------------------------------------------------------


def test_an_old_xls_is_refused_asking_for_xlsx_or_csv() -> None:
    field, code, _context = only_problem(OLE + bytes(600))
    assert (field, code) == (FILE, "xls_format")


def test_a_password_protected_workbook_is_refused() -> None:
    encrypted = OLE + bytes(200) + "EncryptedPackage".encode("utf-16-le") + bytes(200)
    assert only_problem(encrypted)[:2] == (FILE, "xlsx_encrypted")


@pytest.mark.parametrize(
    ("data", "code", "context"),
    [
        (b"PK\x03\x04" + bytes(50), "xlsx_corrupt", {}),
        (b"Date,Visits\n", "xlsx_not_workbook", {"kind": "other"}),
        (zipped({"notes.txt": b"hello"}), "xlsx_not_workbook", {"kind": "zip"}),
        (
            zipped({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}),
            "xlsx_not_workbook",
            {"kind": "ods"},
        ),
    ],
    ids=["corrupt zip", "not a zip", "some other zip", "opendocument"],
)
def test_what_is_not_a_workbook_says_so(data: bytes, code: str, context: dict[str, Any]) -> None:
    assert only_problem(data) == (FILE, code, context)


def test_a_truncated_workbook_is_damaged() -> None:
    data = rows_book(["Date", "Visits"], ["2027-01-13", 5])
    assert only_problem(data[: len(data) // 2])[:2] == (FILE, "xlsx_corrupt")


def test_a_member_packed_like_a_bomb_is_refused_before_it_is_unpacked() -> None:
    """3 MB of zeros packs about 1,000 to 1 (deflate's most); sheets pack 5 to 50 to 1."""
    bomb = zipped({"xl/worksheets/sheet1.xml": bytes(3_000_000)})
    field, code, context = only_problem(bomb)
    assert (field, code) == (FILE, "xlsx_bomb")
    assert context["member"] == '"xl/worksheets/sheet1.xml"'
    assert context["ratio"] > sheets.MAX_RATIO


def test_a_workbook_declaring_more_than_the_cap_is_refused_unopened() -> None:
    declared = declare_sizes(rows_book(["a"]), sheets.MAX_UNPACKED_BYTES // 4)
    assert only_problem(declared) == (FILE, "xlsx_too_large", {"limit": sheets.MAX_UNPACKED_BYTES})


def test_a_member_unpacking_to_more_than_it_declares_is_refused() -> None:
    """Declared sizes can lie: unpacking stops at the declared size and the CRC then fails."""
    lying = declare_sizes(zipped({"xl/workbook.xml": b"<workbook/>" * 10_000}), 100)
    assert only_problem(lying)[:2] == (FILE, "xlsx_corrupt")


def test_unpacking_counts_the_real_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The running count stops a workbook the directory check let through."""
    data = rows_book(*([f"row {index}" * 10] for index in range(200)))
    monkeypatch.setattr(sheets, "MAX_UNPACKED_BYTES", 2_000)

    def declared_check_passed(archive: zipfile.ZipFile) -> set[str]:
        return sheets._unpack_all(archive, archive.infolist())

    monkeypatch.setattr(sheets, "_check_members", declared_check_passed)
    assert only_problem(data)[:2] == (FILE, "xlsx_too_large")


def test_too_many_rows_or_cells_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    data = rows_book(*([index, index, index] for index in range(10)))
    monkeypatch.setattr(sheets, "MAX_ROWS", 9)
    assert only_problem(data) == (FILE, "xlsx_too_many_rows", {"limit": 9})
    monkeypatch.setattr(sheets, "MAX_ROWS", 10)
    monkeypatch.setattr(sheets, "MAX_CELLS", 29)
    assert only_problem(data) == (FILE, "xlsx_too_many_cells", {"limit": 29})


def test_a_row_numbered_far_down_is_stopped_by_the_row_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Openpyxl fills in every empty row above a row numbered 1e9; the count stops it."""
    data = with_member(
        rows_book(["a"], ["b"]),
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b'<row r="2"', b'<row r="1000000000"').replace(
            b'r="A2"', b'r="A1000000000"'
        ),
    )
    monkeypatch.setattr(sheets, "MAX_ROWS", 1_000)
    assert only_problem(data)[:2] == (FILE, "xlsx_too_many_rows")


def test_a_file_over_the_limit_is_refused_by_its_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sheets, "MAX_FILE_BYTES", 100)
    field, code, context = only_problem(rows_book(["a"]))
    assert (field, code, context["limit"]) == (FILE, "file_too_large", 100)


def test_malformed_sheet_xml_is_damaged_not_a_crash() -> None:
    data = with_member(rows_book(["a"]), "xl/worksheets/sheet1.xml", lambda xml: xml[:-40])
    assert only_problem(data)[:2] == (FILE, "xlsx_corrupt")


_VALID = rows_book(["Date", "Visits"], ["2027-01-13", 5], ["2027-01-14", 6])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.binary(max_size=300),
        st.binary(max_size=300).map(lambda tail: b"PK\x03\x04" + tail),
        st.binary(max_size=300).map(lambda tail: OLE + tail),
        st.lists(
            st.tuples(st.integers(0, len(_VALID) - 1), st.integers(0, 255)),
            min_size=1,
            max_size=8,
        ).map(lambda flips: bytes(_apply(bytearray(_VALID), flips))),
    )
)
def test_any_bytes_read_or_raise_plan_invalid(data: bytes) -> None:
    """Random bytes, zip-looking junk and a real workbook with bytes changed."""
    try:
        xlsx_to_csv(data)
    except PlanInvalid as error:
        problems = error.problems
    else:
        problems = [None]
    assert len(problems) == 1


def _apply(raw: bytearray, flips: list[tuple[int, int]]) -> bytearray:
    for position, value in flips:
        raw[position] = value
    return raw
