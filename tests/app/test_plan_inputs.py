"""The Plan page's inputs through AppTest: what a new user typed is kept, named and explained.

Numbers are the demo plan's (see tests/app/test_plan_page.py): 85,834 sessions for 1,545 new
customers, $0.40 a session, a $34,333.60 budget, ROAS 2.70×, CAC $22.22.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

DEMO_SESSIONS = "85,834"


def metric(app: AppTest, label: str) -> str:
    return next(item.value for item in app.metric if item.label == label)


def errors(app: AppTest) -> list[str]:
    return [element.value for element in app.error]


def to_fix(app: AppTest) -> str:
    """The list of things to fix, beside the results."""
    return next(
        (element.value for element in app.info if "To update them, fix" in element.value), ""
    )


def captions(app: AppTest) -> str:
    return "\n".join(element.value for element in app.caption)


def tab_labels(app: AppTest) -> list[str]:
    return [tab.label for tab in app.tabs]


def go(app: AppTest, direction: str) -> AppTest:
    return app.radio(key="plan.direction").set_value(direction).run()


# --- 1. Working forwards --------------------------------------------------------------------


@pytest.mark.parametrize(("driver", "amount"), [("traffic", 100_000.0), ("budget", 5_000.0)])
def test_a_typed_forward_amount_survives_switching_modes_and_back(
    app: AppTest, driver: str, amount: float
) -> None:
    go(app, driver)
    app.number_input(key=f"plan.{driver}").set_value(amount).run()
    go(app, "target")
    other = "budget" if driver == "traffic" else "traffic"
    go(app, other)
    go(app, driver)
    assert app.number_input(key=f"plan.{driver}").value == amount
    assert not app.exception


def test_an_emptied_budget_keeps_the_last_result_with_the_message_beside_it(app: AppTest) -> None:
    """$50,000 buys 125,000 sessions × 1.8% = 2,250 customers × $60 + $27,300 = $162,300."""
    go(app, "budget")
    app.number_input(key="plan.budget").set_value(50_000.0).run()
    assert metric(app, "Revenue") == "$162,300"
    app.number_input(key="plan.budget").set_value(None).run()
    assert errors(app) == ["Marketing budget for the period is required"]
    assert metric(app, "Revenue") == "$162,300"
    assert "Goal & funnel tab: Marketing budget for the period is required" in to_fix(app)
    app.number_input(key="plan.budget").set_value(-1.0).run()
    assert errors(app) == ["Marketing budget for the period must be ≥ 0, got -1"]
    assert app.number_input(key="plan.budget").value == -1.0
    assert metric(app, "Revenue") == "$162,300"


def test_the_budget_prefill_follows_the_current_plan(app: AppTest) -> None:
    """Target $240,000: 196,945 sessions × $0.40 = $78,778, not the demo's $34,333.60."""
    go(app, "budget")
    assert app.number_input(key="plan.budget").value == 34_333.6
    go(app, "target")
    app.number_input(key="plan.revenue_target").set_value(240_000).run()
    go(app, "budget")
    assert app.number_input(key="plan.budget").value == 78_778.0
    assert "The plan's own budget for its target" in captions(app)
    go(app, "traffic")
    assert app.number_input(key="plan.traffic").value == 196_945


def test_a_typed_budget_is_not_replaced_by_the_plans(app: AppTest) -> None:
    go(app, "budget")
    app.number_input(key="plan.budget").set_value(50_000.0).run()
    assert "The plan's own budget" not in captions(app)
    go(app, "target")
    app.number_input(key="plan.revenue_target").set_value(240_000).run()
    go(app, "budget")
    assert app.number_input(key="plan.budget").value == 50_000.0


def test_an_emptied_amount_starts_from_the_plan_again_on_return(app: AppTest) -> None:
    go(app, "traffic")
    app.number_input(key="plan.traffic").set_value(None).run()
    go(app, "target")
    go(app, "traffic")
    assert app.number_input(key="plan.traffic").value == 85_834
    assert not errors(app)


# --- 2. Costs -------------------------------------------------------------------------------


def test_empty_per_impression_fields_are_each_named(app: AppTest) -> None:
    app.radio(key="plan.cost_kind").set_value("impressions").run()
    assert errors(app) == [
        "Cost per 1,000 impressions is required",
        "Click-through % into 'Sessions' is required",
    ]
    assert "Costs tab: Cost per 1,000 impressions is required" in to_fix(app)
    assert "Costs tab: Click-through % into 'Sessions' is required" in to_fix(app)
    assert metric(app, "Sessions needed") == DEMO_SESSIONS


def test_cpm_and_click_through_survive_toggles_and_pricing_kind(app: AppTest) -> None:
    app.radio(key="plan.cost_kind").set_value("impressions").run()
    app.number_input(key="plan.cost_per_mille").set_value(8.0).run()
    app.number_input(key="plan.click_through_rate").set_value(1.5).run()
    app.radio(key="plan.cost_kind").set_value("unit").run()
    assert app.number_input(key="plan.cost_per_unit").value == 0.40
    app.radio(key="plan.cost_kind").set_value("impressions").run()
    app.toggle(key="plan.cost_on").set_value(False).run()
    app.toggle(key="plan.cost_on").set_value(True).run()
    assert app.number_input(key="plan.cost_per_mille").value == 8.0
    assert app.number_input(key="plan.click_through_rate").value == 1.5
    assert metric(app, "Marketing budget") == "$45,778"  # 5,722,267 impressions × $8 / 1000


def test_moving_the_paid_stage_converts_the_price_at_the_plans_rates(app: AppTest) -> None:
    """$0.40 × 85,834 sessions ÷ 1,545 customers = $22.22 per customer: the same budget."""
    app.selectbox(key="plan.cost_stage").set_value(4).run()
    assert app.number_input(key="plan.cost_per_unit").value == pytest.approx(0.40 * 85_834 / 1_545)
    assert metric(app, "Marketing budget") == "$34,334"
    assert metric(app, "CAC") == "$22.22"
    assert metric(app, "ROAS") == "2.70×"
    note = "Converted from $0.40 per 'Sessions' at the plan's rates"
    assert note in captions(app)
    app.number_input(key="plan.cost_per_unit").set_value(25.0).run()
    assert note not in captions(app)  # the user's own price needs no note
    assert metric(app, "Marketing budget") == "$38,625"


def test_moving_a_per_impression_paid_stage_converts_the_click_through(app: AppTest) -> None:
    """1.5% into 85,834 sessions = 1.5% × 42,917 / 85,834 = 0.75% into product views."""
    app.radio(key="plan.cost_kind").set_value("impressions").run()
    app.number_input(key="plan.cost_per_mille").set_value(8.0).run()
    app.number_input(key="plan.click_through_rate").set_value(1.5).run()
    app.selectbox(key="plan.cost_stage").set_value(1).run()
    assert app.number_input(key="plan.click_through_rate").value == pytest.approx(0.75)
    assert app.number_input(key="plan.cost_per_mille").value == 8.0
    assert metric(app, "Marketing budget") == "$45,778"


# --- 3. Stages ------------------------------------------------------------------------------


def test_a_click_through_problem_is_named_by_its_label_on_the_costs_tab(app: AppTest) -> None:
    app.radio(key="plan.cost_kind").set_value("impressions").run()
    app.number_input(key="plan.cost_per_mille").set_value(8.0).run()
    app.number_input(key="plan.click_through_rate").set_value(150.0).run()
    message = "Click-through % into 'Sessions' must be above 0% and at most 100%, got 150%"
    assert errors(app) == [message]
    assert f"Costs tab: {message}" in to_fix(app)
    assert tab_labels(app) == ["Goal & funnel", "Costs ⚠", "Returning customers"]


def test_an_added_stage_lets_everyone_through_and_says_so(app: AppTest) -> None:
    app.button(key="plan.add_stage").click().run()
    assert app.number_input(key="plan.stage.5.rate").value == 100.0
    assert metric(app, "Sessions needed") == DEMO_SESSIONS
    assert metric(app, "Marketing budget") == "$34,334"
    assert "New stage: 100% lets everyone through" in captions(app)
    app.number_input(key="plan.stage.5.rate").set_value(80.0).run()
    assert "New stage" not in captions(app)


def test_a_moved_stage_says_its_rate_came_from_another_step_until_edited(app: AppTest) -> None:
    app.button(key="plan.stage.3.move-1").click().run()  # Checkout above Add to cart
    note = (
        "Stages moved: check this rate. It was the conversion from 'Add to cart'; "
        "it now converts from 'Product views'."
    )
    assert note in captions(app)
    app.number_input(key="plan.stage.3.rate").set_value(40.0).run()
    assert note not in captions(app)
    assert "It was the conversion from 'Product views'" in captions(app)  # Add to cart's own


# --- 4. Presets -----------------------------------------------------------------------------


def use_preset(app: AppTest, key: str, scope: str = "all") -> AppTest:
    app.selectbox(key="plan.preset").set_value(key).run()
    app.radio(key="plan.preset_scope").set_value(scope).run()
    return app.button(key="plan.apply_preset").click().run()


def test_a_preset_brings_its_own_value_and_costs(app: AppTest) -> None:
    """Lead generation on the demo's target: (120,000 − 27,300) / 5,000 = 18.54 → 19 customers.

    Leads ⌈19 / 3.75%⌉ = 507 at $70 = $35,490; visitors ⌈19 / 0.1875%⌉ = 10,134.
    ROAS 19 × 5,000 / 35,490 = 2.68×; contribution 122,300 × 50% − 35,490 = $25,660.
    """
    use_preset(app, "lead_generation")
    assert not app.exception
    assert app.number_input(key="plan.average_order_value").value == 5_000
    assert metric(app, "Visitors needed") == "10,134"
    assert metric(app, "Marketing budget") == "$35,490"
    assert metric(app, "ROAS") == "2.68×"
    assert metric(app, "Contribution") == "$25,660"
    assert not app.warning  # inside every benchmark it is checked against
    assert "In use: Lead generation's stages, value and costs." in captions(app)


def test_a_preset_for_stages_only_keeps_the_price_and_asks_to_check_it(app: AppTest) -> None:
    use_preset(app, "lead_generation", scope="stages")
    assert app.number_input(key="plan.average_order_value").value == 60
    assert app.number_input(key="plan.cost_per_unit").value == 0.40
    assert "Kept from your plan: check it is the price per 'Visitors'." in captions(app)
    assert "In use: Lead generation's stages, with this plan's own value and costs." in captions(
        app
    )


def test_the_preset_caption_waits_for_the_button(app: AppTest) -> None:
    assert "In use: Online store's stages, with this plan's own value and costs." in captions(app)
    app.selectbox(key="plan.preset").set_value("online_course").run()
    assert "Online course applies when you press Use preset" in captions(app)
    assert "In use" not in captions(app)


def test_start_again_forgets_hidden_fields_too(app: AppTest) -> None:
    app.radio(key="plan.cost_kind").set_value("impressions").run()
    app.number_input(key="plan.cost_per_mille").set_value(8.0).run()
    app.radio(key="plan.cost_kind").set_value("unit").run()
    go(app, "traffic")
    app.number_input(key="plan.traffic").set_value(5_000).run()
    go(app, "target")
    app.button(key="plan.reset").click().run()
    app.radio(key="plan.cost_kind").set_value("impressions").run()
    assert app.number_input(key="plan.cost_per_mille").value is None
    go(app, "traffic")
    assert app.number_input(key="plan.traffic").value == 85_834


# --- 6. Year --------------------------------------------------------------------------------


def test_an_emptied_year_is_named_and_the_last_plan_stays(app: AppTest) -> None:
    app.number_input(key="plan.year").set_value(None).run()
    assert errors(app) == ["Year is required"]
    assert app.number_input(key="plan.year").value is None  # not silently 2000
    assert metric(app, "Sessions needed") == DEMO_SESSIONS
    assert "Goal & funnel tab: Year is required" in to_fix(app)


@pytest.mark.parametrize("year", [1800, 2500])
def test_a_year_out_of_range_is_named_beside_it(app: AppTest, year: int) -> None:
    app.number_input(key="plan.year").set_value(year).run()
    assert errors(app) == [f"Year must be a whole year from 1900 to 2199, got {year}"]
    assert app.number_input(key="plan.year").value == year


def test_a_year_the_model_accepts_is_accepted(app: AppTest) -> None:
    app.number_input(key="plan.year").set_value(1990).run()
    assert not errors(app)
    assert any("Q1 1990" in text.value for text in app.markdown)


def test_a_yearly_period_is_not_titled_as_the_first_quarter(app: AppTest) -> None:
    """The demo's name no longer carries its period, so the title says only the new one."""
    app.selectbox(key="plan.period_kind").set_value("year").run()
    titles = [text.value for text in app.markdown if "(365 days)" in text.value]
    assert titles
    assert titles[0].startswith("**Demo store** · 2027 (365 days)")
    assert "Q1" not in titles[0]


# --- 8. Orders per new customer, tabs -------------------------------------------------------


def test_an_empty_orders_per_new_customer_is_required(app: AppTest) -> None:
    app.number_input(key="plan.orders_per_customer").set_value(None).run()
    assert errors(app) == ["Orders per new customer is required"]
    assert metric(app, "Sessions needed") == DEMO_SESSIONS


def test_a_problem_on_another_tab_is_listed_with_it_and_marks_it(app: AppTest) -> None:
    app.number_input(key="plan.cost_per_unit").set_value(None).run()
    assert "Costs tab: Cost per 'Sessions' is required" in to_fix(app)
    assert tab_labels(app) == ["Goal & funnel", "Costs ⚠", "Returning customers"]
    app.number_input(key="plan.returning_orders_per_customer").set_value(None).run()
    assert tab_labels(app) == ["Goal & funnel", "Costs ⚠", "Returning customers ⚠"]
    app.number_input(key="plan.cost_per_unit").set_value(0.4).run()
    app.number_input(key="plan.returning_orders_per_customer").set_value(1.4).run()
    assert tab_labels(app) == ["Goal & funnel", "Costs", "Returning customers"]
    assert not to_fix(app)


# --- Hostile input: never a traceback, never a lost value --------------------------------------


@pytest.mark.parametrize(
    ("key", "value"),
    [
        pytest.param("plan.revenue_target", 1e300, id="huge-target"),
        pytest.param("plan.revenue_target", float("inf"), id="infinite-target"),
        pytest.param("plan.average_order_value", 1e-300, id="tiny-aov"),
        pytest.param("plan.orders_per_customer", 1e9, id="huge-orders"),
        pytest.param("plan.stage.1.rate", 1e-300, id="tiny-rate"),
        pytest.param("plan.stage.1.rate", -50.0, id="negative-rate"),
        pytest.param("plan.cost_per_unit", 1e300, id="huge-cost"),
        pytest.param("plan.average_order_value", float("nan"), id="nan-aov"),
        pytest.param("plan.year", 10**20, id="absurd-year"),
        pytest.param("plan.active_customers", 10**30, id="absurd-customers"),
    ],
)
def test_a_hostile_number_is_named_kept_and_never_crashes(
    app: AppTest, key: str, value: float
) -> None:
    app.number_input(key=key).set_value(value).run()
    assert not app.exception
    assert len(errors(app)) == 1
    assert metric(app, "Sessions needed") == DEMO_SESSIONS


@pytest.mark.parametrize("driver", ["traffic", "budget"])
@pytest.mark.parametrize("amount", [1e300, float("inf"), float("nan"), 1e12])
def test_a_hostile_forward_amount_never_crashes(app: AppTest, driver: str, amount: float) -> None:
    go(app, driver)
    app.number_input(key=f"plan.{driver}").set_value(amount).run()
    assert not app.exception
    assert app.metric  # the last valid projection (or this one) is still drawn


def test_emptying_everything_never_crashes(app: AppTest) -> None:
    for element in app.number_input:
        element.set_value(None)
    for element in app.text_input:
        element.set_value("")
    app.run()
    assert not app.exception
    assert metric(app, "Sessions needed") == DEMO_SESSIONS
    assert all(box.value == "" for box in app.text_input)


def test_down_to_two_stages_and_odd_names_never_crash(app: AppTest) -> None:
    for stage_id in (1, 2, 3):
        app.button(key=f"plan.stage.{stage_id}.remove").click().run()
    assert app.button(key="plan.stage.4.remove").disabled
    app.text_input(key="plan.stage.0.name").set_value("*Visits* [x](y) $1$ :smile:").run()
    assert not app.exception
    assert metric(app, "New customers") == "1,545"
