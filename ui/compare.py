"""Two versions of a plan side by side: every input and the main results, changes marked.

Pure functions (no streamlit) that turn two plans into rows of text, so the comparison is
tested on its own; the Plans page draws the rows and highlights the changed ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from planner.errors import PlanInvalid, PlannerError
from planner.funnel import plan_backwards
from planner.models import Plan
from planner.results import PlanResult
from ui.scenario_words import scenarios_summary, uncertainty_summary


@dataclass(frozen=True)
class Row:
    """One line of the comparison: what it is, each version's value as shown, and if it differs."""

    label: str
    first: str
    second: str

    @property
    def changed(self) -> bool:
        """True when the two versions show different values."""
        return self.first != self.second


@dataclass(frozen=True)
class Wording:
    """How the page words labels and values (the reader's language and digits)."""

    t: Callable[..., str]
    money: Callable[[float | None, str], str]
    count: Callable[[float | None], str]
    percent: Callable[[float | None], str]
    ratio: Callable[[float | None], str]
    period: Callable[[Plan], str]


def input_rows(first: Plan, second: Plan, say: Wording) -> list[Row]:
    """Every input of either version, stages matched by position."""
    rows = [
        Row(say.t("Plan name"), first.name, second.name),
        Row(say.t("Period"), say.period(first), say.period(second)),
        Row(say.t("Currency"), first.currency, second.currency),
        Row(
            say.t("Revenue target"),
            say.money(first.revenue_target, first.currency),
            say.money(second.revenue_target, second.currency),
        ),
        Row(
            say.t("Average order value"),
            say.money(first.average_order_value, first.currency),
            say.money(second.average_order_value, second.currency),
        ),
        Row(
            say.t("Orders per new customer"),
            say.count(first.orders_per_customer),
            say.count(second.orders_per_customer),
        ),
        Row(
            say.t("Gross margin"), say.percent(first.gross_margin), say.percent(second.gross_margin)
        ),
    ]
    rows += _stage_rows(first, second, say)
    rows += [
        Row(say.t("Acquisition cost"), _cost(first, say), _cost(second, say)),
        Row(say.t("Returning customers"), _returning(first, say), _returning(second, say)),
        Row(say.t("Description"), first.description, second.description),
        Row(
            say.t("Scenarios"),
            scenarios_summary(first, say),
            scenarios_summary(second, say),
        ),
        Row(
            say.t("Uncertain inputs"),
            uncertainty_summary(first, say),
            uncertainty_summary(second, say),
        ),
    ]
    return rows


def _stage_rows(first: Plan, second: Plan, say: Wording) -> list[Row]:
    rows = []
    for index in range(max(len(first.stages), len(second.stages))):
        label = say.t("Stage {number}", number=say.count(index + 1))
        rows.append(Row(label, _stage(first, index, say), _stage(second, index, say)))
    return rows


def _stage(plan: Plan, index: int, say: Wording) -> str:
    if index >= len(plan.stages):
        return "—"
    stage = plan.stages[index]
    if stage.conversion_rate is None:
        return stage.name
    return f"{stage.name} ({say.percent(stage.conversion_rate)})"


def _cost(plan: Plan, say: Wording) -> str:
    cost = plan.acquisition_cost
    if cost is None:
        return "—"
    if cost.cost_per_unit is not None:
        return say.t(
            "{price} per '{stage}'",
            price=say.money(cost.cost_per_unit, plan.currency),
            stage=cost.stage,
        )
    return say.t(
        "{cpm} CPM, {ctr} CTR into '{stage}'",
        cpm=say.money(cost.cost_per_mille, plan.currency),
        ctr=say.percent(cost.click_through_rate),
        stage=cost.stage,
    )


def _returning(plan: Plan, say: Wording) -> str:
    returning = plan.returning_customers
    if returning is None:
        return "—"
    return say.t(
        "{customers} customers, {rate} buy again, {orders} orders each",
        customers=say.count(returning.active_customers),
        rate=say.percent(returning.repeat_purchase_rate),
        orders=say.count(returning.orders_per_customer),
    )


def result_rows(first: Plan, second: Plan, say: Wording) -> list[Row]:
    """What each version needs: every stage's count, new customers, budget, CAC, ROAS."""
    one, two = _result(first), _result(second)
    rows = []
    for index in range(max(len(first.stages), len(second.stages))):
        label = _stage_label(first, second, index)
        rows.append(Row(label, _required(one, index, say), _required(two, index, say)))
    rows += [
        Row(
            say.t("New customers"),
            _number(one, "new_customers", say),
            _number(two, "new_customers", say),
        ),
        Row(say.t("Budget"), _money(one, first, "budget", say), _money(two, second, "budget", say)),
        Row("CAC", _money(one, first, "cac", say), _money(two, second, "cac", say)),
        Row("ROAS", _ratio(one, "roas", say), _ratio(two, "roas", say)),
        Row(
            say.t("Contribution"),
            _money(one, first, "contribution", say),
            _money(two, second, "contribution", say),
        ),
    ]
    return rows


def _result(plan: Plan) -> PlanResult | None:
    try:
        return plan_backwards(plan)
    except (PlannerError, PlanInvalid):  # a plan too large to work out shows dashes
        return None


def _stage_label(first: Plan, second: Plan, index: int) -> str:
    names = [plan.stages[index].name for plan in (first, second) if index < len(plan.stages)]
    return " / ".join(dict.fromkeys(names))


def _required(result: PlanResult | None, index: int, say: Wording) -> str:
    if result is None or index >= len(result.stages):
        return "—"
    return say.count(result.stages[index].required)


def _number(result: PlanResult | None, field: str, say: Wording) -> str:
    return "—" if result is None else say.count(getattr(result, field))


def _money(result: PlanResult | None, plan: Plan, field: str, say: Wording) -> str:
    if result is None or (plan.acquisition_cost is None and field in {"budget", "cac"}):
        return "—"
    return say.money(getattr(result, field), plan.currency)


def _ratio(result: PlanResult | None, field: str, say: Wording) -> str:
    return "—" if result is None else say.ratio(getattr(result, field))
