"""Saved plans in a real browser: save, reload, and the same plan is open.

Then version 2 after an edit, the Plans page lists it, and a link with the plan inside opens
read-only.
"""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from files.links import encode_plan
from planner.presets import demo_plan

from .harness import running_app, wait_until_idle
from .test_plan_journey import metric_value


def save_version(page: Page, *, note: str) -> None:
    page.get_by_role("button", name="Save", exact=True).click()
    name = page.get_by_label("Your name")
    if not name.input_value():
        name.fill("Amira")
        name.press("Enter")
        wait_until_idle(page)
    page.get_by_label("Note (optional)").fill(note)
    page.get_by_label("Note (optional)").press("Enter")
    wait_until_idle(page)
    page.get_by_role("button", name="Save version").click()
    wait_until_idle(page)
    page.keyboard.press("Escape")


def test_a_saved_plan_is_open_again_after_a_reload(page: Page) -> None:
    name = page.get_by_label("Plan name")
    name.fill("Spring push")
    name.press("Enter")
    target = page.get_by_label("Revenue target (USD)", exact=True)
    target.fill("240000")
    target.press("Enter")
    wait_until_idle(page)

    save_version(page, note="As agreed")

    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("Spring push")
    expect(page).to_have_url(re.compile(r"[?&]plan=\d+"))
    page.reload()
    wait_until_idle(page)
    expect(page.get_by_label("Plan name")).to_have_value("Spring push")
    # (240,000 − 27,300 returning) / 60 = 3,545 customers; ⌈3,545 / 0.018⌉ = 196,945 sessions
    expect(metric_value(page, "Sessions needed")).to_have_text("196,945")
    expect(page.get_by_text("Version 1 of 1")).to_be_visible()

    target = page.get_by_label("Revenue target (USD)", exact=True)
    target.fill("120000")
    target.press("Enter")
    expect(page.get_by_text("Unsaved changes")).to_be_visible()
    save_version(page, note="Back to plan")
    expect(page.get_by_text("Version 2 of 2")).to_be_visible()

    page.get_by_role("link", name="Plans").click()
    wait_until_idle(page)
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible()
    expect(page.get_by_text("Spring push").first).to_be_visible()
    history = page.get_by_test_id("stDataFrame").nth(1)
    expect(history).to_contain_text("Back to plan")
    expect(history).to_contain_text("As agreed")


def test_a_link_with_the_plan_inside_opens_it_read_only(page: Page) -> None:
    page.get_by_role("button", name="Share").click()
    link = page.get_by_test_id("stCode").filter(has_text="/shared?p=").first
    expect(link).to_be_visible()
    url = link.inner_text().strip()
    page.keyboard.press("Escape")

    page.goto(url)
    wait_until_idle(page)

    expect(page.get_by_role("heading", name="Demo store")).to_be_visible()
    expect(page.get_by_text("read-only")).to_be_visible()
    expect(metric_value(page, "Sessions needed")).to_have_text("85,834")


def test_a_fresh_server_s_first_visit_by_a_shared_link_opens_inside_the_app(
    browser: Browser,
) -> None:
    """A first visit straight to /shared still gets the frame (see ``ui/frame.py``).

    Streamlit reads ``pages/`` as its old multipage mode until ``st.navigation`` has run once.
    """
    with running_app() as fresh:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        try:
            page = context.new_page()
            page.goto(f"{fresh.url}/shared?p={encode_plan(demo_plan())}", timeout=45_000)
            wait_until_idle(page, timeout_ms=45_000)

            expect(page.get_by_role("heading", name="Demo store")).to_be_visible()
            expect(page.get_by_text("العربية")).to_be_visible()  # the frame's language switch
            expect(page.get_by_test_id("stSidebarNavItems")).to_have_count(0)
        finally:
            context.close()
