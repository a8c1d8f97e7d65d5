"""``python -m planner plans ...``: import, list, show and export stored plans.

Each test has a SQLite store of its own in its temporary folder, given with ``--db`` (or
through ``PLANNER_DATABASE_URL``). Plans are the README's example (``examples/
q1-store-plan.json``: "Q1 store plan", USD, 2027-01-01 to 2027-03-31, target 120,000).
Where times show, the plans were stored through ``PlanStore`` with a fixed clock.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import types
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import cli.plans
from cli.main import EXIT_INVALID, EXIT_OK, main
from i18n.formats import Formats
from planner.errors import parse_plan_json
from planner.models import Plan
from storage.records import InvalidInput, ShareNotFound, StoreError, VersionConflict, VersionInfo
from storage.store import PlanStore
from tests.postgres_server import free_port

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "q1-store-plan.json"


def run(*argv: str) -> tuple[int, str, str]:
    """Run the CLI in-process; return (exit status, stdout, stderr)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    status = main(list(argv), stdout=stdout, stderr=stderr)
    return status, stdout.getvalue(), stderr.getvalue()


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'plans.db'}"


def stored(db: str, *plans: Plan, author: str = "Amira") -> list[int]:
    """Store ``plans`` on 2027-01-04 one a minute from 09:01 UTC (opening reads 09:00).

    Return their ids.
    """
    minutes = iter(range(60))

    def clock() -> datetime:
        return datetime(2027, 1, 4, 9, next(minutes), tzinfo=UTC)

    with PlanStore.open(db, clock=clock) as store:
        return [store.create(plan, author=author).plan_id for plan in plans]


def renamed(plan: Plan, name: str, **changes: Any) -> Plan:
    return plan.model_copy(update={"name": name, **changes})


# --- import ----------------------------------------------------------------------------------


def test_import_stores_the_file_as_a_new_plan(db: str, example_plan: Plan) -> None:
    status, out, err = run("plans", "import", str(EXAMPLE), "--author", "Amira", "--db", db)

    assert (status, err) == (EXIT_OK, "")
    assert json.loads(out) == {"id": 1, "version": 1, "name": "Q1 store plan"}
    with PlanStore.open(db) as store:
        saved = store.load(1)
    assert saved.plan == example_plan
    assert saved.info.author == "Amira"


def test_import_is_by_the_user_running_it(
    db: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(cli.plans.getpass, "getuser", lambda: "omar")
    run("plans", "import", str(EXAMPLE), "--db", db)

    def no_user() -> str:
        raise OSError("no login name")

    monkeypatch.setattr(cli.plans.getpass, "getuser", no_user)
    run("plans", "import", str(EXAMPLE), "--db", db)

    with PlanStore.open(db) as store:
        assert [summary.last_editor for summary in store.list_plans()] == ["cli", "omar"]


def test_import_of_an_invalid_file_names_the_field_and_stores_nothing(
    db: str, tmp_path: Path, example_plan_data: dict[str, Any]
) -> None:
    example_plan_data["stages"][2]["conversion_rate"] = 1.2
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(example_plan_data), encoding="utf-8")

    status, out, err = run("plans", "import", str(path), "--db", db)

    assert (status, out) == (EXIT_INVALID, "")
    assert err.splitlines() == ["stages[2].conversion_rate: must be > 0 and ≤ 1, got 1.2"]
    with PlanStore.open(db) as store:
        assert store.list_plans() == []


def test_import_refuses_an_empty_author(db: str) -> None:
    status, out, err = run("plans", "import", str(EXAMPLE), "--author", " ", "--db", db)

    assert (status, out, err) == (EXIT_INVALID, "", "author: required\n")


# --- list ------------------------------------------------------------------------------------


def test_list_prints_an_aligned_table_newest_change_first(db: str, example_plan: Plan) -> None:
    """Columns padded to their widest cell, two spaces apart; amounts as the page shows them."""
    stored(db, example_plan, renamed(example_plan, "Året", currency="EUR", revenue_target=99.5))

    status, out, err = run("plans", "list", "--db", db)

    assert (status, err) == (EXIT_OK, "")
    assert out.splitlines() == [
        "id  name           period                   target    last editor  last change (UTC)",
        "2   Året           2027-01-01 – 2027-03-31  €99.50    Amira        2027-01-04 09:02",
        "1   Q1 store plan  2027-01-01 – 2027-03-31  $120,000  Amira        2027-01-04 09:01",
    ]


def test_list_searches_names_and_lists_deleted_plans(db: str, example_plan: Plan) -> None:
    kept, gone = stored(db, example_plan, renamed(example_plan, "Black Friday"))
    with PlanStore.open(db) as store:
        store.delete(gone, author="Omar")

    assert run("plans", "list", "--search", "STORE", "--json", "--db", db)[1].count('"id"') == 1
    listed = json.loads(run("plans", "list", "--json", "--db", db)[1])
    deleted = json.loads(run("plans", "list", "--deleted", "--json", "--db", db)[1])
    table = run("plans", "list", "--deleted", "--db", db)[1]

    assert [plan["id"] for plan in listed] == [kept]
    assert [(plan["id"], plan["deleted_by"]) for plan in deleted] == [(gone, "Omar")]
    assert table.splitlines()[0].split("  ")[-2:] == ["deleted by", "deleted (UTC)"]
    assert "Omar" in table.splitlines()[1]


def test_list_as_json_gives_every_summary_field(db: str, example_plan: Plan) -> None:
    stored(db, example_plan)

    status, out, _err = run("plans", "list", "--json", "--db", db)

    assert status == EXIT_OK
    assert json.loads(out) == [
        {
            "id": 1,
            "name": "Q1 store plan",
            "currency": "USD",
            "period_start": "2027-01-01",
            "period_end": "2027-03-31",
            "revenue_target": 120000.0,
            "latest_version": 1,
            "baseline_version": None,
            "created_at": "2027-01-04T09:01:00+00:00",
            "last_editor": "Amira",
            "last_change": "2027-01-04T09:01:00+00:00",
            "deleted_at": None,
            "deleted_by": None,
        }
    ]


def test_an_empty_store_lists_no_plans(db: str) -> None:
    assert run("plans", "list", "--db", db) == (EXIT_OK, "no plans\n", "")
    assert run("plans", "list", "--json", "--db", db) == (EXIT_OK, "[]\n", "")


def test_the_store_comes_from_the_environment_without_db(
    db: str, example_plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored(db, example_plan)
    monkeypatch.setenv("PLANNER_DATABASE_URL", db)

    status, out, _err = run("plans", "list", "--json")

    assert status == EXIT_OK
    assert [plan["name"] for plan in json.loads(out)] == ["Q1 store plan"]


# --- show ------------------------------------------------------------------------------------


def test_show_gives_the_summary_and_the_history_newest_first(db: str, example_plan: Plan) -> None:
    [plan_id] = stored(db, example_plan)
    with PlanStore.open(db) as store:
        store.save(plan_id, example_plan, author="Omar", note="checked", expected_version=1)
        store.mark_baseline(plan_id, 1)

    for reference in (str(plan_id), "  q1 STORE plan"):
        status, out, _err = run("plans", "show", reference, "--db", db)
        shown = json.loads(out)
        assert status == EXIT_OK
        assert (shown["id"], shown["latest_version"], shown["baseline_version"]) == (1, 2, 1)
        assert [
            (v["number"], v["author"], v["note"], v["is_baseline"]) for v in shown["history"]
        ] == [
            (2, "Omar", "checked", False),
            (1, "Amira", "", True),
        ]


# --- export ----------------------------------------------------------------------------------


def test_export_prints_the_plan_file_exactly(db: str, example_plan: Plan) -> None:
    [plan_id] = stored(db, example_plan)
    with PlanStore.open(db) as store:
        store.save(plan_id, renamed(example_plan, "Q1 v2"), author="Omar", expected_version=1)

    latest = run("plans", "export", "Q1 v2", "--db", db)
    first = run("plans", "export", str(plan_id), "--version", "1", "--db", db)

    assert latest == (EXIT_OK, renamed(example_plan, "Q1 v2").model_dump_json(indent=2) + "\n", "")
    assert first == (EXIT_OK, example_plan.model_dump_json(indent=2) + "\n", "")
    assert parse_plan_json(first[1]) == example_plan


def test_export_writes_the_workbook_the_files_package_builds(
    db: str, example_plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``files.workbook.build_workbook(plan, formats)`` makes the bytes; the CLI writes them."""
    calls: list[tuple[Plan, Formats]] = []

    def build_workbook(plan: Plan, formats: Formats) -> bytes:
        calls.append((plan, formats))
        return b"PK\x03\x04 workbook"

    workbook = types.ModuleType("files.workbook")
    workbook.build_workbook = build_workbook  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "files", types.ModuleType("files"))
    monkeypatch.setitem(sys.modules, "files.workbook", workbook)
    stored(db, example_plan)
    out_path = tmp_path / "plan.xlsx"

    status, out, err = run(
        "--lang", "ar", "plans", "export", "1", "--xlsx", str(out_path), "--db", db
    )

    assert (status, err) == (EXIT_OK, "")
    assert out_path.read_bytes() == b"PK\x03\x04 workbook"
    assert calls == [(example_plan, Formats("ar"))]
    assert json.loads(out) == {"id": 1, "version": 1, "xlsx": str(out_path), "bytes": 13}


def test_an_unwritable_workbook_path_is_one_line(
    db: str, example_plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workbook = types.ModuleType("files.workbook")
    workbook.build_workbook = lambda _plan, _formats: b"PK"  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "files", types.ModuleType("files"))
    monkeypatch.setitem(sys.modules, "files.workbook", workbook)
    stored(db, example_plan)

    status, out, err = run("plans", "export", "1", "--xlsx", str(tmp_path), "--db", db)

    assert (status, out) == (EXIT_INVALID, "")
    assert err == "(output): can't be written: Is a directory\n"


# --- Problems --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        pytest.param(["show", "9"], "no plan is numbered or called '9'", id="no such id"),
        pytest.param(["show", "Q2"], "no plan is numbered or called 'Q2'", id="no such name"),
        pytest.param(
            ["export", "1", "--version", "5"], "plan 1 has no version 5", id="no such version"
        ),
        pytest.param(
            ["show", "q1 store plan"],
            "several plans are called 'q1 store plan' (ids 1, 2); give the id instead",
            id="ambiguous name",
        ),
    ],
)
def test_a_store_problem_is_one_line_and_status_2(
    db: str, example_plan: Plan, argv: list[str], line: str
) -> None:
    stored(db, example_plan, example_plan)

    status, out, err = run("plans", *argv, "--db", db)

    assert (status, out, err) == (EXIT_INVALID, "", line + "\n")


def test_an_unreachable_database_is_one_line_without_the_password() -> None:
    url = f"postgresql://planner:s3cret@127.0.0.1:{free_port()}/plans"

    status, out, err = run("plans", "list", "--db", url)

    assert (status, out) == (EXIT_INVALID, "")
    assert len(err.splitlines()) == 1
    assert err.startswith(
        f"the plan store at postgresql+psycopg://planner:***@127.0.0.1:{url.split(':')[3]}"
    )
    assert "s3cret" not in err


def test_import_and_export_as_real_commands(tmp_path: Path, example_plan: Plan) -> None:
    """What a user types, end to end: the exported file is the imported plan."""
    db = f"sqlite:///{tmp_path / 'plans.db'}"

    def planner(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "planner", "plans", *argv, "--db", db],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    imported = planner("import", str(EXAMPLE))
    exported = planner("export", "Q1 store plan")

    assert (imported.returncode, imported.stderr) == (0, "")
    assert (exported.returncode, exported.stderr) == (0, "")
    assert parse_plan_json(exported.stdout) == example_plan


# --- Wording of what the store reports (i18n/store.py) ----------------------------------------


@pytest.mark.parametrize(
    ("error", "line"),
    [
        pytest.param(
            VersionConflict(
                VersionInfo(3, 5, datetime(2027, 1, 4, 9, 30, 15, tzinfo=UTC), "Omar", "", False),
                expected=4,
            ),
            "plan 3 is at version 5, saved by Omar at 2027-01-04 09:30 UTC, not at version 4; "
            "open it again and redo your change",
            id="conflict",
        ),
        pytest.param(
            ShareNotFound("gone"),
            "this share link is unknown, revoked, or its plan was deleted",
            id="share",
        ),
        pytest.param(
            InvalidInput("x", field="note", problem="too_long", limit=500, got=1234),
            "note: at most 500 characters, got 1,234",
            id="too long",
        ),
        pytest.param(
            InvalidInput("x", field="author", problem="control_character"),
            "author: must not contain control characters",
            id="control character",
        ),
        pytest.param(StoreError("the English message"), "the English message", id="other code"),
    ],
)
def test_each_store_problem_is_worded(error: StoreError, line: str) -> None:
    assert cli.plans.store_error_line(error, Formats()) == line


def test_a_refused_name_is_worded_as_the_plan_file_words_it(db: str, example_plan: Plan) -> None:
    with PlanStore.open(db) as store:
        plan_id = store.create(example_plan, author="Amira").plan_id
        with pytest.raises(InvalidInput) as refused:
            store.rename(plan_id, "x" * 81, author="Amira", expected_version=1)

    assert cli.plans.store_error_line(refused.value, Formats()) == (
        "name: must be at most 80 characters long, got 81"
    )


def test_export_writes_a_workbook_excel_can_open(
    db: str, example_plan: Plan, tmp_path: Path
) -> None:
    """The real ``files.workbook``: the file opens as a workbook that holds the plan's name."""
    stored(db, example_plan)
    out_path = tmp_path / "q1.xlsx"

    status, out, err = run("plans", "export", "Q1 store plan", "--xlsx", str(out_path), "--db", db)

    assert (status, err) == (EXIT_OK, "")
    assert json.loads(out)["bytes"] == out_path.stat().st_size
    book = openpyxl.load_workbook(out_path)
    cells = {cell.value for sheet in book for row in sheet.iter_rows() for cell in row}
    assert "Q1 store plan" in cells
