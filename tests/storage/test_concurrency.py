"""Many writers at once: every save lands exactly once, or is told it lost.

The invariant, from the store's contract (optimistic concurrency, ``storage/store.py``): after
N writers have each saved K versions of one plan from version 1, retrying after each
conflict, the plan is at version 1 + N·K; the version numbers the writers were given are
exactly 2..1+N·K, each once; each stored version holds what the writer given that number
saved (no save overwrote another); and each conflict named a version newer than the one the
writer started from.
"""

from __future__ import annotations

import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from planner.models import Plan
from storage.migrate import alembic_config
from storage.store import PlanStore
from tests.conftest import ROOT
from tests.storage.workers import Saves, command, open_and_create, save_versions, saves_from_json

THREADS = 20
SAVES_PER_THREAD = 3
PROCESSES = 4
SAVES_PER_PROCESS = 5


def assert_every_save_landed_once(store: PlanStore, plan_id: int, writers: list[Saves]) -> None:
    saved = [(number, name) for saves in writers for number, name in saves.saved.items()]
    numbers = sorted(number for number, _name in saved)
    total = sum(len(saves.saved) for saves in writers)

    assert numbers == list(range(2, 2 + total)), "a version number skipped or given twice"
    assert [version.number for version in store.history(plan_id)] == list(range(1 + total, 0, -1))
    for number, name in saved:
        assert store.load(plan_id, number).plan.name == name
    for saves in writers:
        assert all(told > started for started, told in saves.conflicts)


def test_twenty_threads_saving_one_plan(store: PlanStore, example_plan: Plan) -> None:
    plan_id = store.create(example_plan, author="setup").plan_id

    with ThreadPoolExecutor(THREADS) as pool:
        futures = [
            pool.submit(save_versions, store, plan_id, SAVES_PER_THREAD, f"thread {n}")
            for n in range(THREADS)
        ]
        writers = [future.result(timeout=120) for future in futures]

    assert_every_save_landed_once(store, plan_id, writers)
    assert store.summary(plan_id).latest_version == 1 + THREADS * SAVES_PER_THREAD
    # 20 writers on one plan must have collided; each collision was reported, none lost.
    assert sum(len(saves.conflicts) for saves in writers) > 0


def test_twenty_threads_saving_their_own_plans(store: PlanStore, example_plan: Plan) -> None:
    ids = [store.create(example_plan, author=f"thread {n}").plan_id for n in range(THREADS)]

    with ThreadPoolExecutor(THREADS) as pool:
        futures = [
            pool.submit(save_versions, store, plan_id, SAVES_PER_THREAD, f"thread {n}")
            for n, plan_id in enumerate(ids)
        ]
        writers = [future.result(timeout=120) for future in futures]

    for plan_id, saves in zip(ids, writers, strict=True):
        assert_every_save_landed_once(store, plan_id, [saves])
        assert saves.conflicts == []  # nobody else writes these plans


def newest_schema() -> str:
    """The newest migration's revision: what a fresh database must end at."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def test_twenty_threads_opening_a_new_database_at_once(database: str) -> None:
    """Each open migrates (or finds the schema already there); none fails, one schema."""
    with ThreadPoolExecutor(THREADS) as pool:
        ids = list(pool.map(open_and_create, [database] * THREADS, map(str, range(THREADS))))

    assert sorted(ids) == list(range(1, THREADS + 1))
    engine = create_engine(database)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).all() == [
            (newest_schema(),)
        ]
    engine.dispose()


def run_together(commands: list[list[str]]) -> list[str]:
    """Run the workers at the same time, each in a process of its own; their outputs."""
    processes = [
        subprocess.Popen(command(arguments), cwd=ROOT, stdout=subprocess.PIPE, text=True)
        for arguments in commands
    ]
    outputs = [process.communicate(timeout=120)[0] for process in processes]
    assert [process.returncode for process in processes] == [0] * len(processes)
    return outputs


def test_processes_saving_one_plan_in_one_sqlite_file(tmp_path: Path, example_plan: Plan) -> None:
    url = f"sqlite:///{tmp_path / 'plans.db'}"
    with PlanStore.open(url) as store:
        plan_id = store.create(example_plan, author="setup").plan_id

    # Fresh interpreters, as other users' apps would be.
    outputs = run_together(
        [
            ["save", url, str(plan_id), str(SAVES_PER_PROCESS), f"process {n}"]
            for n in range(PROCESSES)
        ]
    )
    writers = [saves_from_json(output) for output in outputs]

    with PlanStore.open(url) as store:
        assert_every_save_landed_once(store, plan_id, writers)
        assert store.summary(plan_id).latest_version == 1 + PROCESSES * SAVES_PER_PROCESS


def test_processes_opening_a_new_sqlite_file_at_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'plans.db'}"

    outputs = run_together([["create", url, f"process {n}"] for n in range(PROCESSES)])
    ids = [int(output) for output in outputs]

    assert sorted(ids) == list(range(1, PROCESSES + 1))
    with PlanStore.open(url) as store:
        assert len(store.list_plans()) == PROCESSES
