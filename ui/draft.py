"""The Plan page's raw inputs, as typed, and their translation to and from a ``Plan``.

The draft is a flat mapping from widget key to value: exactly what the widgets hold, invalid
values included, so nothing a user typed is lost when it fails validation. Rates are in
percent here (what the user sees) and become fractions only in ``plan_data``. This module is
pure (no streamlit) so the translation is unit-tested on its own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from planner.models import Plan
from planner.period import month_period, quarter_period, year_period

PREFIX = "plan."
STAGE_IDS = PREFIX + "stage_ids"
NEXT_STAGE_ID = PREFIX + "next_stage_id"
PERIOD_KINDS = ("month", "quarter", "year", "custom")
COST_KINDS = ("unit", "impressions")
DIRECTIONS = ("target", "traffic", "budget")

# Plain fields: plan-file path → widget key.
FIELD_KEYS = {
    "name": PREFIX + "name",
    "currency": PREFIX + "currency",
    "revenue_target": PREFIX + "revenue_target",
    "average_order_value": PREFIX + "average_order_value",
    "orders_per_customer": PREFIX + "orders_per_customer",
    "gross_margin": PREFIX + "gross_margin",
    "period.start": PREFIX + "start",
    "period.end": PREFIX + "end",
    "acquisition_cost.stage": PREFIX + "cost_stage",
    "acquisition_cost.cost_per_unit": PREFIX + "cost_per_unit",
    "acquisition_cost.cost_per_mille": PREFIX + "cost_per_mille",
    "acquisition_cost.click_through_rate": PREFIX + "click_through_rate",
    "returning_customers.active_customers": PREFIX + "active_customers",
    "returning_customers.repeat_purchase_rate": PREFIX + "repeat_purchase_rate",
    "returning_customers.orders_per_customer": PREFIX + "returning_orders_per_customer",
    "returning_customers.average_order_value": PREFIX + "returning_average_order_value",
}
# The forward direction's amount is not part of the plan file, but is checked like a field.
FORWARD_KEYS = {"traffic": PREFIX + "traffic", "budget": PREFIX + "budget"}
PERCENT_KEYS = {
    FIELD_KEYS["gross_margin"],
    FIELD_KEYS["acquisition_cost.click_through_rate"],
    FIELD_KEYS["returning_customers.repeat_purchase_rate"],
}
_STAGE_FIELD = re.compile(r"^stages\[(\d+)\]\.(name|conversion_rate)$")


def stage_key(stage_id: int, part: str) -> str:
    """Widget key of a stage's ``name`` or ``rate``, tied to the stage, not its position."""
    return f"{PREFIX}stage.{stage_id}.{part}"


def is_percent_key(key: str) -> bool:
    """True when the widget shows a rate in percent."""
    return key in PERCENT_KEYS or key.endswith(".rate")


def draft_from_plan(plan: Plan) -> dict[str, Any]:
    """Every widget value for ``plan``; stage widgets get ids 0..n-1."""
    returning = plan.returning_customers
    cost = plan.acquisition_cost
    stage_ids = list(range(len(plan.stages)))
    draft: dict[str, Any] = {
        FIELD_KEYS["name"]: plan.name,
        FIELD_KEYS["currency"]: plan.currency,
        FIELD_KEYS["revenue_target"]: plan.revenue_target,
        FIELD_KEYS["average_order_value"]: plan.average_order_value,
        FIELD_KEYS["orders_per_customer"]: plan.orders_per_customer,
        FIELD_KEYS["gross_margin"]: _percent(plan.gross_margin),
        STAGE_IDS: stage_ids,
        NEXT_STAGE_ID: len(stage_ids),
        PREFIX + "returning_on": returning is not None,
        PREFIX + "cost_on": cost is not None,
        PREFIX + "direction": "target",
        PREFIX + "traffic": None,
        PREFIX + "budget": None,
        **_period_draft(plan),
        **_cost_draft(plan, stage_ids),
        **_returning_draft(plan),
    }
    for stage_id, stage in zip(stage_ids, plan.stages, strict=True):
        draft[stage_key(stage_id, "name")] = stage.name
        draft[stage_key(stage_id, "rate")] = _percent(stage.conversion_rate)
    return draft


def _percent(fraction: float | None) -> float | None:
    return None if fraction is None else round(fraction * 100, 10)


def _fraction(percent: Any) -> Any:
    return percent / 100 if isinstance(percent, int | float) else percent


def _period_draft(plan: Plan) -> dict[str, Any]:
    start, end = plan.period.start, plan.period.end
    kind = "custom"
    if plan.period == year_period(start.year):
        kind = "year"
    elif plan.period == month_period(start.year, start.month):
        kind = "month"
    elif start.month % 3 == 1 and plan.period == quarter_period(start.year, start.month // 3 + 1):
        kind = "quarter"
    return {
        PREFIX + "period_kind": kind,
        PREFIX + "year": start.year,
        PREFIX + "month": start.month,
        PREFIX + "quarter": (start.month - 1) // 3 + 1,
        FIELD_KEYS["period.start"]: start,
        FIELD_KEYS["period.end"]: end,
    }


def _cost_draft(plan: Plan, stage_ids: list[int]) -> dict[str, Any]:
    cost = plan.acquisition_cost
    paid_index = plan.stage_index(cost.stage) if cost else 0
    return {
        FIELD_KEYS["acquisition_cost.stage"]: stage_ids[paid_index],
        PREFIX + "cost_kind": "impressions" if cost and cost.paid_per_impression else "unit",
        FIELD_KEYS["acquisition_cost.cost_per_unit"]: cost.cost_per_unit if cost else None,
        FIELD_KEYS["acquisition_cost.cost_per_mille"]: cost.cost_per_mille if cost else None,
        FIELD_KEYS["acquisition_cost.click_through_rate"]: _percent(
            cost.click_through_rate if cost else None
        ),
    }


def _returning_draft(plan: Plan) -> dict[str, Any]:
    returning = plan.returning_customers
    return {
        FIELD_KEYS["returning_customers.active_customers"]: (
            returning.active_customers if returning else 0
        ),
        FIELD_KEYS["returning_customers.repeat_purchase_rate"]: _percent(
            returning.repeat_purchase_rate if returning else 0.0
        ),
        FIELD_KEYS["returning_customers.orders_per_customer"]: (
            returning.orders_per_customer if returning else 1.0
        ),
        FIELD_KEYS["returning_customers.average_order_value"]: (
            returning.average_order_value if returning else None
        ),
    }


def plan_data(draft: Mapping[str, Any]) -> dict[str, Any]:
    """The plan-file dict for the draft (fractions, stage names), ready for ``parse_plan``."""
    data: dict[str, Any] = {
        key: draft.get(FIELD_KEYS[key])
        for key in ("name", "currency", "revenue_target", "average_order_value")
    }
    data["orders_per_customer"] = draft.get(FIELD_KEYS["orders_per_customer"])
    data["period"] = _period_data(draft)
    data["stages"] = _stages_data(draft)
    if draft.get(FIELD_KEYS["gross_margin"]) is not None:
        data["gross_margin"] = _fraction(draft[FIELD_KEYS["gross_margin"]])
    if draft.get(PREFIX + "cost_on"):
        data["acquisition_cost"] = _cost_data(draft)
    if draft.get(PREFIX + "returning_on"):
        data["returning_customers"] = _returning_data(draft)
    return _without_none(data, keep={"revenue_target", "average_order_value"})


def _without_none(data: dict[str, Any], keep: set[str]) -> dict[str, Any]:
    """Drop empty optional fields so the model's defaults apply; keep required ones as-is."""
    return {key: value for key, value in data.items() if value is not None or key in keep}


def _period_data(draft: Mapping[str, Any]) -> dict[str, Any]:
    kind = draft.get(PREFIX + "period_kind")
    year = draft.get(PREFIX + "year")
    if kind in {"month", "quarter", "year"} and isinstance(year, int) and 1900 < year < 2200:
        number = int(draft.get(PREFIX + ("quarter" if kind == "quarter" else "month")) or 1)
        builder = {"month": month_period, "quarter": quarter_period}.get(kind)
        period = builder(year, number) if builder else year_period(year)
        return {"start": period.start, "end": period.end}
    return {
        "start": draft.get(FIELD_KEYS["period.start"]),
        "end": draft.get(FIELD_KEYS["period.end"]),
    }


def _stages_data(draft: Mapping[str, Any]) -> list[dict[str, Any]]:
    stages = []
    for position, stage_id in enumerate(draft.get(STAGE_IDS, [])):
        stage: dict[str, Any] = {"name": draft.get(stage_key(stage_id, "name")) or ""}
        if position > 0:
            stage["conversion_rate"] = _fraction(draft.get(stage_key(stage_id, "rate")))
        stages.append(stage)
    return stages


def stage_names(draft: Mapping[str, Any]) -> dict[int, str]:
    """Stage id → its current name (or 'Stage N' while the name is empty)."""
    return {
        stage_id: (draft.get(stage_key(stage_id, "name")) or "").strip() or f"Stage {position + 1}"
        for position, stage_id in enumerate(draft.get(STAGE_IDS, []))
    }


def _cost_data(draft: Mapping[str, Any]) -> dict[str, Any]:
    paid_id: int = draft.get(FIELD_KEYS["acquisition_cost.stage"], -1)
    stage = stage_names(draft).get(paid_id, "")
    if draft.get(PREFIX + "cost_kind") == "impressions":
        return {
            "stage": stage,
            "cost_per_mille": draft.get(FIELD_KEYS["acquisition_cost.cost_per_mille"]),
            "click_through_rate": _fraction(
                draft.get(FIELD_KEYS["acquisition_cost.click_through_rate"])
            ),
        }
    return {
        "stage": stage,
        "cost_per_unit": draft.get(FIELD_KEYS["acquisition_cost.cost_per_unit"]),
    }


def _returning_data(draft: Mapping[str, Any]) -> dict[str, Any]:
    data = {
        field.split(".", 1)[1]: draft.get(key)
        for field, key in FIELD_KEYS.items()
        if field.startswith("returning_customers.")
    }
    data["repeat_purchase_rate"] = _fraction(data["repeat_purchase_rate"])
    return {key: value for key, value in data.items() if value is not None}


def widget_key_for(field: str, draft: Mapping[str, Any]) -> str | None:
    """The widget that edits a plan-file field, e.g. ``stages[2].conversion_rate``."""
    if field in FIELD_KEYS or field in FORWARD_KEYS:
        return FIELD_KEYS.get(field) or FORWARD_KEYS[field]
    match = _STAGE_FIELD.match(field)
    stage_ids = draft.get(STAGE_IDS, [])
    if match and int(match.group(1)) < len(stage_ids):
        part = "name" if match.group(2) == "name" else "rate"
        return stage_key(stage_ids[int(match.group(1))], part)
    return None
