"""A writer killed mid-save leaves a store that opens, with every version whole.

A subprocess saves versions of one plan in a loop (``tests/storage/workers.py``) and is killed
with SIGKILL at moments drawn from a seeded generator, six times; between kills it is started
again on the same SQLite file. SQLite's journal rolls back the save in flight, so afterwards
the expected state follows from the transaction contract (``storage/store.py``: one save is
one transaction): versions 1..latest, none missing, each a valid plan, and the file passes
SQLite's own integrity check.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from planner.models import Plan
from storage.store import PlanStore
from tests.conftest import ROOT

KILLS = 6
SEED = 20270104
LONGEST_RUN_S = 0.25  # saves take about a millisecond: hundreds of saves, many kills mid-write


def start_saver(url: str, plan_id: int) -> subprocess.Popen[str]:
    saver = subprocess.Popen(
        [sys.executable, "-m", "tests.storage.workers", url, str(plan_id)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert saver.stdout is not None
    ready = saver.stdout.readline()
    assert ready == "ready\n", saver.stderr.read() if saver.stderr else ready
    return saver


def test_a_writer_killed_at_random_moments_leaves_contiguous_valid_versions(
    tmp_path: Path, example_plan: Plan
) -> None:
    url = f"sqlite:///{tmp_path / 'plans.db'}"
    with PlanStore.open(url) as store:
        plan_id = store.create(example_plan, author="setup").plan_id
    moments = random.Random(SEED)  # noqa: S311 - when to kill, not a secret
    latest_seen = [1]

    for _kill in range(KILLS):
        saver = start_saver(url, plan_id)
        time.sleep(moments.uniform(0, LONGEST_RUN_S))
        os.kill(saver.pid, signal.SIGKILL)
        saver.communicate(timeout=30)
        assert saver.returncode == -signal.SIGKILL
        with PlanStore.open(url) as store:
            latest_seen.append(store.summary(plan_id).latest_version)

    with PlanStore.open(url) as store:
        history = store.history(plan_id)
        latest = history[0].number
        assert [version.number for version in history] == list(range(latest, 0, -1))
        for number in range(1, latest + 1):
            assert store.load(plan_id, number).plan.stages == example_plan.stages
    assert latest_seen == sorted(latest_seen)
    assert latest > KILLS  # the savers did save
    engine = create_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
    engine.dispose()
