"""``python -m planner``: the plan model from the command line, as JSON in and JSON out.

Exit status: 0 on success; 2 when the input is invalid, the request can't be answered or the
output can't be written (one line per problem on stderr, naming the field); 1 for anything
unexpected, also as one line. Never a traceback, and nothing a plan file holds reaches the
terminal unescaped.

Problems, warnings and hints are worded by ``i18n.domain``: in English, as the planner has
always said them, or in Arabic with ``--lang ar`` (argparse's own usage and help stay English).

``plans`` (``cli.plans``) stores plan files in the plan store and reads them back;
``simulate`` (``cli.simulate``) gives the odds that a plan reaches its target; ``scenarios``
(``cli.scenarios``) works out its what-ifs; ``ab`` (``cli.ab``) sizes and reads A/B tests.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, NoReturn, TextIO

from cli.ab import add_ab_command
from cli.actuals import add_actuals_command
from cli.plans import Rendered, add_plans_command, store_error_line
from cli.review import add_review_command
from cli.scenarios import add_scenarios_command
from cli.simulate import add_simulate_command
from i18n.catalogue import translate
from i18n.domain import (
    CLI_CANT_WRITE,
    CLI_INTERRUPTED,
    CLI_MORE_PROBLEMS,
    CLI_OUTPUT_CLOSED,
    CLI_UNEXPECTED,
    infeasible_text,
    problem_line,
    warning_message,
    warning_source,
)
from i18n.formats import Formats
from i18n.languages import DEFAULT_LANGUAGE, LANGUAGES, Language, parse_language
from planner.benchmarks import check_benchmarks
from planner.errors import FILE, PLAN, FieldProblem, PlanInvalid, PlannerError, parse_plan_json
from planner.funnel import plan_backwards, project_forwards
from planner.models import Plan
from planner.results import Driver
from planner.types import printable
from storage.records import StoreError

EXIT_OK = 0
EXIT_UNEXPECTED = 1
EXIT_INVALID = 2
EXIT_INTERRUPTED = 130
MAX_PLAN_FILE_BYTES = 1_000_000
MAX_PROBLEM_LINES = 50  # a file of 100,000 unknown keys is one mistake, not 100,000 lines
OUTPUT = "(output)"
LANGUAGE_OPTION = "--lang"


class OutputFailed(Exception):
    """Standard output is closed or can't take the result (a full disk, ``> /dev/full``).

    ``wording`` is the message's English source, ``reason`` what the system said.
    """

    def __init__(self, wording: str, reason: str = "") -> None:
        super().__init__(wording.format(reason=reason))
        self.wording = wording
        self.reason = reason

    def worded(self, formats: Formats) -> str:
        """The failure in the reader's language."""
        return translate(formats.language, self.wording, reason=self.reason)


def language_of(argv: list[str]) -> Language:
    """The ``--lang`` an argument list asks for (the last one), English when none or unknown.

    Read before argparse, so that even a failure while parsing is worded in that language.
    """
    chosen: Language = DEFAULT_LANGUAGE
    for index, argument in enumerate(argv):
        value = None
        if argument == LANGUAGE_OPTION and index + 1 < len(argv):
            value = argv[index + 1]
        elif argument.startswith(LANGUAGE_OPTION + "="):
            value = argument.split("=", 1)[1]
        if value is not None and value.lower() in LANGUAGES:
            chosen = parse_language(value) or DEFAULT_LANGUAGE
    return chosen


def main(
    argv: list[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run one CLI command and return its exit status; never raises but ``SystemExit``."""
    out = sys.stdout if stdout is None else stdout
    err = sys.stderr if stderr is None else stderr
    formats = Formats(language_of(sys.argv[1:] if argv is None else argv))
    try:
        return _run(argv, out, err, formats)
    except KeyboardInterrupt:
        _say(err, translate(formats.language, CLI_INTERRUPTED))
        return EXIT_INTERRUPTED
    except Exception as error:  # the promise: one line, whatever went wrong
        detail = str(error)
        detail = detail if len(detail) <= 200 else detail[:199] + "…"
        what = f"{type(error).__name__}: {detail}"
        _say(err, translate(formats.language, CLI_UNEXPECTED, error=what))
        return EXIT_UNEXPECTED


def run() -> NoReturn:
    """``python -m planner``: ``main``, then an exit whose final flush can't fail loudly.

    argparse's ``--help`` ignores a failed write, and Python flushes stdout once more at
    exit; either would end in "Exception ignored ..." on a full disk.
    """
    try:
        status = main()
    except SystemExit as exiting:
        code = exiting.code
        status = EXIT_OK if code is None else code if isinstance(code, int) else EXIT_INVALID
    if sys.stdout is not None:
        try:
            sys.stdout.flush()
        except OSError as error:
            _discard(sys.stdout)
            failed = OutputFailed(CLI_CANT_WRITE, _reason(error))
            _say(sys.stderr, f"{OUTPUT}: {failed.worded(Formats(language_of(sys.argv[1:])))}")
            status = status or EXIT_INVALID
    sys.exit(status)


def _run(
    argv: list[str] | None, stdout: TextIO | None, stderr: TextIO | None, formats: Formats
) -> int:
    try:
        args = _parser().parse_args(argv)
        output = args.command(args, formats)
        text = output.text if isinstance(output, Rendered) else _to_json(output)
        _write(stdout, text)
    except PlanInvalid as invalid:
        _report(stderr, invalid.problems, formats)
        return EXIT_INVALID
    except StoreError as error:
        _say(stderr, store_error_line(error, formats))
        return EXIT_INVALID
    except PlannerError as error:
        _say(stderr, infeasible_text(error, formats))
        return EXIT_INVALID
    except BrokenPipeError:  # piped into `head`: the reader has all it wanted
        _discard(stdout)
    except OutputFailed as failed:
        _discard(stdout)
        _say(stderr, f"{OUTPUT}: {failed.worded(formats)}")
        return EXIT_INVALID
    return EXIT_OK


def _to_json(output: Any) -> str:
    try:
        return json.dumps(output, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    except ValueError:  # a result that is not a finite number: never print NaN or Infinity
        problem = FieldProblem(
            "(result)",
            "is too large to be a finite number; make the plan's numbers smaller",
            "result_not_finite",
        )
        raise PlanInvalid([problem]) from None


def _write(stdout: TextIO | None, text: str) -> None:
    if stdout is None:
        raise OutputFailed(CLI_OUTPUT_CLOSED)
    try:
        stdout.write(text)
        stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as error:
        raise OutputFailed(CLI_CANT_WRITE, str(error.strerror or error)) from None


def _discard(stream: TextIO | None) -> None:
    """Point a failed stream at the null device, so the interpreter's final flush succeeds.

    Otherwise Python retries the write at exit and prints "Exception ignored ...".
    """
    try:
        descriptor = stream.fileno() if stream is not None else -1
    except (OSError, ValueError):  # an in-memory stream: nothing is flushed at exit
        return
    if descriptor < 0:
        return
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, descriptor)
    os.close(null)


def _say(stderr: TextIO | None, line: str) -> None:
    """One line on stderr, control characters escaped; silent if stderr itself is gone."""
    if stderr is None:
        return
    try:
        print(printable(line), file=stderr, flush=True)
    except (OSError, ValueError):
        _discard(stderr)


def _report(stderr: TextIO | None, problems: list[FieldProblem], formats: Formats) -> None:
    for problem in problems[:MAX_PROBLEM_LINES]:
        _say(stderr, problem_line(problem, formats))
    if len(problems) > MAX_PROBLEM_LINES:
        hidden = formats.count(len(problems) - MAX_PROBLEM_LINES)
        _say(stderr, f"{PLAN}: {translate(formats.language, CLI_MORE_PROBLEMS, count=hidden)}")


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (argparse prints the usage, then the error)."""

    def error(self, message: str) -> NoReturn:
        _say(sys.stderr, f"{self.prog}: {message} (see {self.prog} --help)")
        raise SystemExit(EXIT_INVALID)

    def _print_message(self, message: str, file: Any = None) -> None:
        """``--help``: argparse would drop a failed write silently and exit 0."""
        if message:
            _write(file or sys.stderr, message)


def _parser() -> argparse.ArgumentParser:
    # Accepted before the command and after it: `--lang ar plan f.json`, `plan f.json --lang ar`.
    language = _Parser(add_help=False)
    language.add_argument(
        LANGUAGE_OPTION,
        choices=list(LANGUAGES),
        type=str.lower,
        default=argparse.SUPPRESS,
        help="language of problems and warnings: en (the default) or ar",
    )
    parser = _Parser(
        prog="python -m planner",
        description="Plan revenue goals backwards through a funnel.",
        parents=[language],
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    plan = commands.add_parser(
        "plan", help="work a plan file backwards from its revenue target", parents=[language]
    )
    plan.add_argument("file", help="plan file (JSON), or - for standard input")
    plan.set_defaults(command=_plan_command)
    project = commands.add_parser(
        "project", help="work a plan's funnel forwards", parents=[language]
    )
    project.add_argument("file", help="plan file (JSON), or - for standard input")
    source = project.add_mutually_exclusive_group(required=True)
    source.add_argument("--traffic", type=float, help="units entering the first stage")
    source.add_argument("--budget", type=float, help="marketing budget in the plan's currency")
    project.set_defaults(command=_project_command)
    schema = commands.add_parser(
        "schema", help="print the plan file's JSON schema", parents=[language]
    )
    schema.set_defaults(command=lambda _args, _formats: Plan.model_json_schema())
    add_plans_command(commands, [language])
    add_simulate_command(commands, [language])
    add_scenarios_command(commands, [language])
    add_ab_command(commands, [language])
    add_actuals_command(commands, [language])
    add_review_command(commands, [language])
    return parser


def _plan_command(args: argparse.Namespace, formats: Formats) -> dict[str, Any]:
    plan = read_plan(args.file)
    return {
        "plan": plan.name,
        **plan_backwards(plan).model_dump(mode="json"),
        "warnings": _warnings(plan, formats),
    }


def _project_command(args: argparse.Namespace, formats: Formats) -> dict[str, Any]:
    plan = read_plan(args.file)
    driver: Driver = "traffic" if args.traffic is not None else "budget"
    amount = args.traffic if driver == "traffic" else args.budget
    return {
        "plan": plan.name,
        **project_forwards(plan, driver, amount).model_dump(mode="json"),
        "warnings": _warnings(plan, formats),
    }


def _warnings(plan: Plan, formats: Formats) -> list[dict[str, Any]]:
    """Inputs outside published ranges, as on the Plan page, worded in the reader's language."""
    return [
        {
            "key": warning.key,
            "field": warning.field,
            "severity": warning.severity,
            "message": warning_message(warning, formats),
            "source": warning_source(warning, formats),
            "rate": warning.rate,
        }
        for warning in check_benchmarks(plan)
    ]


def read_plan(file: str) -> Plan:
    """Read and validate a plan file; every failure becomes ``PlanInvalid``."""
    raw = _read_stdin() if file == "-" else _read_file(file)
    if len(raw) > MAX_PLAN_FILE_BYTES:
        message = f"is larger than {MAX_PLAN_FILE_BYTES:,} bytes; a plan file is a few KB"
        context = {"limit": MAX_PLAN_FILE_BYTES}
        raise PlanInvalid([FieldProblem(FILE, message, "too_large", context)])
    return parse_plan_json(raw)


def _unreadable(reason: str) -> PlanInvalid:
    return PlanInvalid([FieldProblem(FILE, f"can't be read: {reason}", "io", {"reason": reason})])


def _read_stdin() -> bytes:
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # `<&-`, or a service started without standard input
        message = "can't be read: standard input is closed; give a file name, or pipe the plan in"
        raise PlanInvalid([FieldProblem(FILE, message, "stdin_closed")])
    try:
        data: bytes = stream.read(MAX_PLAN_FILE_BYTES + 1)
    except (OSError, ValueError) as error:
        raise _unreadable(_reason(error)) from None
    return data


def _read_file(file: str) -> bytes:
    try:
        with Path(file).open("rb") as handle:
            return handle.read(MAX_PLAN_FILE_BYTES + 1)
    except (OSError, ValueError) as error:  # ValueError: a NUL byte in the name
        raise _unreadable(_reason(error)) from None


def _reason(error: Exception) -> str:
    strerror = getattr(error, "strerror", None)
    return str(strerror or error or type(error).__name__)
