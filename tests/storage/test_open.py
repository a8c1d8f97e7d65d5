"""Opening the store: which database, how SQLite is set up, and what a failure says.

Expected values come from the store's documented contract (``storage/database.py``): the URL
is the caller's, else ``PLANNER_DATABASE_URL``, else ``plans.db`` in ``PLANNER_DATA_DIR`` or
``data/``; SQLite runs in WAL mode with a 30 s busy timeout and foreign keys; a database that
can't be used is ``StoreUnavailable`` naming the URL with its password masked.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from planner.models import Plan
from storage.database import PROJECT_ROOT, database_url, make_engine, masked
from storage.records import StoreUnavailable
from storage.store import PlanStore
from tests.postgres_server import free_port

# --- Which database --------------------------------------------------------------------------


def test_the_url_given_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLANNER_DATABASE_URL", "sqlite:////env/plans.db")

    assert database_url("sqlite:////given/plans.db") == "sqlite:////given/plans.db"
    assert database_url() == "sqlite:////env/plans.db"


def test_without_a_url_the_store_is_a_file_in_the_data_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("PLANNER_DATABASE_URL", raising=False)
    monkeypatch.delenv("PLANNER_DATA_DIR", raising=False)
    assert database_url() == f"sqlite:///{PROJECT_ROOT / 'data' / 'plans.db'}"

    monkeypatch.setenv("PLANNER_DATA_DIR", str(tmp_path / "planner data"))
    assert database_url() == f"sqlite:///{tmp_path / 'planner data' / 'plans.db'}"


def test_the_data_folder_is_created_on_first_start(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("PLANNER_DATABASE_URL", raising=False)
    monkeypatch.setenv("PLANNER_DATA_DIR", str(tmp_path / "new" / "data"))

    with PlanStore.open() as store:
        assert store.list_plans() == []

    assert (tmp_path / "new" / "data" / "plans.db").is_file()


@pytest.mark.parametrize(
    ("given", "used"),
    [
        pytest.param("postgresql://u@h/db", "postgresql+psycopg://u@h/db", id="postgresql"),
        pytest.param("postgres://u@h/db", "postgresql+psycopg://u@h/db", id="postgres"),
        pytest.param("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db", id="kept"),
    ],
)
def test_plain_postgresql_urls_get_the_psycopg_driver(given: str, used: str) -> None:
    assert database_url(given) == used


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        pytest.param("postgresql://ann:s3cret@db:5432/plans", "ann:***@db:5432", id="parsed"),
        pytest.param("postgresql://ann:s3cret@db:notaport/x", "ann:***@db", id="unparsable"),
    ],
)
def test_a_password_is_never_shown(url: str, shown: str) -> None:
    assert shown in masked(url)
    assert "s3cret" not in masked(url)


# --- SQLite set-up ---------------------------------------------------------------------------


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout_and_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'plans.db'}")
    with engine.connect() as connection:
        pragmas = {
            name: connection.execute(text(f"PRAGMA {name}")).scalar_one()
            for name in ("journal_mode", "busy_timeout", "foreign_keys")
        }
    engine.dispose()

    assert pragmas == {"journal_mode": "wal", "busy_timeout": 30_000, "foreign_keys": 1}


def test_a_write_waits_for_another_writer_instead_of_failing(
    sqlite_database: str, example_plan: Plan
) -> None:
    """Another program holds the write lock for 0.5 s; the save queues behind it."""
    with PlanStore.open(sqlite_database) as store:
        plan_id = store.create(example_plan, author="Amira").plan_id
        path = sqlite_database.removeprefix("sqlite:///")
        holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        holder.execute("BEGIN IMMEDIATE")
        release = threading.Timer(0.5, holder.execute, args=("COMMIT",))
        release.start()
        started = time.monotonic()

        saved = store.save(plan_id, example_plan, author="Omar", expected_version=1)

        assert saved.number == 2
        assert time.monotonic() - started >= 0.4
        release.join()
        holder.close()


def test_listing_is_one_query_on_the_plans_table(store: PlanStore, example_plan: Plan) -> None:
    """The list never reads a document: one SELECT, from ``plans`` only."""
    for number in range(3):
        store.create(example_plan.model_copy(update={"name": f"Plan {number}"}), author="A")
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        listed = store.list_plans("plan")
    finally:
        event.remove(Engine, "before_cursor_execute", record)

    selects = [statement for statement in statements if statement.lstrip().startswith("SELECT")]
    assert len(listed) == 3
    assert len(selects) == 1
    assert "plan_versions" not in selects[0]
    assert "document" not in selects[0]


# --- Migrations ------------------------------------------------------------------------------


def test_reopening_a_migrated_database_keeps_its_plans(database: str, example_plan: Plan) -> None:
    with PlanStore.open(database) as store:
        plan_id = store.create(example_plan, author="Amira").plan_id

    for _reopening in range(2):
        with PlanStore.open(database) as store:
            assert store.load(plan_id).plan == example_plan


# --- When the database can't be used --------------------------------------------------------


def test_an_unreachable_server_is_unavailable_with_the_password_masked() -> None:
    url = f"postgresql://planner:s3cret@127.0.0.1:{free_port()}/plans"

    with pytest.raises(StoreUnavailable) as unavailable:
        PlanStore.open(url)

    message = str(unavailable.value)
    assert "planner:***@127.0.0.1" in message
    assert "s3cret" not in message + repr(unavailable.value.params)
    assert unavailable.value.params["url"].startswith("postgresql+psycopg://planner:***@")
    assert unavailable.value.params["reason"]


def test_a_wrong_password_is_unavailable_and_not_shown(postgres_url: str) -> None:
    """A refusal after connecting names the URL, never the password.

    The test server trusts every local user, so a missing database stands in for the refusal.
    """
    url = postgres_url.replace("postgres@", "postgres:s3cret@").rsplit("/", 1)[0] + "/nowhere"

    with pytest.raises(StoreUnavailable) as unavailable:
        PlanStore.open(url)

    assert "nowhere" in str(unavailable.value)
    assert "s3cret" not in str(unavailable.value) + repr(unavailable.value.params)


@pytest.mark.parametrize(
    "where",
    [
        pytest.param("file/plans.db", id="folder is a file"),
        pytest.param("", id="database is a folder"),
    ],
)
def test_an_unwritable_sqlite_path_is_unavailable(tmp_path: Path, where: str) -> None:
    (tmp_path / "file").write_text("not a folder")
    url = f"sqlite:///{tmp_path / where}" if where else f"sqlite:///{tmp_path}"

    with pytest.raises(StoreUnavailable) as unavailable:
        PlanStore.open(url)

    assert str(tmp_path) in str(unavailable.value)
    assert unavailable.value.params["reason"]


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("not a url", id="not a URL"),
        pytest.param("mysql://ann:s3cret@db/plans", id="no driver installed"),
    ],
)
def test_a_url_the_store_cannot_use_is_unavailable(url: str) -> None:
    with pytest.raises(StoreUnavailable) as unavailable:
        PlanStore.open(url)

    assert "s3cret" not in str(unavailable.value)
