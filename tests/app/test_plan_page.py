"""The Plan page through Streamlit's AppTest: widgets found by key, numbers worked by hand.

Demo plan (planner.presets.demo_plan): Q1 2027, target $120,000, AOV $60, 1 order per new
customer; funnel Sessions → Product views 50% → Add to cart 12% → Checkout 50% → Purchase 60%;
$0.40 per session; margin 45%; 2,000 active customers, 15% buy again, 1.4 orders at $65.
Returning revenue = 2000 × 0.15 × 1.4 × 65 = $27,300, so new customers must bring $92,700:
92,700 / 60 = 1,545 customers. Each stage is rounded up once, from the customers and the
product of the rates below it: checkout ⌈1,545 / 0.6⌉ = 2,575, add to cart ⌈1,545 / 0.3⌉ =
5,150, product views ⌈1,545 / 0.036⌉ = ⌈42,916.7⌉ = 42,917, sessions ⌈1,545 / 0.018⌉ =
⌈85,833.3⌉ = 85,834; budget 85,834 × 0.40 = $34,333.60.
"""

from __future__ import annotations

import ast

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP
from tests.conftest import ROOT


def metric(app: AppTest, label: str) -> str:
    return next(item.value for item in app.metric if item.label == label)


def errors(app: AppTest) -> list[str]:
    return [element.value for element in app.error]


def captions(app: AppTest) -> str:
    return "\n".join(element.value for element in app.caption)


def test_app_starts_on_the_demo_plan_with_hand_worked_numbers(app: AppTest) -> None:
    assert not app.exception
    assert metric(app, "Sessions needed") == "85,834"
    assert metric(app, "New customers") == "1,545"
    assert metric(app, "Marketing budget") == "$34,334"
    assert metric(app, "CAC") == "$22.22"  # 34,333.60 / 1,545
    assert metric(app, "ROAS") == "2.70×"  # 92,700 / 34,333.60
    assert metric(app, "MER") == "3.50×"  # 120,000 / 34,333.60
    # Contribution: 120,000 × 0.45 − 34,333.60 = 19,666.40
    assert metric(app, "Contribution") == "$19,666"
    assert not errors(app)


def test_changing_the_target_updates_the_required_sessions(app: AppTest) -> None:
    """(240,000 − 27,300) / 60 = 3,545 customers; sessions ⌈3,545 / 0.018⌉ = 196,945."""
    app.number_input(key="plan.revenue_target").set_value(240_000).run()
    assert metric(app, "Sessions needed") == "196,945"
    assert metric(app, "New customers") == "3,545"
    assert metric(app, "Marketing budget") == "$78,778"  # 196,945 × 0.40


def test_changing_a_rate_updates_the_funnel(app: AppTest) -> None:
    """Add to cart 12% → 10%: 5,150 / 0.10 = 51,500 product views → 103,000 sessions."""
    app.number_input(key="plan.stage.2.rate").set_value(10.0).run()
    assert metric(app, "Sessions needed") == "103,000"
    assert metric(app, "Marketing budget") == "$41,200"  # 103,000 × 0.40


def test_changing_the_cost_updates_the_budget(app: AppTest) -> None:
    """$0.50 per session: 85,834 × 0.50 = $42,917; CAC 42,917 / 1,545 = $27.78."""
    app.number_input(key="plan.cost_per_unit").set_value(0.50).run()
    assert metric(app, "Marketing budget") == "$42,917"
    assert metric(app, "CAC") == "$27.78"


def test_an_invalid_rate_is_named_and_the_last_valid_results_stay(app: AppTest) -> None:
    app.number_input(key="plan.stage.2.rate").set_value(120.0).run()
    assert not app.exception
    assert errors(app) == [
        "Conversion from 'Product views' to 'Add to cart' must be above 0% and at most 100%, "
        "got 120%"
    ]
    assert app.number_input(key="plan.stage.2.rate").value == 120.0  # what they typed stays
    assert metric(app, "Sessions needed") == "85,834"
    assert "last valid inputs" in app.info[0].value
    assert "Conversion from 'Product views' to 'Add to cart'" in app.info[0].value


def test_fixing_the_invalid_rate_brings_the_results_back(app: AppTest) -> None:
    app.number_input(key="plan.stage.2.rate").set_value(120.0).run()
    app.number_input(key="plan.stage.2.rate").set_value(10.0).run()
    assert not errors(app)
    assert metric(app, "Sessions needed") == "103,000"


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        pytest.param("plan.revenue_target", None, "Revenue target is required", id="empty-target"),
        pytest.param(
            "plan.revenue_target",
            -5.0,
            "Revenue target must be > 0 and ≤ 1,000,000,000,000, got -5",
            id="negative-target",
        ),
        pytest.param(
            "plan.average_order_value",
            0.0,
            "Average order value must be > 0 and ≤ 1,000,000,000,000, got 0",
            id="zero-aov",
        ),
        pytest.param(
            "plan.stage.1.rate",
            0.0,
            "Conversion from 'Sessions' to 'Product views' must be above 0% and at most 100%, "
            "got 0%",
            id="zero-rate",
        ),
        pytest.param(
            "plan.gross_margin",
            150.0,
            "Gross margin % must be at least 0% and at most 100%, got 150%",
            id="margin-over-100",
        ),
        pytest.param(
            "plan.orders_per_customer",
            0.5,
            "Orders per new customer must be ≥ 1 and ≤ 1,000, got 0.5",
            id="orders-below-one",
        ),
    ],
)
def test_each_bad_field_gets_its_own_message(
    app: AppTest, key: str, value: float | None, message: str
) -> None:
    app.number_input(key=key).set_value(value).run()
    assert not app.exception
    assert errors(app) == [message]
    assert metric(app, "Sessions needed") == "85,834"


def test_returning_customers_covering_the_target_is_said_plainly(app: AppTest) -> None:
    app.number_input(key="plan.revenue_target").set_value(20_000).run()  # < 27,300 returning
    assert not app.exception
    assert "cover the target" in app.success[0].value
    assert metric(app, "Sessions needed") == "0"
    assert metric(app, "Marketing budget") == "$0.00"
    assert metric(app, "CAC") == "—"
    assert metric(app, "ROAS") == "—"


def test_paying_per_thousand_impressions(app: AppTest) -> None:
    """85,834 sessions at 1.5% CTR = 5,722,266.7 ↑ 5,722,267 impressions × $8 / 1000."""
    app.radio(key="plan.cost_kind").set_value("impressions").run()
    app.number_input(key="plan.cost_per_mille").set_value(8.0).run()
    app.number_input(key="plan.click_through_rate").set_value(1.5).run()
    assert not errors(app)
    assert metric(app, "Marketing budget") == "$45,778"  # 45,778.136


def test_paying_per_customer_is_cac(app: AppTest) -> None:
    """CAC $25 on Purchase: 1,545 × 25 = $38,625."""
    app.selectbox(key="plan.cost_stage").set_value(4).run()
    app.number_input(key="plan.cost_per_unit").set_value(25.0).run()
    assert metric(app, "Marketing budget") == "$38,625"
    assert metric(app, "CAC") == "$25.00"


def test_forwards_from_traffic(app: AppTest) -> None:
    """100,000 sessions × 0.5 × 0.12 × 0.5 × 0.6 = 1,800 customers × $60 = $108,000 + 27,300."""
    app.radio(key="plan.direction").set_value("traffic").run()
    app.number_input(key="plan.traffic").set_value(100_000).run()
    assert not app.exception
    assert metric(app, "New customers") == "1,800"
    assert metric(app, "Revenue") == "$135,300"


def test_switching_to_traffic_starts_from_the_plans_own_sessions(app: AppTest) -> None:
    """85,834 sessions × 1.8% = 1,545.012 customers × $60 + $27,300 = $120,000.72."""
    app.radio(key="plan.direction").set_value("traffic").run()
    assert app.number_input(key="plan.traffic").value == 85_834
    assert metric(app, "Revenue") == "$120,001"


def test_a_negative_traffic_is_named_beside_its_field(app: AppTest) -> None:
    app.radio(key="plan.direction").set_value("traffic").run()
    app.number_input(key="plan.traffic").set_value(-5).run()
    assert not app.exception
    assert errors(app) == ["Sessions in the period must be ≥ 0, got -5"]
    assert "Goal & funnel tab: Sessions in the period must be ≥ 0" in app.info[0].value
    assert app.number_input(key="plan.traffic").value == -5  # what they typed stays
    assert metric(app, "Revenue") == "$120,001"  # the plan's own 85,834 sessions, still shown


def test_forwards_from_budget_agrees_with_the_backward_plan(app: AppTest) -> None:
    """The backward plan's budget, $34,333.60, buys 85,834 sessions: the target is reached.

    85,834 × 0.018 = 1,545.012 customers × $60 = $92,700.72, + $27,300 returning = $120,000.72:
    a little above the target, because the plan rounded every stage up.
    """
    app.radio(key="plan.direction").set_value("budget").run()
    app.number_input(key="plan.budget").set_value(34_333.60).run()
    assert metric(app, "Sessions") == "85,834"
    assert metric(app, "Revenue") == "$120,001"


def test_a_forward_budget_without_costs_says_what_to_do(app: AppTest) -> None:
    app.toggle(key="plan.cost_on").set_value(False).run()
    app.radio(key="plan.direction").set_value("budget").run()
    app.number_input(key="plan.budget").set_value(1000).run()
    assert not app.exception
    assert "no acquisition cost" in app.warning[0].value


def test_a_preset_replaces_the_funnel(app: AppTest) -> None:
    app.selectbox(key="plan.preset").set_value("lead_generation").run()
    app.button(key="plan.apply_preset").click().run()
    assert not app.exception
    names = [box.value for box in app.text_input if box.key.startswith("plan.stage.")]
    assert names == ["Visitors", "Leads", "Qualified leads", "Sales calls", "Customers"]
    assert metric(app, "Visitors needed")


def test_stages_can_be_added_removed_renamed_and_reordered(app: AppTest) -> None:
    app.button(key="plan.add_stage").click().run()
    names = [box.value for box in app.text_input if box.key.startswith("plan.stage.")]
    assert names == ["Sessions", "Product views", "Add to cart", "Checkout", "Stage 5", "Purchase"]
    app.button(key="plan.stage.5.remove").click().run()
    app.button(key="plan.stage.3.move-1").click().run()
    app.text_input(key="plan.stage.0.name").set_value("Visits").run()
    names = [box.value for box in app.text_input if box.key.startswith("plan.stage.")]
    assert names == ["Visits", "Product views", "Checkout", "Add to cart", "Purchase"]
    assert not app.exception
    # Same rates in another order: the top still needs ⌈1,545 / 0.018⌉ = 85,834.
    assert metric(app, "Visits needed") == "85,834"


def test_duplicate_stage_names_are_named_at_the_second_stage(app: AppTest) -> None:
    app.text_input(key="plan.stage.3.name").set_value("add to cart").run()
    assert errors(app) == [
        "Stage 4 name: 'add to cart' is already the name of stage 3; stage names must be unique"
    ]


def test_a_custom_period_ending_before_it_starts_is_named(app: AppTest) -> None:
    from datetime import date

    app.selectbox(key="plan.period_kind").set_value("custom").run()
    app.date_input(key="plan.end").set_value(date(2026, 12, 1)).run()
    assert errors(app) == ["End must be on or after start (2027-01-01), got 2026-12-01"]


def test_a_monthly_period_changes_the_pace(app: AppTest) -> None:
    """March 2027 alone: the same 85,834 sessions over 31 days = 19,382 a week."""
    app.selectbox(key="plan.period_kind").set_value("month").run()
    app.selectbox(key="plan.month").set_value(3).run()
    assert not app.exception
    assert any("(19,382 a week)" in text.value for text in app.markdown)  # 85,834 / (31 / 7)


def test_start_again_restores_the_demo_plan(app: AppTest) -> None:
    app.number_input(key="plan.revenue_target").set_value(240_000).run()
    app.button(key="plan.reset").click().run()
    assert metric(app, "Sessions needed") == "85,834"
    assert app.number_input(key="plan.revenue_target").value == 120_000


def registered_pages() -> list[str]:
    """Every page path passed to st.Page in app.py."""
    tree = ast.parse((ROOT / "app.py").read_text())
    return [
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "attr", "") == "Page"
        and isinstance(node.args[0], ast.Constant)
    ]


@pytest.mark.parametrize("page", registered_pages())
def test_every_registered_page_opens_without_exception(page: str) -> None:
    app = AppTest.from_file(APP, default_timeout=30).run()
    app.switch_page(page).run()
    assert not app.exception


def test_a_rate_beyond_published_benchmarks_is_flagged_with_its_source(app: AppTest) -> None:
    """Add to cart 60% of product views: 0.5 × 0.6 × 0.5 × 0.6 = 9% of sessions order."""
    assert not app.warning  # the demo plan sits inside every published range
    app.number_input(key="plan.stage.2.rate").set_value(60.0).run()
    flagged = [warning.value for warning in app.warning if "session-to-order" in warning.value]
    assert len(flagged) == 1
    assert "A 9% session-to-order rate" in flagged[0]
    assert "above what almost all" in flagged[0]
    assert "Source: Littledata" in flagged[0]


def test_the_benchmark_table_lists_the_ranges_that_apply(app: AppTest) -> None:
    stage_table, table = (frame.value for frame in app.dataframe)
    assert list(stage_table["Count"]) == ["85,834", "42,917", "5,150", "2,575", "1,545"]
    assert list(table["Benchmark"]) == [
        "session-to-order rate",
        "add-to-cart rate",
        "cart-to-order rate",
    ]
    assert list(table["This plan"]) == ["1.8%", "6%", "30%"]


def test_removing_the_paid_stage_hands_its_cost_to_the_stage_in_its_place(app: AppTest) -> None:
    """$25 per Purchase, then Purchase removed: Checkout is now the last stage and is paid.

    1,545 customers at Checkout → ⌈1,545 / 0.03⌉ = 51,500 sessions; budget 1,545 × 25 = $38,625.
    """
    app.selectbox(key="plan.cost_stage").set_value(4).run()
    app.number_input(key="plan.cost_per_unit").set_value(25.0).run()
    app.button(key="plan.stage.4.remove").click().run()
    assert not errors(app)
    assert app.selectbox(key="plan.cost_stage").value == 3
    assert metric(app, "Sessions needed") == "51,500"
    assert metric(app, "Marketing budget") == "$38,625"
    assert "'Purchase' was removed: this is now the price per 'Checkout'." in captions(app)
