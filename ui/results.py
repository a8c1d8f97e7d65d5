"""The Plan page's result components: headline, metrics, warnings, funnel chart, stage table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from planner.benchmarks import BenchmarkMatch, BenchmarkWarning
from planner.models import Plan
from planner.period import describe_period
from planner.results import Outcome, PlanResult, ProjectedStage, Projection, RequiredStage
from ui.charts import funnel_figure
from ui.format import NOTHING, count, money, money_per, percent, ratio

SUMMARY_KEY = "plan-summary"


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
    st.markdown(
        f"{_title(plan, result.period_days)} · "
        f"target **{money(result.revenue_target, result.currency)}**"
    )
    if result.covered_by_returning:
        _covered_by_returning(plan, result)
    else:
        st.markdown(_backward_headline(plan, result))
    _metrics(_headline_metrics(plan, result), key="plan.headline_metrics")
    _metrics(_money_metrics(plan, result), key="plan.money_metrics")
    _revenue_check(plan, result)
    benchmark_warnings(warnings)
    if not result.covered_by_returning:
        _funnel_and_table(plan, result.stages, "Required at each stage")


def _backward_headline(plan: Plan, result: PlanResult) -> str:
    """The plan in one sentence: traffic, customers, and the budget with its price."""
    top, last = result.stages[0], result.stages[-1]
    text = (
        f"You need **{count(top.required)} {top.name.lower()}** "
        f"({count(top.per_week)} a week) to win **{count(last.required)} new customers**"
    )
    cost = plan.acquisition_cost
    if cost is None:
        return text + "."
    return text + f" for a budget of **{money(result.budget, plan.currency)}** ({_price(plan)})."


def _price(plan: Plan) -> str:
    """What the budget pays for: '$0.40 per 'Sessions'' or a CPM with its click-through."""
    cost = plan.acquisition_cost
    if cost is None:
        return ""
    if cost.cost_per_unit is not None:
        return money_per(cost.cost_per_unit, plan.currency, f"'{cost.stage}'")
    return (
        f"{money_per(cost.cost_per_mille, plan.currency, '1,000 impressions')} at "
        f"{percent(cost.click_through_rate)} click-through into '{cost.stage}'"
    )


def _covered_by_returning(plan: Plan, result: PlanResult) -> None:
    surplus = result.returning.revenue - result.revenue_target
    st.success(
        f"Your returning customers already cover the target: they bring "
        f"{money(result.returning.revenue, plan.currency, cents=False)}, "
        f"{money(surplus, plan.currency, cents=False)} more than the "
        f"{money(result.revenue_target, plan.currency, cents=False)} target. No new customers, "
        "traffic or budget are needed for it; raise the target to plan for growth.",
        icon="✅",
    )


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
    _metrics(
        [
            Metric(
                "Revenue",
                money(projection.revenue, plan.currency),
                delta=money(gap, plan.currency),
            ),
            Metric(top.name, count(top.expected)),
            Metric("New customers", count(projection.new_customers)),
            Metric("Marketing budget", _budget(plan, projection.budget)),
        ],
        key="plan.headline_metrics",
    )
    _metrics(_money_metrics(plan, projection), key="plan.money_metrics")
    benchmark_warnings(warnings)
    _funnel_and_table(plan, projection.stages, "Expected at each stage")


def _title(plan: Plan, days: int) -> str:
    """The plan's name, its period and the period's length: 'Demo store · Q1 2027 (90 days)'."""
    return f"**{plan.name}** · {describe_period(plan.period)} ({days} days)"


@dataclass(frozen=True)
class Metric:
    """One headline number: its label, its value as shown, and optional help and delta."""

    label: str
    value: str
    help: str | None = None
    delta: str | None = None


def _metrics(metrics: Sequence[Metric], key: str) -> None:
    """A row of metrics that wraps instead of cutting a long amount short ("$34,…")."""
    with st.container(horizontal=True, gap="medium", key=key):
        for item in metrics:
            st.metric(
                item.label,
                item.value,
                delta=item.delta,
                help=item.help,
                width="content",
            )


def _budget(plan: Plan, budget: float) -> str:
    """The budget, or a dash when the plan prices no traffic (not "$0.00": nothing was asked)."""
    return NOTHING if plan.acquisition_cost is None else money(budget, plan.currency)


def _headline_metrics(plan: Plan, result: PlanResult) -> list[Metric]:
    top = result.stages[0]
    return [
        Metric(f"{top.name} needed", count(top.required)),
        Metric("New customers", count(result.new_customers)),
        Metric(
            "Orders",
            count(result.orders),
            help=f"New {count(result.new_orders)} + returning {count(result.returning.orders)}.",
        ),
        Metric("Marketing budget", _budget(plan, result.budget), help=_price(plan) or None),
    ]


def _money_metrics(plan: Plan, outcome: Outcome) -> list[Metric]:
    margin_help = (
        "Contribution after marketing: revenue × gross margin − marketing budget."
        if plan.gross_margin is not None
        else "Enter a gross margin to see the contribution after marketing."
    )
    return [
        Metric("CAC", money(outcome.cac, plan.currency), help="Budget ÷ new customers."),
        Metric("ROAS", ratio(outcome.roas), help="New-customer revenue ÷ marketing budget."),
        Metric(
            "MER",
            ratio(outcome.marketing_efficiency),
            help="Marketing efficiency ratio: all revenue, new and returning, ÷ marketing budget.",
        ),
        Metric("Contribution", money(outcome.contribution, plan.currency), help=margin_help),
    ]


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
    st.caption(
        f"Revenue check: {new_part}{returning_part} = "
        f"**{money(result.revenue, currency, cents=False)}**{_surplus_note(result, currency)}."
    )


def _surplus_note(result: PlanResult, currency: str) -> str:
    """Why the plan brings a little more than the target: customers come whole."""
    surplus = result.revenue - result.revenue_target
    if result.covered_by_returning or surplus < 0.005:
        return ""
    return (
        f", {money(surplus, currency)} above the target because new customers are rounded up "
        "to whole people"
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
    rates = [stage.conversion_rate for stage in stages]
    st.plotly_chart(funnel_figure(names, counts, rates, title), key="plan.funnel_chart")
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


def summary(plan: Plan, outcome: PlanResult | Projection | None, fixes_pending: int) -> None:
    """The headline in one line, pinned at the top on a phone while the inputs are edited.

    On a narrow screen the results column stacks below the inputs, 2,000 px down; this line
    keeps the answer in sight (``ui.layout`` pins it there and hides it on wider screens,
    where the results sit beside the inputs).
    """
    with st.container(key=SUMMARY_KEY):
        parts = [] if outcome is None else _summary_parts(plan, outcome)
        if fixes_pending:
            noun = "field" if fixes_pending == 1 else "fields"
            parts.insert(0, f"⚠️ fix {fixes_pending} {noun} to update")
        st.markdown(" · ".join(parts) or "Nothing to show yet")


def _summary_parts(plan: Plan, outcome: PlanResult | Projection) -> list[str]:
    currency = plan.currency
    if isinstance(outcome, Projection):
        return [
            f"**{money(outcome.revenue, currency)}** revenue "
            f"({percent(outcome.revenue / outcome.revenue_target)} of target)",
            f"**{count(outcome.new_customers)}** new customers",
        ]
    if outcome.covered_by_returning:
        return ["Returning customers cover the target"]
    top = outcome.stages[0]
    parts = [
        f"**{count(top.required)}** {top.name.lower()}",
        f"**{count(outcome.new_customers)}** new customers",
    ]
    if plan.acquisition_cost is not None:
        parts.append(f"**{money(outcome.budget, currency)}** budget")
    return parts
