"""The Scenarios page in a real browser: two scenarios side by side, then the odds.

Numbers are the demo plan's (worked by hand in tests/app/test_plan_page.py and
tests/app/test_scenarios_page.py): 1,545 new customers need ⌈1,545 / 0.018⌉ = 85,834 sessions.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .harness import wait_until_idle
from .test_plan_inputs_journey import choose, keyed, open_tab, type_into
from .test_plan_journey import metric_value

PERCENT = re.compile(r"^\d{1,3}(\.\d+)?%$")


def add_scenario(page: Page, name: str) -> None:
    page.get_by_role("button", name="Add a scenario").click()
    expect(page.get_by_label("Scenario name").last).to_have_value(name)
    wait_until_idle(page)


def test_two_scenarios_side_by_side_then_the_odds_of_the_plan(page: Page) -> None:
    """Scenario 1: Purchase 60% → 66%, ⌈1,545 / 0.0198⌉ = 78,031 sessions.

    Scenario 2: order value $60 → $63 (+5%): ⌈92,700 / 63⌉ = ⌈1,471.4⌉ = 1,472 new
    customers, ⌈1,472 / 0.018⌉ = ⌈81,777.8⌉ = 81,778 sessions.
    """
    page.get_by_role("link", name="Scenarios").click()
    expect(page.get_by_role("heading", name="Scenarios", exact=True)).to_be_visible()
    wait_until_idle(page)
    expect(page.get_by_role("tab")).to_have_text(
        ["What-if scenarios", "Which inputs matter most", "Uncertainty and the odds"]
    )

    add_scenario(page, "Scenario 1")
    add_scenario(page, "Scenario 2")
    # The second scenario is entry 2 of the block; its change, entry 3.
    choose(page, "whatif.c3.input", "Average order value")
    value = keyed(page, "whatif.c3.value").locator("input")
    expect(value).to_have_value(re.compile(r"^10(\.0+)?$"))  # a relative change: +10% first
    type_into(page, value, "5")
    wait_until_idle(page)

    table = page.get_by_test_id("stDataFrame").filter(has_text="Base plan")
    expect(table).to_contain_text("Scenario 1")
    expect(table).to_contain_text("Scenario 2")
    expect(table).to_contain_text("78,031")
    expect(table).to_contain_text("81,778")
    expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)

    open_tab(page, "Uncertainty and the odds")
    trials = keyed(page, "scenarios.trials").locator("input")
    type_into(page, trials, "100000")  # above 20,000 trials a run waits for the button
    expect(page.get_by_text("Run the simulation to see the odds.")).to_be_visible()
    wait_until_idle(page)
    page.get_by_role("button", name="Run the simulation").click()

    chance = metric_value(page, "Chance of reaching the target")
    expect(chance).to_have_text(PERCENT)
    wait_until_idle(page)
    expect(page.get_by_text("100,000 trials from 85,834 'Sessions'")).to_be_visible()
    odds = page.get_by_role("tabpanel").filter(has=chance)
    expect(odds.get_by_test_id("stPlotlyChart").first).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_text("Traceback")).to_have_count(0)


def test_at_1024_px_the_range_of_an_uncertain_input_can_be_read(page: Page) -> None:
    page.set_viewport_size({"width": 1024, "height": 900})
    page.get_by_role("link", name="Scenarios").click()
    expect(page.get_by_role("heading", name="Scenarios", exact=True)).to_be_visible()
    wait_until_idle(page)
    open_tab(page, "Uncertainty and the odds")
    page.get_by_role("button", name="Add an uncertain input").click()

    # The block's first entry; the Purchase rate, 60% ± 10%.
    low = keyed(page, "whatif.u0.low").locator("input")
    expect(low).to_have_value(re.compile(r"^54(\.0+)?$"))
    wait_until_idle(page)
    for part in ("low", "likely", "high"):
        field = keyed(page, f"whatif.u0.{part}").locator("input")
        fits = field.evaluate("(input) => input.scrollWidth <= input.clientWidth")
        assert fits, f"the {part} value is cut off"
