"""Plan and Scenarios page reruns after an input change, server side, around ``pg.run()``.

The Scenarios page is measured with the two worked example scenarios and the default
10,000-trial simulation, which runs again after every change (each change is a new plan):
what a marketer waits for while editing a scenario. Target for both pages: ≤ 150 ms, in
English and in Arabic (``?lang=ar``: right to left, every string looked
up in the catalogue, CLDR formats). The apps run under Streamlit's AppTest in this process,
and each times its page with ``ui.timing.record`` around ``pg.run()``; the baseline is a
one-input page (bench/baseline_app.py), so the ratio says what the Plan page adds to a bare
Streamlit rerun on this machine today. Run: ``.venv/bin/python bench/page_rerun.py
[--reruns N]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.app.server_mode import reruns_through_the_frame  # noqa: E402  (path set above)
from ui import timing  # noqa: E402

TARGET_MS = 150.0
REVIEW_TARGET_MS = 500.0


def median_rerun_ms(
    script: Path, key: str, values: list[float], query: dict[str, str] | None = None
) -> float:
    """Median page time over reruns, each one after changing the number input ``key``.

    ``query`` is the link's query parameters (``{"lang": "ar"}``).
    """
    with reruns_through_the_frame():
        app = AppTest.from_file(str(script), default_timeout=60)
        for parameter, setting in (query or {}).items():
            app.query_params[parameter] = setting
        app.run()
        app.run()  # warm: first-run imports are not what a user waits for after a change
        timing.run_seconds.clear()
        for value in values:
            app.number_input(key=key).set_value(value).run()
            if app.exception:
                raise SystemExit(f"{script.name} raised: {app.exception[0].value}")
    return statistics.median(seconds for _, seconds in timing.run_seconds) * 1000


def median_scenarios_rerun_ms(values: list[float], query: dict[str, str] | None = None) -> float:
    """Median Scenarios page time over reruns, each after changing the first example's value."""
    with reruns_through_the_frame():
        app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        for parameter, setting in (query or {}).items():
            app.query_params[parameter] = setting
        app.run()
        app.switch_page("pages/scenarios.py").run()
        app.button(key="whatif.examples").click().run()
        app.run()
        timing.run_seconds.clear()
        for value in values:
            app.number_input(key="whatif.c0.value").set_value(value).run()
            if app.exception:
                raise SystemExit(f"the Scenarios page raised: {app.exception[0].value}")
    return statistics.median(seconds for _, seconds in timing.run_seconds) * 1000


def quarter_of_daily_results() -> bytes:
    """A quarter (Q1 2027) of daily funnel results for the demo plan, with money and spend."""
    rng = np.random.default_rng(2027)
    lines = ["Date,Sessions,Product views,Add to cart,Checkout,Purchase,Revenue,Orders,Spend"]
    for index in range(90):
        day = date(2027, 1, 1) + timedelta(days=index)
        sessions = int(rng.poisson(950))
        views = int(rng.binomial(sessions, 0.5))
        carts = int(rng.binomial(views, 0.12))
        checkouts = int(rng.binomial(carts, 0.45))
        purchases = int(rng.binomial(checkouts, 0.6))
        revenue = round(float(rng.gamma(4, 15, purchases).sum()), 2)
        lines.append(
            f"{day},{sessions},{views},{carts},{checkouts},{purchases},{revenue},{purchases},"
            f"{sessions * 0.4:.2f}"
        )
    return ("\n".join(lines) + "\n").encode()


def median_review_rerun_ms(days: list[date], query: dict[str, str] | None = None) -> float:
    """Median Actuals page time over reruns, each after moving the review date.

    Every new date is a new review (plan to date, attribution, a 10,000-trial forecast, the
    catch-up plan), worked out in that rerun: what a team waits for when it changes the date.
    """
    with reruns_through_the_frame():
        app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        for parameter, setting in (query or {}).items():
            app.query_params[parameter] = setting
        app.run()
        app.switch_page("pages/actuals.py").run()
        upload = ("results.csv", quarter_of_daily_results(), "text/csv")
        app.file_uploader(key="actuals.upload").set_value(upload).run()
        app.run()
        timing.run_seconds.clear()
        for day in days:
            app.date_input(key="actuals.as_of").set_value(day).run()
            if app.exception:
                raise SystemExit(f"the Actuals page raised: {app.exception[0].value}")
    return statistics.median(seconds for _, seconds in timing.run_seconds) * 1000


def main() -> None:
    """Measure both apps and print the figures with their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reruns", type=int, default=40)
    reruns = parser.parse_args().reruns
    targets = [100_000.0 + 1_000 * step for step in range(reruns)]
    baseline = median_rerun_ms(ROOT / "bench" / "baseline_app.py", "baseline.target", targets)
    english = median_rerun_ms(ROOT / "app.py", "plan.revenue_target", targets)
    arabic = median_rerun_ms(ROOT / "app.py", "plan.revenue_target", targets, {"lang": "ar"})
    changes = [5.0 + 0.5 * step for step in range(reruns)]
    scenarios_english = median_scenarios_rerun_ms(changes)
    scenarios_arabic = median_scenarios_rerun_ms(changes, {"lang": "ar"})
    verdict = "met" if max(english, arabic) <= TARGET_MS else "NOT met"
    scenarios_verdict = (
        "met" if max(scenarios_english, scenarios_arabic) <= TARGET_MS else "NOT met"
    )
    print(f"{'measure':<44}{'median ms':>10}")
    print(f"{'baseline page rerun (1 input)':<44}{baseline:>10.1f}")
    print(f"{'Plan page rerun after a change, English':<44}{english:>10.1f}")
    print(f"{'Plan page rerun after a change, Arabic':<44}{arabic:>10.1f}")
    print(
        f"ratio Plan page / baseline: English {english / baseline:.1f}×, "
        f"Arabic {arabic / baseline:.1f}×; Arabic / English {arabic / english:.2f}×"
    )
    print(f"target ≤ {TARGET_MS:.0f} ms in both languages: {verdict}")
    print(
        f"{'Scenarios page rerun (2 scenarios, 10k trials), English':<58}{scenarios_english:>10.1f}"
    )
    print(
        f"{'Scenarios page rerun (2 scenarios, 10k trials), Arabic':<58}{scenarios_arabic:>10.1f}"
    )
    print(
        f"ratio Scenarios page / baseline: English {scenarios_english / baseline:.1f}×, "
        f"Arabic {scenarios_arabic / baseline:.1f}×"
    )
    print(f"Scenarios page target ≤ {TARGET_MS:.0f} ms in both languages: {scenarios_verdict}")
    review_days = [date(2027, 1, 10) + timedelta(days=step % 80) for step in range(reruns)]
    review_english = median_review_rerun_ms(review_days)
    review_arabic = median_review_rerun_ms(review_days, {"lang": "ar"})
    review_verdict = "met" if max(review_english, review_arabic) <= REVIEW_TARGET_MS else "NOT met"
    label = "Actuals page rerun, new review date (quarter daily)"
    print(f"{label + ', English':<62}{review_english:>8.1f}")
    print(f"{label + ', Arabic':<62}{review_arabic:>8.1f}")
    print(
        f"ratio Actuals page / baseline: English {review_english / baseline:.1f}×, "
        f"Arabic {review_arabic / baseline:.1f}×"
    )
    print(f"Actuals page target ≤ {REVIEW_TARGET_MS:.0f} ms in both languages: {review_verdict}")


if __name__ == "__main__":
    main()
