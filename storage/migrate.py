"""Bring a database's tables up to date: ``alembic upgrade head``, run from code.

No ``alembic.ini`` is needed: the configuration is built here. The upgrade runs in one write
transaction (``BEGIN IMMEDIATE`` on SQLite; an advisory lock on PostgreSQL, whose DDL is
transactional too), so two processes opening a new database at once can't both create the
tables: the second waits, then finds the database at head and does nothing.

A developer adds a migration to ``storage/migrations/versions/`` with alembic's API::

    python -c "from alembic import command; from storage.migrate import alembic_config; \
        command.revision(alembic_config(), 'what changes', rev_id='0002')"
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text
from sqlalchemy.engine import Connection

from storage.database import WRITE_OPTION

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any fixed 64-bit number: the PostgreSQL advisory lock that serialises migrations.
MIGRATION_LOCK_KEY = 7_310_002_615_318_925_165


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for the store's migrations, on ``connection`` if given."""
    config = Config()
    # ConfigParser reads "%" as interpolation; a checkout path may hold one.
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def migrate(engine: Engine) -> None:
    """Upgrade the database behind ``engine`` to the newest schema; safe to run concurrently."""
    run_in_write_transaction(engine, _upgrade_to_head)


def _upgrade_to_head(connection: Connection) -> None:
    command.upgrade(alembic_config(connection), "head")


def run_in_write_transaction(engine: Engine, work: Callable[[Connection], None]) -> None:
    """``work(connection)`` in one write transaction that no other migration runs beside."""
    with engine.connect() as connection:
        connection.execution_options(**{WRITE_OPTION: True})
        with connection.begin():
            if connection.dialect.name == "postgresql":
                lock = text("SELECT pg_advisory_xact_lock(:key)")
                connection.execute(lock, {"key": MIGRATION_LOCK_KEY})
            work(connection)
