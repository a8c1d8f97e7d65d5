"""The Actuals page's frame: what was read, what went wrong, and the review's settings.

The review itself is drawn by ``ui.review_views`` and the KPIs by ``ui.dashboard_views``;
this module words a file's problems, says what a file gave, asks for the review date and the
pace colours, and works the review out once per set of inputs (kept for the session, so a
click elsewhere on the page doesn't simulate again).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

import streamlit as st

from i18n.catalogue import N_
from i18n.domain import problem_message
from planner.errors import FILE, FieldProblem, PlanInvalid
from planner.models import Plan
from planner.review.pacing import Thresholds, make_thresholds
from planner.review.review import Review, review
from storage.records import StoreError
from storage.store import PlanStore
from ui import actuals_database, actuals_entry, actuals_import, actuals_store, saved
from ui.actuals_import import Imported, covered_days
from ui.draft import STAGE_IDS
from ui.format import count, day, joined, markdown
from ui.i18n import formats, language, t, worded
from ui.messages import describe

KEY = "actuals."
REVIEW_KEY = KEY + "review_memo"
REVIEW_TRIALS = 10_000
REVIEW_SEED = 2027
DEFAULT_ON_PACE = 100
DEFAULT_BEHIND = 90


def problem_line(problem: FieldProblem) -> str:
    """A file's problem, named by the file or by the column it is in."""
    if problem.code in {"column_missing", "column_ambiguous"}:
        words = problem_message(problem, formats(), screen=True)
        return words[:1].upper() + words[1:]
    if problem.field == FILE:
        label = t("The file")
    else:
        column = problem.context.get("column") or problem.field.split(".")[-1]
        label = t("Column '{column}'", column=column)
    return describe(problem, label)


def file_problems(name: str, problems: Sequence[FieldProblem], kept: Imported | None) -> None:
    """Why the file can't be read, and that the results already there are still shown."""
    lines = [t("'{file}' can't be read:", file=name)]
    lines += [f"- {problem_line(problem)}" for problem in problems]
    if any(problem.code in {"column_missing", "column_ambiguous"} for problem in problems):
        lines.append(t("Pick the right columns under Columns and dates above."))
    st.error(markdown("\n".join(lines)), icon=":material/warning:")
    if kept is not None:
        st.info(
            markdown(
                t("Still showing '{file}', read earlier: nothing was replaced.", file=kept.name)
            ),
            icon=":material/history:",
        )


def read_summary(imported: Imported) -> None:
    """Rows read and skipped, the days covered, the columns used."""
    summary = imported.summary
    span = covered_days(imported)
    parts = []
    if "rows_read" in summary:
        parts.append(t("{rows} rows read", rows=count(summary["rows_read"])))
    skipped = int(summary.get("rows_skipped") or 0)
    if skipped:
        parts.append(t("{rows} left out", rows=count(skipped)))
    if span is not None:
        parts.append(t("{first} to {last}", first=day(span[0]), last=day(span[1])))
    missing = summary.get("stages_missing") or ()
    if missing:
        quoted = [t("'{name}'", name=stage) for stage in missing]
        parts.append(t("no column for {stages}", stages=joined(quoted)))
    st.caption(markdown(t("'{file}': {parts}.", file=imported.name, parts=_clauses(parts))))
    used = _columns_used(summary)
    if used:
        st.caption(markdown(t("Read from the columns {columns}.", columns=joined(used))))
    rows = summary.get("skipped") or ()
    if rows:
        with st.expander(t("Rows left out ({count})", count=count(skipped))):
            st.table([{t("Row"): count(row["row"]), t("Why"): _skip_reason(row)} for row in rows])


def _columns_used(summary: Mapping[str, Any]) -> list[str]:
    """'Date ← «Created at»'...: which column each role was read from (an order log)."""
    labels = actuals_import.ORDER_ROLES
    used = []
    for role, label in labels.items():
        header = summary.get(f"{role}_column")
        if header:
            used.append(t("{role} ← {column}", role=t(label), column=t("'{name}'", name=header)))
    return used


def _clauses(parts: list[str]) -> str:
    """Clauses of one sentence: "a; b; c", in Arabic with the Arabic semicolon."""
    return ("؛ " if language() == "ar" else "; ").join(parts)


def _skip_reason(row: dict[str, Any]) -> str:
    params = row.get("params") or {}
    column = params.get("column", "")
    reasons = {
        "value_missing": t("'{column}' is empty", column=column),
        "excluded_status": t("cancelled, voided or refunded: counted in the refund rate"),
        "unpaid_status": t("not paid: a checkout that never became an order"),
    }
    return reasons.get(str(row.get("reason")), str(row.get("reason", "")).replace("_", " "))


SOURCES = {
    "file": N_("Upload a file"),
    "typed": N_("Type weekly results"),
    "database": N_("Read a database"),
}


def source_section(
    plan: Plan, draft: Mapping[str, Any], store: PlanStore | None
) -> Imported | None:
    """Where the results come from; returns the results to show, or None yet.

    With a saved plan open, its kept results come back, and new ones are kept with it.
    """
    actuals_store.follow_open_plan(store)
    imported = _source(plan, draft)
    actuals_store.keep(store, imported)
    if imported is not None:
        st.button(
            t("Remove these results"),
            key=KEY + "remove",
            on_click=actuals_store.remove,
            args=(store,),
            icon=":material/delete:",
            help=t("Forget the results, here and with the saved plan. The plan itself stays."),
        )
    return imported


def _source(plan: Plan, draft: Mapping[str, Any]) -> Imported | None:
    source = st.segmented_control(
        t("Results"),
        list(SOURCES),
        format_func=worded(SOURCES),
        key=KEY + "source",
        default="file",
        persist_state="session",
        label_visibility="collapsed",
    )
    if source == "typed":
        return _typed(plan, draft)
    if source == "database":
        problems = actuals_database.database_section(plan)
        for problem in problems:
            st.error(markdown(_database_problem(problem)), icon=":material/warning:")
        kept = actuals_import.current()
        if kept is not None:
            read_summary(kept)
        return kept
    problems = actuals_import.file_section(plan)
    kept = actuals_import.current()
    if problems:
        name = (st.session_state.get(actuals_import.FILE_KEY) or {}).get("name", "")
        file_problems(name, problems, kept)
    if kept is not None:
        read_summary(kept)
    return kept


def _database_problem(problem: FieldProblem) -> str:
    labels = {
        "url": t("Database URL"),
        "table": t("Table"),
        "query": t("Or a query"),
        "timezone": t("Your store's time zone"),
        **{field: t(label) for field, label in actuals_database.ROLES.items()},
    }
    return describe(problem, labels.get(problem.field, problem.field))


def _typed(plan: Plan, draft: Mapping[str, Any]) -> Imported | None:
    """The weekly table; its filled weeks as results."""
    ids = [str(stage_id) for stage_id in draft.get(STAGE_IDS, [])]
    if len(ids) != len(plan.stages):
        ids = [stage.name for stage in plan.stages]
    st.caption(
        t(
            "One row per week of the plan's period. Leave a week blank until its figures are "
            "in: a blank is not a zero."
        )
    )
    entered = actuals_entry.entry_table(plan, ids)
    for label, weeks in entered.incomplete.items():
        st.warning(
            markdown(
                t(
                    "'{column}' is left out: it is blank in {weeks}.",
                    column=label,
                    weeks=joined([day(week) for week in weeks[:5]]),
                )
            ),
            icon=":material/warning:",
        )
    if entered.actuals is None:
        return None
    return Imported(
        name=t("Typed results"),
        kind="typed",
        actuals=entered.actuals,
        fingerprint=actuals_entry.typed_fingerprint(actuals_entry.entries()),
    )


COMPARE = {"now": N_("The plan as it is now"), "baseline": N_("The baseline (version {number})")}


def plan_to_review(store: PlanStore | None, plan: Plan) -> Plan:
    """The plan the results are held against: as it is now, or its saved baseline.

    A plan re-forecast mid-quarter still answers to what was agreed at its start: when the
    open plan has a baseline version, the reader chooses which one the review reads.
    """
    opened = saved.current()
    if store is None or opened is None:
        return plan
    try:
        baseline = store.baseline(opened.plan_id)
    except StoreError:
        return plan
    if baseline is None:
        return plan
    number = baseline.info.number
    choice = st.radio(
        t("Compare the results with"),
        list(COMPARE),
        format_func={key: t(label, number=count(number)) for key, label in COMPARE.items()}.get,
        key=KEY + "compare",
        horizontal=True,
        help=t(
            "The baseline is the version marked as agreed on the Plans page; the plan as it "
            "is now includes every change since."
        ),
    )
    return baseline.plan if choice == "baseline" else plan


def review_settings(plan: Plan, imported: Imported) -> tuple[date, Thresholds]:
    """The review date (the last day the results cover, inside the period) and pace colours."""
    span = covered_days(imported)
    latest = plan.period.end if span is None else min(span[1], plan.period.end)
    default = max(latest, plan.period.start)
    key = KEY + "as_of"
    if st.session_state.get(KEY + "as_of_default") != default.isoformat():
        st.session_state[key] = default  # new results or a new plan: review their last day
        st.session_state[KEY + "as_of_default"] = default.isoformat()
    left, right = st.columns([1, 2])
    with left:
        as_of = st.date_input(
            t("Review as of"),
            key=key,
            min_value=plan.period.start,
            max_value=plan.period.end + timedelta(days=366),
            format="YYYY-MM-DD",
            help=t("The plan is pro-rated to this day, the day itself included."),
        )
    with right, st.expander(t("Pace colours")):
        on_pace = _share_of_plan(t("On pace from (% of plan to date)"), "on_pace", DEFAULT_ON_PACE)
        behind = _share_of_plan(t("Behind below (% of plan to date)"), "behind", DEFAULT_BEHIND)
    if behind > on_pace:
        st.warning(t("'Behind below' is above 'On pace from': the two are swapped."))
        behind, on_pace = on_pace, behind
    chosen = as_of if isinstance(as_of, date) else default
    return chosen, make_thresholds(on_pace=on_pace / 100, behind=behind / 100)


def _share_of_plan(label: str, name: str, default: int) -> int:
    """A pace threshold, in whole percent of the plan to date."""
    chosen = st.number_input(
        label,
        min_value=1,
        max_value=1000,
        value=default,
        step=1,
        key=KEY + name,
        persist_state="session",
    )
    return int(chosen)


def fingerprint(plan: Plan, imported: Imported, as_of: date, thresholds: Thresholds) -> str:
    """What the review depends on, as one key."""
    parts = [
        plan.model_dump_json(),
        imported.fingerprint,
        as_of.isoformat(),
        thresholds.model_dump_json(),
    ]
    return hashlib.sha256("\u0000".join(parts).encode()).hexdigest()


def worked_review(
    plan: Plan, imported: Imported, as_of: date, thresholds: Thresholds
) -> Review | None:
    """The review for these inputs, worked out once per session; None (and why) if it fails."""
    key = fingerprint(plan, imported, as_of, thresholds)
    memo: dict[str, Review] = st.session_state.setdefault(REVIEW_KEY, {})
    if key not in memo:
        try:
            memo.clear()  # one review kept: the inputs on screen
            memo[key] = review(
                plan,
                imported.actuals,
                as_of,
                thresholds=thresholds,
                trials=REVIEW_TRIALS,
                seed=REVIEW_SEED,
            )
        except PlanInvalid as invalid:
            for problem in invalid.problems:
                st.error(
                    markdown(describe(problem, _review_label(problem))), icon=":material/warning:"
                )
            return None
    return memo[key]


def _review_label(problem: FieldProblem) -> str:
    labels = {"as_of": t("Review as of"), "on_pace": t("On pace from"), "behind": t("Behind below")}
    return labels.get(problem.field, problem.field)
