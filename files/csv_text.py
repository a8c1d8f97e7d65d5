"""What every reader of a store's CSV file shares: the bytes checked, the header, rows named.

A CSV file reaches a reader as bytes (an upload, a file the CLI opened). Before a column is
looked at, the bytes are checked as a whole: UTF-8 (a byte-order mark allowed; UTF-16 and
UTF-32 named as such), not a zip, spreadsheet or PDF saved under the wrong name, not empty.
The header is the first line that is not blank; its delimiter is the comma, or the
semicolon, tab or bar when the header holds more of one of those.

Columns are found by their header as people write them: ``header_key`` folds case, spaces,
punctuation, Arabic diacritics, tatweel and the forms of alef, so " Order Total " and
"order_total", "الإجمالي" and "الاجمالي" are one header. A column that can't be found, could
be several, or is chosen twice is a ``FieldProblem`` naming the option that chooses it.

Rows are named as a spreadsheet numbers them: the header is row 1 and blank lines count
(``RowNumbers``). pyarrow, which parses the file, skips blank lines and numbers bad rows
only on one thread, so the numbers are worked out from the bytes, and only when a problem
must name a row. A quoted value running over several lines is refused
(``refuse_multiline``), so that row numbers and line numbers agree.

Every refusal raises ``PlanInvalid`` with one ``FieldProblem`` per problem; the codes are
``file_too_large``, ``file_empty``, ``encoding``, ``not_utf8``, ``not_csv``,
``row_columns``, ``multiline_value``, ``csv_unreadable``, ``column_missing``,
``column_ambiguous``, ``column_reused``. Numbers written as text (``$1,234.50``,
``١٢٫٥ ر.س``) are read by ``numbers_in_text``, vectorised with pyarrow.compute.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn, TypeVar

import numpy as np
import numpy.typing as npt
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from planner.errors import FILE, FieldProblem, PlanInvalid, field_path
from planner.types import format_number, printable, show_text

ROWS_SHOWN = 5
"""How many bad rows a problem lists."""
HEADERS_SHOWN = 20
"""How many of a file's headers a missing column's problem lists."""
FIRST_ROW = 2
"""The first record's row number: the header is row 1."""
BOM = b"\xef\xbb\xbf"
"""UTF-8's byte-order mark, which spreadsheets write and readers skip."""
DELIMITERS = (",", ";", "\t", "|")
VISIBLE = re.compile(rb"\S")
"""Anything but white space: a file without it is empty."""
LOCAL_DIGITS = {
    **{chr(0x0660 + digit): str(digit) for digit in range(10)},  # Arabic-Indic
    **{chr(0x06F0 + digit): str(digit) for digit in range(10)},  # Extended (Persian)
    "٫": ".",  # Arabic decimal separator
    "٬": ",",  # Arabic thousands separator
}
"""Arabic-Indic digits and separators, and the Latin ones they stand for."""

_LF, _CR = 0x0A, 0x0D
_FIRST_SCAN = 1 << 16  # bytes scanned for blank lines before a row is named; grows 4× a time
_BLANK_LINES = re.compile(rb"[\r\n]*")
_BINARY_SIGNATURES = {
    b"PK\x03\x04": "zip",  # .xlsx, .ods and every zip archive
    b"\xd0\xcf\x11\xe0": "xls",  # Excel 97-2003
    b"%PDF": "pdf",
}
_UNICODE_MARKS = {  # UTF-32's marks first: its little-endian one starts as UTF-16's does
    b"\0\0\xfe\xff": "UTF-32",
    b"\xff\xfe\0\0": "UTF-32",
    b"\xff\xfe": "UTF-16",
    b"\xfe\xff": "UTF-16",
}
_LONGEST_REASON = 200
_CURRENCY = r"(?:\p{Sc}|[A-Z]{3}|\p{Arabic}[\p{Arabic}.]*)"  # a sign, an ISO code, ر.س
_LEADING_CURRENCY = rf"^([-+]?)\s*{_CURRENCY}\s*"
_TRAILING_CURRENCY = rf"\s*{_CURRENCY}$"
_PLAIN_NUMBER = r"^[-+]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$"
_ALEF = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ـ": None})

AnyRole = TypeVar("AnyRole", bound=str)  # the roles of one reader's columns
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


# --- The file as a whole ----------------------------------------------------------------------


def refuse(message: str, code: str, **context: Any) -> NoReturn:
    """Raise ``PlanInvalid`` with one problem of the file as a whole."""
    raise PlanInvalid([FieldProblem(FILE, message, code, context)])


_refuse = refuse  # the name tests/i18n's scan of the source looks for, finding every code


def check_file(data: bytes, *, limit: int, kind: str, items: str) -> None:
    """Size, emptiness, encoding: every check that needs only the bytes.

    ``kind`` names the file in the size problem ("a visitor file"), ``items`` what an empty
    one lacks ("visitors").
    """
    if len(data) > limit:
        _refuse(
            f"is {len(data):,} bytes; {kind} may be at most {limit:,} bytes",
            "file_too_large",
            size=len(data),
            limit=limit,
        )
    if VISIBLE.search(data, len(BOM) if data.startswith(BOM) else 0) is None:
        _refuse(f"is empty: it holds no header and no {items}", "file_empty")
    check_not_binary(data)
    check_utf8(data)


def check_not_binary(data: bytes) -> None:
    """Refuse UTF-16 and UTF-32, a zip, spreadsheet or PDF, and any other binary data."""
    for bom, name in _UNICODE_MARKS.items():
        if data.startswith(bom):
            _refuse(f"is {name}; save it as UTF-8", "encoding", encoding=name)
    for signature, kind in _BINARY_SIGNATURES.items():
        if data.startswith(signature):
            _refuse(f"is not a CSV file but a {kind} file; save it as CSV", "not_csv", kind=kind)
    if b"\0" in data:
        head = data[:1000]
        if head.count(b"\0") * 3 >= len(head):  # every other byte zero: UTF-16 with no mark
            _refuse("is UTF-16; save it as UTF-8", "encoding", encoding="UTF-16")
        _refuse("is not a CSV file: it holds binary data; save it as CSV", "not_csv", kind="binary")


def check_utf8(data: bytes) -> None:
    """Refuse bytes that are not UTF-8, naming the first bad byte's line and column.

    Arrow checks the whole file at C speed; Python says where, when it isn't UTF-8.
    """
    if data.isascii():
        return
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64).tobytes())
    whole = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        whole.cast(pa.large_string())
    except pa.ArrowInvalid:
        _not_utf8(data)


def _not_utf8(data: bytes) -> NoReturn:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        start = error.start
        line_start = max(data.rfind(b"\n", 0, start), data.rfind(b"\r", 0, start)) + 1
        line = data.count(b"\n", 0, start) + 1
        column = len(data[line_start:start].decode("utf-8", errors="replace")) + 1
        byte = f"0x{data[start]:02X}"
        _refuse(
            f"is not UTF-8: invalid byte {byte} at line {line}, column {column}; save it as UTF-8",
            "not_utf8",
            byte=byte,
            line=line,
            column=column,
        )
    _refuse("is not UTF-8; save it as UTF-8", "not_utf8", byte="", line=0, column=0)


def read_header(data: bytes) -> tuple[list[str], str]:
    """The header's fields and the delimiter, from the first line that is not blank."""
    start = _BLANK_LINES.match(data, len(BOM) if data.startswith(BOM) else 0)
    begin = start.end() if start is not None else 0
    end = len(data)
    for terminator in (b"\n", b"\r"):
        found = data.find(terminator, begin, end)
        end = found if found >= 0 else end
    line = data[begin:end].decode("utf-8")
    delimiter = max(DELIMITERS, key=line.count) if line else ","
    if line.count(delimiter) == 0:
        delimiter = ","
    return next(csv.reader([line], delimiter=delimiter), []), delimiter


# --- Headers and columns ----------------------------------------------------------------------


def header_key(text: str) -> str:
    """A header as it is matched: letters and digits only, case and Arabic forms folded.

    ``" Revenue (USD) "`` → ``revenueusd``; ``"الإيرادات"`` → ``الايرادات``; tatweel,
    diacritics, spaces, punctuation and symbols are dropped.
    """
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_ALEF)
    return "".join(character for character in folded if unicodedata.category(character)[0] in "LN")


def text_keys(values: Any) -> Any:
    """``header_key`` of many values at once (a pyarrow string array), for statuses and such.

    Lower case rather than casefold, and no NFKC: enough for the words a store writes.
    """
    folded = pc.utf8_lower(values)
    folded = pc.replace_substring_regex(folded, "[أإآٱ]", "ا")
    folded = pc.replace_substring(pc.replace_substring(folded, "ى", "ي"), "ة", "ه")
    return pc.replace_substring_regex(folded, r"[^\p{L}\p{N}]|ـ", "")  # ـ: tatweel, a letter


def column_ambiguous(field: str, role: str, matches: list[str]) -> FieldProblem:
    """More than one header could be the ``role`` column (field: the option naming it)."""
    shown = tuple(field_path([name]) for name in matches)
    message = f"could be any of the columns {', '.join(shown)}; name the one to use"
    context = {"role": role, "columns": shown}
    return FieldProblem(field, message, "column_ambiguous", context)


def column_missing(
    field: str, role: str, given: str | None, header: list[str], synonyms: Sequence[str]
) -> FieldProblem:
    """No header is the ``role`` column: the file's headers listed (the first few)."""
    found = tuple(field_path([name]) for name in header[:HEADERS_SHOWN])
    more = f" and {len(header) - HEADERS_SHOWN:,} more" if len(header) > HEADERS_SHOWN else ""
    columns = f"{', '.join(found)}{more}"
    if given is not None:
        what = f"has no column {show_text(given)}"
    else:
        what = f"has no {role} column ({', '.join(synonyms[:3])}…)"
    message = f"the file {what}; its columns are {columns}"
    context = {"role": role, "given": given, "found": found, "count": len(header)}
    return FieldProblem(field, message, "column_missing", context)


def columns_reused(
    chosen: Mapping[AnyRole, str | None], fields: Mapping[AnyRole, str]
) -> list[FieldProblem]:
    """A header chosen for two roles, named at the second (``fields``: role → option)."""
    seen: dict[str, AnyRole] = {}
    problems = []
    for role, name in chosen.items():
        if name is None:
            continue
        if name in seen:
            shown = field_path([name])
            message = f"is the column {shown}, already the {seen[name]} column; choose another"
            context = {"role": role, "column": shown, "other": seen[name]}
            problems.append(FieldProblem(fields[role], message, "column_reused", context))
        seen[name] = role
    return problems


# --- Rows -------------------------------------------------------------------------------------


@dataclass
class InvalidRows:
    """Rows whose number of fields differs from the header's, as pyarrow reports them.

    Passed to pyarrow as ``invalid_row_handler``: each bad row is counted and skipped.
    """

    count: int = 0
    expected: int = 0
    numbers: tuple[int, ...] = ()

    def __call__(self, row: Any) -> str:
        """Count ``row`` and keep its number (among the first few); pyarrow skips it."""
        self.count += 1
        self.expected = row.expected_columns
        if row.number is not None and len(self.numbers) < ROWS_SHOWN:
            self.numbers = (*self.numbers, row.number)
        return "skip"


class RowNumbers:
    """A record's row number in the file (the header is row 1), blank lines counted.

    pyarrow skips blank lines, so the i-th record is the (i + 2)-th line that is not blank;
    the blank lines are found (only when a row must be named) with numpy, lines ending at
    CR LF, LF or CR as pyarrow ends them, in as much of the file as holds the rows named
    (most problems name rows near the top: a 300 MB file need not be scanned for them).
    Multi-line values are refused beforehand, so records and lines agree.
    """

    def __init__(self, data: bytes) -> None:
        self._data = data

    @functools.cached_property
    def _breaks(self) -> tuple[IntArray, int]:
        """(numbers of the blank lines, lines in the file)."""
        return _line_breaks(self._data)

    @property
    def lines(self) -> int:
        """Lines in the file, blank ones included."""
        return self._breaks[1]

    @property
    def blank(self) -> int:
        """Blank lines in the file."""
        return int(self._breaks[0].size)

    def _blank_lines_among(self, lines: int) -> IntArray:
        """The blank lines before the ``lines``-th line that is not blank (at least)."""
        size = _FIRST_SCAN
        while size < len(self._data):
            end = self._data.rfind(b"\n", 0, size) + 1  # a whole line (CR LF or LF) last
            if end > 0:
                blank, seen = _line_breaks(self._data[:end])
                if seen - blank.size >= lines:
                    return blank
            size *= 4
        return self._breaks[0]

    def of_line(self, ordinals: npt.ArrayLike) -> tuple[int, ...]:
        """The row number of each n-th line that is not blank (n from 1: the header)."""
        ordinal = np.asarray(ordinals, dtype=np.int64)
        blank = self._blank_lines_among(int(ordinal.max(initial=0)))
        before = np.searchsorted(blank - np.arange(blank.size) - 1, ordinal - 1, side="right")
        return tuple(int(number) for number in ordinal + before)

    def of_records(self, indices: npt.ArrayLike) -> tuple[int, ...]:
        """The row number of each record, by its index among the records (0: the first)."""
        return self.of_line(np.asarray(indices, dtype=np.int64) + FIRST_ROW)


def _line_breaks(data: bytes) -> tuple[IntArray, int]:
    """(numbers of the blank lines, lines) in ``data``, lines ending at CR LF, LF or CR."""
    raw = np.frombuffer(data, dtype=np.uint8)
    newlines = np.flatnonzero(raw == _LF)
    after_return = (newlines > 0) & (raw[np.maximum(newlines - 1, 0)] == _CR)
    starts, ends = newlines - after_return, newlines + 1
    if b"\r" in data:
        returns = np.flatnonzero(raw == _CR)
        lone = raw[np.minimum(returns + 1, raw.size - 1)] != _LF
        lone |= returns == raw.size - 1
        starts = np.sort(np.concatenate([starts, returns[lone]]))
        ends = np.sort(np.concatenate([ends, returns[lone] + 1]))
    first = len(BOM) if data.startswith(BOM) else 0
    content_starts = np.concatenate([[first], ends[:-1]])
    blank = np.flatnonzero(content_starts == starts) + 1
    lines = starts.size + (1 if starts.size == 0 or ends[-1] < raw.size else 0)
    return blank.astype(np.int64), lines


def check_records(
    data: bytes,
    delimiter: str,
    records: int,
    invalid: InvalidRows,
    rows: RowNumbers,
    numbered: Callable[[], InvalidRows],
) -> None:
    """After pyarrow's read: refuse a value over several lines, or rows of the wrong width.

    ``records`` is how many rows pyarrow kept; with the rows it skipped as invalid and the
    blank lines they must make up every line, or a quoted value ran over several lines.
    ``numbered`` re-reads the file on one thread to number the invalid rows (see
    ``refuse_invalid_rows``).
    """
    if b'"' in data and rows.lines != rows.blank + 1 + records + invalid.count:
        refuse_multiline(data, delimiter)
    if invalid.count:
        refuse_invalid_rows(invalid, rows, numbered)


def refuse_invalid_rows(
    invalid: InvalidRows, rows: RowNumbers, numbered: Callable[[], InvalidRows]
) -> NoReturn:
    """Name the first rows with too many or too few fields.

    A multi-threaded read counts them without their numbers; ``numbered`` reads the file
    again on one thread, so that pyarrow numbers them, and is called only then.
    """
    listed = invalid if invalid.numbers else numbered()
    numbers = rows.of_line(listed.numbers)
    shown = ", ".join(f"{number:,}" for number in numbers)
    more = "…" if invalid.count > len(numbers) else ""
    message = (
        f"has {rows_phrase(invalid.count)} without the header's {invalid.expected} fields "
        f"({rows_phrase(len(numbers), shown)}{more}); every row needs one field per column"
    )
    _refuse(message, "row_columns", rows=numbers, count=invalid.count, expected=invalid.expected)


def refuse_multiline(data: bytes, delimiter: str) -> NoReturn:
    """A record ran over more than one line: say where, reading the file as Python does."""
    text = data.removeprefix(BOM).decode("utf-8")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 0
    for _record in reader:
        if reader.line_num > line + 1:
            _refuse(
                f"has a value running over several lines from row {line + 1:,} (a quote "
                "opened and not closed?); every row must be one line",
                "multiline_value",
                row=line + 1,
            )
        line = reader.line_num
    _refuse(
        "has a quoted value running over several lines; every row must be one line",
        "multiline_value",
        row=None,
    )


def refuse_unreadable(data: bytes, delimiter: str, error: Exception) -> NoReturn:
    """Anything else pyarrow can't parse: a value over several lines, or its own reason."""
    if b'"' in data:
        try:
            refuse_multiline(data, delimiter)
        except PlanInvalid as found:
            if found.problems[0].context.get("row") is not None:
                raise
    reason = printable(str(error))[:_LONGEST_REASON]
    _refuse(f"can't be read as CSV: {reason}", "csv_unreadable", reason=reason)


def bad_rows(
    header: str,
    role: str,
    code: str,
    requirement: str,
    numbers: Sequence[int],
    count: int,
    got: str,
) -> FieldProblem:
    """``row 7: must be …, got "x"; 3 more rows like it (rows 9, 12, 15)``, named by column.

    ``numbers`` are the first rows' numbers (at most ``ROWS_SHOWN``), ``count`` all of them.
    """
    message = f"row {numbers[0]:,}: {requirement}, got {got}"
    if count > 1:
        others = ", ".join(f"{number:,}" for number in numbers[1:])
        more = "…" if count > ROWS_SHOWN else ""
        alike = rows_phrase(count - 1, "like it")
        message += f"; {count - 1:,} more {alike} ({rows_phrase(len(numbers) - 1, others)}{more})"
    field = field_path([header])
    context = {"column": field, "role": role, "row": numbers[0], "rows": numbers}
    return FieldProblem(field, message, code, context | {"count": count, "got": got})


def rows_phrase(count: int, after: str = "") -> str:
    """``3 rows``, ``1 row``; with ``after``, ``rows 4, 5`` or ``row 4`` (the count unsaid)."""
    noun = "row" if count == 1 else "rows"
    return f"{noun} {after}" if after else f"{count:,} {noun}"


def shown_value(value: Any) -> str:
    """A cell's value as a problem shows it: a number formatted, text quoted and escaped."""
    if isinstance(value, float):
        return format_number(value)
    return show_text("" if value is None else str(value))


# --- Values -----------------------------------------------------------------------------------


def as_numpy(array: Any) -> Any:
    """A pyarrow array as numpy (copied when it must be), an empty one as ``np.zeros(0)``."""
    return array.to_numpy(zero_copy_only=False) if len(array) else np.zeros(0)


def latin_digits(values: Any) -> Any:
    """Text with Arabic-Indic digits and separators written in Latin ones (ASCII untouched)."""
    if not pc.all(pc.string_is_ascii(values)).as_py():
        for local, latin in LOCAL_DIGITS.items():
            values = pc.replace_substring(values, local, latin)
    return values


def numbers_in_text(values: Any) -> tuple[FloatArray, BoolArray, npt.NDArray[np.intp]]:
    """Numbers written as text: (numbers, 0 where empty or unreadable; empty; unreadable).

    A number may carry a currency sign or code before or after it (``$1,234.50``,
    ``12 SAR``, ``١٢٫٥ ر.س``) and group thousands by commas; a decimal comma is unreadable
    rather than guessed. ``values`` is a pyarrow string array (or chunked array).
    """
    text = pc.utf8_trim_whitespace(values)
    missing = np.asarray(as_numpy(pc.equal(text, "")), dtype=np.bool_)
    text = latin_digits(text)
    text = pc.replace_substring_regex(text, _LEADING_CURRENCY, r"\1")
    text = pc.replace_substring_regex(text, _TRAILING_CURRENCY, "")
    plain = np.asarray(as_numpy(pc.match_substring_regex(text, _PLAIN_NUMBER)), dtype=np.bool_)
    kept = pc.if_else(plain, pc.replace_substring(text, ",", ""), pa.scalar("0", pa.string()))
    numbers = np.asarray(as_numpy(pc.cast(kept, pa.float64())), dtype=np.float64)
    return numbers, missing, np.flatnonzero(~plain & ~missing)
