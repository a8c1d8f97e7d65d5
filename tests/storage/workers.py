"""What the concurrency and crash tests run in threads, processes and a killed subprocess.

Kept apart from the tests so another process imports only the store, not pytest. Other
processes are started as plain ``python -m tests.storage.workers ...`` commands rather than
through ``multiprocessing``: a spawned child re-runs the parent's ``__main__``, which after an
AppTest in the same pytest process is the app script itself.

- ``python -m tests.storage.workers URL PLAN_ID`` saves versions of one plan until killed,
  printing ``ready`` once the store is open;
- ``... save URL PLAN_ID COUNT AUTHOR`` saves ``COUNT`` versions and prints what it did as
  JSON; ``... create URL AUTHOR`` opens the store and creates one plan, printing its id.
"""

from __future__ import annotations

import json
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


def command(arguments: list[str]) -> list[str]:
    """The command line that runs one of this module's workers in a process of its own."""
    return [sys.executable, "-m", "tests.storage.workers", *arguments]


def _main(arguments: list[str]) -> None:
    if arguments[0] == "save":
        url, plan_id, count, author = arguments[1:]
        saves = save_versions_in_own_store(url, int(plan_id), int(count), author)
        print(json.dumps({"saved": saves.saved, "conflicts": saves.conflicts}))
    elif arguments[0] == "create":
        print(open_and_create(arguments[1], arguments[2]))
    else:
        save_until_killed(arguments[0], int(arguments[1]))


def saves_from_json(text: str) -> Saves:
    """A worker's report, read back."""
    data = json.loads(text)
    saved = {int(number): name for number, name in data["saved"].items()}
    return Saves(saved, [(int(a), int(b)) for a, b in data["conflicts"]])


if __name__ == "__main__":
    _main(sys.argv[1:])
