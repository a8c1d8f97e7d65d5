"""The plan as a live Excel workbook: its inputs, and the funnel as formulas over them.

Two sheets, labelled in the reader's language (right to left in Arabic):

- *Inputs*: everything the plan says, each number in a yellow input cell with a defined name
  (``RevenueTarget``, ``AverageOrderValue``, ``PaidStage``...), then the stages with their
  conversion rates and the acquisition cost. Text cells are formatted as text, so a name
  typed there later stays a name.
- *Funnel*: what the planner works out, as formulas over the inputs: the period's days, weeks
  and months, returning revenue, new customers, orders, revenue, the paid units, impressions,
  budget, CAC, ROAS, MER and contribution; then one row per stage with its rate, the share of
  it that reaches the last stage, the count before and after rounding up, the pace per month
  and per week, and the cost per unit; and a column chart of the counts. Change any input and
  every number follows, as the planner would have it.

Every formula carries the planner's own number as its cached value, so a viewer that shows
files without recalculating still shows the plan; Excel and LibreOffice recalculate and reach
the same numbers (``tests/files`` recalculates with an independent evaluator).

Rounding up without float noise. The planner reads every rate as the decimal it was typed as
and rounds up in exact fractions; a spreadsheet holds binary floats, so ``1 ÷ 0.3 ÷ 0.3``
carries an error of a few units in the last place, and a count that is exactly whole can
arrive as 1,000.0000000000001 and round up to 1,001. The error of at most eight stored
rates, multiplications and a division is below 2 × 8 × 2⁻⁵³ ≈ 1.8 × 10⁻¹⁵ of the value, so
each count is rounded up after taking ``ROUNDING_TOLERANCE`` (one part in 10¹⁴, several times
that bound) off it: a whole count never gains a unit, and a count a fraction above a whole
number still rounds up unless that fraction is under 10⁻¹⁴ of the count, which takes tens of
billions of units or rates with more significant digits than a spreadsheet keeps. The new
customers are rounded the same way, the tolerance taken from the target, since the noise of
target − returning revenue scales with the target, not with their difference. ``ROUND(x, 9)``
would not do: it is absolute, so a count of 97,656,250 computed as 97,656,250.00000001
(30,000,000 customers at a 30.72% rate) still gains a unit.

Dates are real Excel dates; like Excel itself, the Funnel's month count takes February 1900
for 29 days (Excel's 1900 leap-year bug), the only month where it differs from the planner.
Digits follow the reader's spreadsheet settings: a number stays a number, in any language.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from files import labels
from files.cells import neutralise
from i18n.catalogue import N_, translate
from i18n.formats import Formats
from i18n.languages import is_right_to_left
from i18n.numbers import currency_digits, currency_symbol
from planner.funnel import plan_backwards
from planner.models import Plan
from planner.results import PlanResult

ROUNDING_TOLERANCE = "1E-14"
"""The share of a value taken off before rounding it up; see the module's docstring."""

INPUTS_SHEET = N_("Inputs")
FUNNEL_SHEET = N_("Funnel")
INPUTS_TITLE = N_("Plan inputs")
INPUTS_LEGEND = N_("Yellow cells are inputs: change one and the Funnel sheet recalculates.")
GROSS_MARGIN_NOTE = N_("Leave empty for no contribution figure.")
RETURNING_VALUE_NOTE = N_("Leave empty to use the new customers' average order value.")
STAGES_SECTION = N_("Funnel stages")
RATE_HEADER = N_("Conversion from the stage before")
COST_NOTE = N_(
    "Give either the cost per unit, or the cost per 1,000 impressions with the click-through "
    "rate; leave them all empty to plan no budget."
)
FUNNEL_TITLE = N_("Funnel worked backwards from the revenue target")
MEASURE = N_("Measure")
CHART_TITLE = N_("Required at each stage")
ROUNDING_NOTE = N_(
    "Each count is the new customers ÷ the share of its stage that reaches the last stage, "
    "rounded up once to a whole unit. One part in 10¹⁴ is taken off first, so that the "
    "spreadsheet's rounding noise never adds a unit the exact plan does not need."
)
COVERED_NOTE = N_(
    "Returning customers already cover the target: no new customers, traffic or budget are needed."
)
NO_COST_NOTE = N_("No acquisition cost: enter one on the Inputs sheet to plan a budget.")

# Excel's limits: a sheet name has at most 31 characters and none of these (an apostrophe is
# allowed inside one, but a quoted reference to it trips other spreadsheet readers, so it goes
# too); a text constant in a formula has at most 255 characters.
_SHEET_NAME_LIMIT = 31
_NOT_IN_SHEET_NAMES = str.maketrans("", "", "[]:*?/\\'")
_FORMULA_TEXT_LIMIT = 255

_INPUT_FILL = "#FFF2CC"
_INPUT_BORDER = "#BF9000"
_HEADER_FILL = "#D9E1F2"
_NOTE_COLOUR = "#595959"
_MIN_WIDTH = 10
_MAX_WIDTH = 60
# The description spans columns B to F, about 50 characters a line at their widths.
_DESCRIPTION_LAST_COL = 5
_DESCRIPTION_LINE_CHARS = 50
_LINE_HEIGHT = 15  # points, Excel's default row
_MAX_ROW_HEIGHT = 409  # points, Excel's tallest row
_CHART_WIDTH = 640
_CHART_HEIGHT = 360

# Number formats by kind of value; money is built per currency.
_NUMBER_FORMATS = {
    "general": "General",
    "text": "@",
    "date": "yyyy-mm-dd",
    "count": "#,##0",
    "pace": "#,##0.0",
    "decimal": "#,##0.00",
    "orders": "#,##0.0#",
    "percent": "0.00##%",
    "share": "0.00####%",
    "ratio": '0.00"×"',
}


# --- Styles and sheets ------------------------------------------------------------------------


def money_format(currency: str, formats: Formats, *, extra_places: int = 0) -> str:
    """An Excel number format for amounts in ``currency``: its symbol and its decimals.

    ``"$"#,##0.00`` for USD in English, ``#,##0.000 "د.ك."`` for KWD in Arabic, ``"¥"#,##0``
    for JPY. ``extra_places`` adds optional decimals for prices per unit ($0.0023 a session).
    """
    places = currency_digits(currency)
    number = "#,##0" + ("." + "0" * places + "#" * extra_places if places else "")
    if formats.language == "en":
        symbol = currency_symbol(currency)
        prefix = symbol if symbol != currency else f"{currency} "
        return f'"{_unquoted(prefix)}"{number}'
    return f'{number}"\u00a0{_unquoted(formats.currency_symbol(currency))}"'


def _unquoted(text: str) -> str:
    return text.replace('"', "")


class _Styles:
    """The workbook's cell formats, made once each: a value's kind, as an input or a result."""

    def __init__(self, workbook: Workbook, currency: str, formats: Formats) -> None:
        self._workbook = workbook
        self._number_formats = {
            **_NUMBER_FORMATS,
            "money": money_format(currency, formats),
            "unit_money": money_format(currency, formats, extra_places=2),
        }
        self._made: dict[tuple[str, bool], Format] = {}
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.header = workbook.add_format(
            {"bold": True, "bg_color": _HEADER_FILL, "bottom": 1, "text_wrap": True}
        )
        self.section = workbook.add_format({"bold": True})
        self.note = workbook.add_format({"italic": True, "font_color": _NOTE_COLOUR})
        self.wrapped = workbook.add_format({"text_wrap": True, "valign": "top"})
        self.label = workbook.add_format({})

    def value(self, kind: str, *, is_input: bool = False) -> Format:
        """The format of a ``kind`` of value; inputs are filled yellow and framed."""
        key = (kind, is_input)
        if key not in self._made:
            properties: dict[str, Any] = {"num_format": self._number_formats[kind]}
            if is_input:
                properties |= {"bg_color": _INPUT_FILL, "border": 1, "border_color": _INPUT_BORDER}
            self._made[key] = self._workbook.add_format(properties)
        return self._made[key]


@dataclass
class _Sheet:
    """One worksheet, written cell by cell, remembering how wide each column must be."""

    worksheet: Worksheet
    name: str
    formats: Formats
    widths: dict[int, int] = field(default_factory=dict)

    def t(self, message: str, **params: Any) -> str:
        """``message`` in the reader's language."""
        return translate(self.formats.language, message, **params)

    def words(self, row: int, col: int, message: str, style: Format, *, fit: bool = True) -> None:
        """A label of ours, translated."""
        self.text(row, col, self.t(message), style, fit=fit)

    def text(self, row: int, col: int, text: str, style: Format, *, fit: bool = True) -> None:
        """Any text, made inert first: a spreadsheet never runs what a user typed."""
        self.worksheet.write_string(row, col, neutralise(text), style)
        if fit:
            self._fit(col, text)

    def number(self, row: int, col: int, value: float | None, style: Format, shown: str) -> None:
        """A number (an empty cell for none), ``shown`` as the reader will see it."""
        if value is None:
            self.worksheet.write_blank(row, col, None, style)
        else:
            self.worksheet.write_number(row, col, value, style)
        self._fit(col, shown)

    def day(self, row: int, col: int, value: date, style: Format) -> None:
        """A real Excel date."""
        self.worksheet.write_datetime(row, col, value, style)
        self._fit(col, value.isoformat())

    def formula(
        self, row: int, col: int, formula: str, style: Format, cached: Any, shown: str | None
    ) -> None:
        """A formula with the planner's value cached for viewers that don't recalculate.

        ``shown`` is the value as the reader sees it, to size the column; ``None`` for a note,
        which runs on over the empty cells beside it.
        """
        self.worksheet.write_formula(row, col, formula, style, "" if cached is None else cached)
        if shown is not None:
            self._fit(col, shown)

    def _fit(self, col: int, text: str) -> None:
        self.widths[col] = max(self.widths.get(col, _MIN_WIDTH), min(len(text) + 2, _MAX_WIDTH))

    def fit_columns(self) -> None:
        """Widen every column to its longest content, so no number shows as ####."""
        for col, width in self.widths.items():
            self.worksheet.set_column(col, col, width)

    def cell(self, row: int, col: int) -> str:
        """``'Inputs'!$B$5``: an absolute reference to a cell of this sheet from any sheet."""
        quoted = self.name.replace("'", "''")
        return f"'{quoted}'!{_absolute(row, col)}"


def _absolute(row: int, col: int) -> str:
    return xl_rowcol_to_cell(row, col, row_abs=True, col_abs=True)


def _range(first_row: int, last_row: int, col: int) -> str:
    return f"{_absolute(first_row, col)}:{_absolute(last_row, col)}"


def sheet_name(text: str) -> str:
    """A translated sheet name Excel accepts: none of Excel's forbidden characters, ≤ 31 long."""
    cleaned = text.translate(_NOT_IN_SHEET_NAMES).strip()[:_SHEET_NAME_LIMIT]
    return cleaned or "Sheet"


def formula_text(text: str) -> str:
    """Text as an Excel formula constant: quotes doubled, in parts of at most 255 characters.

    Excel refuses a longer constant; parts joined with ``&`` make one text of any length, and a
    doubled quote is never split between two parts.
    """
    parts, current = [], ""
    for character in text:
        piece = '""' if character == '"' else character
        if len(current) + len(piece) > _FORMULA_TEXT_LIMIT:
            parts.append(current)
            current = ""
        current += piece
    parts.append(current)
    return "&".join(f'"{part}"' for part in parts)


# --- The Inputs sheet -------------------------------------------------------------------------


@dataclass(frozen=True)
class InputRow:
    """One input: its label, its kind of value, the value, its defined name and a note."""

    label: str
    kind: str
    value: str | float | date | None
    name: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class InputsLayout:
    """Where the Inputs sheet put the stages (0-based rows; names in A, rates in B)."""

    stage_rows: tuple[int, ...]


def plan_inputs(plan: Plan) -> list[InputRow]:
    """The plan's goal and value, top of the Inputs sheet."""
    return [
        InputRow(labels.PERIOD_START, "date", plan.period.start, "PeriodStart"),
        InputRow(labels.PERIOD_END, "date", plan.period.end, "PeriodEnd"),
        InputRow(labels.REVENUE_TARGET, "money", plan.revenue_target, "RevenueTarget"),
        InputRow(
            labels.AVERAGE_ORDER_VALUE, "money", plan.average_order_value, "AverageOrderValue"
        ),
        InputRow(
            labels.ORDERS_PER_NEW_CUSTOMER, "orders", plan.orders_per_customer, "OrdersPerCustomer"
        ),
        InputRow(
            labels.GROSS_MARGIN, "percent", plan.gross_margin, "GrossMargin", GROSS_MARGIN_NOTE
        ),
    ]


def returning_inputs(plan: Plan) -> list[InputRow]:
    """The customers already won; a plan without them has none who buy again."""
    base = plan.returning_customers
    active = base.active_customers if base else 0
    repeat = base.repeat_purchase_rate if base else 0.0
    orders = base.orders_per_customer if base else 1.0
    value = base.average_order_value if base else None
    return [
        InputRow(labels.ACTIVE_CUSTOMERS, "count", active, "ActiveCustomers"),
        InputRow(labels.REPEAT_PURCHASE_RATE, "percent", repeat, "RepeatPurchaseRate"),
        InputRow(
            labels.ORDERS_PER_RETURNING_CUSTOMER, "orders", orders, "ReturningOrdersPerCustomer"
        ),
        InputRow(
            labels.RETURNING_ORDER_VALUE,
            "money",
            value,
            "ReturningOrderValue",
            RETURNING_VALUE_NOTE,
        ),
    ]


def cost_inputs(plan: Plan) -> list[InputRow]:
    """What traffic costs; all empty when the plan buys none."""
    cost = plan.acquisition_cost
    return [
        InputRow(labels.PAID_STAGE, "text", cost.stage if cost else None, "PaidStage"),
        InputRow(
            labels.COST_PER_UNIT, "unit_money", cost.cost_per_unit if cost else None, "CostPerUnit"
        ),
        InputRow(
            labels.COST_PER_MILLE, "money", cost.cost_per_mille if cost else None, "CostPerMille"
        ),
        InputRow(
            labels.CLICK_THROUGH_RATE,
            "percent",
            cost.click_through_rate if cost else None,
            "ClickThroughRate",
        ),
    ]


@dataclass
class _Book:
    """The workbook being written and what every sheet needs to know."""

    workbook: Workbook
    plan: Plan
    result: PlanResult
    formats: Formats
    styles: _Styles

    def sheet(self, message: str) -> _Sheet:
        """A new worksheet named in the reader's language, right to left where they read so."""
        name = sheet_name(translate(self.formats.language, message))
        worksheet = self.workbook.add_worksheet(name)
        if is_right_to_left(self.formats.language):
            worksheet.right_to_left()
        return _Sheet(worksheet, name, self.formats)

    def shown(self, kind: str, value: Any) -> str:
        """A value as the reader sees it, to size its column."""
        if value is None or value == "":
            return ""
        if kind in {"money", "unit_money"}:
            return self.formats.money(value, self.plan.currency, cents=True)
        if kind in {"percent", "share"}:
            return self.formats.percent(value)
        return self.formats.count(value) if isinstance(value, int | float) else str(value)


def _write_input(book: _Book, sheet: _Sheet, row: int, item: InputRow) -> None:
    styles = book.styles
    sheet.words(row, 0, item.label, styles.label)
    style = styles.value(item.kind, is_input=True)
    if isinstance(item.value, date):
        sheet.day(row, 1, item.value, style)
    elif isinstance(item.value, str):
        sheet.text(row, 1, item.value, style)
    else:
        sheet.number(row, 1, item.value, style, book.shown(item.kind, item.value))
    if item.name is not None:
        book.workbook.define_name(item.name, "=" + sheet.cell(row, 1))
    if item.note is not None:
        sheet.words(row, 2, item.note, styles.note, fit=False)


def _write_inputs(book: _Book, sheet: _Sheet, row: int, items: Sequence[InputRow]) -> int:
    """Inputs one per row from ``row``; the last row written."""
    for offset, item in enumerate(items):
        _write_input(book, sheet, row + offset, item)
    return row + len(items) - 1


def _write_section(
    book: _Book, sheet: _Sheet, row: int, title: str, items: Sequence[InputRow]
) -> int:
    """A titled group of inputs from ``row``; the last row written."""
    sheet.words(row, 0, title, book.styles.section)
    return _write_inputs(book, sheet, row + 1, items)


def write_inputs(book: _Book, sheet: _Sheet) -> InputsLayout:
    """The Inputs sheet: title, the plan, returning customers, stages, acquisition cost."""
    styles, plan = book.styles, book.plan
    sheet.words(0, 0, INPUTS_TITLE, styles.title, fit=False)
    sheet.words(1, 0, INPUTS_LEGEND, styles.note, fit=False)
    sheet.words(3, 0, labels.PLAN, styles.label)
    sheet.text(3, 1, plan.name, styles.section)
    sheet.words(4, 0, labels.DESCRIPTION, styles.label)
    _write_description(book, sheet, 4)
    sheet.words(5, 0, labels.CURRENCY, styles.label)
    sheet.text(5, 1, plan.currency, styles.label)
    last = _write_inputs(book, sheet, 6, plan_inputs(plan))
    last = _write_section(book, sheet, last + 2, labels.RETURNING_CUSTOMERS, returning_inputs(plan))
    stage_rows = _write_stage_inputs(book, sheet, last + 2)
    last = _write_section(
        book, sheet, stage_rows[-1] + 2, labels.ACQUISITION_COST, cost_inputs(plan)
    )
    sheet.words(last + 1, 0, COST_NOTE, styles.note, fit=False)
    sheet.fit_columns()
    return InputsLayout(tuple(stage_rows))


def _write_description(book: _Book, sheet: _Sheet, row: int) -> None:
    """The plan's description, wrapped across the columns beside its label, however many lines.

    Excel does not size a merged row to its text, so the height is estimated from the lines.
    """
    text = book.plan.description
    last_col = _DESCRIPTION_LAST_COL
    sheet.worksheet.merge_range(row, 1, row, last_col, "", book.styles.wrapped)
    if text:
        sheet.text(row, 1, text, book.styles.wrapped, fit=False)
    lines = sum(max(1, math.ceil(len(line) / _DESCRIPTION_LINE_CHARS)) for line in text.split("\n"))
    sheet.worksheet.set_row(row, min(_LINE_HEIGHT * lines, _MAX_ROW_HEIGHT))


def _write_stage_inputs(book: _Book, sheet: _Sheet, row: int) -> list[int]:
    """The stages from ``row``: a title, a header, then a name and rate per row."""
    styles = book.styles
    sheet.words(row, 0, STAGES_SECTION, styles.section)
    sheet.words(row + 1, 0, labels.STAGE, styles.header)
    sheet.words(row + 1, 1, RATE_HEADER, styles.header, fit=False)
    rows = []
    for index, stage in enumerate(book.plan.stages):
        stage_row = row + 2 + index
        sheet.text(stage_row, 0, stage.name, styles.value("text", is_input=True))
        if index > 0:
            rate, style = stage.conversion_rate, styles.value("percent", is_input=True)
            sheet.number(stage_row, 1, rate, style, book.shown("percent", rate))
        rows.append(stage_row)
    return rows


# --- The Funnel sheet -------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    """One result of the plan: its label, formula (``{key}`` names another measure's cell)."""

    key: str
    label: str
    formula: str
    cached: Any
    kind: str


_MONTHS = (
    "=IF(EOMONTH(PeriodStart,0)>=PeriodEnd,"
    "(PeriodEnd-PeriodStart+1)/DAY(EOMONTH(PeriodStart,0)),"
    "(EOMONTH(PeriodStart,0)-PeriodStart+1)/DAY(EOMONTH(PeriodStart,0))"
    "+(YEAR(PeriodEnd)-YEAR(PeriodStart))*12+MONTH(PeriodEnd)-MONTH(PeriodStart)-1"
    "+DAY(PeriodEnd)/DAY(EOMONTH(PeriodEnd,0)))"
)
_RETURNING_VALUE = "IF(ISBLANK(ReturningOrderValue),AverageOrderValue,ReturningOrderValue)"
_IS_PAID = "(({names}=PaidStage)*1)"


def measures(plan: Plan, result: PlanResult) -> list[Measure]:
    """Every total of the plan, in the order a reader follows the arithmetic."""
    return [*_period_measures(result), *_revenue_measures(result), *_spend_measures(plan, result)]


def _period_measures(result: PlanResult) -> list[Measure]:
    return [
        Measure(
            "days", labels.PERIOD_DAYS, "=PeriodEnd-PeriodStart+1", result.period_days, "count"
        ),
        Measure("weeks", labels.PERIOD_WEEKS, "={days}/7", result.period_weeks, "decimal"),
        Measure("months", labels.PERIOD_MONTHS, _MONTHS, result.period_months, "decimal"),
    ]


def _revenue_measures(result: PlanResult) -> list[Measure]:
    returning = result.returning
    new_customers = (
        "=MAX(0,CEILING(({needed}-RevenueTarget*{tolerance})"
        "/(AverageOrderValue*OrdersPerCustomer),1))"
    )
    return [
        Measure(
            "returning_customers",
            labels.RETURNING_BUYERS,
            "=ActiveCustomers*RepeatPurchaseRate",
            returning.customers,
            "pace",
        ),
        Measure(
            "returning_orders",
            labels.RETURNING_ORDERS,
            "={returning_customers}*ReturningOrdersPerCustomer",
            returning.orders,
            "pace",
        ),
        Measure(
            "returning_revenue",
            labels.RETURNING_REVENUE,
            "={returning_orders}*" + _RETURNING_VALUE,
            returning.revenue,
            "money",
        ),
        Measure(
            "needed",
            labels.REVENUE_NEEDED,
            "=MAX(0,RevenueTarget-{returning_revenue})",
            result.new_customer_revenue_needed,
            "money",
        ),
        Measure(
            "new_customers", labels.NEW_CUSTOMERS, new_customers, result.new_customers, "count"
        ),
        Measure(
            "new_orders",
            labels.NEW_ORDERS,
            "={new_customers}*OrdersPerCustomer",
            result.new_orders,
            "pace",
        ),
        Measure("orders", labels.ORDERS, "={new_orders}+{returning_orders}", result.orders, "pace"),
        Measure(
            "new_revenue",
            labels.NEW_REVENUE,
            "={new_orders}*AverageOrderValue",
            result.new_customer_revenue,
            "money",
        ),
        Measure(
            "revenue", labels.REVENUE, "={new_revenue}+{returning_revenue}", result.revenue, "money"
        ),
    ]


def _spend_measures(plan: Plan, result: PlanResult) -> list[Measure]:
    cost = plan.acquisition_cost
    paid_units = result.stages[plan.stage_index(cost.stage)].required if cost else None
    return [
        Measure(
            "paid_units",
            labels.PAID_UNITS,
            # Compared with "=", not MATCH: "=" ignores case, as the planner does, and reads
            # "*" and "?" in a stage's name as themselves rather than as wildcards.
            '=IF(ISBLANK(PaidStage),"",IF(SUMPRODUCT(' + _IS_PAID + ")=0,NA(),"
            "SUMPRODUCT(" + _IS_PAID + "*{required})))",
            paid_units,
            "count",
        ),
        Measure(
            "impressions",
            labels.IMPRESSIONS,
            '=IF(OR(ISBLANK(PaidStage),NOT(ISBLANK(CostPerUnit))),"",'
            "CEILING({paid_units}/ClickThroughRate*(1-{tolerance}),1))",
            result.impressions,
            "count",
        ),
        Measure(
            "budget",
            labels.BUDGET,
            "=IF(ISBLANK(PaidStage),0,IF(ISBLANK(CostPerUnit),"
            "{impressions}*CostPerMille/1000,{paid_units}*CostPerUnit))",
            result.budget,
            "money",
        ),
        Measure(
            "cac",
            labels.CAC,
            '=IF(AND({budget}>0,{new_customers}>0),{budget}/{new_customers},"")',
            result.cac,
            "unit_money",
        ),
        Measure(
            "roas", labels.ROAS, '=IF({budget}>0,{new_revenue}/{budget},"")', result.roas, "ratio"
        ),
        Measure(
            "mer",
            labels.MER,
            '=IF({budget}>0,{revenue}/{budget},"")',
            result.marketing_efficiency,
            "ratio",
        ),
        Measure(
            "contribution",
            labels.CONTRIBUTION,
            '=IF(ISBLANK(GrossMargin),"",{revenue}*GrossMargin-{budget})',
            result.contribution,
            "money",
        ),
    ]


@dataclass(frozen=True)
class FunnelLayout:
    """Where the Funnel sheet puts things (0-based rows; values of measures in column B)."""

    measure_rows: dict[str, int]
    stage_header_row: int
    stage_rows: tuple[int, ...]

    def references(self) -> dict[str, str]:
        """What a measure's formula may name: each measure's cell, the stage columns."""
        first, last = self.stage_rows[0], self.stage_rows[-1]
        return {
            **{key: _absolute(row, 1) for key, row in self.measure_rows.items()},
            "names": _range(first, last, STAGE_COLUMNS.index(labels.STAGE)),
            "required": _range(first, last, STAGE_COLUMNS.index(labels.REQUIRED)),
            "tolerance": ROUNDING_TOLERANCE,
        }


STAGE_COLUMNS = (
    labels.STAGE,
    labels.CONVERSION_RATE,
    labels.SHARE_REACHING_LAST,
    labels.BEFORE_ROUNDING,
    labels.REQUIRED,
    labels.PER_MONTH,
    labels.PER_WEEK,
    labels.COST_PER_UNIT,
)
"""The stage table's columns on the Funnel sheet, A onwards."""

_FIRST_MEASURE_ROW = 3


def funnel_layout(items: Sequence[Measure], stage_count: int) -> FunnelLayout:
    """Measures from row 4 down, a blank row, then the stage table's header and rows."""
    rows = {item.key: _FIRST_MEASURE_ROW + index for index, item in enumerate(items)}
    header = _FIRST_MEASURE_ROW + len(items) + 1
    return FunnelLayout(rows, header, tuple(header + 1 + index for index in range(stage_count)))


def write_funnel(book: _Book, sheet: _Sheet, inputs: InputsLayout, inputs_sheet: _Sheet) -> None:
    """The Funnel sheet: the totals, the stage table, the notes and the chart."""
    items = measures(book.plan, book.result)
    layout = funnel_layout(items, len(book.plan.stages))
    styles = book.styles
    sheet.words(0, 0, FUNNEL_TITLE, styles.title, fit=False)
    sheet.words(_FIRST_MEASURE_ROW - 1, 0, MEASURE, styles.header)
    sheet.words(_FIRST_MEASURE_ROW - 1, 1, labels.VALUE, styles.header)
    references = layout.references()
    for item in items:
        row = layout.measure_rows[item.key]
        sheet.words(row, 0, item.label, styles.label)
        formula = item.formula.format(**references)
        shown = book.shown(item.kind, item.cached)
        sheet.formula(row, 1, formula, styles.value(item.kind), item.cached, shown)
    for col, label in enumerate(STAGE_COLUMNS):
        sheet.words(layout.stage_header_row, col, label, styles.header)
    for index, row in enumerate(layout.stage_rows):
        name_cell = inputs_sheet.cell(inputs.stage_rows[index], 0)
        rate_cell = inputs_sheet.cell(inputs.stage_rows[index], 1)
        cells = stage_cells(book, layout, index, name_cell, rate_cell)
        for col, cell in enumerate(cells):
            _write_stage_cell(book, sheet, row, col, cell)
    _write_notes(book, sheet, layout)
    _insert_chart(book, sheet, layout)
    sheet.fit_columns()


@dataclass(frozen=True)
class StageCell:
    """One cell of the stage table: a formula (or a plain number), its kind, its value."""

    formula: str | None
    kind: str
    cached: Any


def shares(rates: Sequence[float]) -> list[float]:
    """Share of each stage that reaches the last one, as the sheet multiplies them (floats)."""
    reach = [1.0]
    for rate in reversed(rates):
        reach.insert(0, rate * reach[0])
    return reach


def stage_cells(
    book: _Book, layout: FunnelLayout, index: int, name_cell: str, rate_cell: str
) -> list[StageCell]:
    """The stage table's row for stage ``index``; its name and rate are the Inputs' cells."""
    refs = layout.references()
    row = layout.stage_rows[index]
    stage = book.result.stages[index]
    share = shares(book.plan.conversion_rates)[index]
    below = layout.stage_rows[index + 1] if index + 1 < len(layout.stage_rows) else None
    here = {column: _absolute(row, col) for col, column in enumerate(STAGE_COLUMNS)}
    return [
        # The Inputs sheet holds the name made inert, so that is what the formula returns.
        StageCell("=" + name_cell, "general", neutralise(stage.name)),
        StageCell("=" + rate_cell, "percent", stage.conversion_rate) if index else _EMPTY,
        StageCell(
            None if below is None else f"={_absolute(below, 1)}*{_absolute(below, 2)}",
            "share",
            share,
        ),
        StageCell(
            f"={refs['new_customers']}/{here[labels.SHARE_REACHING_LAST]}",
            "decimal",
            book.result.new_customers / share,
        ),
        StageCell(
            f"=CEILING({here[labels.BEFORE_ROUNDING]}*(1-{ROUNDING_TOLERANCE}),1)",
            "count",
            stage.required,
        ),
        StageCell(f"={here[labels.REQUIRED]}/{refs['months']}", "pace", stage.per_month),
        StageCell(f"={here[labels.REQUIRED]}/{refs['weeks']}", "pace", stage.per_week),
        StageCell(
            f"=IF(AND({refs['budget']}>0,{here[labels.REQUIRED]}>0),"
            f'{refs["budget"]}/{here[labels.REQUIRED]},"")',
            "unit_money",
            stage.cost_per_unit,
        ),
    ]


_EMPTY = StageCell(None, "percent", None)


def _write_stage_cell(book: _Book, sheet: _Sheet, row: int, col: int, cell: StageCell) -> None:
    style = book.styles.value(cell.kind)
    shown = book.shown(cell.kind, cell.cached)
    if cell.formula is None:
        sheet.number(row, col, cell.cached, style, shown)
    else:
        sheet.formula(row, col, cell.formula, style, cell.cached, shown)


def _write_notes(book: _Book, sheet: _Sheet, layout: FunnelLayout) -> None:
    """Why the counts are whole, and the notes that hold only for some inputs."""
    refs = layout.references()
    styles = book.styles
    budget_row = layout.measure_rows["budget"]
    no_cost = sheet.t(NO_COST_NOTE)
    sheet.formula(
        budget_row,
        2,
        f'=IF(ISBLANK(PaidStage),{formula_text(no_cost)},"")',
        styles.note,
        no_cost if book.plan.acquisition_cost is None else "",
        None,
    )
    row = layout.stage_rows[-1] + 2
    sheet.words(row, 0, ROUNDING_NOTE, styles.note, fit=False)
    covered = sheet.t(COVERED_NOTE)
    sheet.formula(
        row + 1,
        0,
        f'=IF({refs["new_customers"]}=0,{formula_text(covered)},"")',
        styles.note,
        covered if book.result.covered_by_returning else "",
        None,
    )


def _insert_chart(book: _Book, sheet: _Sheet, layout: FunnelLayout) -> None:
    """A column per stage, its required count on top; read from the right in Arabic."""
    first, last = layout.stage_rows[0], layout.stage_rows[-1]
    required = STAGE_COLUMNS.index(labels.REQUIRED)
    chart = book.workbook.add_chart({"type": "column"})
    chart.add_series(
        {
            "name": sheet.t(labels.REQUIRED),
            "categories": [sheet.name, first, 0, last, 0],
            "values": [sheet.name, first, required, last, required],
            "data_labels": {"value": True, "num_format": "#,##0"},
            "gap": 60,
        }
    )
    chart.set_title({"name": sheet.t(CHART_TITLE)})
    chart.set_legend({"none": True})
    chart.set_x_axis({"reverse": is_right_to_left(book.formats.language)})
    chart.set_y_axis({"num_format": "#,##0"})
    chart.set_size({"width": _CHART_WIDTH, "height": _CHART_HEIGHT})
    sheet.worksheet.insert_chart(_FIRST_MEASURE_ROW - 1, len(STAGE_COLUMNS) + 1, chart)


# --- The workbook -----------------------------------------------------------------------------


def build_workbook(plan: Plan, formats: Formats) -> bytes:
    """The plan as an ``.xlsx`` file: an Inputs sheet and a live Funnel sheet over it."""
    result = plan_backwards(plan)
    buffer = io.BytesIO()
    # Every string is written as a string: never read as a formula, a link or a number.
    options = {
        "in_memory": True,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    }
    workbook = xlsxwriter.Workbook(buffer, options)
    book = _Book(workbook, plan, result, formats, _Styles(workbook, plan.currency, formats))
    inputs_sheet = book.sheet(INPUTS_SHEET)
    funnel_sheet = book.sheet(FUNNEL_SHEET)
    inputs = write_inputs(book, inputs_sheet)
    write_funnel(book, funnel_sheet, inputs, inputs_sheet)
    funnel_sheet.worksheet.activate()  # open on the answer; the inputs are one tab away
    workbook.close()
    return buffer.getvalue()
