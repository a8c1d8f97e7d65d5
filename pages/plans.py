"""Plans page: every saved plan, its versions and baseline, share links, new plans, imports."""

import streamlit as st

from ui import frame, layout, library, saving
from ui.i18n import t
from ui.store import plan_store

frame.require_frame()

st.title(t("Plans"))
st.caption(
    t(
        "Every saved plan and its versions. Mark the version committed for the period as the "
        "baseline: reviews compare results with it and with the latest version."
    )
)
layout.apply_page_style()
store = plan_store()
if store is None:
    st.stop()
library.flash()
saving.author_field()
new_column, import_column = st.columns(2)
with new_column:
    go = library.new_plan(store)
with import_column:
    library.import_plan(store)
chosen = library.listing(store)
if chosen is not None:
    go = library.details(store, chosen) or go
library.deleted(store)
if go:
    st.switch_page(go)
