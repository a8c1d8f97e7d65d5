"""The order-log benchmark's parts work on a 1,000-row file (the 5-million-row run is not a test).

Oracle: the file counted with Python's ``csv`` module (rows, statuses, the orders kept).
"""

from __future__ import annotations

import csv
import importlib.util
import io
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def load(name: str) -> ModuleType:
    """A bench script as a module (bench/ is scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    path = list(sys.path)
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path[:] = path  # the script puts bench/ first on the path; no other test wants it
    return module


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    return load("order_log")


@pytest.fixture(scope="module")
def small_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = load("order_log_data")
    return Path(
        data.cached_order_log(rows=1_000, customers=300, folder=tmp_path_factory.mktemp("c"))
    )


def test_the_generated_log_has_the_columns_and_shares_described(small_log: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(small_log.read_text(encoding="utf-8"))))
    assert len(rows) == 1_000
    assert list(rows[0]) == ["Order ID", "Created At", "Email", "Total", "Status", "Channel"]
    assert rows[0]["Created At"].endswith("+03:00")
    assert all(len(row["Total"].split(".")[1]) == 2 for row in rows)
    undone = sum(row["Status"] in ("cancelled", "refunded") for row in rows)
    assert 10 <= undone <= 60  # 3% of 1,000 is 30; the bounds hold for any fair draw
    assert len({row["Email"] for row in rows}) <= 300


def test_a_cached_file_is_reused(small_log: Path) -> None:
    data = load("order_log_data")
    before = small_log.stat().st_mtime_ns
    again = data.cached_order_log(rows=1_000, customers=300, folder=small_log.parent)
    assert (Path(again), small_log.stat().st_mtime_ns) == (small_log, before)


def test_both_measured_works_count_what_the_file_holds(bench: ModuleType, small_log: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(small_log.read_text(encoding="utf-8"))))
    paid = sum(row["Status"] == "paid" for row in rows)
    data = small_log.read_bytes()
    assert bench.baseline(data) == 1_000
    assert bench.ours(data) == paid
    figures = bench.child("ours", small_log)
    assert figures["result"] == paid
    assert figures["seconds"] > 0
    assert figures["peak_mb"] > 0


def test_the_report_prints_the_ratio_and_targets(
    bench: ModuleType, small_log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sample = {"seconds": 1.0, "peak_mb": 100.0, "result": 970}
    samples = {
        "baseline": [sample | {"seconds": 0.5, "result": 1_000}],
        "ours": [sample],
    }
    figures = bench.report(small_log, 1_000, samples)
    assert figures["ratio"] == pytest.approx(2.0)
    printed = capsys.readouterr().out
    assert "ratio (medians): 2.00× (target ≤ 4×)" in printed
    assert "target: read + aggregate ≤ 4× pyarrow alone: yes" in printed
