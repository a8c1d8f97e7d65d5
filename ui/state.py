"""The one module that owns ``st.session_state`` for the Plan page.

Widgets hold what the user typed under ``plan.*`` keys. Streamlit deletes a widget's state
when its page (or the widget) is not drawn, so a durable mirror of every value, the draft,
lives under ``plan.draft`` and re-seeds the widgets when they come back. The last plan that
passed validation lives under ``plan.last_valid``: results are drawn from it, so a bad value
in one field never blanks the page.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from planner.errors import FieldProblem, PlanInvalid, parse_plan
from planner.models import MAX_STAGES, MIN_STAGES, Plan
from planner.presets import PRESETS, demo_plan
from ui.draft import (
    FIELD_KEYS,
    FORWARD_KEYS,
    NEXT_STAGE_ID,
    PREFIX,
    STAGE_IDS,
    draft_from_plan,
    plan_data,
    stage_key,
    widget_key_for,
)
from ui.work import forward_starting_points

DRAFT_KEY = PREFIX + "draft"
LAST_VALID_KEY = PREFIX + "last_valid"
STRUCTURE_KEYS = {STAGE_IDS, NEXT_STAGE_ID}
PAID_STAGE_KEY = FIELD_KEYS["acquisition_cost.stage"]


def load_draft() -> dict[str, Any]:
    """The draft, brought up to date with the widgets (created with the demo plan)."""
    state = st.session_state
    if DRAFT_KEY not in state:
        state[DRAFT_KEY] = draft_from_plan(demo_plan())
    draft: dict[str, Any] = state[DRAFT_KEY]
    for key, value in draft.items():
        if key in STRUCTURE_KEYS:
            continue
        if key in state:
            draft[key] = state[key]
        else:
            state[key] = value
    return draft


def validate(draft: dict[str, Any]) -> tuple[Plan | None, list[FieldProblem]]:
    """Validate the draft; remember it as the last valid plan when it passes."""
    try:
        plan = parse_plan(plan_data(draft))
    except PlanInvalid as invalid:
        return None, invalid.problems
    st.session_state[LAST_VALID_KEY] = plan
    return plan, []


def last_valid_plan() -> Plan:
    """The most recent plan that passed validation (the demo plan before any)."""
    return st.session_state.get(LAST_VALID_KEY) or demo_plan()


def problems_by_widget(
    draft: dict[str, Any], problems: list[FieldProblem]
) -> tuple[dict[str, FieldProblem], list[FieldProblem]]:
    """Split problems into those shown beside a widget and those with no widget of their own."""
    beside: dict[str, FieldProblem] = {}
    elsewhere = []
    for problem in problems:
        key = widget_key_for(problem.field, draft)
        if key is None or key in beside:
            elsewhere.append(problem)
        else:
            beside[key] = problem
    return beside, elsewhere


def _set(draft: dict[str, Any], key: str, value: Any) -> None:
    draft[key] = value
    st.session_state[key] = value


def add_stage(draft: dict[str, Any]) -> None:
    """Append an empty stage before the last one (the last stage counts customers)."""
    ids: list[int] = draft[STAGE_IDS]
    if len(ids) >= MAX_STAGES:
        return
    new_id = draft[NEXT_STAGE_ID]
    draft[NEXT_STAGE_ID] = new_id + 1
    _set(draft, stage_key(new_id, "name"), f"Stage {len(ids)}")
    _set(draft, stage_key(new_id, "rate"), 50.0)
    ids.insert(max(len(ids) - 1, 1), new_id)


def remove_stage(draft: dict[str, Any], stage_id: int) -> None:
    """Drop a stage and forget its widgets; a paid stage hands its cost to the one in its place."""
    ids: list[int] = draft[STAGE_IDS]
    if len(ids) <= MIN_STAGES or stage_id not in ids:
        return
    position = ids.index(stage_id)
    ids.remove(stage_id)
    if draft.get(PAID_STAGE_KEY) == stage_id:
        _set(draft, PAID_STAGE_KEY, ids[min(position, len(ids) - 1)])
    for part in ("name", "rate"):
        draft.pop(stage_key(stage_id, part), None)
        st.session_state.pop(stage_key(stage_id, part), None)


def move_stage(draft: dict[str, Any], stage_id: int, step: int) -> None:
    """Move a stage up (step −1) or down (+1); a stage moved to the top loses its rate."""
    ids: list[int] = draft[STAGE_IDS]
    old = ids.index(stage_id)
    new = old + step
    if not 0 <= new < len(ids):
        return
    ids[old], ids[new] = ids[new], ids[old]
    first = ids[0]
    for moved in (ids[old], ids[new]):
        if moved != first and draft.get(stage_key(moved, "rate")) is None:
            _set(draft, stage_key(moved, "rate"), 50.0)


def apply_preset(draft: dict[str, Any], preset_key: str) -> None:
    """Replace the funnel with a preset's stages and rates; the paid stage becomes the top."""
    preset = PRESETS[preset_key]
    for stage_id in list(draft[STAGE_IDS]):
        for part in ("name", "rate"):
            draft.pop(stage_key(stage_id, part), None)
            st.session_state.pop(stage_key(stage_id, part), None)
    first_id = draft[NEXT_STAGE_ID]
    ids = list(range(first_id, first_id + len(preset.stages)))
    draft[STAGE_IDS] = ids
    draft[NEXT_STAGE_ID] = first_id + len(ids)
    for stage_id, stage in zip(ids, preset.stages, strict=True):
        _set(draft, stage_key(stage_id, "name"), stage.name)
        rate = None if stage.conversion_rate is None else round(stage.conversion_rate * 100, 10)
        _set(draft, stage_key(stage_id, "rate"), rate)
    _set(draft, PAID_STAGE_KEY, ids[0])


def reset_to_demo() -> None:
    """Forget every input and start again from the demo plan."""
    for key in [key for key in st.session_state if str(key).startswith(PREFIX)]:
        del st.session_state[key]


def prefill_forward_amounts(draft: dict[str, Any]) -> None:
    """Fill empty traffic and budget with the backward plan's, so both directions agree."""
    for driver, amount in forward_starting_points(last_valid_plan()).items():
        key = FORWARD_KEYS[driver]
        if draft.get(key) is None:
            _set(draft, key, amount)
