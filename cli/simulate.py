"""``python -m planner simulate PLAN.json``: the odds that a plan reaches its target.

Runs ``planner.scenarios.simulate`` (``--trials``, default 10,000; ``--seed``; ``--traffic`` or
``--budget`` instead of the planned traffic) and prints the result as JSON: the probability
of reaching the target and its standard error, the 10th, 50th and 90th percentiles and mean
of revenue, new customers and spend, and the traffic and budget that reach the target with
80% and 90% confidence.

The inputs the plan file's ``uncertainty`` lists are drawn afresh in every trial (from their
range, or from the counts observed); ``--no-uncertainty`` keeps them at the plan's values, so
only the funnel's own chance scatters the trials. Without ``--seed`` a seed is drawn and
printed, so the run can be repeated. Problems are reported as the ``plan`` command reports
them: one line per field on stderr, exit status 2.
"""

from __future__ import annotations

import argparse
from typing import Any

from i18n.formats import Formats


def add_simulate_command(
    commands: argparse._SubParsersAction[Any], parents: list[argparse.ArgumentParser]
) -> None:
    """Register ``simulate`` under the CLI's commands."""
    command = commands.add_parser(
        "simulate",
        help="the odds that a plan reaches its target (Monte Carlo)",
        parents=parents,
    )
    command.add_argument("file", help="plan file (JSON), or - for standard input")
    command.add_argument(
        "--trials", type=int, default=10_000, metavar="N", help="trials to run (default 10,000)"
    )
    command.add_argument(
        "--seed", type=int, metavar="S", help="repeat a run (default: a new seed, printed)"
    )
    source = command.add_mutually_exclusive_group()
    source.add_argument("--traffic", type=float, metavar="T", help="units entering the first stage")
    source.add_argument(
        "--budget", type=float, metavar="B", help="marketing budget in the plan's currency"
    )
    command.add_argument(
        "--no-uncertainty",
        action="store_true",
        help="keep the inputs the plan file's uncertainty lists at the plan's values",
    )
    command.set_defaults(command=simulate_plan)


def simulate_plan(args: argparse.Namespace, _formats: Formats) -> dict[str, Any]:
    """Read the plan file, simulate it, return the JSON to print."""
    # cli.main imports this module to register the command: importing it back at the top
    # would be circular. numpy and scipy load only when a simulation is asked for.
    from cli.main import read_plan
    from planner.scenarios import simulate

    plan = read_plan(args.file)
    result = simulate(
        plan,
        trials=args.trials,
        seed=args.seed,
        traffic=args.traffic,
        budget=args.budget,
        uncertainty=() if args.no_uncertainty else None,  # None: the plan's own
    )
    return {"plan": plan.name, **result.model_dump(mode="json")}
