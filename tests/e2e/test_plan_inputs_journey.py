"""The Plan page's inputs in a real browser: what AppTest can't see.

Labels announced to screen readers, numbers as the browser formats them, widths at 1,400 px,
the select box's own value after a rename, tabs that stay open when their label changes.
"""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from .harness import wait_until_idle

DEMO_SESSIONS_NEEDED = "85,834"


def keyed(page: Page, key: str) -> Locator:
    """The element Streamlit drew for the widget with this key (class ``st-key-<key>``)."""
    css_class = "st-key-" + "".join(c if c.isalnum() or c in "_-" else "-" for c in key)
    return page.locator(f".{css_class}")


def metric_value(page: Page, label: str) -> Locator:
    """The value of the metric whose label contains ``label``."""
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")


def field_errors(page: Page) -> Locator:
    return page.get_by_test_id("stAlertContentError")


TAB_RERUN_GRACE_MS = 400


def type_into(page: Page, field: Locator, text: str) -> None:
    """Replace the field's text and press Enter, as a user does."""
    field.fill(text)
    field.press("Enter")


def open_tab(page: Page, name: str) -> None:
    """Open an input tab and let the rerun it starts finish before anything is typed.

    The tab reruns the script on change; right after the click the app may not show it is
    running yet, and a value typed during that rerun is overwritten when it ends.
    """
    tab = page.get_by_role("tab", name=re.compile(f"^{re.escape(name)}"))
    tab.click()
    expect(tab).to_have_attribute("aria-selected", "true")
    page.wait_for_timeout(TAB_RERUN_GRACE_MS)
    wait_until_idle(page)


def choose(page: Page, key: str, option: str) -> None:
    """Pick ``option`` in the select box with this key.

    The box is scrolled to the middle of the window first: its list of options opens below
    it, and a box at the window's bottom edge would open it out of reach.
    """
    box = keyed(page, key).get_by_role("combobox")
    box.evaluate("(element) => element.scrollIntoView({block: 'center'})")
    box.click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_until_idle(page)


def test_stage_buttons_say_what_they_do_and_to_which_stage(page: Page) -> None:
    up = page.get_by_role("button", name="Move 'Checkout' up", exact=True)
    expect(up).to_have_count(1)
    expect(page.get_by_role("button", name="Move 'Checkout' down", exact=True)).to_have_count(1)
    expect(page.get_by_role("button", name="Remove 'Checkout'", exact=True)).to_have_count(1)
    expect(page.get_by_role("button", name="Move 'Sessions' up", exact=True)).to_be_disabled()
    expect(page.get_by_role("button", name=re.compile("icon$"))).to_have_count(0)

    up.click()

    # Checkout now converts from Product views with the rate it had from Add to cart.
    expect(page.get_by_text("It was the conversion from 'Add to cart'")).to_be_visible()
    expect(page.get_by_role("button", name="Move 'Checkout' up", exact=True)).to_be_enabled()
    wait_until_idle(page)


def test_rates_show_as_typed_small_or_whole(page: Page) -> None:
    rate = keyed(page, "plan.stage.2.rate").locator("input")
    expect(rate).to_have_value("12")
    type_into(page, rate, "0.001")
    wait_until_idle(page)
    expect(rate).to_have_value("0.001")
    expect(keyed(page, "plan.stage.1.rate").locator("input")).to_have_value("50")
    expect(field_errors(page)).to_have_count(0)


def test_custom_end_date_is_wide_enough_to_read(page: Page) -> None:
    choose(page, "plan.period_kind", "Custom dates")
    end = keyed(page, "plan.end")
    expect(end.get_by_role("group", name="End")).to_have_text("2027-03-31")
    # The date's year, month and day sit in a strip that scrolls when the field is too narrow.
    strip = end.get_by_test_id("stDateInputFieldsScroller")
    box = strip.bounding_box()
    assert box is not None
    assert box["width"] >= 150, box
    fits = strip.evaluate("(strip) => strip.scrollWidth <= strip.clientWidth")
    assert fits, "the end date is cut off"


def test_renaming_the_paid_stage_keeps_it_paid_and_names_a_duplicate(page: Page) -> None:
    top = keyed(page, "plan.stage.0.name").locator("input")
    type_into(page, top, "Visits")
    wait_until_idle(page)
    expect(metric_value(page, "Visits needed")).to_have_text(DEMO_SESSIONS_NEEDED)

    checkout = keyed(page, "plan.stage.3.name").locator("input")
    type_into(page, checkout, "Add to cart")

    expect(field_errors(page)).to_have_text(
        ["⚠️Stage 4 name: 'Add to cart' is already the name of stage 3; stage names must be unique"]
    )
    wait_until_idle(page)
    open_tab(page, "Costs")
    expect(keyed(page, "plan.cost_stage").get_by_role("combobox")).to_have_value("Visits")
    expect(page.get_by_text("Paid stage must not be empty")).to_have_count(0)


def test_a_problem_marks_its_tab_and_the_tab_stays_open(page: Page) -> None:
    open_tab(page, "Costs")
    price = page.get_by_label("Cost per 'Sessions' (USD)", exact=True)
    type_into(page, price, "")

    expect(page.get_by_role("tab", name="Costs ⚠")).to_be_visible()
    wait_until_idle(page)
    expect(page.get_by_role("tab", name="Costs ⚠")).to_have_attribute("aria-selected", "true")
    expect(field_errors(page)).to_have_text(["⚠️Cost per 'Sessions' is required"])
    info = page.get_by_test_id("stAlertContentInfo").filter(has_text="To update them, fix")
    expect(info).to_contain_text("Costs tab: Cost per 'Sessions' is required")
    expect(metric_value(page, "Sessions needed")).to_have_text(DEMO_SESSIONS_NEEDED)

    type_into(page, price, "0.4")
    expect(page.get_by_role("tab", name="Costs", exact=True)).to_be_visible()
    wait_until_idle(page)
    expect(page.get_by_role("tab", name="Costs", exact=True)).to_have_attribute(
        "aria-selected", "true"
    )


def test_a_typed_traffic_survives_a_trip_to_budget_and_back(page: Page) -> None:
    page.get_by_text("Traffic → revenue", exact=True).click()
    traffic = keyed(page, "plan.traffic").locator("input")
    expect(traffic).to_have_value("85834")
    wait_until_idle(page)
    type_into(page, traffic, "100000")
    # 100,000 sessions × 1.8% = 1,800 customers × $60 + $27,300 returning = $135,300
    expect(metric_value(page, "Revenue")).to_have_text("$135,300")
    wait_until_idle(page)

    page.get_by_text("Budget → revenue", exact=True).click()
    expect(keyed(page, "plan.budget").locator("input")).to_be_visible()
    wait_until_idle(page)
    page.get_by_text("Traffic → revenue", exact=True).click()

    expect(keyed(page, "plan.traffic").locator("input")).to_have_value("100000")
    expect(metric_value(page, "Revenue")).to_have_text("$135,300")


def test_an_emptied_year_is_named_and_stays_empty(page: Page) -> None:
    year = page.get_by_label("Year", exact=True)
    expect(year).to_have_value("2027")
    type_into(page, year, "")

    expect(field_errors(page)).to_have_text(["⚠️Year is required"])
    wait_until_idle(page)
    expect(year).to_have_value("")
    expect(metric_value(page, "Sessions needed")).to_have_text(DEMO_SESSIONS_NEEDED)

    type_into(page, year, "1990")
    expect(field_errors(page)).to_have_count(0)
    wait_until_idle(page)
    expect(page.get_by_text("Q1 1990 (90 days)")).to_be_visible()
