"""A plan's imported results in the store, on SQLite and PostgreSQL.

The payload is a real packed archive (``files.actuals_archive``) of two orders, read back and
compared with what was packed; times follow the test clock (``FakeClock``: opening reads
09:00:00, each write one second later, so the n-th write of a test happens at 09:00:0n).
Rows are counted with plain SQL on the database itself, beside the store's API.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from alembic import command
from sqlalchemy import Engine, func, insert, inspect, select, text

from files.actuals_archive import pack, unpack
from i18n.formats import Formats
from i18n.store import store_message
from planner.actuals.funnel import from_orders
from planner.actuals.orders import OrderLog
from planner.models import Plan
from storage import store as store_module
from storage.database import make_engine
from storage.migrate import alembic_config, run_in_write_transaction
from storage.records import (
    MAX_RESULTS_BYTES,
    InvalidInput,
    PlanNotFound,
    ResultsInfo,
    ResultsTooLarge,
    SavedResults,
)
from storage.schema import plan_results, plan_versions, plans
from storage.store import PlanStore, listing_columns
from tests.storage.conftest import FakeClock

SUMMARY = {"rows_read": 2, "rows_skipped": 1, "first_day": "2027-01-04", "columns": ["a", "ب"]}


def at(seconds: int) -> datetime:
    return datetime(2027, 1, 4, 9, 0, seconds, tzinfo=UTC)


def two_orders(amount: float = 25.5) -> OrderLog:
    """Customer 0 on 2027-01-04 (day 20822), customer 1 on 2027-01-05, one excluded."""
    return OrderLog(
        days=np.array([20_822, 20_823], dtype=np.int64),
        customers=np.array([0, 1], dtype=np.int64),
        amounts=np.array([10.0, amount]),
        excluded_days=np.array([20_823], dtype=np.int64),
    )


def packed(amount: float = 25.5) -> bytes:
    log = two_orders(amount)
    return pack(from_orders(log, "Purchase"), log)


@pytest.fixture
def engine(database: str) -> Iterator[Engine]:
    """The store's own engine set-up (SQLite with foreign keys on), for looking underneath."""
    made = make_engine(database)
    yield made
    made.dispose()


def result_rows(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(plan_results)).scalar_one())


def save(store: PlanStore, plan_id: int, payload: bytes, name: str = "orders.csv") -> ResultsInfo:
    return store.save_results(
        plan_id, name=name, kind="orders", summary=SUMMARY, payload=payload, author="Amira"
    )


# --- Saving and loading ----------------------------------------------------------------------


def test_saved_results_load_back_and_unpack_to_the_orders_packed(
    store: PlanStore, example_plan: Plan
) -> None:
    plan_id = store.create(example_plan, author="Amira").plan_id
    payload = packed()

    saved = save(store, plan_id, payload)

    expected = ResultsInfo(plan_id, "orders.csv", "orders", SUMMARY, len(payload), at(2), "Amira")
    assert saved == expected
    assert store.results_info(plan_id) == expected
    assert store.load_results(plan_id) == SavedResults(expected, payload)
    funnel, log = unpack(payload)
    assert log is not None
    assert log.amounts.tolist() == [10.0, 25.5]
    assert funnel.measures["revenue"].tolist() == [10.0, 25.5]


def test_a_plan_without_results_has_none(store: PlanStore, example_plan: Plan) -> None:
    plan_id = store.create(example_plan, author="Amira").plan_id

    assert store.results_info(plan_id) is None
    assert store.load_results(plan_id) is None


def test_a_missing_plan_has_no_results_to_read_write_or_delete(store: PlanStore) -> None:
    with pytest.raises(PlanNotFound):
        store.results_info(7)
    with pytest.raises(PlanNotFound):
        store.load_results(7)
    with pytest.raises(PlanNotFound) as refused:
        save(store, 7, packed())
    with pytest.raises(PlanNotFound):
        store.delete_results(7)
    assert refused.value.params == {"reference": "7"}


def test_a_new_import_replaces_the_last_one(
    store: PlanStore, example_plan: Plan, engine: Engine
) -> None:
    plan_id = store.create(example_plan, author="Amira").plan_id
    save(store, plan_id, packed(25.5), name="week 1.csv")
    second = packed(99.0)

    store.save_results(
        plan_id, name="Typed results", kind="typed", summary={}, payload=second, author="Omar"
    )

    loaded = store.load_results(plan_id)
    assert loaded is not None
    assert (loaded.info.name, loaded.info.kind, loaded.info.summary) == (
        "Typed results",
        "typed",
        {},
    )
    assert (loaded.info.imported_by, loaded.info.imported_at) == ("Omar", at(3))
    assert loaded.payload == second
    assert result_rows(engine) == 1


def test_deleting_results_leaves_the_plan(store: PlanStore, example_plan: Plan) -> None:
    plan_id = store.create(example_plan, author="Amira").plan_id
    save(store, plan_id, packed())

    store.delete_results(plan_id)
    store.delete_results(plan_id)  # nothing left to delete: no error

    assert store.results_info(plan_id) is None
    assert store.load(plan_id).plan == example_plan


# --- Refusals change nothing -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "problem"),
    [
        ({"name": "  "}, "name", "required"),
        ({"name": "x" * 256}, "name", "too_long"),
        ({"name": "a\x1b[2Jb"}, "name", "control_character"),
        ({"author": ""}, "author", "required"),
        ({"kind": "visits"}, "kind", "not_one_of"),
        ({"summary": {"rate": float("nan")}}, "summary", "not_json"),
        ({"summary": {"day": datetime(2027, 1, 4, tzinfo=UTC)}}, "summary", "not_json"),
    ],
)
def test_bad_input_is_refused_and_the_old_results_stay(
    store: PlanStore, example_plan: Plan, changes: dict[str, object], field: str, problem: str
) -> None:
    plan_id = store.create(example_plan, author="Amira").plan_id
    before = save(store, plan_id, packed())
    arguments: dict[str, object] = {"name": "new.csv", "kind": "orders", "summary": {}}
    arguments |= {"payload": packed(1.0), "author": "Omar"} | changes

    with pytest.raises(InvalidInput) as refused:
        store.save_results(plan_id, **arguments)  # type: ignore[arg-type]

    assert (refused.value.params["field"], refused.value.params["problem"]) == (field, problem)
    assert store.load_results(plan_id) == SavedResults(before, packed())


def test_results_over_the_limit_are_refused_and_the_old_results_stay(
    store: PlanStore, example_plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real limit is 256 MiB; a 1,000-byte one spares the test a 256 MiB payload."""
    assert MAX_RESULTS_BYTES == 256 * 1024 * 1024
    plan_id = store.create(example_plan, author="Amira").plan_id
    before = save(store, plan_id, b"x" * 1000)
    monkeypatch.setattr(store_module, "MAX_RESULTS_BYTES", 1000)

    with pytest.raises(ResultsTooLarge) as refused:
        save(store, plan_id, b"y" * 1001, name="big.csv")

    assert refused.value.code == "results_too_large"
    assert refused.value.params == {"size": 1001, "limit": 1000}
    assert store.load_results(plan_id) == SavedResults(before, b"x" * 1000)
    worded = store_message(refused.value.code, refused.value.params)
    assert worded == "the results are 1,001 bytes packed; at most 1,000 bytes can be kept"
    assert "بايت" in store_message(refused.value.code, refused.value.params, Formats("ar"))


@pytest.mark.parametrize(
    ("params", "english"),
    [
        (
            {"field": "kind", "problem": "not_one_of", "allowed": ("orders", "funnel"), "got": "x"},
            "kind: must be one of orders, funnel, got 'x'",
        ),
        ({"field": "summary", "problem": "not_json"}, "summary: must be JSON data"),
    ],
)
def test_refused_inputs_are_worded_in_both_languages(
    params: dict[str, object], english: str
) -> None:
    assert store_message("invalid_input", params) == english
    assert store_message("invalid_input", params, Formats("ar")) != english


def test_a_deleted_plan_takes_no_results_and_keeps_its_own_until_restored(
    store: PlanStore, example_plan: Plan
) -> None:
    plan_id = store.create(example_plan, author="Amira").plan_id
    before = save(store, plan_id, packed())
    store.delete(plan_id, author="Omar")

    with pytest.raises(PlanNotFound):
        save(store, plan_id, packed(1.0))
    with pytest.raises(PlanNotFound):
        store.results_info(plan_id)
    store.restore(plan_id)

    assert store.load_results(plan_id) == SavedResults(before, packed())


# --- Purging ---------------------------------------------------------------------------------


def test_purging_a_plan_removes_its_results(
    store: PlanStore, example_plan: Plan, clock: FakeClock, engine: Engine
) -> None:
    kept = store.create(example_plan, author="Amira").plan_id
    purged = store.create(example_plan, author="Amira").plan_id
    save(store, kept, packed())
    save(store, purged, packed())
    store.delete(purged, author="Omar")

    clock.advance(timedelta(days=31))

    assert store.purge_deleted() == 1
    assert result_rows(engine) == 1
    assert store.results_info(kept) is not None


def test_the_foreign_key_cascades_when_a_plan_row_goes(
    store: PlanStore, example_plan: Plan, engine: Engine
) -> None:
    """The backstop: a plan row removed outside ``purge_deleted`` takes its results along."""
    plan_id = store.create(example_plan, author="Amira").plan_id
    save(store, plan_id, packed())

    with engine.begin() as connection:
        connection.execute(plan_versions.delete().where(plan_versions.c.plan_id == plan_id))
        connection.execute(plans.delete().where(plans.c.id == plan_id))

    assert result_rows(engine) == 0


# --- Concurrency -----------------------------------------------------------------------------


def test_two_threads_importing_at_once_leave_one_whole_import(
    store: PlanStore, example_plan: Plan, engine: Engine
) -> None:
    """Each thread saves its own payload 5 times; the last to commit wins, whole."""
    plan_id = store.create(example_plan, author="Amira").plan_id
    save(store, plan_id, packed())
    payloads = {"left.csv": packed(1.0) * 3, "right.csv": packed(2.0)}
    start = threading.Barrier(2)

    def import_repeatedly(name: str) -> None:
        start.wait()
        for _ in range(5):
            save(store, plan_id, payloads[name], name=name)

    with ThreadPoolExecutor(2) as pool:
        for done in [pool.submit(import_repeatedly, name) for name in payloads]:
            done.result(timeout=120)

    loaded = store.load_results(plan_id)
    assert loaded is not None
    assert loaded.payload == payloads[loaded.info.name]
    assert loaded.info.size == len(loaded.payload)
    assert result_rows(engine) == 1


# --- Migration -------------------------------------------------------------------------------


def upgrade_to(engine: Engine, revision: str) -> None:
    run_in_write_transaction(
        engine, lambda connection: command.upgrade(alembic_config(connection), revision)
    )


def downgrade_to(engine: Engine, revision: str) -> None:
    run_in_write_transaction(
        engine, lambda connection: command.downgrade(alembic_config(connection), revision)
    )


def table_names(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(inspect(connection).get_table_names())


def test_a_database_made_by_0001_gains_results_on_open(
    database: str, engine: Engine, example_plan: Plan, clock: FakeClock
) -> None:
    """A plan written at revision 0001 (before results existed) loads, and takes results."""
    upgrade_to(engine, "0001")
    assert "plan_results" not in table_names(engine)
    now = datetime(2026, 12, 1, tzinfo=UTC)
    with engine.begin() as connection:
        row = {**listing_columns(example_plan), "latest_version": 1, "created_at": now}
        row |= {"updated_at": now, "updated_by": "Amira"}
        plan_id: int = connection.execute(
            insert(plans).values(row).returning(plans.c.id)
        ).scalar_one()
        version = {"plan_id": plan_id, "number": 1, "saved_at": now, "author": "Amira"}
        version |= {"note": "", "schema_version": example_plan.schema_version}
        version |= {"document": example_plan.model_dump_json()}
        connection.execute(insert(plan_versions).values(version))

    with PlanStore.open(database, clock=clock) as store:
        assert store.load(plan_id).plan == example_plan
        assert store.results_info(plan_id) is None
        saved = save(store, plan_id, packed())
        assert store.load_results(plan_id) == SavedResults(saved, packed())
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
            "0002"
        )


def test_downgrading_to_0001_drops_the_results_and_keeps_the_plans(
    database: str, engine: Engine, example_plan: Plan, clock: FakeClock
) -> None:
    with PlanStore.open(database, clock=clock) as store:
        plan_id = store.create(example_plan, author="Amira").plan_id
        save(store, plan_id, packed())

    downgrade_to(engine, "0001")

    assert "plan_results" not in table_names(engine)
    with PlanStore.open(database, clock=clock) as store:  # upgrades again, results empty
        assert store.load(plan_id).plan == example_plan
        assert store.results_info(plan_id) is None
