"""The Plan page's input components.

Each draws widgets bound to ``plan.*`` keys and shows the field's validation message right
under it; none computes anything.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from planner.errors import FieldProblem
from planner.models import MAX_STAGES, MIN_STAGES
from planner.period import MONTH_NAMES
from planner.presets import PRESETS
from ui import state
from ui.draft import (
    COST_KINDS,
    DIRECTIONS,
    FIELD_KEYS,
    PERIOD_KINDS,
    PREFIX,
    STAGE_IDS,
    is_percent_key,
    stage_key,
    stage_names,
)
from ui.messages import describe


@dataclass
class Problems:
    """This run's field problems by widget key, and each message as it was shown."""

    by_key: Mapping[str, FieldProblem]
    shown: list[str] = field(default_factory=list)

    def get(self, key: str) -> FieldProblem | None:
        """The problem of the widget with this key, if it has one."""
        return self.by_key.get(key)


PERIOD_LABELS = {"month": "Month", "quarter": "Quarter", "year": "Year", "custom": "Custom dates"}
DIRECTION_LABELS = {
    "target": "Target → funnel",
    "traffic": "Traffic → revenue",
    "budget": "Budget → revenue",
}
COST_LABELS = {"unit": "Per unit", "impressions": "Per 1,000 impressions"}


def show_problem(key: str, label: str, problems: Problems) -> None:
    """The field's message, in red, right under its widget."""
    problem = problems.get(key)
    if problem is not None:
        message = describe(problem, label, percent=is_percent_key(key))
        problems.shown.append(message)
        st.error(message, icon="⚠️")


def number(
    key: str, label: str, problems: Problems, unit: str | None = None, **options: Any
) -> None:
    """A number input that may be emptied, with its field message; ``unit`` joins the label."""
    st.number_input(f"{label} ({unit})" if unit else label, key=key, value=None, **options)
    show_problem(key, label, problems)


def _currency(draft: dict[str, Any]) -> str:
    return str(draft.get(FIELD_KEYS["currency"]) or "").upper()


def goal_section(draft: dict[str, Any], problems: Problems) -> None:
    """Target, currency, AOV, orders per customer, the period and the direction of work."""
    st.subheader("Goal")
    st.radio(
        "Work from",
        DIRECTIONS,
        key=PREFIX + "direction",
        horizontal=True,
        format_func=DIRECTION_LABELS.__getitem__,
        on_change=state.prefill_forward_amounts,
        args=(draft,),
        help="Backwards from a target, or forwards from traffic or a budget: same model.",
    )
    name_col, currency_col = st.columns([3, 1])
    with name_col:
        st.text_input("Plan name", key=FIELD_KEYS["name"], max_chars=80)
        show_problem(FIELD_KEYS["name"], "Plan name", problems)
    with currency_col:
        st.text_input("Currency", key=FIELD_KEYS["currency"], max_chars=3, help="ISO code: USD…")
        show_problem(FIELD_KEYS["currency"], "Currency", problems)
    currency = _currency(draft)
    number(
        FIELD_KEYS["revenue_target"],
        "Revenue target",
        problems,
        currency,
        step=1000.0,
        format="%.0f",
    )
    _forward_inputs(draft, problems)
    aov_col, orders_col = st.columns(2)
    with aov_col:
        number(
            FIELD_KEYS["average_order_value"],
            "Average order value",
            problems,
            currency,
            step=1.0,
            format="%.2f",
        )
    with orders_col:
        number(
            FIELD_KEYS["orders_per_customer"],
            "Orders per new customer",
            problems,
            step=0.1,
            format="%.2f",
            help="Orders each new customer places within the period.",
        )
    period_section(problems)


def _forward_inputs(draft: dict[str, Any], problems: Problems) -> None:
    direction = draft.get(PREFIX + "direction")
    if direction == "traffic":
        first = next(iter(stage_names(draft).values()), "the first stage")
        number(PREFIX + "traffic", f"{first} in the period", problems, step=1000.0, format="%.0f")
    elif direction == "budget":
        number(
            PREFIX + "budget",
            "Marketing budget for the period",
            problems,
            _currency(draft),
            step=1000.0,
            format="%.0f",
        )


def period_section(problems: Problems) -> None:
    """Month, quarter, year or custom dates."""
    kind_col, detail_col, year_col = st.columns([2, 2, 1])
    with kind_col:
        kind = st.selectbox(
            "Period",
            PERIOD_KINDS,
            key=PREFIX + "period_kind",
            format_func=PERIOD_LABELS.__getitem__,
        )
    if kind == "custom":
        with detail_col:
            st.date_input("Start", key=FIELD_KEYS["period.start"], format="YYYY-MM-DD")
        with year_col:
            st.date_input("End", key=FIELD_KEYS["period.end"], format="YYYY-MM-DD")
        show_problem(FIELD_KEYS["period.start"], "Start", problems)
        show_problem(FIELD_KEYS["period.end"], "End", problems)
        return
    with detail_col:
        if kind == "month":
            st.selectbox(
                "Month",
                range(1, 13),
                key=PREFIX + "month",
                format_func=MONTH_NAMES.__getitem__,
            )
        elif kind == "quarter":
            st.selectbox(
                "Quarter",
                (1, 2, 3, 4),
                key=PREFIX + "quarter",
                format_func=lambda quarter: f"Q{quarter}",
            )
    with year_col:
        st.number_input("Year", key=PREFIX + "year", min_value=2000, max_value=2100, step=1)


STAGE_ROW = [4, 4, 2.6]
STAGE_ACTIONS = (
    ("move-1", ":material/arrow_upward:", "Move up"),
    ("move1", ":material/arrow_downward:", "Move down"),
    ("remove", ":material/close:", "Remove stage"),
)


def funnel_section(draft: dict[str, Any], problems: Problems) -> None:
    """The stages: rename, set rates, add, remove, reorder, or load a preset."""
    st.subheader("Funnel")
    preset_col, button_col = st.columns([2, 1], vertical_alignment="bottom")
    with preset_col:
        preset = st.selectbox(
            "Preset",
            list(PRESETS),
            key=PREFIX + "preset",
            format_func=lambda key: PRESETS[key].label,
        )
    with button_col:
        st.button(
            "Use preset",
            key=PREFIX + "apply_preset",
            on_click=state.apply_preset,
            args=(draft, preset),
            width="stretch",
            help="Replace the stages and rates below with this preset's.",
        )
    st.caption(f"Rates: {PRESETS[preset].source}")
    head = st.columns(STAGE_ROW)
    head[0].caption("Stage, top first")
    head[1].caption("Conversion from the stage above, %")
    ids: list[int] = draft[STAGE_IDS]
    for position, stage_id in enumerate(ids):
        _stage_row(draft, stage_id, position, problems)
    st.button(
        "Add stage",
        key=PREFIX + "add_stage",
        on_click=state.add_stage,
        args=(draft,),
        disabled=len(ids) >= MAX_STAGES,
        icon=":material/add:",
        help=f"Up to {MAX_STAGES} stages; a new one goes just above the last.",
    )


def _stage_row(draft: dict[str, Any], stage_id: int, position: int, problems: Problems) -> None:
    ids: list[int] = draft[STAGE_IDS]
    name_col, rate_col, actions_col = st.columns(STAGE_ROW, vertical_alignment="center")
    name_key, rate_key = stage_key(stage_id, "name"), stage_key(stage_id, "rate")
    name_col.text_input(
        f"Stage {position + 1}", key=name_key, max_chars=80, label_visibility="collapsed"
    )
    if position == 0:
        rate_col.caption("top of the funnel")
    else:
        rate_col.number_input(
            f"Conversion into stage {position + 1}, %",
            key=rate_key,
            value=None,
            step=0.5,
            format="%.2f",
            label_visibility="collapsed",
        )
    disabled = {
        "move-1": position == 0,
        "move1": position == len(ids) - 1,
        "remove": len(ids) <= MIN_STAGES,
    }
    with actions_col.container(horizontal=True, gap="small"):
        for action, icon, label in STAGE_ACTIONS:
            st.button(
                "",
                icon=icon,
                key=f"{PREFIX}stage.{stage_id}.{action}",
                type="tertiary",
                help=label,
                disabled=disabled[action],
                on_click=_stage_action(action),
                args=(draft, stage_id),
            )
    names = stage_names(draft)
    previous = names[ids[position - 1]] if position else ""
    show_problem(name_key, f"Stage {position + 1} name", problems)
    show_problem(rate_key, f"Conversion from '{previous}' to '{names[stage_id]}'", problems)


def _stage_action(action: str) -> Callable[[dict[str, Any], int], None]:
    if action == "remove":
        return state.remove_stage
    step = -1 if action == "move-1" else 1
    return lambda draft, stage_id: state.move_stage(draft, stage_id, step)


def cost_section(draft: dict[str, Any], problems: Problems) -> None:
    """What acquisition costs, at any stage, per unit or per 1,000 impressions; the margin."""
    if st.toggle("Plan a marketing budget", key=PREFIX + "cost_on"):
        names = stage_names(draft)
        stage_col, kind_col = st.columns(2)
        with stage_col:
            paid = st.selectbox(
                "Paid stage",
                list(names),
                key=FIELD_KEYS["acquisition_cost.stage"],
                format_func=names.__getitem__,
                help="Last stage = CAC; a lead stage = cost per lead; "
                "the top = cost per visitor or click.",
            )
        with kind_col:
            kind = st.radio(
                "Priced", COST_KINDS, key=PREFIX + "cost_kind", format_func=COST_LABELS.__getitem__
            )
        show_problem(FIELD_KEYS["acquisition_cost.stage"], "Paid stage", problems)
        ids = list(names)
        role = _cost_role(ids.index(paid) if paid in ids else 0, len(ids))
        _price_inputs(kind, names.get(paid, ""), _currency(draft), problems)
        st.caption(f"Paying for '{names.get(paid, '')}' makes this your {role}.")
    number(
        FIELD_KEYS["gross_margin"],
        "Gross margin %",
        problems,
        step=1.0,
        format="%.1f",
        help="Optional. Used for contribution after marketing.",
    )


def _cost_role(paid_position: int, stage_count: int) -> str:
    if paid_position == stage_count - 1:
        return "customer acquisition cost (CAC)"
    if paid_position == 0:
        return "cost per visitor or click"
    return "cost per lead"


def _price_inputs(kind: str, paid_stage: str, currency: str, problems: Problems) -> None:
    if kind == "impressions":
        cpm_col, ctr_col = st.columns(2)
        with cpm_col:
            number(
                FIELD_KEYS["acquisition_cost.cost_per_mille"],
                "Cost per 1,000 impressions",
                problems,
                currency,
                step=0.5,
                format="%.2f",
            )
        with ctr_col:
            number(
                FIELD_KEYS["acquisition_cost.click_through_rate"],
                f"Click-through % into {paid_stage}",
                problems,
                step=0.1,
                format="%.2f",
            )
        return
    number(
        FIELD_KEYS["acquisition_cost.cost_per_unit"],
        f"Cost per '{paid_stage}'",
        problems,
        currency,
        step=0.1,
        format="%.2f",
    )


def returning_section(draft: dict[str, Any], problems: Problems) -> None:
    """Existing customers who buy again within the period."""
    if not st.toggle("Count revenue from returning customers", key=PREFIX + "returning_on"):
        return
    base_col, share_col = st.columns(2)
    with base_col:
        number(
            FIELD_KEYS["returning_customers.active_customers"],
            "Active customers at start",
            problems,
            step=100,
            format="%d",
        )
    with share_col:
        number(
            FIELD_KEYS["returning_customers.repeat_purchase_rate"],
            "Buying again %",
            problems,
            step=1.0,
            format="%.1f",
            help="Share expected to buy again within the period.",
        )
    orders_col, aov_col = st.columns(2)
    with orders_col:
        number(
            FIELD_KEYS["returning_customers.orders_per_customer"],
            "Orders per returning buyer",
            problems,
            step=0.1,
            format="%.2f",
        )
    with aov_col:
        number(
            FIELD_KEYS["returning_customers.average_order_value"],
            "Their order value",
            problems,
            _currency(draft),
            step=1.0,
            format="%.2f",
            help="Empty: the same as new customers'.",
        )
