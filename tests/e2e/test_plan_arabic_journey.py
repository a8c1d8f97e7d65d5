"""The Plan page in Arabic in a real browser: direction, numbers, nothing cut off, the link.

Numbers are the demo plan's (tests/app/test_plan_page.py): 85,834 sessions; a $240,000
target needs ⌈(240,000 − 27,300) / 60⌉ = 3,545 customers, ⌈3,545 / 0.018⌉ = 196,945 sessions
and 196,945 × $0.40 = $78,778. A screenshot of each language is saved under test-artifacts/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from .conftest import ARTIFACTS, FIRST_LOAD_TIMEOUT_MS, VIEWPORT
from .harness import ACTION_TIMEOUT_MS, METRIC_VALUE, wait_until_idle

SESSIONS_NEEDED = {"en": "Sessions needed", "ar": "المطلوب من الجلسات"}
TITLE = {"en": "Plan", "ar": "الخطة"}
# Streamlit scrolls inside the main block, so a "full page" screenshot stops at the viewport.
CONTENT_HEIGHT_JS = "document.querySelector('[data-testid=\"stMain\"]').scrollHeight"


def open_plan(browser: Browser, url: str, width: int = VIEWPORT["width"]) -> Page:
    context = browser.new_context(viewport={"width": width, "height": VIEWPORT["height"]})
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    page.goto(url, timeout=FIRST_LOAD_TIMEOUT_MS)
    wait_until_idle(page, timeout_ms=FIRST_LOAD_TIMEOUT_MS)
    expect(page.locator(METRIC_VALUE).first).to_be_visible(timeout=FIRST_LOAD_TIMEOUT_MS)
    wait_until_idle(page)
    return page


@pytest.fixture
def arabic_page(browser: Browser, app_url: str) -> Iterator[Page]:
    """The Plan page opened from a link with ``?lang=ar``."""
    page = open_plan(browser, f"{app_url}/?lang=ar")
    try:
        yield page
    finally:
        page.context.close()


def metric_value(page: Page, label: str) -> Locator:
    metric = page.get_by_test_id("stMetric").filter(has_text=label)
    return metric.get_by_test_id("stMetricValue")


def keyed(page: Page, key: str) -> Locator:
    return page.locator(".st-key-" + "".join(c if c.isalnum() or c in "_-" else "-" for c in key))


def direction(page: Page) -> str:
    return str(page.get_by_test_id("stMain").evaluate("main => getComputedStyle(main).direction"))


def cut_off_metrics(page: Page) -> list[str]:
    """The text of every metric value wider than its box."""
    return list(
        page.locator(METRIC_VALUE).evaluate_all(
            "values => values.filter(v => v.scrollWidth > v.clientWidth).map(v => v.textContent)"
        )
    )


def save_screenshot(page: Page, name: str) -> None:
    """The whole page, as tall as its content, into test-artifacts/ (kept, not committed)."""
    width = page.viewport_size["width"] if page.viewport_size else VIEWPORT["width"]
    height = max(VIEWPORT["height"], int(page.evaluate(CONTENT_HEIGHT_JS)))
    page.set_viewport_size({"width": width, "height": height})
    wait_until_idle(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), animations="disabled")


def test_the_page_reads_right_to_left_and_updates_in_arabic(arabic_page: Page) -> None:
    page = arabic_page
    expect(page.get_by_role("heading", name="الخطة")).to_be_visible()
    assert direction(page) == "rtl"
    sessions = metric_value(page, SESSIONS_NEEDED["ar"])
    expect(sessions).to_have_text("85,834")

    target = page.get_by_label("هدف الإيرادات (USD)", exact=True)
    # A number keeps its digits left to right inside the right-to-left row.
    assert target.evaluate("input => getComputedStyle(input).direction") == "ltr"
    target.fill("240000")
    target.press("Enter")

    expect(sessions).to_have_text("196,945")
    budget = metric_value(page, "ميزانية التسويق")
    expect(budget).to_contain_text("78,778")
    expect(budget).to_contain_text("US$")
    wait_until_idle(page)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    save_screenshot(page, "plan-arabic.png")


def test_switching_to_arabic_keeps_what_was_typed_and_a_reload_stays_arabic(page: Page) -> None:
    target = keyed(page, "plan.revenue_target").locator("input")
    target.fill("240000")
    target.press("Enter")
    expect(metric_value(page, SESSIONS_NEEDED["en"])).to_have_text("196,945")
    wait_until_idle(page)
    save_screenshot(page, "plan-english.png")

    keyed(page, "lang").get_by_text("العربية", exact=True).click()

    expect(page.get_by_role("heading", name="الخطة")).to_be_visible()
    wait_until_idle(page)
    assert direction(page) == "rtl"
    expect(target).to_have_value("240000")
    expect(metric_value(page, SESSIONS_NEEDED["ar"])).to_have_text("196,945")
    expect(page).to_have_url(re.compile(r"[?&]lang=ar\b"))

    page.reload()  # a new session: the language comes from the link, the demo plan again
    expect(page.get_by_role("heading", name="الخطة")).to_be_visible(timeout=FIRST_LOAD_TIMEOUT_MS)
    wait_until_idle(page)
    expect(metric_value(page, SESSIONS_NEEDED["ar"])).to_have_text("85,834")


def test_arabic_indic_digits_are_one_click_away(arabic_page: Page) -> None:
    page = arabic_page
    keyed(page, "digits").get_by_text("١٢٣", exact=True).click()
    expect(metric_value(page, SESSIONS_NEEDED["ar"])).to_have_text("٨٥٬٨٣٤")
    wait_until_idle(page)
    expect(page).to_have_url(re.compile(r"[?&]digits=arab\b"))


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("width", [1400, 1024])
def test_no_metric_is_cut_off(browser: Browser, app_url: str, language: str, width: int) -> None:
    """A $12,345,678 target: 11,405,945 sessions and a $4,562,378 budget, each shown whole."""
    page = open_plan(browser, f"{app_url}/?lang={language}", width)
    try:
        target = keyed(page, "plan.revenue_target").locator("input")
        target.fill("12345678")
        target.press("Enter")
        expect(metric_value(page, SESSIONS_NEEDED[language])).to_have_text("11,405,945")
        wait_until_idle(page)
        assert cut_off_metrics(page) == []
    finally:
        page.context.close()
