"""The Plan page's result components: headline, metrics, warnings, funnel chart, stage table.

Every sentence is one catalogue message with named placeholders, so a translator can move
the numbers; counted nouns (new customers, days, fields) take the plural form their number
needs (Arabic has six).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from planner.benchmarks import BenchmarkMatch, BenchmarkWarning
from planner.models import Plan
from planner.results import Outcome, PlanResult, ProjectedStage, Projection, RequiredStage
from ui.blocks import Metric, metrics, table
from ui.charts import funnel_figure
from ui.format import (
    NOTHING,
    count,
    days,
    joined,
    markdown,
    money,
    money_per,
    percent,
    period_name,
    plural_count,
    ratio,
)
from ui.i18n import formats, right_to_left, t, t_plural
from ui.messages import (
    benchmark_label,
    benchmark_source,
    benchmark_typical,
    source_text,
    verdict_text,
    warning_text,
)

SUMMARY_KEY = "plan-summary"


def stale_notice(problems: Sequence[str], *, showing_results: bool = True) -> None:
    """Say that the results belong to the last valid inputs, and list what to fix.

    The list matters because the field may sit on a tab the user is not looking at.
    """
    lines = "".join(f"\n- {problem}" for problem in problems)
    lead = (
        t("These results are for the last valid inputs. To update them, fix:")
        if showing_results
        else t("Nothing to show until you fix:")
    )
    st.info(markdown(f"{lead}{lines}"), icon="ℹ️")


def _new_customers(number: float) -> str:
    """``1,545 new customers``, the noun in the form the number needs."""
    return t_plural(
        "{number} new customer",
        "{number} new customers",
        plural_count(number),
        number=count(number),
    )


def backward(plan: Plan, result: PlanResult, warnings: Sequence[BenchmarkWarning]) -> None:
    """A plan worked back from its target."""
    st.markdown(
        markdown(
            t(
                "{title} · target **{target}**",
                title=_title(plan, result.period_days),
                target=money(result.revenue_target, result.currency),
            )
        )
    )
    if result.covered_by_returning:
        _covered_by_returning(plan, result)
    else:
        st.markdown(markdown(_backward_headline(plan, result)))
    metrics(_headline_metrics(plan, result), key="plan.headline_metrics")
    metrics(_money_metrics(plan, result), key="plan.money_metrics")
    _revenue_check(plan, result)
    benchmark_warnings(warnings)
    if not result.covered_by_returning:
        _funnel_and_table(plan, result.stages, t("Required at each stage"))


def _backward_headline(plan: Plan, result: PlanResult) -> str:
    """The plan in one sentence: traffic, customers, and the budget with its price."""
    top, last = result.stages[0], result.stages[-1]
    words = {
        "count": count(top.required),
        "stage": top.name.lower(),
        "per_week": count(top.per_week),
        "customers": _new_customers(last.required),
    }
    if plan.acquisition_cost is None:
        return t(
            "You need **{count} {stage}** ({per_week} a week) to win **{customers}**.", **words
        )
    return t(
        "You need **{count} {stage}** ({per_week} a week) to win **{customers}** "
        "for a budget of **{budget}** ({price}).",
        budget=money(result.budget, plan.currency),
        price=_price(plan),
        **words,
    )


def _price(plan: Plan) -> str:
    """What the budget pays for: '$0.40 per 'Sessions'' or a CPM with its click-through."""
    cost = plan.acquisition_cost
    if cost is None:
        return ""
    if cost.cost_per_unit is not None:
        return money_per(cost.cost_per_unit, plan.currency, cost.stage)
    return t(
        "{price} per 1,000 impressions at {rate} click-through into '{stage}'",
        price=money(cost.cost_per_mille, plan.currency, cents=True),
        rate=percent(cost.click_through_rate),
        stage=cost.stage,
    )


def _covered_by_returning(plan: Plan, result: PlanResult) -> None:
    surplus = result.returning.revenue - result.revenue_target
    st.success(
        markdown(
            t(
                "Your returning customers already cover the target: they bring {returning}, "
                "{surplus} more than the {target} target. No new customers, traffic or budget are "
                "needed for it; raise the target to plan for growth.",
                returning=money(result.returning.revenue, plan.currency, cents=False),
                surplus=money(surplus, plan.currency, cents=False),
                target=money(result.revenue_target, plan.currency, cents=False),
            )
        ),
        icon="✅",
    )


def forward(plan: Plan, projection: Projection, warnings: Sequence[BenchmarkWarning]) -> None:
    """A funnel worked forwards from traffic or a budget, compared with the target."""
    top = projection.stages[0]
    gap = projection.target_gap
    words = {
        "title": _title(plan, projection.period_days),
        "count": count(top.expected),
        "stage": top.name.lower(),
        "customers": _new_customers(projection.new_customers),
        "revenue": money(projection.revenue, plan.currency),
        "share": percent(projection.revenue / projection.revenue_target),
        "target": money(projection.revenue_target, plan.currency),
        "gap": money(abs(gap), plan.currency),
    }
    if gap >= 0:
        sentence = t(
            "{title}: {count} {stage} bring **{customers}** and **{revenue}** revenue, {share} "
            "of the {target} target: it beats the target by {gap}.",
            **words,
        )
    else:
        sentence = t(
            "{title}: {count} {stage} bring **{customers}** and **{revenue}** revenue, {share} "
            "of the {target} target: it falls {gap} short of the target.",
            **words,
        )
    st.markdown(markdown(sentence))
    metrics(
        [
            Metric(
                t("Revenue"),
                money(projection.revenue, plan.currency),
                delta=money(gap, plan.currency),
            ),
            Metric(top.name, count(top.expected)),
            Metric(t("New customers"), count(projection.new_customers)),
            Metric(t("Marketing budget"), _budget(plan, projection.budget)),
        ],
        key="plan.headline_metrics",
    )
    metrics(_money_metrics(plan, projection), key="plan.money_metrics")
    benchmark_warnings(warnings)
    _funnel_and_table(plan, projection.stages, t("Expected at each stage"))


def _title(plan: Plan, period_days: int) -> str:
    """The plan's name, its period and the period's length: 'Demo store · Q1 2027 (90 days)'."""
    return f"**{plan.name}** · {period_name(plan.period)} ({days(period_days)})"


def _budget(plan: Plan, budget: float) -> str:
    """The budget, or a dash when the plan prices no traffic (not "$0.00": nothing was asked)."""
    return NOTHING if plan.acquisition_cost is None else money(budget, plan.currency)


def _headline_metrics(plan: Plan, result: PlanResult) -> list[Metric]:
    top = result.stages[0]
    return [
        Metric(t("{stage} needed", stage=top.name), count(top.required)),
        Metric(t("New customers"), count(result.new_customers)),
        Metric(
            t("Orders"),
            count(result.orders),
            help=t(
                "New {new} + returning {returning}.",
                new=count(result.new_orders),
                returning=count(result.returning.orders),
            ),
        ),
        Metric(t("Marketing budget"), _budget(plan, result.budget), help=_price(plan) or None),
    ]


def _money_metrics(plan: Plan, outcome: Outcome) -> list[Metric]:
    margin_help = (
        t("Contribution after marketing: revenue × gross margin − marketing budget.")
        if plan.gross_margin is not None
        else t("Enter a gross margin to see the contribution after marketing.")
    )
    return [
        Metric(t("CAC"), money(outcome.cac, plan.currency), help=t("Budget ÷ new customers.")),
        Metric(t("ROAS"), ratio(outcome.roas), help=t("New-customer revenue ÷ marketing budget.")),
        Metric(
            t("MER"),
            ratio(outcome.marketing_efficiency),
            help=t(
                "Marketing efficiency ratio: all revenue, new and returning, ÷ marketing budget."
            ),
        ),
        Metric(t("Contribution"), money(outcome.contribution, plan.currency), help=margin_help),
    ]


def _revenue_check(plan: Plan, result: PlanResult) -> None:
    currency = plan.currency
    orders = plan.orders_per_customer
    each = t_plural(
        "{number} order each", "{number} orders each", plural_count(orders), number=count(orders)
    )
    calculation = (
        f"{_new_customers(result.new_customers)} × {each} × "
        f"{money(plan.average_order_value, currency)} = "
        f"{money(result.new_customer_revenue, currency, cents=False)}"
    )
    if result.returning.revenue:
        returning = t(
            "{amount} from returning customers",
            amount=money(result.returning.revenue, currency, cents=False),
        )
        calculation = f"{calculation} + {returning}"
    total = money(result.revenue, currency, cents=False)
    surplus = result.revenue - result.revenue_target
    if result.covered_by_returning or surplus < 0.005:
        text = t(
            "Revenue check: {calculation} = **{total}**.", calculation=calculation, total=total
        )
    else:  # customers come whole, so the plan brings a little more than the target
        text = t(
            "Revenue check: {calculation} = **{total}**, {surplus} above the target because "
            "new customers are rounded up to whole people.",
            calculation=calculation,
            total=total,
            surplus=money(surplus, currency),
        )
    st.caption(markdown(text))


def benchmark_warnings(warnings: Sequence[BenchmarkWarning]) -> None:
    """Inputs outside published ranges, each with its source."""
    for warning in warnings:
        show = st.warning if warning.severity == "warning" else st.info
        source = t("Source: {source}", source=source_text(warning))
        show(markdown(f"{warning_text(warning)}  \n{source}"), icon="📊")


def _funnel_and_table(
    plan: Plan, stages: Sequence[RequiredStage] | Sequence[ProjectedStage], title: str
) -> None:
    names = [stage.name for stage in stages]
    counts = [stage.count for stage in stages]
    rates = [stage.conversion_rate for stage in stages]
    figure = funnel_figure(
        names,
        counts,
        rates,
        title,
        formats=formats(),
        hover=_hover_texts(names, counts, rates),
        right_to_left=right_to_left(),
    )
    st.plotly_chart(figure, key="plan.funnel_chart")
    frame = stage_table(plan, stages)
    table(frame, key="plan.stage_table", numbers=list(frame.columns[1:]))


def _hover_texts(
    names: Sequence[str], counts: Sequence[float], rates: Sequence[float | None]
) -> list[str]:
    """'Product views: 42,917, 50% of 'Sessions'' for each bar."""
    texts = []
    for position, (name, number, rate) in enumerate(zip(names, counts, rates, strict=True)):
        if rate is None or position == 0:
            texts.append(f"{name}: {count(number)}")
        else:
            texts.append(
                t(
                    "{stage}: {count}, {rate} of '{previous}'",
                    stage=name,
                    count=count(number),
                    rate=percent(rate),
                    previous=names[position - 1],
                )
            )
    return texts


def stage_table(
    plan: Plan, stages: Sequence[RequiredStage] | Sequence[ProjectedStage]
) -> pd.DataFrame:
    """One row per stage, formatted for reading; the stage first, then its numbers."""
    return pd.DataFrame(
        {
            t("Stage"): [stage.name for stage in stages],
            t("Conversion"): [percent(stage.conversion_rate) for stage in stages],
            t("Count"): [count(stage.count) for stage in stages],
            t("Per month"): [count(stage.per_month) for stage in stages],
            t("Per week"): [count(stage.per_week) for stage in stages],
            t("Cost per unit"): [
                money(stage.cost_per_unit, plan.currency, cents=True) for stage in stages
            ],
        }
    )


def benchmark_table(plan: Plan, matches: Sequence[BenchmarkMatch]) -> None:
    """Every published range that applies to this funnel, beside the plan's own rate."""
    if not matches:
        st.caption(t("No published benchmark matches these stage names."))
        return
    rows = [
        {
            t("Benchmark"): benchmark_label(match.benchmark),
            t("Stages"): t(
                "{first} → {last}",
                first=plan.stages[match.from_index].name,
                last=plan.stages[match.to_index].name,
            ),
            t("This plan"): percent(match.rate),
            t("Range"): f"{percent(match.benchmark.low)} – {percent(match.benchmark.high)}",
            t("Verdict"): verdict_text(match.verdict),
            t("Published"): benchmark_typical(match.benchmark),
            t("Source"): benchmark_source(match.benchmark),
        }
        for match in matches
    ]
    numbers = (t("This plan"), t("Range"))
    table(pd.DataFrame(rows), key="plan.benchmark_table", numbers=numbers)


def summary(plan: Plan, outcome: PlanResult | Projection | None, fixes_pending: int) -> None:
    """The headline in one line, pinned at the top on a phone while the inputs are edited.

    On a narrow screen the results column stacks below the inputs, 2,000 px down; this line
    keeps the answer in sight (``ui.layout`` pins it there and hides it on wider screens,
    where the results sit beside the inputs).
    """
    with st.container(key=SUMMARY_KEY):
        parts = [] if outcome is None else _summary_parts(plan, outcome)
        if fixes_pending:
            fix = t_plural(
                "⚠️ fix {number} field to update",
                "⚠️ fix {number} fields to update",
                fixes_pending,
                number=count(fixes_pending),
            )
            parts.insert(0, fix)
        st.markdown(markdown(joined(parts) or t("Nothing to show yet")))


def _summary_parts(plan: Plan, outcome: PlanResult | Projection) -> list[str]:
    currency = plan.currency
    if isinstance(outcome, Projection):
        return [
            t(
                "**{revenue}** revenue ({share} of target)",
                revenue=money(outcome.revenue, currency),
                share=percent(outcome.revenue / outcome.revenue_target),
            ),
            _bold_new_customers(outcome.new_customers),
        ]
    if outcome.covered_by_returning:
        return [t("Returning customers cover the target")]
    top = outcome.stages[0]
    parts = [
        t("**{count}** {stage}", count=count(top.required), stage=top.name.lower()),
        _bold_new_customers(outcome.new_customers),
    ]
    if plan.acquisition_cost is not None:
        parts.append(t("**{budget}** budget", budget=money(outcome.budget, currency)))
    return parts


def _bold_new_customers(number: float) -> str:
    return t_plural(
        "**{number}** new customer",
        "**{number}** new customers",
        plural_count(number),
        number=count(number),
    )
