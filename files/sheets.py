"""An Excel workbook (.xlsx) read as CSV, so every CSV reader of the files takes Excel too.

``xlsx_to_csv`` writes one sheet (the first, or the one named) as UTF-8 CSV:

- a date is written ISO (``2027-01-13``), a date with a time ``2027-01-13 10:15:00``, a
  time ``10:15:00``; a number as a plain decimal (``1200``, ``0.125``, never ``1.2e3``);
  true/false as ``TRUE``/``FALSE``; an error value as Excel shows it (``#DIV/0!``);
- a text holding line breaks is written on one line (each break becomes a space), because
  the CSV readers take one line per row;
- every row that holds a value gets the same number of fields (the widest row's, trailing
  empty columns dropped); an empty row is written as a blank line, so a row keeps the number
  it has in Excel (the readers skip blank lines but count them); empty rows at the end are
  dropped.

A workbook is a zip of XML files, and a hostile one can be made to exhaust memory or time.
Before openpyxl opens it, the zip's directory is checked: at most ``MAX_MEMBERS`` members,
none packed more than ``MAX_RATIO`` to 1 (a zip bomb; ordinary sheets pack 5 to 50 to 1) and
all together unpacking to at most ``MAX_UNPACKED_BYTES``. Declared sizes can lie, so every
member is then unpacked once in chunks, counting the bytes really produced (and checking
each member's CRC). openpyxl then reads the sheet row by row (``read_only=True``), and
reading stops past ``MAX_ROWS`` rows or ``MAX_CELLS`` cells. Python's XML parser (expat
2.4 or later) refuses entity-expansion bombs itself.

Formulas: openpyxl's ``data_only=True`` gives the value Excel saved with each formula. A
file written by a program and never opened in Excel holds formulas with no saved value;
those cells would read as empty, so such a sheet is refused naming the cells (a formula
whose saved value is empty counts as saved only when it is the empty text).

Every refusal raises ``PlanInvalid`` with one ``FieldProblem`` addressed to ``(file)`` (or
to ``sheet`` for a sheet that doesn't exist). Codes: ``file_too_large``, ``xls_format``
(Excel 97-2003), ``xlsx_encrypted``, ``xlsx_corrupt``, ``xlsx_not_workbook``,
``xlsx_too_large`` (unpacks past the cap), ``xlsx_bomb`` (packed too tightly),
``xlsx_too_many_rows``, ``xlsx_too_many_cells``, ``xlsx_formulas``, ``sheet_missing``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NoReturn
from xml.etree import ElementTree

import openpyxl  # type: ignore[import-untyped]

from planner.errors import FILE, FieldProblem, PlanInvalid
from planner.types import show_text

MAX_FILE_BYTES = 200_000_000
"""The largest workbook read, as the CSV readers' largest file."""
MAX_UNPACKED_BYTES = 200_000_000
"""What all the members of a workbook may unpack to together."""
MAX_MEMBERS = 10_000
MAX_RATIO = 200
"""How tightly one member may be packed (unpacked / packed size); deflate tops out at 1032."""
_RATIO_FROM_BYTES = 1_000_000  # a small member may pack tightly (an empty sheet): no harm
MAX_ROWS = 1_048_576
"""Excel's own limit."""
MAX_CELLS = 20_000_000
"""Cells read, empty ones inside a row included: about 1 million rows of 20 columns."""
CELLS_SHOWN = 5
SHEETS_SHOWN = 20
_CHUNK = 1 << 20
_ZIP_SIGNATURE = b"PK\x03\x04"
_EMPTY_ZIP_SIGNATURE = b"PK\x05\x06"
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An encrypted .xlsx is an OLE file holding the zip as a stream named so (UTF-16 in the file).
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_OPEN_DOCUMENT = b"application/vnd.oasis.opendocument"
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
_TAG_OVERLAP = 64  # bytes kept from one chunk to the next so a tag split by a chunk is found
_LINE_BREAKS = re.compile(r"\r\n|[\r\n]")


def is_xlsx(data: bytes) -> bool:
    """Whether the bytes are a zip archive (as every .xlsx is), by its signature."""
    return data.startswith((_ZIP_SIGNATURE, _EMPTY_ZIP_SIGNATURE))


def is_excel(data: bytes) -> bool:
    """Whether the bytes are an Excel file of either format: .xlsx (zip) or .xls (OLE).

    A password-protected .xlsx is an OLE file too; ``xlsx_to_csv`` tells them apart.
    """
    return is_xlsx(data) or data.startswith(_OLE_SIGNATURE)


def sheet_names(data: bytes) -> list[str]:
    """The workbook's worksheets, in order (for a page to offer them).

    Raises:
        PlanInvalid: the file is not a workbook that may be opened (see the module docstring).
    """
    with _opened(data) as book:
        return [sheet.title for sheet in book.workbook.worksheets]


def xlsx_to_csv(data: bytes, *, sheet: str | None = None) -> bytes:
    """The first worksheet (or the one named ``sheet``) as UTF-8 CSV; see the module docstring.

    Raises:
        PlanInvalid: one ``FieldProblem`` naming why the workbook can't be read.
    """
    with _opened(data) as book:
        worksheet = _worksheet(book.workbook, sheet)
        path = str(getattr(worksheet, "_worksheet_path", "")).lstrip("/")
        if path in book.with_formulas:
            _check_formulas_saved(book.archive, path)
        worksheet.reset_dimensions()  # a lying <dimension> must not pad every row
        return _csv(_cell_rows(worksheet))


# --- Opening the workbook safely --------------------------------------------------------------


def _refuse(message: str, code: str, **context: Any) -> NoReturn:
    raise PlanInvalid([FieldProblem(FILE, message, code, context)])


@dataclass
class _Book:
    """An opened workbook, the zip it came from, and which sheets' XML holds formulas."""

    workbook: Any
    archive: zipfile.ZipFile
    with_formulas: set[str] = field(default_factory=set)

    def __enter__(self) -> _Book:
        return self

    def __exit__(self, *_exception: object) -> None:
        self.workbook.close()
        self.archive.close()


def _opened(data: bytes) -> _Book:
    data = bytes(data)
    _check_signature(data)
    archive = _zip(data)
    try:
        with_formulas = _check_members(archive)
        workbook = _load(data)
    except BaseException:
        archive.close()
        raise
    return _Book(workbook, archive, with_formulas)


def _check_signature(data: bytes) -> None:
    if len(data) > MAX_FILE_BYTES:
        _refuse(
            f"is {len(data):,} bytes; a workbook may be at most {MAX_FILE_BYTES:,} bytes",
            "file_too_large",
            size=len(data),
            limit=MAX_FILE_BYTES,
        )
    if data.startswith(_OLE_SIGNATURE):
        if _ENCRYPTED_STREAM in data:
            _refuse(
                "is protected by a password; save a copy without the password, or export CSV",
                "xlsx_encrypted",
            )
        _refuse(
            "is an Excel 97-2003 workbook (.xls), which isn't read; save it as .xlsx or CSV",
            "xls_format",
        )
    if not is_xlsx(data):
        _not_workbook("other")


def _not_workbook(kind: str) -> NoReturn:
    what = "an OpenDocument spreadsheet" if kind == "ods" else "not an Excel workbook"
    _refuse(f"is {what}; save it as .xlsx or CSV", "xlsx_not_workbook", kind=kind)


def _corrupt() -> NoReturn:
    _refuse(
        "is damaged: it can't be opened as an Excel workbook; open and save it again in "
        "Excel, or export CSV",
        "xlsx_corrupt",
    )


def _zip(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except Exception:  # a bad directory raises BadZipFile, but an odd one anything
        _corrupt()


def _check_members(archive: zipfile.ZipFile) -> set[str]:
    """Refuse bombs and damage before any XML is parsed; say which sheets hold formulas."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        _too_large()
    if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
        _too_large()
    for member in members:
        if member.flag_bits & 0x1:  # the zip's own encryption
            _refuse(
                "is protected by a password; save a copy without the password, or export CSV",
                "xlsx_encrypted",
            )
        packed = max(member.compress_size, 1)
        if member.file_size > _RATIO_FROM_BYTES and member.file_size / packed > MAX_RATIO:
            ratio = member.file_size // packed
            _refuse(
                f"packs {show_text(member.filename)} {ratio:,} to 1, as only a zip bomb "
                "does; it was not opened",
                "xlsx_bomb",
                member=show_text(member.filename),
                ratio=ratio,
            )
    return _unpack_all(archive, members)


def _too_large() -> NoReturn:
    _refuse(
        f"unpacks to more than {MAX_UNPACKED_BYTES:,} bytes, more than a workbook may; "
        "export CSV or split it",
        "xlsx_too_large",
        limit=MAX_UNPACKED_BYTES,
    )


def _unpack_all(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> set[str]:
    """Unpack every member once, counting real bytes; the parts whose XML has a formula."""
    if "mimetype" in archive.namelist() and _OPEN_DOCUMENT in _read_small(archive, "mimetype"):
        _not_workbook("ods")
    unpacked = _Unpacked()
    for member in members:
        try:
            with archive.open(member) as stream:
                while chunk := stream.read(_CHUNK):
                    unpacked.add(member.filename, chunk)
        except PlanInvalid:
            raise
        except Exception:  # a bad CRC, bad deflate data, an unknown compression, a cut stream
            _corrupt()
    return unpacked.with_formulas


@dataclass
class _Unpacked:
    """Bytes unpacked so far, and the XML parts seen to hold a formula."""

    total: int = 0
    with_formulas: set[str] = field(default_factory=set)
    _tail: tuple[str, bytes] = ("", b"")  # the end of the last chunk, to find a split tag

    def add(self, name: str, chunk: bytes) -> None:
        self.total += len(chunk)
        if self.total > MAX_UNPACKED_BYTES:
            _too_large()
        if not name.endswith(".xml") or name in self.with_formulas:
            return
        before = self._tail[1] if self._tail[0] == name else b""
        if _FORMULA_TAG.search(before + chunk):
            self.with_formulas.add(name)
        self._tail = (name, chunk[-_TAG_OVERLAP:])


def _read_small(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        with archive.open(name) as stream:
            return stream.read(200)
    except Exception:  # as in ``_unpack_all``
        _corrupt()


def _load(data: bytes) -> Any:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles it doesn't know
            return openpyxl.load_workbook(
                io.BytesIO(data), read_only=True, data_only=True, keep_links=False
            )
    except KeyError:  # a member a workbook must hold (xl/workbook.xml) is not there
        _not_workbook("zip")
    except Exception:  # a hostile file can make openpyxl raise anything
        _corrupt()


def _worksheet(workbook: Any, sheet: str | None) -> Any:
    sheets = workbook.worksheets
    if sheet is None:
        if not sheets:
            _no_such_sheet(None, [])
        return sheets[0]
    for candidate in sheets:
        if candidate.title == sheet:
            return candidate
    for candidate in sheets:  # "sales " or "SALES" for "Sales"
        if candidate.title.strip().casefold() == sheet.strip().casefold():
            return candidate
    _no_such_sheet(sheet, [candidate.title for candidate in sheets])


def _no_such_sheet(given: str | None, titles: list[str]) -> NoReturn:
    shown = tuple(show_text(title) for title in titles[:SHEETS_SHOWN])
    listed = ", ".join(shown) + ("…" if len(titles) > SHEETS_SHOWN else "")
    if given is None:
        message = "the workbook has no worksheet; save the data on a worksheet, or export CSV"
    else:
        message = f"the workbook has no sheet {show_text(given)}; its sheets are {listed}"
    context = {"given": given, "sheets": shown, "count": len(titles)}
    raise PlanInvalid([FieldProblem("sheet", message, "sheet_missing", context)])


# --- Formulas without saved values ------------------------------------------------------------


def _check_formulas_saved(archive: zipfile.ZipFile, path: str) -> None:
    """Refuse a sheet holding formulas Excel never calculated (no ``<v>`` beside the ``<f>``).

    openpyxl's ``data_only`` reads such a cell as empty, as it reads a formula whose saved
    value is the empty text: only the XML tells them apart, so it is read here, streaming.
    """
    unsaved: list[str] = []
    count = 0
    rows: ElementTree.Element | None = None
    try:
        with archive.open(path) as stream:
            # expat (2.4+) bounds entity expansion and ElementTree never fetches external ones
            events = ElementTree.iterparse(stream, events=("start", "end"))  # noqa: S314
            for event, element in events:
                tag = _local(element.tag)
                if event == "start":
                    rows = element if tag == "sheetData" else rows
                elif tag == "row" and rows is not None:
                    rows.remove(element)  # its cells are checked: free them
                elif tag == "c" and _formula_unsaved(element):
                    count += 1
                    if len(unsaved) < CELLS_SHOWN:
                        unsaved.append(element.get("r") or "?")
    except Exception:  # malformed XML or zip data: as in ``_unpack_all``
        _corrupt()
    if count:
        listed = ", ".join(unsaved) + ("…" if count > len(unsaved) else "")
        _refuse(
            f"has formulas without saved values in {listed}; open and save the file in Excel, "
            "or export CSV",
            "xlsx_formulas",
            cells=tuple(unsaved),
            count=count,
        )


def _local(tag: str) -> str:
    """``{namespace}c`` → ``c``."""
    return tag.rpartition("}")[2]


def _formula_unsaved(cell: ElementTree.Element) -> bool:
    """A formula cell with no value, or an empty one that is not text (openpyxl's ``<v/>``).

    Excel saves a formula giving the empty text as ``t="str"`` with an empty ``<v>``.
    """
    children = {_local(child.tag): child for child in cell}
    if "f" not in children:
        return False
    value = children.get("v")
    return value is None or (not value.text and cell.get("t") != "str")


# --- Writing CSV ------------------------------------------------------------------------------


def _cell_rows(worksheet: Any) -> Iterator[tuple[Any, ...]]:
    """The sheet's rows of values, stopping at the row and cell limits."""
    rows = cells = 0
    try:
        for row in worksheet.iter_rows(values_only=True):
            rows += 1
            cells += len(row)
            if rows > MAX_ROWS:
                _refuse(
                    f"has more than {MAX_ROWS:,} rows, more than Excel holds; export CSV",
                    "xlsx_too_many_rows",
                    limit=MAX_ROWS,
                )
            if cells > MAX_CELLS:
                _refuse(
                    f"has more than {MAX_CELLS:,} cells; export CSV or remove the columns "
                    "not needed",
                    "xlsx_too_many_cells",
                    limit=MAX_CELLS,
                )
            yield row
    except PlanInvalid:
        raise
    except Exception:  # malformed XML, a bad number: openpyxl raises anything
        _corrupt()


def _csv(rows: Iterable[tuple[Any, ...]]) -> bytes:
    """Rows of values as CSV, every row padded to the widest (see the module docstring)."""
    lines: list[bytes] = []
    widths: list[int] = []
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="")
    for row in rows:
        texts = [_text(value) for value in row]
        while texts and texts[-1] == "":
            texts.pop()
        buffer.seek(0)
        buffer.truncate()
        if texts:
            writer.writerow(texts)
        lines.append(buffer.getvalue().encode("utf-8"))
        widths.append(len(texts))
    while widths and widths[-1] == 0:
        widths.pop()
        lines.pop()
    width = max(widths, default=0)
    return b"".join(
        line + (b"," * (width - fields) if fields else b"") + b"\n"
        for line, fields in zip(lines, widths, strict=True)
    )


def _text(value: Any) -> str:
    """One cell's value as the CSV readers read it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _decimal(value)
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        return _moment(value)
    return _LINE_BREAKS.sub(" ", str(value))


def _moment(value: dt.date | dt.time | dt.timedelta) -> str:
    """A date ISO, a date with a time ``2027-01-13 10:15:00``, a time ``10:15:00``."""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.timedelta):
        return str(value)
    return value.isoformat()


def _decimal(value: float) -> str:
    """``1200.0`` → ``1200``, ``1e-05`` → ``0.00001``: the shortest exact digits, no exponent."""
    if value != value or value in (float("inf"), float("-inf")):  # not from a valid sheet
        return str(value)
    if value.is_integer():
        return str(int(value))
    return format(Decimal(repr(value)), "f")


__all__ = [
    "MAX_CELLS",
    "MAX_ROWS",
    "MAX_UNPACKED_BYTES",
    "is_excel",
    "is_xlsx",
    "sheet_names",
    "xlsx_to_csv",
]
