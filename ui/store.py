"""The plan store as the pages see it: one shared handle per database, opened on first use.

The handle is a ``st.cache_resource``: one engine (a thread-safe connection pool) for every
session. When the database can't be opened the pages still work on unsaved plans and say
why saving is off; the next run tries again.
"""

from __future__ import annotations

import streamlit as st

from storage.database import database_url, masked
from storage.records import StoreError, StoreUnavailable
from storage.store import PlanStore
from ui.i18n import t


@st.cache_resource(show_spinner=False)
def _open(url: str) -> PlanStore:
    return PlanStore.open(url)


def plan_store() -> PlanStore | None:
    """The store, or None (with the reason drawn once per run) when it can't be opened."""
    try:
        return _open(database_url())
    except StoreUnavailable as error:
        st.error(unavailable_text(error), icon="🗄️")
        return None


def unavailable_text(error: StoreUnavailable) -> str:
    """Why saving is off, naming the database without its password."""
    reason = str(error.params.get("reason", ""))
    return t(
        "Saved plans are unavailable: the database {url} can't be opened ({reason}). "
        "You can keep working; nothing can be saved until it is back.",
        url=masked(database_url()),
        reason=reason,
    )


def store_error_text(error: StoreError) -> str:
    """A store refusal in the reader's language."""
    if isinstance(error, StoreUnavailable):
        return unavailable_text(error)
    params = error.params
    wording = {
        "plan_not_found": t("That plan no longer exists; it may have been deleted."),
        "share_not_found": t("This link is not valid: it was revoked, or its plan was deleted."),
        "ambiguous_plan_name": t("Several plans have that name."),
        "invalid_input": _invalid_input(params),
    }
    return wording.get(error.code, t("The plan store refused this: {reason}", reason=str(error)))


def _invalid_input(params: dict[str, object]) -> str:
    field = {"author": t("Your name"), "note": t("Note"), "name": t("Plan name")}.get(
        str(params.get("field")), str(params.get("field"))
    )
    problem = params.get("problem")
    if problem == "required":
        return t("'{field}' is required.", field=field)
    if problem == "too_long":
        return t(
            "'{field}' is too long: at most {limit} characters.",
            field=field,
            limit=params.get("limit"),
        )
    if problem == "control_character":
        return t("'{field}' must not contain control characters.", field=field)
    return t("'{field}' is not valid: {detail}", field=field, detail=params.get("detail", ""))
