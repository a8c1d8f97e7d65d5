"""The A/B tests page in a real browser: size a test on Checkout, read it, apply the lift.

Numbers are the demo plan's (worked by hand in tests/app/test_abtests_page.py): Checkout
converts 50% of 5,150 carts in 90 days (57.22 a day); 50% → 55% needs 1,565 visitors per arm
(Fleiss), 55 days. B's +20% on Checkout (50% → 60%) needs ⌈1,545 ÷ 0.0216⌉ = 71,528 sessions.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from .harness import wait_until_idle
from .test_plan_inputs_journey import choose, keyed, open_tab, type_into
from .test_plan_journey import metric_value


def test_size_a_test_on_checkout_read_it_and_carry_its_lift_into_the_plan(page: Page) -> None:
    page.get_by_role("link", name="A/B tests").click()
    expect(page.get_by_role("heading", name="A/B tests", exact=True)).to_be_visible()
    wait_until_idle(page)

    choose(page, "abtests.step", "Checkout (from 'Add to cart', 50%)")
    expect(keyed(page, "abtests.baseline").locator("input")).to_have_value("50")
    expect(metric_value(page, "Visitors per variant")).to_have_text("1,565")
    expect(metric_value(page, "Days at this traffic")).to_have_text("55")
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible()

    open_tab(page, "Read a test")
    for key, value in (
        ("abtests.arm0.visitors", "10000"),
        ("abtests.arm0.conversions", "100"),
        ("abtests.arm1.visitors", "10000"),
        ("abtests.arm1.conversions", "120"),
    ):
        field = keyed(page, key).locator("input")
        type_into(page, field, value)
        expect(field).to_have_value(value)
        wait_until_idle(page)
    expect(page.get_by_text("No detectable difference yet")).to_be_visible()
    table = page.get_by_test_id("stDataFrame").filter(has_text="Lift (95% interval)")
    expect(table).to_contain_text("0.175")

    open_tab(page, "Apply to the plan")
    expect(keyed(page, "abtests.apply.name").locator("input")).to_have_value(
        "A/B test: B on Checkout"
    )
    expect(metric_value(page, "Sessions the target needs")).to_have_text("71,528")
    page.get_by_role("button", name="Add as a scenario").click()
    link = page.get_by_role("link", name="See it beside the plan on the Scenarios page")
    expect(link).to_be_visible()
    wait_until_idle(page)
    link.click()

    expect(page.get_by_role("heading", name="Scenarios", exact=True)).to_be_visible()
    wait_until_idle(page)
    comparison = page.get_by_test_id("stDataFrame").filter(has_text="Base plan")
    expect(comparison).to_contain_text("A/B test: B on Checkout")
    expect(comparison).to_contain_text("71,528")
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_text("Traceback")).to_have_count(0)
