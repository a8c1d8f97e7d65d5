"""``python -m planner ab size`` and ``ab analyze``: plan an A/B test, and read one.

``ab size --baseline 0.05 --mde 0.10 --relative`` (or ``--absolute``; ``--alpha`` 0.05,
``--power`` 0.8, ``--variants`` 1, ``--split`` shares per arm, control first, default equal)
prints the sample of the two-sided z-test for two proportions without continuity correction
(Fleiss: variance pooled under H0, unpooled under H1), ``per_arm`` (control first),
``per_variant`` (the largest variant arm) and ``total``; with several variants each is compared
with control at α ÷ variants (Bonferroni, the worst case of the Holm procedure the analysis
uses). ``--daily-visitors N`` adds ``days``, the whole days the test needs at that traffic;
``--sequential`` adds the larger sample an always-valid (mSPRT) test needs per arm, for teams
that look at the results before the end.

``ab analyze --control VISITORS,CONVERSIONS --variant VISITORS,CONVERSIONS [--variant ...]``
(or ``--csv FILE``, one row per visitor; ``--split``, ``--confidence`` 0.95,
``--planned-effect`` the relative lift the test was sized for) prints ``srm_p_value`` (the
chi-square test of the arms' visitors against the planned split; below 0.001 the result should
not be trusted), the control, and ``variants``, each with ``p_value`` (pooled two-proportion
z-test, the same as the chi-square test without continuity correction), ``holm_p_value``,
``relative_lift`` with ``lift_ci`` ([low, high], delta method), ``chance_to_beat_control`` and
``expected_loss`` (Beta(1, 1) priors), and a ``verdict``. A number that can't be known (an
empty arm, no conversions anywhere) is null with a ``status`` saying why, never NaN.

Problems are reported as the other commands report them: one line per field on stderr
(``control.conversions: must be at most visitors (10,000), got 12,000``), exit status 2.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path
from typing import Any

from i18n.formats import Formats
from planner.errors import FILE, FieldProblem, PlanInvalid

MAX_CSV_BYTES = 200 * 1024 * 1024


def add_ab_command(
    commands: argparse._SubParsersAction[Any], parents: list[argparse.ArgumentParser]
) -> None:
    """Register ``ab size`` and ``ab analyze`` under the CLI's commands."""
    command = commands.add_parser("ab", help="plan an A/B test, or read one", parents=parents)
    actions = command.add_subparsers(required=True, metavar="ACTION")
    _add_size(actions, parents)
    _add_analyze(actions, parents)


def _add_size(
    actions: argparse._SubParsersAction[Any], parents: list[argparse.ArgumentParser]
) -> None:
    size = actions.add_parser(
        "size", help="visitors a test needs per arm, and days at a traffic", parents=parents
    )
    size.add_argument("--baseline", type=float, required=True, help="control's rate (0.05 = 5%%)")
    size.add_argument("--mde", type=float, required=True, help="minimum detectable effect")
    kind = size.add_mutually_exclusive_group()
    kind.add_argument(
        "--relative",
        dest="relative",
        action="store_true",
        default=True,
        help="the effect is a share of the baseline (the default): 0.10 = 5%% → 5.5%%",
    )
    kind.add_argument(
        "--absolute",
        dest="relative",
        action="store_false",
        help="the effect is in rate points: 0.005 = 5%% → 5.5%%",
    )
    size.add_argument("--alpha", type=float, default=0.05, help="significance level (0.05)")
    size.add_argument("--power", type=float, default=0.8, help="power (0.8)")
    size.add_argument("--variants", type=int, default=1, help="arms besides control (1)")
    size.add_argument("--split", type=_shares, help="traffic shares, control first: 0.5,0.5")
    size.add_argument("--daily-visitors", type=float, help="visitors a day reaching the step")
    size.add_argument(
        "--sequential", action="store_true", help="also the sample of an always-valid test"
    )
    size.set_defaults(command=size_test)


def _add_analyze(
    actions: argparse._SubParsersAction[Any], parents: list[argparse.ArgumentParser]
) -> None:
    analyze = actions.add_parser(
        "analyze", help="each variant against control: lift, p-value, chances", parents=parents
    )
    analyze.add_argument("--control", type=_counts, help="VISITORS,CONVERSIONS of control")
    analyze.add_argument(
        "--variant", type=_counts, action="append", default=[], help="VISITORS,CONVERSIONS"
    )
    analyze.add_argument("--csv", type=Path, help="per-visitor CSV (arm, converted, revenue)")
    analyze.add_argument("--split", type=_shares, help="planned traffic shares, control first")
    analyze.add_argument("--confidence", type=float, default=0.95, help="confidence (0.95)")
    analyze.add_argument(
        "--planned-effect", type=float, help="relative lift the test was sized to detect"
    )
    analyze.set_defaults(command=analyze_test)


def _shares(text: str) -> tuple[float, ...]:
    try:
        return tuple(float(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {text!r}") from None


def _counts(text: str) -> tuple[str, str]:
    parts = text.split(",")
    if len(parts) != 2:
        raise argparse.ArgumentTypeError(f"give VISITORS,CONVERSIONS, got {text!r}")
    return parts[0].strip(), parts[1].strip()


def size_test(args: argparse.Namespace, _formats: Formats) -> dict[str, Any]:
    """The sample (and days, and the sequential sample) the test needs."""
    from planner.abtests.sequential import sequential_sample_size
    from planner.abtests.sizing import days_needed, sample_size

    size = sample_size(
        args.baseline,
        args.mde,
        relative=args.relative,
        alpha=args.alpha,
        power=args.power,
        variants=args.variants,
        split=args.split,
    )
    output: dict[str, Any] = size.model_dump(mode="json")
    if args.daily_visitors is not None:
        output["days"] = days_needed(size, args.daily_visitors)
    if args.sequential:
        per_arm = sequential_sample_size(
            args.baseline, args.mde, relative=args.relative, alpha=args.alpha, power=args.power
        )
        arms = args.variants + 1
        output["sequential"] = {"per_arm": per_arm, "total": per_arm * arms}
    return output


def analyze_test(args: argparse.Namespace, _formats: Formats) -> dict[str, Any]:
    """Every variant against control, from counts or from a per-visitor CSV."""
    from planner.abtests.analysis import analyze

    control, variants, revenue = _arms(args)
    result = analyze(
        control,
        variants,
        confidence=args.confidence,
        split=args.split,
        planned_effect=args.planned_effect,
    )
    output: dict[str, Any] = result.model_dump(mode="json")
    if revenue:
        output["revenue_per_visitor"] = revenue
    return output


def _arms(args: argparse.Namespace) -> tuple[Any, list[Any], list[dict[str, Any]]]:
    """Control, the variants and (from a CSV with revenue) each variant's Welch test."""
    if args.csv is not None:
        if args.control is not None or args.variant:
            problem = FieldProblem(
                "csv", "give either --csv or --control with --variant, not both", "csv_or_counts"
            )
            raise PlanInvalid([problem])
        return _arms_from_csv(args.csv)
    if args.control is None or not args.variant:
        problem = FieldProblem(
            "control", "required, with at least one --variant (or --csv)", "required_arms"
        )
        raise PlanInvalid([problem])
    named = [("control", "A", args.control)]
    named += [
        (f"variants[{index}]", chr(ord("B") + index), counts)
        for index, counts in enumerate(args.variant)
    ]
    arms, problems = [], []
    for field, name, counts in named:  # every bad arm is named, not only the first
        try:
            arms.append(_arm(field, name, counts))
        except PlanInvalid as invalid:
            problems += invalid.problems
    if problems:
        raise PlanInvalid(problems)
    return arms[0], arms[1:], []


def _arm(field: str, name: str, counts: tuple[str, str]) -> Any:
    """An ``Arm`` from the command line's text, its problems named ``control.visitors``."""
    from pydantic import ValidationError

    from planner.abtests.arms import Arm
    from planner.errors import problems_from

    data = {"name": name, "visitors": _number(counts[0]), "conversions": _number(counts[1])}
    try:
        return Arm.model_validate(data)
    except ValidationError as invalid:
        problems = problems_from(invalid, Arm)
        raise PlanInvalid([replace(p, field=f"{field}.{p.field}") for p in problems]) from None


def _number(text: str) -> Any:
    """A count as typed: a whole number, a float (refused by the model as not whole) or text."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return text


def _arms_from_csv(path: Path) -> tuple[Any, list[Any], list[dict[str, Any]]]:
    from files.visitors import read_visitor_csv
    from planner.abtests.revenue import welch

    try:
        with path.open("rb") as file:
            data = file.read(MAX_CSV_BYTES + 1)
    except (OSError, ValueError) as error:  # ValueError: a NUL byte in the name
        reason = str(getattr(error, "strerror", None) or error or type(error).__name__)
        problem = FieldProblem(FILE, f"can't be read: {reason}", "io", {"reason": reason})
        raise PlanInvalid([problem]) from None
    visitors = read_visitor_csv(data)
    control, *variants = visitors.arms
    revenue = []
    if visitors.revenue is not None:
        base, *others = visitors.revenue
        for arm, stats in zip(variants, others, strict=True):
            comparison = welch(base, stats)
            revenue.append({"variant": arm.name, **comparison.model_dump(mode="json")})
    return control, variants, revenue
