"""Constrained value types shared by the plan models.

Rates are fractions inside the planner (0.45, not 45%); percent exists only on screen.
Every bound is checked by one validator so that a bad value always gets the same kind of
message, naming the rule and the value: ``must be > 0 and ≤ 1, got 1.2``.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

OUT_OF_RANGE = "out_of_range"


def format_number(value: float) -> str:
    """Show a number the way a person typed it: 1.2, 120000, 1e-09."""
    return f"{value:.10g}"


def format_bound(value: float) -> str:
    """Show a limit readably: 1e12 → 1,000,000,000,000; 0.01 → 0.01."""
    if value == int(value) and abs(value) >= 1000:
        return f"{int(value):,}"
    return format_number(value)


def _rule_text(gt: float | None, ge: float | None, le: float | None) -> str:
    parts = []
    if gt is not None:
        parts.append(f"> {format_bound(gt)}")
    if ge is not None:
        parts.append(f"≥ {format_bound(ge)}")
    if le is not None:
        parts.append(f"≤ {format_bound(le)}")
    return " and ".join(parts)


def _not_a_bool(value: Any) -> Any:
    """JSON ``true`` is not 1: pydantic's lax mode would read it as one."""
    if isinstance(value, bool):
        raise PydanticCustomError(
            "bool_not_number", "must be a number, got {got}", {"got": str(value).lower()}
        )
    return value


def _range_check(
    *,
    gt: float | None = None,
    ge: float | None = None,
    le: float | None = None,
    practical_min: float | None = None,
) -> tuple[BeforeValidator, AfterValidator]:
    """Build validators for a closed/open range, plus a practical floor.

    The floor keeps the arithmetic finite (a 1e-300 rate would need infinite traffic) and is
    reported separately, because "must be > 0" would be a confusing answer to 1e-300.
    """
    rule = _rule_text(gt, ge, le)

    def fail(value: float, rule_text: str) -> PydanticCustomError:
        context = {"rule": rule_text, "got": format_number(value), "gt": gt, "ge": ge, "le": le}
        return PydanticCustomError(OUT_OF_RANGE, "must be {rule}, got {got}", context)

    def check(value: Any) -> Any:
        too_low = (gt is not None and not value > gt) or (ge is not None and not value >= ge)
        if too_low or (le is not None and not value <= le):
            raise fail(value, rule)
        if practical_min is not None and value < practical_min:
            raise fail(value, f"at least {format_number(practical_min)}")
        return value

    return BeforeValidator(_not_a_bool), AfterValidator(check)


def _schema(**bounds: float) -> dict[str, float]:
    names = {"gt": "exclusiveMinimum", "ge": "minimum", "le": "maximum"}
    return {names[key]: value for key, value in bounds.items()}


MAX_MONEY = 1e12

Rate = Annotated[
    float,
    *_range_check(gt=0, le=1, practical_min=1e-6),
    Field(json_schema_extra=_schema(gt=0, le=1)),
]
"""A conversion or click-through rate: a fraction above 0, at most 1."""

Share = Annotated[
    float,
    *_range_check(ge=0, le=1),
    Field(json_schema_extra=_schema(ge=0, le=1)),
]
"""A share that may be zero: gross margin, repeat-purchase share."""

Money = Annotated[
    float,
    *_range_check(gt=0, le=MAX_MONEY, practical_min=0.01),
    Field(json_schema_extra=_schema(gt=0, le=MAX_MONEY)),
]
"""A positive amount of money in the plan's currency."""

Cost = Annotated[
    float,
    *_range_check(ge=0, le=MAX_MONEY),
    Field(json_schema_extra=_schema(ge=0, le=MAX_MONEY)),
]
"""A cost that may be zero (free traffic)."""

OrdersPerCustomer = Annotated[
    float,
    *_range_check(ge=1, le=1000),
    Field(json_schema_extra=_schema(ge=1, le=1000)),
]
"""Orders one customer places within the period: at least their first."""

Count = Annotated[
    int,
    *_range_check(ge=0, le=1e12),
    Field(json_schema_extra=_schema(ge=0, le=1e12)),
]
"""A whole, non-negative number of people."""
