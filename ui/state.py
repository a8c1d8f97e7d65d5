"""The one module that owns ``st.session_state`` for the Plan page.

Widgets hold what the user typed under ``plan.*`` keys, each with ``persist_state="session"``
so a widget that is not drawn (a hidden tab's toggle, the other pricing kind) keeps its value.
The draft, under ``plan.draft``, is the durable mirror of every value: it re-seeds a widget
whose state is gone or stale (a select box whose option labels were renamed). The last plan
that passed validation, and its backward result, live under ``plan.last_valid``: results are
drawn from them, so a bad value in one field never blanks the page.

The demo plan and the presets bring their names (the plan's, the stages') in the reader's
language. They are the user's data from then on, except that a name still exactly as it came
follows a switch of language; anything typed stays as typed.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from i18n.catalogue import N_, translate
from i18n.languages import Language
from planner.benchmarks import (
    BenchmarkMatch,
    BenchmarkWarning,
    check_benchmarks,
    match_benchmarks,
)
from planner.errors import FieldProblem, PlanInvalid, parse_plan
from planner.funnel import plan_backwards
from planner.models import MAX_STAGES, MIN_STAGES, Period, Plan, Stage
from planner.presets import ONLINE_STORE, PRESETS, FunnelPreset, demo_plan
from planner.results import PlanResult
from ui.draft import (
    APPLIED_PRESET,
    COST_KIND_KEY,
    COST_ON_KEY,
    DIRECTION_KEY,
    DRIVERS,
    FIELD_KEYS,
    FOLLOWS,
    FORWARD_KEYS,
    LAST_AMOUNTS,
    NAMES_LANGUAGE,
    NEXT_STAGE_ID,
    NOTES,
    PAID_STAGE_KEY,
    PREFIX,
    PRICE_KEYS,
    RETURNING_ON_KEY,
    STAGE_IDS,
    Percent,
    Phrase,
    accepts,
    draft_from_plan,
    merge_problems,
    note_changed_rates,
    page_problems,
    plan_data,
    set_note,
    stage_key,
    stage_names,
    stages_above,
    widget_keys,
)
from ui.format import count
from ui.i18n import language, t
from ui.messages import TABS, tab_of_label
from ui.whatif_draft import WHATIF, empty_whatif, follow_stages
from ui.work import Work, checked_result, convert_price, starting_points, work_out

DRAFT_KEY = PREFIX + "draft"
LAST_VALID_KEY = PREFIX + "last_valid"
PRESET_KEY = PREFIX + "preset"
PRESET_SCOPE_KEY = PREFIX + "preset_scope"
TABS_KEY = PREFIX + "tabs"
OPEN_TAB_KEY = PREFIX + "open_tab"
# A stage added between two others lets everyone through, so the plan does not change.
NEW_STAGE_RATE = 100.0
# The names the demo plan and the presets bring (planner.presets), marked for the catalogue so
# that they arrive in the reader's language; tests/ui/test_inputs.py keeps this list complete.
GIVEN_NAMES = (
    N_("Demo store"),
    N_("Sessions"),
    N_("Product views"),
    N_("Add to cart"),
    N_("Checkout"),
    N_("Purchase"),
    N_("Visitors"),
    N_("Leads"),
    N_("Qualified leads"),
    N_("Sales calls"),
    N_("Customers"),
    N_("Opt-ins"),
    N_("Sales page views"),
    N_("Purchases"),
)


def load_draft() -> dict[str, Any]:
    """The draft, brought up to date with the widgets (created with the demo plan)."""
    state = st.session_state
    if DRAFT_KEY not in state:
        # The demo is the store preset's stages and costs with a smaller store's order value.
        demo_preset = {"key": ONLINE_STORE.key, "scope": "stages"}
        state[DRAFT_KEY] = draft_from_plan(_demo(), preset=demo_preset)
        state[DRAFT_KEY][NAMES_LANGUAGE] = language()
    draft: dict[str, Any] = state[DRAFT_KEY]
    for key in widget_keys(draft):
        if key in state and accepts(key, state[key], draft):
            draft[key] = state[key]
        else:
            state[key] = draft[key]  # re-seed a widget that lost its value, or holds a stale one
    names_language = draft.get(NAMES_LANGUAGE, "en")
    if names_language is not None and names_language != language():
        _rename_given_names(draft, names_language)
    follow_stages(draft.setdefault(WHATIF, empty_whatif()), stage_names(draft))
    return draft


def open_plan(plan: Plan, *, given_names: bool = False) -> Plan:
    """Replace every input with ``plan``'s (the input tab stays); return it as the page reads it.

    A saved plan's names are the user's own and never follow a switch of language;
    ``given_names`` is for a plan just made from the demo or a preset in the reader's language.
    The returned plan is ``plan`` after the trip through the page's inputs (percentages and
    back), the reference against which unsaved changes are told.
    """
    reset_to_demo()
    draft = draft_from_plan(plan)
    draft[NAMES_LANGUAGE] = language() if given_names else None
    st.session_state[DRAFT_KEY] = draft
    as_read = parse_plan(plan_data(draft))
    st.session_state[LAST_VALID_KEY] = (as_read, plan_backwards(as_read))
    return as_read


def demo_in_language() -> Plan:
    """The demo plan as a new user meets it: named in the reader's language."""
    return _demo()


def preset_plan(preset: FunnelPreset) -> Plan:
    """The demo's target and period with ``preset``'s funnel, order value, costs and margin."""
    demo = _demo()
    cost = preset.acquisition_cost
    return demo.model_copy(
        update={
            "stages": [stage.model_copy(update={"name": t(stage.name)}) for stage in preset.stages],
            "average_order_value": preset.average_order_value,
            "orders_per_customer": preset.orders_per_customer,
            "acquisition_cost": cost.model_copy(update={"stage": t(cost.stage)}),
            "gross_margin": preset.gross_margin,
            "returning_customers": None,
        }
    )


def open_blank(name: str, period: Period) -> None:
    """Start a plan from nothing but its name and period: every number is left to type."""
    reset_to_demo()
    draft = draft_from_plan(_demo().model_copy(update={"name": name, "period": period}))
    for key in ("revenue_target", "average_order_value", "gross_margin"):
        draft[FIELD_KEYS[key]] = None
    for stage_id in draft[STAGE_IDS]:
        draft[stage_key(stage_id, "rate")] = None
    draft[COST_ON_KEY] = False
    draft[RETURNING_ON_KEY] = False
    draft[NAMES_LANGUAGE] = language()
    st.session_state[DRAFT_KEY] = draft


def _demo() -> Plan:
    """The demo plan, its name and its stages' names in the reader's language."""
    plan = demo_plan()
    stages = [stage.model_copy(update={"name": t(stage.name)}) for stage in plan.stages]
    cost = plan.acquisition_cost
    if cost is not None:
        cost = cost.model_copy(update={"stage": t(cost.stage)})
    return plan.model_copy(
        update={"name": t(plan.name), "stages": stages, "acquisition_cost": cost}
    )


def _rename_given_names(draft: dict[str, Any], was: Language) -> None:
    """After a switch of language, names still as the demo or a preset gave them follow it."""
    given = {translate(was, name): name for name in GIVEN_NAMES}
    keys = [FIELD_KEYS["name"], *(stage_key(i, "name") for i in draft[STAGE_IDS])]
    for key in keys:
        source = given.get(str(draft.get(key)))
        if source is not None:
            _set(draft, key, t(source))
    draft[NAMES_LANGUAGE] = language()


def benchmark_plan(plan: Plan) -> Plan:
    """``plan`` with given stage names in English, as ``planner.benchmarks`` matches them.

    The planner knows stage names by their English synonyms; a funnel whose names came from
    a preset in Arabic is compared with the same published ranges as in English.
    """
    given = {t(name): name for name in GIVEN_NAMES}
    if all(stage.name not in given for stage in plan.stages):
        return plan
    stages = [
        Stage(name=given.get(stage.name, stage.name), conversion_rate=stage.conversion_rate)
        for stage in plan.stages
    ]
    cost = plan.acquisition_cost
    if cost is not None:
        cost = cost.model_copy(update={"stage": given.get(cost.stage, cost.stage)})
    return plan.model_copy(update={"stages": stages, "acquisition_cost": cost})


def benchmarks(plan: Plan) -> tuple[list[BenchmarkWarning], list[BenchmarkMatch]]:
    """The plan's benchmark warnings and matches, its stages named as the page names them.

    They are worked out on ``benchmark_plan(plan)``; a warning then names the stages by the
    names on the page again.
    """
    compared = benchmark_plan(plan)
    warnings, matches = check_benchmarks(compared), match_benchmarks(compared)
    if compared is plan:
        return warnings, matches
    shown = {known.name: own.name for known, own in zip(compared.stages, plan.stages, strict=True)}
    renamed = [
        warning.model_copy(
            update={
                "params": {
                    key: shown.get(value, value) if isinstance(value, str) else value
                    for key, value in warning.params.items()
                }
            }
        )
        for warning in warnings
    ]
    return renamed, matches


def unnamed_stage(position: int) -> str:
    """What a stage is called while its name is empty: 'Stage 3'."""
    return t("Stage {number}", number=count(position + 1))


def check(draft: dict[str, Any]) -> list[FieldProblem]:
    """Validate the draft; remember it (with its backward result) as the last valid plan."""
    page = page_problems(draft)
    try:
        plan = parse_plan(plan_data(draft))
    except PlanInvalid as invalid:
        return merge_problems(draft, page, invalid.problems)
    result, too_large = checked_result(plan)
    if page or result is None:
        return merge_problems(draft, page, too_large)
    st.session_state[LAST_VALID_KEY] = (plan, result)
    return []


def last_valid() -> tuple[Plan, PlanResult]:
    """The most recent plan that passed validation and its backward result (the demo's first)."""
    stored = st.session_state.get(LAST_VALID_KEY)
    if stored is None:
        plan = _demo()
        stored = st.session_state[LAST_VALID_KEY] = (plan, plan_backwards(plan))
    plan, result = stored
    return plan, result


def work(draft: dict[str, Any], plan: Plan, result: PlanResult) -> Work:
    """The chosen direction worked out; a forward amount that works is remembered."""
    start = starting_points(result)
    _follow_plan(draft, start)
    last = {**start, **draft.setdefault(LAST_AMOUNTS, {})}
    done = work_out(plan, result, draft, last)
    if done.amount is not None:
        draft[LAST_AMOUNTS][draft[DIRECTION_KEY]] = done.amount
    return done


def _follow_plan(draft: dict[str, Any], start: dict[str, float]) -> None:
    """Forward amounts the user has not typed follow the plan's own traffic and budget."""
    follows = draft.setdefault(FOLLOWS, {})
    for driver in DRIVERS:
        key = FORWARD_KEYS[driver]
        if follows.get(driver, True) and draft.get(key) != start[driver]:
            _set(draft, key, start[driver])


def follows_plan(draft: dict[str, Any], driver: str) -> bool:
    """True while the forward amount is the plan's own (the user has not typed one)."""
    return bool(draft.get(FOLLOWS, {}).get(driver, True))


def _set(draft: dict[str, Any], key: str, value: Any) -> None:
    draft[key] = value
    st.session_state[key] = value


# --- Callbacks: they run before the script, with the widgets' new values in session state ---


def enter_direction(draft: dict[str, Any]) -> None:
    """Entering a forward direction with an empty amount starts from the plan's own again."""
    direction = st.session_state.get(DIRECTION_KEY)
    if direction in DRIVERS and draft.get(FORWARD_KEYS[direction]) is None:
        draft.setdefault(FOLLOWS, {})[direction] = True


def typed_amount(draft: dict[str, Any], driver: str) -> None:
    """The user typed a traffic or budget of their own: it no longer follows the plan."""
    draft.setdefault(FOLLOWS, {})[driver] = False


def change_paid_stage(draft: dict[str, Any]) -> None:
    """Reprice the paid stage at the plan's rates, so a $0.40 session never becomes a $0.40 CAC."""
    new_id: int = st.session_state.get(PAID_STAGE_KEY, -1)
    old_id: int = draft.get(PAID_STAGE_KEY, -1)
    if not accepts(PAID_STAGE_KEY, new_id, draft) or old_id == new_id:
        return
    change = convert_price(draft, old_id, new_id, unnamed_stage)
    draft[PAID_STAGE_KEY] = new_id
    if change is None:
        return
    if change.value is not None:
        _set(draft, change.key, change.value)
    set_note(draft, change.key, change.note)


def add_stage(draft: dict[str, Any]) -> None:
    """Add a pass-through stage (100%) above the last one: the plan is unchanged until edited."""
    ids: list[int] = draft[STAGE_IDS]
    if len(ids) >= MAX_STAGES:
        return
    new_id = draft[NEXT_STAGE_ID]
    draft[NEXT_STAGE_ID] = new_id + 1
    _set(draft, stage_key(new_id, "name"), _unused_name(draft))
    _set(draft, stage_key(new_id, "rate"), NEW_STAGE_RATE)
    ids.insert(max(len(ids) - 1, 1), new_id)
    set_note(
        draft,
        stage_key(new_id, "rate"),
        Phrase.of(
            N_("New stage: {all} lets everyone through, so the plan is unchanged. Set its rate."),
            all=Percent(NEW_STAGE_RATE / 100),
        ),
    )


def _unused_name(draft: dict[str, Any]) -> str:
    taken = {name.casefold() for name in stage_names(draft).values()}
    number = len(draft[STAGE_IDS])
    while unnamed_stage(number - 1).casefold() in taken:
        number += 1
    return unnamed_stage(number - 1)


def remove_stage(draft: dict[str, Any], stage_id: int) -> None:
    """Drop a stage and forget its widgets; a paid stage hands its cost to the one in its place."""
    ids: list[int] = draft[STAGE_IDS]
    if len(ids) <= MIN_STAGES or stage_id not in ids:
        return
    before, names = stages_above(draft, unnamed_stage), stage_names(draft, unnamed_stage)
    position = ids.index(stage_id)
    ids.remove(stage_id)
    if draft.get(PAID_STAGE_KEY) == stage_id:
        _hand_over_cost(draft, names[stage_id], ids[min(position, len(ids) - 1)])
    for part in ("name", "rate"):
        _forget(draft, stage_key(stage_id, part))
    removed = Phrase.of(N_("'{stage}' was removed"), stage=names[stage_id])
    note_changed_rates(draft, before, why=removed, unnamed=unnamed_stage)


def _hand_over_cost(draft: dict[str, Any], removed: str, heir: int) -> None:
    _set(draft, PAID_STAGE_KEY, heir)
    if draft.get(COST_ON_KEY):
        key = _price_key(draft)
        note = Phrase.of(
            N_("'{removed}' was removed: this is now the price per '{stage}'."),
            removed=removed,
            stage=stage_names(draft, unnamed_stage)[heir],
        )
        set_note(draft, key, note)


def _price_key(draft: dict[str, Any]) -> str:
    return PRICE_KEYS["impressions" if draft.get(COST_KIND_KEY) == "impressions" else "unit"]


def _forget(draft: dict[str, Any], key: str) -> None:
    draft.pop(key, None)
    draft.get(NOTES, {}).pop(key, None)
    st.session_state.pop(key, None)


def move_stage(draft: dict[str, Any], stage_id: int, step: int) -> None:
    """Move a stage up (step −1) or down (+1), noting each rate that now has another source.

    A stage moved to the top keeps its rate (unused there) for when it moves back down.
    """
    ids: list[int] = draft[STAGE_IDS]
    if stage_id not in ids:
        return
    old = ids.index(stage_id)
    new = old + step
    if not 0 <= new < len(ids):
        return
    before = stages_above(draft, unnamed_stage)
    ids[old], ids[new] = ids[new], ids[old]
    for moved in (ids[old], ids[new]):
        if moved != ids[0] and draft.get(stage_key(moved, "rate")) is None:
            _set(draft, stage_key(moved, "rate"), NEW_STAGE_RATE)
    note_changed_rates(draft, before, unnamed=unnamed_stage)


def apply_preset(draft: dict[str, Any]) -> None:
    """Replace the funnel with the chosen preset; with its value and costs unless asked not to."""
    preset = PRESETS.get(st.session_state.get(PRESET_KEY, ""))
    if preset is None:
        return
    old_paid = _paid_role(draft)
    for stage_id in list(draft[STAGE_IDS]):
        for part in ("name", "rate"):
            _forget(draft, stage_key(stage_id, part))
    first_id = draft[NEXT_STAGE_ID]
    ids = list(range(first_id, first_id + len(preset.stages)))
    draft[STAGE_IDS] = ids
    draft[NEXT_STAGE_ID] = first_id + len(ids)
    for stage_id, stage in zip(ids, preset.stages, strict=True):
        _set(draft, stage_key(stage_id, "name"), t(stage.name))
        rate = None if stage.conversion_rate is None else round(stage.conversion_rate * 100, 10)
        _set(draft, stage_key(stage_id, "rate"), rate)
    scope = "stages" if st.session_state.get(PRESET_SCOPE_KEY) == "stages" else "all"
    draft[APPLIED_PRESET] = {"key": preset.key, "scope": scope}
    if scope == "all":
        _use_preset_value_and_costs(draft, preset, ids)
    else:
        _keep_own_costs(draft, preset, ids, old_paid)


def _paid_role(draft: dict[str, Any]) -> str:
    """Where the paid stage sits: the top, the last stage, or in between."""
    ids: list[int] = draft[STAGE_IDS]
    paid = draft.get(PAID_STAGE_KEY)
    if paid == ids[0]:
        return "top"
    return "last" if paid == ids[-1] else "middle"


def _use_preset_value_and_costs(
    draft: dict[str, Any], preset: FunnelPreset, ids: list[int]
) -> None:
    cost = preset.acquisition_cost
    margin = preset.gross_margin
    _set(draft, FIELD_KEYS["average_order_value"], preset.average_order_value)
    _set(draft, FIELD_KEYS["orders_per_customer"], preset.orders_per_customer)
    _set(draft, FIELD_KEYS["gross_margin"], None if margin is None else round(margin * 100, 10))
    _set(draft, COST_ON_KEY, True)
    _set(draft, COST_KIND_KEY, "unit")
    _set(draft, PAID_STAGE_KEY, ids[preset.paid_index])
    _set(draft, PRICE_KEYS["unit"], cost.cost_per_unit)
    for key in PRICE_KEYS.values():
        draft.get(NOTES, {}).pop(key, None)


def _keep_own_costs(
    draft: dict[str, Any], preset: FunnelPreset, ids: list[int], old_role: str
) -> None:
    """Stages only: the price stays, on the stage in the same role, with a note to check it."""
    heir = {"top": ids[0], "last": ids[-1]}.get(old_role, ids[preset.paid_index])
    _set(draft, PAID_STAGE_KEY, heir)
    if draft.get(COST_ON_KEY):
        note = Phrase.of(
            N_("Kept from your plan: check it is the price per '{stage}'."),
            stage=stage_names(draft, unnamed_stage)[heir],
        )
        set_note(draft, _price_key(draft), note)


def reset_to_demo() -> None:
    """Forget every input and start again from the demo plan (on the tab the user is on)."""
    keep = {TABS_KEY, OPEN_TAB_KEY}
    for key in [key for key in st.session_state if str(key).startswith(PREFIX)]:
        if key not in keep:
            del st.session_state[key]


# --- Tabs ---------------------------------------------------------------------------------------


def remember_tab() -> None:
    """Remember which input tab is open, so it stays open when its label gains or loses ⚠.

    It is remembered by its English name, so it also stays open across a switch of language.
    """
    tab = tab_of_label(str(st.session_state.get(TABS_KEY) or ""))
    if tab is not None:
        st.session_state[OPEN_TAB_KEY] = tab


def open_tab(labels: list[str]) -> str:
    """The label, as drawn this run, of the tab the user last opened."""
    name = st.session_state.get(OPEN_TAB_KEY, TABS[0])
    return labels[TABS.index(name)] if name in TABS else labels[0]
