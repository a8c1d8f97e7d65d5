"""What the concurrency and crash tests run in threads, processes and a killed subprocess.

Kept apart from the tests so a spawned process imports only the store, not pytest.

``python -m tests.storage.workers URL PLAN_ID`` saves versions of one plan until killed,
printing ``ready`` once the store is open.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

from planner.presets import demo_plan
from storage.records import VersionConflict
from storage.store import PlanStore


@dataclass
class Saves:
    """What one writer did: the versions it saved, and every conflict it was told about.

    ``saved`` maps each version number to the name the writer gave the plan; ``conflicts``
    holds (the version it started from, the version the conflict named).
    """

    saved: dict[int, str] = field(default_factory=dict)
    conflicts: list[tuple[int, int]] = field(default_factory=list)


def save_versions(store: PlanStore, plan_id: int, count: int, author: str) -> Saves:
    """Save ``count`` versions: load the latest, save on top of it, and on a conflict retry."""
    saves = Saves()
    while len(saves.saved) < count:
        latest = store.load(plan_id)
        name = f"{author} #{len(saves.saved)}"
        plan = latest.plan.model_copy(update={"name": name})
        try:
            info = store.save(plan_id, plan, author=author, expected_version=latest.info.number)
        except VersionConflict as conflict:
            saves.conflicts.append((latest.info.number, conflict.latest.number))
            continue
        saves.saved[info.number] = name
    return saves


def save_versions_in_own_store(url: str, plan_id: int, count: int, author: str) -> Saves:
    """``save_versions`` from a store this process opens itself (for another process)."""
    with PlanStore.open(url) as store:
        return save_versions(store, plan_id, count, author)


def open_and_create(url: str, author: str) -> int:
    """Open the store (migrating a new database) and create one plan; return its id."""
    with PlanStore.open(url) as store:
        return store.create(demo_plan(), author=author).plan_id


def save_until_killed(url: str, plan_id: int) -> None:
    """Save versions one after another, forever."""
    with PlanStore.open(url) as store:
        print("ready", flush=True)
        while True:
            save_versions(store, plan_id, 1, "crash test")


if __name__ == "__main__":
    save_until_killed(sys.argv[1], int(sys.argv[2]))
