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

    # (240,000 − 27,300 returning) / 60 = 3,545 customers → 5,909 → 11,818 → 98,484 → 196,968
    expect(sessions_needed).to_have_text("196,968")
    wait_until_idle(page)
    expect(sessions_needed).to_have_text("196,968")


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
