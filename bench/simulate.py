"""Benchmark: the Monte Carlo of ``planner.scenarios.simulate``, 10,000 and 1,000,000 trials.

What is timed: ``simulate(plan, trials=N, seed=…)`` end to end (the planned traffic from
``plan_backwards``, the draws at every stage and of returning buyers, the exact needed
customers, percentiles, and the 80% and 90% confidence traffic by bisection), on

- the **demo plan** (``planner.presets.demo_plan()``: 5 stages, returning customers, paid
  per session), and
- an **8-stage plan** (the most stages a plan may have; returning customers; paid at its
  second stage, so the spend follows a drawn count).

Median of several runs. Target: 10,000 trials of the 8-stage plan well under 0.5 s. The
peak memory numpy allocates during one run (``tracemalloc``) is printed beside each figure:
1,000,000 trials must not need the (trials × stages) arrays at once.

Absolute times depend on the machine, so each figure is also a ratio to a baseline measured
in the same run: *one* ``Generator.binomial`` draw of the same number of trials from the same
top-stage count, the least any simulation of these counts must do. The ratio is the cost of
the remaining stages, the returning buyers, the exact rounding and the summary.

Run ``python bench/simulate.py`` (``--runs N``). Figures are also written to
bench/results/simulate.json. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from planner.funnel import plan_backwards  # noqa: E402  (path set above)
from planner.models import (  # noqa: E402
    AcquisitionCost,
    Period,
    Plan,
    ReturningCustomers,
    Stage,
)
from planner.presets import demo_plan  # noqa: E402
from planner.scenarios import Range, Uncertain, simulate  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "simulate.json"
TARGET_S = 0.5  # 10,000 trials of the 8-stage plan
SIZES = (10_000, 1_000_000)
SEED = 2027


def eight_stage_plan() -> Plan:
    """A long funnel with returning customers, paid at its second stage."""
    rates = [0.6, 0.5, 0.4, 0.5, 0.6, 0.7, 0.8]
    return Plan(
        name="Eight stages",
        period=Period(start=date(2027, 1, 1), end=date(2027, 12, 31)),
        revenue_target=2_000_000,
        average_order_value=80,
        orders_per_customer=1.5,
        stages=[Stage(name="Impressions")]
        + [Stage(name=f"Stage {index}", conversion_rate=rate) for index, rate in enumerate(rates)],
        acquisition_cost=AcquisitionCost(stage="Stage 0", cost_per_unit=0.8),
        returning_customers=ReturningCustomers(
            active_customers=20_000, repeat_purchase_rate=0.25, orders_per_customer=2
        ),
    )


def median_s(function: Callable[[], Any], runs: int) -> float:
    """Median seconds of ``function()`` over ``runs`` calls, after one warm-up."""
    function()
    samples = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def peak_mb(function: Callable[[], Any]) -> float:
    """Peak traced memory of one call, in MB (numpy reports its buffers to tracemalloc)."""
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def every_rate_uncertain(plan: Plan) -> list[Uncertain]:
    """Each stage rate drawn from a PERT range ±20% around the plan's own."""
    return [
        Uncertain(
            target="stage_rate",
            stage=stage.name,
            range=Range(low=rate * 0.8, likely=rate, high=min(1.0, rate * 1.2)),
        )
        for stage in plan.stages[1:]
        if (rate := stage.conversion_rate) is not None
    ]


def measure(
    name: str, plan: Plan, trials: int, runs: int, uncertainty: list[Uncertain] | None = None
) -> dict[str, Any]:
    """One row: the simulation and its one-draw baseline, same plan, same trials."""
    top = plan_backwards(plan).stages[0].required
    reach = float(np.prod(plan.conversion_rates))
    rng = np.random.default_rng(SEED)

    def run() -> None:
        simulate(plan, trials=trials, seed=SEED, uncertainty=uncertainty or ())

    def baseline() -> None:
        rng.binomial(top, reach, size=trials)

    engine_s = median_s(run, runs)
    baseline_s = median_s(baseline, runs)
    return {
        "plan": name,
        "trials": trials,
        "median_s": engine_s,
        "baseline_s": baseline_s,
        "ratio": engine_s / baseline_s,
        "peak_mb": peak_mb(run),
    }


def main() -> None:
    """Measure, print the table, save the figures."""
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--runs", type=int, default=7, help="timed runs per figure (median)")
    args = options.parse_args()

    plans = {"demo (5 stages)": demo_plan(), "8 stages": eight_stage_plan()}
    rows = [
        measure(name, plan, trials, args.runs if trials < 100_000 else max(3, args.runs // 2))
        for trials in SIZES
        for name, plan in plans.items()
    ]
    eight = eight_stage_plan()
    rows.append(
        measure("8 stages, every rate PERT", eight, 10_000, args.runs, every_rate_uncertain(eight))
    )
    target = next(row for row in rows if row["plan"] == "8 stages" and row["trials"] == 10_000)

    header = ("plan", "trials", "simulate (median)", "one binomial draw", "ratio", "peak memory")
    table = [header] + [
        (
            row["plan"],
            f"{row['trials']:,}",
            f"{row['median_s'] * 1000:,.1f} ms",
            f"{row['baseline_s'] * 1000:,.2f} ms",
            f"{row['ratio']:,.0f}×",
            f"{row['peak_mb']:,.0f} MB",
        )
        for row in rows
    ]
    widths = [max(len(line[column]) for line in table) for column in range(len(header))]
    print(f"Python {platform.python_version()} on {platform.machine()}, numpy {np.__version__}")
    for line in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))
    met = target["median_s"] < TARGET_S
    print(f"target: 10,000 trials of 8 stages < {TARGET_S} s: {'yes' if met else 'NO'}")

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps({"python": platform.python_version(), "rows": rows, "target_met": met}, indent=2)
        + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
