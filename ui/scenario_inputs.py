"""The Scenarios page's editors: what-if scenarios and uncertain inputs.

Every widget shows one value of the draft's what-if block (``ui.whatif_draft``): it is seeded
from the block when it has no state (the first visit, or back from another page, which
clears a page's widgets) and writes its new value back in its callback. So what is typed here
is part of the plan the Plan page saves, and survives a trip to any other page.

An input is chosen by a code: ``stage_rate#3`` for the rate of the stage with id 3,
``stage_rate:Checkout`` for the rate of a stage that is no longer in the funnel (kept by its
last name), or the plan-file name of any other input (``average_order_value``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from i18n.catalogue import N_
from planner.errors import PlanInvalid, PlannerError
from planner.funnel import plan_backwards
from planner.models import Plan
from planner.scenarios.inputs import MAX_OVERRIDES, MAX_SCENARIOS, MAX_UNCERTAIN, RATE_TARGETS
from planner.scenarios.overrides import current_value
from ui.draft import STAGE_IDS, stage_names
from ui.format import wording
from ui.i18n import t, worded
from ui.scenario_words import MONEY_TARGETS, input_label
from ui.whatif_draft import PERCENT_TARGETS, STAGE_RATE, WHATIF, new_id, to_percent

KEY = "whatif."
VALUE_FORMAT = "%.6g"  # as typed: 10, 0.35, 12.5 (not 10.00)
MODES = {"relative": N_("Change by %"), "absolute": N_("Set to")}
KINDS = {"range": N_("Range"), "observed": N_("Counts seen")}
SHAPES = {"pert": N_("PERT"), "triangular": N_("Triangular"), "uniform": N_("Uniform")}
DEFAULT_CHANGE_PERCENT = 10.0


def block(draft: dict[str, Any]) -> dict[str, Any]:
    """The draft's what-if block."""
    whatif: dict[str, Any] = draft[WHATIF]
    return whatif


# --- Input choices ----------------------------------------------------------------------------


def input_codes(plan: Plan, draft: Mapping[str, Any], *, amounts: bool) -> list[str]:
    """The inputs a row can choose: each stage's rate, then the plan's other inputs."""
    codes = [f"{STAGE_RATE}#{stage_id}" for stage_id in draft[STAGE_IDS][1:]]
    codes += ["average_order_value", "orders_per_customer", "gross_margin"]
    cost = plan.acquisition_cost
    if cost is not None and cost.paid_per_impression:
        codes += ["cost_per_mille", "click_through_rate"]
    elif cost is not None:
        codes.append("cost_per_unit")
    if plan.returning_customers is not None:
        codes += [
            "returning_repeat_purchase_rate",
            "returning_orders_per_customer",
            "returning_average_order_value",
            "returning_active_customers",
        ]
    if amounts:
        codes += ["revenue_target", "traffic"]
        if cost is not None and cost.cost_per_entry > 0:
            codes.append("budget")
    return codes


def code_of(row: Mapping[str, Any]) -> str:
    """The choice code of a row's input."""
    if row["target"] != STAGE_RATE:
        return str(row["target"])
    if row.get("stage_id") is not None:
        return f"{STAGE_RATE}#{row['stage_id']}"
    return f"{STAGE_RATE}:{row.get('stage') or ''}"


def _set_code(row: dict[str, Any], code: str, names: Mapping[int, str]) -> None:
    if code.startswith(f"{STAGE_RATE}#"):
        stage_id = int(code.split("#", 1)[1])
        row.update(target=STAGE_RATE, stage_id=stage_id, stage=names.get(stage_id))
    elif code.startswith(f"{STAGE_RATE}:"):
        row.update(target=STAGE_RATE, stage_id=None, stage=code.split(":", 1)[1])
    else:
        row.update(target=code, stage_id=None, stage=None)


def code_label(plan: Plan, code: str, names: Mapping[int, str]) -> str:
    """What a choice code reads as: ``Conversion to 'Checkout'``."""
    row: dict[str, Any] = {}
    _set_code(row, code, names)
    label = input_label(plan, row["target"], row["stage"], wording())
    if code.startswith(f"{STAGE_RATE}:"):
        return t("{input} (no longer a stage)", input=label)
    return label


def _page_value(plan: Plan, row: Mapping[str, Any]) -> float | None:
    """The plan's current value of a row's input, in the page's units."""
    if row["target"] in {"traffic", "budget"}:
        return _planned_amount(plan, row["target"])
    value = current_value(plan, row["target"], row.get("stage"))
    if value is None:
        return None
    return to_percent(value) if row["target"] in PERCENT_TARGETS else value


def _planned_amount(plan: Plan, target: str) -> float | None:
    """The traffic or budget the plan needs: where a scenario's amount starts."""
    try:
        result = plan_backwards(plan)
    except (PlanInvalid, PlannerError):
        return None
    return float(result.stages[0].required) if target == "traffic" else result.budget


def unit_label(plan: Plan, target: str, mode: str = "absolute") -> str:
    """The unit a value is typed in: ``%``, the currency, or nothing for a count."""
    if mode == "relative" or target in PERCENT_TARGETS:
        return "%"
    return plan.currency if target in MONEY_TARGETS else ""


# --- Widgets bound to the draft ---------------------------------------------------------------


def _seed(key: str, value: Any) -> None:
    if key not in st.session_state:
        st.session_state[key] = value


def _store(row: dict[str, Any], field: str, key: str) -> Callable[[], None]:
    def write() -> None:
        row[field] = st.session_state[key]

    return write


# --- Scenarios --------------------------------------------------------------------------------


def scenario_editors(plan: Plan, draft: dict[str, Any], notes: Mapping[int, list[str]]) -> None:
    """Every scenario's name and changes, and a button to add one."""
    whatif = block(draft)
    for scenario in whatif["scenarios"]:
        with st.container(border=True, key=f"{KEY}s{scenario['id']}"):
            _scenario_editor(plan, draft, scenario, notes)
    full = len(whatif["scenarios"]) >= MAX_SCENARIOS
    with st.container(horizontal=True):
        st.button(
            t("Add a scenario"),
            icon=":material/add:",
            key=f"{KEY}add_scenario",
            disabled=full,
            on_click=add_scenario,
            args=(plan, draft),
            help=t("At most {count} scenarios", count=MAX_SCENARIOS) if full else None,
        )
        if not whatif["scenarios"]:
            st.button(
                t("Start from two examples"),
                icon=":material/lightbulb:",
                key=f"{KEY}examples",
                on_click=add_examples,
                args=(plan, draft),
                help=t("A better last step, and cheaper traffic (or bigger orders)."),
            )


def _scenario_editor(
    plan: Plan, draft: dict[str, Any], scenario: dict[str, Any], notes: Mapping[int, list[str]]
) -> None:
    sid = scenario["id"]
    name_key = f"{KEY}s{sid}.name"
    _seed(name_key, scenario["name"])
    st.text_input(t("Scenario name"), key=name_key, on_change=_store(scenario, "name", name_key))
    codes = input_codes(plan, draft, amounts=True)
    for change in scenario["changes"]:
        _change_editor(plan, draft, scenario, change, codes)
        for note in notes.get(change["id"], []):
            st.warning(note, icon=":material/warning:")
    if not scenario["changes"]:
        st.caption(t("No changes yet: this scenario is the plan as it is."))
    for note in notes.get(sid, []):
        st.warning(note, icon=":material/warning:")
    with st.container(horizontal=True):
        st.button(
            t("Add a change"),
            icon=":material/add:",
            key=f"{KEY}s{sid}.add",
            on_click=add_change,
            args=(plan, draft, sid),
            disabled=len(scenario["changes"]) >= MAX_OVERRIDES,
        )
        st.button(
            t("Duplicate"),
            icon=":material/content_copy:",
            key=f"{KEY}s{sid}.copy",
            help=t("Duplicate this scenario"),
            on_click=duplicate_scenario,
            args=(draft, sid),
            disabled=len(block(draft)["scenarios"]) >= MAX_SCENARIOS,
        )
        st.button(
            t("Remove"),
            icon=":material/delete:",
            key=f"{KEY}s{sid}.remove",
            help=t("Remove this scenario"),
            on_click=remove_scenario,
            args=(draft, sid),
        )


def _change_editor(
    plan: Plan,
    draft: dict[str, Any],
    scenario: dict[str, Any],
    change: dict[str, Any],
    codes: list[str],
) -> None:
    cid = change["id"]
    names = stage_names(draft)
    code = code_of(change)
    options = codes if code in codes else [*codes, code]
    keys = {part: f"{KEY}c{cid}.{part}" for part in ("input", "mode", "value")}
    _seed(keys["input"], code)
    _seed(keys["mode"], change["mode"])
    _seed(keys["value"], change["value"])
    _input_row(
        plan,
        options,
        names,
        keys["input"],
        choose=(_choose_input, (plan, draft, change, keys)),
        remove=(f"{KEY}c{cid}.remove", t("Remove this change"), scenario["changes"], cid),
    )
    second = st.columns(2, vertical_alignment="bottom")
    second[0].selectbox(
        t("How"),
        list(MODES),
        key=keys["mode"],
        format_func=worded(MODES),
        on_change=_choose_mode,
        args=(plan, change, keys),
    )
    unit = unit_label(plan, change["target"], change["mode"])
    second[1].number_input(
        t("Value ({unit})", unit=unit) if unit else t("Value"),
        key=keys["value"],
        value=None,
        step=_step(change),
        format=VALUE_FORMAT,
        on_change=_store(change, "value", keys["value"]),
    )


def _input_row(
    plan: Plan,
    options: list[str],
    names: Mapping[int, str],
    key: str,
    *,
    choose: tuple[Callable[..., None], tuple[Any, ...]],
    remove: tuple[str, str, list[dict[str, Any]], int],
) -> None:
    """The input a row changes or draws, and the button that removes the row."""
    row = st.container(horizontal=True, vertical_alignment="bottom")
    row.selectbox(
        t("Input"),
        options,
        key=key,
        format_func={option: code_label(plan, option, names) for option in options}.__getitem__,
        on_change=choose[0],
        args=choose[1],
        width="stretch",
    )
    button_key, help_text, rows_of, entry = remove
    row.button(
        "",
        icon=":material/close:",
        key=button_key,
        help=help_text,
        on_click=remove_row,
        args=(rows_of, entry),
    )


def _step(row: Mapping[str, Any]) -> float:
    if row.get("mode") == "relative" or row["target"] in PERCENT_TARGETS:
        return 1.0
    return 0.01 if row["target"] in MONEY_TARGETS else 1.0


def _choose_input(
    plan: Plan, draft: dict[str, Any], change: dict[str, Any], keys: Mapping[str, str]
) -> None:
    _set_code(change, st.session_state[keys["input"]], stage_names(draft))
    change["value"] = _starting_value(plan, change)
    st.session_state[keys["mode"]] = change["mode"]
    st.session_state[keys["value"]] = change["value"]


def _choose_mode(plan: Plan, change: dict[str, Any], keys: Mapping[str, str]) -> None:
    change["mode"] = st.session_state[keys["mode"]]
    change["value"] = _starting_value(plan, change)
    st.session_state[keys["value"]] = change["value"]


def _starting_value(plan: Plan, change: Mapping[str, Any]) -> float | None:
    """+10% for a relative change; the plan's own value to edit for an absolute one."""
    if change["mode"] == "relative":
        return DEFAULT_CHANGE_PERCENT
    return _page_value(plan, change)


def add_scenario(plan: Plan, draft: dict[str, Any]) -> None:
    """A new scenario, named "Scenario N", with one change ready to edit."""
    whatif = block(draft)
    if len(whatif["scenarios"]) >= MAX_SCENARIOS:
        return
    taken = {str(s["name"]).casefold() for s in whatif["scenarios"]}
    number = len(whatif["scenarios"]) + 1
    while t("Scenario {number}", number=number).casefold() in taken:
        number += 1
    name = t("Scenario {number}", number=number)
    scenario: dict[str, Any] = {"id": new_id(whatif), "name": name, "changes": []}
    whatif["scenarios"].append(scenario)
    add_change(plan, draft, scenario["id"])


def add_change(plan: Plan, draft: dict[str, Any], sid: int) -> None:
    """A change of the last stage's rate by +10%, the commonest what-if, ready to edit."""
    whatif = block(draft)
    scenario = next(s for s in whatif["scenarios"] if s["id"] == sid)
    if len(scenario["changes"]) >= MAX_OVERRIDES:
        return
    last = draft[STAGE_IDS][-1]
    change = {
        "id": new_id(whatif),
        "target": STAGE_RATE,
        "stage_id": last,
        "stage": stage_names(draft).get(last),
        "mode": "relative",
        "value": DEFAULT_CHANGE_PERCENT,
    }
    scenario["changes"].append(change)


def add_examples(plan: Plan, draft: dict[str, Any]) -> None:
    """Two worked scenarios to start from.

    The last step converting 10% better, and traffic 20% cheaper (orders 5% bigger when the
    plan buys no traffic).
    """
    whatif = block(draft)
    if whatif["scenarios"]:
        return
    last = draft[STAGE_IDS][-1]
    name = stage_names(draft).get(last, "")
    better: dict[str, Any] = {"target": STAGE_RATE, "stage_id": last, "stage": name}
    better |= {"mode": "relative", "value": DEFAULT_CHANGE_PERCENT}
    cost = plan.acquisition_cost
    if cost is not None and cost.cost_per_entry > 0:
        target = "cost_per_mille" if cost.paid_per_impression else "cost_per_unit"
        second = (t("Cheaper traffic"), {"target": target, "value": -20.0})
    else:
        second = (t("Bigger orders"), {"target": "average_order_value", "value": 5.0})
    examples = [
        (t("Better '{stage}'", stage=name), better),
        (second[0], {"stage_id": None, "stage": None, "mode": "relative", **second[1]}),
    ]
    for title, change in examples:
        changes = [{"id": new_id(whatif), **change}]
        whatif["scenarios"].append({"id": new_id(whatif), "name": title, "changes": changes})


def duplicate_scenario(draft: dict[str, Any], sid: int) -> None:
    """A copy of the scenario, named "<name> (copy)", below the others."""
    whatif = block(draft)
    if len(whatif["scenarios"]) >= MAX_SCENARIOS:
        return
    source = next(s for s in whatif["scenarios"] if s["id"] == sid)
    changes = [{**change, "id": new_id(whatif)} for change in source["changes"]]
    name = t("{name} (copy)", name=source["name"])
    whatif["scenarios"].append({"id": new_id(whatif), "name": name, "changes": changes})


def remove_scenario(draft: dict[str, Any], sid: int) -> None:
    """Drop the scenario."""
    remove_row(block(draft)["scenarios"], sid)


def remove_row(rows: list[dict[str, Any]], entry: int) -> None:
    """Drop the row with id ``entry`` from ``rows``."""
    rows[:] = [row for row in rows if row["id"] != entry]


# --- Uncertain inputs -------------------------------------------------------------------------


def uncertain_editors(plan: Plan, draft: dict[str, Any], notes: Mapping[int, list[str]]) -> None:
    """Every uncertain input, and a button to add one."""
    whatif = block(draft)
    codes = input_codes(plan, draft, amounts=False)
    for row in whatif["uncertain"]:
        with st.container(border=True, key=f"{KEY}u{row['id']}"):
            _uncertain_editor(plan, draft, row, codes)
            for note in notes.get(row["id"], []):
                st.warning(note, icon=":material/warning:")
    full = len(whatif["uncertain"]) >= MAX_UNCERTAIN
    st.button(
        t("Add an uncertain input"),
        icon=":material/add:",
        key=f"{KEY}add_uncertain",
        disabled=full,
        on_click=add_uncertain,
        args=(plan, draft),
    )


def _uncertain_editor(
    plan: Plan, draft: dict[str, Any], row: dict[str, Any], codes: list[str]
) -> None:
    uid = row["id"]
    names = stage_names(draft)
    code = code_of(row)
    options = codes if code in codes else [*codes, code]
    fields = ("input", "kind", "low", "likely", "high", "shape", "successes", "trials")
    keys = {part: f"{KEY}u{uid}.{part}" for part in fields}
    _seed(keys["input"], code)
    for field in fields[1:]:
        _seed(keys[field], row.get(field))
    _input_row(
        plan,
        options,
        names,
        keys["input"],
        choose=(_choose_uncertain_input, (plan, draft, row, keys)),
        remove=(
            f"{KEY}u{uid}.remove",
            t("Remove this uncertain input"),
            block(draft)["uncertain"],
            uid,
        ),
    )
    kinds = list(KINDS) if row["target"] in RATE_TARGETS else ["range"]
    how = st.columns(2, vertical_alignment="bottom")
    how[0].selectbox(
        t("Known as"),
        kinds,
        key=keys["kind"],
        format_func=worded(KINDS),
        on_change=_store(row, "kind", keys["kind"]),
    )
    if row["kind"] == "observed":
        _observed_inputs(row, keys)
        return
    how[1].selectbox(
        t("Shape"),
        list(SHAPES),
        key=keys["shape"],
        format_func=worded(SHAPES),
        on_change=_store(row, "shape", keys["shape"]),
    )
    _range_inputs(plan, row, keys)


def _range_inputs(plan: Plan, row: dict[str, Any], keys: Mapping[str, str]) -> None:
    unit = unit_label(plan, row["target"])
    labels = {"low": N_("Low"), "likely": N_("Most likely"), "high": N_("High")}
    columns = st.columns(3, vertical_alignment="bottom")
    for column, (field, label) in zip(columns, labels.items(), strict=True):
        column.number_input(
            f"{t(label)} ({unit})" if unit else t(label),
            key=keys[field],
            value=None,
            step=_step(row),
            format=VALUE_FORMAT,
            on_change=_store(row, field, keys[field]),
        )


def _observed_inputs(row: dict[str, Any], keys: Mapping[str, str]) -> None:
    columns = st.columns(2, vertical_alignment="bottom")
    columns[0].number_input(
        t("Converted"),
        key=keys["successes"],
        value=None,
        min_value=0,
        step=1,
        on_change=_store(row, "successes", keys["successes"]),
    )
    columns[1].number_input(
        t("Out of"),
        key=keys["trials"],
        value=None,
        min_value=1,
        step=1,
        on_change=_store(row, "trials", keys["trials"]),
    )


def _choose_uncertain_input(
    plan: Plan, draft: dict[str, Any], row: dict[str, Any], keys: Mapping[str, str]
) -> None:
    _set_code(row, st.session_state[keys["input"]], stage_names(draft))
    if row["target"] not in RATE_TARGETS:
        row["kind"] = "range"
    row.update(_range_around(plan, row))
    for field in ("kind", "low", "likely", "high"):
        st.session_state[keys[field]] = row[field]


def _range_around(plan: Plan, row: Mapping[str, Any]) -> dict[str, float | None]:
    """A ±10% range around the plan's value, as a first guess to edit."""
    value = _page_value(plan, row)
    if value is None:
        return {"low": None, "likely": None, "high": None}
    high = value * 1.1
    if row["target"] in PERCENT_TARGETS:
        high = min(high, 100.0)
    return {"low": round(value * 0.9, 6), "likely": value, "high": round(high, 6)}


def add_uncertain(plan: Plan, draft: dict[str, Any]) -> None:
    """The last stage's rate as a ±10% PERT range: the commonest doubt, ready to edit."""
    whatif = block(draft)
    if len(whatif["uncertain"]) >= MAX_UNCERTAIN:
        return
    used = {code_of(row) for row in whatif["uncertain"]}
    free = [c for c in input_codes(plan, draft, amounts=False) if c not in used]
    if not free:
        return
    row: dict[str, Any] = {"id": new_id(whatif), "kind": "range", "shape": "pert"}
    row |= {"successes": None, "trials": None}
    _set_code(row, _first_choice(free), stage_names(draft))
    row.update(_range_around(plan, row))
    whatif["uncertain"].append(row)


def _first_choice(free: list[str]) -> str:
    """The last free stage rate (the purchase step), else the first free input."""
    rates = [code for code in free if code.startswith(STAGE_RATE)]
    return rates[-1] if rates else free[0]
