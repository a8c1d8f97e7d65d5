"""The Actuals page's review: plan against actuals as of a date, why, where it lands, catch-up.

Each section takes the ``Review`` the domain worked out (``planner.review``) and draws it:
metrics, tables, a sentence a reader can repeat in a meeting, and a chart. Drivers and levers
are named as the reader knows them: the first stage's count is "Traffic ('Sessions')",
another stage's name is the conversion into that stage, and order value, orders per customer
and returning customers are worded here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from files.review_export import Words
from i18n.formats import Formats
from planner.models import Plan
from planner.review.attribution import (
    ORDER_VALUE,
    TRAFFIC,
    Attribution,
)
from planner.review.catchup import LeverNeed
from planner.review.pacing import MeasureVariance, StageVariance
from planner.review.review import Review
from ui import review_charts as charts
from ui.blocks import Metric, metrics, table
from ui.format import (
    NOTHING,
    count,
    day,
    delta,
    markdown,
    money,
    percent,
    signed_count,
    signed_money,
    signed_percent,
)
from ui.i18n import formats, language, right_to_left, t

KEY = "actuals."
EPOCH = date(1970, 1, 1)
PLOTLY_CONFIG = {"displayModeBar": False}
ON_PLAN_SHARE = 0.005
"""A driver whose part is under 0.5% of the planned revenue to date was "on plan"."""
STATUS_MARKS = {"green": "green", "amber": "orange", "red": "red"}
MONEY_MEASURES = {"revenue", "spend", "contribution"}


# --- Words ------------------------------------------------------------------------------------


def words(plan: Plan) -> Words:
    """The review's words (drivers, levers, statuses, notes), shared with its export."""
    return Words(plan, formats())


def _delta_money(amount: float, currency: str) -> str:
    return delta(money(abs(amount), currency), round(amount, 2))


def _amount(value: float | None, measure: str, currency: str) -> str:
    if measure in MONEY_MEASURES:
        return money(value, currency)
    return count(value)


# --- Headline ---------------------------------------------------------------------------------


def headline(review: Review) -> None:
    """Revenue to date against plan, attainment, the forecast and the chance of the target."""
    revenue = review.measures[0]
    currency = review.currency
    items = [
        Metric(
            t("Revenue to date"),
            money(revenue.actual_to_date, currency),
            help=t(
                "Through {day}, against {planned} planned by then.",
                day=day(review.as_of),
                planned=money(revenue.planned_to_date, currency),
            ),
            delta=_delta_money(review.revenue_gap, currency),
        ),
        Metric(
            t("Attainment"),
            percent(review.attainment),
            help=t("Revenue to date ÷ revenue planned to date."),
        ),
        Metric(
            t("Forecast at period end"),
            money(review.forecast.p50, currency),
            help=t(
                "Median of {trials} simulated endings; 8 in 10 end between {low} and {high}.",
                trials=count(review.forecast.trials),
                low=money(review.forecast.p10, currency),
                high=money(review.forecast.p90, currency),
            ),
        ),
        Metric(
            t("Chance of the target"),
            percent(review.probability_of_target),
            help=t("Target: {target}.", target=money(_target(review), currency)),
        ),
    ]
    metrics(items, KEY + "headline")


def _target(review: Review) -> float:
    return review.pacing[-1].plan if review.pacing else 0.0


def notes(review: Review, plan: Plan) -> None:
    """What the reader should know about the results, one line each."""
    for note in review.notes:
        st.caption(markdown(words(plan).note(note)))


# --- Plan vs actual ---------------------------------------------------------------------------


def variance_table(review: Review, plan: Plan) -> None:
    """Every measure and stage: planned to date, actual, variance, attainment and status."""
    said = words(plan)
    rows = [_measure_row(item, review.currency, said) for item in review.measures]
    rows += [_stage_row(item, said) for item in review.stages]
    statuses = [item.status for item in review.measures] + [item.status for item in review.stages]
    shades = [None if status is None else STATUS_MARKS[status] for status in statuses]
    table(
        pd.DataFrame(rows),
        KEY + "variance",
        numbers=_number_columns(),
        colors={t("Status"): shades},
    )


def _number_columns() -> list[str]:
    return [t("Planned to date"), t("Actual"), t("Variance"), t("Variance %"), t("Attainment")]


def _measure_row(item: MeasureVariance, currency: str, said: Words) -> dict[str, str]:
    money_like = item.measure in MONEY_MEASURES
    return {
        t("Measure"): said.measure(item.measure),
        t("Planned to date"): _amount(item.planned_to_date, item.measure, currency),
        t("Actual"): _amount(item.actual_to_date, item.measure, currency),
        t("Variance"): signed_money(item.variance, currency)
        if money_like
        else signed_count(item.variance),
        t("Variance %"): signed_percent(item.variance_pct),
        t("Attainment"): percent(item.attainment),
        t("Status"): said.status(item.status) or NOTHING,
    }


def _stage_row(item: StageVariance, said: Words) -> dict[str, str]:
    return {
        t("Measure"): item.name,
        t("Planned to date"): count(item.planned_to_date),
        t("Actual"): count(item.actual_to_date),
        t("Variance"): signed_count(item.variance),
        t("Variance %"): signed_percent(item.variance_pct),
        t("Attainment"): percent(item.attainment),
        t("Status"): said.status(item.status) or NOTHING,
    }


def conversion_table(review: Review) -> None:
    """Planned and actual conversion at every step, and the difference in points."""
    rows = []
    previous = None
    for item in review.stages:
        if previous is not None:
            difference = (
                None
                if item.actual_rate is None or item.planned_rate is None
                else item.actual_rate - item.planned_rate
            )
            rows.append(
                {
                    t("Step"): t("{before} → {after}", before=previous, after=item.name),
                    t("Planned"): percent(item.planned_rate),
                    t("Actual"): percent(item.actual_rate),
                    t("Difference"): NOTHING
                    if difference is None
                    else t("{points} points", points=_signed_points(difference)),
                }
            )
        previous = item.name
    if rows:
        table(pd.DataFrame(rows), KEY + "conversion")


def _signed_points(fraction: float) -> str:
    points = formats().number(round(abs(fraction) * 100, 2))
    if round(fraction * 100, 2) == 0:
        return points
    return f"+{points}" if fraction > 0 else f"−{points}"


def pacing_chart(review: Review) -> None:
    """Cumulative revenue: plan, actual to date, forecast band, target."""
    points = review.pacing
    if not points:
        return
    words = charts.PacingWords(
        title=t("Revenue through the period"),
        target=t("Target"),
        plan=t("Plan to date"),
        actual=t("Actual"),
        forecast=t("Forecast (median)"),
        band=t("Forecast, 8 in 10"),
        as_of=t("Review date"),
    )
    forecast = [
        None
        if point.forecast_p50 is None
        else (point.forecast_p10 or 0.0, point.forecast_p50, point.forecast_p90 or 0.0)
        for point in points
    ]
    figure = charts.pacing_figure(
        [point.day for point in points],
        [point.plan for point in points],
        [point.actual for point in points],
        forecast,
        _target_of(review),
        review.as_of,
        words,
        currency=review.currency,
        formats=formats(),
        right_to_left=right_to_left(),
    )
    st.plotly_chart(figure, key=KEY + "pacing_chart", config=PLOTLY_CONFIG)


def _target_of(review: Review) -> float:
    return review.pacing[-1].plan if review.pacing else 0.0


# --- Why --------------------------------------------------------------------------------------


def why_sentence(review: Review, plan: Plan) -> str:
    """The gap in words: "Conversion to 'Checkout' cost you $12,400; traffic was on plan."."""
    names = dict(
        zip(
            (part.driver for part in review.attribution),
            (_in_sentence(name) for name in words(plan).drivers(review.attribution)),
            strict=True,
        )
    )
    planned = abs(review.measures[0].planned_to_date) or 1.0
    on_plan = [part for part in review.attribution if abs(part.amount) < ON_PLAN_SHARE * planned]
    moved = sorted((part for part in review.attribution if part not in on_plan), key=_amount_of)
    parts = []
    if moved and moved[0].amount < 0:
        worst = moved[0]
        parts.append(
            t(
                "{driver} cost you {amount}",
                driver=names[worst.driver],
                amount=money(-worst.amount, review.currency),
            )
        )
    if moved and moved[-1].amount > 0:
        best = moved[-1]
        parts.append(
            t(
                "{driver} added {amount}",
                driver=names[best.driver],
                amount=money(best.amount, review.currency),
            )
        )
    if len(on_plan) == 1:
        parts.append(t("{driver} was on plan", driver=names[on_plan[0].driver]))
    elif on_plan:
        listed = [names[part.driver] for part in on_plan]
        comma = "، " if language() == "ar" else ", "
        both = t("{first} and {last}", first=comma.join(listed[:-1]), last=listed[-1])
        parts.append(t("{drivers} were on plan", drivers=both))
    if not parts:
        return t("Revenue is on plan.")
    sentence = t("{parts}.", parts=("؛ " if language() == "ar" else "; ").join(parts))
    return sentence[:1].upper() + sentence[1:]


def _amount_of(part: Attribution) -> float:
    return part.amount


def _in_sentence(name: str) -> str:
    """A driver's name inside a sentence: 'average order value', not 'Average order value'."""
    return name[:1].lower() + name[1:] if language() == "en" else name


def why_section(review: Review, plan: Plan) -> None:
    """The gap to date split by driver: a sentence, a waterfall and the parts in a table."""
    if not review.attribution:
        st.info(t("There is no revenue gap to explain yet."))
        return
    st.markdown(markdown(why_sentence(review, plan)))
    names = words(plan).drivers(review.attribution)
    revenue = review.measures[0]
    figure = charts.waterfall_figure(
        t("Planned to date"),
        revenue.planned_to_date,
        [(name, part.amount) for name, part in zip(names, review.attribution, strict=True)],
        t("Actual to date"),
        revenue.actual_to_date or 0.0,
        t("Where the revenue gap comes from"),
        currency=review.currency,
        formats=formats(),
        right_to_left=right_to_left(),
    )
    st.plotly_chart(figure, key=KEY + "why_chart", config=PLOTLY_CONFIG)
    rows = [
        {t("Driver"): name, t("Part of the gap"): signed_money(part.amount, review.currency)}
        for name, part in zip(names, review.attribution, strict=True)
    ]
    rows.append(
        {
            t("Driver"): t("Revenue gap to date"),
            t("Part of the gap"): signed_money(review.revenue_gap, review.currency),
        }
    )
    table(pd.DataFrame(rows), KEY + "why_table")
    st.caption(
        t(
            "Split by a log-mean Divisia index: each driver's part depends only on how far it "
            "moved, so the parts add up to the gap whatever their order."
        )
    )


# --- Forecast ---------------------------------------------------------------------------------


def forecast_section(review: Review) -> None:
    """Revenue at the period's end, P10/P50/P90, and the chance of the target."""
    result = review.forecast
    currency = review.currency
    metrics(
        [
            Metric(t("Low (P10)"), money(result.p10, currency)),
            Metric(t("Likely (P50)"), money(result.p50, currency)),
            Metric(t("High (P90)"), money(result.p90, currency)),
            Metric(t("Chance of the target"), percent(result.probability_of_target)),
        ],
        KEY + "forecast_metrics",
    )
    st.caption(
        t(
            "{trials} simulated endings over the {days} days left, from the traffic, "
            "conversion and order value seen so far (the plan's rates weigh in while there "
            "is little data). Seed {seed}.",
            trials=count(result.trials),
            days=count(result.remaining_days),
            seed=str(result.seed),
        )
    )
    st.caption(t("The band after the review date on the Plan vs actual chart is this forecast."))


# --- Catch-up ---------------------------------------------------------------------------------


def catch_up_section(review: Review, plan: Plan) -> None:
    """What the remaining weeks need, and which single change would close the gap instead."""
    needs = review.catch_up
    currency = review.currency
    if needs.reached:
        st.success(t("The target is already reached: nothing more is needed."))
        return
    if needs.result is None:
        st.info(t("There are no days left to plan."))
        return
    result = needs.result
    top = plan.stages[0].name
    text = t(
        "To still reach the target, the {days} days left need {remaining} more revenue: "
        "{traffic} '{stage}', {orders} orders",
        days=count(needs.remaining_days),
        remaining=money(needs.remaining_target, currency),
        traffic=count(result.stages[0].required),
        stage=top,
        orders=count(result.orders),
    )
    if plan.acquisition_cost is not None:
        text = t(
            "{text} and a budget of {budget}", text=text, budget=money(result.budget, currency)
        )
    st.markdown(markdown(t("{text}, at the rates seen so far.", text=text)))
    rows = [
        {
            t("Week"): day(week.start),
            t("Days"): count(week.days),
            top: count(week.traffic),
            t("New customers"): count(week.new_customers),
            t("Orders"): count(week.orders),
            t("Budget"): money(week.budget, currency) if week.budget is not None else NOTHING,
        }
        for week in needs.weeks
    ]
    if rows:
        table(pd.DataFrame(rows), KEY + "catch_up_weeks")
    levers = [lever for lever in needs.levers if lever.needed is not None]
    if levers:
        st.markdown(markdown(t("**Or one change alone** would close the gap:")))
        table(
            pd.DataFrame([_lever_row(lever, plan, currency) for lever in levers]),
            KEY + "catch_up_levers",
        )


def _lever_row(lever: LeverNeed, plan: Plan, currency: str) -> dict[str, str]:
    said = words(plan)
    shown = _lever_word(lever.lever, {stage.name for stage in plan.stages}, currency)
    return {
        t("Change"): said.lever(lever.lever),
        t("Now"): shown(lever.current),
        t("Needed"): shown(lever.needed),
        t("Change by"): signed_percent(lever.change),
        t("Possible"): said.possible(lever),
    }


def _lever_word(lever: str, stages: set[str], currency: str) -> Callable[[float | None], str]:
    """How a lever's value reads: a rate in percent, order value in money, traffic counted."""
    if lever in stages:
        return percent
    if lever == ORDER_VALUE:
        return lambda value: money(value, currency)
    if lever == TRAFFIC:
        return count
    return lambda value: NOTHING if value is None else formats().number(round(value, 2))


# --- Export -----------------------------------------------------------------------------------


def export_section(review: Review, plan: Plan, imported: Any) -> None:
    """The review as one Excel workbook and as a printable page."""
    st.markdown(
        markdown(
            t(
                "The plan, the results, the variance table, the attribution, the forecast and "
                "the catch-up plan as of {day}, for the quarter's review meeting.",
                day=day(review.as_of),
            )
        )
    )
    name = f"review-{review.as_of.isoformat()}"
    left, right = st.columns(2)
    with left:
        st.download_button(
            t("Download the review (Excel)"),
            data=partial(_workbook, plan, review, formats(), imported),
            file_name=f"{name}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=KEY + "review_xlsx",
            icon=":material/download:",
        )
    with right:
        st.download_button(
            t("Download the review (printable page)"),
            data=partial(_page, plan, review, formats()),
            file_name=f"{name}.html",
            mime="text/html",
            key=KEY + "review_html",
            icon=":material/print:",
        )
    st.caption(t("Open the printable page in a browser and print it, or save it as a PDF."))


def _workbook(plan: Plan, review: Review, shown: Formats, imported: Any) -> bytes:
    """The review workbook, made when the button is clicked (not on every rerun)."""
    from files.review_export import review_workbook

    return review_workbook(plan, review, shown, daily=_daily_rows(review, imported))


def _page(plan: Plan, review: Review, shown: Formats) -> bytes:
    """The printable review page, made when the button is clicked."""
    from files.review_export import review_html

    return review_html(plan, review, shown).encode("utf-8")


def _daily_rows(review: Review, imported: Any) -> list[tuple[Any, dict[str, float | None]]]:
    """The results per day of the period through the review date, for the workbook."""
    from planner.actuals.funnel import daily

    first = (review.period_start - EPOCH).days
    last = (min(review.as_of, review.period_end) - EPOCH).days
    series = daily(imported.actuals, first, last)
    columns: dict[str, Any] = dict(series.stages)
    columns.update({str(name): values for name, values in series.measures.items()})
    return [
        (
            review.period_start + timedelta(days=index),
            {
                name: (float(values[index]) if series.covered[index] else None)
                for name, values in columns.items()
            },
        )
        for index in range(len(series.covered))
    ]
