"""The Plan page's draft ↔ plan translation, without Streamlit."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from planner.errors import PlanInvalid, parse_plan
from planner.models import AcquisitionCost, Period, Plan, Stage
from planner.presets import demo_plan
from ui.draft import (
    COST_KIND_KEY,
    FIELD_KEYS,
    NOTES,
    PAID_STAGE_KEY,
    PERIOD_KIND_KEY,
    PREFIX,
    STAGE_IDS,
    YEAR_KEY,
    Phrase,
    accepts,
    draft_from_plan,
    merge_problems,
    note_changed_rates,
    note_for,
    page_problems,
    plan_data,
    set_note,
    stage_key,
    stages_above,
    widget_key_for,
)
from ui.format import say


def shown(draft: dict[str, Any], key: str) -> str:
    """The note beside a field, as an English reader sees it."""
    note = note_for(draft, key)
    assert note is not None
    return say(note)


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


def problems_of(draft: dict) -> list[str]:
    """What the page would list for the draft, as ``field: message``."""
    try:
        parse_plan(plan_data(draft))
        model = []
    except PlanInvalid as invalid:
        model = invalid.problems
    return [str(problem) for problem in merge_problems(draft, page_problems(draft), model)]


def test_an_empty_orders_per_customer_is_required_not_one() -> None:
    draft = draft_from_plan(demo_plan())
    draft[FIELD_KEYS["orders_per_customer"]] = None
    assert problems_of(draft) == ["orders_per_customer: required"]


def test_returning_customers_need_every_field_but_their_order_value() -> None:
    draft = draft_from_plan(demo_plan())
    for field in ("active_customers", "repeat_purchase_rate", "orders_per_customer"):
        draft[FIELD_KEYS[f"returning_customers.{field}"]] = None
    draft[FIELD_KEYS["returning_customers.average_order_value"]] = None
    assert problems_of(draft) == [
        "returning_customers.active_customers: required",
        "returning_customers.repeat_purchase_rate: required",
        "returning_customers.orders_per_customer: required",
    ]


def test_each_empty_per_impression_field_is_named() -> None:
    """The model alone would name one missing unit cost, a field not even on screen."""
    draft = draft_from_plan(demo_plan())
    draft[COST_KIND_KEY] = "impressions"
    assert problems_of(draft) == [
        "acquisition_cost.cost_per_mille: required",
        "acquisition_cost.click_through_rate: required",
    ]
    draft[FIELD_KEYS["acquisition_cost.cost_per_mille"]] = -1.0
    assert problems_of(draft) == [
        "acquisition_cost.click_through_rate: required",
        "acquisition_cost.cost_per_mille: must be ≥ 0 and ≤ 1,000,000,000,000, got -1",
    ]


def test_an_empty_unit_price_is_required_in_one_message() -> None:
    draft = draft_from_plan(demo_plan())
    draft[FIELD_KEYS["acquisition_cost.cost_per_unit"]] = None
    assert problems_of(draft) == ["acquisition_cost.cost_per_unit: required"]


@pytest.mark.parametrize(
    ("year", "message"),
    [
        pytest.param(None, "year: required", id="empty"),
        pytest.param(
            1800, "year: must be a whole year from 1900 to 2199, got 1800", id="too-early"
        ),
        pytest.param(2200, "year: must be a whole year from 1900 to 2199, got 2200", id="too-late"),
        pytest.param(
            2027.5, "year: must be a whole year from 1900 to 2199, got 2027.5", id="fraction"
        ),
    ],
)
def test_a_wrong_year_is_named_and_its_dates_are_not(year: float | None, message: str) -> None:
    draft = draft_from_plan(demo_plan())
    draft[YEAR_KEY] = year
    assert problems_of(draft) == [message]


@pytest.mark.parametrize("year", [1900, 1990, 2199])
def test_every_year_the_model_accepts_is_accepted(year: int) -> None:
    draft = draft_from_plan(demo_plan())
    draft[YEAR_KEY] = year
    assert parse_plan(plan_data(draft)).period.start == date(year, 1, 1)


def test_a_custom_period_ignores_the_year_field() -> None:
    draft = draft_from_plan(demo_plan())
    draft[PERIOD_KIND_KEY] = "custom"
    draft[YEAR_KEY] = None
    assert problems_of(draft) == []


def test_an_emptied_paid_stage_name_is_named_once() -> None:
    draft = draft_from_plan(demo_plan())
    draft[stage_key(0, "name")] = "  "
    assert problems_of(draft) == ["stages[0].name: must not be empty"]


def test_a_stale_choice_is_not_accepted_from_a_widget() -> None:
    draft = draft_from_plan(demo_plan())
    assert accepts(PAID_STAGE_KEY, 4, draft)
    assert not accepts(PAID_STAGE_KEY, "Sessions", draft)  # an old label, after a rename
    assert not accepts(PAID_STAGE_KEY, None, draft)
    assert not accepts(PERIOD_KIND_KEY, "decade", draft)
    assert accepts(FIELD_KEYS["revenue_target"], None, draft)  # free fields take anything


def test_the_year_is_addressed_like_a_field() -> None:
    assert widget_key_for("year", {}) == YEAR_KEY
    assert widget_key_for("traffic", {}) == "plan.traffic"


def test_a_note_lasts_until_its_field_changes() -> None:
    draft = draft_from_plan(demo_plan())
    key = FIELD_KEYS["acquisition_cost.cost_per_unit"]
    set_note(draft, key, Phrase.of("Converted"))
    assert note_for(draft, key) == Phrase.of("Converted")
    draft[key] = 0.5
    assert note_for(draft, key) is None


def test_moving_a_stage_notes_every_rate_that_now_converts_from_another_stage() -> None:
    """Checkout moves above Add to cart: three rates now describe other steps."""
    draft = draft_from_plan(demo_plan())
    before = stages_above(draft)
    draft[STAGE_IDS] = [0, 1, 3, 2, 4]
    note_changed_rates(draft, before)
    assert shown(draft, stage_key(3, "rate")) == (
        "Stages moved: check this rate. It was the conversion from 'Add to cart'; "
        "it now converts from 'Product views'."
    )
    assert "from 'Product views'; it now converts from 'Checkout'" in shown(
        draft, stage_key(2, "rate")
    )
    assert "from 'Checkout'; it now converts from 'Add to cart'" in shown(
        draft, stage_key(4, "rate")
    )
    assert note_for(draft, stage_key(1, "rate")) is None


def test_moving_a_stage_back_clears_its_notes() -> None:
    draft = draft_from_plan(demo_plan())
    before = stages_above(draft)
    draft[STAGE_IDS] = [0, 1, 3, 2, 4]
    note_changed_rates(draft, before)
    before = stages_above(draft)
    draft[STAGE_IDS] = [0, 1, 2, 3, 4]
    note_changed_rates(draft, before)
    assert draft[NOTES] == {}


def test_the_old_top_stage_moved_down_asks_for_its_rate() -> None:
    """Sessions moves below Product views: a pass-through rate, and a note to set it."""
    draft = draft_from_plan(demo_plan())
    before = stages_above(draft)
    draft[STAGE_IDS] = [1, 0, 2, 3, 4]
    draft[stage_key(0, "rate")] = 100.0  # as ui.state.move_stage gives it
    note_changed_rates(draft, before)
    assert shown(draft, stage_key(0, "rate")) == (
        "Stages moved: this was the top stage, with no rate; "
        "set its conversion from 'Product views'."
    )
