"""Turn validation failures into one plain message per field, and name infeasible requests.

Every entry point (the CLI, the page) goes through ``parse_plan``/``parse_plan_json`` so a
user always sees ``stages[2].conversion_rate: must be > 0 and ≤ 1, got 1.2`` and never a
traceback. Whatever the input echoes back (unknown keys, names, values) is shown with its
control characters escaped, so no message can fake a line or drive the terminal.

A plan file is read strictly: UTF-8 only, every key once per object, numbers that fit in a
float, nesting no deeper than a plan needs. Each refusal names the line and column.

Every problem is a code with the parameters its message needs (``FieldProblem.context``),
and every infeasible request a code with parameters and a hint code (``PlannerError``):
``i18n.domain`` words them in the reader's language. The English ``message`` kept beside
them is the CLI's default wording, and ``i18n.domain`` words English identically.
"""

from __future__ import annotations

import difflib
import json
import json.decoder
import json.scanner
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any, NoReturn

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from planner.base import RULES_ERROR
from planner.migrations import SchemaTooNew, migrate
from planner.models import PLAN_SCHEMA_VERSION, Plan
from planner.types import format_number, printable

FILE = "(file)"
PLAN = "(plan)"
MAX_NESTING = 20  # a plan nests 3 deep (plan → stages list → stage); 20 is generous
PLAN_NESTING = 3  # plan → stages list → stage
REQUIRED = "missing"
RULE = "rule"  # a broken cross-field rule; ``context["rule"]`` names which (``planner.models``)
# Pydantic's own error types, grouped by the message they get here.
NUMBER_TYPES = frozenset({"float_parsing", "float_type"})
WHOLE_NUMBER_TYPES = frozenset({"int_parsing", "int_type", "int_from_float"})
DATE_TYPES = frozenset(
    {
        "date_type",
        "date_parsing",
        "date_from_datetime_parsing",
        "date_from_datetime_inexact",
        "date_past",
        "date_future",
    }
)
LIST_TYPES = frozenset({"list_type"})
OBJECT_TYPES = frozenset({"model_type", "dict_type", "model_attributes_type"})
_LONGEST_KEY_SHOWN = 40
_LONGEST_NUMBER_SHOWN = 24


@dataclass(frozen=True)
class FieldProblem:
    """What is wrong with one field, addressed by its path in the plan file."""

    field: str
    message: str
    code: str = "invalid"
    context: Mapping[str, Any] = dataclass_field(default_factory=dict)

    def __str__(self) -> str:
        return printable(f"{self.field}: {self.message}")


class PlannerError(Exception):
    """A valid plan asked for something the funnel can't answer; ``hint`` says what to change.

    ``code`` and ``params`` name the problem and ``hint_code`` the advice, for wording in the
    reader's language; ``str(error)`` and ``hint`` are the English.
    """

    def __init__(
        self,
        message: str,
        hint: str,
        *,
        code: str = "infeasible",
        hint_code: str = "",
        params: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.hint = hint
        self.code = code
        self.hint_code = hint_code
        self.params: Mapping[str, Any] = dict(params or {})


class PlanInvalid(ValueError):
    """The input is not a valid plan; ``problems`` holds one entry per failing field."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems

    def fields(self) -> set[str]:
        """The paths of every failing field."""
        return {problem.field for problem in self.problems}


def field_path(location: Iterable[str | int]) -> str:
    """``("stages", 2, "conversion_rate")`` → ``stages[2].conversion_rate``."""
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            name = _cut(str(part), _LONGEST_KEY_SHOWN) or '""'  # an empty key is a key too
            path += f".{name}" if path else name
    return printable(path) or PLAN


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def problems_from(error: ValidationError, model: type[BaseModel] = Plan) -> list[FieldProblem]:
    """One ``FieldProblem`` per failing field of a pydantic ``ValidationError``."""
    problems: list[FieldProblem] = []
    for detail in error.errors(include_url=False):
        problems.extend(_problems_from_detail(detail, model))
    return problems


def _problems_from_detail(detail: ErrorDetails, model: type[BaseModel]) -> list[FieldProblem]:
    location = list(detail["loc"])
    context = dict(detail.get("ctx") or {})
    if detail["type"] == RULES_ERROR:
        return [
            FieldProblem(
                field_path([*location, *_split(rule.field)]),
                printable(rule.message),
                RULE,
                {"rule": rule.rule, **rule.params},
            )
            for rule in context["problems"]
        ]
    got = detail.get("input")
    if isinstance(got, UnreadableNumber) and detail["type"] != "extra_forbidden":
        return [got.problem(field_path(location))]
    code, message, parameters = _worded(detail, model)
    return [FieldProblem(field_path(location), printable(message), code, context | parameters)]


def _split(relative: str) -> list[str | int]:
    """``stages[0].name`` → ``["stages", 0, "name"]`` so it can be prefixed by a location."""
    parts: list[str | int] = []
    for chunk in relative.replace("]", "").split("."):
        name, *indexes = chunk.split("[")
        parts.append(name)
        parts.extend(int(index) for index in indexes)
    return parts


def is_date_type(kind: str) -> bool:
    """Pydantic's date error types (``date_type``, ``date_parsing``...)."""
    return kind in DATE_TYPES or kind.startswith("date")


def _worded(detail: ErrorDetails, model: type[BaseModel]) -> tuple[str, str, dict[str, Any]]:
    """The problem's code, its English message, and the parameters that message needs.

    Pydantic's wording ("input should be...") becomes the planner's; the planner's own errors
    (``PydanticCustomError``) already carry their parameters in their context.
    """
    kind = detail["type"]
    got = detail.get("input")
    if kind == "missing" or (got is None and kind.endswith("_type")):
        return REQUIRED, "required", {}
    if kind == "extra_forbidden":
        message, parameters = _unknown_field(detail["loc"], model)
        return kind, message, parameters
    shown = _show(got)
    expected = _expected(detail)
    if expected is not None:
        return kind, f"must be {expected}, got {shown}", {"got": shown}
    if kind == "string_too_long" and isinstance(got, str):
        limit = (detail.get("ctx") or {}).get("max_length")
        message = f"must be at most {limit} characters long, got {len(got):,}"
        return kind, message, {"max_length": limit, "length": len(got)}
    if kind == "too_long":
        context = detail.get("ctx") or {}
        limit, length = context.get("max_length"), context.get("actual_length")
        message = f"must hold at most {limit} items, got {length}"
        return kind, message, {"max_length": limit, "length": length}
    if kind == "literal_error":
        allowed = (detail.get("ctx") or {}).get("expected", "one of the allowed values")
        return kind, f"must be {allowed}, got {shown}", {"expected": allowed, "got": shown}
    return kind, _pydantic_message(detail), {}


def _expected(detail: ErrorDetails) -> str | None:
    """What a value of the wrong type should have been: "a number", "a date like 2027-01-31"."""
    kind = detail["type"]
    if kind in WHOLE_NUMBER_TYPES:
        return "a whole number"
    if kind in NUMBER_TYPES:
        return "a number"
    if kind == "finite_number":
        return "a finite number"
    if is_date_type(kind):
        return "a date like 2027-01-31"
    if kind == "string_type":
        return "text"
    if kind in LIST_TYPES:
        return "a list"
    if kind in OBJECT_TYPES:
        return "an object"
    return None


def _pydantic_message(detail: ErrorDetails) -> str:
    """Pydantic's own wording, lower-cased to follow the field name."""
    return detail["msg"][0].lower() + detail["msg"][1:]


def _show(value: Any) -> str:
    """A value as JSON, cut to 60 characters, control characters escaped."""
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, UnreadableNumber):
        return _cut(value.text, _LONGEST_NUMBER_SHOWN)
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (ValueError, RecursionError):  # a circular or absurdly deep structure
        text = f"a {type(value).__name__}"
    return printable(text if len(text) <= 60 else text[:57] + "...")


def _unknown_field(
    location: tuple[str | int, ...], model: type[BaseModel]
) -> tuple[str, dict[str, Any]]:
    owner = _model_at(model, location[:-1])
    known = sorted(owner.model_fields) if owner else []
    close = difflib.get_close_matches(str(location[-1]), known, n=1)
    if close:
        return f"unknown field; did you mean '{close[0]}'?", {"suggestion": close[0]}
    return f"unknown field; known fields: {', '.join(known)}", {"known": tuple(known)}


def _model_at(model: type[BaseModel], location: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The nested model class a location points into, e.g. ``stages[2]`` → ``Stage``."""
    current: Any = model
    for part in location:
        if isinstance(part, int):
            continue
        is_model = isinstance(current, type) and issubclass(current, BaseModel)
        field_info = current.model_fields.get(part) if is_model else None
        if field_info is None:
            return None
        current = _model_in(field_info.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in getattr(annotation, "__args__", ()):
        found = _model_in(argument)
        if found is not None:
            return found
    return None


def parse_plan(data: Any) -> Plan:
    """Validate already-decoded data into a ``Plan``, or raise ``PlanInvalid``."""
    if not isinstance(data, Mapping):
        shown = _show(data)
        message = f"must be a JSON object, got {shown}"
        raise PlanInvalid([FieldProblem(PLAN, message, "plan_not_an_object", {"got": shown})])
    try:
        return Plan.model_validate(migrate(data))
    except SchemaTooNew as newer:
        message = (
            f"is {newer.version}, newer than this planner reads (up to {PLAN_SCHEMA_VERSION}); "
            "update the planner"
        )
        context = {"got": newer.version, "supported": PLAN_SCHEMA_VERSION}
        raise PlanInvalid(
            [FieldProblem("schema_version", message, "schema_too_new", context)]
        ) from None
    except ValidationError as error:
        raise PlanInvalid(problems_from(error)) from None


def parse_plan_json(text: str | bytes) -> Plan:
    """Validate a plan file's text, or raise ``PlanInvalid`` (JSON syntax errors included).

    Bytes must be UTF-8 (a byte-order mark is allowed); UTF-16 and UTF-32 are named as such.
    """
    if isinstance(text, bytes):
        text = _decode(text)
    return parse_plan(load_json(text.lstrip("\ufeff")))


def _refuse(message: str, code: str, **context: Any) -> NoReturn:
    raise PlanInvalid([FieldProblem(FILE, message, code, context)])


def _decode(raw: bytes) -> str:
    encoding = json.detect_encoding(raw)
    if encoding.startswith(("utf-16", "utf-32")):
        name = encoding[:6].upper()
        _refuse(f"is {name}; save it as UTF-8", "encoding", encoding=name)
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[: error.start].decode("utf-8")
        line, column = _line_and_column(before, len(before))
        byte = f"0x{raw[error.start]:02X}"
        _refuse(
            f"is not UTF-8: invalid byte {byte} at line {line}, column {column}; save it as UTF-8",
            "not_utf8",
            byte=byte,
            line=line,
            column=column,
        )


def _line_and_column(text: str, position: int) -> tuple[int, int]:
    """1-based, counted in characters as ``json`` does."""
    line = text.count("\n", 0, position) + 1
    return line, position - text.rfind("\n", 0, position)


# --- Reading JSON strictly --------------------------------------------------------------------


@dataclass(frozen=True)
class UnreadableNumber:
    """A number in a plan file too large (``1e400``, 5,000 digits) or too small for a float.

    The decoder puts it where the number stood, so the field it belongs to can be named.
    """

    text: str
    too: str  # "large" or "small"

    def __str__(self) -> str:
        return self.text

    def problem(self, field: str) -> FieldProblem:
        """The one-line refusal for ``field``."""
        code = "number_too_large" if self.too == "large" else "number_too_small"
        if len(self.text) > _LONGEST_NUMBER_SHOWN:  # named by its length, not shown
            digits = sum(character.isdigit() for character in self.text)
            message = (
                f"is a number too {self.too} to work with, got a number {digits:,} digits long"
            )
            return FieldProblem(field, message, code, {"digits": digits})
        message = f"is a number too {self.too} to work with, got {self.text}"
        return FieldProblem(field, message, code, {"got": self.text})


class _DuplicateKey(Exception):
    """Raised by the fast decoder; the locator then finds where."""


class _Refused(Exception):
    def __init__(self, problem: FieldProblem) -> None:
        super().__init__(str(problem))
        self.problem = problem


_NONZERO_DIGIT = re.compile("[1-9]")


def _parse_int(text: str) -> int | UnreadableNumber:
    # int() refuses more than 4,300 digits; anything past 1e308 is no use to a plan anyway.
    if len(text) > 300 and math.isinf(float(text)):
        return UnreadableNumber(text, "large")
    return int(text)


def _parse_float(text: str) -> float | UnreadableNumber:
    value = float(text)
    if math.isinf(value):
        return UnreadableNumber(text, "large")
    if value == 0 and _NONZERO_DIGIT.search(re.split("[eE]", text)[0]):
        return UnreadableNumber(text, "small")  # 1e-400 would silently become 0
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data = dict(pairs)
    if len(data) != len(pairs):
        raise _DuplicateKey
    return data


_DECODER = json.JSONDecoder(
    object_pairs_hook=_unique_keys, parse_int=_parse_int, parse_float=_parse_float
)


def load_json(text: str) -> Any:
    """Decode a plan file's JSON, or raise ``PlanInvalid`` naming the line and column."""
    try:
        data = _DECODER.decode(text)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        _refuse(
            f"is not valid JSON: {error.msg} at {where}",
            "json",
            reason=error.msg,
            line=error.lineno,
            column=error.colno,
        )
    except (_DuplicateKey, RecursionError):
        _locate_problem(text)
    if _depth(data) > MAX_NESTING:
        _locate_problem(text)
    if "\\u" in text:
        _refuse_lone_surrogate(text)
    return data


_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|.)", re.DOTALL)


def _refuse_lone_surrogate(text: str) -> None:
    r"""Refuse ``\ud800`` without its other half: it decodes to no character at all.

    Runs on text json has accepted, so every backslash is inside a string.
    """
    high: re.Match[str] | None = None  # a first half waiting for its second
    lone: re.Match[str] | None = None
    for escape in _ESCAPE.finditer(text):
        code = int(escape.group(1), 16) if escape.group(1) else -1
        is_low = 0xDC00 <= code <= 0xDFFF
        if high is not None:
            if is_low and escape.start() == high.end():
                high = None
                continue
            lone = high
            break
        if 0xD800 <= code <= 0xDBFF:
            high = escape
        elif is_low:
            lone = escape
            break
    lone = lone or high
    if lone is not None:
        line, column = _line_and_column(text, lone.start())
        _refuse(
            f"has {lone.group()} at line {line}, column {column}: half of a UTF-16 pair, "
            "not a character; remove it",
            "lone_surrogate",
            escape=lone.group(),
            line=line,
            column=column,
        )


def _depth(data: Any) -> int:
    """How deeply lists and objects nest (without recursion); stops counting past the limit."""
    deepest, stack = 0, [(data, 1)]
    while stack and deepest <= MAX_NESTING:
        value, depth = stack.pop()
        children = value.values() if isinstance(value, dict) else value
        if isinstance(value, dict | list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in children)
    return deepest


def _locate_problem(text: str) -> NoReturn:
    """Re-read ``text`` slowly to say where it nests too deep or repeats a key."""
    try:
        _Locator().decode(text)
    except _Refused as refused:
        raise PlanInvalid([refused.problem]) from None
    except (ValueError, RecursionError):
        pass
    _refuse("can't be read as a plan", "unreadable")  # not reached for text json accepts


class _Locator(json.JSONDecoder):
    """Python's pure-Python JSON scanner, told each object's and list's position.

    Only used on text the fast decoder has already accepted up to the problem, so the
    scanner's leniencies (it would take Arabic-Indic digits) never come into play.
    """

    def __init__(self) -> None:
        super().__init__(
            object_pairs_hook=list,
            parse_int=lambda _text: 0,
            parse_float=lambda _text: 0.0,
        )
        self.depth = 0
        self.parse_object = self._object
        self.parse_array = self._array
        self.scan_once = json.scanner.py_make_scanner(self)  # type: ignore[attr-defined]

    def _enter(self, text: str, position: int) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            line, column = _line_and_column(text, position)
            message = (
                f"nests lists and objects more than {MAX_NESTING} deep at line {line}, "
                f"column {column}; a plan needs {PLAN_NESTING}"
            )
            context = {"limit": MAX_NESTING, "line": line, "column": column, "needed": PLAN_NESTING}
            raise _Refused(FieldProblem(FILE, message, "too_deep", context))

    def _object(self, s_and_end: tuple[str, int], *args: Any) -> tuple[Any, int]:
        text, start = s_and_end
        self._enter(text, start - 1)
        pairs, end = json.decoder.JSONObject(s_and_end, *args)  # type: ignore[attr-defined]
        self.depth -= 1
        seen: set[str] = set()
        for index, (key, _value) in enumerate(pairs):
            if key in seen:
                self._duplicate(text, start, index, key, args[1])
            seen.add(key)
        return pairs, end

    def _array(self, s_and_end: tuple[str, int], scan_once: Any) -> tuple[Any, int]:
        text, start = s_and_end
        self._enter(text, start - 1)
        values, end = json.decoder.JSONArray(s_and_end, scan_once)  # type: ignore[attr-defined]
        self.depth -= 1
        return values, end

    @staticmethod
    def _duplicate(text: str, start: int, index: int, key: str, scan_once: Any) -> NoReturn:
        """Refuse the ``index``-th key of the object opened at ``start``: it came before."""
        whitespace = json.decoder.WHITESPACE.match  # type: ignore[attr-defined]
        position = whitespace(text, start).end()
        for _ in range(index):  # skip key: value, pairs before the repeat
            _key, position = json.decoder.scanstring(text, position + 1)  # type: ignore[attr-defined]
            position = whitespace(text, whitespace(text, position).end() + 1).end()
            _value, position = scan_once(text, position)
            position = whitespace(text, whitespace(text, position).end() + 1).end()
        line, column = _line_and_column(text, position)
        shown = printable(_cut(key, _LONGEST_KEY_SHOWN))
        message = (
            f'repeats the key "{shown}" at line {line}, column {column}; '
            "each key may appear once in an object"
        )
        context = {"key": shown, "line": line, "column": column}
        raise _Refused(FieldProblem(FILE, message, "duplicate_key", context))
