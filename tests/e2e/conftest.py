"""Browser harness: the real app on loopback, driven by Debian's Chromium through Playwright.

Every test in this folder is marked ``e2e``; deselect them with ``-m "not e2e"``.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from .harness import (
    ACTION_TIMEOUT_MS,
    CHROMIUM_ARGS,
    METRIC_VALUE,
    ROOT,
    AppDidNotStartError,
    AppServer,
    find_chromium,
    start_app,
    wait_until_idle,
)

E2E_DIR = Path(__file__).resolve().parent
ARTIFACTS = ROOT / "test-artifacts"
VIEWPORT = {"width": 1400, "height": 1000}
# The first load imports plotly and pandas in the server: allow it time; later runs are quick.
FIRST_LOAD_TIMEOUT_MS = 45_000


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder ``e2e`` (and leave tests elsewhere alone)."""
    for item in items:
        if item.path.is_relative_to(E2E_DIR):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def app_server() -> Iterator[AppServer]:
    """The real app, started once per session on a free loopback port, stopped by PID."""
    try:
        server = start_app()
    except AppDidNotStartError as error:
        pytest.fail(str(error), pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def app_url(app_server: AppServer) -> str:
    """Base URL of the running app."""
    return app_server.url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium (never a Playwright-downloaded build)."""
    chromium = find_chromium()
    if chromium is None:  # never a skip: a green run must have driven the real browser
        pytest.fail(
            "Chromium is not installed, so the browser tests cannot run. Install it with "
            "`sudo apt-get install chromium` (or run `make test` as root, which installs it); "
            "`make unit` runs everything else.",
            pytrace=False,
        )
    expect.set_options(timeout=ACTION_TIMEOUT_MS)
    playwright = sync_playwright().start()
    try:
        launched = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()
    finally:
        playwright.stop()


@pytest.fixture
def page(browser: Browser, app_url: str) -> Iterator[Page]:
    """A fresh browser context on the app's Plan page, with the first run of the script done."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    try:
        opened = context.new_page()
        opened.goto(app_url, timeout=FIRST_LOAD_TIMEOUT_MS)
        wait_until_idle(opened, timeout_ms=FIRST_LOAD_TIMEOUT_MS)
        expect(opened.locator(METRIC_VALUE).first).to_be_visible(timeout=FIRST_LOAD_TIMEOUT_MS)
        wait_until_idle(opened)
        yield opened
    finally:
        context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item,
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """On a failed browser test, save a screenshot and attach it and the server's log."""
    report = yield
    if report.when == "call" and report.failed and item.path.is_relative_to(E2E_DIR):
        _attach_failure_evidence(item, report)
    return report


def _attach_failure_evidence(item: pytest.Item, report: pytest.TestReport) -> None:
    funcargs = getattr(item, "funcargs", {})
    failed_page = funcargs.get("page")
    if isinstance(failed_page, Page):
        ARTIFACTS.mkdir(exist_ok=True)
        shot = ARTIFACTS / (re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid) + ".png")
        try:
            failed_page.screenshot(path=str(shot), full_page=True)
        except Exception as error:  # a broken page must not hide the failure
            report.sections.append(("e2e screenshot", f"could not be saved: {error}"))
        else:
            print(f"\nScreenshot of the failed page: {shot}")
            report.sections.append(("e2e screenshot", str(shot)))
    server = funcargs.get("app_server")
    if isinstance(server, AppServer):
        report.sections.append(("app server output (tail)", server.output(4_000)))
