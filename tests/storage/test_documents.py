"""What goes into the store comes out unchanged, and old documents come out migrated.

The round trip is the plan file's own contract (README, "Plan file and CLI"): the JSON a plan
is saved as is the JSON it loads as, to the character. Plans come from the funnel properties'
strategy (``tests/property``): 2–8 stages, any cost, returning customers, margins.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import create_engine, insert

from planner.errors import parse_plan_json
from planner.models import PLAN_SCHEMA_VERSION, Plan
from planner.presets import demo_plan
from storage.schema import plan_versions, plans
from storage.store import PlanStore, listing_columns
from tests.property.test_funnel_properties import plans as valid_plans

ROUND_TRIP_SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def sqlite_store(sqlite_database: str) -> Iterator[PlanStore]:
    with PlanStore.open(sqlite_database) as store:
        yield store


def assert_round_trip(store: PlanStore, plan: Plan) -> None:
    text = plan.model_dump_json()
    plan_id = store.create(parse_plan_json(text), author="round trip").plan_id

    loaded = store.load(plan_id).plan

    assert loaded.model_dump_json() == text
    assert loaded == plan


@ROUND_TRIP_SETTINGS
@given(plan=valid_plans())
def test_json_store_json_is_exact_on_sqlite(sqlite_store: PlanStore, plan: Plan) -> None:
    assert_round_trip(sqlite_store, plan)


@pytest.mark.parametrize(
    "plan",
    [
        pytest.param(demo_plan(), id="demo plan"),
        pytest.param(
            parse_plan_json(
                '{"name": "Året – ÅÄÖ \\"quoted\\"", "currency": "SAR",'
                ' "period": {"start": "2027-01-01", "end": "2027-12-31"},'
                ' "revenue_target": 0.1, "average_order_value": 1e-2,'
                ' "stages": [{"name": "Visitors"}, {"name": "Buyers", "conversion_rate": 1e-3}],'
                ' "acquisition_cost": {"stage": "Visitors", "cost_per_mille": 12.5,'
                ' "click_through_rate": 0.017}, "gross_margin": 0.333333333333333,'
                ' "returning_customers": {"active_customers": 1200,'
                ' "repeat_purchase_rate": 0.2, "orders_per_customer": 1.5}}'
            ),
            id="every field",
        ),
    ],
)
def test_json_store_json_is_exact_on_postgresql(postgresql_database: str, plan: Plan) -> None:
    with PlanStore.open(postgresql_database) as store:
        assert_round_trip(store, plan)


def version_one_document(data: dict[str, Any]) -> str:
    """The README's plan file as schema version 1 wrote it (no field of later versions)."""
    return json.dumps({**data, "schema_version": 1})


def test_a_schema_version_one_document_loads_as_todays_plan(
    database: str, example_plan_data: dict[str, Any], example_plan: Plan
) -> None:
    """Stored raw, as the store of schema 1 saved it; it loads validated and migrated."""
    now = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
    with PlanStore.open(database):  # creates the tables
        pass
    engine = create_engine(database)
    with engine.begin() as connection:
        row = listing_columns(example_plan) | {"latest_version": 1, "updated_by": "schema 1"}
        row |= {"created_at": now, "updated_at": now}
        plan_id = connection.execute(insert(plans).values(row)).inserted_primary_key[0]
        version = {"plan_id": plan_id, "number": 1, "saved_at": now, "author": "schema 1"}
        document = {"schema_version": 1, "document": version_one_document(example_plan_data)}
        connection.execute(insert(plan_versions).values(version | document | {"note": ""}))
    engine.dispose()

    with PlanStore.open(database) as store:
        loaded = store.load(plan_id).plan

    assert loaded.schema_version == PLAN_SCHEMA_VERSION
    assert loaded == example_plan
