"""The Plan page's input components.

Each draws widgets bound to ``plan.*`` keys and shows the field's message (in red) or note
(a caption) right under it; none computes anything. Labels come from ``ui.messages``, so a
field and every message about it use the same words. Every input keeps its value while it is
not drawn (``persist_state="session"``): switching the direction, the pricing kind or a
toggle never wipes what was typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import streamlit as st

from planner.models import MAX_STAGES, MIN_STAGES
from planner.period import MAX_YEAR, MIN_YEAR, MONTH_NAMES
from planner.presets import PRESETS
from ui import state
from ui.draft import (
    APPLIED_PRESET,
    COST_KIND_KEY,
    COST_KINDS,
    COST_ON_KEY,
    DIRECTION_KEY,
    DIRECTIONS,
    DRIVERS,
    FIELD_KEYS,
    FORWARD_KEYS,
    MONTH_KEY,
    PAID_STAGE_KEY,
    PERIOD_KIND_KEY,
    PERIOD_KINDS,
    PREFIX,
    QUARTER_KEY,
    RETURNING_ON_KEY,
    STAGE_IDS,
    YEAR_KEY,
    note_for,
    stage_key,
    stage_names,
)
from ui.messages import (
    LABELS,
    ScreenMessage,
    click_through_label,
    cost_label,
    stage_name_label,
    stage_rate_label,
    tab_labels,
    traffic_label,
)

KEEP: dict[str, Any] = {"persist_state": "session"}
# Rates and prices with up to 6 significant digits and no trailing zeros: 45, 0.001, 22.2224.
RATE_FORMAT = "%.6g"
PERIOD_LABELS = {"month": "Month", "quarter": "Quarter", "year": "Year", "custom": "Custom dates"}
DIRECTION_LABELS = {
    "target": "Target → funnel",
    "traffic": "Traffic → revenue",
    "budget": "Budget → revenue",
}
COST_LABELS = {"unit": "Per unit", "impressions": "Per 1,000 impressions"}
PRESET_SCOPES = ("all", "stages")
SCOPE_LABELS = {"all": "Stages, value and costs", "stages": "Stages only"}


@dataclass(frozen=True)
class Feedback:
    """This run's field messages, by widget key."""

    by_key: Mapping[str, str]

    @classmethod
    def of(cls, messages: Sequence[ScreenMessage]) -> Feedback:
        """The messages that belong beside a widget."""
        return cls({message.key: message.text for message in messages if message.key})

    def get(self, key: str) -> str | None:
        """The message of the widget with this key, if it has one."""
        return self.by_key.get(key)


def draw_inputs(draft: dict[str, Any], messages: Sequence[ScreenMessage]) -> None:
    """The three input tabs (a tab holding a field to fix is marked ⚠) and the reset button."""
    feedback = Feedback.of(messages)
    labels = tab_labels(messages)
    # Keyed, with the open tab remembered: a label gaining ⚠ must not jump back to the first.
    goal_tab, cost_tab, returning_tab = st.tabs(
        labels, key=state.TABS_KEY, default=state.open_tab(labels), on_change=state.remember_tab
    )
    with goal_tab:
        goal_section(draft, feedback)
        funnel_section(draft, feedback)
    with cost_tab:
        cost_section(draft, feedback)
    with returning_tab:
        returning_section(draft, feedback)
    st.button("Start again from the demo plan", key=PREFIX + "reset", on_click=state.reset_to_demo)


def show_problem(key: str, feedback: Feedback) -> None:
    """The field's message, in red, right under its widget."""
    message = feedback.get(key)
    if message is not None:
        st.error(message, icon="⚠️")


def show_note(draft: Mapping[str, Any], key: str) -> None:
    """A note about the field's value (converted, moved, kept), until the value changes."""
    note = note_for(draft, key)
    if note is not None:
        st.caption(f":material/info: {note}")


def number(
    key: str, label: str, feedback: Feedback, unit: str | None = None, **options: Any
) -> None:
    """A number input that may be emptied, with its field message; ``unit`` joins the label."""
    st.number_input(f"{label} ({unit})" if unit else label, key=key, value=None, **KEEP, **options)
    show_problem(key, feedback)


def _currency(draft: Mapping[str, Any]) -> str:
    return str(draft.get(FIELD_KEYS["currency"]) or "").upper()


def goal_section(draft: dict[str, Any], feedback: Feedback) -> None:
    """Target, currency, AOV, orders per customer, the period and the direction of work."""
    st.subheader("Goal")
    st.radio(
        "Work from",
        DIRECTIONS,
        key=DIRECTION_KEY,
        horizontal=True,
        format_func=DIRECTION_LABELS.__getitem__,
        on_change=state.enter_direction,
        args=(draft,),
        help="Backwards from a target, or forwards from traffic or a budget: same model.",
        **KEEP,
    )
    name_col, currency_col = st.columns([3, 1])
    with name_col:
        st.text_input(LABELS["name"], key=FIELD_KEYS["name"], max_chars=80, **KEEP)
        show_problem(FIELD_KEYS["name"], feedback)
    with currency_col:
        st.text_input(
            LABELS["currency"],
            key=FIELD_KEYS["currency"],
            max_chars=3,
            help="ISO code: USD…",
            **KEEP,
        )
        show_problem(FIELD_KEYS["currency"], feedback)
    currency = _currency(draft)
    number(
        FIELD_KEYS["revenue_target"],
        LABELS["revenue_target"],
        feedback,
        currency,
        step=1000.0,
        format="%.0f",
    )
    _forward_input(draft, feedback)
    aov_col, orders_col = st.columns(2)
    with aov_col:
        number(
            FIELD_KEYS["average_order_value"],
            LABELS["average_order_value"],
            feedback,
            currency,
            step=1.0,
            format="%.2f",
        )
    with orders_col:
        number(
            FIELD_KEYS["orders_per_customer"],
            LABELS["orders_per_customer"],
            feedback,
            step=0.1,
            format=RATE_FORMAT,
            help="Orders each new customer places within the period (1 or more).",
        )
    period_section(feedback)


def _forward_input(draft: dict[str, Any], feedback: Feedback) -> None:
    """The traffic or budget to project, while working forwards."""
    driver = draft.get(DIRECTION_KEY)
    if driver not in DRIVERS:
        return
    if driver == "traffic":
        label, unit, shown = traffic_label(draft), None, "%.0f"
    else:
        label, unit, shown = LABELS["budget"], _currency(draft), "%.2f"
    number(
        FORWARD_KEYS[driver],
        label,
        feedback,
        unit,
        step=1000.0,
        format=shown,
        on_change=state.typed_amount,
        args=(draft, driver),
    )
    if state.follows_plan(draft, driver):
        what = "traffic" if driver == "traffic" else "budget"
        st.caption(f"The plan's own {what} for its target; it follows the plan until you type.")


def period_section(feedback: Feedback) -> None:
    """Month, quarter, year or custom dates."""
    # The year needs room for four digits beside its clear button, even at 1024 px.
    kind_col, detail_col, year_col = st.columns([2, 2, 1.6])
    with kind_col:
        kind = st.selectbox(
            "Period",
            PERIOD_KINDS,
            key=PERIOD_KIND_KEY,
            format_func=PERIOD_LABELS.__getitem__,
            **KEEP,
        )
    if kind == "custom":
        _custom_dates(feedback)
        return
    with detail_col:
        if kind == "month":
            st.selectbox(
                "Month", range(1, 13), key=MONTH_KEY, format_func=MONTH_NAMES.__getitem__, **KEEP
            )
        elif kind == "quarter":
            st.selectbox(
                "Quarter", (1, 2, 3, 4), key=QUARTER_KEY, format_func=lambda q: f"Q{q}", **KEEP
            )
    with year_col:
        # No min/max here: the browser would only outline a wrong year in red; the page
        # names it instead (ui.draft.page_problems), with the years the model accepts.
        st.number_input(
            LABELS["year"],
            key=YEAR_KEY,
            value=None,
            step=1,
            format="%d",
            help=f"A year from {MIN_YEAR} to {MAX_YEAR}.",
            **KEEP,
        )
    show_problem(YEAR_KEY, feedback)


def _custom_dates(feedback: Feedback) -> None:
    """Start and end on a row of their own: each wide enough for YYYY-MM-DD."""
    first, last = date(MIN_YEAR, 1, 1), date(MAX_YEAR, 12, 31)
    start_col, end_col = st.columns(2)
    for column, field in ((start_col, "period.start"), (end_col, "period.end")):
        with column:
            st.date_input(
                LABELS[field],
                key=FIELD_KEYS[field],
                format="YYYY-MM-DD",
                min_value=first,
                max_value=last,
                **KEEP,
            )
            show_problem(FIELD_KEYS[field], feedback)


STAGE_ROW = [4, 4, 2.6]
STAGE_ACTIONS = (
    ("move-1", ":material/arrow_upward:", "Move '{name}' up"),
    ("move1", ":material/arrow_downward:", "Move '{name}' down"),
    ("remove", ":material/close:", "Remove '{name}'"),
)
# The action buttons show only their icon; their label (what they do, to which stage) stays
# in the page for screen readers and Playwright's get_by_role(name=...), visually hidden.
_ACTION_LABELS_HIDDEN = """
<style>
[class*="st-key-plan-stage-"][class*="-move"] [data-testid="stMarkdownContainer"],
[class*="st-key-plan-stage-"][class*="-remove"] [data-testid="stMarkdownContainer"] {
  position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; border: 0;
  overflow: hidden; clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap;
}
</style>
"""
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:])")


def funnel_section(draft: dict[str, Any], feedback: Feedback) -> None:
    """The stages: rename, set rates, add, remove, reorder, or load a preset."""
    st.subheader("Funnel")
    st.html(_ACTION_LABELS_HIDDEN)
    _preset_picker(draft)
    head = st.columns(STAGE_ROW)
    head[0].caption("Stage, top first")
    head[1].caption("Conversion from the stage above, %")
    ids: list[int] = draft[STAGE_IDS]
    for position, stage_id in enumerate(ids):
        _stage_row(draft, stage_id, position, feedback)
    st.button(
        "Add stage",
        key=PREFIX + "add_stage",
        on_click=state.add_stage,
        args=(draft,),
        disabled=len(ids) >= MAX_STAGES,
        icon=":material/add:",
        help=f"Adds a stage just above the last at 100%: it lets everyone through, so the plan "
        f"is unchanged until you set its rate. Up to {MAX_STAGES} stages.",
    )


def _preset_picker(draft: dict[str, Any]) -> None:
    preset_col, button_col = st.columns([2, 1], vertical_alignment="bottom")
    with preset_col:
        preset = st.selectbox(
            "Preset",
            list(PRESETS),
            key=state.PRESET_KEY,
            format_func=lambda key: PRESETS[key].label,
            **KEEP,
        )
    with button_col:
        st.button(
            "Use preset",
            key=PREFIX + "apply_preset",
            on_click=state.apply_preset,
            args=(draft,),
            width="stretch",
            help="Replace the stages (and, if chosen, order value and costs) with the preset's.",
        )
    scope = st.radio(
        "Use the preset's",
        PRESET_SCOPES,
        key=state.PRESET_SCOPE_KEY,
        horizontal=True,
        format_func=SCOPE_LABELS.__getitem__,
        **KEEP,
    )
    st.caption(_preset_caption(draft, preset, scope))


def _preset_caption(draft: Mapping[str, Any], preset: str, scope: str) -> str:
    """The sources of what is in use, or what the chosen preset would bring if applied."""
    chosen = PRESETS[preset]
    applied = draft.get(APPLIED_PRESET) or {}
    if applied.get("key") != preset:
        what = SCOPE_LABELS[scope].lower()
        return f"{chosen.label} applies when you press Use preset ({what}). {chosen.source}"
    if applied.get("scope") == "all":
        return f"In use: {chosen.label}'s stages, value and costs. {chosen.source}"
    return f"In use: {chosen.label}'s stages, with this plan's own value and costs. {chosen.source}"


def _stage_row(draft: dict[str, Any], stage_id: int, position: int, feedback: Feedback) -> None:
    name_col, rate_col, actions_col = st.columns(STAGE_ROW, vertical_alignment="center")
    name_key, rate_key = stage_key(stage_id, "name"), stage_key(stage_id, "rate")
    name_col.text_input(
        stage_name_label(position),
        key=name_key,
        max_chars=80,
        label_visibility="collapsed",
        **KEEP,
    )
    if position == 0:
        rate_col.caption("top of the funnel")
    else:
        rate_col.number_input(
            f"{stage_rate_label(draft, position)}, %",
            key=rate_key,
            value=None,
            step=0.5,
            format=RATE_FORMAT,
            label_visibility="collapsed",
            **KEEP,
        )
    # One line of icons: wrapping put "remove" under the arrows at 1024 px.
    with actions_col.container(horizontal=True, gap="xsmall", wrap=False):
        _stage_actions(draft, stage_id, position)
    show_problem(name_key, feedback)
    show_problem(rate_key, feedback)
    if position:
        show_note(draft, rate_key)


def _stage_actions(draft: dict[str, Any], stage_id: int, position: int) -> None:
    ids: list[int] = draft[STAGE_IDS]
    name = _MARKDOWN_SPECIAL.sub(r"\\\1", stage_names(draft)[stage_id])
    disabled = {
        "move-1": position == 0,
        "move1": position == len(ids) - 1,
        "remove": len(ids) <= MIN_STAGES,
    }
    for action, icon, label in STAGE_ACTIONS:
        text = label.format(name=name)
        st.button(
            text,
            icon=icon,
            key=f"{PREFIX}stage.{stage_id}.{action}",
            type="tertiary",
            help=text,
            disabled=disabled[action],
            on_click=_stage_action(action),
            args=(draft, stage_id),
        )


def _stage_action(action: str) -> Callable[[dict[str, Any], int], None]:
    if action == "remove":
        return state.remove_stage
    step = -1 if action == "move-1" else 1
    return lambda draft, stage_id: state.move_stage(draft, stage_id, step)


def cost_section(draft: dict[str, Any], feedback: Feedback) -> None:
    """What acquisition costs, at any stage, per unit or per 1,000 impressions; the margin."""
    if st.toggle("Plan a marketing budget", key=COST_ON_KEY, **KEEP):
        names = stage_names(draft)
        stage_col, kind_col = st.columns(2)
        with stage_col:
            paid = st.selectbox(
                LABELS["acquisition_cost.stage"],
                list(names),
                key=PAID_STAGE_KEY,
                format_func=lambda stage_id: names.get(stage_id, str(stage_id)),
                on_change=state.change_paid_stage,
                args=(draft,),
                help="Last stage = CAC; a lead stage = cost per lead; "
                "the top = cost per visitor or click. Changing it converts the price at "
                "the plan's rates.",
                **KEEP,
            )
        with kind_col:
            kind = st.radio(
                "Priced",
                COST_KINDS,
                key=COST_KIND_KEY,
                format_func=COST_LABELS.__getitem__,
                **KEEP,
            )
        show_problem(PAID_STAGE_KEY, feedback)
        ids = list(names)
        role = _cost_role(ids.index(paid) if paid in ids else 0, len(ids))
        _price_inputs(draft, kind, feedback)
        st.caption(f"Paying for '{names.get(paid, '')}' makes this your {role}.")
    number(
        FIELD_KEYS["gross_margin"],
        LABELS["gross_margin"],
        feedback,
        step=1.0,
        format=RATE_FORMAT,
        help="Optional. Used for contribution after marketing.",
    )


def _cost_role(paid_position: int, stage_count: int) -> str:
    if paid_position == stage_count - 1:
        return "customer acquisition cost (CAC)"
    if paid_position == 0:
        return "cost per visitor or click"
    return "cost per lead"


def _price_inputs(draft: dict[str, Any], kind: str, feedback: Feedback) -> None:
    currency = _currency(draft)
    if kind == "impressions":
        cpm_col, ctr_col = st.columns(2)
        with cpm_col:
            key = FIELD_KEYS["acquisition_cost.cost_per_mille"]
            number(key, LABELS["acquisition_cost.cost_per_mille"], feedback, currency, step=0.5)
        with ctr_col:
            key = FIELD_KEYS["acquisition_cost.click_through_rate"]
            number(key, click_through_label(draft), feedback, step=0.1, format=RATE_FORMAT)
            show_note(draft, key)
        return
    key = FIELD_KEYS["acquisition_cost.cost_per_unit"]
    number(key, cost_label(draft), feedback, currency, step=0.1, format=RATE_FORMAT)
    show_note(draft, key)


def returning_section(draft: dict[str, Any], feedback: Feedback) -> None:
    """Existing customers who buy again within the period."""
    if not st.toggle("Count revenue from returning customers", key=RETURNING_ON_KEY, **KEEP):
        return
    base_col, share_col = st.columns(2)
    with base_col:
        number(
            FIELD_KEYS["returning_customers.active_customers"],
            LABELS["returning_customers.active_customers"],
            feedback,
            step=100,
            format="%d",
        )
    with share_col:
        number(
            FIELD_KEYS["returning_customers.repeat_purchase_rate"],
            LABELS["returning_customers.repeat_purchase_rate"],
            feedback,
            step=1.0,
            format=RATE_FORMAT,
            help="Share expected to buy again within the period.",
        )
    orders_col, aov_col = st.columns(2)
    with orders_col:
        number(
            FIELD_KEYS["returning_customers.orders_per_customer"],
            LABELS["returning_customers.orders_per_customer"],
            feedback,
            step=0.1,
            format=RATE_FORMAT,
        )
    with aov_col:
        number(
            FIELD_KEYS["returning_customers.average_order_value"],
            LABELS["returning_customers.average_order_value"],
            feedback,
            _currency(draft),
            step=1.0,
            format="%.2f",
            help="Empty: the same as new customers'.",
        )
