"""``python -m planner``: the plan model from the command line, as JSON in and JSON out.

Exit status: 0 on success, 2 when the input is invalid or the request can't be answered
(one line per problem on stderr, naming the field), never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from planner.benchmarks import check_benchmarks
from planner.errors import FieldProblem, PlanInvalid, PlannerError, parse_plan_json
from planner.funnel import plan_backwards, project_forwards
from planner.models import Plan
from planner.results import Driver

EXIT_OK = 0
EXIT_INVALID = 2
MAX_PLAN_FILE_BYTES = 1_000_000


def main(
    argv: list[str] | None = None, stdout: TextIO = sys.stdout, stderr: TextIO = sys.stderr
) -> int:
    """Run one CLI command and return its exit status."""
    args = _parser().parse_args(argv)
    try:
        output = args.command(args)
    except PlanInvalid as invalid:
        for problem in invalid.problems:
            print(problem, file=stderr)
        return EXIT_INVALID
    except PlannerError as error:
        print(f"{error} {error.hint}", file=stderr)
        return EXIT_INVALID
    try:
        json.dump(output, stdout, indent=2, ensure_ascii=False)
        stdout.write("\n")
        stdout.flush()
    except BrokenPipeError:  # piped into `head`: the reader has all it wanted
        sys.stdout = None  # stop the interpreter's final flush
    return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m planner", description="Plan revenue goals backwards through a funnel."
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    plan = commands.add_parser("plan", help="work a plan file backwards from its revenue target")
    plan.add_argument("file", help="plan file (JSON), or - for standard input")
    plan.set_defaults(command=_plan_command)
    project = commands.add_parser("project", help="work a plan's funnel forwards")
    project.add_argument("file", help="plan file (JSON), or - for standard input")
    source = project.add_mutually_exclusive_group(required=True)
    source.add_argument("--traffic", type=float, help="units entering the first stage")
    source.add_argument("--budget", type=float, help="marketing budget in the plan's currency")
    project.set_defaults(command=_project_command)
    schema = commands.add_parser("schema", help="print the plan file's JSON schema")
    schema.set_defaults(command=lambda _args: Plan.model_json_schema())
    return parser


def _plan_command(args: argparse.Namespace) -> dict[str, Any]:
    plan = read_plan(args.file)
    return {
        "plan": plan.name,
        **plan_backwards(plan).model_dump(mode="json"),
        "warnings": _warnings(plan),
    }


def _project_command(args: argparse.Namespace) -> dict[str, Any]:
    plan = read_plan(args.file)
    driver: Driver = "traffic" if args.traffic is not None else "budget"
    amount = args.traffic if driver == "traffic" else args.budget
    return {
        "plan": plan.name,
        **project_forwards(plan, driver, amount).model_dump(mode="json"),
        "warnings": _warnings(plan),
    }


def _warnings(plan: Plan) -> list[dict[str, Any]]:
    """Inputs outside published ranges, as on the Plan page."""
    return [warning.model_dump(mode="json") for warning in check_benchmarks(plan)]


def read_plan(file: str) -> Plan:
    """Read and validate a plan file; every failure becomes ``PlanInvalid``."""
    try:
        raw = sys.stdin.buffer.read(MAX_PLAN_FILE_BYTES + 1) if file == "-" else _read_file(file)
    except OSError as error:
        raise PlanInvalid(
            [FieldProblem("(file)", f"can't be read: {error.strerror}", "io")]
        ) from None
    if len(raw) > MAX_PLAN_FILE_BYTES:
        message = f"is larger than {MAX_PLAN_FILE_BYTES:,} bytes; a plan file is a few KB"
        raise PlanInvalid([FieldProblem("(file)", message, "too_large")])
    return parse_plan_json(raw)


def _read_file(file: str) -> bytes:
    with Path(file).open("rb") as handle:
        return handle.read(MAX_PLAN_FILE_BYTES + 1)
