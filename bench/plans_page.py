"""Plans page with 1,000 saved plans: one server-side render, measured around ``pg.run()``.

Target: ≤ 1 s. The plans are saved once into a fresh embedded database (a temporary data
folder); the page then runs under Streamlit's AppTest in this process, timed by
``ui.timing.record`` around ``pg.run()``. The baseline is the one-input page
(``bench/baseline_app.py``) measured the same way in the same run. Run:
``.venv/bin/python bench/plans_page.py [--plans N] [--renders N]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from planner.presets import demo_plan  # noqa: E402  (path set above)
from storage.database import DATA_DIR_VARIABLE, DATABASE_URL_VARIABLE  # noqa: E402
from storage.store import PlanStore  # noqa: E402
from tests.app.server_mode import reruns_through_the_frame  # noqa: E402
from ui import timing  # noqa: E402

TARGET_S = 1.0
PLANS_PAGE = "pages/plans.py"


def fill(count: int) -> None:
    """Save ``count`` plans (names that sort and search like a real library's)."""
    plan = demo_plan()
    with PlanStore.open() as store:
        for number in range(count):
            named = plan.model_copy(update={"name": f"Plan {number:04d} · Q{number % 4 + 1}"})
            store.create(named, author=f"Author {number % 7}", note="bench")


def median_render_s(script: Path, renders: int, page: str | None = None) -> float:
    """Median time of a page's run, over fresh reruns of the same session."""
    with reruns_through_the_frame():
        app = AppTest.from_file(str(script), default_timeout=120)
        app.run()
        if page is not None:
            app.switch_page(page).run()
        timing.run_seconds.clear()
        for _ in range(renders):
            app.run()
            if app.exception:
                raise SystemExit(f"{script.name} raised: {app.exception[0].value}")
    return statistics.median(seconds for _, seconds in timing.run_seconds)


def main() -> None:
    """Fill a database, time both pages and print the figures with their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=1_000)
    parser.add_argument("--renders", type=int, default=10)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ.pop(DATABASE_URL_VARIABLE, None)
        os.environ[DATA_DIR_VARIABLE] = folder
        fill(options.plans)
        baseline = median_render_s(ROOT / "bench" / "baseline_app.py", options.renders)
        plans = median_render_s(ROOT / "app.py", options.renders, PLANS_PAGE)
    verdict = "met" if plans <= TARGET_S else "NOT met"
    print(f"{'measure':<48}{'median ms':>10}")
    print(f"{'baseline page render (1 input)':<48}{baseline * 1000:>10.1f}")
    print(f"{f'Plans page render, {options.plans:,} saved plans':<48}{plans * 1000:>10.1f}")
    print(f"ratio Plans page / baseline: {plans / baseline:.1f}×")
    print(f"target ≤ {TARGET_S:.0f} s: {verdict}")


if __name__ == "__main__":
    main()
