"""Constrained value types shared by the plan models.

Rates are fractions inside the planner (0.45, not 45%); percent exists only on screen.
Every bound is checked by one validator so that a bad value always gets the same kind of
message, naming the rule and the value: ``must be > 0 and ≤ 1, got 1.2``.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

OUT_OF_RANGE = "out_of_range"


def format_number(value: float) -> str:
    """Show a number the way a person typed it: 1.2, 120000, 1e-09."""
    return f"{value:.10g}"


def _rule_text(gt: float | None, ge: float | None, le: float | None) -> str:
    parts = []
    if gt is not None:
        parts.append(f"> {format_number(gt)}")
    if ge is not None:
        parts.append(f"≥ {format_number(ge)}")
    if le is not None:
        parts.append(f"≤ {format_number(le)}")
    return " and ".join(parts)


def _range_check(
    *,
    gt: float | None = None,
    ge: float | None = None,
    le: float | None = None,
    practical_min: float | None = None,
) -> AfterValidator:
    """Build a validator for a closed/open range, plus a practical floor.

    The floor keeps the arithmetic finite (a 1e-300 rate would need infinite traffic) and is
    reported separately, because "must be > 0" would be a confusing answer to 1e-300.
    """
    rule = _rule_text(gt, ge, le)

    def check(value: Any) -> Any:
        too_low = (gt is not None and not value > gt) or (ge is not None and not value >= ge)
        too_high = le is not None and not value <= le
        context = {"rule": rule, "got": format_number(value), "gt": gt, "ge": ge, "le": le}
        if too_low or too_high:
            raise PydanticCustomError(OUT_OF_RANGE, "must be {rule}, got {got}", context)
        if practical_min is not None and value < practical_min:
            context["rule"] = f"at least {format_number(practical_min)}"
            raise PydanticCustomError(OUT_OF_RANGE, "must be {rule}, got {got}", context)
        return value

    return AfterValidator(check)


def _schema(**bounds: float) -> dict[str, float]:
    names = {"gt": "exclusiveMinimum", "ge": "minimum", "le": "maximum"}
    return {names[key]: value for key, value in bounds.items()}


MAX_MONEY = 1e12

Rate = Annotated[
    float,
    _range_check(gt=0, le=1, practical_min=1e-6),
    Field(json_schema_extra=_schema(gt=0, le=1)),
]
"""A conversion or click-through rate: a fraction above 0, at most 1."""

Share = Annotated[
    float,
    _range_check(ge=0, le=1),
    Field(json_schema_extra=_schema(ge=0, le=1)),
]
"""A share that may be zero: gross margin, repeat-purchase share."""

Money = Annotated[
    float,
    _range_check(gt=0, le=MAX_MONEY, practical_min=0.01),
    Field(json_schema_extra=_schema(gt=0, le=MAX_MONEY)),
]
"""A positive amount of money in the plan's currency."""

Cost = Annotated[
    float,
    _range_check(ge=0, le=MAX_MONEY),
    Field(json_schema_extra=_schema(ge=0, le=MAX_MONEY)),
]
"""A cost that may be zero (free traffic)."""

OrdersPerCustomer = Annotated[
    float,
    _range_check(ge=1, le=1000),
    Field(json_schema_extra=_schema(ge=1, le=1000)),
]
"""Orders one customer places within the period: at least their first."""

Count = Annotated[
    int,
    _range_check(ge=0, le=1e12),
    Field(json_schema_extra=_schema(ge=0, le=1e12)),
]
"""A whole, non-negative number of people."""
