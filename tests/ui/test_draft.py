"""The Plan page's draft ↔ plan translation, without Streamlit."""

from __future__ import annotations

from datetime import date

import pytest

from planner.errors import PlanInvalid, parse_plan
from planner.models import AcquisitionCost, Period, Plan, Stage
from planner.presets import demo_plan
from ui.draft import (
    FIELD_KEYS,
    PREFIX,
    STAGE_IDS,
    draft_from_plan,
    plan_data,
    stage_key,
    widget_key_for,
)


def impressions_plan() -> Plan:
    return Plan(
        name="Custom dates, CPM, no returning customers",
        currency="SAR",
        period=Period(start=date(2027, 2, 10), end=date(2027, 4, 20)),
        revenue_target=50_000,
        average_order_value=250,
        orders_per_customer=1.5,
        stages=[Stage(name="Visitors"), Stage(name="Buyers", conversion_rate=0.02)],
        acquisition_cost=AcquisitionCost(
            stage="Visitors", cost_per_mille=12, click_through_rate=0.008
        ),
    )


@pytest.mark.parametrize(
    "plan",
    [
        pytest.param(demo_plan(), id="demo-quarter-returning-margin"),
        pytest.param(impressions_plan(), id="custom-dates-cpm"),
    ],
)
def test_a_plan_survives_the_trip_through_the_widgets(plan: Plan) -> None:
    assert parse_plan(plan_data(draft_from_plan(plan))) == plan


def test_rates_are_percent_in_the_draft_and_fractions_in_the_plan() -> None:
    draft = draft_from_plan(demo_plan())
    assert draft[stage_key(2, "rate")] == 12.0
    assert draft[FIELD_KEYS["gross_margin"]] == 45.0
    assert plan_data(draft)["stages"][2]["conversion_rate"] == pytest.approx(0.12)


def test_period_pickers_build_the_calendar_period() -> None:
    draft = draft_from_plan(demo_plan())
    draft[PREFIX + "period_kind"] = "month"
    draft[PREFIX + "month"] = 2
    draft[PREFIX + "year"] = 2028
    assert plan_data(draft)["period"] == {"start": date(2028, 2, 1), "end": date(2028, 2, 29)}


def test_switching_off_costs_and_returning_customers_drops_them() -> None:
    draft = draft_from_plan(demo_plan())
    draft[PREFIX + "cost_on"] = False
    draft[PREFIX + "returning_on"] = False
    plan = parse_plan(plan_data(draft))
    assert plan.acquisition_cost is None
    assert plan.returning_customers is None


def test_the_paid_stage_follows_a_renamed_stage() -> None:
    draft = draft_from_plan(demo_plan())
    draft[stage_key(0, "name")] = "Visits"
    assert parse_plan(plan_data(draft)).acquisition_cost.stage == "Visits"


def test_an_emptied_field_is_reported_as_required() -> None:
    draft = draft_from_plan(demo_plan())
    draft[FIELD_KEYS["average_order_value"]] = None
    with pytest.raises(PlanInvalid) as invalid:
        parse_plan(plan_data(draft))
    assert [str(problem) for problem in invalid.value.problems] == ["average_order_value: required"]


@pytest.mark.parametrize(
    ("field", "key"),
    [
        pytest.param("revenue_target", "plan.revenue_target", id="plain-field"),
        pytest.param("period.end", "plan.end", id="nested-field"),
        pytest.param("stages[3].conversion_rate", "plan.stage.7.rate", id="stage-rate-by-id"),
        pytest.param("stages[0].name", "plan.stage.4.name", id="stage-name-by-id"),
        pytest.param("stages[9].name", None, id="stage-out-of-range"),
        pytest.param("stages", None, id="whole-list"),
    ],
)
def test_a_field_path_finds_its_widget(field: str, key: str | None) -> None:
    draft = {STAGE_IDS: [4, 5, 6, 7]}
    assert widget_key_for(field, draft) == key
