"""Benchmark: solving a plan, validation included, once and as a 10,000-plan sweep.

What is timed:

- **solve**: ``parse_plan(dict)`` + ``plan_backwards`` on the 5-stage README plan
  (examples/q1-store-plan.json), already decoded from JSON, as the page does on every rerun.
  Median over many single runs. Target: ≤ 200 µs.
- **sweep**: 10,000 variants of that plan (100 add-to-cart rates × 100 order values), each
  validated and solved, as a sensitivity table would. Best of a few rounds. Target: < 2 s.

Absolute times depend on the machine (and on whatever else it is running), so each figure is
also given as a ratio to a baseline measured in the same run: the *same arithmetic hand-coded
in plain Python* on the same dict — read the fields, range-check them, read each number as
the decimal it was written as, the counts rounded up once in exact integer arithmetic, the
budget, ROAS and CAC — with no pydantic and no result models. That baseline does the work the
planner must do and nothing else, so the ratio is the cost of validation, field-addressed
errors and typed results, and it stays comparable across machines; ``json.loads`` was not used
as the baseline because decoding is not part of what the page or the sweep repeats.

Run ``python bench/solve.py`` (``--profile`` adds a cProfile of the sweep). Figures are also
written to bench/results/solve.json. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import copy
import cProfile
import gc
import json
import math
import platform
import pstats
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from planner.errors import parse_plan  # noqa: E402
from planner.funnel import plan_backwards  # noqa: E402

EXAMPLE = ROOT / "examples" / "q1-store-plan.json"
RESULTS = ROOT / "bench" / "results" / "solve.json"
SOLVE_TARGET_US = 200.0
SWEEP_TARGET_S = 2.0
SWEEP_SIZE = 10_000


def load_plan() -> dict[str, Any]:
    """The README plan, decoded once."""
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def solve(data: dict[str, Any]) -> Any:
    """What is measured: validate the decoded plan, then work it backwards."""
    return plan_backwards(parse_plan(data))


def baseline_solve(data: dict[str, Any]) -> dict[str, Any]:
    """The same numbers by hand: no pydantic, no models, minimal checks."""
    target = float(data["revenue_target"])
    order_value = float(data["average_order_value"])
    orders = float(data.get("orders_per_customer", 1.0))
    if not (0 < target <= 1e12 and 0 < order_value <= 1e12 and orders >= 1):
        raise ValueError("bad money")
    rates = []
    for stage in data["stages"][1:]:
        rate = float(stage["conversion_rate"])
        if not 0 < rate <= 1:
            raise ValueError("bad rate")
        rates.append(rate)
    # customers = ⌈target ÷ (AOV × orders)⌉; stage i = ⌈customers × reach_i ÷ reach_last⌉, where
    # reach_i is the product of the rates down to stage i: integers, one rounding each.
    target_n, target_d = _decimal(target)
    value_n, value_d = _decimal(order_value)
    orders_n, orders_d = _decimal(orders)
    customers = -(-(target_n * value_d * orders_d) // (target_d * value_n * orders_n))
    reach = [(1, 1)]
    for rate in rates:
        rate_n, rate_d = _decimal(rate)
        reach.append((reach[-1][0] * rate_n, reach[-1][1] * rate_d))
    last_n, last_d = reach[-1]
    counts = [-(-(customers * last_d * n) // (d * last_n)) for n, d in reach]
    cost = data.get("acquisition_cost") or {}
    names = [stage["name"].casefold() for stage in data["stages"]]
    budget = 0.0
    if cost.get("cost_per_unit") is not None:
        cost_n, cost_d = _decimal(float(cost["cost_per_unit"]))
        budget = counts[names.index(cost["stage"].casefold())] * cost_n / cost_d
    revenue = counts[-1] * orders * order_value
    return {
        "counts": counts,
        "budget": budget,
        "roas": revenue / budget if budget else None,
        "cac": budget / counts[-1] if budget and counts[-1] else None,
    }


def _decimal(value: float) -> tuple[int, int]:
    """Numerator and denominator of the decimal ``value`` was written as: 0.29 → (29, 100)."""
    return Decimal(repr(value)).as_integer_ratio()


def sweep_plans(base: dict[str, Any], size: int = SWEEP_SIZE) -> Iterator[dict[str, Any]]:
    """``size`` variants: add-to-cart rate 2%..21.8% × order value 30..129."""
    side = math.isqrt(size)
    for i in range(side):
        for j in range(side):
            data = copy.deepcopy(base)
            data["stages"][2]["conversion_rate"] = 0.02 + 0.002 * i
            data["average_order_value"] = 30 + j
            yield data


def median_us(function: Callable[[dict[str, Any]], Any], data: dict[str, Any], runs: int) -> float:
    """Median microseconds of ``function(data)`` over ``runs`` timed calls, after a warm-up."""
    for _ in range(min(runs, 500)):  # warm up caches and pydantic's lazy paths
        function(data)
    samples = []
    clock = time.perf_counter_ns
    for _ in range(runs):
        start = clock()
        function(data)
        samples.append(clock() - start)
    return statistics.median(samples) / 1000


def sweep_seconds(
    function: Callable[[dict[str, Any]], Any], plans: list[dict[str, Any]], rounds: int
) -> float:
    """Seconds for one pass over ``plans``, best of ``rounds``."""
    best = math.inf
    for _ in range(rounds):
        gc.collect()
        start = time.perf_counter()
        for data in plans:
            function(data)
        best = min(best, time.perf_counter() - start)
    return best


def profile_sweep(plans: list[dict[str, Any]], top: int = 25) -> None:
    """Print where the sweep spends its time."""
    profiler = cProfile.Profile()
    profiler.enable()
    for data in plans:
        solve(data)
    profiler.disable()
    print("\ncProfile of the sweep (sorted by own time):")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(top)


def main() -> None:
    """Measure, print the table, save the figures."""
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--runs", type=int, default=5000, help="single solves to time")
    options.add_argument("--rounds", type=int, default=3, help="sweep rounds (best is kept)")
    options.add_argument("--profile", action="store_true", help="cProfile the sweep")
    args = options.parse_args()

    base = load_plan()
    plans = list(sweep_plans(base))
    solve_us = median_us(solve, base, args.runs)
    baseline_us = median_us(baseline_solve, base, args.runs)
    sweep_s = sweep_seconds(solve, plans, args.rounds)
    baseline_sweep_s = sweep_seconds(baseline_solve, plans, args.rounds)

    rows = [
        ("solve 5-stage plan (median)", f"{solve_us:,.1f} µs", f"{baseline_us:,.2f} µs",
         solve_us / baseline_us, f"≤ {SOLVE_TARGET_US:.0f} µs", solve_us <= SOLVE_TARGET_US),
        (f"sweep {len(plans):,} plans (best of {args.rounds})", f"{sweep_s:,.3f} s",
         f"{baseline_sweep_s:,.4f} s", sweep_s / baseline_sweep_s,
         f"< {SWEEP_TARGET_S:.0f} s", sweep_s < SWEEP_TARGET_S),
    ]  # fmt: skip
    header = ("measure", "planner", "baseline", "ratio", "target", "met")
    table = [header] + [
        (name, ours, theirs, f"{ratio:,.0f}×", target, "yes" if met else "NO")
        for name, ours, theirs, ratio, target, met in rows
    ]
    widths = [max(len(row[column]) for row in table) for column in range(len(header))]
    print(f"Python {platform.python_version()} on {platform.machine()}")
    for row in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "python": platform.python_version(),
                "solve_median_us": solve_us,
                "baseline_solve_median_us": baseline_us,
                "solve_ratio": solve_us / baseline_us,
                "sweep_s": sweep_s,
                "baseline_sweep_s": baseline_sweep_s,
                "sweep_ratio": sweep_s / baseline_sweep_s,
                "sweep_size": len(plans),
                "solve_target_met": solve_us <= SOLVE_TARGET_US,
                "sweep_target_met": sweep_s < SWEEP_TARGET_S,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    if args.profile:
        profile_sweep(plans)


if __name__ == "__main__":
    main()
