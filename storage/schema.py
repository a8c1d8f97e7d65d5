"""The tables, as SQLAlchemy Core sees them today (the migrations create them).

- ``plans``: one row per plan, holding its latest version's listing columns (name, currency,
  period, target) so the Plans page lists 1,000 plans from this table alone, never reading a
  document. ``name_key`` is the name case-folded, for search and lookup by name.
- ``plan_versions``: every saved version, the plan file's JSON in ``document``; never updated.
- ``share_links``: read-only links to one version; the random token is the primary key.
- ``plan_results``: a plan's latest imported results (actuals), one row per plan, replaced by
  each import: the packed arrays (``files.actuals_archive``) in ``payload``, and what the
  reader found in ``summary`` (JSON text). Listing them never needs ``payload``.

Times are UTC. PostgreSQL keeps them as ``timestamptz``; SQLite as text without an offset,
which ``UTCDateTime`` writes in UTC and reads back as UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Dialect,
    Double,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    TypeDecorator,
)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware ``datetime``, stored in UTC and always read back as aware UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Refuse naive times (their zone is a guess); SQLite gets naive UTC text."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"a stored time must carry its time zone, got {value!r}")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Naive (SQLite) means UTC; PostgreSQL's session zone is converted to UTC."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData()

plans = Table(
    "plans",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False),
    Column("name_key", Text, nullable=False, index=True),
    Column("currency", String(3), nullable=False),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("revenue_target", Double, nullable=False),
    Column("latest_version", Integer, nullable=False),
    Column("baseline_version", Integer, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False, index=True),
    Column("updated_by", Text, nullable=False),
    Column("deleted_at", UTCDateTime, nullable=True),
    Column("deleted_by", Text, nullable=True),
    # SQLite's AUTOINCREMENT: a purged plan's id is never handed to a new plan.
    sqlite_autoincrement=True,
)

plan_versions = Table(
    "plan_versions",
    metadata,
    Column("plan_id", Integer, ForeignKey("plans.id"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("saved_at", UTCDateTime, nullable=False),
    Column("author", Text, nullable=False),
    Column("note", Text, nullable=False),
    Column("schema_version", Integer, nullable=False),
    Column("document", Text, nullable=False),
    # The backstop of optimistic concurrency: one row per version number, ever.
    PrimaryKeyConstraint("plan_id", "number"),
)

share_links = Table(
    "share_links",
    metadata,
    Column("token", String(64), primary_key=True),
    Column("plan_id", Integer, nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", Text, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
    ForeignKeyConstraint(["plan_id", "version"], ["plan_versions.plan_id", "plan_versions.number"]),
)

RESULTS_KINDS = ("orders", "funnel", "typed")
"""An order log, a funnel file, or results typed in on the page."""

plan_results = Table(
    "plan_results",
    metadata,
    # One row per plan; purging the plan removes it (the store also deletes it explicitly).
    Column(
        "plan_id",
        Integer,
        ForeignKey("plans.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("name", Text, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("summary", Text, nullable=False),
    Column("payload", LargeBinary, nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("imported_at", UTCDateTime, nullable=False),
    Column("imported_by", Text, nullable=False),
    CheckConstraint("kind IN ('orders', 'funnel', 'typed')", name="ck_plan_results_kind"),
)
