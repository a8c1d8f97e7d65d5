"""The Plan page's input components.

Each draws widgets bound to ``plan.*`` keys and shows the field's message (in red) or note
(a caption) right under it; none computes anything. Labels come from ``ui.messages``, so a
field and every message about it use the same words. Every input keeps its value while it is
not drawn (``persist_state="session"``): switching the direction, the pricing kind, a toggle
or the language never wipes what was typed. Every word goes through ``t``; labels defined
here at import time are marked ``N_`` and translated where they are drawn.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import streamlit as st

from i18n.catalogue import N_
from planner.models import MAX_STAGES, MIN_STAGES
from planner.period import MAX_YEAR, MIN_YEAR
from planner.presets import PRESETS
from ui import saved, state
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
from ui.format import count, markdown, month_name, percent, quarter_name, say, year
from ui.i18n import t, worded
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
PERIOD_LABELS = {
    "month": N_("Month"),
    "quarter": N_("Quarter"),
    "year": N_("Year"),
    "custom": N_("Custom dates"),
}
DIRECTION_LABELS = {
    "target": N_("Target → funnel"),
    "traffic": N_("Traffic → revenue"),
    "budget": N_("Budget → revenue"),
}
COST_LABELS = {"unit": N_("Per unit"), "impressions": N_("Per 1,000 impressions")}
PRESET_SCOPES = ("all", "stages")
SCOPE_LABELS = {"all": N_("Stages, value and costs"), "stages": N_("Stages only")}
# What the presets say about themselves on the page, marked for the catalogue; the English is
# planner.presets' own (tests/ui/test_inputs.py keeps the two in step).
PRESET_LABELS = {
    "online_store": N_("Online store"),
    "lead_generation": N_("Lead generation"),
    "online_course": N_("Online course"),
}
PRESET_SOURCES = {
    "online_store": N_(
        "Session-to-order 1.8% (averages 1.4–1.9%: Littledata 2023, IRP Commerce); "
        "add-to-cart 6% of sessions (Dynamic Yield ≈ 7%; Salesforce 2–20% by category); "
        "30% of carts become orders (Baymard Institute: 70.19% abandoned on average). "
        "The 50% viewing a product and the checkout/purchase split are assumptions. "
        "Order value $90: Shopify stores average $85–92 (Red Stag Fulfillment, 2024). "
        "Assumptions: 1 order per new customer, $0.40 per session (paid and free sessions "
        "together; a paid click costs more), 45% gross margin."
    ),
    "lead_generation": N_(
        "Visitor-to-lead 5% (whole sites 1–5%, landing pages more: Unbounce 2024); "
        "30% qualified, 50% of those get a sales call, 25% of calls close: inside published "
        "B2B ranges (15–40%, 13–60%, 15–35%; HubSpot, First Page Sage via secondary summaries). "
        "$70 per lead: the all-industry Google Ads average, $70.11 (WordStream by LocaliQ, "
        "2025). Assumptions: a $5,000 first deal per customer and a 50% gross margin; "
        "replace both with your own."
    ),
    "online_course": N_(
        "Opt-in 20% (dedicated lead-magnet pages 15–35%); 40% of subscribers view the sales "
        "page (assumption); 5% of them buy, so 2% of the list, Teachable's conservative "
        "launch estimate. Assumptions: a $300 course, $0.60 per visitor (a paid-social "
        "click) and a 90% gross margin (a digital product, less platform and payment fees)."
    ),
}


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
    st.button(t("Start again from the demo plan"), key=PREFIX + "reset", on_click=saved.start_over)


def preset_label(key: str) -> str:
    """A preset's name as the page shows it: ``Online store``, ``متجر إلكتروني``."""
    return t(PRESET_LABELS.get(key, PRESETS[key].label))


def _label(field: str) -> str:
    """A field's label (``ui.messages.LABELS``) in the reader's language."""
    return t(LABELS[field])


def show_problem(key: str, feedback: Feedback) -> None:
    """The field's message, in red, right under its widget."""
    message = feedback.get(key)
    if message is not None:
        st.error(markdown(message), icon="⚠️")


def show_note(draft: Mapping[str, Any], key: str) -> None:
    """A note about the field's value (converted, moved, kept), until the value changes."""
    note = note_for(draft, key)
    if note is not None:
        st.caption(f":material/info: {markdown(say(note))}")


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
    st.subheader(t("Goal"))
    st.radio(
        t("Work from"),
        DIRECTIONS,
        key=DIRECTION_KEY,
        horizontal=True,
        format_func=worded(DIRECTION_LABELS),
        on_change=state.enter_direction,
        args=(draft,),
        help=t("Backwards from a target, or forwards from traffic or a budget: same model."),
        **KEEP,
    )
    name_col, currency_col = st.columns([3, 1])
    with name_col:
        st.text_input(_label("name"), key=FIELD_KEYS["name"], max_chars=80, **KEEP)
        show_problem(FIELD_KEYS["name"], feedback)
    with currency_col:
        st.text_input(
            _label("currency"),
            key=FIELD_KEYS["currency"],
            max_chars=3,
            help=t("ISO code: USD…"),
            **KEEP,
        )
        show_problem(FIELD_KEYS["currency"], feedback)
    st.text_area(
        _label("description"),
        key=FIELD_KEYS["description"],
        max_chars=1000,
        height=68,
        placeholder=t("What the plan assumes, or what was agreed"),
        **KEEP,
    )
    show_problem(FIELD_KEYS["description"], feedback)
    currency = _currency(draft)
    number(
        FIELD_KEYS["revenue_target"],
        _label("revenue_target"),
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
            _label("average_order_value"),
            feedback,
            currency,
            step=1.0,
            format="%.2f",
        )
    with orders_col:
        number(
            FIELD_KEYS["orders_per_customer"],
            _label("orders_per_customer"),
            feedback,
            step=0.1,
            format=RATE_FORMAT,
            help=t("Orders each new customer places within the period (1 or more)."),
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
        label, unit, shown = _label("budget"), _currency(draft), "%.2f"
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
        st.caption(
            t("The plan's own traffic for its target; it follows the plan until you type.")
            if driver == "traffic"
            else t("The plan's own budget for its target; it follows the plan until you type.")
        )


def period_section(feedback: Feedback) -> None:
    """Month, quarter, year or custom dates."""
    # Two to a row: the period's kind, a month's or a quarter's name and a year beside its
    # clear, − and + buttons each need half the column, even at 1024 px and in Arabic.
    kind_col, detail_col = st.columns(2)
    with kind_col:
        kind = st.selectbox(
            _label("period"),
            PERIOD_KINDS,
            key=PERIOD_KIND_KEY,
            format_func=worded(PERIOD_LABELS),
            **KEEP,
        )
    if kind == "custom":
        _custom_dates(feedback)
        return
    year_col = detail_col
    if kind in ("month", "quarter"):
        with detail_col:
            if kind == "month":
                months = {month: month_name(month) for month in range(1, 13)}
                st.selectbox(
                    t("Month"), range(1, 13), key=MONTH_KEY, format_func=months.__getitem__, **KEEP
                )
            else:
                quarters = {quarter: quarter_name(quarter) for quarter in (1, 2, 3, 4)}
                st.selectbox(
                    t("Quarter"),
                    (1, 2, 3, 4),
                    key=QUARTER_KEY,
                    format_func=quarters.__getitem__,
                    **KEEP,
                )
        year_col = st.columns(2)[0]
    with year_col:
        # No min/max here: the browser would only outline a wrong year in red; the page
        # names it instead (ui.draft.page_problems), with the years the model accepts.
        st.number_input(
            _label("year"),
            key=YEAR_KEY,
            value=None,
            step=1,
            format="%d",
            help=t("A year from {first} to {last}.", first=year(MIN_YEAR), last=year(MAX_YEAR)),
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
                _label(field),
                key=FIELD_KEYS[field],
                format="YYYY-MM-DD",
                min_value=first,
                max_value=last,
                **KEEP,
            )
            show_problem(FIELD_KEYS[field], feedback)


STAGE_ROW = [4, 4, 2.6]
STAGE_ACTIONS = (
    ("move-1", ":material/arrow_upward:", N_("Move '{name}' up")),
    ("move1", ":material/arrow_downward:", N_("Move '{name}' down")),
    ("remove", ":material/close:", N_("Remove '{name}'")),
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
    st.subheader(t("Funnel"))
    st.html(_ACTION_LABELS_HIDDEN)
    _preset_picker(draft)
    head = st.columns(STAGE_ROW)
    head[0].caption(t("Stage, top first"))
    head[1].caption(t("Conversion from the stage above, %"))
    ids: list[int] = draft[STAGE_IDS]
    for position, stage_id in enumerate(ids):
        _stage_row(draft, stage_id, position, feedback)
    st.button(
        t("Add stage"),
        key=PREFIX + "add_stage",
        on_click=state.add_stage,
        args=(draft,),
        disabled=len(ids) >= MAX_STAGES,
        icon=":material/add:",
        help=t(
            "Adds a stage just above the last at {all}: it lets everyone through, so the plan "
            "is unchanged until you set its rate. Up to {count} stages.",
            all=percent(1.0),
            count=count(MAX_STAGES),
        ),
    )


def _preset_picker(draft: dict[str, Any]) -> None:
    preset_col, button_col = st.columns([2, 1], vertical_alignment="bottom")
    with preset_col:
        preset = st.selectbox(
            t("Preset"),
            list(PRESETS),
            key=state.PRESET_KEY,
            format_func=worded(PRESET_LABELS),
            **KEEP,
        )
    with button_col:
        st.button(
            t("Use preset"),
            key=PREFIX + "apply_preset",
            on_click=state.apply_preset,
            args=(draft,),
            width="stretch",
            help=t("Replace the stages (and, if chosen, order value and costs) with the preset's."),
        )
    scope = st.radio(
        t("Use the preset's"),
        PRESET_SCOPES,
        key=state.PRESET_SCOPE_KEY,
        horizontal=True,
        format_func=worded(SCOPE_LABELS),
        **KEEP,
    )
    st.caption(_preset_caption(draft, preset, scope))


def _preset_caption(draft: Mapping[str, Any], preset: str, scope: str) -> str:
    """The sources of what is in use, or what the chosen preset would bring if applied."""
    words = {
        "preset": preset_label(preset),
        "source": t(PRESET_SOURCES.get(preset, PRESETS[preset].source)),
    }
    applied = draft.get(APPLIED_PRESET) or {}
    if applied.get("key") != preset:
        what = t(SCOPE_LABELS[scope]).lower()
        return t(
            "{preset} applies when you press Use preset ({scope}). {source}", scope=what, **words
        )
    if applied.get("scope") == "all":
        return t("In use: {preset}'s stages, value and costs. {source}", **words)
    return t("In use: {preset}'s stages, with this plan's own value and costs. {source}", **words)


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
        rate_col.caption(t("top of the funnel"))
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
    name = _MARKDOWN_SPECIAL.sub(r"\\\1", stage_names(draft, state.unnamed_stage)[stage_id])
    disabled = {
        "move-1": position == 0,
        "move1": position == len(ids) - 1,
        "remove": len(ids) <= MIN_STAGES,
    }
    for action, icon, label in STAGE_ACTIONS:
        text = t(label, name=name)
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
    if st.toggle(t("Plan a marketing budget"), key=COST_ON_KEY, **KEEP):
        names = stage_names(draft, unnamed=state.unnamed_stage)
        stage_col, kind_col = st.columns(2)
        with stage_col:
            paid = st.selectbox(
                _label("acquisition_cost.stage"),
                list(names),
                key=PAID_STAGE_KEY,
                format_func=lambda stage_id: names.get(stage_id, str(stage_id)),
                on_change=state.change_paid_stage,
                args=(draft,),
                help=t(
                    "Last stage = CAC; a lead stage = cost per lead; the top = cost per visitor "
                    "or click. Changing it converts the price at the plan's rates."
                ),
                **KEEP,
            )
        with kind_col:
            kind = st.radio(
                t("Priced"),
                COST_KINDS,
                key=COST_KIND_KEY,
                format_func=worded(COST_LABELS),
                **KEEP,
            )
        show_problem(PAID_STAGE_KEY, feedback)
        ids = list(names)
        _price_inputs(draft, kind, feedback)
        st.caption(_cost_role(names.get(paid, ""), ids.index(paid) if paid in ids else 0, len(ids)))
    number(
        FIELD_KEYS["gross_margin"],
        _label("gross_margin"),
        feedback,
        step=1.0,
        format=RATE_FORMAT,
        help=t("Optional. Used for contribution after marketing."),
    )


def _cost_role(stage: str, paid_position: int, stage_count: int) -> str:
    """What the price of the paid stage is called: CAC, cost per visitor, cost per lead."""
    if paid_position == stage_count - 1:
        return t(
            "Paying for '{stage}' makes this your customer acquisition cost (CAC).", stage=stage
        )
    if paid_position == 0:
        return t("Paying for '{stage}' makes this your cost per visitor or click.", stage=stage)
    return t("Paying for '{stage}' makes this your cost per lead.", stage=stage)


def _price_inputs(draft: dict[str, Any], kind: str, feedback: Feedback) -> None:
    currency = _currency(draft)
    if kind == "impressions":
        cpm_col, ctr_col = st.columns(2)
        with cpm_col:
            key = FIELD_KEYS["acquisition_cost.cost_per_mille"]
            number(key, _label("acquisition_cost.cost_per_mille"), feedback, currency, step=0.5)
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
    if not st.toggle(t("Count revenue from returning customers"), key=RETURNING_ON_KEY, **KEEP):
        return
    base_col, share_col = st.columns(2)
    with base_col:
        number(
            FIELD_KEYS["returning_customers.active_customers"],
            _label("returning_customers.active_customers"),
            feedback,
            step=100,
            format="%d",
        )
    with share_col:
        number(
            FIELD_KEYS["returning_customers.repeat_purchase_rate"],
            _label("returning_customers.repeat_purchase_rate"),
            feedback,
            step=1.0,
            format=RATE_FORMAT,
            help=t("Share expected to buy again within the period."),
        )
    orders_col, aov_col = st.columns(2)
    with orders_col:
        number(
            FIELD_KEYS["returning_customers.orders_per_customer"],
            _label("returning_customers.orders_per_customer"),
            feedback,
            step=0.1,
            format=RATE_FORMAT,
        )
    with aov_col:
        number(
            FIELD_KEYS["returning_customers.average_order_value"],
            _label("returning_customers.average_order_value"),
            feedback,
            _currency(draft),
            step=1.0,
            format="%.2f",
            help=t("Empty: the same as new customers'."),
        )
