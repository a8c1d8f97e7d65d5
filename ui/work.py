"""The Plan page's calls into the planner: the chosen direction, a new paid stage's price.

Pure (no streamlit): it reads the draft and returns what to draw, or the field problems and
infeasibility to show beside what was last drawn.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from typing import Any

from pydantic import ValidationError

from i18n.catalogue import N_
from planner.errors import FieldProblem, PlanInvalid, PlannerError, parse_plan
from planner.funnel import plan_backwards, project_forwards
from planner.models import Plan
from planner.results import Driver, PlanResult, Projection
from ui.draft import (
    COST_KIND_KEY,
    DIRECTION_KEY,
    DRIVERS,
    FORWARD_KEYS,
    PRICE_KEYS,
    STAGE_IDS,
    Money,
    Percent,
    Phrase,
    plan_data,
    stage_names,
)


@dataclass(frozen=True)
class Work:
    """What the page draws: an outcome, and what stops it from being the current one.

    With a bad forward amount, ``outcome`` is the projection of the last amount that worked
    and ``problems`` names the field; ``amount`` is the amount projected when it was the
    one typed (so the page can remember it).
    """

    outcome: PlanResult | Projection | None
    problems: list[FieldProblem] = field(default_factory=list)
    infeasible: PlannerError | None = None
    amount: float | None = None


def work_out(
    plan: Plan,
    result: PlanResult,
    draft: Mapping[str, Any],
    last_amounts: Mapping[str, float],
) -> Work:
    """The backward ``result``, or a projection from the traffic or budget in the draft.

    ``last_amounts`` holds the last amount of each driver that could be projected: when the
    one typed can't be, its projection stays on screen beside the field's message.
    """
    direction = draft.get(DIRECTION_KEY, "target")
    if direction not in DRIVERS:
        return Work(result)
    driver: Driver = "traffic" if direction == "traffic" else "budget"
    amount = draft.get(FORWARD_KEYS[driver])
    if amount is None:
        problems = [FieldProblem(driver, "required", "missing")]
    else:
        work = project(plan, driver, amount)
        if not work.problems:
            return work
        problems = work.problems
    last = last_amounts.get(driver)
    fallback = project(plan, driver, last) if last is not None else Work(None)
    return Work(fallback.outcome, problems, fallback.infeasible)


def project(plan: Plan, driver: Driver, amount: Any) -> Work:
    """Project ``amount`` forwards; a bad amount comes back as a field problem, never raised."""
    try:
        value = float(amount)
        return Work(project_forwards(plan, driver, value), amount=value)
    except PlanInvalid as invalid:
        return Work(None, invalid.problems)
    except PlannerError as error:
        return Work(None, infeasible=error)
    except (ValidationError, ArithmeticError, TypeError, ValueError):
        message = "is too large to work with; enter a smaller amount"
        return Work(None, [FieldProblem(driver, message, "amount_too_large")])


def starting_points(result: PlanResult) -> dict[str, float]:
    """The backward plan's traffic and budget: projecting them shows both directions agree."""
    return {"traffic": float(result.stages[0].required), "budget": cents_up(result.budget)}


def cents_up(amount: float) -> float:
    """Round a budget up to the cent: rounding down would buy a hair less than the plan needs.

    The amount is read as its shortest decimal (34333.6, not 34333.600000000006), so a budget
    already in whole cents stays as it is.
    """
    cents = Decimal(repr(amount)).quantize(Decimal("0.01"), rounding=ROUND_CEILING)
    return float(cents)


def checked_result(plan: Plan) -> tuple[PlanResult | None, list[FieldProblem]]:
    """The plan worked backwards, or the problems that stop it (numbers too large)."""
    try:
        return plan_backwards(plan), []
    except PlanInvalid as invalid:
        return None, invalid.problems


# --- A new paid stage, priced at the plan's rates ----------------------------------------------


@dataclass(frozen=True)
class PriceChange:
    """The price field's new value (None: keep it) and the note to show beside it."""

    key: str
    value: float | None
    note: Phrase


def convert_price(
    draft: Mapping[str, Any],
    old_id: int,
    new_id: int,
    unnamed: Callable[[int], str] | None = None,
) -> PriceChange | None:
    """Reprice the paid stage ``old_id`` → ``new_id`` so the plan keeps the same budget.

    A unit entering the new stage costs the old price × count(old) ÷ count(new) of the
    backward plan; paying per 1,000 impressions, the CPM stays and the click-through into
    the new stage scales the other way. When the plan can't be worked out, or the result is
    out of range, the price is kept and the note asks to check it. ``unnamed`` names a stage
    whose name is empty, in the reader's words ('Stage 3' by default).
    """
    kind = "impressions" if draft.get(COST_KIND_KEY) == "impressions" else "unit"
    key = PRICE_KEYS[kind]
    price = draft.get(key)
    if not isinstance(price, int | float) or not math.isfinite(price) or old_id == new_id:
        return None
    names = stage_names(draft, unnamed) if unnamed else stage_names(draft)
    old_name, new_name = names.get(old_id, ""), names[new_id]
    kept = PriceChange(
        key,
        None,
        Phrase.of(
            N_("Kept from '{old}': check it is the price per '{new}'."), old=old_name, new=new_name
        ),
    )
    ratio = _count_ratio(draft, old_id, new_id)
    if ratio is None:
        return kept
    currency, ratio_value = ratio
    if kind == "unit":
        value = price * ratio_value
        was = Phrase.of(N_("{price} per '{stage}'"), price=Money(price, currency), stage=old_name)
    else:
        value = price / ratio_value
        was = Phrase.of(
            N_("{rate} click-through into '{stage}' (CPM unchanged)"),
            rate=Percent(price / 100),
            stage=old_name,
        )
    if not math.isfinite(value) or (kind == "impressions" and value > 100):
        return kept
    note = Phrase.of(
        N_("Converted from {was} at the plan's rates: the same budget for the same plan."), was=was
    )
    return PriceChange(key, value, note)


def _count_ratio(draft: Mapping[str, Any], old_id: int, new_id: int) -> tuple[str, float] | None:
    """The plan's currency and count(old stage) ÷ count(new stage), or None if unknown."""
    ids: list[int] = draft.get(STAGE_IDS, [])
    if old_id not in ids or new_id not in ids:
        return None
    try:
        plan = parse_plan(plan_data(draft))
        result = plan_backwards(plan)
    except (PlanInvalid, PlannerError):
        return None
    old, new = ids.index(old_id), ids.index(new_id)
    counts = [stage.required for stage in result.stages]
    if counts[old] > 0 and counts[new] > 0:
        return plan.currency, counts[old] / counts[new]
    # Returning customers cover the target (no counts): the rates alone give the ratio.
    rates = plan.conversion_rates
    return plan.currency, math.prod(rates[:old]) / math.prod(rates[:new])
