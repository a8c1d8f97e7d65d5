"""Field problems worded for the screen, where rates are percents, not fractions."""

from __future__ import annotations

from typing import Any

from planner.errors import FieldProblem
from planner.types import OUT_OF_RANGE, format_number


def _percent_rule(context: dict[str, Any]) -> str:
    wording = {"gt": "above", "ge": "at least", "le": "at most"}
    return " and ".join(
        f"{words} {format_number(context[bound] * 100)}%"
        for bound, words in wording.items()
        if context.get(bound) is not None
    )


def describe(problem: FieldProblem, label: str, *, percent: bool = False) -> str:
    """``Conversion rate into 'Checkout' must be above 0% and at most 100%, got 120%``."""
    context = dict(problem.context)
    if percent and problem.code == OUT_OF_RANGE and context.get("got") is not None:
        got = format_number(float(context["got"]) * 100)
        rule = str(context["rule"])
        if rule.startswith("at least"):
            floor = float(rule.removeprefix("at least "))
            return f"{label} must be at least {format_number(floor * 100)}%, got {got}%"
        return f"{label} must be {_percent_rule(context)}, got {got}%"
    return f"{label} {problem.message}"
