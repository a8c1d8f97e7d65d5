"""Benchmark: a 5,000,000-order log read and aggregated per month, against pyarrow parsing it.

What is timed, on a generated order log (``bench/order_log_data.py``: order id, date-time
with a ``+03:00`` offset, customer e-mail among 1.2 million customers, total with two
decimals, status with 3% cancelled or refunded, channel):

- **ours**: ``files.orders.read_order_csv`` on the file's bytes in the store's zone
  (Asia/Riyadh: every check, every value parsed, orders and customers coded, channels
  named), then ``planner.actuals.kpis.aggregate(log, "month")``;
- **the baseline**: ``pyarrow.csv.read_csv`` of the same bytes alone, with its defaults
  (every column parsed, types inferred): the least any reader of this file must do.

Each is run in a child process of its own, so that its peak memory (the child's maximum
resident set, ``ru_maxrss``) is its own: the child reads the file's bytes (not timed: an
upload arrives as bytes), runs once to warm up, then times one run. ``--runs`` children of
each are started in turn, so that a load that comes and goes weighs on both, and the median
is taken. Targets (issue): ours at most 4× the baseline, and each at most 3 GB at its peak.

The file is written once under the system's temporary folder and reused (see
``bench/order_log_data.py``); the first run spends a minute or so writing it.

Run ``python bench/order_log.py`` (``--runs N``, ``--rows N``). Figures are also written to
bench/results/order_log.json. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.csv as pa_csv  # type: ignore[import-untyped]

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]  # the project's packages, and the generator beside

from order_log_data import CUSTOMERS, ROWS, cached_order_log  # noqa: E402  (path set above)

from files.orders import read_order_csv  # noqa: E402
from planner.actuals.kpis import aggregate  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "order_log.json"
TIMEZONE = "Asia/Riyadh"
TARGET_RATIO = 4.0
TARGET_PEAK_MB = 3_000.0
RUNS = 3


def baseline(data: bytes) -> int:
    """Pyarrow's CSV reader alone, its defaults: the rows it read."""
    return int(pa_csv.read_csv(pa.py_buffer(data)).num_rows)


def ours(data: bytes) -> int:
    """The order log read and aggregated per month: the orders kept."""
    read = read_order_csv(data, timezone=TIMEZONE)
    periods = aggregate(read.log, "month")
    return sum(period.orders for period in periods)


WORKS: dict[str, Callable[[bytes], int]] = {"baseline": baseline, "ours": ours}


def timed_once(work: Callable[[bytes], int], data: bytes) -> tuple[float, int]:
    """Seconds of one run of ``work`` after a warm-up, and what it returned."""
    work(data)
    gc.collect()
    start = time.perf_counter()
    result = work(data)
    return time.perf_counter() - start, result


def peak_mb() -> float:
    """This process's peak resident memory so far, in MB.

    Linux's ``VmHWM`` where there is one: ``ru_maxrss`` can carry over the peak of the
    parent a child was forked from (here, the one that wrote the file).
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024 / 1e6
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS
    return kib * (1 if sys.platform == "darwin" else 1024) / 1e6


def child(kind: str, path: Path) -> dict[str, Any]:
    """What a child process measures and prints: seconds, peak memory, the count."""
    data = path.read_bytes()
    seconds, result = timed_once(WORKS[kind], data)
    return {"kind": kind, "seconds": seconds, "peak_mb": peak_mb(), "result": result}


def in_child(kind: str, path: Path, attempts: int = 2) -> dict[str, Any]:
    """Run ``child`` in a fresh Python and read its figures (once more if it dies)."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", kind, str(path)]
    for attempt in range(1, attempts + 1):
        finished = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        lines = finished.stdout.strip().splitlines()
        if finished.returncode == 0 and lines:
            figures: dict[str, Any] = json.loads(lines[-1])
            return figures
        print(
            f"note: the {kind} child ended with code {finished.returncode} "
            f"(attempt {attempt} of {attempts}): {finished.stderr.strip()[-300:]}"
        )
    raise RuntimeError(f"the {kind} child failed {attempts} times")


def measure(path: Path, runs: int) -> dict[str, list[dict[str, Any]]]:
    """``runs`` children of each kind, taken in turn."""
    samples: dict[str, list[dict[str, Any]]] = {kind: [] for kind in WORKS}
    for _ in range(runs):
        for kind in WORKS:
            samples[kind].append(in_child(kind, path))
    return samples


def summary(samples: list[dict[str, Any]]) -> dict[str, float]:
    """Median and range of the seconds, and the highest peak memory."""
    seconds = [sample["seconds"] for sample in samples]
    return {
        "median_s": statistics.median(seconds),
        "min_s": min(seconds),
        "max_s": max(seconds),
        "peak_mb": max(sample["peak_mb"] for sample in samples),
    }


def verdict(met: bool) -> str:
    """How a target reads in the printout."""
    return "yes" if met else "NO"


def report(path: Path, rows: int, samples: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Print the table and targets; the figures to save."""
    base, mine = summary(samples["baseline"]), summary(samples["ours"])
    ratio = mine["median_s"] / base["median_s"]
    size_mb = path.stat().st_size / 1e6
    print(f"Python {platform.python_version()} on {platform.machine()}, pyarrow {pa.__version__}")
    print(f"file: {rows:,} orders, {size_mb:,.1f} MB, {CUSTOMERS:,} customers ({path})")
    print(f"{'':34}{'median':>9}{'min':>9}{'max':>9}{'peak':>10}")
    for name, figures in (
        ("pyarrow.csv.read_csv (baseline)", base),
        ("read + aggregate month", mine),
    ):
        print(
            f"{name:34}{figures['median_s']:8.2f}s{figures['min_s']:8.2f}s"
            f"{figures['max_s']:8.2f}s{figures['peak_mb']:8,.0f}MB"
        )
    print(f"ratio (medians): {ratio:.2f}× (target ≤ {TARGET_RATIO:g}×)")
    print(f"orders kept: {samples['ours'][0]['result']:,} of {samples['baseline'][0]['result']:,}")
    targets = {
        f"read + aggregate ≤ {TARGET_RATIO:g}× pyarrow alone": ratio <= TARGET_RATIO,
        f"read + aggregate peak ≤ {TARGET_PEAK_MB:,.0f} MB": mine["peak_mb"] <= TARGET_PEAK_MB,
        f"baseline peak ≤ {TARGET_PEAK_MB:,.0f} MB": base["peak_mb"] <= TARGET_PEAK_MB,
    }
    for name, met in targets.items():
        print(f"target: {name}: {verdict(met)}")
    return {
        "python": platform.python_version(),
        "pyarrow": pa.__version__,
        "numpy": np.__version__,
        "rows": rows,
        "file_mb": size_mb,
        "baseline": "pyarrow.csv.read_csv of the same bytes, defaults",
        "baseline_figures": base,
        "ours": "files.orders.read_order_csv + planner.actuals.kpis.aggregate(log, 'month')",
        "ours_figures": mine,
        "ratio": ratio,
        "samples": samples,
        "targets": targets,
    }


def main() -> None:
    """Measure, print, save the figures (or, as a child, measure one and print it)."""
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--runs", type=int, default=RUNS, help="children of each (median)")
    options.add_argument("--rows", type=int, default=ROWS, help="orders in the file")
    options.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = options.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], Path(args.child[1]))), flush=True)
        os._exit(0)  # no interpreter teardown: the figures are out, pyarrow's pools left as is
    path = cached_order_log(args.rows)
    figures = report(path, args.rows, measure(path, max(1, args.runs)))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
