"""The checks the A/B functions share: a value within a range, a whole number, a rule.

Each problem is coded as the plan's own (``out_of_range``, pydantic's ``int_type`` and
``float_type``, ``rule`` with the rule's name), so ``i18n.domain`` words them alike.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

from planner.errors import RULE, FieldProblem, PlanInvalid
from planner.types import OUT_OF_RANGE, format_bound, format_number

WHOLE_NUMBER = "int_type"  # pydantic's code, worded "must be a whole number, got …"


def range_problem(
    field: str,
    value: Any,
    *,
    gt: float | None = None,
    ge: float | None = None,
    lt: float | None = None,
    le: float | None = None,
    minimum: float | None = None,
) -> FieldProblem | None:
    """``must be > 0 and < 1, got 1.2``, coded as every range problem is; none when in range."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        message = f"must be a number, got {value!r:.40}"
        return FieldProblem(field, message, "float_type", {"got": repr(value)[:40]})
    bounds = {"gt": gt, "ge": ge, "lt": lt, "le": le}
    rule = " and ".join(
        f"{sign} {format_bound(bound)}"
        for sign, bound in zip((">", "≥", "<", "≤"), bounds.values(), strict=True)
        if bound is not None
    )
    context = {"got": value, "rule": rule, **{k: v for k, v in bounds.items() if v is not None}}
    got = format_number(value)
    if not math.isfinite(value):
        return FieldProblem(field, f"must be a finite number, got {got}", OUT_OF_RANGE, context)
    low_ok = (gt is None or value > gt) and (ge is None or value >= ge)
    if not (low_ok and (lt is None or value < lt) and (le is None or value <= le)):
        return FieldProblem(field, f"must be {rule}, got {got}", OUT_OF_RANGE, context)
    if minimum is not None and value < minimum:
        message = f"must be at least {format_bound(minimum)}, got {got}"
        return FieldProblem(field, message, OUT_OF_RANGE, context | {"minimum": minimum})
    return None


def whole_problems(field: str, value: Any, *, low: int, high: int) -> list[FieldProblem]:
    """A whole number from ``low`` to ``high``, or the problem (worded as pydantic's int_type)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        shown = format_number(value) if isinstance(value, float) else repr(value)
        message = f"must be a whole number, got {shown}"
        return [FieldProblem(field, message, WHOLE_NUMBER, {"got": shown})]
    problem = range_problem(field, int(value), ge=low, le=high)
    return [] if problem is None else [problem]


def rule_problem(field: str, message: str, rule: str, params: dict[str, Any]) -> FieldProblem:
    """A broken cross-field rule, coded like the plan's own (``planner.errors.RULE``)."""
    return FieldProblem(field, message, RULE, {"rule": rule, **params})


def raise_if(problems: Sequence[FieldProblem | None]) -> None:
    """Raise ``PlanInvalid`` with every problem found (the Nones are checks that passed)."""
    found = [problem for problem in problems if problem is not None]
    if found:
        raise PlanInvalid(found)
