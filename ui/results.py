"""The Plan page's result components: headline, metrics, warnings, funnel chart, stage table."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from planner.benchmarks import BenchmarkMatch, BenchmarkWarning
from planner.models import Plan
from planner.period import describe_period
from planner.results import Outcome, PlanResult, ProjectedStage, Projection, RequiredStage
from ui.charts import funnel_figure
from ui.format import count, money, percent, ratio


def stale_notice(problems: Sequence[str], *, showing_results: bool = True) -> None:
    """Say that the results belong to the last valid inputs, and list what to fix.

    The list matters because the field may sit on a tab the user is not looking at.
    """
    lines = "".join(f"\n- {problem}" for problem in problems)
    lead = (
        "These results are for the last valid inputs. To update them, fix:"
        if showing_results
        else "Nothing to show until you fix:"
    )
    st.info(f"{lead}{lines}", icon="ℹ️")


def backward(plan: Plan, result: PlanResult, warnings: Sequence[BenchmarkWarning]) -> None:
    """A plan worked back from its target."""
    top, last = result.stages[0], result.stages[-1]
    st.markdown(
        f"{_title(plan, result.period_days)} · "
        f"target **{money(result.revenue_target, result.currency)}**"
    )
    if result.covered_by_returning:
        st.success(
            f"Returning customers already bring {money(result.returning.revenue, plan.currency)}, "
            f"which covers the {money(result.revenue_target, plan.currency)} target: no new "
            "customers, traffic or budget are needed for it.",
            icon="✅",
        )
    else:
        st.markdown(
            f"You need **{count(top.required)} {top.name.lower()}** "
            f"({count(top.per_week)} a week) to win **{count(last.required)} new customers**"
            + (
                f" for a budget of **{money(result.budget, plan.currency)}**."
                if result.budget
                else "."
            )
        )
    _headline_metrics(plan, result, top.name)
    _money_metrics(plan, result)
    _revenue_check(plan, result)
    benchmark_warnings(warnings)
    _funnel_and_table(plan, result.stages, "Required at each stage")


def forward(plan: Plan, projection: Projection, warnings: Sequence[BenchmarkWarning]) -> None:
    """A funnel worked forwards from traffic or a budget, compared with the target."""
    top = projection.stages[0]
    share = projection.revenue / projection.revenue_target
    gap = projection.target_gap
    verdict = (
        f"beats the target by {money(gap, plan.currency)}"
        if gap >= 0
        else f"falls {money(-gap, plan.currency)} short of the target"
    )
    st.markdown(
        f"{_title(plan, projection.period_days)}: {count(top.expected)} "
        f"{top.name.lower()} bring **{count(projection.new_customers)} new customers** and "
        f"**{money(projection.revenue, plan.currency)}** revenue, {percent(share)} of the "
        f"{money(projection.revenue_target, plan.currency)} target: it {verdict}."
    )
    columns = st.columns(4)
    columns[0].metric(
        "Revenue",
        money(projection.revenue, plan.currency),
        delta=money(gap, plan.currency),
        delta_color="normal",
    )
    columns[1].metric(f"{top.name}", count(top.expected))
    columns[2].metric("New customers", count(projection.new_customers))
    columns[3].metric("Marketing budget", money(projection.budget, plan.currency))
    _money_metrics(plan, projection)
    benchmark_warnings(warnings)
    _funnel_and_table(plan, projection.stages, "Expected at each stage")


def _title(plan: Plan, days: int) -> str:
    """The plan's name and period, without saying the period twice ('Demo store: Q1 2027')."""
    period = describe_period(plan.period)
    shown = f"**{plan.name}**" if period in plan.name else f"**{plan.name}** · {period}"
    return f"{shown} ({days} days)"


def _headline_metrics(plan: Plan, result: PlanResult, top_name: str) -> None:
    columns = st.columns(4)
    columns[0].metric(f"{top_name} needed", count(result.stages[0].required))
    columns[1].metric("New customers", count(result.new_customers))
    columns[2].metric(
        "Orders",
        count(result.orders),
        help=f"New {count(result.new_orders)} + returning {count(result.returning.orders)}.",
    )
    columns[3].metric("Marketing budget", money(result.budget, plan.currency))


def _money_metrics(plan: Plan, outcome: Outcome) -> None:
    columns = st.columns(4)
    columns[0].metric("CAC", money(outcome.cac, plan.currency), help="Budget ÷ new customers.")
    columns[1].metric("ROAS", ratio(outcome.roas), help="New-customer revenue ÷ marketing budget.")
    columns[2].metric(
        "MER",
        ratio(outcome.marketing_efficiency),
        help="Marketing efficiency ratio: all revenue, new and returning, ÷ marketing budget.",
    )
    columns[3].metric(
        "Contribution",
        money(outcome.contribution, plan.currency),
        help="Contribution after marketing: revenue × gross margin − marketing budget."
        if plan.gross_margin is not None
        else "Enter a gross margin to see the contribution after marketing.",
    )


def _revenue_check(plan: Plan, result: PlanResult) -> None:
    currency = plan.currency
    orders = plan.orders_per_customer
    new_part = (
        f"{count(result.new_customers)} new customers × {count(orders)} "
        f"{'order' if orders == 1 else 'orders'} each × "
        f"{money(plan.average_order_value, currency)} = "
        f"{money(result.new_customer_revenue, currency, cents=False)}"
    )
    returning_part = (
        f" + {money(result.returning.revenue, currency, cents=False)} from returning customers"
        if result.returning.revenue
        else ""
    )
    surplus = result.revenue - result.revenue_target
    rounding = (
        f", {money(surplus, currency)} above the target because every stage is rounded up "
        "to whole people"
        if surplus >= 0.005
        else ""
    )
    st.caption(
        f"Revenue check: {new_part}{returning_part} = "
        f"**{money(result.revenue, currency, cents=False)}**{rounding}."
    )


def benchmark_warnings(warnings: Sequence[BenchmarkWarning]) -> None:
    """Inputs outside published ranges, each with its source."""
    for warning in warnings:
        show = st.warning if warning.severity == "warning" else st.info
        show(f"{warning.message}  \nSource: {warning.source}", icon="📊")


def _funnel_and_table(
    plan: Plan, stages: Sequence[RequiredStage] | Sequence[ProjectedStage], title: str
) -> None:
    names = [stage.name for stage in stages]
    counts = [stage.count for stage in stages]
    st.plotly_chart(funnel_figure(names, counts, title), key="plan.funnel_chart")
    st.dataframe(stage_table(plan, stages), hide_index=True, key="plan.stage_table")


def stage_table(
    plan: Plan, stages: Sequence[RequiredStage] | Sequence[ProjectedStage]
) -> pd.DataFrame:
    """One row per stage, formatted for reading."""
    return pd.DataFrame(
        {
            "Stage": [stage.name for stage in stages],
            "Conversion": [percent(stage.conversion_rate) for stage in stages],
            "Count": [count(stage.count) for stage in stages],
            "Per month": [count(stage.per_month) for stage in stages],
            "Per week": [count(stage.per_week) for stage in stages],
            "Cost per unit": [
                money(stage.cost_per_unit, plan.currency, cents=True) for stage in stages
            ],
        }
    )


VERDICT_LABELS = {"below": "below the range", "within": "within", "above": "above the range"}


def benchmark_table(plan: Plan, matches: Sequence[BenchmarkMatch]) -> None:
    """Every published range that applies to this funnel, beside the plan's own rate."""
    if not matches:
        st.caption("No published benchmark matches these stage names.")
        return
    rows = [
        {
            "Benchmark": match.benchmark.label,
            "Stages": f"{plan.stages[match.from_index].name} → {plan.stages[match.to_index].name}",
            "This plan": percent(match.rate),
            "Range": f"{percent(match.benchmark.low)} – {percent(match.benchmark.high)}",
            "Verdict": VERDICT_LABELS[match.verdict],
            "Published": match.benchmark.typical_text,
            "Source": match.benchmark.source,
        }
        for match in matches
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, key="plan.benchmark_table")
