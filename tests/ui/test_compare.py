"""Two versions side by side: every input and result row, changed rows marked."""

from __future__ import annotations

from planner.models import Plan, Stage
from planner.presets import demo_plan
from ui.compare import Row, Wording, input_rows, result_rows

PLAIN = Wording(
    t=lambda message, **params: message.format(**params),
    money=lambda amount, currency: "—" if amount is None else f"{currency} {amount:,.2f}",
    count=lambda value: "—" if value is None else f"{value:,.0f}",
    percent=lambda fraction: "—" if fraction is None else f"{fraction:.1%}",
    ratio=lambda value: "—" if value is None else f"{value:.2f}×",
    period=lambda plan: f"{plan.period.start}–{plan.period.end}",
)


def changed(rows: list[Row]) -> dict[str, tuple[str, str]]:
    return {row.label: (row.first, row.second) for row in rows if row.changed}


def test_a_version_compared_with_itself_has_no_change() -> None:
    plan = demo_plan()

    assert changed(input_rows(plan, plan, PLAIN)) == {}
    assert changed(result_rows(plan, plan, PLAIN)) == {}


def test_a_better_checkout_rate_changes_its_row_and_the_counts_above_it() -> None:
    """Demo: checkout 50% → 60%, worked by hand.

    1,545 customers either way (see tests/app/test_plan_page.py); add to cart
    ⌈1,545 / (0.6 × 0.6)⌉ = ⌈4,291.7⌉ = 4,292 (was 5,150); sessions
    ⌈1,545 / (0.5 × 0.12 × 0.6 × 0.6)⌉ = ⌈71,527.8⌉ = 71,528 (was 85,834); checkout
    ⌈1,545 / 0.6⌉ = 2,575 either way.
    """
    before = demo_plan()
    stages = list(before.stages)
    stages[3] = Stage(name="Checkout", conversion_rate=0.6)
    after = before.model_copy(update={"stages": stages})

    inputs = changed(input_rows(before, after, PLAIN))
    results = changed(result_rows(before, after, PLAIN))

    assert inputs == {"Stage 4": ("Checkout (50.0%)", "Checkout (60.0%)")}
    assert results["Sessions"] == ("85,834", "71,528")
    assert results["Add to cart"] == ("5,150", "4,292")
    assert "Checkout" not in results
    assert "New customers" not in results
    assert results["Budget"] == ("USD 34,333.60", "USD 28,611.20")


def test_stages_added_or_removed_show_a_dash_on_the_side_without_them() -> None:
    before = demo_plan()
    after = before.model_copy(update={"stages": before.stages[:4], "acquisition_cost": None})

    inputs = changed(input_rows(before, after, PLAIN))

    assert inputs["Stage 5"] == ("Purchase (60.0%)", "—")
    assert inputs["Acquisition cost"] == ("USD 0.40 per 'Sessions'", "—")


def test_every_input_of_the_plan_file_has_a_row() -> None:
    labels = {row.label for row in input_rows(demo_plan(), demo_plan(), PLAIN)}
    fields = set(Plan.model_fields) - {"schema_version", "stages"}
    named = {
        "name": "Plan name",
        "description": "Description",
        "currency": "Currency",
        "period": "Period",
        "revenue_target": "Revenue target",
        "average_order_value": "Average order value",
        "orders_per_customer": "Orders per new customer",
        "acquisition_cost": "Acquisition cost",
        "gross_margin": "Gross margin",
        "returning_customers": "Returning customers",
        "scenarios": "Scenarios",
        "uncertainty": "Uncertain inputs",
    }

    assert set(named) == fields
    assert set(named.values()) <= labels
