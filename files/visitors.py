"""A per-visitor CSV read into a test's arms: visitors and conversions, and revenue per visitor.

One row per visitor, with at least the arm the visitor saw and whether they converted, and
optionally the revenue they brought. ``read_visitor_csv`` returns each arm's ``Arm``
(visitors, conversions) and, with a revenue column, its ``RevenueStats`` (visitors, mean,
variance: the sums Welch's test needs), ready for ``planner.abtests``.

Columns are found by their header, ignoring case, spaces, punctuation, Arabic diacritics and
the forms of alef, or named outright (``arm_column=``...):

- the arm: variant, arm, group, version, bucket, variation, الخيار, المجموعة, النسخة...;
- converted: converted, conversion, purchased, purchase, ordered, تحويل, اشترى, شراء...;
- revenue: revenue, amount, sales, order value, الإيرادات, المبلغ, المبيعات... (a currency
  code may follow: "Revenue (SAR)").

Other columns are not read. The values:

- an arm is its text, spaces around it trimmed; arms come in the order they first appear,
  except that one arm called control, A, original or baseline (or الأصلي, الضابطة, التحكم)
  comes first. A test has 2 to 11 arms;
- converted is 1/0, true/false, yes/no, y/n or نعم/لا (any case; Arabic-Indic ١/٠ too);
- revenue is a number: plain (``1234.5``, ``1e3``) or with a currency sign or code before or
  after it (``$12``, ``12 SAR``, ``١٢٫٥ ر.س``), thousands grouped by commas (``1,234.50``),
  Arabic-Indic digits. A decimal comma (``12,5``) is refused rather than guessed. An empty
  revenue is 0 for a visitor who did not convert (nothing bought) and refused for one who
  did (a buyer's revenue is unknown, not zero). Negative revenue (a refund) and revenue
  from a visitor who did not convert are kept as they are.

The file is checked, its header read and its rows numbered by ``files.csv_text``, which the
order reader shares (the names this module used to hold, ``_check_utf8``, ``_RowNumbers``...,
are still imported from here). The file: UTF-8 (a byte-order mark is fine), at most
``MAX_FILE_BYTES``; the delimiter is the comma, or the semicolon, tab or bar when the
header holds more of one of those. Blank lines are skipped. Every value a visitor holds is
one line: a quoted value running over several lines is refused, so row numbers are line
numbers, the header being row 1, as a spreadsheet numbers them.

Nothing is lost or guessed: any problem raises ``PlanInvalid`` with one ``FieldProblem``
per problem. File-wide problems are addressed to ``(file)``; a column that can't be found
to ``arm_column``, ``converted_column`` or ``revenue_column``; bad values to the column's
header, with the first rows (``context["rows"]``) and how many rows are bad
(``context["count"]``). Codes: ``file_too_large``, ``file_empty``, ``encoding``,
``not_utf8``, ``not_csv``, ``no_visitors``, ``row_columns``, ``multiline_value``,
``csv_unreadable``; ``column_missing``, ``column_ambiguous``, ``column_reused``,
``too_many_arms``, ``too_few_arms``; ``arm_missing``, ``arm_name_invalid``,
``converted_invalid``, ``revenue_invalid``, ``revenue_missing``, ``revenue_out_of_range``.

The work is vectorised: pyarrow parses the three columns (the arm as a dictionary, converted
as a boolean, revenue as a float; as text when a value doesn't parse so, and then cleaned
with pyarrow.compute), numpy counts each arm with ``bincount``. No Python runs per row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
import pyarrow.csv as pa_csv  # type: ignore[import-untyped]
from pydantic import Field, ValidationError

from files.csv_text import BOM as _BOM  # noqa: F401  (the old names, still imported elsewhere)
from files.csv_text import (  # noqa: F401
    HEADERS_SHOWN,
    ROWS_SHOWN,
    AnyRole,
    InvalidRows,
    RowNumbers,
    bad_rows,
    check_file,
    check_records,
    column_ambiguous,
    column_missing,
    columns_reused,
    header_key,
    numbers_in_text,
    read_header,
    refuse_unreadable,
    shown_value,
)
from files.csv_text import LOCAL_DIGITS as _DIGITS  # noqa: F401
from files.csv_text import VISIBLE as _VISIBLE  # noqa: F401
from files.csv_text import as_numpy as _as_numpy
from files.csv_text import check_not_binary as _check_not_binary  # noqa: F401
from files.csv_text import check_utf8 as _check_utf8  # noqa: F401
from files.csv_text import read_header as _header  # noqa: F401
from files.csv_text import refuse as _refuse  # the name tests/i18n's source scan looks for
from files.csv_text import refuse_multiline as _refuse_multiline  # noqa: F401
from files.csv_text import rows_phrase as _rows  # noqa: F401
from files.csv_text import shown_value as _shown  # noqa: F401
from planner.abtests.arms import MAX_VARIANTS, Arm
from planner.abtests.revenue import RevenueStats
from planner.base import Model
from planner.errors import FieldProblem, PlanInvalid, field_path
from planner.types import MAX_MONEY, format_number, show_text

_InvalidRows = InvalidRows  # the old names, still imported elsewhere
_RowNumbers = RowNumbers
_unreadable = refuse_unreadable
_numbers_in_text = numbers_in_text

MAX_FILE_BYTES = 200_000_000
"""200 MB: about 8 million visitors of four short columns."""
MAX_ARMS = MAX_VARIANTS + 1
MAX_REVENUE = MAX_MONEY
"""The largest revenue one visitor may bring, either sign."""
Role = Literal["arm", "converted", "revenue"]
ROLE_FIELDS: dict[Role, str] = {
    "arm": "arm_column",
    "converted": "converted_column",
    "revenue": "revenue_column",
}

# --- Headers ---------------------------------------------------------------------------------

_SYNONYMS: dict[Role, tuple[str, ...]] = {
    "arm": (
        "variant",
        "arm",
        "group",
        "version",
        "bucket",
        "variation",
        "test group",
        "ab group",
        "experiment group",
        "variant name",
        "الخيار",
        "خيار",
        "المجموعة",
        "مجموعة",
        "النسخة",
        "نسخة",
        "المتغير",
        "متغير",
    ),
    "converted": (
        "converted",
        "conversion",
        "convert",
        "is converted",
        "has converted",
        "did convert",
        "purchased",
        "purchase",
        "did purchase",
        "bought",
        "ordered",
        "تحويل",
        "التحويل",
        "تحول",
        "اشترى",
        "شراء",
        "الشراء",
        "تم الشراء",
    ),
    "revenue": (
        "revenue",
        "amount",
        "sales",
        "order value",
        "order total",
        "الإيرادات",
        "إيرادات",
        "الإيراد",
        "إيراد",
        "المبلغ",
        "مبلغ",
        "المبيعات",
        "مبيعات",
    ),
}
_KEYS: dict[Role, frozenset[str]] = {
    role: frozenset(header_key(word) for word in words) for role, words in _SYNONYMS.items()
}
_CURRENCY_SUFFIX = re.compile("[a-z]{3}")
_CONTROL_KEYS = frozenset(
    header_key(word)
    for word in ("control", "a", "original", "baseline", "أ", "الأصلي", "الضابطة", "التحكم")
)

# --- What values may be -----------------------------------------------------------------------

_TRUE = ("1", "true", "yes", "y", "t", "نعم", "١")
_FALSE = ("0", "false", "no", "n", "f", "لا", "٠")
# pyarrow's boolean parser takes these exactly as written; anything else is read as text.
_ARROW_TRUE = [*_TRUE, "True", "TRUE", "Yes", "YES", "Y", "T"]
_ARROW_FALSE = [*_FALSE, "False", "FALSE", "No", "NO", "N", "F"]
ArmCodes = npt.NDArray[np.int64]
IntArray = npt.NDArray[np.int64]


class VisitorData(Model):
    """What a per-visitor file says about each arm, control (or the first arm seen) first."""

    arms: tuple[Arm, ...] = Field(description="Visitors and conversions of each arm.")
    revenue: tuple[RevenueStats, ...] | None = Field(
        description="Revenue per visitor of each arm, in the order of ``arms``; none without "
        "a revenue column."
    )
    arm_column: str = Field(description="The arm column's header (spaces around it trimmed).")
    converted_column: str = Field(description="The header of the converted column.")
    revenue_column: str | None = Field(description="The header of the revenue column.")
    visitors: int = Field(description="Visitors (rows) read, all arms together.")


@dataclass(frozen=True)
class _Columns:
    """The header chosen for each role (revenue may have none)."""

    arm: str
    converted: str
    revenue: str | None

    def names(self) -> list[str]:
        return [name for name in (self.arm, self.converted, self.revenue) if name is not None]


def read_visitor_csv(
    data: bytes,
    *,
    arm_column: str | None = None,
    converted_column: str | None = None,
    revenue_column: str | None = None,
) -> VisitorData:
    """Each arm's visitors, conversions and revenue from a CSV of one row per visitor.

    Columns not named are found by their header (see the module docstring).

    Raises:
        PlanInvalid: one ``FieldProblem`` per problem, addressed to ``(file)``, to the
            argument whose column can't be found, or to the column holding bad values.
    """
    data = bytes(data)
    _check_file(data)
    header, delimiter = read_header(data)
    columns = _choose_columns(header, arm_column, converted_column, revenue_column)
    rows = RowNumbers(data)
    table = _parse(data, delimiter, columns, rows)
    return _summarise(table, columns, rows)


# --- The file as a whole ----------------------------------------------------------------------


def _check_file(data: bytes) -> None:
    """Size, emptiness, encoding: every check that needs only the bytes."""
    check_file(data, limit=MAX_FILE_BYTES, kind="a visitor file", items="visitors")


# --- Choosing the columns ---------------------------------------------------------------------


def _choose_columns(
    header: list[str], arm: str | None, converted: str | None, revenue: str | None
) -> _Columns:
    problems: list[FieldProblem] = []
    chosen: dict[Role, str | None] = {}
    given_names: tuple[tuple[Role, str | None], ...] = (
        ("arm", arm),
        ("converted", converted),
        ("revenue", revenue),
    )
    for role, given in given_names:
        name, problem = _column_for(role, given, header)
        chosen[role] = name
        if problem is not None and (role != "revenue" or given is not None or name is not None):
            problems.append(problem)
    if not problems:
        problems += columns_reused(chosen, ROLE_FIELDS)
    if problems:
        raise PlanInvalid(problems)
    arm_name, converted_name = chosen["arm"], chosen["converted"]
    assert arm_name is not None  # noqa: S101  (found, or a problem was raised above)
    assert converted_name is not None  # noqa: S101
    return _Columns(arm_name, converted_name, chosen["revenue"])


def _column_for(
    role: Role, given: str | None, header: list[str]
) -> tuple[str | None, FieldProblem | None]:
    """The header for ``role`` (named or found by synonym), or the problem with it."""
    if given is not None:
        matches = [name for name in header if name == given]
        if not matches:
            matches = [name for name in header if header_key(name) == header_key(given)]
    else:
        matches = [name for name in header if _is_synonym(role, header_key(name))]
    if len(matches) == 1:
        return matches[0], None
    if not matches:
        return None, column_missing(ROLE_FIELDS[role], role, given, header, _SYNONYMS[role])
    return matches[0], column_ambiguous(ROLE_FIELDS[role], role, matches)


def _is_synonym(role: Role, key: str) -> bool:
    if key in _KEYS[role]:
        return True
    # "Revenue (SAR)": a revenue word followed by a currency code
    return (
        role == "revenue" and key[:-3] in _KEYS[role] and bool(_CURRENCY_SUFFIX.fullmatch(key[-3:]))
    )


# --- Parsing ---------------------------------------------------------------------------------


def _parse(data: bytes, delimiter: str, columns: _Columns, rows: _RowNumbers) -> pa.Table:
    """The chosen columns, typed; as text where a value doesn't parse as its type."""
    try:
        table, invalid = _read(data, delimiter, columns, typed=True)
    except pa.ArrowException as error:
        if not (isinstance(error, pa.ArrowInvalid) and "conversion error" in str(error)):
            refuse_unreadable(data, delimiter, error)
        try:
            table, invalid = _read(data, delimiter, columns, typed=False)
        except pa.ArrowException as again:
            refuse_unreadable(data, delimiter, again)
    check_records(
        data, delimiter, table.num_rows, invalid, rows, lambda: _numbered(data, delimiter, columns)
    )
    if table.num_rows == 0:
        _refuse("has a header but no visitors", "no_visitors")
    return table


def _numbered(data: bytes, delimiter: str, columns: _Columns) -> InvalidRows:
    """The invalid rows again, read on one thread so that pyarrow numbers them."""
    _table, numbered = _read(data, delimiter, columns, typed=False, threads=False)
    return numbered


def _read(
    data: bytes, delimiter: str, columns: _Columns, *, typed: bool, threads: bool = True
) -> tuple[pa.Table, InvalidRows]:
    invalid = InvalidRows()
    arm_type = pa.dictionary(pa.int32(), pa.string())
    types = {columns.arm: arm_type, columns.converted: pa.bool_() if typed else arm_type}
    if columns.revenue is not None:
        types[columns.revenue] = pa.float64() if typed else pa.string()
    table = pa_csv.read_csv(
        pa.py_buffer(data),
        read_options=pa_csv.ReadOptions(use_threads=threads),
        parse_options=pa_csv.ParseOptions(delimiter=delimiter, invalid_row_handler=invalid),
        convert_options=pa_csv.ConvertOptions(
            include_columns=columns.names(),
            column_types=types,
            null_values=[""],
            true_values=_ARROW_TRUE,
            false_values=_ARROW_FALSE,
            strings_can_be_null=False,
            check_utf8=False,  # the whole file was checked once (``_check_utf8``)
        ),
    )
    return table.unify_dictionaries(), invalid


# --- Counting the arms ------------------------------------------------------------------------

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class _Arms:
    """The arm column: each row's dictionary index, and what each dictionary entry stands for.

    The same arm may be written several ways (``"B"``, ``" B"``): counts are taken per
    dictionary entry, which costs one pass over the rows, and added up per arm.
    """

    indices: npt.NDArray[np.int32]
    entries: int
    arm_of_entry: npt.NDArray[np.int64]  # the arm each entry names; -1 for an empty one
    names: list[str]


def _summarise(table: pa.Table, columns: _Columns, rows: RowNumbers) -> VisitorData:
    arm_column = table.column(columns.arm)
    arms, problems = _arms(arm_column, _Where(arm_column, columns.arm, "arm", rows))
    converted = table.column(columns.converted)
    bought, converted_problems = _converted(
        converted, _Where(converted, columns.converted, "converted", rows)
    )
    problems += converted_problems
    values = None
    if columns.revenue is not None:
        column = table.column(columns.revenue)
        values, revenue_problems = _revenue(
            column, _Where(column, columns.revenue, "revenue", rows), bought
        )
        problems += revenue_problems
    if problems:
        raise PlanInvalid(problems)
    return _data(arms, bought, values, columns)


def _data(
    arms: _Arms, bought: BoolArray, values: FloatArray | None, columns: _Columns
) -> VisitorData:
    conversions = _per_arm(arms, np.bincount(arms.indices[bought], minlength=arms.entries))
    revenue = None
    if values is None:
        per_entry = np.bincount(arms.indices, minlength=arms.entries)
    else:
        stats = RevenueStats.of_groups(values, arms.indices, arms.entries)
        per_entry = np.array([entry.n for entry in stats], dtype=np.int64)
        revenue = tuple(
            sum((stats[entry] for entry in np.flatnonzero(arms.arm_of_entry == arm)), _NO_VISITORS)
            for arm in range(len(arms.names))
        )
    visitors = _per_arm(arms, per_entry)
    return VisitorData(
        arms=tuple(
            Arm(name=name, visitors=seen, conversions=converted)
            for name, seen, converted in zip(arms.names, visitors, conversions, strict=True)
        ),
        revenue=revenue,
        arm_column=columns.arm,
        converted_column=columns.converted,
        revenue_column=columns.revenue,
        visitors=int(per_entry.sum()),
    )


_NO_VISITORS = RevenueStats(n=0, mean=None, variance=None)


def _per_arm(arms: _Arms, per_entry: npt.NDArray[np.int64]) -> list[int]:
    """Counts per dictionary entry added up per arm."""
    kept = arms.arm_of_entry >= 0
    totals = np.bincount(
        arms.arm_of_entry[kept], weights=per_entry[kept], minlength=len(arms.names)
    )
    return [int(total) for total in totals]


def _indices(column: pa.ChunkedArray) -> npt.NDArray[np.int32]:
    """A dictionary column's indices into its one dictionary (unified across chunks)."""
    parts = [chunk.indices.to_numpy(zero_copy_only=False) for chunk in column.chunks]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)


def _dictionary(column: pa.ChunkedArray) -> Any:
    return column.chunk(0).dictionary if column.num_chunks else pa.array([], pa.string())


def _arms(column: pa.ChunkedArray, where: _Where) -> tuple[_Arms, list[FieldProblem]]:
    """The arms and each row's entry, and the problems with the column."""
    trimmed = pc.utf8_trim_whitespace(_dictionary(column))
    names = pc.unique(pc.filter(trimmed, pc.not_equal(trimmed, ""))).to_pylist()
    indices = _indices(column)
    if not 2 <= len(names) <= MAX_ARMS:
        arms = _Arms(indices, len(trimmed), np.zeros(0, dtype=np.int64), names)
        return arms, [_arm_count_problem(where, names)]
    names = _control_first(names)
    lookup = pc.index_in(trimmed, value_set=pa.array(names, pa.string())).fill_null(-1)
    arms = _Arms(indices, len(trimmed), lookup.to_numpy().astype(np.int64), names)
    problems = [where.bad("arm_missing", "must name the arm the visitor saw", _rows_of(arms, -1))]
    problems += [_name_problem(where, arms, index, name) for index, name in enumerate(names)]
    return arms, [problem for problem in problems if problem is not None]


def _rows_of(arms: _Arms, arm: int) -> npt.NDArray[np.intp]:
    """The rows of one arm (-1: the rows with no arm), found only when some are wanted."""
    entries = np.flatnonzero(arms.arm_of_entry == arm)
    if entries.size == 0:
        return np.zeros(0, dtype=np.intp)
    return np.flatnonzero(np.isin(arms.indices, entries))


def _control_first(names: list[str]) -> list[str]:
    controls = [name for name in names if header_key(name) in _CONTROL_KEYS]
    if len(controls) != 1:
        return names
    return [controls[0], *(name for name in names if name != controls[0])]


def _arm_count_problem(where: _Where, names: list[str]) -> FieldProblem:
    field = field_path([where.header])
    shown = tuple(show_text(name) for name in names[:ROWS_SHOWN])
    listed = ", ".join(shown) + ("…" if len(names) > ROWS_SHOWN else "")
    context = {"column": field, "role": "arm", "count": len(names), "arms": shown}
    if len(names) > MAX_ARMS:
        message = (
            f"has {len(names):,} different arms ({listed}); a test has at most {MAX_ARMS} "
            f"(control and {MAX_VARIANTS} variants)"
        )
        return FieldProblem(field, message, "too_many_arms", context | {"limit": MAX_ARMS})
    message = f"has {len(names)} arm{'' if len(names) == 1 else 's'} ({listed or 'none'}); "
    message += "a test needs control and at least one variant"
    return FieldProblem(field, message, "too_few_arms", context)


def _name_problem(where: _Where, arms: _Arms, index: int, name: str) -> FieldProblem | None:
    try:
        Arm(name=name, visitors=0, conversions=0)
    except ValidationError:
        requirement = "must be an arm name of at most 80 characters, none a control character"
        return where.bad("arm_name_invalid", requirement, _rows_of(arms, index)[:1])
    return None


def _converted(column: pa.ChunkedArray, where: _Where) -> tuple[BoolArray, list[FieldProblem]]:
    """Which rows converted, and the problem with the column (a value neither yes nor no)."""
    requirement = "must be 1 or 0, true or false, yes or no"
    if pa.types.is_boolean(column.type):
        problem = None
        if column.null_count:
            problem = where.bad(
                "converted_invalid", requirement, np.flatnonzero(_as_numpy(column.is_null()))
            )
            column = column.fill_null(False)
        return np.asarray(_as_numpy(column), dtype=np.bool_), [] if problem is None else [problem]
    normal = pc.utf8_lower(pc.utf8_trim_whitespace(_dictionary(column)))
    yes = _as_numpy(pc.is_in(normal, value_set=pa.array(_TRUE)))
    no = _as_numpy(pc.is_in(normal, value_set=pa.array(_FALSE)))
    indices = _indices(column)
    problem = where.bad("converted_invalid", requirement, np.flatnonzero(~(yes | no)[indices]))
    return np.asarray(yes, dtype=np.bool_)[indices], [] if problem is None else [problem]


def _revenue(
    column: pa.ChunkedArray, where: _Where, bought: BoolArray
) -> tuple[FloatArray, list[FieldProblem]]:
    """Each row's revenue (0 where empty), and the problems with the column."""
    problems = []
    if pa.types.is_floating(column.type):
        missing = _as_numpy(column.is_null()) if column.null_count else None
        values = np.asarray(_as_numpy(column.fill_null(0.0)), dtype=np.float64)
    else:
        values, missing, unreadable = numbers_in_text(column)
        problems.append(where.bad("revenue_invalid", "must be a number like 1234.50", unreadable))
    if missing is not None:
        unknown = missing & bought
        if unknown.any():
            requirement = "must be given for a visitor who converted"
            problems.append(where.bad("revenue_missing", requirement, np.flatnonzero(unknown)))
    # NaN fails both comparisons, so one pass each finds any value out of range
    if not (values.max(initial=0) <= MAX_REVENUE and values.min(initial=0) >= -MAX_REVENUE):
        limit = format_number(MAX_REVENUE)
        too_large = np.flatnonzero(~(np.abs(values) <= MAX_REVENUE))
        requirement = f"must be a number from -{limit} to {limit}"
        problems.append(where.bad("revenue_out_of_range", requirement, too_large))
    return values, [problem for problem in problems if problem is not None]


@dataclass(frozen=True)
class _Where:
    """A column, to name its bad values by row."""

    column: pa.ChunkedArray
    header: str
    role: Role
    rows: RowNumbers

    def bad(
        self, code: str, requirement: str, indices: npt.NDArray[np.intp]
    ) -> FieldProblem | None:
        """``row 7: must be …, got "maybe"; 41 more rows like it (rows 9, 12…)``, or none.

        ``indices`` are the bad records' indices, in order.
        """
        if indices.size == 0:
            return None
        count = int(indices.size)
        numbers = self.rows.of_records(indices[:ROWS_SHOWN])
        got = shown_value(self.column[int(indices[0])].as_py())
        return bad_rows(self.header, self.role, code, requirement, numbers, count, got)
