"""Alembic's entry point: run the migrations on the connection ``storage.migrate`` hands over.

``PlanStore.open`` runs them inside one write transaction it has already begun, so a second
process opening the store at the same moment waits and then finds nothing to do. Run from the
command line (``alembic -x`` is not needed), the URL comes from ``sqlalchemy.url`` or, failing
that, as the app resolves it.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from storage.database import database_url, make_engine
from storage.migrate import run_in_write_transaction
from storage.schema import metadata


def run_migrations(connection: Connection) -> None:
    """Every pending migration, on ``connection`` (already in a transaction)."""
    # Batch mode: SQLite can't ALTER most things, so later migrations copy tables instead.
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    context.run_migrations()


def run_online() -> None:
    """Use the caller's connection, or open the store's own database."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    engine = make_engine(database_url(context.config.get_main_option("sqlalchemy.url")))
    try:
        run_in_write_transaction(engine, run_migrations)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("the plan store's migrations run against a database, not as SQL text")
run_online()
