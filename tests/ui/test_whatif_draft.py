"""Scenarios and uncertain inputs in the page's draft, and back to the plan file."""

from __future__ import annotations

from typing import Any

from planner.errors import parse_plan
from planner.models import Plan
from planner.presets import demo_plan
from planner.scenarios.inputs import Observed, Override, Range, Scenario, Uncertain
from tests.ui.test_compare import PLAIN
from ui.draft import STAGE_IDS, draft_from_plan, plan_data, stage_key
from ui.scenario_words import override_text, scenario_text, uncertain_text
from ui.whatif_draft import WHATIF, add_lift, follow_stages, new_id, whatif_data


def what_if_plan() -> Plan:
    """The demo with two scenarios and three uncertain inputs, one of each kind."""
    return demo_plan().model_copy(
        update={
            "scenarios": [
                Scenario(
                    name="Better checkout",
                    overrides=[
                        Override(target="stage_rate", stage="Checkout", mode="relative", value=0.1)
                    ],
                ),
                Scenario(
                    name="Cheaper traffic",
                    overrides=[
                        Override(target="cost_per_unit", value=0.35),
                        Override(target="gross_margin", value=0.42),
                        Override(target="budget", mode="relative", value=-0.2),
                    ],
                ),
            ],
            "uncertainty": [
                Uncertain(
                    target="stage_rate",
                    stage="Checkout",
                    range=Range(low=0.45, likely=0.5, high=0.58),
                ),
                Uncertain(
                    target="stage_rate",
                    stage="Add to cart",
                    observed=Observed(successes=60, trials=500),
                ),
                Uncertain(
                    target="average_order_value",
                    range=Range(low=55, likely=60, high=70, shape="triangular"),
                ),
            ],
        }
    )


def names(draft: dict[str, Any]) -> dict[int, str]:
    return {i: draft[stage_key(i, "name")] for i in draft[STAGE_IDS]}


def test_a_plans_what_ifs_survive_the_trip_through_the_page_exactly() -> None:
    plan = what_if_plan()

    assert parse_plan(plan_data(draft_from_plan(plan))) == plan


def test_rates_and_relative_changes_are_typed_in_percent() -> None:
    block = draft_from_plan(what_if_plan())[WHATIF]

    [checkout] = block["scenarios"][0]["changes"]
    margin = block["scenarios"][1]["changes"][1]
    assert checkout["value"] == 10.0
    assert margin["value"] == 42.0
    assert block["uncertain"][0][("low")] == 45.0
    assert block["uncertain"][2]["high"] == 70  # money stays money


def test_renaming_a_stage_carries_every_scenario_and_range_with_it() -> None:
    draft = draft_from_plan(what_if_plan())
    checkout_id = draft[STAGE_IDS][3]
    draft[stage_key(checkout_id, "name")] = "Payment"

    plan = parse_plan(plan_data(draft))

    assert plan.scenarios[0].overrides[0].stage == "Payment"
    assert plan.uncertainty[0].stage == "Payment"


def test_a_removed_stage_is_kept_by_its_last_name() -> None:
    draft = draft_from_plan(what_if_plan())
    checkout_id = draft[STAGE_IDS][3]
    draft[stage_key(checkout_id, "name")] = "Payment"
    follow_stages(draft[WHATIF], names(draft))
    draft[STAGE_IDS].remove(checkout_id)

    plan = parse_plan(plan_data(draft))

    assert plan.scenarios[0].overrides[0].stage == "Payment"
    assert [stage.name for stage in plan.stages] == [
        "Sessions",
        "Product views",
        "Add to cart",
        "Purchase",
    ]


def test_half_typed_entries_stay_in_the_draft_but_out_of_the_plan() -> None:
    draft = draft_from_plan(what_if_plan())
    block = draft[WHATIF]
    block["scenarios"][0]["changes"][0]["value"] = None
    block["scenarios"][1]["name"] = "better CHECKOUT"
    block["uncertain"][0]["likely"] = 70.0  # above its high
    block["uncertain"][1]["trials"] = None

    data = whatif_data(block, names(draft))

    assert data.scenarios == [{"name": "Better checkout", "overrides": []}]
    assert [row["target"] for row in data.uncertainty] == ["average_order_value"]
    assert {(p.kind, p.problem.field, p.problem.code) for p in data.problems} == {
        ("change", "value", "missing"),
        ("scenario", "name", "rule"),
        ("uncertain", "range", "rule"),
        ("uncertain", "observed.trials", "missing"),
    }
    assert len(block["scenarios"]) == 2  # nothing typed is lost


def test_a_scenario_without_a_name_is_left_out_and_named_by_its_id() -> None:
    draft = draft_from_plan(demo_plan())
    block = draft[WHATIF]
    entry = new_id(block)
    block["scenarios"].append({"id": entry, "name": "  ", "changes": []})

    data = whatif_data(block, names(draft))

    assert data.scenarios == []
    assert [(p.kind, p.entry, p.problem.code) for p in data.problems] == [
        ("scenario", entry, "missing")
    ]


def test_changes_and_ranges_read_as_a_marketer_says_them() -> None:
    plan = what_if_plan()
    cheaper = plan.scenarios[1]

    assert scenario_text(plan, plan.scenarios[0], PLAIN) == (
        "Better checkout: Conversion to 'Checkout' +10.0%"
    )
    assert [override_text(plan, o, PLAIN) for o in cheaper.overrides] == [
        "Cost per 'Sessions' → USD 0.35",
        "Gross margin → 42.0%",
        "Budget −20.0%",
    ]
    assert [uncertain_text(plan, u, PLAIN) for u in plan.uncertainty] == [
        "Conversion to 'Checkout': 45.0% – 58.0%, most likely 50.0% (PERT)",
        "Conversion to 'Add to cart': 60 of 500 observed",
        "Average order value: USD 55.00 – USD 70.00, most likely USD 60.00 (triangular)",
    ]


def test_a_range_is_refused_in_the_percent_it_was_typed_in() -> None:
    draft = draft_from_plan(what_if_plan())
    block = draft[WHATIF]
    block["uncertain"][0].update(low=70.0, likely=60.0, high=66.0)
    block["uncertain"][2]["low"] = -5.0  # an order value below zero

    problems = whatif_data(block, names(draft)).problems

    order, bound = problems
    assert (order.problem.field, order.percent) == ("range", True)
    assert order.problem.message == "must be low ≤ likely ≤ high, got 70%, 60%, 66%"
    assert (bound.problem.field, bound.problem.code, bound.percent) == (
        "range.low",
        "out_of_range",
        False,
    )


def test_an_ab_lift_becomes_a_scenario_on_the_tested_stage() -> None:
    draft = draft_from_plan(demo_plan())

    added = add_lift(draft[WHATIF], names(draft), "A/B: new checkout", "checkout", 0.084)

    [scenario] = parse_plan(plan_data(draft)).scenarios
    assert added
    assert scenario == Scenario(
        name="A/B: new checkout",
        overrides=[Override(target="stage_rate", stage="Checkout", mode="relative", value=0.084)],
    )


def test_no_seventh_scenario_is_added() -> None:
    draft = draft_from_plan(demo_plan())
    for number in range(6):
        assert add_lift(draft[WHATIF], names(draft), f"Test {number}", "Checkout", 0.01)

    assert not add_lift(draft[WHATIF], names(draft), "Test 6", "Checkout", 0.01)
