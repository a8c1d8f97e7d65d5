"""What the plan store hands out: plain, immutable records, and the problems it reports.

Times are timezone-aware UTC ``datetime``s; the pages show them in the reader's language.
Plan ids are small integers (``plans show 3``); version numbers count from 1 per plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from planner.models import Plan

DELETED_PLANS_KEPT_DAYS = 30
MAX_RESULTS_BYTES = 256 * 1024 * 1024
"""The largest packed results the store keeps: 5,000,000 orders pack to about 40 MB."""


@dataclass(frozen=True)
class VersionInfo:
    """One saved version of a plan: who saved it, when, and why."""

    plan_id: int
    number: int
    saved_at: datetime
    author: str
    note: str
    is_baseline: bool


@dataclass(frozen=True)
class SavedVersion:
    """A version with its plan document, validated (and migrated) on the way out."""

    info: VersionInfo
    plan: Plan


@dataclass(frozen=True)
class PlanSummary:
    """A plan as the Plans page lists it: the latest version's indexed columns."""

    id: int
    name: str
    currency: str
    period_start: date
    period_end: date
    revenue_target: float
    latest_version: int
    baseline_version: int | None
    created_at: datetime
    last_editor: str
    last_change: datetime
    deleted_at: datetime | None
    deleted_by: str | None = None


@dataclass(frozen=True)
class ShareLink:
    """A read-only link to one saved version; the token is the whole secret."""

    token: str
    plan_id: int
    version: int
    created_at: datetime
    created_by: str
    revoked_at: datetime | None


@dataclass(frozen=True)
class ResultsInfo:
    """A plan's latest imported results, without the packed arrays.

    ``kind`` is ``orders``, ``funnel`` or ``typed``; ``name`` the file's name (or "Typed
    results"); ``summary`` what reading found (rows read and skipped, days covered...), as
    JSON-shaped data; ``size`` the packed arrays' bytes.
    """

    plan_id: int
    name: str
    kind: str
    summary: Mapping[str, Any]
    size: int
    imported_at: datetime
    imported_by: str


@dataclass(frozen=True)
class SavedResults:
    """The results with their packed arrays (``files.actuals_archive.unpack`` reads them)."""

    info: ResultsInfo
    payload: bytes


class StoreError(Exception):
    """Base of what the store reports; ``code`` and ``params`` are for wording it."""

    code = "store_error"

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message)
        self.params = params


class StoreUnavailable(StoreError):
    """The database can't be opened, reached or migrated; ``params['reason']`` says why."""

    code = "store_unavailable"


class PlanNotFound(StoreError):
    """No plan (or no such version) answers to ``params['reference']``; deleted plans count."""

    code = "plan_not_found"


class AmbiguousPlanName(StoreError):
    """Several plans share the name; ``params['ids']`` lists them so the caller picks one."""

    code = "ambiguous_plan_name"


class ShareNotFound(StoreError):
    """The share token is unknown, revoked, or its plan was deleted."""

    code = "share_not_found"


class InvalidInput(StoreError, ValueError):
    """An author, note or name the store refuses; ``params['field']`` names it.

    ``params['problem']`` says what is wrong: ``required``, ``too_long`` (with ``limit`` and
    ``got``), ``control_character``, or ``invalid`` for a name the plan file refuses (with
    ``problems``, the plan's ``FieldProblem``s, for wording as the CLI words a plan file's).
    """

    code = "invalid_input"


class VersionConflict(StoreError):
    """Someone saved the plan after the version this save started from.

    ``latest`` is their version (author, time), ``expected`` the number the caller had.
    """

    code = "version_conflict"

    def __init__(self, latest: VersionInfo, expected: int) -> None:
        super().__init__(
            f"plan {latest.plan_id} is at version {latest.number} "
            f"(saved by {latest.author} at {latest.saved_at.isoformat()}), not {expected}",
            plan_id=latest.plan_id,
            version=latest.number,
            author=latest.author,
            saved_at=latest.saved_at,
            expected=expected,
        )
        self.latest = latest
        self.expected = expected


class ResultsTooLarge(StoreError):
    """Packed results over ``params['limit']`` bytes (``params['size']``); nothing was written."""

    code = "results_too_large"
