"""The Plans page's parts: the list, new plans and imports, versions, links, deleted plans.

One plan's panel holds its versions (with a side-by-side comparison of any two and the
baseline), renaming, duplicating, deleting, exports and share links.

Every action is a store call in a callback, so the page redraws once with its result; what
the store refuses is said in words (``ui.store.store_error_text``), never raised.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

import pandas as pd
import streamlit as st

from i18n.domain import problem_line
from planner.errors import PlanInvalid, parse_plan_json
from planner.models import Period, Plan
from planner.period import quarter_period
from planner.presets import PRESETS
from storage.records import (
    DELETED_PLANS_KEPT_DAYS,
    PlanSummary,
    StoreError,
    VersionInfo,
)
from storage.store import PlanStore
from ui import compare, saved, state
from ui.format import count, day, markdown, moment, money, period_name, wording
from ui.i18n import formats, t
from ui.saving import XLSX, file_name, share_url, workbook
from ui.store import store_error_text

PLAN_PAGE = "pages/plan.py"
SEARCH_KEY = "library.search"
CHOSEN_KEY = "library.chosen"
NEW_NAME_KEY = "library.new_name"
NEW_START_KEY = "library.new_start"
RENAME_KEY = "library.rename"
DUPLICATE_KEY = "library.duplicate"
DELETE_CONFIRM_KEY = "library.delete_confirm"
VERSION_KEY = "library.version"
COMPARE_KEYS = ("library.compare_first", "library.compare_second")
IMPORT_KEY = "library.import"
RESTORE_KEY = "library.restore"
REVOKE_KEY = "library.revoke"
OPEN_ANYWAY_KEY = "library.open_anyway"
MAX_IMPORT_BYTES = 1_000_000
STARTS = ("demo", "blank", *PRESETS)


def flash() -> None:
    """What the last action did."""
    message = saved.take_flash()
    if message is not None:
        {"success": st.success, "info": st.info}.get(message.kind, st.error)(message.text)


def _act(action: Callable[[], str | None]) -> None:
    """Run a store action; say what it did, or why the store refused."""
    try:
        done = action()
    except StoreError as error:
        saved.flash("error", store_error_text(error))
        return
    if done:
        saved.flash("success", done)


def _need_author() -> bool:
    if saved.author():
        return False
    saved.flash("error", t("Type your name first: every version says who saved it."))
    return True


# --- New plans and imports ----------------------------------------------------------------------


def _start_label(start: str) -> str:
    if start == "demo":
        return t("The demo plan")
    if start == "blank":
        return t("Blank (fill in every input)")
    return t("Preset: {name}", name=t(PRESETS[start].label))


def new_plan(store: PlanStore) -> str | None:
    """Create a plan from the demo, a preset or nothing; return the page to go to, if any."""
    with st.expander(t("New plan"), icon=":material/add:"):
        st.text_input(t("Plan name"), key=NEW_NAME_KEY, max_chars=80)
        st.selectbox(t("Start from"), STARTS, format_func=_start_label, key=NEW_START_KEY)
        allowed = saved.may_replace_inputs("library.replace_for_new")
        if st.button(
            t("Create and open"), type="primary", key="library.create", disabled=not allowed
        ):
            return _create(store)
    return None


def _create(store: PlanStore) -> str | None:
    name = str(st.session_state.get(NEW_NAME_KEY) or "").strip()
    if not name:
        saved.flash("error", t("'{field}' is required.", field=t("Plan name")))
        return None
    start = st.session_state.get(NEW_START_KEY, "demo")
    if start == "blank":
        state.open_blank(name, quarter_period(*_this_quarter()))
        saved.start_unsaved()
        return PLAN_PAGE
    if _need_author():
        return None
    plan = state.demo_in_language() if start == "demo" else state.preset_plan(PRESETS[start])
    plan = plan.model_copy(update={"name": name})
    note = t("Created from: {start}", start=_start_label(start))
    try:
        info = store.create(plan, author=saved.author(), note=note)
    except StoreError as error:
        saved.flash("error", store_error_text(error))
        return None
    saved.load(store, info.plan_id)
    return PLAN_PAGE


def _this_quarter() -> tuple[int, int]:
    today = pd.Timestamp.today()
    return today.year, (today.month - 1) // 3 + 1


def import_plan(store: PlanStore) -> None:
    """A plan file (JSON) becomes a new saved plan; a bad file is named field by field."""
    with st.expander(t("Import a plan file (JSON)"), icon=":material/upload:"):
        upload = st.file_uploader(t("Plan file"), type=["json"], key=IMPORT_KEY, max_upload_size=1)
        if upload is None:
            return
        raw = upload.getvalue()
        if len(raw) > MAX_IMPORT_BYTES:
            st.error(t("The file is larger than 1 MB; a plan file is a few KB."))
            return
        try:
            plan = parse_plan_json(raw)
        except PlanInvalid as invalid:
            st.error(t("This file is not a valid plan; nothing was imported:"))
            st.markdown(
                "\n".join(
                    f"- {markdown(problem_line(p, formats()))}" for p in invalid.problems[:20]
                )
            )
            return
        st.caption(t("'{name}', {period}", name=plan.name, period=period_name(plan.period)))
        if st.button(t("Import as a new plan"), key="library.import_button"):
            _import(store, plan, upload.name)


def _import(store: PlanStore, plan: Plan, source: str) -> None:
    if _need_author():
        return
    note = t("Imported from {file}", file=source)
    _act(
        lambda: t(
            "Imported '{name}' as plan {id}.",
            name=plan.name,
            id=store.create(plan, author=saved.author(), note=note).plan_id,
        )
    )


# --- The list -----------------------------------------------------------------------------------


def listing(store: PlanStore) -> PlanSummary | None:
    """Every live plan (matching the search), and the one chosen for the panel below."""
    search = st.text_input(
        t("Search plans"), key=SEARCH_KEY, placeholder=t("Part of a plan's name")
    )
    plans = store.list_plans(search or "")
    if not plans:
        st.info(t("No saved plan matches.") if search else t("No saved plans yet."))
        return None
    st.dataframe(
        _frame(plans),
        hide_index=True,
        width="stretch",
        height=min(38 + 35 * len(plans), 400),
        key="library.table",
    )
    by_id = {plan.id: plan for plan in plans}
    chosen = st.selectbox(
        t("Plan"),
        list(by_id),
        format_func=lambda plan_id: f"{by_id[plan_id].name} · #{plan_id}",
        key=CHOSEN_KEY,
    )
    return by_id.get(chosen) if chosen is not None else None


def _frame(plans: Sequence[PlanSummary]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("Name"): [plan.name for plan in plans],
            t("Period"): [_period_text(plan) for plan in plans],
            t("Target"): [money(plan.revenue_target, plan.currency) for plan in plans],
            t("Versions"): [count(plan.latest_version) for plan in plans],
            t("Baseline"): [
                "—" if plan.baseline_version is None else count(plan.baseline_version)
                for plan in plans
            ],
            t("Last editor"): [plan.last_editor for plan in plans],
            t("Last change"): [moment(plan.last_change) for plan in plans],
        }
    )


def _period_text(plan: PlanSummary) -> str:
    return period_name(Period(start=plan.period_start, end=plan.period_end))


# --- One plan -----------------------------------------------------------------------------------


def details(store: PlanStore, plan: PlanSummary) -> str | None:
    """Open, versions and comparison, share links, rename, duplicate, delete; a page to go to."""
    go = _open_buttons(store, plan)
    versions, manage, links = st.tabs([t("Versions"), t("Manage"), t("Share links")])
    with versions:
        go = _versions(store, plan) or go
    with manage:
        _manage(store, plan)
    with links:
        _links(store, plan)
    return go


def _open_buttons(store: PlanStore, plan: PlanSummary) -> str | None:
    st.markdown(
        markdown(
            t(
                "**{name}** · {period} · target {target}",
                name=plan.name,
                period=_period_text(plan),
                target=money(plan.revenue_target, plan.currency),
            )
        )
    )
    if st.button(t("Open in the Plan page"), type="primary", key="library.open"):
        return _open(store, plan.id, None)
    if st.session_state.get(OPEN_ANYWAY_KEY) is not None:
        return _confirm_open(store)
    return None


def _open(store: PlanStore, plan_id: int, version: int | None) -> str | None:
    opened = saved.current()
    same = opened is not None and opened.plan_id == plan_id
    if saved.is_dirty() and not same:
        st.session_state[OPEN_ANYWAY_KEY] = (plan_id, version)
        st.rerun()
    return PLAN_PAGE if saved.load(store, plan_id, version) else None


def _confirm_open(store: PlanStore) -> str | None:
    st.warning(
        t(
            "The Plan page has unsaved changes. Opening another plan replaces them; "
            "save them first on the Plan page to keep them."
        ),
        icon="⚠️",
    )
    discard, cancel = st.columns(2)
    if discard.button(t("Open and discard my changes"), key="library.discard"):
        plan_id, version = st.session_state.pop(OPEN_ANYWAY_KEY)
        return PLAN_PAGE if saved.load(store, plan_id, version) else None
    if cancel.button(t("Cancel"), key="library.cancel_open"):
        st.session_state.pop(OPEN_ANYWAY_KEY, None)
        st.rerun()
    return None


def _versions(store: PlanStore, plan: PlanSummary) -> str | None:
    history = store.history(plan.id)
    st.dataframe(
        pd.DataFrame(
            {
                t("Version"): [count(info.number) for info in history],
                t("Saved"): [moment(info.saved_at) for info in history],
                t("By"): [info.author for info in history],
                t("Note"): [info.note for info in history],
                t("Baseline"): ["✓" if info.is_baseline else "" for info in history],
            }
        ),
        hide_index=True,
        width="stretch",
        key="library.history",
    )
    numbers = [info.number for info in history]
    chosen = st.selectbox(
        t("Version"),
        numbers,
        format_func=lambda number: _version_label(history, number),
        key=VERSION_KEY,
    )
    go = None
    open_column, baseline_column = st.columns(2)
    if open_column.button(t("Open this version"), key="library.open_version"):
        go = _open(store, plan.id, chosen)
    baseline_column.button(
        t("Mark as the baseline"),
        key="library.mark_baseline",
        on_click=_act,
        args=(lambda: _mark_baseline(store, plan.id, chosen),),
    )
    if len(history) > 1:
        _comparison(store, plan, history)
    return go


def _version_label(history: Sequence[VersionInfo], number: int) -> str:
    info = next(info for info in history if info.number == number)
    label = t(
        "Version {number}, {when}, {author}",
        number=count(number),
        when=moment(info.saved_at),
        author=info.author,
    )
    return label + (t(" (baseline)") if info.is_baseline else "")


def _mark_baseline(store: PlanStore, plan_id: int, number: int) -> str:
    store.mark_baseline(plan_id, number)
    return t("Version {number} is now the baseline.", number=count(number))


def _comparison(store: PlanStore, plan: PlanSummary, history: Sequence[VersionInfo]) -> None:
    st.subheader(t("Compare two versions"))
    numbers = [info.number for info in history]
    baseline = next((info.number for info in history if info.is_baseline), None)
    first_default = numbers[1] if baseline is None or baseline == numbers[0] else baseline
    left, right = st.columns(2)

    def label(number: int) -> str:
        return _version_label(history, number)

    first = left.selectbox(
        t("From"),
        numbers,
        index=numbers.index(first_default),
        format_func=label,
        key=COMPARE_KEYS[0],
    )
    second = right.selectbox(t("To"), numbers, index=0, format_func=label, key=COMPARE_KEYS[1])
    try:
        one, two = store.load(plan.id, first).plan, store.load(plan.id, second).plan
    except StoreError as error:
        st.error(store_error_text(error))
        return
    say = wording()
    headers = (
        t("Version {number}", number=count(first)),
        t("Version {number}", number=count(second)),
    )
    st.markdown(t("**Inputs**"))
    _rows_table(compare.input_rows(one, two, say), (t("Input"), *headers), "library.compare_inputs")
    st.markdown(t("**What each version needs**"))
    needs = (t("Measure"), *headers)
    _rows_table(compare.result_rows(one, two, say), needs, "library.compare_results")


def _rows_table(rows: Sequence[compare.Row], headers: tuple[str, ...], key: str) -> None:
    """The comparison as a table: what, version A, version B, and a mark on changed rows."""
    changed_label = t("Changed")
    frame = pd.DataFrame(
        {
            headers[0]: [row.label for row in rows],
            headers[1]: [row.first for row in rows],
            headers[2]: [row.second for row in rows],
            changed_label: ["●" if row.changed else "" for row in rows],
        }
    )
    changed = [row.changed for row in rows]
    styled = frame.style.apply(
        lambda column: [
            "background-color: rgba(255, 196, 0, 0.25)" if flag else "" for flag in changed
        ],
        axis=0,
    )
    st.dataframe(styled, hide_index=True, width="stretch", key=key)
    if not any(changed):
        st.caption(t("The two versions are the same."))


def _manage(store: PlanStore, plan: PlanSummary) -> None:
    rename_column, duplicate_column = st.columns(2)
    with rename_column:
        st.text_input(t("New name"), value=plan.name, key=f"{RENAME_KEY}.{plan.id}", max_chars=80)
        st.button(
            t("Rename"),
            key="library.rename_button",
            on_click=_act,
            args=(lambda: _rename(store, plan),),
        )
    with duplicate_column:
        st.text_input(
            t("Name of the copy"),
            value=t("{name} (copy)", name=plan.name)[:80],
            key=f"{DUPLICATE_KEY}.{plan.id}",
            max_chars=80,
        )
        st.button(
            t("Duplicate"),
            key="library.duplicate_button",
            on_click=_act,
            args=(lambda: _duplicate(store, plan),),
        )
    _exports(store, plan)
    st.divider()
    st.checkbox(
        t(
            "Yes, delete '{name}' (it can be restored for {days} days)",
            name=plan.name,
            days=count(DELETED_PLANS_KEPT_DAYS),
        ),
        key=f"{DELETE_CONFIRM_KEY}.{plan.id}",
    )
    st.button(
        t("Delete plan"),
        key="library.delete",
        disabled=not st.session_state.get(f"{DELETE_CONFIRM_KEY}.{plan.id}"),
        on_click=_act,
        args=(lambda: _delete(store, plan),),
    )


def _rename(store: PlanStore, plan: PlanSummary) -> str | None:
    if _need_author():
        return None
    name = str(st.session_state.get(f"{RENAME_KEY}.{plan.id}") or "").strip()
    note = t("Renamed from '{old}'", old=plan.name)
    info = store.rename(
        plan.id, name, author=saved.author(), expected_version=plan.latest_version, note=note
    )
    _follow_open_plan(store, plan.id)
    return t("Renamed to '{name}' (version {number}).", name=name, number=count(info.number))


def _follow_open_plan(store: PlanStore, plan_id: int) -> None:
    """A change made here to the plan open on the Plan page opens its new version there."""
    opened = saved.current()
    if opened is not None and opened.plan_id == plan_id and not saved.is_dirty():
        saved.load(store, plan_id)


def _duplicate(store: PlanStore, plan: PlanSummary) -> str | None:
    if _need_author():
        return None
    name = str(st.session_state.get(f"{DUPLICATE_KEY}.{plan.id}") or "").strip()
    info = store.duplicate(plan.id, name=name, author=saved.author())
    st.session_state[CHOSEN_KEY] = info.plan_id
    return t("Duplicated as '{name}'.", name=name)


def _delete(store: PlanStore, plan: PlanSummary) -> str | None:
    store.delete(plan.id, author=saved.author() or "—")
    opened = saved.current()
    if opened is not None and opened.plan_id == plan.id:
        saved.start_unsaved()
    st.session_state.pop(CHOSEN_KEY, None)
    return t(
        "Deleted '{name}'. It can be restored below for {days} days.",
        name=plan.name,
        days=count(DELETED_PLANS_KEPT_DAYS),
    )


def _exports(store: PlanStore, plan: PlanSummary) -> None:
    reader = formats()

    def latest() -> Plan:
        return store.load(plan.id).plan

    json_column, excel_column = st.columns(2)
    json_column.download_button(
        t("Plan file (JSON)"),
        data=lambda: latest().model_dump_json(indent=2) + "\n",
        file_name=file_name(plan.name, "json"),
        mime="application/json",
        on_click="ignore",
        key="library.export_json",
    )
    excel_column.download_button(
        t("Excel workbook (live formulas)"),
        data=lambda: workbook(latest(), reader),
        file_name=file_name(plan.name, "xlsx"),
        mime=XLSX,
        on_click="ignore",
        key="library.export_xlsx",
    )


def _links(store: PlanStore, plan: PlanSummary) -> None:
    links = store.shares(plan.id)
    if not links:
        st.caption(t("No share links yet. Create one from the Plan page's Share button."))
        return
    rows: list[dict[str, Any]] = [
        {
            t("Version"): count(link.version),
            t("Created"): moment(link.created_at),
            t("By"): link.created_by,
            t("Status"): t("Revoked") if link.revoked_at else t("Active"),
            t("Link"): share_url(token=link.token) if link.revoked_at is None else "—",
        }
        for link in links
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key="library.links")
    active = [link for link in links if link.revoked_at is None]
    if not active:
        return
    tokens = [link.token for link in active]
    chosen = st.selectbox(
        t("Link to revoke"),
        tokens,
        format_func=lambda token: t(
            "Version {number}, created {when}",
            number=count(next(link.version for link in active if link.token == token)),
            when=moment(next(link.created_at for link in active if link.token == token)),
        ),
        key=REVOKE_KEY,
    )
    st.button(
        t("Revoke"),
        key="library.revoke_button",
        on_click=_act,
        args=(lambda: _revoke(store, chosen),),
    )


def _revoke(store: PlanStore, token: str) -> str:
    store.revoke(token)
    return t("The link no longer opens the plan.")


# --- Recently deleted ---------------------------------------------------------------------------


def deleted(store: PlanStore) -> None:
    """Plans deleted in the last 30 days, each restorable."""
    gone = store.list_plans(deleted=True)
    with st.expander(
        t("Recently deleted ({number})", number=count(len(gone))), icon=":material/delete:"
    ):
        if not gone:
            st.caption(
                t(
                    "Nothing was deleted in the last {days} days.",
                    days=count(DELETED_PLANS_KEPT_DAYS),
                )
            )
            return
        by_id = {plan.id: plan for plan in gone}
        chosen = st.selectbox(
            t("Deleted plan"),
            list(by_id),
            format_func=lambda plan_id: _deleted_label(by_id[plan_id]),
            key=RESTORE_KEY,
        )
        st.button(
            t("Restore"),
            key="library.restore_button",
            on_click=_act,
            args=(lambda: _restore(store, by_id[chosen]),),
        )


def _deleted_label(plan: PlanSummary) -> str:
    deleted_at = plan.deleted_at or plan.last_change
    return t(
        "{name}, deleted {when}; kept until {until}",
        name=plan.name,
        when=moment(deleted_at),
        until=day((deleted_at + timedelta(days=DELETED_PLANS_KEPT_DAYS)).date()),
    )


def _restore(store: PlanStore, plan: PlanSummary) -> str:
    store.restore(plan.id)
    st.session_state[CHOSEN_KEY] = plan.id
    return t("Restored '{name}'.", name=plan.name)
