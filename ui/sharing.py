"""The shared-plan page's parts: read the link, show the plan read-only, offer a copy.

A link either names a saved version by its token (revocable from the Plans page) or carries
the plan's inputs itself (``files.links``); both are validated like a plan file, and a bad
link is named, never run.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from files.links import decode_plan
from i18n.domain import problem_line
from planner.errors import PlanInvalid, PlannerError
from planner.funnel import plan_backwards
from planner.models import Plan
from storage.records import StoreError, VersionInfo
from storage.store import PlanStore
from ui import results, saved, state
from ui.format import count, markdown, moment, period_name
from ui.i18n import formats, t
from ui.messages import infeasible_text
from ui.store import store_error_text

PLAN_PAGE = "pages/plan.py"


@dataclass(frozen=True)
class Shared:
    """A plan someone shared, and the saved version it is (None for a plan in the link)."""

    plan: Plan
    info: VersionInfo | None


def from_link(store: PlanStore | None) -> Shared | None:
    """The plan the link shows, or None after saying what is wrong with the link."""
    token = st.query_params.get("token")
    inputs = st.query_params.get("p")
    if token:
        if store is None:
            return None
        try:
            found = store.open_share(token)
        except StoreError as error:
            st.error(store_error_text(error))
            return None
        return Shared(found.plan, found.info)
    if inputs:
        try:
            return Shared(decode_plan(inputs), None)
        except PlanInvalid as invalid:
            st.error(t("This link does not hold a valid plan:"))
            lines = [f"- {markdown(problem_line(p, formats()))}" for p in invalid.problems[:20]]
            st.markdown("\n".join(lines))
            return None
    st.info(t("Open a link someone shared with you to see their plan here."))
    return None


def view(shared: Shared) -> None:
    """The plan, read-only: what it needs, with a way to work on a copy."""
    plan = shared.plan
    st.title(plan.name)
    st.caption(_origin(shared))
    if plan.description:
        st.markdown(markdown(plan.description))
    try:
        result = plan_backwards(plan)
    except PlannerError as error:
        st.warning(markdown(infeasible_text(error)))
        return
    except PlanInvalid as invalid:
        st.error(markdown(problem_line(invalid.problems[0], formats())))
        return
    results.summary(plan, result, 0)
    warnings, _matches = state.benchmarks(plan)
    results.backward(plan, result, warnings)
    allowed = saved.may_replace_inputs("shared.replace")
    if st.button(
        t("Open a copy in the planner"), type="primary", key="shared.copy", disabled=not allowed
    ):
        saved.start_unsaved(plan)
        st.switch_page(PLAN_PAGE)


def _origin(shared: Shared) -> str:
    period = period_name(shared.plan.period)
    if shared.info is None:
        return t("{period} · read-only · the plan is carried in the link itself", period=period)
    return t(
        "{period} · read-only · version {number}, saved by {author}, {when}",
        period=period,
        number=count(shared.info.number),
        author=shared.info.author,
        when=moment(shared.info.saved_at),
    )
