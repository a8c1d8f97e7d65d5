"""Take the README's screenshot of the Plan page with the demo plan.

Usage: ``.venv/bin/python scripts/screenshot.py [output.png]`` (default
``docs/screenshot-plan.png``). Starts the app on a free loopback port exactly as the browser
tests do, opens it in Debian's headless Chromium at 1400×1100, waits for the page to finish
drawing and saves a full-page PNG.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

from tests.e2e.harness import (  # noqa: E402
    CHROMIUM_ARGS,
    METRIC_VALUE,
    find_chromium,
    running_app,
    wait_until_idle,
)

DEFAULT_OUTPUT = ROOT / "docs" / "screenshot-plan.png"
VIEWPORT = {"width": 1400, "height": 1100}
LOAD_TIMEOUT_MS = 60_000
# Plotly draws its SVG after the element mounts; wait for the funnel's bars themselves.
PLOTLY_DRAWN = '[data-testid="stPlotlyChart"] .main-svg'
# Streamlit scrolls inside <main data-testid="stMain">, not the document, so a "full page"
# screenshot would stop at the viewport: grow the viewport to the main area's height instead.
CONTENT_HEIGHT_JS = "document.querySelector('[data-testid=\"stMain\"]').scrollHeight"


def _fit_viewport_to_content(page: Page) -> None:
    """Make the viewport as tall as the page's content (re-measured until it settles)."""
    for _ in range(5):
        height = max(VIEWPORT["height"], int(page.evaluate(CONTENT_HEIGHT_JS)))
        if height == page.viewport_size["height"]:
            return
        page.set_viewport_size({"width": VIEWPORT["width"], "height": height})
        page.evaluate("new Promise(done => requestAnimationFrame(() => done(null)))")


def take_screenshot(output: Path) -> Path:
    """Start the app, open the Plan page and save a full-page screenshot.

    Args:
        output: Where to write the PNG; its folder is created if needed.

    Returns:
        The path written.

    Raises:
        SystemExit: Chromium is not installed.
    """
    chromium = find_chromium()
    if chromium is None:
        raise SystemExit("Chromium is missing: sudo apt-get install chromium")
    output.parent.mkdir(parents=True, exist_ok=True)
    with running_app() as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(server.url, timeout=LOAD_TIMEOUT_MS)
            expect(page.locator(METRIC_VALUE).first).to_be_visible(timeout=LOAD_TIMEOUT_MS)
            expect(page.locator(PLOTLY_DRAWN).first).to_be_visible(timeout=LOAD_TIMEOUT_MS)
            wait_until_idle(page, timeout_ms=LOAD_TIMEOUT_MS)
            page.evaluate("document.fonts.ready")
            _fit_viewport_to_content(page)
            wait_until_idle(page)
            page.screenshot(path=str(output), full_page=True, animations="disabled")
        finally:
            browser.close()
    return output


def main(argv: list[str]) -> int:
    """Command-line entry point.

    Args:
        argv: The arguments after the program name: an optional output path.

    Returns:
        The exit status.
    """
    if len(argv) > 1:
        print("usage: scripts/screenshot.py [output.png]", file=sys.stderr)
        return 2
    output = Path(argv[0]) if argv else DEFAULT_OUTPUT
    print(f"Saved {take_screenshot(output.resolve())}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
