"""What the workbook holds, read back with openpyxl: inputs as values, results as formulas.

The expected inputs are the demo plan's own (``planner.presets.demo_plan``); the number
formats are CLDR's currency symbols and decimals (babel), written as Excel spells them.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from files import labels, workbook
from files.workbook import ROUNDING_TOLERANCE, build_workbook, formula_text, money_format
from i18n.catalogue import translate
from i18n.formats import Formats
from planner.errors import parse_plan
from planner.funnel import plan_backwards
from planner.presets import demo_plan
from tests.files.spreadsheet import (
    Book,
    chart_parts,
    cpm_plan,
    eight_stage_plan,
    halving_plan,
    mismatches,
    recalculate,
)

ENGLISH = Formats()
ARABIC = Formats(language="ar")
INPUT_FILL = "FFFFF2CC"


@pytest.fixture(scope="module")
def demo_book(tmp_path_factory: pytest.TempPathFactory) -> Book:
    return Book.open(build_workbook(demo_plan(), ENGLISH), tmp_path_factory.mktemp("demo"))


def named(book: Book, name: str) -> openpyxl.cell.Cell:
    """The cell a defined name points at."""
    ((sheet, coordinate),) = book.formulas.defined_names[name].destinations
    return book.formulas[sheet][coordinate.replace("$", "")]


# --- Inputs -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PeriodStart", datetime(2027, 1, 1)),
        ("PeriodEnd", datetime(2027, 3, 31)),
        ("RevenueTarget", 120_000),
        ("AverageOrderValue", 60),
        ("OrdersPerCustomer", 1),
        ("GrossMargin", 0.45),
        ("ActiveCustomers", 2_000),
        ("RepeatPurchaseRate", 0.15),
        ("ReturningOrdersPerCustomer", 1.4),
        ("ReturningOrderValue", 65),
        ("PaidStage", "Sessions"),
        ("CostPerUnit", 0.4),
        ("CostPerMille", None),
        ("ClickThroughRate", None),
    ],
)
def test_the_inputs_hold_the_demo_plans_values(demo_book: Book, name: str, value: Any) -> None:
    assert named(demo_book, name).value == value


def test_the_inputs_hold_each_stage_and_its_rate(demo_book: Book) -> None:
    """The online-store preset's stages: 50%, 12%, 50%, 60% after the first."""
    inputs = demo_book.inputs
    header = demo_book.row_of(inputs, labels.STAGE)
    stages = [
        (inputs.cell(row, 1).value, inputs.cell(row, 2).value)
        for row in range(header + 1, header + 6)
    ]

    assert stages == [
        ("Sessions", None),
        ("Product views", 0.5),
        ("Add to cart", 0.12),
        ("Checkout", 0.5),
        ("Purchase", 0.6),
    ]


def test_the_plans_name_and_currency_are_on_the_inputs_sheet(demo_book: Book) -> None:
    inputs = demo_book.inputs

    assert inputs.cell(demo_book.row_of(inputs, labels.PLAN), 2).value == "Demo store"
    assert inputs.cell(demo_book.row_of(inputs, labels.CURRENCY), 2).value == "USD"


def test_a_description_of_several_lines_is_wrapped_beside_its_label(tmp_path: Path) -> None:
    description = "Agreed with finance on 3 March.\nAssumes the spring catalogue ships."
    plan = demo_plan().model_copy(update={"description": description})
    book = Book.open(build_workbook(plan, ENGLISH), tmp_path)
    row = book.row_of(book.inputs, labels.DESCRIPTION)
    cell = book.inputs.cell(row, 2)

    assert cell.value == description
    assert cell.alignment.wrap_text
    assert f"B{row}:F{row}" in {str(merged) for merged in book.inputs.merged_cells.ranges}
    assert book.inputs.row_dimensions[row].height >= 30  # two lines


def test_inputs_are_filled_yellow_and_results_are_not(demo_book: Book) -> None:
    new_customers = demo_book.funnel.cell(
        demo_book.row_of(demo_book.funnel, labels.NEW_CUSTOMERS), 2
    )

    assert named(demo_book, "RevenueTarget").fill.fgColor.rgb == INPUT_FILL
    assert named(demo_book, "CostPerMille").fill.fgColor.rgb == INPUT_FILL  # empty, still input
    assert new_customers.fill.fgColor.rgb != INPUT_FILL


def test_text_inputs_are_formatted_as_text(demo_book: Book) -> None:
    """A formula typed into a stage's name later stays a name (Excel's Text format, "@")."""
    assert named(demo_book, "PaidStage").number_format == "@"


# --- Formulas ---------------------------------------------------------------------------------


def funnel_formula(book: Book, label: str) -> str:
    return book.funnel.cell(book.row_of(book.funnel, label), 2).value


def test_the_results_are_formulas_over_the_inputs(demo_book: Book) -> None:
    assert funnel_formula(demo_book, labels.PERIOD_DAYS) == "=PeriodEnd-PeriodStart+1"
    assert funnel_formula(demo_book, labels.NEW_CUSTOMERS).startswith("=MAX(0,CEILING(")
    assert "RevenueTarget" in funnel_formula(demo_book, labels.REVENUE_NEEDED)
    assert "CostPerUnit" in funnel_formula(demo_book, labels.BUDGET)
    assert "CostPerMille/1000" in funnel_formula(demo_book, labels.BUDGET)
    assert "GrossMargin" in funnel_formula(demo_book, labels.CONTRIBUTION)


def test_every_stage_count_is_rounded_up_with_the_tolerance(demo_book: Book) -> None:
    funnel = demo_book.funnel
    counts = [funnel.cell(row, 5).value for row in demo_book.stage_rows()]

    assert all(
        count.startswith("=CEILING(") and f"*(1-{ROUNDING_TOLERANCE}),1)" in count
        for count in counts
    )
    assert len(counts) == 5


def test_stage_names_and_rates_on_the_funnel_come_from_the_inputs(demo_book: Book) -> None:
    funnel = demo_book.funnel
    first, second = demo_book.stage_rows()[:2]

    assert funnel.cell(first, 1).value.startswith("='Inputs'!$A$")
    assert funnel.cell(first, 2).value is None  # the first stage takes no rate
    assert funnel.cell(second, 2).value.startswith("='Inputs'!$B$")


def test_each_formula_caches_the_planners_number(demo_book: Book) -> None:
    """Viewers that don't recalculate show the planner's result: 85,834 sessions, $34,333.60."""
    result = plan_backwards(demo_plan())
    funnel = demo_book.cached[demo_book.funnel.title]
    counts = [funnel.cell(row, 5).value for row in demo_book.stage_rows()]
    budget_row = demo_book.row_of(demo_book.funnel, labels.BUDGET)

    assert counts == [stage.required for stage in result.stages]
    assert counts[0] == 85_834
    assert funnel.cell(budget_row, 2).value == pytest.approx(34_333.6)


# --- Formats, widths, chart -------------------------------------------------------------------


def test_counts_money_percents_and_dates_have_their_formats(demo_book: Book) -> None:
    funnel = demo_book.funnel
    first = demo_book.stage_rows()[0]

    assert funnel.cell(first, 5).number_format == "#,##0"
    assert funnel.cell(demo_book.row_of(funnel, labels.BUDGET), 2).number_format == '"$"#,##0.00'
    assert funnel.cell(demo_book.row_of(funnel, labels.ROAS), 2).number_format == '0.00"×"'
    assert named(demo_book, "RepeatPurchaseRate").number_format == "0.00##%"
    assert named(demo_book, "PeriodStart").number_format == "yyyy-mm-dd"


@pytest.mark.parametrize(
    ("currency", "formats", "expected"),
    [
        ("USD", ENGLISH, '"$"#,##0.00'),
        ("EUR", ENGLISH, '"€"#,##0.00'),
        ("KWD", ENGLISH, '"KWD "#,##0.000'),  # English has no symbol for the dinar; 3 decimals
        ("JPY", ENGLISH, '"¥"#,##0'),  # no decimals
        ("SAR", ARABIC, '#,##0.00"\u00a0ر.س."'),
        ("KWD", ARABIC, '#,##0.000"\u00a0د.ك."'),
        ("USD", ARABIC, '#,##0.00"\u00a0US$"'),
    ],
)
def test_money_takes_the_currencys_symbol_and_decimals(
    currency: str, formats: Formats, expected: str
) -> None:
    """CLDR via babel: KWD has 3 decimals, JPY none; Arabic puts the symbol after the amount."""
    assert money_format(currency, formats) == expected


def test_a_kuwaiti_plan_shows_fils(tmp_path: Path) -> None:
    plan = demo_plan().model_copy(update={"currency": "KWD"})
    book = Book.open(build_workbook(plan, ENGLISH), tmp_path)

    assert named(book, "RevenueTarget").number_format == '"KWD "#,##0.000'


def test_columns_are_wide_enough_for_their_numbers(demo_book: Book) -> None:
    """'$34,333.60' in the budget cell needs more than Excel's default 8.43 characters."""
    funnel = demo_book.funnel
    budget = ENGLISH.money(plan_backwards(demo_plan()).budget, "USD", cents=True)
    longest_label = max(len(label) for label in (labels.REVENUE_NEEDED, labels.MER))

    assert funnel.column_dimensions["B"].width >= len(budget)
    assert funnel.column_dimensions["A"].width >= longest_label


def test_a_column_chart_shows_the_required_counts(demo_book: Book, tmp_path: Path) -> None:
    data = build_workbook(demo_plan(), ENGLISH)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        chart = archive.read("xl/charts/chart1.xml").decode()
    rows = demo_book.stage_rows()

    assert chart_parts(data) == ["xl/charts/chart1.xml"]
    assert '<c:barDir val="col"/>' in chart
    assert f"$E${rows[0]}:$E${rows[-1]}" in chart
    assert '<c:orientation val="minMax"/>' in chart  # left to right in English


# --- Plans of every shape ---------------------------------------------------------------------


@pytest.mark.parametrize("stage_count", range(2, 9))
def test_any_number_of_stages_gets_a_row_each(stage_count: int, tmp_path: Path) -> None:
    """``halving_plan``: 100 customers, each stage above twice the one below it."""
    book = Book.open(build_workbook(halving_plan(stage_count), ENGLISH), tmp_path)
    funnel = book.cached[book.funnel.title]

    counts = [funnel.cell(row, 5).value for row in book.stage_rows()]
    assert counts == [100 * 2 ** (stage_count - 1 - index) for index in range(stage_count)]


def test_a_plan_without_acquisition_cost_plans_no_budget_and_says_so(tmp_path: Path) -> None:
    book = Book.open(build_workbook(eight_stage_plan(), ENGLISH), tmp_path)
    funnel = book.cached[book.funnel.title]
    row = book.row_of(book.funnel, labels.BUDGET)

    assert funnel.cell(row, 2).value == 0
    assert funnel.cell(row, 3).value.startswith("No acquisition cost")
    assert funnel.cell(book.row_of(book.funnel, labels.CAC), 2).value is None
    assert named(book, "PaidStage").value is None


def test_paying_per_impression_fills_the_cpm_and_ctr(tmp_path: Path) -> None:
    """``cpm_plan``: $8 per 1,000 impressions at 1.2%: 416,667 impressions, $3,333.34."""
    book = Book.open(build_workbook(cpm_plan(), ENGLISH), tmp_path)
    funnel = book.cached[book.funnel.title]

    assert named(book, "CostPerUnit").value is None
    assert (named(book, "CostPerMille").value, named(book, "ClickThroughRate").value) == (8, 0.012)
    assert funnel.cell(book.row_of(book.funnel, labels.IMPRESSIONS), 2).value == 416_667
    assert funnel.cell(book.row_of(book.funnel, labels.BUDGET), 2).value == pytest.approx(3333.336)


# --- Arabic -----------------------------------------------------------------------------------


def test_arabic_sheets_read_right_to_left_in_arabic_words(tmp_path: Path) -> None:
    data = build_workbook(demo_plan(), ARABIC)
    book = Book.open(data, tmp_path, language="ar")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        chart = archive.read("xl/charts/chart1.xml").decode()
    header = book.funnel.cell(book.row_of(book.funnel, labels.STAGE), 1).value

    assert all(sheet.sheet_view.rightToLeft for sheet in book.formulas.worksheets)
    assert header == translate("ar", labels.STAGE) != labels.STAGE
    assert '<c:orientation val="maxMin"/>' in chart  # the first stage on the right


def test_english_sheets_read_left_to_right(demo_book: Book) -> None:
    assert not any(sheet.sheet_view.rightToLeft for sheet in demo_book.formulas.worksheets)


def test_arabic_sheet_names_are_quoted_in_formulas_and_recalculate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sheet names in Arabic, with a character Excel forbids in them (":"), still work."""
    names = {"Inputs": "المدخلات: الخطة", "Funnel": "القمع"}

    def arabic_names(language: str, message: str, **params: Any) -> str:
        return names.get(message) or translate(language, message, **params)

    monkeypatch.setattr(workbook, "translate", arabic_names)
    plan = demo_plan()
    book = Book.open(build_workbook(plan, ARABIC), tmp_path, language="ar")

    assert book.formulas.sheetnames == ["المدخلات الخطة", "القمع"]
    assert book.funnel.cell(book.stage_rows()[0], 1).value.startswith("='المدخلات الخطة'!")
    assert mismatches(plan, book) == []


def test_text_longer_than_excel_allows_in_a_formula_is_joined_from_parts() -> None:
    """Excel refuses a text constant over 255 characters; a doubled quote is never split."""
    assert formula_text('say "hi"') == '"say ""hi"""'
    assert formula_text("x" * 300) == f'"{"x" * 255}"&"{"x" * 45}"'
    assert formula_text("x" * 254 + '"y') == f'"{"x" * 254}"&"""y"'


def test_recalculating_an_arabic_workbook_gives_the_planners_numbers(tmp_path: Path) -> None:
    plan = parse_plan(demo_plan().model_dump(mode="json"))
    book = Book.open(build_workbook(plan, ARABIC), tmp_path, language="ar")

    assert recalculate(book.path)(book.funnel.title, f"E{book.stage_rows()[0]}") == 85_834
    assert mismatches(plan, book) == []
