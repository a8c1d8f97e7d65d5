"""Text a spreadsheet would run as a formula comes out of every file as inert text.

OWASP's CSV-injection guidance: a field beginning with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return gets a leading apostrophe. Checked on ``neutralise`` itself, then on every
cell of the workbook and every field of the CSV tables for plans named with such text.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from files.cells import FORMULA_TRIGGERS, neutralise
from files.tables import backward_csv, forward_csv, summary_csv
from files.workbook import build_workbook
from i18n.formats import Formats
from planner.errors import parse_plan
from planner.funnel import plan_backwards, project_forwards
from planner.models import Plan
from tests.files.spreadsheet import INJECTIONS, Book, injection_plan

ENGLISH = Formats()


@pytest.mark.parametrize("payload", INJECTIONS)
def test_a_formula_gets_an_apostrophe(payload: str) -> None:
    assert neutralise(payload) == "'" + payload


@pytest.mark.parametrize(
    "text",
    [
        "Sessions",
        "Add to cart",
        "a=b",
        " =1",  # a leading space: no spreadsheet reads this as a formula
        "＝1",  # full-width equals sign (U+FF1D): not an operator anywhere
        "'=1",  # already inert
        "زيارات",
        "",
    ],
)
def test_other_text_stays_as_typed(text: str) -> None:
    assert neutralise(text) == text


@given(st.text())
def test_nothing_neutralised_starts_a_formula_and_nothing_is_lost(text: str) -> None:
    inert = neutralise(text)

    assert not inert.startswith(FORMULA_TRIGGERS)
    assert inert.removeprefix("'") == text or inert == text


def plan_named(name: str) -> Plan:
    return parse_plan(
        {
            "name": name,
            "period": {"start": "2027-01-01", "end": "2027-01-31"},
            "revenue_target": 1000,
            "average_order_value": 10,
            "stages": [{"name": "Visitors"}, {"name": "Buyers", "conversion_rate": 0.1}],
        }
    )


# --- Read back from the files -----------------------------------------------------------------


def runs_as_formula(text: str) -> bool:
    """A text field a spreadsheet would evaluate: a trigger first, and not simply a number."""
    if not text.startswith(FORMULA_TRIGGERS):
        return False
    try:
        float(text)
    except ValueError:
        return True
    return False  # "-2.5" is the number it says


def csv_fields(plan: Plan) -> list[str]:
    result = plan_backwards(plan)
    projection = project_forwards(plan, "traffic", 1000)
    files = [
        backward_csv(plan, result, ENGLISH),
        forward_csv(plan, projection, ENGLISH),
        summary_csv(plan, result, ENGLISH),
        summary_csv(plan, projection, ENGLISH),
    ]
    return [
        field
        for data in files
        for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
        for field in row
    ]


def workbook_texts(plan: Plan, folder: Path) -> tuple[list[str], list[str]]:
    """(every text value, cached or written, of the workbook; every formula in it)."""
    book = Book.open(build_workbook(plan, ENGLISH), folder)
    texts, formulas = [], []
    for sheet in book.formulas.worksheets:
        cached = book.cached[sheet.title]
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    formulas.append(cell.value)
                value = cached[cell.coordinate].value
                if isinstance(value, str):
                    texts.append(value)
    return texts, formulas


def test_injected_stage_and_plan_names_are_inert_in_every_csv() -> None:
    plan = injection_plan()
    fields = csv_fields(plan)
    names = [plan.name, *(stage.name for stage in plan.stages)]

    assert [field for field in fields if runs_as_formula(field)] == []
    assert {"'" + name for name in names[1:]} <= set(fields)


def test_injected_names_are_inert_in_every_workbook_cell(tmp_path: Path) -> None:
    plan = injection_plan()
    texts, formulas = workbook_texts(plan, tmp_path)
    names = [plan.name, plan.description, *(stage.name for stage in plan.stages)]

    assert [text for text in texts if text.startswith(FORMULA_TRIGGERS)] == []
    assert {"'" + name for name in names} <= set(texts)
    # What a user typed is never part of a formula: formulas only point at its cell.
    assert [formula for formula in formulas if any(name in formula for name in names)] == []


@pytest.mark.parametrize("payload", INJECTIONS)
def test_each_payload_as_a_plans_name_is_inert(payload: str, tmp_path: Path) -> None:
    """A leading tab or carriage return is stripped by the plan, leaving ``=1``: inert too."""
    plan = plan_named(payload)
    texts, _formulas = workbook_texts(plan, tmp_path)

    assert plan.name in (payload, payload.strip())
    assert "'" + plan.name in texts
    assert [text for text in texts if text.startswith(FORMULA_TRIGGERS)] == []
    assert [field for field in csv_fields(plan) if runs_as_formula(field)] == []
