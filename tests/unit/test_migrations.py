"""Plan files of older schema versions are brought up to today's format when read."""

from __future__ import annotations

import json
from typing import Any

import pytest

from planner.errors import PlanInvalid, parse_plan, parse_plan_json
from planner.migrations import FIRST_SCHEMA_VERSION, STEPS, migrate
from planner.models import PLAN_SCHEMA_VERSION
from tests.conftest import ROOT

VERSION_1_FILE = ROOT / "tests" / "unit" / "data" / "plan-schema-1.json"
VERSION_2_FILE = ROOT / "tests" / "unit" / "data" / "plan-schema-2.json"
NO_WHAT_IFS = {"scenarios": [], "uncertainty": []}


def test_a_version_1_file_reads_as_today_s_plan_with_the_same_inputs() -> None:
    """Hand-checked: version 1 is today's format without ``description`` and the what-ifs."""
    text = VERSION_1_FILE.read_text(encoding="utf-8")
    written = json.loads(text)

    plan = parse_plan_json(text)

    assert written["schema_version"] == 1
    assert plan.schema_version == PLAN_SCHEMA_VERSION == 3
    assert plan == parse_plan({**written, "schema_version": 3, "description": "", **NO_WHAT_IFS})


def test_a_version_2_file_reads_as_today_s_plan_with_no_scenarios_or_uncertainty() -> None:
    """Hand-checked: version 2 is today's format without ``scenarios`` and ``uncertainty``."""
    text = VERSION_2_FILE.read_text(encoding="utf-8")
    written = json.loads(text)

    plan = parse_plan_json(text)

    assert written["schema_version"] == 2
    assert plan.scenarios == []
    assert plan.uncertainty == []
    assert plan == parse_plan({**written, "schema_version": 3, **NO_WHAT_IFS})
    assert plan.description == written["description"]


def test_the_migrated_plan_keeps_every_number_of_the_file() -> None:
    written = json.loads(VERSION_1_FILE.read_text(encoding="utf-8"))
    plan = parse_plan(written)

    assert plan.revenue_target == written["revenue_target"]
    assert [stage.name for stage in plan.stages] == [stage["name"] for stage in written["stages"]]
    assert plan.acquisition_cost is not None
    assert plan.acquisition_cost.cost_per_unit == written["acquisition_cost"]["cost_per_unit"]


def test_a_file_without_a_version_is_taken_as_today_s(example_plan_data: dict[str, Any]) -> None:
    example_plan_data.pop("schema_version", None)

    assert migrate(example_plan_data) is example_plan_data


def test_a_version_newer_than_this_planner_is_refused_by_name(
    example_plan_data: dict[str, Any],
) -> None:
    example_plan_data["schema_version"] = PLAN_SCHEMA_VERSION + 1

    with pytest.raises(PlanInvalid) as invalid:
        parse_plan(example_plan_data)

    [problem] = invalid.value.problems
    assert problem.field == "schema_version"
    assert problem.code == "schema_too_new"
    assert problem.context == {"got": 4, "supported": 3}


@pytest.mark.parametrize("version", [0, -1, "1", 1.0, True, None])
def test_a_version_that_is_no_known_whole_number_is_left_for_validation_to_name(
    example_plan_data: dict[str, Any], version: Any
) -> None:
    example_plan_data["schema_version"] = version

    with pytest.raises(PlanInvalid) as invalid:
        parse_plan(example_plan_data)

    assert [problem.field for problem in invalid.value.problems] == ["schema_version"]


def test_there_is_a_step_from_every_older_version() -> None:
    assert set(STEPS) == set(range(FIRST_SCHEMA_VERSION, PLAN_SCHEMA_VERSION))


def test_migration_does_not_change_the_document_it_was_given() -> None:
    written = json.loads(VERSION_1_FILE.read_text(encoding="utf-8"))
    before = json.dumps(written, sort_keys=True)

    migrate(written)

    assert json.dumps(written, sort_keys=True) == before


@pytest.mark.parametrize(
    "text", ["", "Agreed with the board on 2027-01-05.\nAssumes the spring sale.", "x" * 1000]
)
def test_a_description_may_be_empty_or_run_over_lines(
    example_plan_data: dict[str, Any], text: str
) -> None:
    example_plan_data["description"] = text

    assert parse_plan(example_plan_data).description == text


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("x" * 1001, "string_too_long"),
        ("a\x1b[2Jb", "control_character"),
        ("a\u202eb", "control_character"),
    ],
)
def test_a_description_refuses_what_names_refuse_but_line_breaks(
    example_plan_data: dict[str, Any], text: str, code: str
) -> None:
    example_plan_data["description"] = text

    with pytest.raises(PlanInvalid) as invalid:
        parse_plan(example_plan_data)

    assert [(problem.field, problem.code) for problem in invalid.value.problems] == [
        ("description", code)
    ]
