"""``python -m planner review PLAN.json ACTUALS --as-of DATE``, hand-worked.

The plan: 90 days (Q1 2027), target $90,000, AOV $100, one order per customer, Visits →
Purchase at 2%, no returning customers, so $1,000 a day planned from 500 visits and 10
purchases a day. The results: 30 days of 500 visits and 8 purchases at $100, so as of
January 30 the plan has $30,000 to date and the actuals $24,000: attainment 0.8, a gap of
−$6,000, all of it the conversion into Purchase (traffic and order value on plan).
"""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from cli.main import EXIT_INVALID, EXIT_OK, main

PLAN = {
    "name": "Hand-worked",
    "period": {"start": "2027-01-01", "end": "2027-03-31"},
    "revenue_target": 90000,
    "average_order_value": 100,
    "stages": [{"name": "Visits"}, {"name": "Purchase", "conversion_rate": 0.02}],
}


def run(*argv: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    status = main(list(argv), stdout=stdout, stderr=stderr)
    return status, stdout.getvalue(), stderr.getvalue()


def files(tmp_path: Path, days: int = 30) -> tuple[Path, Path]:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(PLAN), encoding="utf-8")
    lines = ["Date,Visits,Purchase,Revenue"]
    for index in range(days):
        day = date(2027, 1, 1) + timedelta(days=index)
        lines.append(f"{day.isoformat()},500,8,800")
    results = tmp_path / "results.csv"
    results.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return plan, results


def review(tmp_path: Path, *options: str) -> dict[str, Any]:
    plan, results = files(tmp_path)
    status, out, err = run("review", str(plan), str(results), "--as-of", "2027-01-30", *options)
    assert (status, err) == (EXIT_OK, "")
    result: dict[str, Any] = json.loads(out)
    return result


def test_attainment_and_gap_by_hand(tmp_path: Path) -> None:
    result = review(tmp_path, "--trials", "2000", "--seed", "3")
    assert result["kind"] == "funnel"
    assert result["attainment"] == pytest.approx(0.8)
    assert result["revenue_gap"] == pytest.approx(-6000)
    visits, purchase = result["stages"]
    assert (visits["name"], visits["planned_to_date"], visits["actual_to_date"]) == (
        "Visits",
        pytest.approx(15000),
        pytest.approx(15000),
    )
    assert purchase["variance"] == pytest.approx(240 - 300)


def test_attribution_adds_up_to_the_gap_and_names_the_step(tmp_path: Path) -> None:
    result = review(tmp_path, "--trials", "2000")
    parts = {part["driver"]: part["amount"] for part in result["attribution"]}
    assert sum(parts.values()) == pytest.approx(result["revenue_gap"], abs=1e-6)
    assert parts["Purchase"] == pytest.approx(-6000)
    assert parts["traffic"] == pytest.approx(0, abs=1e-6)
    assert parts["average_order_value"] == pytest.approx(0, abs=1e-6)


def test_forecast_and_catch_up_are_printed(tmp_path: Path) -> None:
    result = review(tmp_path, "--trials", "2000", "--seed", "1")
    forecast = result["forecast_revenue"]
    assert forecast["p10"] <= forecast["p50"] <= forecast["p90"]
    # 60 days left at $800 a day: about $24,000 + $48,000 = $72,000, far short of $90,000.
    assert forecast["p50"] == pytest.approx(72000, rel=0.05)
    assert result["probability_of_target"] < 0.01
    needs = result["catch_up"]
    assert needs["remaining_target"] == pytest.approx(66000)
    assert needs["remaining_days"] == 60
    assert "pacing" not in result


def test_pacing_on_request(tmp_path: Path) -> None:
    result = review(tmp_path, "--trials", "500", "--pacing")
    assert len(result["pacing"]) == 90
    assert result["pacing"][29]["plan"] == pytest.approx(30000)


def test_a_bad_date_is_named(tmp_path: Path) -> None:
    plan, results = files(tmp_path)
    status, out, err = run("review", str(plan), str(results), "--as-of", "30/01/2027")
    assert (status, out) == (EXIT_INVALID, "")
    assert err.startswith("as_of:")


def test_a_date_before_the_period_is_refused(tmp_path: Path) -> None:
    plan, results = files(tmp_path)
    status, _out, err = run("review", str(plan), str(results), "--as-of", "2026-12-31")
    assert status == EXIT_INVALID
    assert "as_of: must be on or after the period's start (2027-01-01)" in err


def test_a_column_mapping_replaces_the_guess(tmp_path: Path) -> None:
    plan, results = files(tmp_path)
    results.write_text(
        results.read_text().replace("Date,Visits,Purchase,Revenue", "Day,Sessions,Buyers,Sales")
    )
    status, out, err = run(
        "review",
        str(plan),
        str(results),
        "--as-of",
        "2027-01-30",
        "--trials",
        "500",
        "--column",
        "date=Day",
        "--column",
        "Visits=Sessions",
        "--column",
        "Purchase=Buyers",
        "--column",
        "revenue=Sales",
    )
    assert (status, err) == (EXIT_OK, "")
    assert json.loads(out)["attainment"] == pytest.approx(0.8)


def test_a_malformed_column_pair_is_named(tmp_path: Path) -> None:
    plan, results = files(tmp_path)
    status, _out, err = run(
        "review", str(plan), str(results), "--as-of", "2027-01-30", "--column", "date"
    )
    assert status == EXIT_INVALID
    assert err.startswith("column: must be ROLE=HEADER")
