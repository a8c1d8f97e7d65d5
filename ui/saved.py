"""The saved plan open in this session: which plan and version, and what saving it does.

This module owns the ``saved.*`` keys of ``st.session_state`` (``ui.state`` owns the inputs).
The open plan is also in the URL (``?plan=12``, with ``&version=3`` when an older version is
pinned), so a reload or a bookmark opens it again. A save names the version it started from;
when someone else saved in between the store refuses it, and the refusal is kept here until
the user loads theirs or saves theirs as a copy, so nothing is lost either way.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from planner.models import Plan
from storage.records import PlanNotFound, StoreError, VersionConflict, VersionInfo
from storage.store import PlanStore
from ui import state
from ui.i18n import t
from ui.store import store_error_text

OPEN_KEY = "saved.open"
AUTHOR_KEY = "saved.author"
CONFLICT_KEY = "saved.conflict"
FLASH_KEY = "saved.flash"
URL_SEEN_KEY = "saved.url_seen"
DIRTY_KEY = "saved.dirty"
MINE_KEY = "saved.mine"  # the user's own plan, kept after "load theirs" to bring back
PLAN_PARAM = "plan"
VERSION_PARAM = "version"


@dataclass(frozen=True)
class OpenPlan:
    """A saved plan loaded into the Plan page's inputs."""

    plan_id: int
    base_version: int  # the latest version when opened or saved: what the next save expects
    info: VersionInfo  # the version whose inputs were loaded (or were just saved)
    pinned: bool  # an older version opened on purpose; kept in the URL
    reference: Plan  # the loaded plan as the page reads it; unsaved changes differ from it


@dataclass(frozen=True)
class Conflict:
    """A save refused because someone saved first: theirs, and the plan that wasn't saved."""

    theirs: VersionInfo
    mine: Plan
    note: str


@dataclass(frozen=True)
class Flash:
    """One message for the next run: what an action did (``kind`` success, info or error)."""

    kind: str
    text: str


def current() -> OpenPlan | None:
    """The saved plan open in this session, if any."""
    found = st.session_state.get(OPEN_KEY)
    return found if isinstance(found, OpenPlan) else None


def author() -> str:
    """The name this session saves under (typed once per browser session)."""
    return str(st.session_state.get(AUTHOR_KEY) or "").strip()


def conflict() -> Conflict | None:
    """The save the store refused, until the user chooses what to do about it."""
    found = st.session_state.get(CONFLICT_KEY)
    return found if isinstance(found, Conflict) else None


def flash(kind: str, text: str) -> None:
    """Say ``text`` on the next run (after the rerun an action causes)."""
    st.session_state[FLASH_KEY] = Flash(kind, text)


def take_flash() -> Flash | None:
    """The message an action left, once."""
    found = st.session_state.pop(FLASH_KEY, None)
    return found if isinstance(found, Flash) else None


def remember_dirty(dirty: bool) -> None:
    """Whether the Plan page last had unsaved changes (other pages warn before replacing it)."""
    st.session_state[DIRTY_KEY] = dirty


def is_dirty() -> bool:
    """True when the Plan page last showed unsaved changes."""
    return bool(st.session_state.get(DIRTY_KEY))


def may_replace_inputs(key: str) -> bool:
    """True when the Plan page's inputs may be replaced: nothing unsaved, or the user agreed.

    With unsaved changes it draws a warning and a box to tick, keyed ``key``.
    """
    if not is_dirty():
        return True
    st.warning(t("The Plan page has unsaved changes; this replaces them."), icon="⚠️")
    return bool(st.checkbox(t("Replace my unsaved changes"), key=key))


def has_unsaved_changes(plan: Plan, has_problems: bool) -> bool:
    """True when the inputs differ from the open saved version (or a field is invalid)."""
    opened = current()
    if opened is None:
        return False
    return has_problems or plan != opened.reference


# --- The URL ------------------------------------------------------------------------------------


def follow_url(store: PlanStore | None) -> None:
    """Open the plan the URL names (once), or write the open plan into the URL."""
    wanted = _wanted()
    opened = current()
    if wanted is None:
        if opened is not None:
            _write_url(opened)
        return
    if wanted == st.session_state.get(URL_SEEN_KEY) or wanted == _address(opened):
        st.session_state[URL_SEEN_KEY] = wanted
        return
    st.session_state[URL_SEEN_KEY] = wanted
    if store is not None:
        load(store, *wanted)


def _wanted() -> tuple[int, int | None] | None:
    params = st.query_params
    plan_id = _whole(params.get(PLAN_PARAM))
    if plan_id is None:
        return None
    return plan_id, _whole(params.get(VERSION_PARAM))


def _whole(text: str | None) -> int | None:
    if text is None or not text.isascii() or not text.isdigit() or len(text) > 12:
        return None
    return int(text)


def _address(opened: OpenPlan | None) -> tuple[int, int | None] | None:
    if opened is None:
        return None
    return opened.plan_id, opened.info.number if opened.pinned else None


def _write_url(opened: OpenPlan) -> None:
    params = st.query_params
    if params.get(PLAN_PARAM) != str(opened.plan_id):
        params[PLAN_PARAM] = str(opened.plan_id)
    if opened.pinned:
        if params.get(VERSION_PARAM) != str(opened.info.number):
            params[VERSION_PARAM] = str(opened.info.number)
    elif VERSION_PARAM in params:
        del params[VERSION_PARAM]
    st.session_state[URL_SEEN_KEY] = _address(opened)


def forget_url() -> None:
    """Drop the plan from the URL (a new, unsaved plan)."""
    for name in (PLAN_PARAM, VERSION_PARAM):
        if name in st.query_params:
            del st.query_params[name]
    st.session_state.pop(URL_SEEN_KEY, None)


# --- Opening and saving -------------------------------------------------------------------------


def load(store: PlanStore, plan_id: int, version: int | None = None) -> bool:
    """Open a saved plan (its latest version, or ``version``) in the Plan page's inputs."""
    try:
        saved = store.load(plan_id, version)
        latest = store.summary(plan_id).latest_version
    except StoreError as error:
        flash("error", store_error_text(error))
        forget_url()
        return False
    reference = state.open_plan(saved.plan)
    pinned = version is not None and saved.info.number != latest
    opened = OpenPlan(plan_id, latest, saved.info, pinned, reference)
    st.session_state[OPEN_KEY] = opened
    st.session_state.pop(CONFLICT_KEY, None)
    _write_url(opened)
    return True


def start_unsaved(plan: Plan | None = None, *, given_names: bool = False) -> None:
    """Work on a plan that is not saved yet (``plan``, or the inputs as they are)."""
    st.session_state.pop(OPEN_KEY, None)
    st.session_state.pop(CONFLICT_KEY, None)
    if plan is not None:
        state.open_plan(plan, given_names=given_names)
    forget_url()


def start_over() -> None:
    """The demo plan again, as a new plan: the saved plan that was open stays as saved."""
    state.reset_to_demo()
    start_unsaved()


def save(store: PlanStore, plan: Plan, *, note: str, baseline: bool) -> VersionInfo | None:
    """Save ``plan`` as a new version of the open plan, or as a new plan; None if refused."""
    opened = current()
    try:
        if opened is None:
            info = store.create(plan, author=author(), note=note)
        else:
            info = store.save(
                opened.plan_id,
                plan,
                author=author(),
                note=note,
                expected_version=opened.base_version,
            )
        if baseline:
            store.mark_baseline(info.plan_id, info.number)
            info = store.history(info.plan_id)[0]
    except VersionConflict as refused:
        st.session_state[CONFLICT_KEY] = Conflict(refused.latest, plan, note)
        return None
    except PlanNotFound as error:
        flash("error", store_error_text(error))
        return None
    except StoreError as error:
        flash("error", store_error_text(error))
        return None
    _saved(info, plan)
    return info


def _saved(info: VersionInfo, plan: Plan) -> None:
    opened = OpenPlan(info.plan_id, info.number, info, False, plan)
    st.session_state[OPEN_KEY] = opened
    st.session_state.pop(CONFLICT_KEY, None)
    _write_url(opened)


def load_theirs(store: PlanStore) -> None:
    """Give up this save: open their latest version, keeping mine to bring back or download."""
    refused = conflict()
    opened = current()
    if refused is None or opened is None:
        return
    st.session_state[MINE_KEY] = refused.mine
    load(store, opened.plan_id)


def save_mine_as_copy(store: PlanStore, name: str) -> VersionInfo | None:
    """Keep both: mine becomes a new plan called ``name``; theirs stays as they saved it."""
    refused = conflict()
    if refused is None:
        return None
    copy = refused.mine.model_copy(update={"name": name})
    st.session_state.pop(OPEN_KEY, None)
    try:
        info = store.create(copy, author=author(), note=refused.note)
    except StoreError as error:
        flash("error", store_error_text(error))
        return None
    _saved(info, state.open_plan(copy))
    return info


def kept_mine() -> Plan | None:
    """The user's own plan after "load theirs", until brought back or dismissed."""
    found = st.session_state.get(MINE_KEY)
    return found if isinstance(found, Plan) else None


def bring_back_mine() -> None:
    """Put my plan back into the inputs, as unsaved changes on top of their version."""
    mine = st.session_state.pop(MINE_KEY, None)
    if isinstance(mine, Plan):
        state.open_plan(mine)


def dismiss_mine() -> None:
    """Forget my kept plan."""
    st.session_state.pop(MINE_KEY, None)
