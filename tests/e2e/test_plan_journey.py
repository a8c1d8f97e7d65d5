"""Journeys through the Plan page in a real browser, against the real app on loopback."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from .harness import wait_until_idle

DEMO_SESSIONS_NEEDED = "85,834"


def metric_value(page: Page, label: str) -> Locator:
    """The value of the metric whose label contains ``label``."""
    metric = page.get_by_test_id("stMetric").filter(has_text=label)
    return metric.get_by_test_id("stMetricValue")


def keyed(page: Page, key: str) -> Locator:
    """The element Streamlit drew for the widget with this key (class ``st-key-<key>``)."""
    css_class = "st-key-" + "".join(c if c.isalnum() or c in "_-" else "-" for c in key)
    return page.locator(f".{css_class}")


def test_changing_the_revenue_target_shows_the_new_sessions_needed(page: Page) -> None:
    sessions_needed = metric_value(page, "Sessions needed")
    expect(sessions_needed).to_have_text(DEMO_SESSIONS_NEEDED)

    target = page.get_by_label("Revenue target (USD)", exact=True)
    target.fill("240000")
    target.press("Enter")

    # (240,000 − 27,300 returning) / 60 = 3,545 customers; ⌈3,545 / 0.018⌉ = 196,945 sessions
    expect(sessions_needed).to_have_text("196,945")
    wait_until_idle(page)
    expect(sessions_needed).to_have_text("196,945")


def test_an_impossible_conversion_rate_is_flagged_and_keeps_the_last_valid_results(
    page: Page,
) -> None:
    sessions_needed = metric_value(page, "Sessions needed")
    expect(sessions_needed).to_have_text(DEMO_SESSIONS_NEEDED)
    expect(keyed(page, "plan.stage.2.name").locator("input")).to_have_value("Add to cart")

    rate = keyed(page, "plan.stage.2.rate").locator("input")
    rate.fill("120")
    rate.press("Enter")

    message = page.get_by_test_id("stAlertContentError").filter(has_text="at most 100%")
    expect(message).to_be_visible()
    expect(message).to_contain_text("Add to cart")
    wait_until_idle(page)
    expect(sessions_needed).to_have_text(DEMO_SESSIONS_NEEDED)


def test_the_plan_page_draws_its_funnel_chart_without_an_exception(page: Page) -> None:
    expect(page.get_by_test_id("stPlotlyChart")).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_working_forwards_from_the_plans_traffic_reaches_its_target(page: Page) -> None:
    expect(metric_value(page, "Sessions needed")).to_have_text(DEMO_SESSIONS_NEEDED)

    page.get_by_text("Traffic → revenue", exact=True).click()

    # 85,834 sessions × 1.8% = 1,545.012 customers × $60 + $27,300 returning = $120,000.72
    expect(metric_value(page, "Revenue")).to_have_text("$120,001")
    expect(keyed(page, "plan.traffic").locator("input")).to_have_value("85834")


def test_on_a_phone_the_answer_stays_in_sight_while_a_rate_is_edited(page: Page) -> None:
    """At 390 px the results stack 2,000 px below the inputs; the summary line stays pinned.

    Add to cart 12% → 10%: 5,150 / 0.10 = 51,500 product views → 103,000 sessions, $41,200.
    """
    page.set_viewport_size({"width": 390, "height": 844})
    summary = page.locator(".st-key-plan-summary")
    expect(summary).to_contain_text("85,834 sessions")

    rate = keyed(page, "plan.stage.2.rate").locator("input")
    rate.scroll_into_view_if_needed()
    rate.fill("10")
    rate.press("Enter")

    expect(summary).to_contain_text("103,000 sessions · 1,545 new customers · $41,200 budget")
    expect(summary).to_be_in_viewport()
    expect(rate).to_be_in_viewport()


def test_on_a_wide_screen_the_summary_line_is_hidden_beside_the_results(page: Page) -> None:
    expect(metric_value(page, "Sessions needed")).to_have_text(DEMO_SESSIONS_NEEDED)
    expect(page.locator(".st-key-plan-summary")).to_be_hidden()


def test_a_seven_digit_budget_is_shown_whole_at_1024_px(page: Page) -> None:
    """A $12,345,678 target needs 11,405,945 sessions and $4,562,378, shown whole.

    (12,345,678 − 27,300) / 60 = 205,306.3 ↑ 205,307 customers; ⌈205,307 / 0.018⌉ =
    11,405,945 sessions × $0.40 = $4,562,378.
    """
    page.set_viewport_size({"width": 1024, "height": 900})
    target = page.get_by_label("Revenue target (USD)", exact=True)
    target.fill("12345678")
    target.press("Enter")
    budget = metric_value(page, "Marketing budget")
    expect(budget).to_have_text("$4,562,378")
    wait_until_idle(page)
    fits = budget.evaluate("element => element.scrollWidth <= element.clientWidth")
    assert fits, "the budget's digits are cut off"
