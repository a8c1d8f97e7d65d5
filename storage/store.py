"""The plan store: plans saved as versions, listed, shared, deleted and restored.

Every write is one transaction. Saves are optimistic: a save names the version it started
from (``expected_version``) and succeeds only if that is still the latest, by bumping
``plans.latest_version`` with ``UPDATE ... WHERE latest_version = expected``. Two people
saving at once can't overwrite each other: one wins, the other gets ``VersionConflict``
naming who saved and when, and decides what to do. The primary key on ``(plan_id, number)``
is the backstop should that check ever be bypassed.

A plan's latest imported results (its actuals) sit beside it in ``plan_results``, one row per
plan: the packed arrays (``files.actuals_archive``, opaque bytes here) and what reading the
file found. Each import replaces the row in one transaction that first locks the plan's row,
so two imports at once end with one of them, whole, and a refused import changes nothing.
Deleting a plan keeps its results (restoring brings them back); purging removes them.

Plans are stored as the plan file's JSON (``plan.model_dump_json()``) and read back through
``parse_plan_json``, which validates them and migrates older schema versions, so whatever
comes out of the store is a valid ``Plan`` of today's schema.
"""

from __future__ import annotations

import json
import secrets
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, Self

from sqlalchemy import Engine, Row, delete, func, insert, select, update
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import (
    DBAPIError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout

from planner.errors import PlanInvalid, parse_plan, parse_plan_json
from planner.models import Plan
from storage.database import WRITE_OPTION, database_url, make_engine, masked, sqlite_file
from storage.migrate import migrate
from storage.records import (
    DELETED_PLANS_KEPT_DAYS,
    MAX_RESULTS_BYTES,
    AmbiguousPlanName,
    InvalidInput,
    PlanNotFound,
    PlanSummary,
    ResultsInfo,
    ResultsTooLarge,
    SavedResults,
    SavedVersion,
    ShareLink,
    ShareNotFound,
    StoreUnavailable,
    VersionConflict,
    VersionInfo,
)
from storage.schema import RESULTS_KINDS, plan_results, plan_versions, plans, share_links

Clock = Callable[[], datetime]
MAX_AUTHOR_LENGTH = 80
MAX_NOTE_LENGTH = 500
MAX_RESULTS_NAME_LENGTH = 255
SHARE_TOKEN_BYTES = 32
# What a lost connection or a locked-out database looks like; anything else is a bug.
UNREACHABLE = (OperationalError, InterfaceError, PoolTimeout)

SUMMARY_COLUMNS = (
    plans.c.id,
    plans.c.name,
    plans.c.currency,
    plans.c.period_start,
    plans.c.period_end,
    plans.c.revenue_target,
    plans.c.latest_version,
    plans.c.baseline_version,
    plans.c.created_at,
    plans.c.updated_by,
    plans.c.updated_at,
    plans.c.deleted_at,
    plans.c.deleted_by,
)
VERSION_COLUMNS = (
    plan_versions.c.plan_id,
    plan_versions.c.number,
    plan_versions.c.saved_at,
    plan_versions.c.author,
    plan_versions.c.note,
    plans.c.baseline_version,
)
RESULTS_INFO_COLUMNS = (
    plans.c.id.label("plan_id"),
    plan_results.c.name,
    plan_results.c.kind,
    plan_results.c.summary,
    plan_results.c.size,
    plan_results.c.imported_at,
    plan_results.c.imported_by,
)
LIVE = plans.c.deleted_at.is_(None)


def utc_now() -> datetime:
    """The store's default clock."""
    return datetime.now(UTC)


class PlanStore:
    """Plans and their versions in one database; open with ``PlanStore.open()``.

    Safe to share between threads; each process opens its own.
    """

    def __init__(self, engine: Engine, url: str, clock: Clock) -> None:
        self._engine = engine
        self._url = url
        self._clock = clock

    # --- Opening and closing -----------------------------------------------------------------

    @classmethod
    def open(cls, url: str | None = None, *, clock: Clock | None = None) -> PlanStore:
        """Open (and migrate) the database at ``url``, resolved by ``database_url``.

        Raises:
            StoreUnavailable: the database can't be created, reached or migrated.
        """
        resolved = database_url(url)
        store = cls(_open_engine(resolved), resolved, clock or utc_now)
        try:
            store.purge_deleted()
        except BaseException:
            store.close()
            raise
        return store

    def close(self) -> None:
        """Release every connection; the store can't be used afterwards."""
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _error: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def url(self) -> str:
        """The database's URL, any password masked."""
        return masked(self._url)

    # --- Saving ------------------------------------------------------------------------------

    def create(self, plan: Plan, *, author: str, note: str = "") -> VersionInfo:
        """Store ``plan`` as a new plan, version 1."""
        author, note = checked_author(author), checked_note(note)
        with self._writing() as connection:
            now = self._clock()
            row = {**listing_columns(plan), "created_at": now, "latest_version": 1}
            row |= {"updated_at": now, "updated_by": author}
            created = insert(plans).values(row).returning(plans.c.id)
            plan_id: int = connection.execute(created).scalar_one()
            _insert_version(connection, plan_id, 1, plan, author=author, note=note, now=now)
        return VersionInfo(plan_id, 1, now, author, note, is_baseline=False)

    def save(
        self, plan_id: int, plan: Plan, *, author: str, note: str = "", expected_version: int
    ) -> VersionInfo:
        """Store ``plan`` as the version after ``expected_version``, if that is still the latest.

        Raises:
            VersionConflict: someone saved since ``expected_version``; nothing was written.
            PlanNotFound: no such plan, or it is deleted.
        """
        author, note = checked_author(author), checked_note(note)
        number = expected_version + 1
        try:
            with self._writing() as connection:
                now = self._clock()
                changes = listing_columns(plan) | {"latest_version": number}
                changes |= {"updated_at": now, "updated_by": author}
                bumped = connection.execute(
                    update(plans)
                    .where(plans.c.id == plan_id, plans.c.latest_version == expected_version, LIVE)
                    .values(changes)
                )
                if bumped.rowcount != 1:
                    raise _refusal(connection, plan_id, expected_version)
                _insert_version(
                    connection, plan_id, number, plan, author=author, note=note, now=now
                )
        except IntegrityError:  # the backstop: that version number exists after all
            with self._reading() as connection:
                raise _refusal(connection, plan_id, expected_version) from None
        return VersionInfo(plan_id, number, now, author, note, is_baseline=False)

    def rename(
        self, plan_id: int, name: str, *, author: str, expected_version: int, note: str = ""
    ) -> VersionInfo:
        """Save a new version whose only change is the name."""
        latest = self.load(plan_id).plan
        renamed = with_name(latest, name)
        return self.save(
            plan_id, renamed, author=author, note=note, expected_version=expected_version
        )

    def duplicate(
        self, plan_id: int, *, name: str, author: str, version: int | None = None
    ) -> VersionInfo:
        """A new plan (version 1) copied from ``version`` (the latest when ``None``)."""
        source = self.load(plan_id, version).plan
        return self.create(with_name(source, name), author=author)

    # --- Reading -----------------------------------------------------------------------------

    def load(self, plan_id: int, version: int | None = None) -> SavedVersion:
        """A version of a live plan, the latest when ``version`` is ``None``.

        Raises:
            PlanNotFound: no such plan or version, or the plan is deleted.
        """
        number = plans.c.latest_version if version is None else version
        query = (
            select(*VERSION_COLUMNS, plan_versions.c.document)
            .join(plans, plans.c.id == plan_versions.c.plan_id)
            .where(plans.c.id == plan_id, LIVE, plan_versions.c.number == number)
        )
        with self._reading() as connection:
            row = connection.execute(query).one_or_none()
        if row is None:
            raise not_found(plan_id, version)
        return SavedVersion(version_info(row), parse_plan_json(row.document))

    def baseline(self, plan_id: int) -> SavedVersion | None:
        """The version marked as the baseline, or ``None`` when none is."""
        number = self.summary(plan_id).baseline_version
        return None if number is None else self.load(plan_id, number)

    def history(self, plan_id: int) -> list[VersionInfo]:
        """Every version of a live plan, newest first."""
        query = (
            select(*VERSION_COLUMNS)
            .join(plans, plans.c.id == plan_versions.c.plan_id)
            .where(plans.c.id == plan_id, LIVE)
            .order_by(plan_versions.c.number.desc())
        )
        with self._reading() as connection:
            rows = connection.execute(query).all()
        if not rows:  # a live plan has at least version 1
            raise not_found(plan_id)
        return [version_info(row) for row in rows]

    def summary(self, plan_id: int) -> PlanSummary:
        """A live plan as the list shows it."""
        query = select(*SUMMARY_COLUMNS).where(plans.c.id == plan_id, LIVE)
        with self._reading() as connection:
            row = connection.execute(query).one_or_none()
        if row is None:
            raise not_found(plan_id)
        return plan_summary(row)

    def list_plans(self, search: str = "", *, deleted: bool = False) -> list[PlanSummary]:
        """Live plans, newest change first; with ``deleted``, the deleted ones, newest first.

        ``search`` keeps plans whose name holds it, ignoring case (``%`` and ``_`` are
        plain characters). One query on the ``plans`` table: no document is read.
        """
        if deleted:
            self.purge_deleted()
            query = select(*SUMMARY_COLUMNS).where(plans.c.deleted_at.is_not(None))
            query = query.order_by(plans.c.deleted_at.desc(), plans.c.id.desc())
        else:
            query = select(*SUMMARY_COLUMNS).where(LIVE)
            query = query.order_by(plans.c.updated_at.desc(), plans.c.id.desc())
        wanted = search.strip().casefold()
        if wanted:
            query = query.where(plans.c.name_key.contains(wanted, autoescape=True))
        with self._reading() as connection:
            return [plan_summary(row) for row in connection.execute(query)]

    def find(self, reference: str) -> int:
        """The id a user means: digits are an id, anything else a live plan's exact name.

        The name is matched ignoring case and surrounding spaces.

        Raises:
            PlanNotFound: no live plan has that id or name.
            AmbiguousPlanName: several live plans have that name; ``ids`` lists them.
        """
        wanted = reference.strip()
        if wanted.isascii() and wanted.isdigit():
            return self.summary(int(wanted)).id
        query = select(plans.c.id).where(plans.c.name_key == wanted.casefold(), LIVE)
        with self._reading() as connection:
            ids: list[int] = list(connection.execute(query.order_by(plans.c.id)).scalars())
        if not ids:
            raise PlanNotFound(f"no plan is numbered or called {wanted!r}", reference=wanted)
        if len(ids) > 1:
            listed = ", ".join(map(str, ids))
            message = f"{len(ids)} plans are called {wanted!r} (ids {listed}); give the id"
            raise AmbiguousPlanName(message, name=wanted, ids=ids)
        return ids[0]

    # --- Baseline ----------------------------------------------------------------------------

    def mark_baseline(self, plan_id: int, version: int) -> None:
        """Mark an existing version as the one later versions are compared with."""
        with self._writing() as connection:
            _require_version(connection, plan_id, version)
            mark = update(plans).where(plans.c.id == plan_id).values(baseline_version=version)
            connection.execute(mark)

    # --- Deleting ----------------------------------------------------------------------------

    def delete(self, plan_id: int, *, author: str) -> None:
        """Move a plan to the deleted ones; it is purged after ``DELETED_PLANS_KEPT_DAYS``."""
        author = checked_author(author)
        with self._writing() as connection:
            change = update(plans).where(plans.c.id == plan_id, LIVE)
            change = change.values(deleted_at=self._clock(), deleted_by=author)
            if connection.execute(change).rowcount != 1:
                raise not_found(plan_id)

    def restore(self, plan_id: int) -> None:
        """Bring a deleted plan back as it was; restoring a live plan changes nothing."""
        with self._writing() as connection:
            change = update(plans).where(plans.c.id == plan_id)
            restored = connection.execute(change.values(deleted_at=None, deleted_by=None))
            if restored.rowcount != 1:
                raise not_found(plan_id)

    def purge_deleted(self) -> int:
        """Remove plans deleted over ``DELETED_PLANS_KEPT_DAYS`` ago; return how many went.

        Their versions, share links and results go with them.
        """
        with self._writing() as connection:
            cutoff = self._clock() - timedelta(days=DELETED_PLANS_KEPT_DAYS)
            expired = select(plans.c.id).where(plans.c.deleted_at < cutoff)
            ids: list[int] = list(connection.execute(expired).scalars())
            if ids:
                connection.execute(delete(plan_results).where(plan_results.c.plan_id.in_(ids)))
                connection.execute(delete(share_links).where(share_links.c.plan_id.in_(ids)))
                connection.execute(delete(plan_versions).where(plan_versions.c.plan_id.in_(ids)))
                connection.execute(delete(plans).where(plans.c.id.in_(ids)))
        return len(ids)

    # --- Sharing -----------------------------------------------------------------------------

    def share(self, plan_id: int, version: int, *, author: str) -> ShareLink:
        """A new read-only link to one version; its token is the whole secret."""
        author = checked_author(author)
        token = secrets.token_urlsafe(SHARE_TOKEN_BYTES)
        with self._writing() as connection:
            _require_version(connection, plan_id, version)
            now = self._clock()
            row = {"token": token, "plan_id": plan_id, "version": version}
            row |= {"created_at": now, "created_by": author}
            connection.execute(insert(share_links).values(row))
        return ShareLink(token, plan_id, version, now, author, revoked_at=None)

    def shares(self, plan_id: int) -> list[ShareLink]:
        """Every link to a live plan, newest first, revoked ones included."""
        self.summary(plan_id)  # raises PlanNotFound for a missing or deleted plan
        query = select(share_links).where(share_links.c.plan_id == plan_id)
        query = query.order_by(share_links.c.created_at.desc())
        with self._reading() as connection:
            return [share_link(row) for row in connection.execute(query)]

    def revoke(self, token: str) -> None:
        """Stop a link from opening; revoking it again changes nothing."""
        with self._writing() as connection:
            known = select(share_links.c.revoked_at).where(share_links.c.token == token)
            found = connection.execute(known).one_or_none()
            if found is None:
                raise ShareNotFound("no such share link")
            if found.revoked_at is None:
                revoke = update(share_links).where(share_links.c.token == token)
                connection.execute(revoke.values(revoked_at=self._clock()))

    def open_share(self, token: str) -> SavedVersion:
        """The version a link points to, unless it was revoked or its plan deleted."""
        # Looked up by primary key: the database compares the whole token, not a prefix.
        query = (
            select(share_links.c.plan_id, share_links.c.version)
            .join(plans, plans.c.id == share_links.c.plan_id)
            .where(share_links.c.token == token, share_links.c.revoked_at.is_(None), LIVE)
        )
        with self._reading() as connection:
            row = connection.execute(query).one_or_none()
        if row is None:
            raise ShareNotFound("this share link is unknown, revoked, or its plan was deleted")
        return self.load(row.plan_id, row.version)

    # --- Imported results --------------------------------------------------------------------

    def save_results(
        self,
        plan_id: int,
        *,
        name: str,
        kind: str,
        summary: Mapping[str, Any],
        payload: bytes,
        author: str,
    ) -> ResultsInfo:
        """Keep ``payload`` (packed actuals) as the plan's results, replacing any before.

        Everything is checked before the database is touched, so a refusal leaves the stored
        results as they were.

        Raises:
            ResultsTooLarge: ``payload`` is over ``MAX_RESULTS_BYTES``.
            InvalidInput: a bad ``name``, ``author``, ``kind`` or a ``summary`` JSON can't hold.
            PlanNotFound: no such plan, or it is deleted.
        """
        row = _results_row(name=name, kind=kind, summary=summary, payload=payload, author=author)
        with self._writing() as connection:
            # Locking the plan's row queues a second import (and a delete) behind this one.
            # SQLite has no FOR UPDATE; its write transaction already holds the file's lock.
            live = select(plans.c.id).where(plans.c.id == plan_id, LIVE).with_for_update()
            if connection.execute(live).one_or_none() is None:
                raise not_found(plan_id)
            now = self._clock()
            connection.execute(delete(plan_results).where(plan_results.c.plan_id == plan_id))
            stored = row | {"plan_id": plan_id, "imported_at": now}
            connection.execute(insert(plan_results).values(stored))
        return results_info(stored)

    def results_info(self, plan_id: int) -> ResultsInfo | None:
        """A live plan's latest results without the packed arrays; ``None`` when it has none.

        Raises:
            PlanNotFound: no such plan, or it is deleted.
        """
        row = self._results_row(plan_id, with_payload=False)
        return None if row is None else results_info(row._mapping)

    def load_results(self, plan_id: int) -> SavedResults | None:
        """A live plan's latest results with the packed arrays; ``None`` when it has none.

        Raises:
            PlanNotFound: no such plan, or it is deleted.
        """
        row = self._results_row(plan_id, with_payload=True)
        if row is None:
            return None
        return SavedResults(results_info(row._mapping), bytes(row.payload))

    def delete_results(self, plan_id: int) -> None:
        """Forget a live plan's results; a plan without results is left as it is.

        Raises:
            PlanNotFound: no such plan, or it is deleted.
        """
        with self._writing() as connection:
            live = select(plans.c.id).where(plans.c.id == plan_id, LIVE).with_for_update()
            if connection.execute(live).one_or_none() is None:
                raise not_found(plan_id)
            connection.execute(delete(plan_results).where(plan_results.c.plan_id == plan_id))

    def _results_row(self, plan_id: int, *, with_payload: bool) -> Row[Any] | None:
        """The plan's results row, ``None`` without results; ``PlanNotFound`` without a plan."""
        columns = (
            (*RESULTS_INFO_COLUMNS, plan_results.c.payload)
            if with_payload
            else RESULTS_INFO_COLUMNS
        )
        # An outer join tells "no such plan" (no row) from "no results yet" (a row of NULLs).
        query = (
            select(*columns)
            .select_from(plans.outerjoin(plan_results, plan_results.c.plan_id == plans.c.id))
            .where(plans.c.id == plan_id, LIVE)
        )
        with self._reading() as connection:
            row = connection.execute(query).one_or_none()
        if row is None:
            raise not_found(plan_id)
        return None if row.kind is None else row

    # --- Transactions ------------------------------------------------------------------------

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        with self._unavailable_if_unreachable(), self._engine.begin() as connection:
            yield connection

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """One write transaction; on SQLite it holds the write lock from its first statement."""
        with self._unavailable_if_unreachable(), self._engine.connect() as connection:
            connection.execution_options(**{WRITE_OPTION: True})
            with connection.begin():
                yield connection

    @contextmanager
    def _unavailable_if_unreachable(self) -> Iterator[None]:
        try:
            yield
        except UNREACHABLE as error:
            raise unavailable(self._url, error) from None


# --- Opening ---------------------------------------------------------------------------------


def _open_engine(url: str) -> Engine:
    """An engine on a migrated database, or ``StoreUnavailable`` naming the masked URL."""
    engine: Engine | None = None
    try:
        path = sqlite_file(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)  # the data folder, on first start
        engine = make_engine(url)
        migrate(engine)
    except (SQLAlchemyError, OSError, ValueError, ImportError, RuntimeError) as error:
        # Alembic's CommandError is a RuntimeError; a missing driver an ImportError.
        if engine is not None:
            engine.dispose()
        raise unavailable(url, error) from None
    return engine


def unavailable(url: str, error: BaseException) -> StoreUnavailable:
    """``StoreUnavailable`` for ``error``, with every trace of a password masked."""
    shown = masked(url)
    reason = _reason(error)
    password = _password(url)
    if password:
        reason = reason.replace(password, "***")
    return StoreUnavailable(
        f"the plan store at {shown} can't be used: {reason}", url=shown, reason=reason
    )


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:  # not "[Errno 17] File exists: 'x'"
        return f"{error.strerror}: {error.filename}" if error.filename else error.strerror
    cause = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    lines = [line.strip() for line in str(cause).splitlines() if line.strip()]
    return lines[0] if lines else type(cause).__name__


def _password(url: str) -> str | None:
    try:
        return make_url(url).password
    except (SQLAlchemyError, ValueError):
        return None


# --- Rows and records ------------------------------------------------------------------------


def listing_columns(plan: Plan) -> dict[str, Any]:
    """What the list shows of a plan, copied from its latest version."""
    return {
        "name": plan.name,
        "name_key": plan.name.casefold(),
        "currency": plan.currency,
        "period_start": plan.period.start,
        "period_end": plan.period.end,
        "revenue_target": plan.revenue_target,
    }


def _insert_version(
    connection: Connection,
    plan_id: int,
    number: int,
    plan: Plan,
    *,
    author: str,
    note: str,
    now: datetime,
) -> None:
    row = {"plan_id": plan_id, "number": number, "saved_at": now, "author": author, "note": note}
    document = {"schema_version": plan.schema_version, "document": plan.model_dump_json()}
    connection.execute(insert(plan_versions).values(row | document))


def _refusal(connection: Connection, plan_id: int, expected: int) -> PlanNotFound | VersionConflict:
    """Why a save changed nothing: the plan is gone, or someone saved first."""
    query = (
        select(*VERSION_COLUMNS)
        .join(plans, plans.c.id == plan_versions.c.plan_id)
        .where(plans.c.id == plan_id, LIVE, plan_versions.c.number == plans.c.latest_version)
    )
    latest = connection.execute(query).one_or_none()
    return not_found(plan_id) if latest is None else VersionConflict(version_info(latest), expected)


def _require_version(connection: Connection, plan_id: int, version: int) -> None:
    query = (
        select(func.count())
        .select_from(plan_versions.join(plans, plans.c.id == plan_versions.c.plan_id))
        .where(plans.c.id == plan_id, LIVE, plan_versions.c.number == version)
    )
    if connection.execute(query).scalar_one() == 0:
        raise not_found(plan_id, version)


def not_found(plan_id: int, version: int | None = None) -> PlanNotFound:
    """``PlanNotFound`` for a plan id, or for one of its versions."""
    if version is None:
        return PlanNotFound(f"no plan is numbered {plan_id}", reference=str(plan_id))
    return PlanNotFound(
        f"plan {plan_id} has no version {version}", reference=str(plan_id), version=version
    )


def version_info(row: Row[Any]) -> VersionInfo:
    """A version row (joined with its plan's baseline) as a record."""
    return VersionInfo(
        plan_id=row.plan_id,
        number=row.number,
        saved_at=row.saved_at,
        author=row.author,
        note=row.note,
        is_baseline=row.baseline_version == row.number,
    )


def plan_summary(row: Row[Any]) -> PlanSummary:
    """A ``plans`` row as a record."""
    return PlanSummary(
        id=row.id,
        name=row.name,
        currency=row.currency,
        period_start=row.period_start,
        period_end=row.period_end,
        revenue_target=row.revenue_target,
        latest_version=row.latest_version,
        baseline_version=row.baseline_version,
        created_at=row.created_at,
        last_editor=row.updated_by,
        last_change=row.updated_at,
        deleted_at=row.deleted_at,
        deleted_by=row.deleted_by,
    )


def results_info(row: Mapping[Any, Any]) -> ResultsInfo:
    """A ``plan_results`` row (or the values just written) as a record, summary parsed."""
    return ResultsInfo(
        plan_id=row["plan_id"],
        name=row["name"],
        kind=row["kind"],
        summary=json.loads(row["summary"]),
        size=row["size"],
        imported_at=row["imported_at"],
        imported_by=row["imported_by"],
    )


def _results_row(
    *, name: str, kind: str, summary: Mapping[str, Any], payload: bytes, author: str
) -> dict[str, Any]:
    """The checked columns of a results row, all but the plan and the time."""
    if len(payload) > MAX_RESULTS_BYTES:
        message = (
            f"the results are {len(payload):,} bytes packed; at most {MAX_RESULTS_BYTES:,} bytes "
            "can be kept"
        )
        raise ResultsTooLarge(message, size=len(payload), limit=MAX_RESULTS_BYTES)
    return {
        "name": checked_results_name(name),
        "kind": checked_kind(kind),
        "summary": summary_json(summary),
        "payload": bytes(payload),
        "size": len(payload),
        "imported_by": checked_author(author),
    }


def share_link(row: Row[Any]) -> ShareLink:
    """A ``share_links`` row as a record."""
    return ShareLink(
        token=row.token,
        plan_id=row.plan_id,
        version=row.version,
        created_at=row.created_at,
        created_by=row.created_by,
        revoked_at=row.revoked_at,
    )


# --- Input -----------------------------------------------------------------------------------


def with_name(plan: Plan, name: str) -> Plan:
    """``plan`` under another name, validated as a plan file's name is."""
    try:
        return parse_plan({**plan.model_dump(mode="json"), "name": name})
    except PlanInvalid as invalid:
        detail = "; ".join(problem.message for problem in invalid.problems)
        raise InvalidInput(
            f"name: {detail}", field="name", problem="invalid", problems=invalid.problems
        ) from None


def checked_author(author: str) -> str:
    """Who saves: 1–80 characters once stripped, no control characters."""
    return _checked_text(author, "author", MAX_AUTHOR_LENGTH, required=True, lines=False)


def checked_note(note: str) -> str:
    """Why they saved: up to 500 characters once stripped, on one line or several."""
    return _checked_text(note, "note", MAX_NOTE_LENGTH, required=False, lines=True)


def checked_results_name(name: str) -> str:
    """The results' name (a file's name): 1–255 characters once stripped, one line."""
    return _checked_text(name, "name", MAX_RESULTS_NAME_LENGTH, required=True, lines=False)


def checked_kind(kind: str) -> str:
    """One of ``RESULTS_KINDS``: ``orders``, ``funnel`` or ``typed``."""
    if kind not in RESULTS_KINDS:
        allowed = ", ".join(RESULTS_KINDS)
        message = f"kind: must be one of {allowed}, got {kind!r}"
        raise InvalidInput(
            message, field="kind", problem="not_one_of", allowed=RESULTS_KINDS, got=str(kind)
        )
    return kind


def summary_json(summary: Mapping[str, Any]) -> str:
    """``summary`` as JSON text; only what JSON holds (no NaN, no dates) is accepted."""
    try:
        return json.dumps(dict(summary), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as error:
        message = f"summary: must be JSON data ({error})"
        raise InvalidInput(message, field="summary", problem="not_json") from None


def _checked_text(value: str, field: str, limit: int, *, required: bool, lines: bool) -> str:
    text = value.strip()
    if required and not text:
        raise InvalidInput(f"{field}: required", field=field, problem="required")
    if len(text) > limit:
        message = f"{field}: at most {limit} characters, got {len(text)}"
        raise InvalidInput(message, field=field, problem="too_long", limit=limit, got=len(text))
    allowed = {"\n", "\r", "\t"} if lines else set()
    if any(unicodedata.category(c) == "Cc" and c not in allowed for c in text):
        message = f"{field}: must not contain control characters"
        raise InvalidInput(message, field=field, problem="control_character")
    return text
