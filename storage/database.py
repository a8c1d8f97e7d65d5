"""Which database the plans live in, and an engine set up for many writers at once.

The URL comes from the caller (``--db``), else ``PLANNER_DATABASE_URL``, else a SQLite file
``plans.db`` in the data folder (``PLANNER_DATA_DIR``, or ``data/`` in the project). A team
shares one PostgreSQL server; a single user needs nothing but that file.

SQLite is set up so that several processes and threads can write at once:

- write-ahead logging, so readers never wait for a writer and a writer never waits for them;
- a 30 s busy timeout, so a writer queues behind another instead of failing;
- every write transaction starts with ``BEGIN IMMEDIATE``. pysqlite's own transaction
  handling is switched off (SQLAlchemy's documented recipe) and SQLAlchemy emits the
  ``BEGIN``: a deferred transaction that reads and then writes would have to upgrade its lock,
  and SQLite refuses that upgrade at once with "database is locked" when another writer got
  there first, whatever the busy timeout. Taking the write lock at ``BEGIN`` makes it wait.
- foreign keys enforced (SQLite leaves them off per connection).
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError

DATABASE_URL_VARIABLE = "PLANNER_DATABASE_URL"
DATA_DIR_VARIABLE = "PLANNER_DATA_DIR"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
DATABASE_FILE = "plans.db"
BUSY_TIMEOUT_MS = 30_000
CONNECT_TIMEOUT_S = 10
WRITE_OPTION = "planner_write"
_WAL_RETRY_SECONDS = 0.02  # execution option: this transaction writes
_PLAIN_POSTGRES = re.compile(r"^postgres(?:ql)?://")
_PASSWORD_IN_URL = re.compile(r"(://[^:/@]*:)[^@]*@")


def database_url(explicit: str | None = None) -> str:
    """The URL to open: ``explicit``, else the environment's, else the embedded SQLite file.

    Plain ``postgresql://`` URLs get the psycopg 3 driver, the one installed.
    """
    url = explicit or os.environ.get(DATABASE_URL_VARIABLE) or _embedded_url()
    return _PLAIN_POSTGRES.sub("postgresql+psycopg://", url)


def _embedded_url() -> str:
    data_dir = os.environ.get(DATA_DIR_VARIABLE) or str(DEFAULT_DATA_DIR)
    return f"sqlite:///{Path(data_dir).resolve() / DATABASE_FILE}"


def masked(url: str) -> str:
    """``url`` fit to show: any password replaced by ``***``, even in a URL that won't parse."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return _PASSWORD_IN_URL.sub(r"\1***@", url)


def is_sqlite(url: str) -> bool:
    """Whether ``url`` names a SQLite database."""
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names; ``None`` for an in-memory database or another backend."""
    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    return Path(database)


def make_engine(url: str) -> Engine:
    """An engine for ``url``, with the SQLite set-up above or a PostgreSQL connect timeout."""
    if is_sqlite(url):
        engine = create_engine(url)
        event.listen(engine, "connect", _configure_sqlite_connection)
        event.listen(engine, "begin", _begin_sqlite_transaction)
        return engine
    # pre-ping: a server restarted since the last request costs a reconnect, not an error.
    return create_engine(
        url, pool_pre_ping=True, connect_args={"connect_timeout": CONNECT_TIMEOUT_S}
    )


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    # SQLAlchemy emits BEGIN itself (see _begin_sqlite_transaction).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        # The busy timeout first: switching a new file to WAL may wait for another process.
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _use_write_ahead_log(cursor)
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def _use_write_ahead_log(cursor: Any) -> None:
    """Switch the file to WAL once (the mode is kept in the file), waiting out other openers.

    Changing the journal mode needs the file to itself, and SQLite refuses at once with
    "database is locked", without its busy handler, when several connections open a new file
    at the same moment; so the switch is retried until the busy timeout has passed.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            if str(cursor.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(_WAL_RETRY_SECONDS)


def _begin_sqlite_transaction(connection: Connection) -> None:
    writes = connection.get_execution_options().get(WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")
