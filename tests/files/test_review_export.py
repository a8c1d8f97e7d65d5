"""The quarterly review export: the workbook read back with openpyxl, the page with html.parser.

The review is the domain's own (``planner.review.review``) on the example plan
(``examples/q1-store-plan.json``: $120,000 over Q1 2027's 90 days, Sessions → Product views
45% → Add to cart 12% → Checkout 50% → Purchase 60%, AOV $60) with 30 days of results made
with numpy: 1,500 sessions a day, 44%, 10%, 50% and 60% conversion, $58 an order. Worked by
hand: 1,500 × 0.44 × 0.10 × 0.5 × 0.6 = 19.8 purchases a day, × $58 = $1,148.40 a day, so
$34,452 by January 30 against $120,000 × 30/90 = $40,000 planned: attainment 86.13%, a gap of
−$5,548. Files are checked against these numbers and against the ``Review`` itself.
"""

from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.worksheet.worksheet import Worksheet

from files.cells import neutralise
from files.review_export import (
    CHART_WIDTH,
    STATUS_FILLS,
    Daily,
    Page,
    Words,
    bar_chart,
    html_table,
    review_html,
    review_workbook,
)
from files.table_export import MAX_ROWS
from files.workbook import money_format
from i18n.formats import Formats
from planner.actuals.funnel import FunnelActuals, Measure
from planner.errors import PlanInvalid, parse_plan
from planner.models import Plan
from planner.review import review
from planner.review.attribution import Attribution
from planner.review.observed import ReviewNote, day_number
from planner.review.review import Review

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "q1-store-plan.json"
ENGLISH = Formats()
ARABIC = Formats(language="ar")
START = date(2027, 1, 1)
AS_OF = date(2027, 1, 30)
DAYS = 30
RATES = {"Product views": 0.44, "Add to cart": 0.1, "Checkout": 0.5, "Purchase": 0.6}
SESSIONS, ORDER_VALUE = 1500.0, 58.0
HAND_REVENUE, HAND_PLANNED = 34_452.0, 40_000.0
SHEETS = [
    "Summary",
    "Plan vs actual",
    "Conversion",
    "Attribution",
    "Forecast",
    "Catch-up",
    "Actuals",
    "Plan",
]
INJECTION = '=HYPERLINK("http://x","y")'
SCRIPT = "<script>alert(1)</script>"


def example_plan(name: str | None = None, first_stage: str | None = None) -> Plan:
    """The example plan, its name or first stage's name replaced."""
    data = json.loads(EXAMPLE.read_text())
    if name is not None:
        data["name"] = name
    if first_stage is not None:
        data["stages"][0]["name"] = first_stage
        data["acquisition_cost"]["stage"] = data["stages"][-1]["name"]
    return parse_plan(data)


def store_actuals(plan: Plan) -> FunnelActuals:
    """The module docstring's 30 daily rows, keyed by the plan's stage names."""
    counts = np.full(DAYS, SESSIONS)
    stages = {plan.stages[0].name: counts.copy()}
    for stage in plan.stages[1:]:
        counts = counts * RATES[stage.name]
        stages[stage.name] = counts.copy()
    measures: dict[Measure, np.ndarray] = {"revenue": counts * ORDER_VALUE}
    first = day_number(START)
    return FunnelActuals(
        starts=np.arange(first, first + DAYS, dtype=np.int64),
        spans=np.ones(DAYS, dtype=np.int64),
        stages=stages,
        measures=measures,
    )


def store_review(plan: Plan) -> Review:
    return review(plan, store_actuals(plan), AS_OF, trials=500, seed=1)


def store_daily(plan: Plan) -> Daily:
    """The same results as a daily series: sessions and revenue, one day without revenue."""
    daily: list[tuple[date, dict[str, float | None]]] = []
    for offset in range(DAYS):
        revenue: float | None = SESSIONS * 0.44 * 0.1 * 0.5 * 0.6 * ORDER_VALUE
        daily.append(
            (
                START + timedelta(days=offset),
                {plan.stages[0].name: SESSIONS, "revenue": None if offset == 3 else revenue},
            )
        )
    return daily


@pytest.fixture(scope="module")
def plan() -> Plan:
    return example_plan()


@pytest.fixture(scope="module")
def result(plan: Plan) -> Review:
    return store_review(plan)


@pytest.fixture(scope="module")
def book(plan: Plan, result: Review) -> openpyxl.Workbook:
    return openpyxl.load_workbook(
        io.BytesIO(review_workbook(plan, result, ENGLISH, daily=store_daily(plan)))
    )


@pytest.fixture(scope="module")
def cached(plan: Plan, result: Review) -> openpyxl.Workbook:
    data = review_workbook(plan, result, ENGLISH, daily=store_daily(plan))
    return openpyxl.load_workbook(io.BytesIO(data), data_only=True)


def value_beside(sheet: Worksheet, label: str, column: int = 1) -> Any:
    """The cell right of the first cell in ``column`` that reads ``label``.

    XlsxWriter stores numbers with 16 significant digits: compare them with ``approx``.
    """
    for row in range(1, sheet.max_row + 1):
        if sheet.cell(row, column).value == label:
            return sheet.cell(row, column + 1).value
    raise AssertionError(f"{label!r} is not on {sheet.title}")


def rows_under(sheet: Worksheet, header: str) -> Iterator[tuple[Any, ...]]:
    """The rows of the table whose first header reads ``header``, until an empty first cell."""
    rows = sheet.iter_rows(values_only=True)
    for row in rows:
        if row[0] == header:
            break
    for row in rows:
        if row[0] in (None, ""):
            return
        yield row


# --- The review the files are made from -------------------------------------------------------


def test_the_review_matches_the_hand_worked_numbers(result: Review) -> None:
    revenue = result.measures[0]
    assert revenue.actual_to_date == pytest.approx(HAND_REVENUE)
    assert revenue.planned_to_date == pytest.approx(HAND_PLANNED)
    assert result.revenue_gap == pytest.approx(HAND_REVENUE - HAND_PLANNED)


# --- The workbook -----------------------------------------------------------------------------


def test_the_workbook_has_every_sheet_in_order(book: openpyxl.Workbook) -> None:
    assert book.sheetnames == SHEETS


def test_the_summary_holds_the_headline_figures(book: openpyxl.Workbook, result: Review) -> None:
    summary = book["Summary"]
    assert value_beside(summary, "Plan") == "Q1 store plan"
    assert value_beside(summary, "Review date") == datetime(2027, 1, 30)
    assert value_beside(summary, "Revenue to date") == pytest.approx(HAND_REVENUE)
    assert value_beside(summary, "Revenue planned to date") == pytest.approx(HAND_PLANNED)
    assert value_beside(summary, "Attainment") == pytest.approx(HAND_REVENUE / HAND_PLANNED)
    assert value_beside(summary, "Revenue gap to date") == pytest.approx(-5548)
    assert value_beside(summary, "Revenue target") == 120_000
    assert value_beside(summary, "Likely (P50)") == pytest.approx(result.forecast.p50, rel=1e-15)
    assert value_beside(summary, "Low (P10)") == pytest.approx(result.forecast.p10, rel=1e-15)
    assert value_beside(summary, "High (P90)") == pytest.approx(result.forecast.p90, rel=1e-15)
    assert value_beside(summary, "Chance of the target") == pytest.approx(
        result.probability_of_target, rel=1e-15
    )


def test_money_and_percentages_carry_their_formats(book: openpyxl.Workbook) -> None:
    summary = book["Summary"]
    for row in range(1, summary.max_row + 1):
        label, cell = summary.cell(row, 1).value, summary.cell(row, 2)
        if label == "Revenue to date":
            assert cell.number_format == money_format("USD", ENGLISH) == '"$"#,##0.00'
        if label == "Attainment":
            assert cell.number_format == "0.00%"


def test_the_variance_table_holds_every_measure_and_stage(
    book: openpyxl.Workbook, result: Review
) -> None:
    rows = list(rows_under(book["Plan vs actual"], "Measure"))
    names = [row[0] for row in rows]
    assert names == [
        "Revenue",
        "Orders",
        "New customers",
        "Spend",
        *(stage.name for stage in result.stages),
    ]
    revenue = rows[0]
    assert revenue[1:4] == pytest.approx([HAND_PLANNED, HAND_REVENUE, HAND_REVENUE - HAND_PLANNED])
    assert revenue[6] == "Behind"  # 86% of plan, under the 90% "behind" threshold
    sessions = rows[names.index("Sessions")]
    assert sessions[2] == SESSIONS * DAYS


def conditional_fills(sheet: Worksheet) -> dict[str, str]:
    """Status word → the fill colour its conditional format gives (``"Behind"`` → FFC7CE)."""
    fills = {}
    for formatting in sheet.conditional_formatting:
        for rule in formatting.rules:
            assert (rule.type, rule.operator) == ("cellIs", "equal")
            (formula,) = rule.formula
            fills[formula.strip('"')] = rule.dxf.fill.bgColor.rgb[-6:]
    return fills


def test_statuses_are_coloured_by_their_word(book: openpyxl.Workbook, result: Review) -> None:
    """Each status cell's word picks the fill of the domain's status: green, amber or red."""
    sheet = book["Plan vs actual"]
    fills = conditional_fills(sheet)
    expected = [item.status for item in result.measures] + [i.status for i in result.stages]
    got = [row[6] for row in rows_under(sheet, "Measure")]
    assert {"green", "red"} <= set(expected)
    for word, status in zip(got, expected, strict=True):
        if status is None:
            assert word is None
        else:
            assert fills[word] == STATUS_FILLS[status][0].lstrip("#")
    (formatting,) = {str(item.sqref) for item in sheet.conditional_formatting}
    assert formatting == f"G4:G{3 + len(expected)}"


def test_the_attribution_total_is_the_revenue_gap(
    book: openpyxl.Workbook, cached: openpyxl.Workbook, result: Review
) -> None:
    """The total row sums the parts (a formula) and its cached value is the domain's gap."""
    rows = list(rows_under(book["Attribution"], "Driver"))
    *parts, total = rows
    assert total[0] == "Revenue gap to date"
    assert total[1] == f"=SUM(B4:B{3 + len(parts)})"
    assert math.fsum(amount for _, amount in parts) == pytest.approx(result.revenue_gap, abs=1e-6)
    assert value_beside(cached["Attribution"], "Revenue gap to date") == pytest.approx(
        result.revenue_gap
    )
    assert [name for name, _ in parts] == [
        "Traffic ('Sessions')",
        "Conversion to 'Product views'",
        "Conversion to 'Add to cart'",
        "Conversion to 'Checkout'",
        "Conversion to 'Purchase'",
        "Average order value",
    ]


def test_the_forecast_sheet_holds_the_pacing_path(book: openpyxl.Workbook, result: Review) -> None:
    rows = list(rows_under(book["Forecast"], "Day"))
    assert len(rows) == result.period_days == 90
    first, last = rows[0], rows[-1]
    assert first[:3] == (datetime(2027, 1, 1), pytest.approx(120_000 / 90), pytest.approx(1148.4))
    assert first[3:] == (None, None, None)  # no forecast for a day already seen
    assert last[1] == pytest.approx(120_000)
    assert last[2] is None
    assert last[4] == pytest.approx(result.forecast.p50)


def test_the_catch_up_sheet_holds_weeks_and_levers(book: openpyxl.Workbook, result: Review) -> None:
    sheet = book["Catch-up"]
    weeks = list(rows_under(sheet, "Week from"))
    assert len(weeks) == len(result.catch_up.weeks) > 0
    assert sum(week[2] for week in weeks) == 60  # the 60 days after January 30
    levers = list(rows_under(sheet, "Change"))
    assert [lever[0] for lever in levers][:2] == [
        "Traffic per day ('Sessions')",
        "Conversion to 'Product views'",
    ]


def test_the_actuals_sheet_holds_the_daily_series(book: openpyxl.Workbook) -> None:
    sheet = book["Actuals"]
    header = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "Day")
    assert header == ("Day", "Sessions", "Revenue")
    rows = list(rows_under(sheet, "Day"))
    assert len(rows) == DAYS
    assert rows[0] == (datetime(2027, 1, 1), SESSIONS, pytest.approx(1148.4))
    assert rows[3][2] is None  # a day without revenue stays empty


def test_the_plan_sheet_holds_the_inputs(book: openpyxl.Workbook) -> None:
    sheet = book["Plan"]
    assert value_beside(sheet, "Revenue target") == 120_000
    assert value_beside(sheet, "Average order value") == 60
    assert dict(rows_under(sheet, "Stage"))["Add to cart"] == 0.12


def test_without_daily_results_the_actuals_sheet_says_so(plan: Plan, result: Review) -> None:
    book = openpyxl.load_workbook(io.BytesIO(review_workbook(plan, result, ENGLISH)))
    assert book["Actuals"]["A3"].value == "No daily results were given."


def test_too_many_days_of_results_are_refused(plan: Plan, result: Review) -> None:
    daily = [(START, {"Sessions": 1.0})] * MAX_ROWS
    with pytest.raises(PlanInvalid) as refused:
        review_workbook(plan, result, ENGLISH, daily=daily)
    assert refused.value.problems[0].code == "table_too_many_rows"
    assert refused.value.fields() == {"daily"}


def test_arabic_sheets_read_right_to_left(plan: Plan, result: Review) -> None:
    arabic = openpyxl.load_workbook(io.BytesIO(review_workbook(plan, result, ARABIC)))
    assert all(sheet.sheet_view.rightToLeft for sheet in arabic.worksheets)
    english = openpyxl.load_workbook(io.BytesIO(review_workbook(plan, result, ENGLISH)))
    assert not any(sheet.sheet_view.rightToLeft for sheet in english.worksheets)


@pytest.fixture(scope="module")
def injected() -> tuple[Plan, Review]:
    plan = example_plan(name=INJECTION, first_stage="+1+1")
    return plan, store_review(plan)


def test_a_plan_named_like_a_formula_stays_text(injected: tuple[Plan, Review]) -> None:
    plan, result = injected
    book = openpyxl.load_workbook(io.BytesIO(review_workbook(plan, result, ENGLISH)))
    assert value_beside(book["Summary"], "Plan") == neutralise(INJECTION) == "'" + INJECTION
    assert value_beside(book["Plan"], "Plan") == "'" + INJECTION
    rows = dict(rows_under(book["Plan"], "Stage"))
    assert "'+1+1" in rows
    formulas = [
        (sheet.title, cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert [title for title, _ in formulas] == ["Attribution"]  # only the gap's total


# --- The page ---------------------------------------------------------------------------------


class PageParser(HTMLParser):
    """Every start tag with its attributes, the text, and whether tags close as they open."""

    VOID = frozenset({"meta", "br", "hr", "img", "input", "link", "rect", "line", "polyline"})
    VOID |= {"polygon", "path", "circle"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.open: list[str] = []
        self.mismatched: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Record the tag; a tag that closes waits for its end."""
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Record a self-closed tag (``<rect ... />``)."""
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        """Check the end closes the last tag opened."""
        if tag in self.VOID:
            return
        if not self.open or self.open.pop() != tag:
            self.mismatched.append(tag)

    def handle_data(self, data: str) -> None:
        """Keep the text."""
        self.text.append(data)

    def all_text(self) -> str:
        """Every text of the page, space-separated."""
        return " ".join(self.text)


def parse(page: str) -> PageParser:
    parser = PageParser()
    parser.feed(page)
    parser.close()
    assert parser.mismatched == []
    assert parser.open == []
    return parser


@pytest.fixture(scope="module")
def english_page(plan: Plan, result: Review) -> str:
    return review_html(plan, result, ENGLISH)


def test_the_page_is_self_contained_and_printable(english_page: str) -> None:
    """No script, no external resource; A4 print rules inline."""
    parsed = parse(english_page)
    names = [tag for tag, _ in parsed.tags]
    assert "script" not in names
    assert not {"link", "img", "iframe", "object"} & set(names)
    for _, attributes in parsed.tags:
        assert "src" not in attributes
        assert "href" not in attributes
        assert not any(name.startswith("on") for name in attributes)
    assert "@media print" in english_page
    assert "size: A4" in english_page
    assert "url(" not in english_page
    assert "@import" not in english_page
    assert english_page.startswith('<!DOCTYPE html>\n<html lang="en" dir="ltr">')


def test_the_page_holds_the_figures(english_page: str, result: Review) -> None:
    text = parse(english_page).all_text()
    for shown in (
        "$34,452",  # revenue to date, worked by hand
        "$40,000",
        "86.13%",
        "−$5,548",
        "$120,000",
        ENGLISH.money(result.forecast.p10, "USD"),
        ENGLISH.money(result.forecast.p50, "USD"),
        ENGLISH.money(result.forecast.p90, "USD"),
        "Traffic ('Sessions')",
        "Conversion to 'Add to cart'",
        "Revenue gap to date",
        "Quarterly review: Q1 store plan",
    ):
        assert shown in text, shown


def test_the_page_colours_every_status(english_page: str, result: Review) -> None:
    statuses = [item.status for item in result.measures] + [i.status for i in result.stages]
    for status in ("green", "amber", "red"):
        found = re.findall(rf'<td class="status-{status}">', english_page)
        assert len(found) == statuses.count(status)


def test_the_page_draws_a_bar_per_driver_and_the_total(english_page: str, result: Review) -> None:
    parsed = parse(english_page)
    svgs = [tag for tag, _ in parsed.tags if tag == "svg"]
    assert len(svgs) == 2  # the attribution bars and the pacing chart
    rects = [tag for tag, _ in parsed.tags if tag == "rect"]
    assert len(rects) == len(result.attribution) + 1


def test_the_page_escapes_text_from_the_plan(plan: Plan) -> None:
    named = example_plan(name=SCRIPT, first_stage=SCRIPT)
    page = review_html(named, store_review(named), ENGLISH)
    parsed = parse(page)
    assert "script" not in [tag for tag, _ in parsed.tags]
    assert "&lt;script&gt;" in page
    assert SCRIPT in parsed.all_text()  # shown as the text it is


def test_the_arabic_page_reads_right_to_left(plan: Plan, result: Review) -> None:
    page = review_html(plan, result, Formats(language="ar", digits="arab"))
    assert page.startswith('<!DOCTYPE html>\n<html lang="ar" dir="rtl">')
    text = parse(page).all_text()
    assert "٣٤٬٤٥٢" in text  # $34,452 in Arabic-Indic digits
    assert 'direction="rtl"' in page


# --- Words and charts -------------------------------------------------------------------------


def test_a_first_stage_missing_from_the_results_is_a_count() -> None:
    """Attribution's rule: the top-most known stage is a count, the ones below conversions."""
    words = Words(example_plan(), ENGLISH)
    parts = [
        Attribution(driver="Add to cart", amount=-10.0),
        Attribution(driver="Checkout", amount=2.0),
        Attribution(driver="orders_per_customer", amount=1.0),
        Attribution(driver="returning_customers", amount=1.0),
    ]
    assert words.drivers(parts) == [
        "Count of 'Add to cart'",
        "Conversion to 'Checkout'",
        "Orders per customer",
        "Returning customers",
    ]


def test_notes_are_worded_with_their_parameters() -> None:
    words = Words(example_plan(), ENGLISH)
    note = ReviewNote(
        code="actuals_end_before_as_of", params={"until": "2027-01-20", "as_of": "2027-01-30"}
    )
    assert words.note(note).startswith("The results end on January 20, 2027, before")
    unusable = ReviewNote(
        code="observed_value_unusable", params={"field": "stages[2].conversion_rate"}
    )
    assert "conversion rate" in words.note(unusable)
    assert words.note(ReviewNote(code="something_new")) == "something new"


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), min_size=1, max_size=8),
    st.booleans(),
)
def test_bars_stay_inside_the_chart(amounts: list[float], arabic: bool) -> None:
    """Property: every bar lies within the chart's width, whatever the amounts' signs."""
    page = Page(Words(example_plan(), ARABIC if arabic else ENGLISH), "USD")
    chart = bar_chart(page, [(f"d{index}", amount) for index, amount in enumerate(amounts)])
    bars = re.findall(r'<rect x="([-0-9.]+)" y="[0-9.]+" width="([0-9.]+)"', chart)
    assert len(bars) == len(amounts)
    for start, width in bars:
        assert float(start) >= 0
        assert float(start) + float(width) <= CHART_WIDTH + 0.5


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40))
def test_table_text_is_escaped_and_reads_back(text: str) -> None:
    """Property: any text in a table cell parses back as itself, never as markup."""
    parsed = parse(html_table([text], [[text]]))
    assert [tag for tag, _ in parsed.tags] == ["table", "thead", "tr", "th", "tbody", "tr", "td"]
    assert "".join(parsed.text) == text * 2


def test_the_notes_reach_the_summary_and_the_page(plan: Plan) -> None:
    """Results without 'Product views': the review notes it; both files word the note."""
    full = store_actuals(plan)
    stages = {name: values for name, values in full.stages.items() if name != "Product views"}
    actuals = FunnelActuals(
        starts=full.starts, spans=full.spans, stages=stages, measures=full.measures
    )
    result = review(plan, actuals, AS_OF, trials=200, seed=1)
    wording = "The results have no count for 'Product views': it is left out of the comparison."
    assert [note.code for note in result.notes] == ["stage_not_in_actuals"]
    book = openpyxl.load_workbook(io.BytesIO(review_workbook(plan, result, ENGLISH)))
    summary = [row[0] for row in book["Summary"].iter_rows(values_only=True)]
    assert summary[summary.index("Notes") + 1] == wording
    assert wording in parse(review_html(plan, result, ENGLISH)).all_text()
