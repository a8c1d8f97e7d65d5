"""What the Plan page's Export hands out, built without a browser (AppTest can't read bytes)."""

from __future__ import annotations

import csv
import io

import pytest

from i18n.formats import Formats
from planner.errors import parse_plan_json
from planner.funnel import plan_backwards, project_forwards
from planner.presets import demo_plan
from ui.saving import file_name, funnel_csv, plan_json, summary_csv, workbook


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Demo store", "Demo-store.json"),
        ("Q1/Q2: plan*", "Q1-Q2-plan.json"),
        ("متجر تجريبي", "متجر-تجريبي.json"),
        ("../../etc/passwd", "etc-passwd.json"),
        ("///", "plan.json"),
    ],
)
def test_a_download_is_named_after_the_plan_with_nothing_a_path_could_use(
    name: str, expected: str
) -> None:
    assert file_name(name, "json") == expected


def test_the_plan_file_download_reads_back_as_the_same_plan() -> None:
    plan = demo_plan()

    assert parse_plan_json(plan_json(plan)) == plan


def test_the_tables_download_as_csv_in_either_direction() -> None:
    """Demo plan: 85,834 sessions needed (tests/app/test_plan_page.py, worked by hand)."""
    plan = demo_plan()
    backward = funnel_csv(plan, plan_backwards(plan), Formats())
    forward = funnel_csv(plan, project_forwards(plan, "traffic", 85_834), Formats())

    rows = list(csv.reader(io.StringIO(backward.decode("utf-8-sig"))))
    assert rows[1][0] == "Sessions"
    assert "85834" in rows[1]
    assert forward.startswith(b"\xef\xbb\xbf")
    assert summary_csv(plan, plan_backwards(plan), Formats()).startswith(b"\xef\xbb\xbf")


def test_the_workbook_download_is_an_xlsx_file() -> None:
    assert workbook(demo_plan(), Formats("ar")).startswith(b"PK")
