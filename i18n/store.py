"""What the plan store reports, and the words of the CLI's plan list, in the reader's language.

The store (``storage``) raises errors with a ``code`` and ``params`` (``plan_not_found`` with
``reference``; ``store_unavailable`` with ``url`` and ``reason``); this module holds their
English source strings, marked ``N_`` for the ``planner`` catalogue, and words them. It takes
the code and parameters rather than the exception, as ``i18n`` never imports an adapter.

What the system or the database said (``reason``), names and URLs are shown as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from i18n.catalogue import N_, translate
from i18n.domain import ENGLISH, problem_line
from i18n.formats import Formats
from planner.errors import FieldProblem
from planner.types import printable

STORE_UNAVAILABLE = N_("the plan store at {url} can't be used: {reason}")
PLAN_NOT_FOUND = N_("no plan is numbered or called '{reference}'")
VERSION_NOT_FOUND = N_("plan {reference} has no version {version}")
AMBIGUOUS_PLAN_NAME = N_("several plans are called '{name}' (ids {ids}); give the id instead")
SHARE_NOT_FOUND = N_("this share link is unknown, revoked, or its plan was deleted")
VERSION_CONFLICT = N_(
    "plan {plan_id} is at version {version}, saved by {author} at {saved_at}, "
    "not at version {expected}; open it again and redo your change"
)
INPUT_REQUIRED = N_("{field}: required")
INPUT_TOO_LONG = N_("{field}: at most {limit} characters, got {got}")
INPUT_CONTROL_CHARACTER = N_("{field}: must not contain control characters")
INPUT_NOT_ONE_OF = N_("{field}: must be one of {allowed}, got '{got}'")
INPUT_NOT_JSON = N_("{field}: must be JSON data")
RESULTS_TOO_LARGE = N_("the results are {size} bytes packed; at most {limit} bytes can be kept")
TIME_UTC = N_("{time} UTC")

# The CLI's plan list (`plans list`): its column headings, and the line for an empty list.
HEADING_ID = N_("id")
HEADING_NAME = N_("name")
HEADING_PERIOD = N_("period")
HEADING_TARGET = N_("target")
HEADING_LAST_EDITOR = N_("last editor")
HEADING_LAST_CHANGE = N_("last change (UTC)")
HEADING_DELETED_BY = N_("deleted by")
HEADING_DELETED = N_("deleted (UTC)")
NO_PLANS = N_("no plans")

Wording = Callable[[Mapping[str, Any], Formats], str]


def store_message(
    code: str, params: Mapping[str, Any], formats: Formats = ENGLISH, fallback: str = ""
) -> str:
    """The problem ``code`` with ``params`` in ``formats``' language, on one printable line.

    A code this module doesn't know keeps ``fallback`` (the store's English message).
    """
    wording = _WORDINGS.get(code)
    try:
        text = fallback if wording is None else wording(params, formats)
    except (KeyError, ValueError):  # parameters this wording doesn't expect
        text = fallback
    return printable(text)


def utc_time(moment: datetime, formats: Formats = ENGLISH) -> str:
    """``2027-01-04 09:00 UTC``: to the minute, as a list or a message shows it."""
    return translate(formats.language, TIME_UTC, time=moment.strftime("%Y-%m-%d %H:%M"))


def _unavailable(params: Mapping[str, Any], formats: Formats) -> str:
    return _t(formats, STORE_UNAVAILABLE, url=params["url"], reason=params["reason"])


def _not_found(params: Mapping[str, Any], formats: Formats) -> str:
    if params.get("version") is not None:
        version = formats.count(params["version"])
        return _t(formats, VERSION_NOT_FOUND, reference=params["reference"], version=version)
    return _t(formats, PLAN_NOT_FOUND, reference=params["reference"])


def _ambiguous(params: Mapping[str, Any], formats: Formats) -> str:
    ids = ", ".join(str(plan_id) for plan_id in params["ids"])
    return _t(formats, AMBIGUOUS_PLAN_NAME, name=params["name"], ids=ids)


def _share_not_found(_params: Mapping[str, Any], formats: Formats) -> str:
    return _t(formats, SHARE_NOT_FOUND)


def _conflict(params: Mapping[str, Any], formats: Formats) -> str:
    return _t(
        formats,
        VERSION_CONFLICT,
        plan_id=params["plan_id"],
        version=formats.count(params["version"]),
        author=params["author"],
        saved_at=utc_time(params["saved_at"], formats),
        expected=formats.count(params["expected"]),
    )


def _invalid_input(params: Mapping[str, Any], formats: Formats) -> str:
    field, problem = params["field"], params["problem"]
    if problem == "required":
        return _t(formats, INPUT_REQUIRED, field=field)
    if problem == "too_long":
        limit, got = formats.count(params["limit"]), formats.count(params["got"])
        return _t(formats, INPUT_TOO_LONG, field=field, limit=limit, got=got)
    if problem == "control_character":
        return _t(formats, INPUT_CONTROL_CHARACTER, field=field)
    if problem == "not_one_of":
        allowed = ", ".join(str(value) for value in params["allowed"])
        return _t(formats, INPUT_NOT_ONE_OF, field=field, allowed=allowed, got=params["got"])
    if problem == "not_json":
        return _t(formats, INPUT_NOT_JSON, field=field)
    problems: Sequence[FieldProblem] = params["problems"]  # a name the plan file refuses
    return "; ".join(problem_line(found, formats) for found in problems)


def _results_too_large(params: Mapping[str, Any], formats: Formats) -> str:
    size, limit = formats.count(params["size"]), formats.count(params["limit"])
    return _t(formats, RESULTS_TOO_LARGE, size=size, limit=limit)


def _t(formats: Formats, message: str, **params: Any) -> str:
    return translate(formats.language, message, **params)


_WORDINGS: dict[str, Wording] = {
    "store_unavailable": _unavailable,
    "plan_not_found": _not_found,
    "ambiguous_plan_name": _ambiguous,
    "share_not_found": _share_not_found,
    "version_conflict": _conflict,
    "invalid_input": _invalid_input,
    "results_too_large": _results_too_large,
}
