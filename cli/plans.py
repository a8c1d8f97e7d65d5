"""``python -m planner plans ...``: put plan files in the plan store and read them back.

- ``plans import FILE``: store a plan file as a new plan; prints ``{"id", "version", "name"}``.
- ``plans list``: the live plans, newest change first, as an aligned table (``--json``: a
  list); ``--search TEXT`` keeps names holding the text, ``--deleted`` lists deleted plans.
- ``plans show ID|NAME``: the plan's summary and its history, as JSON.
- ``plans export ID|NAME``: the plan file on standard output (``--version N`` for an older
  one), or with ``--xlsx OUT`` the workbook written to ``OUT``.

Every action takes ``--db URL``; without it the store is ``PLANNER_DATABASE_URL``, else the
SQLite file in the data folder (``storage.database``). A plan is named by its id or by its
exact name, ignoring case. A store problem (no such plan, a name shared by several plans, a
database that can't be reached) is one line on stderr and exit status 2, worded by
``i18n.store``.
"""

from __future__ import annotations

import argparse
import getpass
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from i18n.catalogue import translate
from i18n.formats import Formats
from i18n.store import (
    HEADING_DELETED,
    HEADING_DELETED_BY,
    HEADING_ID,
    HEADING_LAST_CHANGE,
    HEADING_LAST_EDITOR,
    HEADING_NAME,
    HEADING_PERIOD,
    HEADING_TARGET,
    NO_PLANS,
    store_message,
)
from planner.models import Plan
from storage.records import PlanSummary, StoreError, VersionInfo

if TYPE_CHECKING:
    from storage.store import PlanStore

DEFAULT_AUTHOR = "cli"
COLUMN_GAP = "  "


@dataclass(frozen=True)
class Rendered:
    """Output already written as text (a table, a plan file), printed as it is, not as JSON."""

    text: str


def store_error_line(error: StoreError, formats: Formats) -> str:
    """The one line a store problem gets on stderr, in the reader's language."""
    return store_message(error.code, error.params, formats, fallback=str(error))


def add_plans_command(
    commands: argparse._SubParsersAction[Any], parents: list[argparse.ArgumentParser]
) -> None:
    """Register ``plans`` and its actions under the CLI's commands."""
    database = argparse.ArgumentParser(add_help=False)
    database.add_argument(
        "--db",
        metavar="URL",
        help="database URL (default: $PLANNER_DATABASE_URL, else data/plans.db)",
    )
    plans = commands.add_parser(
        "plans", help="store plan files and read them back", parents=parents
    )
    actions = plans.add_subparsers(required=True, metavar="ACTION")
    inherited = [*parents, database]
    _add_import(actions, inherited)
    _add_list(actions, inherited)
    _add_show(actions, inherited)
    _add_export(actions, inherited)


def _add_import(
    actions: argparse._SubParsersAction[Any], parents: list[argparse.ArgumentParser]
) -> None:
    action = actions.add_parser("import", help="store a plan file as a new plan", parents=parents)
    action.add_argument("file", help="plan file (JSON), or - for standard input")
    action.add_argument("--author", help="who imports it (default: your user name)")
    action.add_argument("--note", default="", help="why, kept with the version")
    action.set_defaults(command=import_plan)


def _add_list(
    actions: argparse._SubParsersAction[Any], parents: list[argparse.ArgumentParser]
) -> None:
    action = actions.add_parser("list", help="list the stored plans", parents=parents)
    action.add_argument("--search", default="", metavar="TEXT", help="names holding TEXT")
    action.add_argument("--deleted", action="store_true", help="the deleted plans instead")
    action.add_argument("--json", action="store_true", help="a JSON list instead of a table")
    action.set_defaults(command=list_plans)


def _add_show(
    actions: argparse._SubParsersAction[Any], parents: list[argparse.ArgumentParser]
) -> None:
    action = actions.add_parser("show", help="a plan's summary and history", parents=parents)
    action.add_argument("plan", metavar="ID|NAME", help="the plan's id or exact name")
    action.set_defaults(command=show_plan)


def _add_export(
    actions: argparse._SubParsersAction[Any], parents: list[argparse.ArgumentParser]
) -> None:
    action = actions.add_parser(
        "export", help="print a stored plan as a plan file", parents=parents
    )
    action.add_argument("plan", metavar="ID|NAME", help="the plan's id or exact name")
    action.add_argument("--version", type=int, metavar="N", help="an older version")
    action.add_argument("--xlsx", metavar="OUT", help="write the Excel workbook to OUT instead")
    action.set_defaults(command=export_plan)


# --- Actions ---------------------------------------------------------------------------------


def import_plan(args: argparse.Namespace, _formats: Formats) -> dict[str, Any]:
    """Read the plan file as ``plan`` does, and store it as a new plan."""
    # cli.main imports this module to register the command: importing it back at the top
    # would be a cycle.
    from cli.main import read_plan

    plan = read_plan(args.file)
    author = args.author if args.author is not None else user_name()
    with open_store(args.db) as store:
        created = store.create(plan, author=author, note=args.note)
    return {"id": created.plan_id, "version": created.number, "name": plan.name}


def list_plans(args: argparse.Namespace, formats: Formats) -> list[dict[str, Any]] | Rendered:
    """The plans as a table or, with ``--json``, a list."""
    with open_store(args.db) as store:
        found = store.list_plans(args.search, deleted=args.deleted)
    if args.json:
        return [summary_json(summary) for summary in found]
    return Rendered(plans_table(found, formats, deleted=args.deleted))


def show_plan(args: argparse.Namespace, _formats: Formats) -> dict[str, Any]:
    """The summary of a plan, and every version, newest first."""
    with open_store(args.db) as store:
        plan_id = store.find(args.plan)
        summary, history = store.summary(plan_id), store.history(plan_id)
    return {**summary_json(summary), "history": [version_json(info) for info in history]}


def export_plan(args: argparse.Namespace, formats: Formats) -> dict[str, Any] | Rendered:
    """The plan file, exactly as ``Plan.model_dump_json(indent=2)`` writes it, or a workbook."""
    with open_store(args.db) as store:
        saved = store.load(store.find(args.plan), args.version)
    if args.xlsx is None:
        return Rendered(saved.plan.model_dump_json(indent=2) + "\n")
    written = write_workbook(saved.plan, Path(args.xlsx), formats)
    return {"id": saved.info.plan_id, "version": saved.info.number, "xlsx": args.xlsx, **written}


def write_workbook(plan: Plan, path: Path, formats: Formats) -> dict[str, int]:
    """Build the plan's workbook and write it to ``path``."""
    from cli.main import CLI_CANT_WRITE, OutputFailed  # see import_plan
    from files.workbook import build_workbook  # loaded only by the one action that needs it

    workbook = build_workbook(plan, formats)
    try:
        path.write_bytes(workbook)
    except OSError as error:
        raise OutputFailed(CLI_CANT_WRITE, str(error.strerror or error)) from None
    return {"bytes": len(workbook)}


def open_store(url: str | None) -> PlanStore:
    """The plan store at ``url`` (or the default one), opened and migrated."""
    # Imported here: SQLAlchemy and alembic take a quarter second to load, which `plan`,
    # `project` and `schema` should not pay.
    from storage.store import PlanStore

    return PlanStore.open(url)


def user_name() -> str:
    """Who runs the command, as the system knows them; ``cli`` when it can't say."""
    try:
        return getpass.getuser() or DEFAULT_AUTHOR
    except (OSError, KeyError, ImportError):  # no login name and no password entry
        return DEFAULT_AUTHOR


# --- Output ----------------------------------------------------------------------------------


def summary_json(summary: PlanSummary) -> dict[str, Any]:
    """A plan's summary with ISO dates and times, as ``list --json`` and ``show`` print it."""
    return {key: _iso(value) for key, value in asdict(summary).items()}


def version_json(info: VersionInfo) -> dict[str, Any]:
    """One entry of a plan's history."""
    entry = {key: _iso(value) for key, value in asdict(info).items()}
    del entry["plan_id"]
    return entry


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def plans_table(found: list[PlanSummary], formats: Formats, *, deleted: bool = False) -> str:
    """An aligned text table: id, name, period, target, last editor, last change."""
    if not found:
        return translate(formats.language, NO_PLANS) + "\n"
    headings = [HEADING_ID, HEADING_NAME, HEADING_PERIOD, HEADING_TARGET]
    headings += (
        [HEADING_DELETED_BY, HEADING_DELETED]
        if deleted
        else [HEADING_LAST_EDITOR, HEADING_LAST_CHANGE]
    )
    header = [translate(formats.language, heading) for heading in headings]
    rows = [header] + [_row(summary, formats, deleted=deleted) for summary in found]
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    lines = [
        COLUMN_GAP.join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows
    ]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _row(summary: PlanSummary, formats: Formats, *, deleted: bool) -> list[str]:
    when = summary.deleted_at if deleted and summary.deleted_at else summary.last_change
    who = summary.deleted_by if deleted and summary.deleted_by else summary.last_editor
    return [
        str(summary.id),
        summary.name,
        f"{summary.period_start.isoformat()} – {summary.period_end.isoformat()}",
        formats.money(summary.revenue_target, summary.currency),
        who,
        when.strftime("%Y-%m-%d %H:%M"),
    ]
