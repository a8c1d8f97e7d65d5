"""Any table as a download: a CSV file, or an Excel workbook of one sheet per table.

The KPI dashboard shows many tables; each downloads through here, so every download follows
the same rules as the Plan page's (``files.tables``):

- **CSV**: UTF-8 with a byte-order mark (Excel then reads Arabic as Arabic), RFC 4180 quoting,
  numbers written plain (a full stop, no thousands separator, Latin digits, never scientific);
  an empty field for no value;
- **Excel**: numbers stay numbers and dates real dates; a column's number format comes from
  ``number_formats`` by its header (``"#,##0"``, ``"0.0%"``, ``'"$"#,##0.00'``), else
  General; sheets read right to left for Arabic readers; columns are sized to their content.

In both, every text (headers included) passes through ``files.cells.neutralise``, so a
channel called ``=HYPERLINK(...)`` stays text. A number that is not finite (NaN, ±∞) has no
cell form a spreadsheet agrees on, so it is written as no value (and in Excel so is a number
beyond its largest, about 1E+308, and an empty text). A table too large for an
Excel sheet (1,048,576 rows, 16,384 columns) is refused with a ``PlanInvalid`` naming it.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from files.cells import neutralise
from files.tables import plain_number
from files.workbook import sheet_name
from planner.errors import FieldProblem, PlanInvalid

Cell = str | float | int | Decimal | date | None
"""One value of a table: text, a number, a day, or nothing."""
Table = tuple[str, Sequence[str], Sequence[Sequence[Cell]]]
"""(sheet name, header, rows) of one sheet of ``tables_workbook``."""

MAX_ROWS = 1_048_576
"""Rows of an Excel sheet; the header takes one."""
MAX_COLUMNS = 16_384
"""Columns of an Excel sheet."""
EXCEL_LARGEST = 9.99999999999999e307
"""The largest number an Excel cell holds."""
DATE_FORMAT = "yyyy-mm-dd"
_MIN_WIDTH = 8
_MAX_WIDTH = 60
WORKBOOK_OPTIONS = {
    "in_memory": True,
    # Every string is written as a string: never read as a formula, a link or a number.
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


# --- CSV --------------------------------------------------------------------------------------


def table_csv(header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> bytes:
    """``header`` and ``rows`` as CSV bytes (UTF-8 with a BOM); see the module docstring."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([csv_field(text) for text in header])
    writer.writerows([csv_field(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def csv_field(value: Cell) -> str:
    """One field: text made inert, a number plain, a day as ISO 8601, nothing as empty."""
    if value is None or is_not_finite(value):
        return ""
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):  # a bool is an int to Python, but a word to a reader
        return str(value)
    if isinstance(value, int):
        return str(value)
    return plain_number(value)


def is_not_finite(value: object) -> bool:
    """NaN or an infinity, as a float or a Decimal."""
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, Decimal):
        return not value.is_finite()
    return False


# --- Excel ---


def beyond_excel(value: object) -> bool:
    """A number larger than Excel can hold (about 1E+308): no cell shows it."""
    if isinstance(value, bool) or not isinstance(value, float | int | Decimal):
        return False
    if isinstance(value, Decimal):
        return abs(value) > Decimal(repr(EXCEL_LARGEST))
    return abs(value) > EXCEL_LARGEST  # an int compares exactly, however large


# ------------------------------------------------------------------------------------


def tables_workbook(
    sheets: Sequence[Table],
    *,
    right_to_left: bool = False,
    number_formats: Mapping[str, str] | None = None,
) -> bytes:
    """One sheet per ``(name, header, rows)``, as ``.xlsx`` bytes; see the module docstring."""
    for index, (_, header, rows) in enumerate(sheets):
        widest = max((len(header), *(len(row) for row in rows)), default=0)
        check_fits(f"sheets[{index}]", len(rows) + 1, widest)
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS)
    styles = CellStyles(workbook)
    taken: set[str] = set()
    for name, header, rows in sheets:
        worksheet = workbook.add_worksheet(unique_sheet_name(name, taken))
        if right_to_left:
            worksheet.right_to_left()
        column_formats = [(number_formats or {}).get(title, "General") for title in header]
        write_table(worksheet, header, rows, styles, column_formats)
    workbook.close()
    return buffer.getvalue()


class CellStyles:
    """A workbook's cell formats, made once per number format."""

    def __init__(self, workbook: Workbook) -> None:
        self._workbook = workbook
        self._made: dict[str, Format] = {}
        self.header = workbook.add_format({"bold": True, "bottom": 1, "text_wrap": True})

    def __call__(self, number_format: str) -> Format:
        """The format showing numbers as ``number_format``."""
        if number_format not in self._made:
            self._made[number_format] = self._workbook.add_format({"num_format": number_format})
        return self._made[number_format]


def write_table(
    worksheet: Worksheet,
    header: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    styles: CellStyles,
    column_formats: Sequence[str],
) -> None:
    """The header in row 1, the rows below, each column as wide as its content."""
    widths = [_width(neutralise(title)) for title in header]
    for col, title in enumerate(header):
        worksheet.write_string(0, col, neutralise(title), styles.header)
    for row_index, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            number_format = column_formats[col] if col < len(column_formats) else "General"
            if isinstance(value, date) and number_format == "General":
                number_format = DATE_FORMAT  # a day shown as a serial number reads as nonsense
            shown = write_cell(worksheet, row_index, col, value, styles(number_format))
            widths.extend([_MIN_WIDTH] * (col + 1 - len(widths)))
            widths[col] = max(widths[col], _width(shown))
    for col, width in enumerate(widths):
        worksheet.set_column(col, col, width)
    if rows:
        worksheet.freeze_panes(1, 0)  # the header stays in view while scrolling


def check_fits(field: str, rows: int, columns: int) -> None:
    """Refuse a table an Excel sheet cannot hold."""
    problems = []
    if rows > MAX_ROWS:
        message = f"must hold at most {MAX_ROWS - 1:,} rows, got {rows - 1:,}"
        context = {"limit": MAX_ROWS - 1, "rows": rows - 1}
        problems.append(FieldProblem(field, message, "table_too_many_rows", context))
    if columns > MAX_COLUMNS:
        message = f"must hold at most {MAX_COLUMNS:,} columns, got {columns:,}"
        context = {"limit": MAX_COLUMNS, "columns": columns}
        problems.append(FieldProblem(field, message, "table_too_many_columns", context))
    if problems:
        raise PlanInvalid(problems)


def unique_sheet_name(name: str, taken: set[str]) -> str:
    """A sheet name Excel accepts and no other sheet has (Excel ignores case): ``Name (2)``."""
    base = sheet_name(name)
    candidate, number = base, 2
    while candidate.casefold() in taken:
        suffix = f" ({number})"
        candidate = base[: 31 - len(suffix)] + suffix
        number += 1
    taken.add(candidate.casefold())
    return candidate


def write_cell(worksheet: Worksheet, row: int, col: int, value: Cell, style: Format) -> str:
    """Write one value as its kind of cell; what it shows, roughly, to size the column."""
    if value is None or value == "" or is_not_finite(value) or beyond_excel(value):
        worksheet.write_blank(row, col, None)
        return ""
    if isinstance(value, str):
        text = neutralise(value)
        worksheet.write_string(row, col, text)
        return text
    if isinstance(value, date):
        day = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
        worksheet.write_datetime(row, col, day, style)
        return value.isoformat()
    if isinstance(value, bool):
        worksheet.write_boolean(row, col, value)
        return str(value)
    worksheet.write_number(row, col, float(value), style)
    return f"{float(value):,.2f}"


def _width(text: str) -> int:
    longest = max((len(line) for line in text.split("\n")), default=0)
    return max(_MIN_WIDTH, min(longest + 2, _MAX_WIDTH))
