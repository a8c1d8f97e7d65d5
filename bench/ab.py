"""Benchmark: a 1,000,000-visitor CSV read and analysed, against pyarrow parsing it alone.

What is timed, on a generated file of one row per visitor (visitor id, arm, converted,
revenue; three arms, about 5% converting, revenue only for buyers and empty otherwise):

- **read and analyse**: ``files.visitors.read_visitor_csv`` on the file's bytes (checks,
  parsing, every value checked, the arms counted and revenue summed), then Welch's t-test of
  revenue per visitor for each variant against control (``planner.abtests.revenue.welch``),
  and, when ``planner.abtests.analysis`` exists, ``analyze(control, variants)`` on the arms'
  counts;
- **the baseline**: ``pyarrow.csv.read_csv`` of the same bytes alone, with its defaults
  (every column parsed, types inferred): the least any reader of this file must do.

Both (and ``read_visitor_csv`` alone) are medians of ``--runs`` runs (at least 5), taken
in turn so that a load that comes and goes weighs on all of them. Targets (issue): at most
2 s, and at most 1.5× the baseline. The file is written to a temporary file and read back as
bytes once; reading the disk is not timed (an upload arrives as bytes).

Also timed, when ``analyze`` exists: the analysis of a 10-variant test from counts alone
(target: at most 5 ms).

Run ``python bench/ab.py`` (``--runs N``, ``--rows N``). Figures are also written to
bench/results/ab.json. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.csv as pa_csv  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from files.visitors import read_visitor_csv  # noqa: E402  (path set above)
from planner.abtests.arms import Arm  # noqa: E402
from planner.abtests.revenue import welch  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "ab.json"
ROWS = 1_000_000
ARMS = ("control", "B", "C")
CONVERSION_RATE = 0.05
TARGET_S = 2.0
TARGET_RATIO = 1.5
TARGET_COUNTS_S = 0.005  # a 10-variant test from counts
SEED = 2027


def visitor_csv(rows: int, seed: int = SEED) -> bytes:
    """A per-visitor file: id, arm, converted (0/1), revenue (buyers only, else empty)."""
    rng = np.random.default_rng(seed)
    arms = np.asarray(ARMS)[rng.integers(0, len(ARMS), rows)]
    converted = rng.random(rows) < CONVERSION_RATE
    revenue = np.where(converted, np.char.mod("%.2f", rng.gamma(2.0, 30.0, rows)), "")
    ids = np.char.mod("%d", np.arange(1, rows + 1))
    fields = [ids, arms, converted.astype(np.int8).astype(str), revenue]
    lines = fields[0]
    for field in fields[1:]:
        lines = np.char.add(np.char.add(lines, ","), field)
    return ("visitor_id,variant,converted,revenue\n" + "\n".join(lines.tolist()) + "\n").encode()


def paired_medians(functions: list[Callable[[], Any]], runs: int) -> list[float]:
    """Median seconds of each, their runs taken in turn so all see the same load."""
    for function in functions:
        function()
    samples: list[list[float]] = [[] for _ in functions]
    for _ in range(runs):
        for function, taken in zip(functions, samples, strict=True):
            gc.collect()
            start = time.perf_counter()
            function()
            taken.append(time.perf_counter() - start)
    return [statistics.median(taken) for taken in samples]


def median_s(function: Callable[[], Any], runs: int) -> float:
    """Median seconds of ``function()`` over ``runs`` calls, after one warm-up."""
    function()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def analyze_function() -> Callable[..., Any] | None:
    """``planner.abtests.analysis.analyze``, or none while it is not written yet."""
    try:
        module = importlib.import_module("planner.abtests.analysis")
    except ModuleNotFoundError:
        return None
    found = getattr(module, "analyze", None)
    return found if callable(found) else None


def read_and_analyse(data: bytes, analyze: Callable[..., Any] | None) -> None:
    """What the page does with an upload: read it, test revenue, analyse the counts."""
    visitors = read_visitor_csv(data)
    revenue = visitors.revenue or ()
    for variant in revenue[1:]:
        welch(revenue[0], variant)
    if analyze is not None:
        analyze(visitors.arms[0], list(visitors.arms[1:]))


def ten_variants() -> tuple[Arm, list[Arm]]:
    """Control and 10 variants, counts only: 20,000 visitors each, 5% to 6% converting."""
    control = Arm(name="control", visitors=20_000, conversions=1_000)
    variants = [
        Arm(name=f"V{index}", visitors=20_000, conversions=1_000 + 20 * index)
        for index in range(1, 11)
    ]
    return control, variants


def verdict(met: bool) -> str:
    """How a target reads in the printout."""
    return "yes" if met else "NO"


def main() -> None:
    """Measure, print, save the figures."""
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--runs", type=int, default=9, help="timed runs per figure (median)")
    options.add_argument("--rows", type=int, default=ROWS, help="visitors in the file")
    args = options.parse_args()
    runs = max(5, args.runs)

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "visitors.csv"
        path.write_bytes(visitor_csv(args.rows))
        data = path.read_bytes()

    analyze = analyze_function()
    engine_s, read_only_s, baseline_s = paired_medians(
        [
            lambda: read_and_analyse(data, analyze),
            lambda: read_visitor_csv(data),
            lambda: pa_csv.read_csv(pa.py_buffer(data)),
        ],
        runs,
    )
    ratio = engine_s / baseline_s
    counts_s = None
    if analyze is not None:
        control, variants = ten_variants()
        counts_s = median_s(lambda: analyze(control, variants), max(runs, 101))

    print(f"Python {platform.python_version()} on {platform.machine()}, pyarrow {pa.__version__}")
    print(f"file: {args.rows:,} visitors, {len(data) / 1e6:,.1f} MB, arms {', '.join(ARMS)}")
    print(f"read_visitor_csv alone:          {read_only_s * 1000:8.1f} ms (median of {runs})")
    print(f"read + analyse:                  {engine_s * 1000:8.1f} ms (median of {runs})")
    print(f"pyarrow.csv.read_csv alone:      {baseline_s * 1000:8.1f} ms (baseline)")
    print(
        f"ratio:                           {ratio:8.2f}× (reading alone "
        f"{read_only_s / baseline_s:.2f}×)"
    )
    if analyze is None:
        print("note: planner.abtests.analysis.analyze does not exist yet; counts not analysed")
    else:
        print(f"10-variant test from counts:     {counts_s * 1000:8.2f} ms")  # type: ignore[operator]

    targets = {
        f"read + analyse ≤ {TARGET_S:g} s": engine_s <= TARGET_S,
        f"read + analyse ≤ {TARGET_RATIO:g}× pyarrow alone": ratio <= TARGET_RATIO,
    }
    if counts_s is not None:
        targets[f"10 variants from counts ≤ {TARGET_COUNTS_S * 1000:g} ms"] = (
            counts_s <= TARGET_COUNTS_S
        )
    for name, met in targets.items():
        print(f"target: {name}: {verdict(met)}")

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "python": platform.python_version(),
                "pyarrow": pa.__version__,
                "numpy": np.__version__,
                "rows": args.rows,
                "file_mb": len(data) / 1e6,
                "runs": runs,
                "read_visitor_csv_s": read_only_s,
                "read_ratio": read_only_s / baseline_s,
                "read_and_analyse_s": engine_s,
                "baseline": "pyarrow.csv.read_csv of the same bytes, defaults",
                "baseline_s": baseline_s,
                "ratio": ratio,
                "analysis_included": analyze is not None,
                "ten_variants_from_counts_s": counts_s,
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
