"""``python -m planner scenarios PLAN.json``: a plan's what-if scenarios, levers and drop-offs.

Works out every scenario the plan file holds (``planner.scenarios.evaluate``), which inputs
matter most (``sensitivity``, each moved by ±``--change``, default 0.10) and the revenue each
stage's drop-off costs (``drop_off_losses``), and prints them as JSON::

    {"plan": name,
     "scenarios": [{"name", "overrides", "base", "scenario", "difference"}, ...],
     "sensitivity": {"change": 0.1, "levers": [{"target", "stage", "base_value", "up",
                                                 "down", "revenue_impact", "budget_impact"}]},
     "drop_offs": [{"stage", "units_lost", "continuing_share", "revenue_lost"}, ...]}

Each scenario keeps its ``overrides`` as the file gives them, filled in (``target``,
``stage``, null unless a stage's rate, ``mode``, ``value``). ``--traffic`` or ``--budget`` sets
the base amount the base plan and every scenario are projected forwards from (by default the
traffic and the budget the base plan requires); the levers always move the plan at the traffic
its target requires. Levers come ranked by impact, as ``sensitivity`` ranks them.

A scenario that can't be worked out does not stop the others: its entry holds ``name``,
``overrides`` and ``problems`` instead of figures, each problem ``{"field", "message"}`` where
``field`` is always a path in the plan file:

- a problem with one of the scenario's overrides names it in full:
  ``scenarios[1].overrides[0].stage`` (the domain names it ``overrides[0].stage``);
- a problem the overrides cause in the plan (``stages[3].conversion_rate``, ``revenue_target``
  or the ``traffic``/``budget`` projected from), or a budget the scenario's plan can't spend,
  can't be pinned on one override: ``field`` is the scenario, ``scenarios[1]``, and the
  message starts with what broke, as the CLI's own lines do:
  ``stages[3].conversion_rate: must be > 0 and ≤ 1, got 1.25``.

Messages are worded as the CLI's problems are (English, or Arabic with ``--lang ar``). A
problem with the command itself (an invalid plan, ``--change`` outside (0, 1), a bad
``--traffic`` or ``--budget``, a budget the base plan can't spend) is reported as the ``plan``
command reports it: one line per field on stderr, exit status 2.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from i18n.formats import Formats
from planner.scenarios.levers import DEFAULT_CHANGE

if TYPE_CHECKING:
    from planner.errors import FieldProblem
    from planner.models import Plan
    from planner.scenarios import Scenario

OVERRIDES = "overrides["


def add_scenarios_command(
    commands: argparse._SubParsersAction[Any], parents: list[argparse.ArgumentParser]
) -> None:
    """Register ``scenarios`` under the CLI's commands."""
    command = commands.add_parser(
        "scenarios",
        help="the plan's what-if scenarios, the inputs that matter most and drop-off losses",
        parents=parents,
    )
    command.add_argument("file", help="plan file (JSON), or - for standard input")
    command.add_argument(
        "--change",
        type=float,
        default=DEFAULT_CHANGE,
        metavar="C",
        help="share each lever moves up and down, above 0 and below 1 (default 0.10)",
    )
    source = command.add_mutually_exclusive_group()
    source.add_argument(
        "--traffic", type=float, metavar="T", help="units entering the first stage (base)"
    )
    source.add_argument(
        "--budget", type=float, metavar="B", help="marketing budget in the plan's currency (base)"
    )
    command.set_defaults(command=scenarios_report)


def scenarios_report(args: argparse.Namespace, formats: Formats) -> dict[str, Any]:
    """Read the plan file, work out its scenarios, levers and drop-offs; the JSON to print."""
    # cli.main imports this module to register the command: importing it back at the top
    # would be circular (the domain is imported here too, as cli.simulate does).
    from cli.main import read_plan
    from planner.errors import PlanInvalid
    from planner.scenarios import Scenario, drop_off_losses, evaluate, sensitivity

    plan = read_plan(args.file)
    amounts = {"base_traffic": args.traffic, "base_budget": args.budget}
    # The base and the settings first, every problem at once: a bad --traffic would otherwise
    # be reported once per scenario. A budget the base can't spend (PlannerError) stops here.
    problems: list[FieldProblem] = []
    try:
        evaluate(plan, Scenario(name="base"), **amounts)
    except PlanInvalid as invalid:
        problems += invalid.problems
    try:
        levers = sensitivity(plan, change=args.change)
    except PlanInvalid as invalid:
        problems += invalid.problems
    if problems:
        raise PlanInvalid(problems)
    return {
        "plan": plan.name,
        "scenarios": [
            _scenario(plan, index, scenario, amounts, formats)
            for index, scenario in enumerate(plan.scenarios)
        ],
        "sensitivity": {
            "change": args.change,
            "levers": [
                {
                    **lever.model_dump(mode="json"),
                    "revenue_impact": lever.revenue_impact,
                    "budget_impact": lever.budget_impact,
                }
                for lever in levers
            ],
        },
        "drop_offs": [drop.model_dump(mode="json") for drop in drop_off_losses(plan)],
    }


def _scenario(
    plan: Plan,
    index: int,
    scenario: Scenario,
    amounts: dict[str, float | None],
    formats: Formats,
) -> dict[str, Any]:
    """One scenario beside the base, or the problems that stop it being worked out."""
    from i18n.domain import infeasible_text
    from planner.errors import FieldProblem, PlanInvalid, PlannerError
    from planner.scenarios import evaluate

    where = f"scenarios[{index}]"
    entry: dict[str, Any] = {
        "name": scenario.name,
        "overrides": [override.model_dump(mode="json") for override in scenario.overrides],
    }
    try:
        outcome = evaluate(plan, scenario, **amounts).model_dump(mode="json")
    except PlanInvalid as invalid:
        return {**entry, "problems": [_problem(where, p, formats) for p in invalid.problems]}
    except PlannerError as error:
        return {**entry, "problems": [{"field": where, "message": infeasible_text(error, formats)}]}
    figures = {key: outcome[key] for key in ("base", "scenario", "difference")}
    if not _finite(figures):  # one scenario's overflow must not stop the whole report
        message = "is too large to be a finite number; make the plan's numbers smaller"
        problem = FieldProblem("(result)", message, "result_not_finite")
        return {**entry, "problems": [_problem(where, problem, formats)]}
    return {**entry, **figures}


def _problem(where: str, problem: FieldProblem, formats: Formats) -> dict[str, str]:
    """The domain's problem, named from the top of the plan file (see the module)."""
    from i18n.domain import problem_line, problem_message

    if problem.field.startswith(OVERRIDES):
        return {"field": f"{where}.{problem.field}", "message": problem_message(problem, formats)}
    return {"field": where, "message": problem_line(problem, formats)}


def _finite(figures: dict[str, Any]) -> bool:
    """True when every number in ``figures`` can be written as JSON (no NaN, no infinity)."""
    try:
        json.dumps(figures, allow_nan=False)
    except ValueError:
        return False
    return True
