"""The quarterly review as files: an Excel workbook and a printable HTML page.

Both hold the same content, from one ``planner.review.Review`` and its plan, worded in the
reader's language (``i18n.catalogue.translate``; the words are in ``files.review_labels``):

- **Summary**: the plan, its period, the review date, revenue to date against planned,
  attainment, the gap, the forecast's P10/P50/P90, the chance of the target, and the notes;
- **Plan vs actual**: every measure and stage, planned to date, actual, variance, variance %,
  attainment and status, the status coloured green/amber/red (Excel's good/neutral/bad fills);
- **Conversion**: each step's planned and actual rate and their difference;
- **Attribution**: the revenue gap to date by driver, worded as the reader knows them
  ("Traffic ('Sessions')", "Conversion to 'Checkout'", "Average order value"...), and a total
  row that is the gap (the parts add up to it exactly, ``planner.review.attribution``);
- **Forecast**: the quantiles and the daily pacing path (plan, actual, forecast P10/P50/P90);
- **Catch-up**: what the remaining weeks need, and each single lever that would close the gap;
- **Actuals**: the daily results, when given; **Plan**: the plan's inputs.

The workbook (``review_workbook``) keeps numbers as numbers with formats (money in the plan's
currency with its symbol and decimals, rates as percentages, real dates), reads right to left
in Arabic, and writes every text through ``files.cells.neutralise`` so a plan or stage named
``=HYPERLINK(...)`` stays text. The status colours are conditional formats on the status
words, so a reader who edits a status sees its colour follow.

The page (``review_html``) is one self-contained document: inline CSS with A4 print rules, no
script and no external resource, ``lang``/``dir`` set from the reader's language, and charts
as inline SVG (the attribution as bars from a zero line, the pacing as lines and a band),
mirrored for right-to-left readers. Every text from the plan or the results is escaped with
``html.escape``; numbers are written as the reader reads them (``i18n.formats.Formats``).
"""

from __future__ import annotations

import html
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from files import labels
from files import review_labels as words
from files.cells import neutralise
from files.table_export import WORKBOOK_OPTIONS, check_fits, is_not_finite
from files.workbook import (
    InputRow,
    cost_inputs,
    formula_text,
    money_format,
    plan_inputs,
    returning_inputs,
    sheet_name,
)
from i18n.catalogue import translate
from i18n.formats import NOTHING, Formats
from i18n.languages import is_right_to_left
from planner.models import Plan
from planner.review.attribution import (
    ORDER_VALUE,
    ORDERS_PER_CUSTOMER,
    RETURNING,
    REVENUE,
    TRAFFIC,
    Attribution,
)
from planner.review.catchup import LeverNeed
from planner.review.observed import ReviewNote
from planner.review.pacing import MeasureVariance, StageVariance
from planner.review.review import Review

Daily = Sequence[tuple[date, Mapping[str, float | None]]]
"""The daily results: each day with its value per stage or measure (``None``: not counted)."""

STATUS_FILLS = {
    "green": ("#C6EFCE", "#006100"),
    "amber": ("#FFEB9C", "#9C5700"),
    "red": ("#FFC7CE", "#9C0006"),
}
"""(fill, font) per status: Excel's own "Good", "Neutral" and "Bad" cell styles."""

NUMBER_FORMATS = {
    "text": "@",
    "date": "yyyy-mm-dd",
    "count": "#,##0",
    "pace": "#,##0.0",
    "decimal": "#,##0.00",
    "orders": "#,##0.0#",
    "percent": "0.00%",
    "signed_percent": "+0.00%;-0.00%;0.00%",
}
"""Excel number formats by kind of value; money is made per currency."""

_HEADER_FILL = "#D9E1F2"
_NOTE_COLOUR = "#595959"
_MIN_WIDTH = 10
_MAX_WIDTH = 60
_NOTE_WIDTH = 12  # a note runs on over the empty cells beside it: it never widens its column


# --- Words ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Words:
    """The review's words in one reader's language: drivers, levers, statuses, notes."""

    plan: Plan
    formats: Formats

    def __call__(self, message: str, **params: Any) -> str:
        """``message`` in the reader's language, placeholders filled."""
        return translate(self.formats.language, message, **params)

    def drivers(self, parts: Sequence[Attribution]) -> list[str]:
        """Each driver as the reader knows it, in the order given.

        A stage before any counted stage is a count ("Count of 'Add to cart'"), not a
        conversion: the actuals lacked the stages above it.
        """
        names, counted = [], False
        stage_names = {stage.name for stage in self.plan.stages}
        for part in parts:
            names.append(self.driver(part.driver, as_count=not counted))
            counted = counted or part.driver == TRAFFIC or part.driver in stage_names
        return names

    def driver(self, driver: str, *, as_count: bool = False) -> str:
        """A driver's name: "Traffic ('Sessions')", "Conversion to 'Checkout'"..."""
        fixed = {
            ORDER_VALUE: words.ORDER_VALUE_DRIVER,
            ORDERS_PER_CUSTOMER: words.ORDERS_PER_CUSTOMER_DRIVER,
            RETURNING: words.RETURNING_DRIVER,
            REVENUE: words.REVENUE_DRIVER,
        }
        if driver == TRAFFIC:
            return self(words.TRAFFIC_DRIVER, stage=self.plan.stages[0].name)
        if driver in fixed:
            return self(fixed[driver])
        return self(words.COUNT_DRIVER if as_count else words.CONVERSION_DRIVER, stage=driver)

    def lever(self, lever: str) -> str:
        """A catch-up lever: traffic is per day, the others are named as drivers are."""
        if lever == TRAFFIC:
            return self(words.TRAFFIC_PER_DAY, stage=self.plan.stages[0].name)
        return self.driver(lever)

    def possible(self, lever: LeverNeed) -> str:
        """Yes, No, or "No: above 100%" for a rate that would have to pass 1."""
        if lever.feasible:
            return self(words.YES)
        stages = {stage.name for stage in self.plan.stages}
        return self(words.ABOVE_ALL if lever.lever in stages else words.NO)

    def status(self, status: str | None) -> str:
        """The status in words: "On pace", "Slightly behind", "Behind"; none without one."""
        return "" if status is None else self(words.STATUS_WORDS[status])

    def measure(self, key: str) -> str:
        """A measure's name ("Revenue", "New customers"); a stage's name as it is."""
        known = words.MEASURE_NAMES.get(key)
        return key if known is None else self(known)

    def note(self, note: ReviewNote) -> str:
        """A review note in the reader's words; an unknown code as its words."""
        message = words.NOTE_WORDS.get(note.code)
        if message is None:
            return note.code.replace("_", " ")
        params = dict(note.params)
        if "until" in params:
            params["until"] = self._day(params["until"])
        if "days" in params:
            params["days"] = self.formats.count(float(params["days"] or 0))
        if "field" in params:
            params["field"] = self._field(str(params["field"]))
        needed = {"until": "", "days": "", "stage": "", "field": ""}
        return self(message, **(needed | {key: str(value) for key, value in params.items()}))

    def _day(self, value: object) -> str:
        if isinstance(value, date):
            return self.formats.date(value)
        try:
            return self.formats.date(date.fromisoformat(str(value)))
        except ValueError:
            return str(value)

    def _field(self, name: str) -> str:
        last = name.rsplit(".", 1)[-1]
        known = words.FIELD_WORDS.get(last)
        return last.replace("_", " ") if known is None else self(known)


def actuals_columns(daily: Daily) -> list[str]:
    """Every stage or measure the daily results name, in the order they first appear."""
    seen: dict[str, None] = {}
    for _, values in daily:
        seen.update(dict.fromkeys(values))
    return list(seen)


def finite(value: float | None) -> float | None:
    """``value``, or None for NaN and infinities (no cell or page shows those honestly)."""
    return None if value is None or is_not_finite(float(value)) else float(value)


def target(plan: Plan) -> float:
    """The revenue target of the whole period."""
    return float(plan.revenue_target)


# --- The workbook: sheets and cells ---------------------------------------------------------


class Styles:
    """The review workbook's cell formats, each made once."""

    def __init__(self, workbook: Workbook, currency: str, formats: Formats) -> None:
        self._workbook = workbook
        self._number_formats = {
            **NUMBER_FORMATS,
            "money": money_format(currency, formats),
            "unit_money": money_format(currency, formats, extra_places=2),
        }
        self._made: dict[str, Format] = {}
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.header = workbook.add_format(
            {"bold": True, "bg_color": _HEADER_FILL, "bottom": 1, "text_wrap": True}
        )
        self.section = workbook.add_format({"bold": True})
        self.note = workbook.add_format({"italic": True, "font_color": _NOTE_COLOUR})
        self.total = workbook.add_format({"bold": True, "top": 1})
        self.label = workbook.add_format({})
        self.fills = {
            status: workbook.add_format({"bg_color": fill, "font_color": font})
            for status, (fill, font) in STATUS_FILLS.items()
        }

    def value(self, kind: str, *, total: bool = False) -> Format:
        """The format of a ``kind`` of value (``money``, ``percent``...); bold for a total."""
        key = f"{kind}:total" if total else kind
        if key not in self._made:
            properties: dict[str, Any] = {"num_format": self._number_formats[kind]}
            if total:
                properties |= {"bold": True, "top": 1}
            self._made[key] = self._workbook.add_format(properties)
        return self._made[key]


Value = tuple[str, Any]
"""A cell to write: its kind (``text``, ``date``, ``money``, ``percent``...) and its value."""


@dataclass
class Sheet:
    """One worksheet of the review, written cell by cell, sized to its content."""

    worksheet: Worksheet
    words: Words
    styles: Styles
    widths: dict[int, int] = field(default_factory=dict)

    def text(self, row: int, col: int, text: str, style: Format | None = None) -> None:
        """Any text, made inert: a spreadsheet never runs what a user typed; none: blank."""
        if not text:
            self.worksheet.write_blank(row, col, None, style or self.styles.label)
            return
        self.worksheet.write_string(row, col, neutralise(text), style or self.styles.label)
        self._fit(col, text)

    def label(self, row: int, col: int, message: str, style: Format | None = None) -> None:
        """A label of ours, translated."""
        self.text(row, col, self.words(message), style)

    def note(self, row: int, message: str, **params: Any) -> None:
        """A note in column A, running on over the empty cells beside it."""
        text = self.words(message, **params) if params else self.words(message)
        self.worksheet.write_string(row, 0, neutralise(text), self.styles.note)

    def value(self, row: int, col: int, cell: Value, *, total: bool = False) -> None:
        """A value as its kind: text, a real date, or a number (blank for none)."""
        kind, value = cell
        if kind == "text":
            self.text(row, col, str(value), self.styles.total if total else None)
            return
        style = self.styles.value(kind, total=total)
        if value is None or (not isinstance(value, date) and finite(value) is None):
            self.worksheet.write_blank(row, col, None, style)
        elif isinstance(value, date):
            moment = datetime(value.year, value.month, value.day)
            self.worksheet.write_datetime(row, col, moment, style)
            self._fit(col, value.isoformat())
        else:
            self.worksheet.write_number(row, col, float(value), style)
            self._fit(col, self.shown(kind, float(value)))

    def shown(self, kind: str, value: float) -> str:
        """Roughly what the reader sees, to size the column."""
        formats, currency = self.words.formats, self.words.plan.currency
        if kind in {"money", "unit_money"}:
            return formats.money(value, currency, cents=True) + "  "
        if kind in {"percent", "signed_percent"}:
            return formats.percent(value) + "  "
        return f"{value:,.2f}"

    def title(self, row: int, message: str, **params: Any) -> None:
        """A sheet's title, which runs on over the columns beside it."""
        text = self.words(message, **params)
        self.worksheet.write_string(row, 0, neutralise(text), self.styles.title)

    def pairs(self, row: int, items: Sequence[tuple[str, Value]]) -> int:
        """``(label, value)`` one per row from ``row``; the next free row."""
        for offset, (message, cell) in enumerate(items):
            self.label(row + offset, 0, message)
            self.value(row + offset, 1, cell)
        return row + len(items)

    def table(self, row: int, header: Sequence[str], rows: Sequence[Sequence[Value]]) -> int:
        """A header of translated words at ``row``, then the rows; the next free row."""
        for col, title in enumerate(header):
            self.text(row, col, title, self.styles.header)
        for offset, cells in enumerate(rows, start=1):
            for col, cell in enumerate(cells):
                self.value(row + offset, col, cell)
        return row + len(rows) + 1

    def header(self, *messages: str) -> list[str]:
        """Translated column titles."""
        return [self.words(message) for message in messages]

    def _fit(self, col: int, text: str) -> None:
        wanted = min(len(text) + 2, _MAX_WIDTH)
        self.widths[col] = max(self.widths.get(col, _MIN_WIDTH), wanted)

    def fit_columns(self) -> None:
        """Widen every column to its longest content, so no number shows as ####."""
        for col, width in self.widths.items():
            self.worksheet.set_column(col, col, width)


# --- The workbook's sheets --------------------------------------------------------------------


def _amount_kind(measure: str) -> str:
    return "money" if measure in words.MONEY_MEASURES else "count"


def summary_items(plan: Plan, review: Review) -> list[tuple[str, Value]]:
    """The Summary sheet's figures, label and value, top to bottom."""
    revenue = review.measures[0]
    return [
        (labels.PLAN, ("text", plan.name)),
        (labels.PERIOD_START, ("date", review.period_start)),
        (labels.PERIOD_END, ("date", review.period_end)),
        (words.AS_OF, ("date", review.as_of)),
        (words.ELAPSED_DAYS, ("count", review.elapsed_days)),
        (labels.PERIOD_DAYS, ("count", review.period_days)),
        (words.RESULTS_UNTIL, ("date", review.actuals_until)),
        (labels.REVENUE_TARGET, ("money", target(plan))),
        (words.PLANNED_REVENUE_TO_DATE, ("money", revenue.planned_to_date)),
        (words.REVENUE_TO_DATE, ("money", revenue.actual_to_date)),
        (words.REVENUE_GAP, ("money", review.revenue_gap)),
        (words.ATTAINMENT, ("percent", review.attainment)),
        (words.FORECAST_LOW, ("money", review.forecast.p10)),
        (words.FORECAST_LIKELY, ("money", review.forecast.p50)),
        (words.FORECAST_HIGH, ("money", review.forecast.p90)),
        (words.CHANCE_OF_TARGET, ("percent", review.probability_of_target)),
    ]


def write_summary(sheet: Sheet, plan: Plan, review: Review) -> None:
    """The headline figures, then the notes."""
    sheet.title(0, words.REVIEW_TITLE, plan=plan.name)
    row = sheet.pairs(2, summary_items(plan, review))
    if review.notes:
        sheet.label(row + 1, 0, words.NOTES_TITLE, sheet.styles.section)
        for offset, note in enumerate(review.notes, start=row + 2):
            sheet.worksheet.write_string(
                offset, 0, neutralise(sheet.words.note(note)), sheet.styles.note
            )
    sheet.fit_columns()


def variance_rows(review: Review, text: Words) -> list[list[Value]]:
    """Every measure, then every stage: planned, actual, variance, %, attainment, status."""
    rows = [
        _variance_cells(text.measure(item.measure), _amount_kind(item.measure), item, text)
        for item in review.measures
    ]
    rows += [_variance_cells(item.name, "count", item, text) for item in review.stages]
    return rows


def _variance_cells(
    name: str, kind: str, item: MeasureVariance | StageVariance, text: Words
) -> list[Value]:
    return [
        ("text", name),
        (kind, item.planned_to_date),
        (kind, item.actual_to_date),
        (kind, item.variance),
        ("signed_percent", item.variance_pct),
        ("percent", item.attainment),
        ("text", text.status(item.status)),
    ]


VARIANCE_HEADER = (
    words.MEASURE,
    words.PLANNED_TO_DATE,
    words.ACTUAL,
    words.VARIANCE,
    words.VARIANCE_PERCENT,
    words.ATTAINMENT,
    words.STATUS,
)
STATUS_COLUMN = VARIANCE_HEADER.index(words.STATUS)
VARIANCE_FIRST_ROW = 2
"""The variance table's header row (0-based); its rows follow."""


def write_variance(sheet: Sheet, review: Review) -> None:
    """The variance table, its status column coloured by the status word."""
    sheet.title(0, words.VARIANCE_TITLE)
    rows = variance_rows(review, sheet.words)
    sheet.table(VARIANCE_FIRST_ROW, sheet.header(*VARIANCE_HEADER), rows)
    first, last = VARIANCE_FIRST_ROW + 1, VARIANCE_FIRST_ROW + len(rows)
    for status, fill in sheet.styles.fills.items():
        sheet.worksheet.conditional_format(
            first,
            STATUS_COLUMN,
            last,
            STATUS_COLUMN,
            {
                "type": "cell",
                "criteria": "==",
                "value": formula_text(sheet.words.status(status)),
                "format": fill,
            },
        )
    sheet.fit_columns()


def conversion_rows(review: Review, text: Words) -> list[list[Value]]:
    """Each step into a stage: planned rate, actual rate, their difference."""
    rows: list[list[Value]] = []
    for above, item in zip(review.stages, review.stages[1:], strict=False):
        planned, actual = item.planned_rate, item.actual_rate
        difference = None if planned is None or actual is None else actual - planned
        step = text(words.STEP_NAME, before=above.name, after=item.name)
        rows.append(
            [
                ("text", step),
                ("percent", planned),
                ("percent", actual),
                ("signed_percent", difference),
            ]
        )
    return rows


def write_conversion(sheet: Sheet, review: Review) -> None:
    """Planned against actual conversion at every step."""
    sheet.title(0, words.CONVERSION_TITLE)
    header = sheet.header(words.STEP, words.PLANNED, words.ACTUAL, words.DIFFERENCE)
    sheet.table(2, header, conversion_rows(review, sheet.words))
    sheet.fit_columns()


ATTRIBUTION_FIRST_ROW = 2


def write_attribution(sheet: Sheet, review: Review) -> None:
    """The gap by driver, and a total row that sums them: the revenue gap to date."""
    sheet.title(0, words.ATTRIBUTION_TITLE)
    names = sheet.words.drivers(review.attribution)
    rows: list[list[Value]] = [
        [("text", name), ("money", part.amount)]
        for name, part in zip(names, review.attribution, strict=True)
    ]
    header = sheet.header(words.DRIVER, words.PART_OF_GAP)
    total_row = sheet.table(ATTRIBUTION_FIRST_ROW, header, rows)
    sheet.label(total_row, 0, words.REVENUE_GAP, sheet.styles.total)
    style = sheet.styles.value("money", total=True)
    if rows:
        first = xl_rowcol_to_cell(ATTRIBUTION_FIRST_ROW + 1, 1)
        last = xl_rowcol_to_cell(total_row - 1, 1)
        sheet.worksheet.write_formula(
            total_row, 1, f"=SUM({first}:{last})", style, review.revenue_gap
        )
    else:
        sheet.value(total_row, 1, ("money", review.revenue_gap), total=True)
    sheet.note(total_row + 2, words.ATTRIBUTION_NOTE if rows else words.NO_GAP)
    sheet.fit_columns()


def forecast_items(plan: Plan, review: Review) -> list[tuple[str, Value]]:
    """The forecast's figures, label and value."""
    result = review.forecast
    return [
        (words.FORECAST_LOW, ("money", result.p10)),
        (words.FORECAST_LIKELY, ("money", result.p50)),
        (words.FORECAST_HIGH, ("money", result.p90)),
        (words.FORECAST_MEAN, ("money", result.mean)),
        (words.TARGET, ("money", target(plan))),
        (words.CHANCE_OF_TARGET, ("percent", result.probability_of_target)),
        (words.TRIALS, ("count", result.trials)),
        (words.SEED, ("count", result.seed)),
        (words.REMAINING_DAYS, ("count", result.remaining_days)),
    ]


def write_forecast(sheet: Sheet, plan: Plan, review: Review) -> None:
    """The forecast's quantiles, then the daily pacing path."""
    sheet.title(0, words.FORECAST_TITLE)
    row = sheet.pairs(2, forecast_items(plan, review))
    result = review.forecast
    sheet.note(
        row,
        words.FORECAST_NOTE,
        trials=sheet.words.formats.count(result.trials),
        days=sheet.words.formats.count(result.remaining_days),
        seed=str(result.seed),
    )
    sheet.label(row + 2, 0, words.PACING_TITLE, sheet.styles.section)
    header = sheet.header(
        words.DAY,
        words.PLAN_TO_DATE,
        words.ACTUAL,
        words.FORECAST_P10,
        words.FORECAST_P50,
        words.FORECAST_P90,
    )
    rows: list[list[Value]] = [
        [
            ("date", point.day),
            ("money", point.plan),
            ("money", point.actual),
            ("money", point.forecast_p10),
            ("money", point.forecast_p50),
            ("money", point.forecast_p90),
        ]
        for point in review.pacing
    ]
    sheet.table(row + 3, header, rows)
    sheet.fit_columns()


def lever_kind(lever: str, plan: Plan) -> str:
    """How a lever's value reads: a rate in percent, order value in money, traffic counted."""
    if lever in {stage.name for stage in plan.stages}:
        return "percent"
    if lever == ORDER_VALUE:
        return "money"
    return "pace" if lever == TRAFFIC else "decimal"


def week_rows(review: Review) -> list[list[Value]]:
    """The catch-up plan's weeks: dates, days, traffic, new customers, orders, budget."""
    return [
        [
            ("date", week.start),
            ("date", week.end),
            ("count", week.days),
            ("count", week.traffic),
            ("count", week.new_customers),
            ("pace", week.orders),
            ("money", week.budget),
        ]
        for week in review.catch_up.weeks
    ]


def lever_rows(review: Review, text: Words) -> list[list[Value]]:
    """Each single lever that would close the gap: now, needed, by how much, possible."""
    rows: list[list[Value]] = []
    for lever in review.catch_up.levers:
        kind = lever_kind(lever.lever, text.plan)
        rows.append(
            [
                ("text", text.lever(lever.lever)),
                (kind, lever.current),
                (kind, lever.needed),
                ("signed_percent", lever.change),
                ("text", text.possible(lever)),
            ]
        )
    return rows


def write_catch_up(sheet: Sheet, plan: Plan, review: Review) -> None:
    """What the remaining days need: the totals, week by week, and lever by lever."""
    needs = review.catch_up
    sheet.title(0, words.CATCH_UP_TITLE)
    row = sheet.pairs(
        2,
        [
            (words.REMAINING_TARGET, ("money", needs.remaining_target)),
            (words.REMAINING_DAYS, ("count", needs.remaining_days)),
        ],
    )
    if needs.reached or needs.result is None:
        sheet.note(row + 1, words.TARGET_REACHED if needs.reached else words.NO_DAYS_LEFT)
        row += 2
    if needs.weeks:
        sheet.label(row + 1, 0, words.WEEKS_TITLE, sheet.styles.section)
        header = [
            *sheet.header(words.WEEK_START, words.WEEK_END, words.DAYS),
            plan.stages[0].name,
            *sheet.header(labels.NEW_CUSTOMERS, labels.ORDERS, words.BUDGET),
        ]
        row = sheet.table(row + 2, header, week_rows(review))
    if needs.levers:
        sheet.label(row + 1, 0, words.LEVERS_TITLE, sheet.styles.section)
        header = sheet.header(words.CHANGE, words.NOW, words.NEEDED, words.BY, words.POSSIBLE)
        sheet.table(row + 2, header, lever_rows(review, sheet.words))
    sheet.fit_columns()


def actuals_rows(daily: Daily, columns: Sequence[str]) -> list[list[Value]]:
    """One row per day: the day, then each column's value (blank where not counted)."""
    kinds = [_amount_kind(column) for column in columns]
    return [
        [("date", day)]
        + [(kind, values.get(column)) for kind, column in zip(kinds, columns, strict=True)]
        for day, values in daily
    ]


def write_actuals(sheet: Sheet, daily: Daily | None) -> None:
    """The daily results as given: a day per row, a column per stage or measure."""
    sheet.title(0, words.ACTUALS_TITLE)
    if not daily:
        sheet.note(2, words.NO_ACTUALS)
        return
    columns = actuals_columns(daily)
    header = [sheet.words(words.DAY), *(sheet.words.measure(column) for column in columns)]
    sheet.table(2, header, actuals_rows(daily, columns))
    sheet.worksheet.freeze_panes(3, 1)
    sheet.fit_columns()


INPUT_KINDS = {"unit_money": "unit_money", "orders": "orders"}


def plan_items(plan: Plan) -> list[tuple[str, Value]]:
    """The plan's inputs as the plan workbook's Inputs sheet lists them (``files.workbook``)."""
    rows: Iterable[InputRow] = [
        *plan_inputs(plan),
        *returning_inputs(plan),
        *cost_inputs(plan),
    ]
    items: list[tuple[str, Value]] = [
        (labels.PLAN, ("text", plan.name)),
        (labels.DESCRIPTION, ("text", plan.description)),
        (labels.CURRENCY, ("text", plan.currency)),
    ]
    for row in rows:
        value = "" if row.kind == "text" and row.value is None else row.value
        items.append((row.label, (row.kind, value)))
    return items


def write_plan(sheet: Sheet, plan: Plan) -> None:
    """The plan's inputs, then its stages and their conversion rates."""
    sheet.title(0, words.PLAN_TITLE)
    row = sheet.pairs(2, plan_items(plan))
    header = sheet.header(labels.STAGE, labels.CONVERSION_RATE)
    rows: list[list[Value]] = [
        [("text", stage.name), ("percent", stage.conversion_rate)] for stage in plan.stages
    ]
    sheet.table(row + 1, header, rows)
    sheet.fit_columns()


# --- The workbook -----------------------------------------------------------------------------


def review_workbook(
    plan: Plan, review: Review, formats: Formats, *, daily: Daily | None = None
) -> bytes:
    """The review as an ``.xlsx`` file (see the module docstring); ``daily``: the results."""
    if daily:
        check_fits("daily", len(daily) + 3, len(actuals_columns(daily)) + 1)
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS)
    text = Words(plan, formats)
    styles = Styles(workbook, review.currency, formats)

    def sheet(message: str) -> Sheet:
        worksheet = workbook.add_worksheet(sheet_name(text(message)))
        if is_right_to_left(formats.language):
            worksheet.right_to_left()
        return Sheet(worksheet, text, styles)

    write_summary(sheet(words.SUMMARY_SHEET), plan, review)
    write_variance(sheet(words.VARIANCE_SHEET), review)
    write_conversion(sheet(words.CONVERSION_SHEET), review)
    write_attribution(sheet(words.ATTRIBUTION_SHEET), review)
    write_forecast(sheet(words.FORECAST_SHEET), plan, review)
    write_catch_up(sheet(words.CATCH_UP_SHEET), plan, review)
    write_actuals(sheet(words.ACTUALS_SHEET), daily)
    write_plan(sheet(words.PLAN_SHEET), plan)
    workbook.close()
    return buffer.getvalue()


# --- The printable page -----------------------------------------------------------------------

CSS = """
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "Segoe UI", "Noto Sans", "Noto Sans Arabic", Arial, sans-serif;
  font-size: 10.5pt; color: #1f1f1f; margin: 0 auto; max-width: 190mm; line-height: 1.4; }
h1 { font-size: 18pt; margin: 0 0 2pt; }
h2 { font-size: 13pt; margin: 16pt 0 6pt; border-bottom: 1px solid #BFBFBF; }
h3 { font-size: 11pt; margin: 10pt 0 4pt; }
.subtitle, .note { color: #595959; }
.note { font-style: italic; font-size: 9.5pt; }
.figures { display: grid; grid-template-columns: repeat(4, 1fr); gap: 6pt; margin: 10pt 0; }
.figure { border: 1px solid #D9D9D9; border-radius: 4pt; padding: 5pt 7pt; }
.figure .label { font-size: 8.5pt; color: #595959; }
.figure .value { font-size: 13pt; font-weight: 600; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0 8pt; }
th, td { padding: 2.5pt 5pt; border-bottom: 1px solid #E7E7E7; text-align: start; }
th { background: #D9E1F2; font-weight: 600; }
td.num, th.num { text-align: end; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.total td { font-weight: 700; border-top: 1px solid #7F7F7F; }
.status-green { background: #C6EFCE; color: #006100; }
.status-amber { background: #FFEB9C; color: #9C5700; }
.status-red { background: #FFC7CE; color: #9C0006; }
.legend { list-style: none; padding: 0; margin: 2pt 0; font-size: 9pt; }
.legend li { display: inline-block; margin-inline-end: 12pt; }
.swatch { display: inline-block; width: 14pt; height: 3pt; vertical-align: middle;
  margin-inline-end: 4pt; }
svg { display: block; max-width: 100%; height: auto; }
svg text { font-size: 10px; fill: #404040; }
@media print {
  body { max-width: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  section { break-inside: avoid; }
  section.long { break-inside: auto; }
  h2 { break-after: avoid; }
  tr { break-inside: avoid; }
  thead { display: table-header-group; }
}
"""
"""The page's style: A4 with margins, tables and figures that keep together when printed."""

POSITIVE_BAR = "#548235"
NEGATIVE_BAR = "#C00000"
TOTAL_BAR = "#404040"
PLAN_LINE = "#7F7F7F"
ACTUAL_LINE = "#2F5597"
FORECAST_LINE = "#C55A11"
BAND_FILL = "#F8CBAD"
TARGET_LINE = "#C00000"
CHART_WIDTH = 640
BAR_ROW = 24
BAR_LABEL_WIDTH = 210
BAR_VALUE_ROOM = 90  # a bar's amount is written beyond its end
PACING_HEIGHT = 240
PACING_MARGIN = (12, 16, 26, 84)  # top, far side, bottom, the side with the amounts


def esc(text: object) -> str:
    """Any text as HTML: ``<``, ``>``, ``&`` and both quotes escaped."""
    return html.escape(str(text), quote=True)


@dataclass(frozen=True)
class Page:
    """What the page's sections need: the words, and numbers as the reader reads them."""

    words: Words
    currency: str

    @property
    def formats(self) -> Formats:
        """The reader's number formats."""
        return self.words.formats

    @property
    def right_to_left(self) -> bool:
        """Whether the reader reads right to left."""
        return is_right_to_left(self.formats.language)

    def money(self, amount: float | None) -> str:
        """Money in the plan's currency; "—" for none."""
        return self.formats.money(finite(amount), self.currency)

    def signed_money(self, amount: float | None) -> str:
        """Money with its sign: "+$1,200", "−$300"."""
        amount = finite(amount)
        if amount is None or round(amount, 2) == 0:
            return self.money(0.0 if amount is not None else None)
        return ("+" if amount > 0 else "") + self.money(amount)

    def percent(self, fraction: float | None) -> str:
        """A fraction as a percentage; "—" for none."""
        return self.formats.percent(finite(fraction))

    def signed_percent(self, fraction: float | None) -> str:
        """A percentage with its sign: "+9.35%", "−13.87%"."""
        fraction = finite(fraction)
        if fraction is None:
            return self.percent(None)
        text = self.percent(abs(fraction))
        if round(fraction, 4) == 0:
            return text
        return ("+" if fraction > 0 else "−") + text

    def count(self, value: float | None) -> str:
        """A count with separators; "—" for none."""
        return self.formats.count(finite(value))

    def signed_count(self, value: float | None) -> str:
        """A count with its sign."""
        value = finite(value)
        if value is None or round(value) == 0:
            return self.count(None if value is None else abs(value))
        return ("+" if value > 0 else "−") + self.count(abs(value))

    def amount(self, kind: str, value: float | None) -> str:
        """A value of the workbook's ``kind`` as the reader reads it."""
        if kind in {"money", "unit_money"}:
            return self.money(value)
        if kind == "percent":
            return self.percent(value)
        if kind in {"decimal", "orders"}:
            value = finite(value)
            return NOTHING if value is None else self.formats.number(round(value, 2))
        return self.count(value)

    def day(self, value: date | None) -> str:
        """A date in the reader's language; "—" for none."""
        return NOTHING if value is None else self.formats.date(value)


Cell = str | tuple[str, str]
"""A table cell of the page: text, or (text, CSS class)."""


def html_table(
    header: Sequence[Cell], rows: Sequence[Sequence[Cell]], *, total: bool = False
) -> str:
    """A table of escaped text; ``total``: the last row is a total."""

    def cell(tag: str, value: Cell) -> str:
        text, css = (value, "") if isinstance(value, str) else value
        attribute = f' class="{esc(css)}"' if css else ""
        return f"<{tag}{attribute}>{esc(text)}</{tag}>"

    head = "".join(cell("th", title) for title in header)
    body = []
    for index, row in enumerate(rows):
        is_total = total and index == len(rows) - 1
        css = ' class="total"' if is_total else ""
        body.append(f"<tr{css}>" + "".join(cell("td", value) for value in row) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def number(text: str) -> Cell:
    """A cell holding a number: aligned to the end, digits in columns."""
    return (text, "num")


def figures_html(items: Sequence[tuple[str, str]]) -> str:
    """Headline figures as boxes: a label over a value."""
    boxes = "".join(
        f'<div class="figure"><div class="label">{esc(label)}</div>'
        f'<div class="value">{esc(value)}</div></div>'
        for label, value in items
    )
    return f'<div class="figures">{boxes}</div>'


def section(title: str, *parts: str, long: bool = False) -> str:
    """A titled section; a ``long`` one may break across pages."""
    css = ' class="long"' if long else ""
    return f"<section{css}><h2>{esc(title)}</h2>{''.join(parts)}</section>"


def paragraph(text: str, css: str = "note") -> str:
    """A paragraph of escaped text."""
    return f'<p class="{css}">{esc(text)}</p>'


def headline_html(page: Page, plan: Plan, review: Review) -> str:
    """The title, the period, and the headline figures."""
    t = page.words
    revenue = review.measures[0]
    title = t(words.REVIEW_TITLE, plan=plan.name)
    subtitle = t(
        words.REVIEW_SUBTITLE,
        start=page.day(review.period_start),
        end=page.day(review.period_end),
        as_of=page.day(review.as_of),
    )
    figures = figures_html(
        [
            (t(words.REVENUE_TO_DATE), page.money(revenue.actual_to_date)),
            (t(words.PLANNED_REVENUE_TO_DATE), page.money(revenue.planned_to_date)),
            (t(words.ATTAINMENT), page.percent(review.attainment)),
            (t(words.REVENUE_GAP), page.signed_money(review.revenue_gap)),
            (t(labels.REVENUE_TARGET), page.money(target(plan))),
            (t(words.FORECAST_LIKELY), page.money(review.forecast.p50)),
            (t(words.CHANCE_OF_TARGET), page.percent(review.probability_of_target)),
            (
                t(words.ELAPSED_DAYS),
                t(
                    words.ELAPSED_OF,
                    elapsed=page.count(review.elapsed_days),
                    days=page.count(review.period_days),
                ),
            ),
        ]
    )
    until = t(words.RESULTS_UNTIL) + ": " + page.day(review.actuals_until)
    return (
        f"<header><h1>{esc(title)}</h1>{paragraph(subtitle, 'subtitle')}"
        f"{paragraph(until, 'subtitle')}</header>{figures}"
    )


def notes_html(page: Page, review: Review) -> str:
    """The review's notes as a list; nothing without notes."""
    if not review.notes:
        return ""
    items = "".join(f"<li>{esc(page.words.note(note))}</li>" for note in review.notes)
    return section(page.words(words.NOTES_TITLE), f"<ul>{items}</ul>")


def variance_html(page: Page, review: Review) -> str:
    """The variance table, each status a coloured word."""
    t = page.words

    def row(name: str, money_like: bool, item: MeasureVariance | StageVariance) -> list[Cell]:
        amount = page.money if money_like else page.count
        signed = page.signed_money if money_like else page.signed_count
        status = (t.status(item.status), f"status-{item.status}") if item.status else NOTHING
        return [
            name,
            number(amount(item.planned_to_date)),
            number(amount(item.actual_to_date)),
            number(signed(item.variance)),
            number(page.signed_percent(item.variance_pct)),
            number(page.percent(item.attainment)),
            status,
        ]

    rows = [
        row(t.measure(item.measure), item.measure in words.MONEY_MEASURES, item)
        for item in review.measures
    ]
    rows += [row(item.name, False, item) for item in review.stages]
    header: list[Cell] = [t(words.MEASURE)]
    header += [number(t(title)) for title in VARIANCE_HEADER[1:-1]]
    header.append(t(words.STATUS))
    return section(t(words.VARIANCE_TITLE), html_table(header, rows))


def conversion_html(page: Page, review: Review) -> str:
    """Each step's planned and actual conversion."""
    t = page.words
    rows: list[list[Cell]] = []
    for above, item in zip(review.stages, review.stages[1:], strict=False):
        planned, actual = item.planned_rate, item.actual_rate
        difference = None if planned is None or actual is None else actual - planned
        rows.append(
            [
                t(words.STEP_NAME, before=above.name, after=item.name),
                number(page.percent(planned)),
                number(page.percent(actual)),
                number(page.signed_percent(difference)),
            ]
        )
    if not rows:
        return ""
    header = [
        t(words.STEP),
        *(number(t(w)) for w in (words.PLANNED, words.ACTUAL, words.DIFFERENCE)),
    ]
    return section(t(words.CONVERSION_TITLE), html_table(header, rows))


def attribution_html(page: Page, review: Review) -> str:
    """The gap by driver: bars from a zero line, then the parts and their total in a table."""
    t = page.words
    if not review.attribution:
        return section(t(words.ATTRIBUTION_TITLE), paragraph(t(words.NO_GAP)))
    names = t.drivers(review.attribution)
    bars = [(name, part.amount) for name, part in zip(names, review.attribution, strict=True)]
    total = (t(words.REVENUE_GAP), review.revenue_gap)
    rows: list[list[Cell]] = [[name, number(page.signed_money(amount))] for name, amount in bars]
    rows.append([total[0], number(page.signed_money(total[1]))])
    table = html_table([t(words.DRIVER), number(t(words.PART_OF_GAP))], rows, total=True)
    chart = bar_chart(page, [*bars, total])
    return section(t(words.ATTRIBUTION_TITLE), chart, table, paragraph(t(words.ATTRIBUTION_NOTE)))


def bar_chart(page: Page, bars: Sequence[tuple[str, float]]) -> str:
    """Horizontal bars from a zero line, one per (label, amount), the last one the total.

    Labels sit on the reading side: left in English, right (and the chart mirrored) in Arabic.
    """
    amounts = [finite(amount) or 0.0 for _, amount in bars]
    low, high = min(0.0, *amounts), max(0.0, *amounts)
    span = (high - low) or 1.0
    left = BAR_LABEL_WIDTH + BAR_VALUE_ROOM
    width = CHART_WIDTH - left - BAR_VALUE_ROOM

    def x(value: float) -> float:
        position = left + (value - low) / span * width
        return CHART_WIDTH - position if page.right_to_left else position

    height = BAR_ROW * len(bars) + 8
    parts = [f'<line x1="{x(0):.1f}" y1="0" x2="{x(0):.1f}" y2="{height}" stroke="#7F7F7F" />']
    label_x = CHART_WIDTH - BAR_LABEL_WIDTH + 6 if page.right_to_left else BAR_LABEL_WIDTH - 6
    for index, ((label, _), amount) in enumerate(zip(bars, amounts, strict=True)):
        top = 4 + index * BAR_ROW
        middle = top + BAR_ROW / 2 + 3.5
        colour = (
            TOTAL_BAR if index == len(bars) - 1 else (POSITIVE_BAR if amount >= 0 else NEGATIVE_BAR)
        )
        start, end = sorted((x(0), x(amount)))
        grows_right = (amount >= 0) != page.right_to_left
        value_x = end + 4 if grows_right else start - 4
        anchor = "start" if grows_right else "end"
        if page.right_to_left:  # in right-to-left text "start" is the right edge
            anchor = "end" if anchor == "start" else "start"
        parts += [
            f'<text x="{label_x:.1f}" y="{middle:.1f}" text-anchor="end">{esc(label)}</text>',
            f'<rect x="{start:.1f}" y="{top + 4}" width="{max(end - start, 0.5):.1f}" '
            f'height="{BAR_ROW - 8}" fill="{colour}" />',
            f'<text x="{value_x:.1f}" y="{middle:.1f}" text-anchor="{anchor}">'
            f"{esc(page.signed_money(amount))}</text>",
        ]
    return svg(height, parts, page.right_to_left)


def svg(height: float, parts: Iterable[str], right_to_left: bool) -> str:
    """An inline SVG of the chart's width, text in the reader's direction."""
    direction = "rtl" if right_to_left else "ltr"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {CHART_WIDTH} {height:.0f}" '
        f'width="{CHART_WIDTH}" height="{height:.0f}" direction="{direction}" role="img">'
        + "".join(parts)
        + "</svg>"
    )


def forecast_html(page: Page, plan: Plan, review: Review) -> str:
    """The forecast's quantiles and chance, the pacing chart and its legend."""
    t = page.words
    result = review.forecast
    figures = figures_html(
        [
            (t(words.FORECAST_LOW), page.money(result.p10)),
            (t(words.FORECAST_LIKELY), page.money(result.p50)),
            (t(words.FORECAST_HIGH), page.money(result.p90)),
            (t(words.CHANCE_OF_TARGET), page.percent(result.probability_of_target)),
        ]
    )
    note = t(
        words.FORECAST_NOTE,
        trials=page.count(result.trials),
        days=page.count(result.remaining_days),
        seed=str(result.seed),
    )
    chart = pacing_chart(page, plan, review)
    legend = "".join(
        f'<li><span class="swatch" style="background:{colour}"></span>{esc(t(message))}</li>'
        for colour, message in (
            (PLAN_LINE, words.PLAN_TO_DATE),
            (ACTUAL_LINE, words.ACTUAL),
            (FORECAST_LINE, words.FORECAST_P50),
            (BAND_FILL, words.FORECAST_BAND),
            (TARGET_LINE, words.TARGET),
        )
    )
    return section(
        t(words.FORECAST_TITLE),
        figures,
        paragraph(note),
        f"<h3>{esc(t(words.PACING_TITLE))}</h3>",
        chart,
        f'<ul class="legend">{legend}</ul>',
    )


def pacing_chart(page: Page, plan: Plan, review: Review) -> str:
    """Cumulative revenue by day: the plan, the actual, the forecast's median and band."""
    points = review.pacing
    if not points:
        return ""
    top, far, bottom, near = PACING_MARGIN
    values = [target(plan)] + [
        finite(value) or 0.0
        for point in points
        for value in (point.plan, point.actual, point.forecast_p90)
    ]
    ceiling = max(max(values), 1.0) * 1.05
    inner_width = CHART_WIDTH - near - far
    inner_height = PACING_HEIGHT - top - bottom
    last = max(len(points) - 1, 1)

    def x(index: int) -> float:
        position = near + index / last * inner_width
        return CHART_WIDTH - position if page.right_to_left else position

    def y(value: float) -> float:
        return top + (1 - max(value, 0.0) / ceiling) * inner_height

    def line(series: Sequence[float | None], colour: str, dash: str = "") -> str:
        known = [(index, finite(value)) for index, value in enumerate(series)]
        coords = [f"{x(index):.1f},{y(value):.1f}" for index, value in known if value is not None]
        if len(coords) < 2:
            return ""
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        return (
            f'<polyline points="{" ".join(coords)}" fill="none" stroke="{colour}" '
            f'stroke-width="2"{extra} />'
        )

    band = [
        (index, point.forecast_p10, point.forecast_p90)
        for index, point in enumerate(points)
        if finite(point.forecast_p10) is not None and finite(point.forecast_p90) is not None
    ]
    parts = []
    if len(band) > 1:
        upper = [f"{x(i):.1f},{y(high or 0.0):.1f}" for i, _, high in band]
        lower = [f"{x(i):.1f},{y(low or 0.0):.1f}" for i, low, _ in reversed(band)]
        parts.append(f'<polygon points="{" ".join(upper + lower)}" fill="{BAND_FILL}" />')
    goal = y(target(plan))
    axis_x = x(0)
    label_anchor = "start" if page.right_to_left else "end"
    label_x = axis_x + 6 if page.right_to_left else axis_x - 6
    if page.right_to_left:
        label_anchor = "end"  # right-to-left text: "end" is its left edge
    parts += [
        f'<line x1="{x(0):.1f}" y1="{goal:.1f}" x2="{x(last):.1f}" y2="{goal:.1f}" '
        f'stroke="{TARGET_LINE}" stroke-dasharray="2 3" />',
        f'<line x1="{x(0):.1f}" y1="{y(0):.1f}" x2="{x(last):.1f}" y2="{y(0):.1f}" '
        'stroke="#7F7F7F" />',
        line([point.plan for point in points], PLAN_LINE, "5 4"),
        line([point.actual for point in points], ACTUAL_LINE),
        line([point.forecast_p50 for point in points], FORECAST_LINE),
        f'<text x="{label_x:.1f}" y="{goal + 3.5:.1f}" text-anchor="{label_anchor}">'
        f"{esc(page.money(target(plan)))}</text>",
        f'<text x="{label_x:.1f}" y="{y(0) + 3.5:.1f}" text-anchor="{label_anchor}">'
        f"{esc(page.money(0.0))}</text>",
        f'<text x="{x(0):.1f}" y="{PACING_HEIGHT - 8}" text-anchor="start">'
        f"{esc(page.formats.short_date(points[0].day))}</text>",
        f'<text x="{x(last):.1f}" y="{PACING_HEIGHT - 8}" text-anchor="end">'
        f"{esc(page.formats.short_date(points[-1].day))}</text>",
    ]
    return svg(PACING_HEIGHT, parts, page.right_to_left)


def catch_up_html(page: Page, plan: Plan, review: Review) -> str:
    """What the remaining days need: week by week, then lever by lever."""
    t = page.words
    needs = review.catch_up
    parts = [
        figures_html(
            [
                (t(words.REMAINING_TARGET), page.money(needs.remaining_target)),
                (t(words.REMAINING_DAYS), page.count(needs.remaining_days)),
            ]
        )
    ]
    if needs.reached or needs.result is None:
        parts.append(paragraph(t(words.TARGET_REACHED if needs.reached else words.NO_DAYS_LEFT)))
    if needs.weeks:
        header: list[Cell] = [t(words.WEEK_START), t(words.WEEK_END)]
        header += [number(t(words.DAYS)), number(plan.stages[0].name)]
        header += [number(t(m)) for m in (labels.NEW_CUSTOMERS, labels.ORDERS, words.BUDGET)]
        rows: list[list[Cell]] = [
            [
                page.day(week.start),
                page.day(week.end),
                number(page.count(week.days)),
                number(page.count(week.traffic)),
                number(page.count(week.new_customers)),
                number(page.count(week.orders)),
                number(page.money(week.budget)),
            ]
            for week in needs.weeks
        ]
        parts += [f"<h3>{esc(t(words.WEEKS_TITLE))}</h3>", html_table(header, rows)]
    if needs.levers:
        parts += [f"<h3>{esc(t(words.LEVERS_TITLE))}</h3>", levers_table(page, plan, review)]
    return section(t(words.CATCH_UP_TITLE), *parts, long=True)


def levers_table(page: Page, plan: Plan, review: Review) -> str:
    """Each single lever: its value now, the value needed, the change, whether possible."""
    t = page.words
    rows: list[list[Cell]] = []
    for lever in review.catch_up.levers:
        kind = lever_kind(lever.lever, plan)
        rows.append(
            [
                t.lever(lever.lever),
                number(page.amount(kind, lever.current)),
                number(page.amount(kind, lever.needed)),
                number(page.signed_percent(lever.change)),
                t.possible(lever),
            ]
        )
    header: list[Cell] = [t(words.CHANGE), number(t(words.NOW)), number(t(words.NEEDED))]
    header += [number(t(words.BY)), t(words.POSSIBLE)]
    return html_table(header, rows)


def plan_html(page: Page, plan: Plan) -> str:
    """The plan's inputs, then its stages."""
    t = page.words
    rows: list[list[Cell]] = []
    for message, (kind, value) in plan_items(plan):
        if kind == "text":
            shown = str(value) if value else NOTHING
        elif kind == "date":
            shown = page.day(value)
        else:
            shown = page.amount(kind, value)
        rows.append([t(message), shown])
    stages: list[list[Cell]] = [
        [stage.name, number(page.percent(stage.conversion_rate))] for stage in plan.stages
    ]
    return section(
        t(words.PLAN_TITLE),
        html_table([t(labels.METRIC), t(labels.VALUE)], rows),
        html_table([t(labels.STAGE), number(t(labels.CONVERSION_RATE))], stages),
    )


def review_html(plan: Plan, review: Review, formats: Formats) -> str:
    """The review as one printable, self-contained HTML page (see the module docstring)."""
    page = Page(Words(plan, formats), review.currency)
    language = formats.language
    direction = "rtl" if page.right_to_left else "ltr"
    title = page.words(words.REVIEW_TITLE, plan=plan.name)
    body = "".join(
        [
            headline_html(page, plan, review),
            notes_html(page, review),
            variance_html(page, review),
            conversion_html(page, review),
            attribution_html(page, review),
            forecast_html(page, plan, review),
            catch_up_html(page, plan, review),
            plan_html(page, plan),
        ]
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{esc(language)}" dir="{direction}">\n<head>\n'
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )
