"""The Plan page's bar for the saved plan: where it stands, Save, Export and Share.

The line under the title says which saved plan and version is open and whether the inputs
have changed since; Save makes a new version (with the author's name, typed once per
session, and an optional note); Export hands out the plan file, the live workbook and the
tables; Share makes a read-only link to the saved version, or a link that carries the plan.
A save refused because someone saved first is shown here until the user picks a way out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

import streamlit as st

from files.links import LinkTooLong, encode_plan
from i18n.formats import Formats
from planner.models import Plan
from planner.results import PlanResult, Projection
from storage.records import StoreError
from storage.store import PlanStore
from ui import saved
from ui.format import count, markdown, moment
from ui.i18n import formats, t
from ui.store import store_error_text

SAVE_NOTE_KEY = "saved.note"
SAVE_BASELINE_KEY = "saved.baseline"
COPY_NAME_KEY = "saved.copy_name"
LAST_LINK_KEY = "saved.last_link"  # ((plan id, version), token) of the link last made
SHARED_PAGE = "shared"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"
_UNSAFE_IN_FILE_NAMES = re.compile(r"[^\w\-]+")


def save_bar(
    store: PlanStore | None,
    plan: Plan,
    outcome: PlanResult | Projection | None,
    *,
    has_problems: bool,
) -> None:
    """Status, Save, Export and Share for the plan on the page."""
    dirty = saved.has_unsaved_changes(plan, has_problems)
    saved.remember_dirty(dirty)
    _flash()
    with st.container(horizontal=True, vertical_alignment="center", key="saved-bar"):
        st.caption(markdown(status_line(dirty)), width="content")
        with st.popover(t("Save"), icon=":material/save:"):
            _save_form(store, plan, has_problems)
        with st.popover(t("Export"), icon=":material/download:"):
            _exports(plan, outcome, has_problems)
        with st.popover(t("Share"), icon=":material/share:"):
            _share(store, plan, dirty, has_problems)
    if store is not None:
        _conflict(store)
        _kept_mine()


def _flash() -> None:
    message = saved.take_flash()
    if message is None:
        return
    shown = {"success": st.success, "info": st.info}.get(message.kind, st.error)
    shown(message.text)


def status_line(dirty: bool) -> str:
    """``Saved plan · version 3 of 5 · saved by Sara, March 2, 2027, 14:05 UTC``."""
    opened = saved.current()
    if opened is None:
        return t("Not saved yet: **Save** keeps this plan and its versions.")
    info = opened.info
    parts = [
        t(
            "Version {number} of {latest}",
            number=count(info.number),
            latest=count(opened.base_version),
        ),
        t("saved by {author}, {when}", author=info.author, when=moment(info.saved_at)),
    ]
    if info.is_baseline:
        parts.append(t("the baseline"))
    if info.note:
        parts.append(t("“{note}”", note=info.note))
    line = " · ".join(parts)
    if dirty:
        line = t("**Unsaved changes** · ") + line
    return line


def author_field() -> None:
    """The name this session saves under; asked once, kept for the session."""
    st.text_input(
        t("Your name"),
        key=saved.AUTHOR_KEY,
        max_chars=80,
        placeholder=t("Shown beside every version you save"),
        persist_state="session",
    )


def _save_form(store: PlanStore | None, plan: Plan, has_problems: bool) -> None:
    if store is None:
        st.caption(t("Saving is off until the database is back."))
        return
    author_field()
    st.text_input(
        t("Note (optional)"), key=SAVE_NOTE_KEY, max_chars=500, placeholder=t("What changed")
    )
    st.checkbox(
        t("Mark as the baseline (the plan as committed for the period)"), key=SAVE_BASELINE_KEY
    )
    reason = _why_not_save(has_problems)
    if reason:
        st.caption(reason)
    st.button(
        t("Save version"),
        type="primary",
        disabled=bool(reason),
        on_click=_save,
        args=(store, plan),
        key="saved.save",
    )


def _why_not_save(has_problems: bool) -> str:
    if has_problems:
        return t("Fix the fields marked ⚠ first: only a valid plan is saved.")
    if not saved.author():
        return t("Type your name first: every version says who saved it.")
    return ""


def _save(store: PlanStore, plan: Plan) -> None:
    note = str(st.session_state.get(SAVE_NOTE_KEY) or "").strip()
    baseline = bool(st.session_state.get(SAVE_BASELINE_KEY))
    info = saved.save(store, plan, note=note, baseline=baseline)
    if info is None:
        return
    st.session_state[SAVE_NOTE_KEY] = ""
    st.session_state[SAVE_BASELINE_KEY] = False
    if info.number == 1:
        saved.flash("success", t("Saved '{name}' as a new plan.", name=plan.name))
    else:
        saved.flash(
            "success",
            t("Saved version {number} of '{name}'.", number=count(info.number), name=plan.name),
        )


def _conflict(store: PlanStore) -> None:
    refused = saved.conflict()
    if refused is None:
        return
    theirs = refused.theirs
    st.warning(
        t(
            "Not saved: {author} saved version {number} at {when}, after you opened this plan. "
            "Your changes are still here. Load their version (yours stays available to bring "
            "back), or save yours as a copy.",
            author=theirs.author,
            number=count(theirs.number),
            when=moment(theirs.saved_at),
        ),
        icon="⚠️",
    )
    load_column, copy_column = st.columns(2)
    load_column.button(
        t("Load theirs"), on_click=saved.load_theirs, args=(store,), key="saved.load_theirs"
    )
    with copy_column:
        default = t("{name} (my copy)", name=refused.mine.name)[:80]
        st.text_input(t("Name of the copy"), value=default, key=COPY_NAME_KEY, max_chars=80)
        st.button(
            t("Save mine as a copy"), on_click=_save_copy, args=(store,), key="saved.save_copy"
        )


def _save_copy(store: PlanStore) -> None:
    name = str(st.session_state.get(COPY_NAME_KEY) or "").strip()
    if not name:
        saved.flash("error", t("'{field}' is required.", field=t("Name of the copy")))
        return
    info = saved.save_mine_as_copy(store, name)
    if info is not None:
        saved.flash("success", t("Saved your version as a new plan, '{name}'.", name=name))


def _kept_mine() -> None:
    mine = saved.kept_mine()
    if mine is None:
        return
    st.info(
        t("Their version is open. Your unsaved version is kept until you dismiss it."),
        icon="ℹ️",
    )
    back, download, dismiss = st.columns(3)
    back.button(t("Bring mine back"), on_click=saved.bring_back_mine, key="saved.bring_back")
    download.download_button(
        t("Download mine (JSON)"),
        data=mine.model_dump_json(indent=2),
        file_name=file_name(mine.name, "json"),
        mime="application/json",
        on_click="ignore",
        key="saved.download_mine",
    )
    dismiss.button(t("Dismiss"), on_click=saved.dismiss_mine, key="saved.dismiss_mine")


# --- Export and share ---------------------------------------------------------------------------


def workbook(plan: Plan, reader: Formats) -> bytes:
    """The live Excel model, built only when asked for (XlsxWriter loads on first use)."""
    from files.workbook import build_workbook

    return build_workbook(plan, reader)


def funnel_csv(plan: Plan, outcome: PlanResult | Projection, reader: Formats) -> bytes:
    """The funnel table shown on the page, as CSV."""
    from files.tables import backward_csv, forward_csv

    if isinstance(outcome, PlanResult):
        return backward_csv(plan, outcome, reader)
    return forward_csv(plan, outcome, reader)


def summary_csv(plan: Plan, outcome: PlanResult | Projection, reader: Formats) -> bytes:
    """The headline metrics (revenue, customers, budget, CAC, ROAS...), as CSV."""
    from files.tables import summary_csv as build

    return build(plan, outcome, reader)


def plan_json(plan: Plan) -> str:
    """The plan file, as the CLI reads it."""
    return plan.model_dump_json(indent=2) + "\n"


def file_name(name: str, extension: str) -> str:
    """A download's name from the plan's: letters (any script), digits, dashes."""
    stem = _UNSAFE_IN_FILE_NAMES.sub("-", name).strip("-_")[:60] or "plan"
    return f"{stem}.{extension}"


def _exports(plan: Plan, outcome: PlanResult | Projection | None, has_problems: bool) -> None:
    if has_problems:
        st.caption(t("Showing the last valid plan: fix the fields marked ⚠ to export your edits."))
    reader = formats()
    downloads: list[tuple[str, Callable[[], bytes | str], str, str]] = [
        (t("Plan file (JSON)"), lambda: plan_json(plan), "json", "application/json"),
        (t("Excel workbook (live formulas)"), lambda: workbook(plan, reader), "xlsx", XLSX),
    ]
    if outcome is not None:
        table = outcome
        label = t("Funnel table (CSV)")
        if isinstance(outcome, Projection):
            label = t("Projection table (CSV)")
        downloads.append((label, lambda: funnel_csv(plan, table, reader), "funnel.csv", CSV))
        summary = t("Summary metrics (CSV)")
        downloads.append((summary, lambda: summary_csv(plan, table, reader), "summary.csv", CSV))
    for index, (label, data, extension, mime) in enumerate(downloads):
        st.download_button(
            label,
            data=data,
            file_name=file_name(plan.name, extension),
            mime=mime,
            on_click="ignore",
            key=f"saved.export.{index}",
            width="stretch",
        )


def _share(store: PlanStore | None, plan: Plan, dirty: bool, has_problems: bool) -> None:
    opened = saved.current()
    st.caption(t("**Read-only link to the saved version**"))
    if store is None or opened is None:
        st.caption(t("Save the plan first: this link shows a saved version."))
    elif dirty:
        st.caption(t("Save your changes first: the link shows the saved version, not your edits."))
    else:
        st.button(
            t("Create a read-only link"),
            on_click=_create_share,
            args=(store, opened.plan_id, opened.info.number),
            key="saved.share",
        )
        # Only the link made for this very version: another plan opened since has none yet.
        made = st.session_state.get(LAST_LINK_KEY)
        token = made[1] if made and made[0] == (opened.plan_id, opened.info.number) else None
        if token:
            st.code(share_url(token=token), language=None, wrap_lines=True)
            st.caption(
                t("Anyone with the link can view this version; revoke it on the Plans page.")
            )
    st.caption(t("**Link with the plan inside**"))
    if has_problems:
        st.caption(t("Showing the last valid plan: fix the fields marked ⚠ to share your edits."))
    try:
        inputs = encode_plan(plan)
    except LinkTooLong:
        st.caption(
            t("This plan is too long to carry in a link; save it and share a read-only link.")
        )
        return
    st.code(share_url(inputs=inputs), language=None, wrap_lines=True)
    st.caption(t("Nothing is stored: the link itself carries the inputs. Anyone can open it."))


def _create_share(store: PlanStore, plan_id: int, version: int) -> None:
    try:
        link = store.share(plan_id, version, author=saved.author() or t("someone"))
    except StoreError as error:
        saved.flash("error", store_error_text(error))
        return
    st.session_state[LAST_LINK_KEY] = ((plan_id, version), link.token)


def share_url(*, token: str | None = None, inputs: str | None = None) -> str:
    """The address of the shared-plan page on this server, with a token or the inputs."""
    parts = urlsplit(str(st.context.url or ""))
    base = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
    query = f"token={token}" if token is not None else f"p={inputs}"
    return f"{base}/{SHARED_PAGE}?{query}"
