"""Turn validation failures into one plain message per field, and name infeasible requests.

Every entry point (the CLI, the page) goes through ``parse_plan``/``parse_plan_json`` so a
user always sees ``stages[2].conversion_rate: must be > 0 and ≤ 1, got 1.2`` and never a
traceback.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from planner.models import RULES_ERROR, Plan
from planner.types import format_number


@dataclass(frozen=True)
class FieldProblem:
    """What is wrong with one field, addressed by its path in the plan file."""

    field: str
    message: str
    code: str = "invalid"
    context: Mapping[str, Any] = dataclass_field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class PlannerError(Exception):
    """A valid plan asked for something the funnel can't answer; ``hint`` says what to change."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


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
            path += f".{part}" if path else str(part)
    return path or "(plan)"


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
            FieldProblem(field_path([*location, *_split(rule.field)]), rule.message, "rule")
            for rule in context["problems"]
        ]
    message = _message(detail, model)
    return [FieldProblem(field_path(location), message, detail["type"], context)]


def _split(relative: str) -> list[str | int]:
    """``stages[0].name`` → ``["stages", 0, "name"]`` so it can be prefixed by a location."""
    parts: list[str | int] = []
    for chunk in relative.replace("]", "").split("."):
        name, *indexes = chunk.split("[")
        parts.append(name)
        parts.extend(int(index) for index in indexes)
    return parts


def _message(detail: ErrorDetails, model: type[BaseModel]) -> str:
    kind = detail["type"]
    got = detail.get("input")
    if kind == "missing" or (got is None and kind.endswith("_type")):
        return "required"
    if kind == "extra_forbidden":
        return _unknown_field_message(detail["loc"], model)
    if kind in {"float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"}:
        whole = "a whole number" if kind.startswith("int") else "a number"
        return f"must be {whole}, got {_show(got)}"
    if kind == "finite_number":
        return f"must be a finite number, got {_show(got)}"
    if kind.startswith(("date", "string_")):
        return _text_message(detail)
    if kind in {"list_type", "model_type", "dict_type", "model_attributes_type"}:
        expected = "a list" if kind == "list_type" else "an object"
        return f"must be {expected}, got {_show(got)}"
    if kind == "literal_error":
        expected = (detail.get("ctx") or {}).get("expected", "one of the allowed values")
        return f"must be {expected}, got {_show(got)}"
    return _pydantic_message(detail)


def _text_message(detail: ErrorDetails) -> str:
    """Dates and text, in the planner's wording rather than pydantic's "input should be..."."""
    kind, got = detail["type"], detail.get("input")
    if kind.startswith("date"):
        return f"must be a date like 2027-01-31, got {_show(got)}"
    if kind == "string_type":
        return f"must be text, got {_show(got)}"
    if kind == "string_too_long" and isinstance(got, str):
        limit = (detail.get("ctx") or {}).get("max_length")
        return f"must be at most {limit} characters long, got {len(got)}"
    return _pydantic_message(detail)


def _pydantic_message(detail: ErrorDetails) -> str:
    """Pydantic's own wording, lower-cased to follow the field name."""
    return detail["msg"][0].lower() + detail["msg"][1:]


def _show(value: Any) -> str:
    if isinstance(value, float):
        return format_number(value)
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _unknown_field_message(location: tuple[str | int, ...], model: type[BaseModel]) -> str:
    owner = _model_at(model, location[:-1])
    known = sorted(owner.model_fields) if owner else []
    close = difflib.get_close_matches(str(location[-1]), known, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else f"; known fields: {', '.join(known)}"
    return "unknown field" + hint


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
        raise PlanInvalid([FieldProblem("(plan)", f"must be a JSON object, got {_show(data)}")])
    try:
        return Plan.model_validate(data)
    except ValidationError as error:
        raise PlanInvalid(problems_from(error)) from None


def parse_plan_json(text: str | bytes) -> Plan:
    """Validate a plan file's text, or raise ``PlanInvalid`` (JSON syntax errors included)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8-sig", errors="replace")
    try:
        data = json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise PlanInvalid(
            [FieldProblem("(file)", f"is not valid JSON: {error.msg} at {where}", "json")]
        ) from None
    return parse_plan(data)
