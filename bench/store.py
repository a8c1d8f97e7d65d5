"""Benchmark: saving, loading and listing plans in the plan store, on a SQLite file.

What is timed, on a fresh file in a temporary folder (WAL, as the app runs it):

- **save**: ``PlanStore.save`` of the demo plan (``planner.presets.demo_plan()``) on top of
  the latest version: validation of author and note, one write transaction (``BEGIN
  IMMEDIATE``, the optimistic ``UPDATE``, the version ``INSERT``, ``COMMIT``). Median.
  Target: ≤ 5 ms.
- **load**: ``PlanStore.load`` of the latest version: one ``SELECT``, then the document
  validated (and migrated if old) by ``parse_plan_json``. Median. Target: ≤ 5 ms.
- **list**: ``PlanStore.list_plans()`` with 1,000 plans saved: one ``SELECT`` on the
  ``plans`` table, no document read. Median. Target: ≤ 50 ms (the Plans page runs it on
  every rerun).

Absolute times depend on the disk (a save waits for its commit to reach it) and the machine,
so each figure is also a ratio to a baseline measured in the same run on the same kind of
file: the *same statements in raw ``sqlite3``*, the same JSON text, the same pragmas — for
save an ``INSERT`` of the document and an ``UPDATE`` of the plan row in one ``BEGIN
IMMEDIATE`` transaction; for load the ``SELECT`` of the document text and ``json.loads`` of
it; for list the same ``SELECT`` of the listing columns, fetched as tuples. The ratio is what
SQLAlchemy, the records and validation add to the database's own work (for load, mostly the
plan's validation: a stored plan is checked as strictly as a file).

Run ``python bench/store.py`` (``--runs N``). Figures are also written to
bench/results/store.json. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from planner.presets import demo_plan  # noqa: E402  (path set above)
from storage.database import BUSY_TIMEOUT_MS  # noqa: E402
from storage.store import PlanStore  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "store.json"
SAVE_TARGET_MS = 5.0
LOAD_TARGET_MS = 5.0
LIST_TARGET_MS = 50.0
LISTED_PLANS = 1_000
LIST_COLUMNS = (
    "id, name, currency, period_start, period_end, revenue_target, latest_version, "
    "baseline_version, created_at, updated_by, updated_at, deleted_at, deleted_by"
)


def median_ms(function: Callable[[], object], runs: int) -> float:
    """Median milliseconds of ``function()`` over ``runs`` timed calls, after a warm-up."""
    for _ in range(min(runs, 20)):
        function()
    samples = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        function()
        samples.append(time.perf_counter_ns() - start)
    return statistics.median(samples) / 1e6


class StoreWork:
    """The store's save, load and list, each on its own plan."""

    def __init__(self, store: PlanStore) -> None:
        self.store = store
        self.plan = demo_plan()
        self.plan_id = store.create(self.plan, author="bench").plan_id
        self.version = 1

    def save(self) -> None:
        """One more version of the demo plan."""
        self.store.save(self.plan_id, self.plan, author="bench", expected_version=self.version)
        self.version += 1

    def load(self) -> None:
        """The latest version, validated."""
        self.store.load(self.plan_id)

    def list(self) -> None:
        """Every live plan's summary."""
        self.store.list_plans()


class RawWork:
    """The same statements in plain ``sqlite3`` on the store's own tables: the baseline."""

    def __init__(self, path: Path, plan_id: int) -> None:
        self.connection = sqlite3.connect(path, isolation_level=None)
        self.connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self.connection.execute("PRAGMA journal_mode = WAL")
        self.document = demo_plan().model_dump_json()
        self.plan_id = plan_id
        self.version = self.connection.execute(
            "SELECT latest_version FROM plans WHERE id = ?", (plan_id,)
        ).fetchone()[0]

    def save(self) -> None:
        """The save's two statements in one write transaction."""
        run = self.connection.execute
        run("BEGIN IMMEDIATE")
        run(
            "UPDATE plans SET latest_version = ? WHERE id = ? AND latest_version = ?",
            (self.version + 1, self.plan_id, self.version),
        )
        run(
            "INSERT INTO plan_versions (plan_id, number, saved_at, author, note, schema_version,"
            " document) VALUES (?, ?, '2027-01-04 09:00:00', 'bench', '', 2, ?)",
            (self.plan_id, self.version + 1, self.document),
        )
        run("COMMIT")
        self.version += 1

    def load(self) -> None:
        """The latest document's text, decoded."""
        (document,) = self.connection.execute(
            "SELECT document FROM plan_versions WHERE plan_id = ? AND number = ?",
            (self.plan_id, self.version),
        ).fetchone()
        json.loads(document)

    def list(self) -> None:
        """The listing columns of every live plan, as tuples."""
        self.connection.execute(
            f"SELECT {LIST_COLUMNS} FROM plans WHERE deleted_at IS NULL "  # noqa: S608 - constant
            "ORDER BY updated_at DESC, id DESC"
        ).fetchall()


def measure(folder: Path, runs: int) -> dict[str, float]:
    """Every figure and its baseline, in milliseconds."""
    path = folder / "plans.db"
    with PlanStore.open(f"sqlite:///{path}") as store:
        ours = StoreWork(store)
        raw = RawWork(path, StoreWork(store).plan_id)
        figures = {
            "save_ms": median_ms(ours.save, runs),
            "baseline_save_ms": median_ms(raw.save, runs),
            "load_ms": median_ms(ours.load, runs),
            "baseline_load_ms": median_ms(raw.load, runs),
        }
        for _ in range(LISTED_PLANS - 2):
            store.create(ours.plan, author="bench")
        assert len(store.list_plans()) == LISTED_PLANS
        figures["list_ms"] = median_ms(ours.list, max(runs // 10, 10))
        figures["baseline_list_ms"] = median_ms(raw.list, max(runs // 10, 10))
        raw.connection.close()
    return figures


def main() -> None:
    """Measure, print the table, save the figures."""
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--runs", type=int, default=300, help="timed saves and loads")
    args = options.parse_args()
    with tempfile.TemporaryDirectory(prefix="planner-bench-") as folder:
        figures = measure(Path(folder), args.runs)

    rows = [
        ("save the demo plan (median)", "save_ms", SAVE_TARGET_MS),
        ("load the demo plan (median)", "load_ms", LOAD_TARGET_MS),
        (f"list {LISTED_PLANS:,} plans (median)", "list_ms", LIST_TARGET_MS),
    ]
    header = ("measure", "store", "raw sqlite3", "ratio", "target", "met")
    table = [header] + [
        (
            name,
            f"{figures[key]:.2f} ms",
            f"{figures['baseline_' + key]:.2f} ms",
            f"{figures[key] / figures['baseline_' + key]:,.1f}×",
            f"≤ {target:.0f} ms",
            "yes" if figures[key] <= target else "NO",
        )
        for name, key, target in rows
    ]
    widths = [max(len(row[column]) for row in table) for column in range(len(header))]
    print(f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}")
    for row in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps({"python": platform.python_version(), **figures}, indent=2) + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
