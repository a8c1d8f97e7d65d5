"""Plan files written by older versions of the planner, brought up to today's format.

Each step turns a document of one ``schema_version`` into the next, as plain data, before
validation; a file says which version it is, and one without ``schema_version`` is taken as
today's. A file newer than this planner reads is refused by name rather than misread.

- 1 → 2: plans gained ``description`` (optional free text); a version-1 file needs nothing
  else, so the step only raises the version.
- 2 → 3: plans gained ``scenarios`` and ``uncertainty`` (optional lists, empty by default);
  the step only raises the version.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from planner.models import PLAN_SCHEMA_VERSION

FIRST_SCHEMA_VERSION = 1
Document = dict[str, Any]


def _from_1(document: Document) -> Document:
    return {**document, "schema_version": 2}


def _from_2(document: Document) -> Document:
    return {**document, "schema_version": 3}


STEPS: dict[int, Callable[[Document], Document]] = {1: _from_1, 2: _from_2}


class SchemaTooNew(Exception):
    """The document's version is newer than this planner reads."""

    def __init__(self, version: int) -> None:
        super().__init__(f"schema_version {version} is newer than {PLAN_SCHEMA_VERSION}")
        self.version = version


def migrate(document: Mapping[str, Any]) -> Mapping[str, Any]:
    """``document`` in today's format; anything it can't place is left for validation to name.

    A version that is not a whole number in range (text, 0, a float) is returned unchanged,
    so the model reports it as it reports any other field.
    """
    version = document.get("schema_version", PLAN_SCHEMA_VERSION)
    if type(version) is not int or version < FIRST_SCHEMA_VERSION:
        return document
    if version > PLAN_SCHEMA_VERSION:
        raise SchemaTooNew(version)
    if version == PLAN_SCHEMA_VERSION:
        return document
    upgraded = dict(document)
    while version < PLAN_SCHEMA_VERSION:
        upgraded = STEPS[version](upgraded)
        version = upgraded["schema_version"]
    return upgraded
