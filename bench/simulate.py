"""Benchmark: the Monte Carlo of ``planner.scenarios.simulate``, 10,000 and 1,000,000 trials.

What is timed: ``simulate(plan, trials=N, seed=…)`` end to end (the planned traffic from
``plan_backwards``, the draws at every stage and of returning buyers, the exact needed
customers, percentiles, and the 80% and 90% confidence traffic), on

- the **demo plan** (``planner.presets.demo_plan()``: 5 stages, returning customers, paid
  per session), and
- an **8-stage plan** (the most stages a plan may have; returning customers; paid at its
  second stage, so the spend follows a drawn count), and
- the **demo plan with every input uncertain**: a PERT range around each of its four stage
  rates and every other input the simulation accepts for it (target, AOV, orders, margin,
  cost per session, and the four returning-customer inputs: 13 ranges).

Median of several runs. Target: 10,000 trials of the 8-stage plan well under 0.5 s. The
peak memory numpy allocates during one run (``tracemalloc``) is printed beside each figure:
1,000,000 trials must not need the (trials × stages) arrays at once.

Absolute times depend on the machine, so each figure is also a ratio to a baseline measured
in the same run: *one* ``Generator.binomial`` draw of the same number of trials from the same
top-stage count, the least any simulation of these counts must do. The ratio is the cost of
the remaining stages, the returning buyers, the exact rounding and the summary.

The every-input-uncertain rows have a stricter baseline, the **floor**: numpy alone drawing
the same random numbers: per chunk of ``CHUNK_TRIALS``, a Beta draw for each PERT range, the
binomial at every stage from the drawn counts and drawn rates, and the returning buyers'
binomial, with the same parameters and sizes and nothing else (not even the subsample of
20,000 trials the confidence traffic is averaged over). Its runs alternate with simulate's,
so a load that comes and goes weighs on both. Targets (issue): 1,000,000 trials within 2× the
floor and in at most 1 GB; 10,000 trials within 100 ms, so the page stays interactive.

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
from planner.scenarios.simulation import CHUNK_TRIALS  # noqa: E402
from planner.scenarios.uncertainty import PERT_LAMBDA  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "simulate.json"
TARGET_S = 0.5  # 10,000 trials of the 8-stage plan
FLOOR_RATIO = 2.0  # 1,000,000 trials, every input uncertain: at most twice the floor
MAX_PEAK_MB = 1_000.0  # … in at most 1 GB
INTERACTIVE_S = 0.1  # 10,000 trials, every input uncertain: the page stays interactive
EVERY_INPUT = "demo (5 stages), every input uncertain"
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


def paired_medians(
    first: Callable[[], Any], second: Callable[[], Any], runs: int
) -> tuple[float, float]:
    """Median seconds of each, their runs taken in turn so both see the same load."""
    first()
    second()
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for function, taken in zip((first, second), samples, strict=True):
            gc.collect()
            start = time.perf_counter()
            function()
            taken.append(time.perf_counter() - start)
    return statistics.median(samples[0]), statistics.median(samples[1])


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


def pert(low: float, likely: float, high: float) -> Range:
    """A PERT range (the default shape), spelled out for the floor to read back."""
    return Range(low=low, likely=likely, high=high, shape="pert")


def every_input_uncertain(plan: Plan) -> list[Uncertain]:
    """A PERT range around every input of a plan priced per unit, with returning customers.

    Rates ±20% (within their bounds), money ±20%, orders up to +20% (never below 1), active
    customers ±20%: each of the 13 inputs ``check_uncertainty`` accepts for the demo plan
    (cost per mille and click-through rate belong to plans priced per 1,000 impressions).
    """
    base, cost = plan.returning_customers, plan.acquisition_cost
    if base is None or cost is None or cost.cost_per_unit is None:
        raise ValueError("needs returning customers and a cost per unit")

    def around(value: float, *, top: float | None = None) -> Range:
        return pert(value * 0.8, value, value * 1.2 if top is None else min(top, value * 1.2))

    def orders(value: float) -> Range:
        return pert(max(1.0, value * 0.8), value, value * 1.2)

    margin = plan.gross_margin if plan.gross_margin is not None else 0.4
    returning_value = base.average_order_value or plan.average_order_value
    return [
        *every_rate_uncertain(plan),
        Uncertain(target="revenue_target", range=around(plan.revenue_target)),
        Uncertain(target="average_order_value", range=around(plan.average_order_value)),
        Uncertain(target="orders_per_customer", range=orders(plan.orders_per_customer)),
        Uncertain(target="gross_margin", range=around(margin, top=1.0)),
        Uncertain(target="cost_per_unit", range=around(cost.cost_per_unit)),
        Uncertain(
            target="returning_repeat_purchase_rate",
            range=around(base.repeat_purchase_rate, top=1.0),
        ),
        Uncertain(target="returning_orders_per_customer", range=orders(base.orders_per_customer)),
        Uncertain(target="returning_average_order_value", range=around(returning_value)),
        Uncertain(target="returning_active_customers", range=around(base.active_customers)),
    ]


def pert_parameters(uncertainty: list[Uncertain]) -> list[tuple[str, float, float, float, float]]:
    """(input, low, width, α, β) of each PERT range, α and β as ``uncertainty.draw`` works them.

    The input is the stage's name for a stage rate, the target otherwise.
    """
    parameters = []
    for uncertain in uncertainty:
        spread = uncertain.range
        if spread is None or spread.shape != "pert" or spread.low == spread.high:
            raise ValueError("the floor covers PERT ranges with a width")
        width = spread.high - spread.low
        alpha = 1 + PERT_LAMBDA * (spread.likely - spread.low) / width
        beta = 1 + PERT_LAMBDA * (spread.high - spread.likely) / width
        key = uncertain.stage if uncertain.stage is not None else uncertain.target
        parameters.append((key, spread.low, width, alpha, beta))
    return parameters


def floor_draws(plan: Plan, uncertainty: list[Uncertain], trials: int, seed: int) -> None:
    """Numpy alone drawing what ``simulate`` draws for these inputs, chunked the same way.

    Per chunk: one Beta per PERT range, scaled to its range only where a later draw takes it
    as a parameter (the rates, the active customers and the repeat purchase rate); then the
    binomial at every stage and the returning buyers' (``floor_binomials``). No clipping, no
    revenue, no rounding, no summary.
    """
    rng = np.random.default_rng(seed)
    top = plan_backwards(plan).stages[0].required
    parameters = pert_parameters(uncertainty)
    parameters_of_draws = {stage.name for stage in plan.stages[1:]} | {
        "returning_active_customers",
        "returning_repeat_purchase_rate",
    }
    for start in range(0, trials, CHUNK_TRIALS):
        size = min(CHUNK_TRIALS, trials - start)
        drawn = {}
        for key, low, width, alpha, beta in parameters:
            values = rng.beta(alpha, beta, size=size)
            if key in parameters_of_draws:
                drawn[key] = low + width * values
        floor_binomials(plan, top, drawn, rng)


def floor_binomials(plan: Plan, top: int, drawn: dict[str, Any], rng: np.random.Generator) -> None:
    """One chunk's binomials: every stage from the count above, then the returning buyers."""
    base = plan.returning_customers
    if base is None:
        raise ValueError("the floor is for a plan with returning customers")
    count: Any = np.full(len(next(iter(drawn.values()))), top, dtype=np.int64)
    for stage, rate in zip(plan.stages[1:], plan.conversion_rates, strict=True):
        count = rng.binomial(count, drawn.get(stage.name, rate))
    active = drawn.get("returning_active_customers")
    rng.binomial(
        base.active_customers if active is None else np.rint(active).astype(np.int64),
        drawn.get("returning_repeat_purchase_rate", base.repeat_purchase_rate),
    )


def measure_every_input(plan: Plan, trials: int, runs: int) -> dict[str, Any]:
    """One row: the simulation with every input uncertain, against its floor."""
    uncertainty = every_input_uncertain(plan)

    def run() -> None:
        simulate(plan, trials=trials, seed=SEED, uncertainty=uncertainty)

    def floor() -> None:
        floor_draws(plan, uncertainty, trials, SEED)

    engine_s, floor_s = paired_medians(run, floor, runs)
    return {
        "plan": EVERY_INPUT,
        "trials": trials,
        "uncertain_inputs": len(uncertainty),
        "median_s": engine_s,
        "baseline": "floor: numpy drawing the same numbers",
        "baseline_s": floor_s,
        "ratio": engine_s / floor_s,
        "peak_mb": peak_mb(run),
    }


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


def verdict(met: bool) -> str:
    """How a target reads in the printout."""
    return "yes" if met else "NO"


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
    rows += [
        measure_every_input(
            demo_plan(), trials, args.runs if trials < 100_000 else max(3, args.runs // 2)
        )
        for trials in SIZES
    ]
    target = next(row for row in rows if row["plan"] == "8 stages" and row["trials"] == 10_000)
    interactive, million = (
        next(row for row in rows if row["plan"] == EVERY_INPUT and row["trials"] == trials)
        for trials in SIZES
    )

    header = ("plan", "trials", "simulate (median)", "baseline*", "ratio", "peak memory")
    table = [header] + [
        (
            row["plan"],
            f"{row['trials']:,}",
            f"{row['median_s'] * 1000:,.1f} ms",
            f"{row['baseline_s'] * 1000:,.2f} ms",
            f"{row['ratio']:,.0f}×" if row["ratio"] >= 10 else f"{row['ratio']:,.2f}×",
            f"{row['peak_mb']:,.0f} MB",
        )
        for row in rows
    ]
    widths = [max(len(line[column]) for line in table) for column in range(len(header))]
    print(f"Python {platform.python_version()} on {platform.machine()}, numpy {np.__version__}")
    for line in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))
    print(
        "* baseline: one binomial draw of the trials; for the every-input rows, the floor "
        "(numpy drawing the same numbers)"
    )
    eight_met = target["median_s"] < TARGET_S
    within_floor = million["ratio"] <= FLOOR_RATIO
    within_memory = million["peak_mb"] <= MAX_PEAK_MB
    interactive_met = interactive["median_s"] <= INTERACTIVE_S
    targets = {
        f"10,000 trials of 8 stages < {TARGET_S} s": eight_met,
        f"1,000,000 trials, every input uncertain ≤ {FLOOR_RATIO:g}× the floor": within_floor,
        f"1,000,000 trials, every input uncertain ≤ {MAX_PEAK_MB:,.0f} MB": within_memory,
        f"10,000 trials, every input uncertain ≤ {INTERACTIVE_S * 1000:.0f} ms": interactive_met,
    }
    for name, met in targets.items():
        print(f"target: {name}: {verdict(met)}")

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "python": platform.python_version(),
                "numpy": np.__version__,
                "rows": rows,
                "target_met": eight_met,
                "targets": targets,
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
