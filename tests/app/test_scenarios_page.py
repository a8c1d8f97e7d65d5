"""The Scenarios page through AppTest: what-ifs beside the plan, the levers, the odds.

Numbers are the demo plan's (``planner.presets.demo_plan``, worked by hand in
tests/app/test_plan_page.py): 1,545 new customers must come through Sessions → Product views
50% → Add to cart 12% → Checkout 50% → Purchase 60%, so ⌈1,545 / 0.018⌉ = 85,834 sessions.
Each expected figure is worked again here, by hand in the docstring and with
``planner.funnel.plan_backwards`` on the demo plan changed as the scenario changes it.

Entry ids come from one counter in the draft's what-if block, from 0 in a fresh demo draft:
the first scenario added is ``s0`` and its first change ``c1``; the next entry gets 2.
Widgets are found by the keys ``ui/scenario_inputs.py`` and ``ui/scenario_views.py`` give them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from i18n.catalogue import translate
from planner.funnel import plan_backwards
from planner.models import Plan
from planner.presets import demo_plan
from planner.scenarios.inputs import Override, Scenario
from storage.store import PlanStore

PLAN_PAGE = "pages/plan.py"
SCENARIOS_PAGE = "pages/scenarios.py"
TABS = ["What-if scenarios", "Which inputs matter most", "Uncertainty and the odds"]
BASE = "Base plan"
TRAFFIC = "Traffic the target needs"
CHANCE = "Chance of reaching the target"
MEDIAN = "Median revenue (P50)"
LEFT_OUT = "Left out of the plan until fixed"
DEMO_SESSIONS = "85,834"
PERCENT = re.compile(r"^\d{1,3}(\.\d+)?%$")
MONEY = re.compile(r"^\$\d{1,3}(,\d{3})*$")
# The first scenario of a fresh demo draft is entry 0, its first change entry 1.
FIRST_SCENARIO, FIRST_CHANGE = "whatif.s0", "whatif.c1"


@pytest.fixture
def store() -> Iterator[PlanStore]:
    """The same database the app uses in this test."""
    with PlanStore.open() as opened:
        yield opened


@pytest.fixture
def scenarios(app: AppTest) -> AppTest:
    """The app on the Scenarios page, the demo plan and no what-ifs yet."""
    return app.switch_page(SCENARIOS_PAGE).run()


def texts(elements: Any) -> str:
    return "\n".join(str(element.value) for element in elements)


def metric(app: AppTest, label: str) -> str | None:
    return next((item.value for item in app.metric if item.label == label), None)


def comparison(app: AppTest) -> pd.DataFrame | None:
    """The table of every figure for the base and each scenario (None when not drawn)."""
    frames = [frame.value for frame in app.dataframe if BASE in frame.value.columns]
    return frames[0] if frames else None


def add_scenario(app: AppTest) -> AppTest:
    return app.button(key="whatif.add_scenario").click().run()


def traffic_with_purchase_rate(rate: float) -> int:
    """Sessions the demo's target needs when the Purchase stage converts at ``rate``."""
    data = demo_plan().model_dump()
    data["stages"][-1]["conversion_rate"] = rate
    return plan_backwards(Plan.model_validate(data)).stages[0].required


def figures(app: AppTest) -> dict[str, str]:
    """The odds' three metrics, by label."""
    return {item.label: item.value for item in app.metric}


# --- Opening --------------------------------------------------------------------------------


def test_the_page_opens_in_english_with_its_three_tabs(scenarios: AppTest) -> None:
    assert not scenarios.exception
    assert scenarios.title[0].value == "Scenarios"
    assert [tab.label for tab in scenarios.tabs] == TABS
    assert "Add a scenario to see it beside the plan." in texts(scenarios.info)
    assert not scenarios.error


def test_the_page_opens_in_arabic_with_its_three_tabs(open_app: Callable[..., AppTest]) -> None:
    app = open_app(lang="ar").switch_page(SCENARIOS_PAGE).run()

    assert not app.exception
    arabic = [translate("ar", label) for label in TABS]
    assert arabic != TABS  # each is translated
    assert [tab.label for tab in app.tabs] == arabic
    assert app.title[0].value == translate("ar", "Scenarios") != "Scenarios"


def test_in_arabic_a_scenario_can_be_added(open_app: Callable[..., AppTest]) -> None:
    app = open_app(lang="ar").switch_page(SCENARIOS_PAGE).run()

    add_scenario(app)

    assert not app.exception
    base = translate("ar", BASE)
    assert any(base in frame.value.columns for frame in app.dataframe)


# --- Scenarios side by side -----------------------------------------------------------------


def test_a_new_scenario_raises_the_purchase_rate_by_10_percent_and_needs_less_traffic(
    scenarios: AppTest,
) -> None:
    """Purchase 60% → 66%: ⌈1,545 / (0.5 × 0.12 × 0.5 × 0.66)⌉ = ⌈1,545 / 0.0198⌉ = 78,031.

    The same as the base's 85,834 ÷ 1.1 = 78,030.9, rounded up; 78,031 / 85,834 − 1 = −9.09%.
    """
    add_scenario(scenarios)

    assert not scenarios.exception
    assert scenarios.text_input(key=f"{FIRST_SCENARIO}.name").value == "Scenario 1"
    change = scenarios.selectbox(key=f"{FIRST_CHANGE}.input")
    assert change.value == "stage_rate#4"
    assert change.options[change.index] == "Conversion to 'Purchase'"
    assert scenarios.selectbox(key=f"{FIRST_CHANGE}.mode").value == "relative"
    assert scenarios.number_input(key=f"{FIRST_CHANGE}.value").value == 10.0

    table = comparison(scenarios)
    assert table is not None
    assert list(table.columns) == [BASE, "Scenario 1"]
    expected = traffic_with_purchase_rate(0.66)
    assert expected == 78_031 == -(-85_834 * 10 // 11)  # ⌈85,834 / 1.1⌉
    assert table.loc[TRAFFIC, BASE] == DEMO_SESSIONS
    assert table.loc[TRAFFIC, "Scenario 1"] == f"{expected:,} (−9.09%)"
    assert table.loc["New customers the target needs", "Scenario 1"] == "1,545"  # no change


def test_a_scenario_without_changes_is_the_base_plan(scenarios: AppTest) -> None:
    add_scenario(scenarios)
    scenarios.button(key=f"{FIRST_CHANGE}.remove").click().run()

    assert not scenarios.exception
    assert f"{FIRST_CHANGE}.input" not in [box.key for box in scenarios.selectbox]
    assert "No changes yet: this scenario is the plan as it is." in texts(scenarios.caption)
    table = comparison(scenarios)
    assert table is not None
    assert list(table[BASE]) == list(table["Scenario 1"])
    assert not any("(" in cell for cell in table["Scenario 1"])  # no difference shown
    assert table.loc[TRAFFIC, "Scenario 1"] == DEMO_SESSIONS


def impossible_first_scenario(scenarios: AppTest) -> AppTest:
    """Two scenarios; the first sets the Purchase rate to 150%, the second is the +10% one."""
    add_scenario(scenarios)
    add_scenario(scenarios)
    scenarios.selectbox(key=f"{FIRST_CHANGE}.mode").set_value("absolute").run()
    # Choosing "Set to" starts from the plan's own value, to edit: the Purchase rate, 60%.
    assert scenarios.number_input(key=f"{FIRST_CHANGE}.value").value == 60.0
    return scenarios.number_input(key=f"{FIRST_CHANGE}.value").set_value(150.0).run()


def test_an_impossible_value_is_an_error_of_its_scenario_and_the_others_still_show(
    scenarios: AppTest,
) -> None:
    impossible_first_scenario(scenarios)

    assert not scenarios.exception
    [error] = [element.value for element in scenarios.error]
    assert error.startswith("Scenario 'Scenario 1': ")
    assert "at most 100%, got 150%" in error
    table = comparison(scenarios)
    assert table is not None
    assert list(table.columns) == [BASE, "Scenario 1", "Scenario 2"]
    assert set(table["Scenario 1"]) == {"can't be worked out"}
    assert table.loc[TRAFFIC, "Scenario 2"] == "78,031 (−9.09%)"  # as worked above
    assert scenarios.number_input(key=f"{FIRST_CHANGE}.value").value == 150.0  # as typed

    plan = scenarios.switch_page(PLAN_PAGE).run()

    assert not plan.exception
    assert not plan.error
    assert not plan.warning
    assert metric(plan, "Sessions needed") == DEMO_SESSIONS


def test_an_impossible_value_names_the_input_as_its_editor_does(scenarios: AppTest) -> None:
    impossible_first_scenario(scenarios)

    [error] = [element.value for element in scenarios.error]
    assert "Purchase" in error


def test_a_scenario_without_a_name_is_left_out_and_keeps_its_changes(scenarios: AppTest) -> None:
    add_scenario(scenarios)
    scenarios.number_input(key=f"{FIRST_CHANGE}.value").set_value(20.0).run()

    scenarios.text_input(key=f"{FIRST_SCENARIO}.name").input("").run()

    assert not scenarios.exception
    assert f"{LEFT_OUT}: Scenario name is required" in texts(scenarios.warning)
    assert comparison(scenarios) is None  # left out: no column without a name
    # Nothing is lost: the change row is still there, as typed.
    assert scenarios.selectbox(key=f"{FIRST_CHANGE}.input").value == "stage_rate#4"
    assert scenarios.number_input(key=f"{FIRST_CHANGE}.value").value == 20.0

    scenarios.text_input(key=f"{FIRST_SCENARIO}.name").input("Better checkout").run()

    assert LEFT_OUT not in texts(scenarios.warning)
    table = comparison(scenarios)
    assert table is not None
    # Purchase 72%: ⌈1,545 / (0.5 × 0.12 × 0.5 × 0.72)⌉ = ⌈1,545 / 0.0216⌉ = ⌈71,527.8⌉.
    assert table.loc[TRAFFIC, "Better checkout"].startswith(f"{traffic_with_purchase_rate(0.72):,}")
    assert traffic_with_purchase_rate(0.72) == 71_528


def test_a_left_out_scenario_is_not_met_with_add_a_scenario(scenarios: AppTest) -> None:
    add_scenario(scenarios)

    scenarios.text_input(key=f"{FIRST_SCENARIO}.name").input("").run()

    assert LEFT_OUT in texts(scenarios.warning)
    assert "Add a scenario" not in texts(scenarios.info)


def test_a_change_without_a_value_is_said_to_be_left_out(scenarios: AppTest) -> None:
    add_scenario(scenarios)

    scenarios.number_input(key=f"{FIRST_CHANGE}.value").set_value(None).run()

    assert not scenarios.exception
    assert LEFT_OUT in texts(scenarios.warning)


def test_scenarios_survive_a_trip_to_the_plan_page_and_follow_a_renamed_stage(
    scenarios: AppTest,
) -> None:
    """Purchase set to 70%: ⌈1,545 / (0.5 × 0.12 × 0.5 × 0.7)⌉ = ⌈1,545 / 0.021⌉ = 73,572."""
    add_scenario(scenarios)
    scenarios.text_input(key=f"{FIRST_SCENARIO}.name").input("Better checkout").run()
    scenarios.selectbox(key=f"{FIRST_CHANGE}.mode").set_value("absolute").run()
    scenarios.number_input(key=f"{FIRST_CHANGE}.value").set_value(70.0).run()

    plan = scenarios.switch_page(PLAN_PAGE).run()

    assert not plan.exception
    assert f"{FIRST_CHANGE}.value" not in plan.session_state  # the page's widgets are gone
    plan.text_input(key="plan.stage.4.name").input("Order").run()
    assert not plan.error

    back = plan.switch_page(SCENARIOS_PAGE).run()

    assert not back.exception
    assert back.text_input(key=f"{FIRST_SCENARIO}.name").value == "Better checkout"
    change = back.selectbox(key=f"{FIRST_CHANGE}.input")
    assert change.value == "stage_rate#4"
    assert change.options[change.index] == "Conversion to 'Order'"
    assert "Conversion to 'Purchase'" not in change.options
    assert back.selectbox(key=f"{FIRST_CHANGE}.mode").value == "absolute"
    assert back.number_input(key=f"{FIRST_CHANGE}.value").value == 70.0
    table = comparison(back)
    assert table is not None
    assert traffic_with_purchase_rate(0.70) == 73_572
    assert table.loc[TRAFFIC, "Better checkout"].startswith("73,572 (")


def test_saving_on_the_plan_page_keeps_the_scenarios(scenarios: AppTest, store: PlanStore) -> None:
    add_scenario(scenarios)
    scenarios.text_input(key=f"{FIRST_SCENARIO}.name").input("Better checkout").run()
    plan = scenarios.switch_page(PLAN_PAGE).run()

    plan.text_input(key="saved.author").input("Amira").run()
    plan.button(key="saved.save").click().run()

    assert not plan.exception
    [saved] = store.list_plans()
    assert store.load(saved.id).plan.scenarios == [
        Scenario(
            name="Better checkout",
            overrides=[Override(target="stage_rate", stage="Purchase", mode="relative", value=0.1)],
        )
    ]


# --- The odds -------------------------------------------------------------------------------


def test_the_simulation_runs_by_itself_and_the_same_seed_gives_the_same_answer(
    scenarios: AppTest,
) -> None:
    assert scenarios.number_input(key="scenarios.trials").value == 10_000
    assert scenarios.number_input(key="scenarios.seed").value == 2027
    first = figures(scenarios)
    assert PERCENT.match(first[CHANCE]), first
    assert MONEY.match(first[MEDIAN]), first

    del scenarios.session_state["scenarios.runs"]  # no run kept: the rerun draws again
    scenarios.run()

    assert not scenarios.exception
    assert figures(scenarios) == first

    scenarios.number_input(key="scenarios.seed").set_value(2028).run()

    assert not scenarios.exception
    other = figures(scenarios)
    assert PERCENT.match(other[CHANCE]), other
    assert (other[CHANCE], other[MEDIAN]) != (first[CHANCE], first[MEDIAN])


def test_a_run_of_100000_trials_waits_for_the_button(scenarios: AppTest) -> None:
    scenarios.number_input(key="scenarios.trials").set_value(100_000).run()

    assert not scenarios.exception
    assert metric(scenarios, CHANCE) is None
    assert "Run the simulation to see the odds." in texts(scenarios.info)

    scenarios.button(key="scenarios.run").click().run()

    assert not scenarios.exception
    assert PERCENT.match(metric(scenarios, CHANCE) or "")
    assert "100,000 trials from 85,834 'Sessions'" in texts(scenarios.caption)


def test_an_uncertain_range_out_of_order_is_left_out_and_the_simulation_still_runs(
    scenarios: AppTest,
) -> None:
    """The first uncertain input is the Purchase rate, 60% ± 10%: 54%, 60%, 66%."""
    scenarios.button(key="whatif.add_uncertain").click().run()
    prefix = "whatif.u0"  # the block's first entry
    assert scenarios.selectbox(key=f"{prefix}.input").value == "stage_rate#4"
    assert [
        scenarios.number_input(key=f"{prefix}.{part}").value for part in ("low", "likely", "high")
    ] == [54.0, 60.0, 66.0]

    scenarios.number_input(key=f"{prefix}.low").set_value(70.0).run()

    assert not scenarios.exception
    warning = texts(scenarios.warning)
    assert LEFT_OUT in warning
    assert PERCENT.match(metric(scenarios, CHANCE) or "")
    assert scenarios.number_input(key=f"{prefix}.low").value == 70.0  # what was typed stays
    assert not scenarios.error


def test_a_range_out_of_order_is_worded_in_percent_as_typed(scenarios: AppTest) -> None:
    scenarios.button(key="whatif.add_uncertain").click().run()
    scenarios.number_input(key="whatif.u0.low").set_value(70.0).run()

    warning = texts(scenarios.warning)
    assert LEFT_OUT in warning
    assert "70%" in warning
    assert "0.7," not in warning


def test_the_simulation_settings_survive_a_trip_to_the_plan_page(scenarios: AppTest) -> None:
    scenarios.number_input(key="scenarios.seed").set_value(7).run()
    scenarios.number_input(key="scenarios.trials").set_value(20_000).run()
    before = figures(scenarios)

    back = scenarios.switch_page(PLAN_PAGE).run().switch_page(SCENARIOS_PAGE).run()

    assert back.number_input(key="scenarios.seed").value == 7
    assert back.number_input(key="scenarios.trials").value == 20_000
    assert figures(back) == before


def test_renaming_the_simulated_scenario_keeps_it_simulated(scenarios: AppTest) -> None:
    add_scenario(scenarios)
    scenarios.selectbox(key="scenarios.simulate_which").set_value(0).run()

    scenarios.text_input(key=f"{FIRST_SCENARIO}.name").input("Better checkout").run()

    chosen = scenarios.selectbox(key="scenarios.simulate_which")
    assert chosen.value == 0
    assert chosen.format_func(chosen.value) == "Better checkout"


# --- Which inputs matter most ---------------------------------------------------------------


def test_the_levers_tab_names_the_top_lever_in_words_and_draws_the_tornado(
    scenarios: AppTest,
) -> None:
    """+10% on the order value or on any rate sells 10% more at the planned traffic.

    85,834 sessions × 1.8% = 1,545.012 new customers × $60 × 10% = $9,270.07 more revenue.
    """
    levers = scenarios.tabs[1]

    first = levers.markdown[0].value
    lever = re.match(r"^\*\*(.+) \+10%\*\* is worth \$9,270 more revenue in Q1 2027", first)
    assert lever, first
    assert lever.group(1) in {
        "Average order value",
        "Conversion to 'Product views'",
        "Conversion to 'Add to cart'",
        "Conversion to 'Checkout'",
        "Conversion to 'Purchase'",
    }
    charts = [chart.proto.id for chart in levers.get("plotly_chart")]
    assert any(chart_id.endswith("scenarios.tornado") for chart_id in charts), charts
    assert not scenarios.exception


def test_two_worked_examples_start_an_empty_page(scenarios: AppTest) -> None:
    """Hand-worked: the demo pays $0.40 a session.

    20% cheaper is $0.32, so the target's 85,834 sessions cost $27,466.88 instead of
    $34,333.60; the Purchase step +10% needs ⌈85,834 ÷ 1.1⌉ sessions.
    """
    scenarios.button(key="whatif.examples").click().run()

    table = comparison(scenarios)
    assert table is not None
    assert list(table.columns) == [BASE, "Better 'Purchase'", "Cheaper traffic"]
    budget = table.loc["Budget the target needs"]
    assert budget["Cheaper traffic"].startswith("$27,467")
    assert table.loc["Traffic the target needs", "Better 'Purchase'"].startswith(
        f"{traffic_with_purchase_rate(0.66):,}"
    )
    assert not scenarios.exception
