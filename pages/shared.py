"""Shared plan: read-only, a saved version (``?token=``) or a plan carried in the link (``?p=``)."""

import streamlit as st

from ui import frame, layout, sharing
from ui.i18n import t
from ui.store import plan_store

frame.require_frame()

layout.apply_page_style()
token = st.query_params.get("token")
shared = sharing.from_link(plan_store() if token else None)
if shared is None:
    st.title(t("Shared plan"))
    st.stop()
sharing.view(shared)
