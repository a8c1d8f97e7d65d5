"""Results read straight from the store's own database: a table or a query, read in place.

For a store whose order history outgrew its exports: a SQLAlchemy URL (PostgreSQL or SQLite),
a table or one SELECT, and the date, amount and customer columns (order id and status
optional). The orders are aggregated per day inside the database
(``storage.order_source``); nothing is written to it. The read happens on the button, never
on a rerun, and its results replace the page's only when it succeeds; the URL is kept for
the session only and never shown with its password.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from i18n.catalogue import N_
from planner.errors import PlanInvalid
from planner.models import Plan
from storage.order_source import daily_actuals_from_database, order_source
from ui import actuals_import
from ui.actuals_import import Imported
from ui.i18n import t

KEY = "actuals.database."
# Examples of code, the same in every language.
URL_EXAMPLE = "postgresql://reader:password@host/shop"
TABLE_EXAMPLE = "orders"
QUERY_EXAMPLE = "SELECT created_at, total, email FROM orders WHERE total > 0"
ROLES = {
    "date_column": N_("Date column"),
    "amount_column": N_("Amount column"),
    "customer_column": N_("Customer column"),
    "order_column": N_("Order id column (optional)"),
    "status_column": N_("Status column (optional)"),
}


def database_section(plan: Plan) -> list[Any]:
    """The connection form; reads on the button. Returns the last read's problems."""
    with st.form(KEY + "form", border=True):
        url = st.text_input(
            t("Database URL"),
            key=KEY + "url",
            type="password",
            placeholder=URL_EXAMPLE,
            help=t(
                "A SQLAlchemy URL to PostgreSQL or a SQLite file. The orders are only read, "
                "inside one read-only transaction."
            ),
        )
        table = st.text_input(t("Table"), key=KEY + "table", placeholder=TABLE_EXAMPLE)
        query = st.text_area(
            t("Or a query"),
            key=KEY + "query",
            placeholder=QUERY_EXAMPLE,
            height=80,
        )
        columns = st.columns(3)
        names = {}
        for index, (field, label) in enumerate(ROLES.items()):
            with columns[index % 3]:
                names[field] = st.text_input(t(label), key=KEY + field)
        timezone = st.selectbox(
            t("Your store's time zone"), actuals_import.time_zones(), key=KEY + "timezone"
        )
        submitted = st.form_submit_button(t("Read the orders"), icon=":material/database:")
    if submitted:
        _read(plan, url, table, query, names, timezone)
    problems: list[Any] = st.session_state.get(KEY + "problems", [])
    return problems


def _read(
    plan: Plan, url: str, table: str, query: str, names: dict[str, str], timezone: str
) -> None:
    fields: dict[str, Any] = {
        "url": url.strip(),
        "table": table.strip() or None,
        "query": query.strip() or None,
        "timezone": timezone,
        **{field: value.strip() or None for field, value in names.items()},
    }
    try:
        with st.spinner(t("Reading the orders in the database…")):
            source = order_source(**fields)
            actuals = daily_actuals_from_database(source, plan.stages[-1].name)
    except PlanInvalid as invalid:
        st.session_state[KEY + "problems"] = list(invalid.problems)
        return
    st.session_state[KEY + "problems"] = []
    fingerprint = repr(("database", source.shown_url, source.name, sorted(names.items())))
    st.session_state[actuals_import.CURRENT_KEY] = Imported(
        t("Orders in {source}", source=source.name),
        "funnel",
        actuals,
        None,
        {"source": source.name},
        fingerprint + str(len(actuals.starts)),
    )
