"""Field problems worded for the screen: named by the label the user sees, on the tab it sits.

The planner addresses a problem by its plan-file path (``stages[2].conversion_rate``) and
speaks in fractions; the page names the field as it is labelled (``Conversion from 'Product
views' to 'Add to cart'``), in percent, and says which tab holds it. Every label the inputs
draw comes from here, so a message and its field never disagree. Pure: no streamlit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from planner.errors import FieldProblem
from planner.types import OUT_OF_RANGE, format_number
from ui.draft import is_percent_key, paid_stage_name, stage_names, widget_key_for

GOAL_TAB, COSTS_TAB, RETURNING_TAB = TABS = ("Goal & funnel", "Costs", "Returning customers")
TAB_MARK = " ⚠"

LABELS = {
    "name": "Plan name",
    "currency": "Currency",
    "revenue_target": "Revenue target",
    "average_order_value": "Average order value",
    "orders_per_customer": "Orders per new customer",
    "gross_margin": "Gross margin %",
    "period": "Period",
    "period.start": "Start",
    "period.end": "End",
    "year": "Year",
    "budget": "Marketing budget for the period",
    "stages": "Stages",
    "acquisition_cost": "Costs",
    "acquisition_cost.stage": "Paid stage",
    "acquisition_cost.cost_per_mille": "Cost per 1,000 impressions",
    "returning_customers": "Returning customers",
    "returning_customers.active_customers": "Active customers at start",
    "returning_customers.repeat_purchase_rate": "Buying again %",
    "returning_customers.orders_per_customer": "Orders per returning buyer",
    "returning_customers.average_order_value": "Their order value",
}
# Plan-file words a model message may quote, as the page says them.
_PLAN_WORDS = {
    "cost_per_unit": "the cost per unit",
    "cost_per_mille": "the cost per 1,000 impressions",
    "click_through_rate": "the click-through rate",
}
_STAGE_PATH = re.compile(r"\bstages\[(\d+)\]")
_STAGE_FIELD = re.compile(r"^stages\[(\d+)\]\.(name|conversion_rate)$")
_PLAN_WORD = re.compile(r"\b(" + "|".join(_PLAN_WORDS) + r")\b")


def traffic_label(draft: Mapping[str, Any]) -> str:
    """The forward traffic field: '<first stage> in the period'."""
    first = next(iter(stage_names(draft).values()), "Traffic")
    return f"{first} in the period"


def cost_label(draft: Mapping[str, Any]) -> str:
    """The unit price field: ``Cost per 'Sessions'``."""
    return f"Cost per '{paid_stage_name(draft)}'"


def click_through_label(draft: Mapping[str, Any]) -> str:
    """The click-through field: ``Click-through % into 'Sessions'``."""
    return f"Click-through % into '{paid_stage_name(draft)}'"


def stage_name_label(position: int) -> str:
    """A stage's name field, numbered from 1 as on screen."""
    return f"Stage {position + 1} name"


def stage_rate_label(draft: Mapping[str, Any], position: int) -> str:
    """A stage's rate field: ``Conversion from 'Product views' to 'Add to cart'``."""
    names = list(stage_names(draft).values())
    if not 0 < position < len(names):
        return f"Stage {position + 1} rate"
    return f"Conversion from '{names[position - 1]}' to '{names[position]}'"


def label_for(field: str, draft: Mapping[str, Any]) -> str:
    """The on-screen label of a plan-file field (or of a page input such as the Year)."""
    dynamic = {
        "traffic": traffic_label,
        "acquisition_cost.cost_per_unit": cost_label,
        "acquisition_cost.click_through_rate": click_through_label,
    }
    if field in dynamic:
        return dynamic[field](draft)
    if field in LABELS:
        return LABELS[field]
    match = _STAGE_FIELD.match(field)
    if match:
        position = int(match.group(1))
        if match.group(2) == "name":
            return stage_name_label(position)
        return stage_rate_label(draft, position)
    return on_screen(field).capitalize()


def tab_of(field: str) -> str:
    """The input tab that holds the field."""
    if field.startswith("acquisition_cost") or field == "gross_margin":
        return COSTS_TAB
    if field.startswith("returning_customers"):
        return RETURNING_TAB
    return GOAL_TAB


def on_screen(text: str) -> str:
    """Plan-file paths in a message as the page says them: ``stages[2]`` → ``stage 3``."""
    text = _STAGE_PATH.sub(lambda match: f"stage {int(match.group(1)) + 1}", text)
    return _PLAN_WORD.sub(lambda match: _PLAN_WORDS[match.group(1)], text)


def _percent_rule(context: Mapping[str, Any]) -> str:
    wording = {"gt": "above", "ge": "at least", "le": "at most"}
    return " and ".join(
        f"{words} {format_number(context[bound] * 100)}%"
        for bound, words in wording.items()
        if context.get(bound) is not None
    )


def _in_percent(problem: FieldProblem, label: str) -> str | None:
    """A rate's range message in percent, as typed: ``… at most 100%, got 120%``."""
    context = problem.context
    got = context.get("got")
    if problem.code != OUT_OF_RANGE or not isinstance(got, int | float):
        return None
    shown = format_number(float(got) * 100)
    rule = str(context.get("rule", ""))
    if rule.startswith("at least"):
        floor = float(rule.removeprefix("at least ").replace(",", ""))
        return f"{label} must be at least {format_number(floor * 100)}%, got {shown}%"
    return f"{label} must be {_percent_rule(context)}, got {shown}%"


def describe(problem: FieldProblem, label: str, *, percent: bool = False) -> str:
    """``Conversion from 'X' to 'Y' must be above 0% and at most 100%, got 120%``.

    "required" becomes "is required"; a message that is not a predicate follows a colon
    (``Stage 3 name: 'Checkout' is already the name of stage 2``).
    """
    if percent:
        worded = _in_percent(problem, label)
        if worded is not None:
            return worded
    message = on_screen(problem.message)
    if message.startswith("required"):
        return f"{label} is required"
    if message.startswith(("must ", "is ")):
        return f"{label} {message}"
    return f"{label}: {message}"


@dataclass(frozen=True)
class ScreenMessage:
    """One problem as the page shows it: beside its field (``key``) and in the list to fix."""

    key: str | None
    tab: str
    text: str

    @property
    def listed(self) -> str:
        """The line in the list of things to fix, naming the tab it is on."""
        return f"{self.tab} tab: {self.text}"


def screen_messages(
    problems: Sequence[FieldProblem], draft: Mapping[str, Any]
) -> list[ScreenMessage]:
    """Every problem worded for the page, one per field (the first wins)."""
    messages: list[ScreenMessage] = []
    seen: set[str] = set()
    for problem in problems:
        key = widget_key_for(problem.field, draft)
        if key is not None and key in seen:
            continue
        percent = key is not None and is_percent_key(key)
        text = describe(problem, label_for(problem.field, draft), percent=percent)
        messages.append(ScreenMessage(key, tab_of(problem.field), text))
        if key is not None:
            seen.add(key)
    return messages


def tab_labels(messages: Sequence[ScreenMessage]) -> list[str]:
    """The input tabs' labels, marked where a field needs fixing: ``Costs ⚠``."""
    flagged = {message.tab for message in messages}
    return [tab + TAB_MARK if tab in flagged else tab for tab in TABS]
