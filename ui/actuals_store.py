"""The results kept with the open saved plan: saved after every import, there next time.

A team imports its results every week; with a saved plan open, each import that reads well
(and each change to the typed weeks) replaces the plan's results in the plan store, so the
next visit, on any browser, starts from them. A file that can't be read never reaches the
store, so what is kept is always the last good import.

The session's results belong to one plan (``OWNER_KEY``): results read while the plan was
unsaved are kept with it once it is saved; opening another saved plan replaces them with
that plan's own.
"""

from __future__ import annotations

import contextlib
import hashlib
from typing import Any

import streamlit as st

from files.actuals_archive import pack, unpack
from planner.errors import PlanInvalid
from storage.records import ResultsInfo, StoreError
from storage.store import PlanStore
from ui import actuals_entry, actuals_import, saved
from ui.actuals_import import Imported
from ui.format import markdown, moment
from ui.i18n import t
from ui.store import store_error_text

KEY = "actuals.store."
OWNER_KEY = KEY + "owner"
"""The saved plan the session's results belong to (None while the plan is unsaved)."""
KEPT_KEY = KEY + "kept"
"""The fingerprint of the results last saved or loaded, so each is saved once."""
INFO_KEY = KEY + "info"
LOADED_KEY = KEY + "loaded"
"""The saved plan whose kept results this session has looked for (once per plan)."""
SOURCE_KEY = "actuals.source"
NO_OWNER = "none"


def follow_open_plan(store: PlanStore | None) -> None:
    """Make the session's results those of the open plan (call before the source widgets)."""
    opened = saved.current()
    plan_id = None if opened is None else opened.plan_id
    owner = st.session_state.get(OWNER_KEY, NO_OWNER)
    if owner not in (NO_OWNER, None, plan_id):
        _forget_session_results()  # another saved plan: its results, not the last one's
    st.session_state[OWNER_KEY] = plan_id
    if store is None or plan_id is None or st.session_state.get(LOADED_KEY) == plan_id:
        return
    st.session_state[LOADED_KEY] = plan_id
    has_results = actuals_import.current() is not None or actuals_entry.entries()
    if not has_results:  # results read before the plan was saved are kept, not replaced
        _load(store, plan_id)


def _forget_session_results() -> None:
    for key in (actuals_import.CURRENT_KEY, actuals_import.ATTEMPT_KEY, KEPT_KEY, INFO_KEY):
        st.session_state.pop(key, None)
    st.session_state.pop(actuals_entry.ENTRIES_KEY, None)
    st.session_state.pop(LOADED_KEY, None)
    actuals_import.forget_file()


def _load(store: PlanStore, plan_id: int) -> None:
    try:
        found = store.load_results(plan_id)
    except StoreError:
        return
    if found is None:
        return
    info = found.info
    fingerprint = f"stored:{plan_id}:{info.imported_at.isoformat()}"
    st.session_state[INFO_KEY] = info
    if info.kind == "typed":
        entries = info.summary.get("entries")
        if isinstance(entries, dict):
            typed = _entries(entries)
            st.session_state[actuals_entry.ENTRIES_KEY] = typed
            st.session_state[SOURCE_KEY] = "typed"
            st.session_state[KEPT_KEY] = _hashed(actuals_entry.typed_fingerprint(typed))
        return
    st.session_state[KEPT_KEY] = fingerprint
    try:
        actuals, log = unpack(found.payload)
    except PlanInvalid:
        return
    st.session_state[actuals_import.CURRENT_KEY] = Imported(
        info.name,
        "orders" if info.kind == "orders" else "funnel",
        actuals,
        log,
        dict(info.summary),
        fingerprint,
    )
    st.session_state[SOURCE_KEY] = "file"


def _entries(stored: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Typed weeks as stored (JSON), numbers checked again."""
    weeks: dict[str, dict[str, float]] = {}
    for week, values in stored.items():
        if isinstance(values, dict):
            numbers = {
                str(role): float(value)
                for role, value in values.items()
                if isinstance(value, int | float) and value >= 0
            }
            if numbers:
                weeks[str(week)] = numbers
    return weeks


def keep(store: PlanStore | None, imported: Imported | None) -> None:
    """Save results not saved yet with the open saved plan; say where they are kept."""
    opened = saved.current()
    if imported is None:
        return
    if store is None or opened is None:
        st.caption(t("Save the plan to keep these results with it for next time."))
        return
    fingerprint = _fingerprint(imported)
    if st.session_state.get(KEPT_KEY) != fingerprint:
        try:
            saved_info = store.save_results(
                opened.plan_id,
                name=imported.name,
                kind=imported.kind,
                summary=_summary(imported),
                payload=b"" if imported.kind == "typed" else pack(imported.actuals, imported.log),
                author=saved.author() or t("Someone"),
            )
        except StoreError as error:
            reason = store_error_text(error)
            st.warning(t("These results could not be kept with the plan: {reason}", reason=reason))
            return
        st.session_state[KEPT_KEY] = fingerprint
        st.session_state[INFO_KEY] = saved_info
    info = st.session_state.get(INFO_KEY)
    if isinstance(info, ResultsInfo):
        st.caption(
            markdown(
                t(
                    "Kept with the saved plan: '{name}', {when}, by {who}.",
                    name=info.name,
                    when=moment(info.imported_at),
                    who=info.imported_by,
                )
            )
        )


def _fingerprint(imported: Imported) -> str:
    if imported.fingerprint.startswith("stored:"):
        return imported.fingerprint
    return _hashed(imported.fingerprint)


def _hashed(fingerprint: str) -> str:
    return hashlib.sha256(fingerprint.encode()).hexdigest()


def _summary(imported: Imported) -> dict[str, Any]:
    if imported.kind == "typed":
        return {"entries": actuals_entry.entries()}
    return {key: value for key, value in imported.summary.items()}


def remove(store: PlanStore | None) -> None:
    """Forget the results, in the session and with the open saved plan."""
    opened = saved.current()
    if store is not None and opened is not None:
        with contextlib.suppress(StoreError):  # gone already: nothing left to forget
            store.delete_results(opened.plan_id)
    for key in (actuals_import.CURRENT_KEY, INFO_KEY):
        st.session_state.pop(key, None)
    st.session_state.pop(actuals_entry.ENTRIES_KEY, None)
    actuals_import.forget_file()
