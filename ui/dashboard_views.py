"""The Actuals page's KPI dashboard: any date range, per day, week, month or quarter.

Totals for the range as metrics (with the change against the equally long window before it),
a chart of one KPI per period beside the same period last year, the funnel's conversion at
every stage, a table of every KPI per period, the channels and segments when the results
have them, and downloads of the tables (CSV, Excel). The KPIs are the domain's
(``planner.actuals.dashboard``), worked out once per choice of range and settings.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import date
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from files.table_export import table_csv, tables_workbook
from i18n.catalogue import N_
from planner.actuals.breakdowns import BreakdownRow
from planner.actuals.dashboard import Dashboard, KpiPeriod, dashboard
from planner.errors import PlanInvalid
from planner.models import Plan
from ui import review_charts as charts
from ui.actuals_import import Imported, covered_days
from ui.blocks import Metric, metrics, table
from ui.format import NOTHING, count, day, delta, markdown, money, percent, signed_percent
from ui.i18n import formats, right_to_left, t, worded
from ui.messages import describe

KEY = "actuals.dashboard."
MEMO_KEY = KEY + "memo"
PLOTLY_CONFIG = {"displayModeBar": False}
FREQUENCIES = {
    "day": N_("Day"),
    "week": N_("Week"),
    "month": N_("Month"),
    "quarter": N_("Quarter"),
}
DEFAULT_CHURN_DAYS = 90
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# KPI → its label and how it reads (money, count, percent).
KPIS: dict[str, tuple[str, str]] = {
    "revenue": (N_("Revenue"), "money"),
    "orders": (N_("Orders"), "count"),
    "average_order_value": (N_("Average order value"), "money"),
    "customers": (N_("Customers"), "count"),
    "new_customers": (N_("New customers"), "count"),
    "returning_customers": (N_("Returning customers"), "count"),
    "new_customer_revenue": (N_("Revenue of new customers"), "money"),
    "returning_customer_revenue": (N_("Revenue of returning customers"), "money"),
    "repeat_purchase_rate": (N_("Repeat-purchase rate"), "percent"),
    "repeat_customer_share": (N_("Customers who ordered twice or more"), "percent"),
    "churned_customers": (N_("Churned customers"), "count"),
    "churn_rate": (N_("Churn rate"), "percent"),
    "spend": (N_("Spend"), "money"),
    "cac": (N_("CAC"), "money"),
    "revenue_per_customer": (N_("Revenue per customer"), "money"),
    "refund_rate": (N_("Refund rate"), "percent"),
    "cart_abandonment": (N_("Cart abandonment"), "percent"),
}
HEADLINE = (
    "revenue",
    "orders",
    "average_order_value",
    "customers",
    "new_customers",
    "returning_customers",
    "repeat_purchase_rate",
    "churn_rate",
    "revenue_per_customer",
    "cac",
    "refund_rate",
    "cart_abandonment",
)


def _shown(kind: str, currency: str) -> Callable[[float | None], str]:
    if kind == "money":
        return lambda value: money(value, currency)
    if kind == "percent":
        return percent
    return count


def dashboard_section(plan: Plan, imported: Imported) -> None:
    """The range and settings, then every KPI for them."""
    span = covered_days(imported)
    if span is None:
        st.info(t("The results hold no days yet."))
        return
    start, end, freq, churn_days = _settings(plan, span)
    board = _worked(plan, imported, start, end, freq, churn_days)
    if board is None:
        return
    if board.no_data or board.totals is None:
        st.info(t("No orders and no funnel results fall in this range."))
        return
    _headline(board.totals, plan.currency)
    _chart(board, plan.currency)
    _stages(board.totals)
    _periods(board, plan.currency)
    _breakdowns(t("Channels"), board.channels, plan.currency, "channels")
    _breakdowns(t("Segments"), board.segments, plan.currency, "segments")
    _downloads(board, plan)


def _settings(plan: Plan, span: tuple[date, date]) -> tuple[date, date, str, int]:
    """The range (the plan's period inside the results by default), periods and churn days."""
    first, last = span
    start, end = max(first, plan.period.start), min(last, plan.period.end)
    if start > end:
        start, end = first, last
    key = KEY + "range"
    default = (start, end)
    if st.session_state.get(KEY + "range_default") != (first, last):
        st.session_state[key] = default  # new results: show their range again
        st.session_state[KEY + "range_default"] = (first, last)
    columns = st.columns([2, 2, 1])
    with columns[0]:
        chosen = st.date_input(
            t("Dates"),
            key=key,
            min_value=first,
            max_value=last,
            format="YYYY-MM-DD",
        )
    with columns[1]:
        freq = st.segmented_control(
            t("Per"),
            list(FREQUENCIES),
            format_func=worded(FREQUENCIES),
            key=KEY + "freq",
            default="week",
            persist_state="session",
        )
    with columns[2]:
        churn_days = st.number_input(
            t("Churned after (days)"),
            min_value=1,
            max_value=3650,
            value=DEFAULT_CHURN_DAYS,
            step=1,
            key=KEY + "churn_days",
            persist_state="session",
            help=t(
                "A customer who has bought before and not in this many days up to a period's "
                "end counts as churned."
            ),
        )
    if isinstance(chosen, tuple) and len(chosen) == 2:
        start, end = chosen
    return start, end, str(freq or "week"), int(churn_days)


def _worked(
    plan: Plan, imported: Imported, start: date, end: date, freq: str, churn_days: int
) -> Dashboard | None:
    parts = [imported.fingerprint, start.isoformat(), end.isoformat(), freq, str(churn_days)]
    parts += [stage.name for stage in plan.stages]
    key = hashlib.sha256("\u0000".join(parts).encode()).hexdigest()
    memo: dict[str, Dashboard] = st.session_state.setdefault(MEMO_KEY, {})
    if key not in memo:
        try:
            board = dashboard(
                orders=imported.log,
                funnel=None if imported.kind == "orders" else imported.actuals,
                start=start,
                end=end,
                freq=freq,  # type: ignore[arg-type]
                churn_days=churn_days,
                stage_names=[stage.name for stage in plan.stages],
            )
        except PlanInvalid as invalid:
            for problem in invalid.problems:
                st.error(
                    markdown(describe(problem, _label(problem.field))), icon=":material/warning:"
                )
            return None
        memo.clear()
        memo[key] = board
    return memo[key]


def _label(field: str) -> str:
    labels = {"start": t("Dates"), "end": t("Dates"), "churn_days": t("Churned after (days)")}
    return labels.get(field, field)


def _headline(totals: KpiPeriod, currency: str) -> None:
    items = []
    for kpi in HEADLINE:
        value = getattr(totals, kpi)
        if value is None and kpi != "revenue":
            continue  # no spend, no customers, no cart stage: nothing to say
        label, kind = KPIS[kpi]
        change = totals.changes.get(kpi)
        items.append(
            Metric(
                t(label),
                _shown(kind, currency)(value),
                delta=None
                if change is None or change.previous_change is None
                else delta(percent(abs(change.previous_change)), change.previous_change),
                since=t("vs the days before")
                if change and change.previous_change is not None
                else None,
            )
        )
    metrics(items, KEY + "headline")
    if totals.cac_above_revenue_per_customer:
        st.warning(
            markdown(
                t(
                    "A new customer cost {cac} to win, more than the {revenue} a customer "
                    "spent: each one loses money until they buy again.",
                    cac=money(totals.cac, currency),
                    revenue=money(totals.revenue_per_customer, currency),
                )
            ),
            icon=":material/warning:",
        )


def _chart(board: Dashboard, currency: str) -> None:
    available = [kpi for kpi in KPIS if any(getattr(row, kpi) is not None for row in board.rows)]
    if not available:
        return
    kpi = st.selectbox(
        t("Chart"),
        available,
        format_func=worded({key: KPIS[key][0] for key in available}),
        key=KEY + "chart_kpi",
    )
    label, kind = KPIS[kpi]
    last_year = [row.changes[kpi].last_year if kpi in row.changes else None for row in board.rows]
    figure = charts.series_figure(
        [row.period for row in board.rows],
        [getattr(row, kpi) for row in board.rows],
        t(label),
        kind=kind,
        currency=currency,
        formats=formats(),
        right_to_left=right_to_left(),
        last_year=last_year if any(value is not None for value in last_year) else None,
        last_year_label=t("A year earlier"),
    )
    st.plotly_chart(figure, key=KEY + "chart", config=PLOTLY_CONFIG)


def _stages(totals: KpiPeriod) -> None:
    rows = [
        {
            t("Stage"): stage.name,
            t("Count"): count(stage.count),
            t("Conversion"): NOTHING
            if stage.conversion is None
            else t(
                "{rate} of '{stage}'", rate=percent(stage.conversion), stage=stage.from_stage or ""
            ),
        }
        for stage in totals.stages
    ]
    if rows:
        st.subheader(t("Funnel"))
        table(pd.DataFrame(rows), KEY + "stages")


def _period_rows(board: Dashboard, currency: str) -> list[dict[str, str]]:
    shown = [kpi for kpi in KPIS if any(getattr(row, kpi) is not None for row in board.rows)]
    rows = []
    for row in board.rows:
        line = {t("Period"): t("{period} (part)", period=row.period) if row.partial else row.period}
        for kpi in shown:
            label, kind = KPIS[kpi]
            line[t(label)] = _shown(kind, currency)(getattr(row, kpi))
        revenue = row.changes.get("revenue")
        line[t("Revenue vs previous")] = signed_percent(
            None if revenue is None else revenue.previous_change
        )
        line[t("Revenue vs a year earlier")] = signed_percent(
            None if revenue is None else revenue.last_year_change
        )
        rows.append(line)
    return rows


def _periods(board: Dashboard, currency: str) -> None:
    st.subheader(t("Per period"))
    table(pd.DataFrame(_period_rows(board, currency)), KEY + "periods")
    if any(row.partial for row in board.rows):
        st.caption(t("(part): only part of this period is in the range."))


def _breakdowns(title: str, groups: Sequence[BreakdownRow], currency: str, key: str) -> None:
    if len(groups) < 2:
        return
    st.subheader(title)
    ranked = sorted(groups, key=lambda group: group.revenue, reverse=True)
    figure = charts.share_figure(
        [group.name for group in ranked],
        [group.revenue for group in ranked],
        t("Revenue by {what}", what=title.lower()),
        kind="money",
        currency=currency,
        formats=formats(),
        right_to_left=right_to_left(),
    )
    st.plotly_chart(figure, key=KEY + key + "_chart", config=PLOTLY_CONFIG)
    rows = [
        {
            t("Name"): group.name,
            t("Revenue"): money(group.revenue, currency),
            t("Share of revenue"): percent(group.revenue_share),
            t("Orders"): count(group.orders),
            t("Customers"): count(group.customers),
            t("New customers"): count(group.new_customers),
            t("Average order value"): money(group.average_order_value, currency),
        }
        for group in ranked
    ]
    table(pd.DataFrame(rows), KEY + key)


def _raw_rows(board: Dashboard) -> tuple[list[str], list[list[Any]]]:
    """Every KPI per period as numbers, for the downloads."""
    kpis = [kpi for kpi in KPIS if any(getattr(row, kpi) is not None for row in board.rows)]
    header = [t("Period"), t("From"), t("To"), *(t(KPIS[kpi][0]) for kpi in kpis)]
    rows = [
        [
            row.period,
            row.start.isoformat(),
            row.end.isoformat(),
            *(getattr(row, kpi) for kpi in kpis),
        ]
        for row in board.rows
    ]
    return header, rows


def _group_rows(groups: Sequence[BreakdownRow]) -> tuple[list[str], list[list[Any]]]:
    header = [
        t("Name"),
        t("Revenue"),
        t("Share of revenue"),
        t("Orders"),
        t("Customers"),
        t("New customers"),
        t("Average order value"),
    ]
    rows = [
        [
            group.name,
            group.revenue,
            group.revenue_share,
            group.orders,
            group.customers,
            group.new_customers,
            group.average_order_value,
        ]
        for group in groups
    ]
    return header, rows


def _downloads(board: Dashboard, plan: Plan) -> None:
    header, rows = _raw_rows(board)
    sheets = [(t("KPIs"), header, rows)]
    if len(board.channels) > 1:
        sheets.append((t("Channels"), *_group_rows(board.channels)))
    if len(board.segments) > 1:
        sheets.append((t("Segments"), *_group_rows(board.segments)))
    name = f"kpis-{board.start.isoformat()}-{board.end.isoformat()}"
    left, right = st.columns(2)
    with left:
        st.download_button(
            t("Download the KPIs (CSV)"),
            data=partial(table_csv, header, rows),
            file_name=f"{name}.csv",
            mime="text/csv",
            key=KEY + "csv",
            icon=":material/download:",
        )
    with right:
        st.download_button(
            t("Download the KPIs (Excel)"),
            data=partial(tables_workbook, sheets, right_to_left=right_to_left()),
            file_name=f"{name}.xlsx",
            mime=XLSX,
            key=KEY + "xlsx",
            icon=":material/download:",
        )
    st.caption(markdown(t("Range {first} to {last}.", first=day(board.start), last=day(board.end))))
