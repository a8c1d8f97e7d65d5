"""The Plan page's tables as CSV: a byte-order mark, translated headers, plain numbers.

Expected numbers are the planner's own (``plan_backwards``, ``project_forwards``) read back
from the CSV text, and the demo plan's hand-worked ones: 85,834 sessions, $34,333.60.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from files import labels
from files.tables import backward_csv, forward_csv, plain_number, summary_csv
from i18n.catalogue import translate
from i18n.formats import Formats
from planner.funnel import plan_backwards, project_forwards
from planner.presets import demo_plan
from tests.files.spreadsheet import cpm_plan, eight_stage_plan

ENGLISH = Formats()
ARABIC = Formats(language="ar", digits="arab")
BOM = b"\xef\xbb\xbf"


def rows(data: bytes) -> list[list[str]]:
    assert data.startswith(BOM)
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def number(field: str) -> float | None:
    return None if field == "" else float(field)


def test_the_backward_table_starts_with_a_bom_and_its_header() -> None:
    plan = demo_plan()
    table = rows(backward_csv(plan, plan_backwards(plan), ENGLISH))

    assert table[0] == [
        "Stage",
        "Conversion rate (%)",
        "Required",
        "Per month",
        "Per week",
        "Cost per unit (USD)",
    ]
    assert [row[0] for row in table[1:]] == [stage.name for stage in plan.stages]


def test_the_backward_tables_numbers_read_back_as_the_planners() -> None:
    """Demo plan: 85,834 sessions at $0.40 each; 1,545 customers; rates 50, 12, 50, 60 %."""
    plan = demo_plan()
    result = plan_backwards(plan)
    table = rows(backward_csv(plan, result, ENGLISH))[1:]

    for row, stage in zip(table, result.stages, strict=True):
        assert int(row[2]) == stage.required
        assert number(row[3]) == stage.per_month
        assert number(row[4]) == stage.per_week
        assert number(row[5]) == stage.cost_per_unit
    assert [row[1] for row in table] == ["", "50", "12", "50", "60"]
    assert (table[0][2], table[-1][2]) == ("85834", "1545")
    assert number(table[0][5]) == pytest.approx(0.40)


def test_the_forward_table_holds_the_expected_counts() -> None:
    """$50,000 at $0.40 a session buys 125,000 sessions; × 1.8% = 2,250 customers."""
    plan = demo_plan()
    projection = project_forwards(plan, "budget", 50_000)
    table = rows(forward_csv(plan, projection, ENGLISH))

    assert table[0][2] == "Expected"
    assert [number(row[2]) for row in table[1:]] == [stage.expected for stage in projection.stages]
    assert (number(table[1][2]), number(table[-1][2])) == (125_000, 2_250)


def test_rates_are_the_percent_typed_without_float_noise() -> None:
    """0.29 × 100 is 28.999999999999996 in floats; the table says 29, exactly 0.29 × 100."""
    plan = demo_plan()
    data = plan.model_dump()
    data["stages"][1]["conversion_rate"] = 0.29
    data["stages"][2]["conversion_rate"] = 0.0005
    plan = type(plan).model_validate(data)
    table = rows(backward_csv(plan, plan_backwards(plan), ENGLISH))

    assert [row[1] for row in table[1:4]] == ["", "29", "0.05"]


def test_the_summary_names_each_metric_with_its_unit() -> None:
    """Demo plan: budget $34,333.60, 1,545 new customers, revenue $120,000 (a count has no unit)."""
    plan = demo_plan()
    result = plan_backwards(plan)
    table = {row[0]: row[1:] for row in rows(summary_csv(plan, result, ENGLISH))}

    assert table["Metric"] == ["Value", "Unit"]
    assert table[labels.BUDGET] == ["34333.6", "USD"]
    assert table[labels.NEW_CUSTOMERS] == ["1545", ""]
    assert table[labels.REVENUE] == ["120000", "USD"]
    assert number(table[labels.ROAS][0]) == result.roas
    assert number(table[labels.CONTRIBUTION][0]) == result.contribution


def test_a_projections_summary_has_its_gap_to_the_target() -> None:
    plan = demo_plan()
    projection = project_forwards(plan, "traffic", 100_000)
    table = {row[0]: row[1:] for row in rows(summary_csv(plan, projection, ENGLISH))}

    assert number(table[labels.TARGET_GAP][0]) == projection.target_gap
    assert labels.REVENUE_NEEDED not in table


def test_no_acquisition_cost_leaves_the_money_metrics_empty() -> None:
    """The page shows "—" for the budget, CAC, ROAS and MER of a plan that buys no traffic."""
    plan = eight_stage_plan()
    table = {row[0]: row[1:] for row in rows(summary_csv(plan, plan_backwards(plan), ENGLISH))}
    stages = rows(backward_csv(plan, plan_backwards(plan), ENGLISH))[1:]

    assert [table[label][0] for label in (labels.BUDGET, labels.CAC, labels.ROAS, labels.MER)] == [
        "",
        "",
        "",
        "",
    ]
    assert {row[5] for row in stages} == {""}


def test_paying_per_impression_lists_the_impressions() -> None:
    """``cpm_plan``: 416,667 impressions for $3,333.336."""
    plan = cpm_plan()
    table = {row[0]: row[1:] for row in rows(summary_csv(plan, plan_backwards(plan), ENGLISH))}

    assert table[labels.IMPRESSIONS] == ["416667", ""]
    assert number(table[labels.BUDGET][0]) == pytest.approx(3333.336)


def test_arabic_headers_with_latin_digits_in_the_numbers() -> None:
    """A spreadsheet reads 85834, not ٨٥٨٣٤, as a number, whatever digits the reader chose."""
    plan = demo_plan()
    data = backward_csv(plan, plan_backwards(plan), ARABIC)
    table = rows(data)

    assert table[0][0] == translate("ar", labels.STAGE) != labels.STAGE
    assert table[1][2] == "85834"
    assert "المرحلة".encode() in data  # UTF-8 after the byte-order mark


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (85834.0, "85834"),
        (0.4, "0.4"),
        (1e-05, "0.00001"),
        (-1234.5, "-1234.5"),
        (1e20, "100000000000000000000"),
        (28611.333333333332, "28611.333333333332"),
        (7, "7"),
        (Decimal("29"), "29"),
    ],
)
def test_numbers_are_written_plain(value: float, written: str) -> None:
    assert plain_number(value) == written


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_float_reads_back_as_itself(value: float) -> None:
    text = plain_number(value)

    assert float(text) == value
    assert "e" not in text.lower()
