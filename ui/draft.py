"""The Plan page's raw inputs, as typed, and their translation to and from a ``Plan``.

The draft is a flat mapping from widget key to value: exactly what the widgets hold, invalid
values included, so nothing a user typed is lost when it fails validation. Rates are in
percent here (what the user sees) and become fractions only in ``plan_data``. A few entries
are bookkeeping that no widget draws (``META_KEYS``): the stage order, notes shown beside
fields, which forward amounts still follow the plan. This module is pure (no streamlit) so
the translation is unit-tested on its own.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from i18n.catalogue import N_
from planner.errors import FieldProblem
from planner.models import Plan
from planner.period import MAX_YEAR, MIN_YEAR, month_period, quarter_period, year_period
from planner.types import format_number
from ui.whatif_draft import WHATIF, whatif_data, whatif_from_plan

PREFIX = "plan."
PERIOD_KINDS = ("month", "quarter", "year", "custom")
COST_KINDS = ("unit", "impressions")
DIRECTIONS = ("target", "traffic", "budget")
DRIVERS = ("traffic", "budget")

# Bookkeeping kept with the draft but drawn by no widget.
STAGE_IDS = PREFIX + "stage_ids"
NEXT_STAGE_ID = PREFIX + "next_stage_id"
NOTES = PREFIX + "notes"  # widget key → {"value", "text", "from"}: a caption beside the field
FOLLOWS = PREFIX + "follows"  # driver → True while its amount follows the plan (not typed)
LAST_AMOUNTS = PREFIX + "last_amounts"  # driver → the last amount that could be projected
# The preset in use, if any, and what of it: {"key": "online_store", "scope": "all" | "stages"}.
APPLIED_PRESET = PREFIX + "applied_preset"
# The language the demo's and the presets' names are in (``ui.state`` renames them on a switch).
NAMES_LANGUAGE = PREFIX + "names_language"
META_KEYS = frozenset(
    {STAGE_IDS, NEXT_STAGE_ID, NOTES, FOLLOWS, LAST_AMOUNTS, APPLIED_PRESET, NAMES_LANGUAGE, WHATIF}
)

DIRECTION_KEY = PREFIX + "direction"
PERIOD_KIND_KEY = PREFIX + "period_kind"
YEAR_KEY = PREFIX + "year"
MONTH_KEY = PREFIX + "month"
QUARTER_KEY = PREFIX + "quarter"
COST_ON_KEY = PREFIX + "cost_on"
COST_KIND_KEY = PREFIX + "cost_kind"
RETURNING_ON_KEY = PREFIX + "returning_on"

# Plain fields: plan-file path → widget key.
FIELD_KEYS = {
    "name": PREFIX + "name",
    "description": PREFIX + "description",
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
PAID_STAGE_KEY = FIELD_KEYS["acquisition_cost.stage"]
PRICE_KEYS = {
    "unit": FIELD_KEYS["acquisition_cost.cost_per_unit"],
    "impressions": FIELD_KEYS["acquisition_cost.click_through_rate"],
}
# Inputs the page checks itself (not plan-file fields), addressed like fields.
FORWARD_KEYS = {"traffic": PREFIX + "traffic", "budget": PREFIX + "budget"}
PAGE_FIELD_KEYS = {**FORWARD_KEYS, "year": YEAR_KEY}
PERCENT_KEYS = {
    FIELD_KEYS["gross_margin"],
    FIELD_KEYS["acquisition_cost.click_through_rate"],
    FIELD_KEYS["returning_customers.repeat_purchase_rate"],
}
# Widgets with a fixed set of values: anything else in their state is stale and ignored.
CHOICES: dict[str, tuple[Any, ...]] = {
    DIRECTION_KEY: DIRECTIONS,
    PERIOD_KIND_KEY: PERIOD_KINDS,
    COST_KIND_KEY: COST_KINDS,
    MONTH_KEY: tuple(range(1, 13)),
    QUARTER_KEY: (1, 2, 3, 4),
}
_PRICE_FIELDS = {
    "acquisition_cost.cost_per_unit",
    "acquisition_cost.cost_per_mille",
    "acquisition_cost.click_through_rate",
}
_STAGE_FIELD = re.compile(r"^stages\[(\d+)\]\.(name|conversion_rate)$")


# --- Sentences worded when shown -------------------------------------------------------------


@dataclass(frozen=True)
class Money:
    """An amount in a sentence, formatted for the reader when the sentence is shown."""

    amount: float
    currency: str
    cents: bool = True


@dataclass(frozen=True)
class Percent:
    """A rate in a sentence (a fraction), formatted for the reader when it is shown."""

    fraction: float


@dataclass(frozen=True)
class Phrase:
    """A sentence kept for later: its English source (marked ``N_``) and its parameters.

    A note beside a field outlives the run that wrote it, and the reader may switch
    language in between, so it is worded when shown (``ui.format.say``), not when written.
    Parameters are names (shown as they are), whole numbers, ``Money``, ``Percent`` or
    another ``Phrase``.
    """

    source: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, source: str, **params: Any) -> Phrase:
        """``Phrase.of(N_("'{stage}' was removed"), stage="Checkout")``."""
        return cls(source, params)


def stage_key(stage_id: int, part: str) -> str:
    """Widget key of a stage's ``name`` or ``rate``, tied to the stage, not its position."""
    return f"{PREFIX}stage.{stage_id}.{part}"


def is_percent_key(key: str) -> bool:
    """True when the widget shows a rate in percent."""
    return key in PERCENT_KEYS or key.endswith(".rate")


def widget_keys(draft: Mapping[str, Any]) -> list[str]:
    """The draft's entries that a widget holds (everything but the bookkeeping)."""
    return [key for key in draft if key not in META_KEYS]


def accepts(key: str, value: Any, draft: Mapping[str, Any]) -> bool:
    """False for a value a choice widget can't hold now (a stale label after a rename)."""
    if key == PAID_STAGE_KEY:
        return value in draft.get(STAGE_IDS, [])
    options = CHOICES.get(key)
    return options is None or value in options


def draft_from_plan(plan: Plan, preset: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Every widget value for ``plan``; stage widgets get ids 0..n-1.

    ``preset`` says which preset the plan was built from (shown beside the preset picker).
    """
    returning = plan.returning_customers
    cost = plan.acquisition_cost
    stage_ids = list(range(len(plan.stages)))
    draft: dict[str, Any] = {
        FIELD_KEYS["name"]: plan.name,
        FIELD_KEYS["description"]: plan.description,
        FIELD_KEYS["currency"]: plan.currency,
        FIELD_KEYS["revenue_target"]: plan.revenue_target,
        FIELD_KEYS["average_order_value"]: plan.average_order_value,
        FIELD_KEYS["orders_per_customer"]: plan.orders_per_customer,
        FIELD_KEYS["gross_margin"]: _percent(plan.gross_margin),
        STAGE_IDS: stage_ids,
        NEXT_STAGE_ID: len(stage_ids),
        NOTES: {},
        FOLLOWS: dict.fromkeys(DRIVERS, True),
        LAST_AMOUNTS: {},
        APPLIED_PRESET: dict(preset) if preset else None,
        RETURNING_ON_KEY: returning is not None,
        COST_ON_KEY: cost is not None,
        DIRECTION_KEY: "target",
        **dict.fromkeys(FORWARD_KEYS.values()),
        **_period_draft(plan),
        **_cost_draft(plan, stage_ids),
        **_returning_draft(plan),
        WHATIF: whatif_from_plan(plan, stage_ids),
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
        PERIOD_KIND_KEY: kind,
        YEAR_KEY: start.year,
        MONTH_KEY: start.month,
        QUARTER_KEY: (start.month - 1) // 3 + 1,
        FIELD_KEYS["period.start"]: start,
        FIELD_KEYS["period.end"]: end,
    }


def _cost_draft(plan: Plan, stage_ids: list[int]) -> dict[str, Any]:
    cost = plan.acquisition_cost
    paid_index = plan.stage_index(cost.stage) if cost else 0
    return {
        PAID_STAGE_KEY: stage_ids[paid_index],
        COST_KIND_KEY: "impressions" if cost and cost.paid_per_impression else "unit",
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
    """The plan-file dict for the draft (fractions, stage names), ready for ``parse_plan``.

    An emptied field the page shows is sent as None, so the model names it as required
    instead of quietly taking the plan file's default (an empty "orders per new customer"
    is not 1).
    """
    data: dict[str, Any] = {
        key: draft.get(FIELD_KEYS[key])
        for key in (
            "name",
            "currency",
            "revenue_target",
            "average_order_value",
            "orders_per_customer",
        )
    }
    data["description"] = draft.get(FIELD_KEYS["description"]) or ""
    data["period"] = _period_data(draft)
    data["stages"] = _stages_data(draft)
    if draft.get(FIELD_KEYS["gross_margin"]) is not None:
        data["gross_margin"] = _fraction(draft[FIELD_KEYS["gross_margin"]])
    if draft.get(COST_ON_KEY):
        data["acquisition_cost"] = _cost_data(draft)
    if draft.get(RETURNING_ON_KEY):
        data["returning_customers"] = _returning_data(draft)
    whatif = whatif_data(draft.get(WHATIF), stage_names(draft))
    data["scenarios"], data["uncertainty"] = whatif.scenarios, whatif.uncertainty
    return data


def _year(draft: Mapping[str, Any]) -> int | None:
    """The Year field as a whole year the model accepts, or None."""
    year = draft.get(YEAR_KEY)
    if isinstance(year, bool) or not isinstance(year, int | float) or not math.isfinite(year):
        return None
    if year != int(year) or not MIN_YEAR <= year <= MAX_YEAR:
        return None
    return int(year)


def _period_data(draft: Mapping[str, Any]) -> dict[str, Any]:
    kind = draft.get(PERIOD_KIND_KEY)
    if kind == "custom":
        return {
            "start": draft.get(FIELD_KEYS["period.start"]),
            "end": draft.get(FIELD_KEYS["period.end"]),
        }
    year = _year(draft)
    if year is None:  # the Year field gets its own message (page_problems)
        return {"start": None, "end": None}
    if kind == "month":
        period = month_period(year, _choice(draft, MONTH_KEY))
    elif kind == "quarter":
        period = quarter_period(year, _choice(draft, QUARTER_KEY))
    else:
        period = year_period(year)
    return {"start": period.start, "end": period.end}


def _choice(draft: Mapping[str, Any], key: str) -> int:
    value: int = draft.get(key, 1)
    return value if value in CHOICES[key] else 1


def _stages_data(draft: Mapping[str, Any]) -> list[dict[str, Any]]:
    stages = []
    for position, stage_id in enumerate(draft.get(STAGE_IDS, [])):
        stage: dict[str, Any] = {"name": draft.get(stage_key(stage_id, "name")) or ""}
        if position > 0:
            stage["conversion_rate"] = _fraction(draft.get(stage_key(stage_id, "rate")))
        stages.append(stage)
    return stages


def _numbered(position: int) -> str:
    return f"Stage {position + 1}"


def stage_names(
    draft: Mapping[str, Any], unnamed: Callable[[int], str] = _numbered
) -> dict[int, str]:
    """Stage id → its current name (or ``unnamed(position)``, 'Stage N', while it is empty)."""
    return {
        stage_id: str(draft.get(stage_key(stage_id, "name")) or "").strip() or unnamed(position)
        for position, stage_id in enumerate(draft.get(STAGE_IDS, []))
    }


def paid_stage_name(draft: Mapping[str, Any]) -> str:
    """The name of the paid stage ('the paid stage' if it is gone)."""
    return stage_names(draft).get(draft.get(PAID_STAGE_KEY, -1), "the paid stage")


def _cost_data(draft: Mapping[str, Any]) -> dict[str, Any]:
    names = stage_names(draft)
    paid_id = draft.get(PAID_STAGE_KEY, -1)
    stage = names.get(paid_id) or next(iter(names.values()), "")
    if draft.get(COST_KIND_KEY) == "impressions":
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
    """Every returning-customer field; only their order value may be empty (the plan's AOV)."""
    data = {
        field.split(".", 1)[1]: draft.get(key)
        for field, key in FIELD_KEYS.items()
        if field.startswith("returning_customers.")
    }
    data["repeat_purchase_rate"] = _fraction(data["repeat_purchase_rate"])
    if data["average_order_value"] is None:
        del data["average_order_value"]
    return data


def page_problems(draft: Mapping[str, Any]) -> list[FieldProblem]:
    """Problems the plan model can't name field by field, in the page's terms.

    The Year is not a plan-file field (the period's dates are), and the model reports two
    empty per-impression fields as one missing unit cost.
    """
    return [*_year_problems(draft), *_price_problems(draft)]


def _year_problems(draft: Mapping[str, Any]) -> list[FieldProblem]:
    if draft.get(PERIOD_KIND_KEY) == "custom" or _year(draft) is not None:
        return []
    year = draft.get(YEAR_KEY)
    if year is None:
        return [FieldProblem("year", "required", "missing")]
    shown = _shown_year(year)
    message = f"must be a whole year from {MIN_YEAR} to {MAX_YEAR}, got {shown}"
    context = {"min_year": MIN_YEAR, "max_year": MAX_YEAR, "got": shown}
    return [FieldProblem("year", message, "whole_year", context)]


def _shown_year(year: Any) -> str:
    """A year as typed: 1800, not 1,800."""
    if isinstance(year, int | float) and math.isfinite(year) and abs(year) < 1e15:
        return f"{year:.10g}"
    return format_number(year) if isinstance(year, int | float) else str(year)


def _price_problems(draft: Mapping[str, Any]) -> list[FieldProblem]:
    if not draft.get(COST_ON_KEY):
        return []
    fields = (
        ["acquisition_cost.cost_per_mille", "acquisition_cost.click_through_rate"]
        if draft.get(COST_KIND_KEY) == "impressions"
        else ["acquisition_cost.cost_per_unit"]
    )
    return [
        FieldProblem(field, "required", "missing")
        for field in fields
        if draft.get(FIELD_KEYS[field]) is None
    ]


def merge_problems(
    draft: Mapping[str, Any], page: list[FieldProblem], model: list[FieldProblem]
) -> list[FieldProblem]:
    """The page's problems, then the model's that don't repeat them in other words."""
    return page + [problem for problem in model if not _repeats(draft, page, problem)]


def _repeats(draft: Mapping[str, Any], page: list[FieldProblem], problem: FieldProblem) -> bool:
    fields = {known.field for known in page}
    if problem.field in fields:
        return True
    if problem.field.startswith("period") and "year" in fields:
        return True  # no dates while the Year is wrong
    if problem.field in _PRICE_FIELDS and problem.code == "rule":
        return bool(fields & _PRICE_FIELDS)  # "required (or cost_per_mille…)"
    return problem.field == "acquisition_cost.stage" and _paid_name_is_empty(draft)


def _paid_name_is_empty(draft: Mapping[str, Any]) -> bool:
    """The paid stage's own name field already says it is empty."""
    name = draft.get(stage_key(draft.get(PAID_STAGE_KEY, -1), "name"))
    return not str(name or "").strip()


def widget_key_for(field: str, draft: Mapping[str, Any]) -> str | None:
    """The widget that edits a plan-file field, e.g. ``stages[2].conversion_rate``."""
    if field in FIELD_KEYS:
        return FIELD_KEYS[field]
    if field in PAGE_FIELD_KEYS:
        return PAGE_FIELD_KEYS[field]
    match = _STAGE_FIELD.match(field)
    stage_ids = draft.get(STAGE_IDS, [])
    if match and int(match.group(1)) < len(stage_ids):
        part = "name" if match.group(2) == "name" else "rate"
        return stage_key(stage_ids[int(match.group(1))], part)
    return None


# --- Notes beside fields ---------------------------------------------------------------------


def set_note(draft: dict[str, Any], key: str, text: Phrase, origin: str | None = None) -> None:
    """Show ``text`` beside the field ``key`` until its value changes."""
    draft.setdefault(NOTES, {})[key] = {"value": draft.get(key), "text": text, "from": origin}


def note_for(draft: Mapping[str, Any], key: str) -> Phrase | None:
    """The field's note, while it still holds the value the note was written about."""
    note = draft.get(NOTES, {}).get(key)
    if note is None or draft.get(key) != note["value"]:
        return None
    text: Phrase = note["text"]
    return text


def stages_above(
    draft: Mapping[str, Any], unnamed: Callable[[int], str] = _numbered
) -> dict[int, str | None]:
    """Stage id → the name of the stage right above it (None for the top)."""
    ids: list[int] = draft.get(STAGE_IDS, [])
    names = stage_names(draft, unnamed)
    return {stage_id: names[ids[i - 1]] if i else None for i, stage_id in enumerate(ids)}


STAGES_MOVED = Phrase.of(N_("Stages moved"))


def note_changed_rates(
    draft: dict[str, Any],
    before: Mapping[int, str | None],
    why: Phrase = STAGES_MOVED,
    unnamed: Callable[[int], str] = _numbered,
) -> None:
    """After a move or removal, flag each rate that now converts from another stage.

    The rate stays as typed (it is the user's number), but it now describes another step;
    the note remembers where the rate came from, and goes away if the stage moves back.
    """
    notes = draft.setdefault(NOTES, {})
    for stage_id, above in stages_above(draft, unnamed).items():
        key = stage_key(stage_id, "rate")
        if stage_id not in before or above == before[stage_id] or above is None:
            continue
        origin = notes.get(key, {}).get("from") or before[stage_id]
        if origin == above:
            notes.pop(key, None)  # back under the stage its rate was measured from
        else:
            set_note(draft, key, _rate_note(why, origin, above), origin)


def _rate_note(why: Phrase, origin: str | None, above: str) -> Phrase:
    if origin is None:  # it was the top of the funnel, which takes no rate
        return Phrase.of(
            N_("{why}: this was the top stage, with no rate; set its conversion from '{above}'."),
            why=why,
            above=above,
        )
    return Phrase.of(
        N_(
            "{why}: check this rate. It was the conversion from '{origin}'; "
            "it now converts from '{above}'."
        ),
        why=why,
        origin=origin,
        above=above,
    )
