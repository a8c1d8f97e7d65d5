"""The workbook's formulas, recalculated by an independent evaluator, give the planner's numbers.

``formulas`` (an Excel evaluator that shares no code with XlsxWriter or the planner) computes
every formula cell from the Inputs sheet; each value is compared with ``plan_backwards`` of
the same plan: counts exactly, money to the cent, ratios and paces to 12 significant digits.
Then inputs are edited as a user would (openpyxl, saved, recalculated) and the counts follow
the planner's answer for the edited plan. The evaluator takes under a second a workbook.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, assume, given, settings

from files import labels
from files.workbook import build_workbook
from i18n.formats import Formats
from planner.funnel import plan_backwards
from planner.models import Plan
from planner.presets import demo_plan
from tests.files.spreadsheet import (
    Book,
    cached_mismatches,
    covered_plan,
    cpm_plan,
    eight_stage_plan,
    injection_plan,
    mismatches,
    nearly_covered_plan,
    recalculate,
    returning_plan,
    sheet_plans,
)

ENGLISH = Formats()


PLANS: dict[str, Callable[[], Plan]] = {
    "demo": demo_plan,
    "cpm": cpm_plan,
    "returning": returning_plan,
    "covered by returning": covered_plan,
    "eight stages, no cost": eight_stage_plan,
    "injection names": injection_plan,
}


@pytest.mark.parametrize("make_plan", PLANS.values(), ids=PLANS.keys())
def test_every_funnel_value_is_the_planners(make_plan: Callable[[], Plan], tmp_path: Path) -> None:
    plan = make_plan()
    book = Book.open(build_workbook(plan, ENGLISH), tmp_path)

    assert mismatches(plan, book) == []


def test_the_example_plan_files_values_are_the_planners(example_plan: Plan, tmp_path: Path) -> None:
    """The README's plan: 123,457 → 55,556 → 6,667 → 3,334 → 2,000, budget 50,000."""
    book = Book.open(build_workbook(example_plan, ENGLISH), tmp_path)

    assert mismatches(example_plan, book) == []
    computed = recalculate(book.path)
    counts = [computed(book.funnel.title, f"E{row}") for row in book.stage_rows()]
    assert counts == [123457, 55556, 6667, 3334, 2000]
    assert computed(book.funnel.title, f"B{book.row_of(book.funnel, labels.BUDGET)}") == 50000


def measure(book: Book, label: str) -> Any:
    """A measure of the Funnel sheet, as the evaluator computes it."""
    return recalculate(book.path)(book.funnel.title, f"B{book.row_of(book.funnel, label)}")


def test_whole_counts_stay_whole_through_float_noise(tmp_path: Path) -> None:
    """``returning_plan``: 10,000 → 1,000 → 700, not 10,001 → 1,001; $3,000 (docstring)."""
    book = Book.open(build_workbook(returning_plan(), ENGLISH), tmp_path)
    computed = recalculate(book.path)
    funnel = book.funnel

    assert [computed(funnel.title, f"E{row}") for row in book.stage_rows()] == [10000, 1000, 700]
    assert measure(book, labels.RETURNING_REVENUE) == pytest.approx(12000)
    assert measure(book, labels.BUDGET) == pytest.approx(3000)
    assert measure(book, labels.CAC) == pytest.approx(3000 / 700)
    assert measure(book, labels.CONTRIBUTION) == pytest.approx(19300)


def test_returning_revenue_just_short_of_the_target_needs_one_customer(tmp_path: Path) -> None:
    """``nearly_covered_plan``: $100 needed is 1 customer, not the 1.0000000000000002 of floats."""
    book = Book.open(build_workbook(nearly_covered_plan(), ENGLISH), tmp_path)

    assert measure(book, labels.NEW_CUSTOMERS) == 1
    assert measure(book, labels.BUDGET) == pytest.approx(20)


def test_the_cached_values_are_what_a_spreadsheet_computes(tmp_path: Path) -> None:
    """A viewer that shows cached values shows what Excel would compute, text included."""
    book = Book.open(build_workbook(cpm_plan(), ENGLISH), tmp_path)

    assert cached_mismatches(book) == []


def test_a_target_covered_by_returning_customers_needs_nothing_new(tmp_path: Path) -> None:
    """``covered_plan``: $15,000 from returning customers ≥ $10,000: 0 everywhere, a note."""
    book = Book.open(build_workbook(covered_plan(), ENGLISH), tmp_path)
    computed = recalculate(book.path)
    funnel = book.funnel
    note = next(
        cell.coordinate
        for cell in funnel["A"]
        if cell.data_type == "f" and "Returning customers already cover" in cell.value
    )

    assert [computed(funnel.title, f"E{row}") for row in book.stage_rows()] == [0, 0]
    assert computed(funnel.title, f"B{book.row_of(funnel, labels.BUDGET)}") == 0
    assert computed(funnel.title, f"B{book.row_of(funnel, labels.CAC)}") == ""
    assert computed(funnel.title, note).startswith("Returning customers already cover the target")


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=sheet_plans())
def test_generated_plans_recalculate_to_the_planners_numbers(
    plan: Plan, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # The sheet holds 15 significant digits: past ten billion units a count's fraction can
    # fall under the rounding tolerance (files/workbook.py), so such plans are left out.
    assume(plan_backwards(plan).stages[0].required < 10**10)
    book = Book.open(build_workbook(plan, ENGLISH), tmp_path_factory.mktemp("generated"))

    assert mismatches(plan, book) == []


# --- Editing the inputs -----------------------------------------------------------------------


def edited(book: Book, folder: Path, edits: dict[tuple[str, str], float]) -> Book:
    """The workbook with Inputs cells (found by their label in column A) set, saved anew."""
    workbook = openpyxl.load_workbook(book.path)
    inputs = workbook.worksheets[0]
    for (label, column), value in edits.items():
        inputs[f"{column}{book.row_of(inputs, label)}"] = value
    path = folder / "edited.xlsx"
    workbook.save(path)
    return Book.read(path)


def with_rate(plan: Plan, stage_index: int, rate: float) -> Plan:
    data = plan.model_dump()
    data["stages"][stage_index]["conversion_rate"] = rate
    return Plan.model_validate(data)


def test_a_rate_edited_on_the_inputs_sheet_recomputes_every_count(tmp_path: Path) -> None:
    """Demo plan, 'Add to cart' 12% → 15%: the counts of ``plan_backwards`` of that plan."""
    plan = demo_plan()
    book = Book.open(build_workbook(plan, ENGLISH), tmp_path)

    changed = edited(book, tmp_path, {("Add to cart", "B"): 0.15})

    assert mismatches(with_rate(plan, 2, 0.15), changed) == []


def test_a_target_edited_on_the_inputs_sheet_recomputes_the_plan(tmp_path: Path) -> None:
    """``returning_plan``'s target $55,750 → $90,000: (90,000 − 12,000) ÷ 62.5 = 1,248 customers."""
    plan = returning_plan()
    book = Book.open(build_workbook(plan, ENGLISH), tmp_path)

    changed = edited(book, tmp_path, {(labels.REVENUE_TARGET, "B"): 90000})

    assert mismatches(plan.model_copy(update={"revenue_target": 90000.0}), changed) == []
    assert plan_backwards(plan.model_copy(update={"revenue_target": 90000.0})).new_customers == 1248
