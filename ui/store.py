"""The plan store as the pages see it: one shared handle per database, opened on first use.

The handle is a ``st.cache_resource``: one engine (a thread-safe connection pool) for every
session. When the database can't be opened the pages still work on unsaved plans and say
why saving is off; the next run tries again.
"""

from __future__ import annotations

import streamlit as st

from i18n.store import store_message
from storage.database import database_url, masked
from storage.records import StoreError, StoreUnavailable
from storage.store import PlanStore
from ui.i18n import formats, t


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
    """A store refusal in the reader's language.

    What a page user meets (a plan or link gone) is worded for the page; the rest as the CLI
    words it (``i18n.store``), with a refused field named by its label on the page.
    """
    if isinstance(error, StoreUnavailable):
        return unavailable_text(error)
    if error.code == "plan_not_found":
        return t("That plan no longer exists; it may have been deleted.")
    if error.code == "share_not_found":
        return t("This link is not valid: it was revoked, or its plan was deleted.")
    params = dict(error.params)
    if error.code == "invalid_input":
        labels = {"author": t("Your name"), "note": t("Note"), "name": t("Plan name")}
        params["field"] = labels.get(str(params.get("field")), params.get("field"))
    return store_message(error.code, params, formats(), str(error))
