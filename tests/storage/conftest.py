"""Fixtures for the plan store: one suite, run against SQLite and a real PostgreSQL.

``database`` is a fresh, empty database per test: a SQLite file in the test's temporary folder,
or a new database on the session's PostgreSQL server (``postgres_url`` in tests/conftest.py),
dropped afterwards. ``store`` opens it with a clock the test controls.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url, text

from storage.store import PlanStore

BACKENDS = ["sqlite", "postgresql"]
START = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
_DATABASE_NUMBERS = itertools.count(1)


class FakeClock:
    """A clock that moves one second after each reading, and as far as a test moves it.

    Thread-safe. The first reading is ``start``: opening the store reads it (to purge old
    plans), so a test's n-th write happens n seconds after ``start``.
    """

    def __init__(self, start: datetime = START, step: timedelta = timedelta(seconds=1)) -> None:
        self._now = start
        self._step = step
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        """The time now; the next reading is one step later."""
        with self._lock:
            now = self._now
            self._now += self._step
            return now

    def advance(self, by: timedelta) -> None:
        """Let ``by`` pass."""
        with self._lock:
            self._now += by


@pytest.fixture(scope="session")
def postgres_admin(postgres_url: str) -> Iterator[Engine]:
    """A connection outside transactions, to create and drop databases."""
    engine = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


@pytest.fixture
def postgresql_database(postgres_url: str, postgres_admin: Engine) -> Iterator[str]:
    """A new, empty PostgreSQL database for one test."""
    name = f"t_{os.getpid()}_{next(_DATABASE_NUMBERS)}"
    with postgres_admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    with postgres_admin.connect() as connection:  # WITH (FORCE): a leaked connection can't block
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))


@pytest.fixture
def sqlite_database(tmp_path: Path) -> str:
    """A SQLite file that doesn't exist yet."""
    return f"sqlite:///{tmp_path / 'plans.db'}"


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest) -> str:
    """An empty database on each backend in turn."""
    return str(request.getfixturevalue(f"{request.param}_database"))


@pytest.fixture
def clock() -> FakeClock:
    """Time under the test's control: from 2027-01-04 09:00 UTC, one second per reading."""
    return FakeClock()


@pytest.fixture
def store(database: str, clock: FakeClock) -> Iterator[PlanStore]:
    """An open store on an empty database, on each backend in turn."""
    with PlanStore.open(database, clock=clock) as opened:
        yield opened
