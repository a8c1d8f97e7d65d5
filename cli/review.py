"""``python -m planner review PLAN.json ACTUALS --as-of DATE``: the plan against what happened.

Reads the plan file and a results file (``files.results_files``: an order log, one row per
order or order line, or funnel counts per day, week or month with a column per stage; CSV or
.xlsx; the kind guessed from the headers unless ``--kind`` says), and prints as JSON what
``planner.review`` works out as of the date:

- ``attainment`` (actual ÷ planned revenue to date) and ``revenue_gap`` (actual − planned);
- ``measures`` and ``stages``: planned to date, actual to date, variance (absolute and %),
  attainment and a status (green, amber, red by ``--on-pace`` and ``--behind``);
- ``attribution``: the gap split by driver (``traffic``, each conversion by the stage it
  converts into, ``orders_per_customer``, ``average_order_value``, ``returning_customers``),
  whose amounts add up to ``revenue_gap``;
- ``forecast_revenue`` (``p10``, ``p50``, ``p90``, ``mean``) and ``probability_of_target``,
  simulated over the days left (``--trials``, ``--seed``);
- ``catch_up``: what the remaining weeks need at the rates seen so far, and each single lever
  that would close the gap alone;
- ``notes``, and with ``--pacing`` the cumulative plan, actual and forecast of every day.

Columns are guessed from the headers; ``--column ROLE=HEADER`` names one (roles: ``date``,
``amount``, ``customer``, ``order``, ``status``, ``channel`` for an order log; ``date``, a
stage's name, ``revenue``, ``orders``, ``spend``... for funnel counts, where the mapping then
replaces the guess). Problems are reported as the other commands report them.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from cli.actuals import read_file_bytes
from i18n.formats import Formats
from planner.errors import FieldProblem, PlanInvalid


def add_review_command(
    commands: argparse._SubParsersAction[Any], parents: list[argparse.ArgumentParser]
) -> None:
    """Register ``review`` under the CLI's commands."""
    command = commands.add_parser(
        "review", help="the plan against its actuals as of a date", parents=parents
    )
    command.add_argument("plan", help="plan file (JSON), or - for standard input")
    command.add_argument("actuals", type=Path, help="order log or funnel counts (CSV or .xlsx)")
    command.add_argument("--as-of", required=True, metavar="YYYY-MM-DD", help="review date")
    command.add_argument(
        "--kind", choices=("auto", "orders", "funnel"), default="auto", help="what the file holds"
    )
    command.add_argument(
        "--column", action="append", default=[], metavar="ROLE=HEADER", help="name a column"
    )
    order = command.add_mutually_exclusive_group()
    order.add_argument(
        "--day-first", dest="day_first", action="store_true", default=None, help="13/01/2027"
    )
    order.add_argument("--month-first", dest="day_first", action="store_false", help="01/13/2027")
    command.add_argument("--timezone", default="UTC", help="the store's time zone (UTC)")
    command.add_argument("--trials", type=int, default=10_000, metavar="N", help="(10,000)")
    command.add_argument("--seed", type=int, default=0, metavar="S", help="(0)")
    command.add_argument("--on-pace", type=float, default=1.0, metavar="F", help="green from (1.0)")
    command.add_argument("--behind", type=float, default=0.9, metavar="F", help="red below (0.9)")
    command.add_argument("--pacing", action="store_true", help="include the day-by-day pacing")
    command.set_defaults(command=review_plan)


def review_plan(args: argparse.Namespace, _formats: Formats) -> dict[str, Any]:
    """Read the plan and the results, review, return the JSON to print."""
    from cli.main import read_plan
    from files.results_files import header_of, kind_of, read_results
    from planner.review.review import review

    plan = read_plan(args.plan)
    as_of = _as_of(args.as_of)
    thresholds = _thresholds(args.on_pace, args.behind)
    data = read_file_bytes(args.actuals)
    kind = kind_of(header_of(data)) if args.kind == "auto" else args.kind
    columns = _columns(args.column)
    results = read_results(
        data,
        kind=kind,
        stages=[stage.name for stage in plan.stages],
        order_columns={f"{role}_column": header for role, header in columns.items()}
        if kind == "orders"
        else None,
        mapping=columns if kind == "funnel" else None,
        day_first=args.day_first,
        timezone=args.timezone,
    )
    worked = review(
        plan, results.actuals, as_of, thresholds=thresholds, trials=args.trials, seed=args.seed
    )
    body = worked.model_dump(mode="json", exclude=set() if args.pacing else {"pacing"})
    forecast = body["forecast"]
    return {
        "plan": plan.name,
        "file": args.actuals.name,
        "kind": kind,
        "read": dict(results.summary),
        **{key: value for key, value in body.items() if key != "plan_name"},
        "forecast_revenue": {key: forecast[key] for key in ("p10", "p50", "p90", "mean")},
    }


def _as_of(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        got = repr(text)
        message = f"must be a date like 2027-01-31, got {got}"
        raise PlanInvalid([FieldProblem("as_of", message, "date_type", {"got": got})]) from None


def _thresholds(on_pace: float, behind: float) -> Any:
    from planner.review.pacing import make_thresholds

    return make_thresholds(on_pace=on_pace, behind=behind)


def _columns(given: list[str]) -> dict[str, str]:
    """``ROLE=HEADER`` pairs; a pair without ``=`` is refused naming it."""
    columns: dict[str, str] = {}
    for pair in given:
        role, sign, header = pair.partition("=")
        if not sign or not role.strip() or not header.strip():
            message = f"must be ROLE=HEADER, got {pair!r}"
            problem = FieldProblem("column", message, "column_pair", {"got": pair})
            raise PlanInvalid([problem])
        columns[role.strip()] = header.strip()
    return columns
