"""Test helpers for the files: plans with hand-worked numbers, reading and recalculating books.

The recalculation uses the ``formulas`` package, an Excel formula evaluator written
independently of both XlsxWriter and the planner: what it computes from the workbook's
formulas is compared with what ``planner.funnel.plan_backwards`` computes from the plan.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import formulas
import openpyxl
from hypothesis import strategies as st
from openpyxl.worksheet.worksheet import Worksheet

from files import labels
from i18n.catalogue import translate
from i18n.languages import Language
from planner.errors import parse_plan
from planner.funnel import plan_backwards
from planner.models import AcquisitionCost, Period, Plan, ReturningCustomers, Stage
from planner.results import PlanResult

INJECTIONS = ('=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1")
"""Text a spreadsheet would run as a formula (OWASP's list of first characters)."""

ACCEPTED_INJECTIONS = INJECTIONS[:4]
"""Those a plan keeps as they are. A name loses a leading tab or carriage return (the plan
strips whitespace from the ends, leaving ``=1``) and may not hold one inside (a control
character), so those two reach the files only as ``=1``."""

HALF_A_CENT = 0.005
CELL = re.compile(r"^'\[(?P<book>[^\]]+)\](?P<sheet>.*)'!(?P<cell>[A-Z]+[0-9]+)$")


# --- Plans with hand-worked numbers -----------------------------------------------------------


def cpm_plan() -> Plan:
    """Visitors → Customers at 2%, visitors bought per 1,000 impressions at $8 and 1.2% CTR.

    6,000 ÷ $60 = 100 customers; 100 ÷ 0.02 = 5,000 visitors; ⌈5,000 ÷ 0.012⌉ = ⌈416,666.67⌉
    = 416,667 impressions; 416,667 ÷ 1,000 × $8 = $3,333.336; CAC $33.33; ROAS 1.8.
    """
    return parse_plan(
        {
            "name": "Display campaign",
            "period": {"start": "2027-01-01", "end": "2027-03-31"},
            "revenue_target": 6000,
            "average_order_value": 60,
            "stages": [{"name": "Visitors"}, {"name": "Customers", "conversion_rate": 0.02}],
            "acquisition_cost": {
                "stage": "Visitors",
                "cost_per_mille": 8,
                "click_through_rate": 0.012,
            },
        }
    )


def returning_plan() -> Plan:
    """Returning revenue first, then whole new customers, budget at the middle stage.

    Returning: 1,000 × 20% × 1.5 orders × $40 = $12,000; needed 55,750 − 12,000 = $43,750;
    each new customer brings $50 × 1.25 = $62.50, so 43,750 ÷ 62.5 = 700 customers;
    700 ÷ 0.7 = 1,000 signups; 700 ÷ (0.1 × 0.7) = 10,000 visitors. In binary floats these
    come out as 1,000.0000000000001 and 10,000.000000000002: whole counts that float noise
    alone would round up to 1,001 and 10,001.
    Budget 1,000 × $3 = $3,000; CAC 3,000 ÷ 700 = $4.29; revenue 43,750 + 12,000 = $55,750;
    contribution 55,750 × 40% − 3,000 = $19,300.
    """
    return parse_plan(
        {
            "name": "Spring relaunch",
            "period": {"start": "2027-04-01", "end": "2027-06-30"},
            "revenue_target": 55750,
            "average_order_value": 50,
            "orders_per_customer": 1.25,
            "stages": [
                {"name": "Visitors"},
                {"name": "Signups", "conversion_rate": 0.1},
                {"name": "Customers", "conversion_rate": 0.7},
            ],
            "acquisition_cost": {"stage": "signups", "cost_per_unit": 3},
            "gross_margin": 0.4,
            "returning_customers": {
                "active_customers": 1000,
                "repeat_purchase_rate": 0.2,
                "orders_per_customer": 1.5,
                "average_order_value": 40,
            },
        }
    )


def nearly_covered_plan() -> Plan:
    """Returning revenue just short of the target: one new customer, not two.

    Returning: 3 × 70% × 1 order × $100 = $210; needed 310 − 210 = $100 = 1 customer at $100;
    2 visitors at 50%. In floats 3 × 0.7 = 2.0999999999999996, so the sheet computes
    310 − 209.99999999999997 = 100.00000000000003 and 1.0000000000000002 customers, which
    rounded up without the tolerance would be 2.
    """
    return parse_plan(
        {
            "name": "Nearly there",
            "period": {"start": "2027-01-01", "end": "2027-01-31"},
            "revenue_target": 310,
            "average_order_value": 100,
            "stages": [{"name": "Visitors"}, {"name": "Customers", "conversion_rate": 0.5}],
            "acquisition_cost": {"stage": "Customers", "cost_per_unit": 20},
            "returning_customers": {"active_customers": 3, "repeat_purchase_rate": 0.7},
        }
    )


def covered_plan() -> Plan:
    """Returning customers alone beat the target: 500 × 50% × 1 × $60 = $15,000 ≥ $10,000.

    Their order value is the plan's ($60, none given). No new customers, so every count is 0,
    the budget $0 and there is no CAC, ROAS or MER.
    """
    return parse_plan(
        {
            "name": "Loyal base",
            "period": {"start": "2027-01-01", "end": "2027-01-31"},
            "revenue_target": 10000,
            "average_order_value": 60,
            "stages": [{"name": "Visitors"}, {"name": "Customers", "conversion_rate": 0.03}],
            "acquisition_cost": {"stage": "Visitors", "cost_per_unit": 0.5},
            "returning_customers": {"active_customers": 500, "repeat_purchase_rate": 0.5},
        }
    )


def halving_plan(stage_count: int) -> Plan:
    """Stages halving each time, no acquisition cost, a period of part months.

    1,000 ÷ $10 = 100 customers; stage i of n needs 100 × 2^(n−1−i): 12,800 down to 100 for 8.
    16–31 January and 1–14 February 2027: 16/31 + 14/28 = 1.0161 months, 30 days.
    """
    names = ["Reach", "Visits", "Views", "Carts", "Checkouts", "Payments", "Orders", "Buyers"]
    names = names[-stage_count:]
    stages = [{"name": names[0]}] + [{"name": name, "conversion_rate": 0.5} for name in names[1:]]
    return parse_plan(
        {
            "name": "Halving funnel",
            "period": {"start": "2027-01-16", "end": "2027-02-14"},
            "revenue_target": 1000,
            "average_order_value": 10,
            "stages": stages,
        }
    )


def eight_stage_plan() -> Plan:
    """``halving_plan`` with the most stages a plan may have."""
    return halving_plan(8)


INJECTED_DESCRIPTION = '@SUM(A1) agreed with finance\n=HYPERLINK("http://x","y")'
"""A description a spreadsheet would run: its first character counts, its lines don't."""


def injection_plan() -> Plan:
    """Text a spreadsheet would run as the plan's name, description and stage names."""
    name, *stage_names = ACCEPTED_INJECTIONS
    stages = [{"name": stage_names[0]}] + [
        {"name": stage, "conversion_rate": 0.5} for stage in stage_names[1:]
    ]
    return parse_plan(
        {
            "name": name,
            "description": INJECTED_DESCRIPTION,
            "period": {"start": "2027-01-01", "end": "2027-03-31"},
            "revenue_target": 1000,
            "average_order_value": 10,
            "stages": stages,
            "acquisition_cost": {"stage": stage_names[1], "cost_per_unit": 1},
            "gross_margin": 0.5,
        }
    )


# --- Plans for hypothesis ---------------------------------------------------------------------

# Inputs as a person types them: rates in percent with up to two decimals (12.34%), money in
# cents, orders per customer in tenths. Within these the sheet's floats agree with the
# planner's exact decimals (see files/workbook.py on rounding up).
sheet_rates = st.integers(min_value=1, max_value=10_000).map(lambda basis: basis / 10_000)
cents = st.integers(min_value=1, max_value=10**8).map(lambda amount: amount / 100)
large_cents = st.integers(min_value=100, max_value=10**9).map(lambda amount: amount / 100)
tenths = st.integers(min_value=10, max_value=50).map(lambda tenth: tenth / 10)
shares = st.integers(min_value=0, max_value=10_000).map(lambda basis: basis / 10_000)


@st.composite
def sheet_plans(draw: st.DrawFn) -> Plan:
    """A valid plan of 2–8 stages, any way of paying or none, returning customers or none."""
    count = draw(st.integers(min_value=2, max_value=8))
    stages = [Stage(name="Stage 1")] + [
        Stage(name=f"Stage {index + 1}", conversion_rate=draw(sheet_rates))
        for index in range(1, count)
    ]
    start = date(2020, 1, 1) + timedelta(days=draw(st.integers(0, 30 * 365)))
    end = start + timedelta(days=draw(st.integers(0, 3 * 365)))
    return Plan(
        name="Generated",
        period=Period(start=start, end=end),
        revenue_target=draw(large_cents),
        average_order_value=draw(cents),
        orders_per_customer=draw(tenths),
        stages=stages,
        acquisition_cost=draw(_costs(stages)),
        gross_margin=draw(st.none() | shares),
        returning_customers=draw(st.none() | _returning()),
    )


def _costs(stages: list[Stage]) -> st.SearchStrategy[AcquisitionCost | None]:
    names = st.sampled_from([stage.name for stage in stages])
    per_unit = st.builds(AcquisitionCost, stage=names, cost_per_unit=cents)
    per_mille = st.builds(
        AcquisitionCost, stage=names, cost_per_mille=cents, click_through_rate=sheet_rates
    )
    return st.none() | per_unit | per_mille


def _returning() -> st.SearchStrategy[ReturningCustomers]:
    return st.builds(
        ReturningCustomers,
        active_customers=st.integers(min_value=0, max_value=1_000_000),
        repeat_purchase_rate=shares,
        orders_per_customer=tenths,
        average_order_value=st.none() | cents,
    )


# --- Reading a workbook -----------------------------------------------------------------------


@dataclass
class Book:
    """A workbook as openpyxl reads it: formulas as written, and the values cached with them."""

    path: Path
    formulas: openpyxl.Workbook
    cached: openpyxl.Workbook
    language: Language = "en"

    @classmethod
    def open(
        cls, data: bytes, folder: Path, name: str = "plan.xlsx", language: Language = "en"
    ) -> Book:
        """Write ``data`` to ``folder`` and read it both ways."""
        path = folder / name
        path.write_bytes(data)
        return cls.read(path, language)

    @classmethod
    def read(cls, path: Path, language: Language = "en") -> Book:
        """The workbook at ``path``, read both ways."""
        cached = openpyxl.load_workbook(path, data_only=True)
        return cls(path, openpyxl.load_workbook(path), cached, language)

    @property
    def inputs(self) -> Worksheet:
        """The first sheet, whatever its name in the reader's language."""
        return self.formulas.worksheets[0]

    @property
    def funnel(self) -> Worksheet:
        """The second sheet."""
        return self.formulas.worksheets[1]

    def row_of(self, sheet: Worksheet, label: str, column: int = 1) -> int:
        """The first row whose cell in ``column`` reads ``label`` in the book's language."""
        wanted = translate(self.language, label)
        for row in range(1, sheet.max_row + 1):
            if sheet.cell(row, column).value == wanted:
                return row
        raise AssertionError(f"{label!r} is not in column {column} of {sheet.title}")

    def stage_rows(self) -> list[int]:
        """Rows of the Funnel's stage table, one per stage."""
        header = self.row_of(self.funnel, labels.STAGE)
        rows = []
        row = header + 1
        while self.funnel.cell(row, 1).value not in (None, ""):
            rows.append(row)
            row += 1
        return rows

    def formula_cells(self) -> list[tuple[str, str, str]]:
        """(sheet, coordinate, formula) of every formula cell."""
        return [
            (sheet.title, cell.coordinate, cell.value)
            for sheet in self.formulas.worksheets
            for row in sheet.iter_rows()
            for cell in row
            if cell.data_type == "f"
        ]

    def cached_value(self, sheet: str, coordinate: str) -> Any:
        """The value stored with a formula; ``""`` for an empty text."""
        value = self.cached[sheet][coordinate].value
        return "" if value is None else value


def chart_parts(data: bytes) -> list[str]:
    """The chart parts inside an ``.xlsx`` (a zip), e.g. ``xl/charts/chart1.xml``."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [name for name in archive.namelist() if name.startswith("xl/charts/chart")]


# --- Recalculating one ------------------------------------------------------------------------


@dataclass
class Recalculated:
    """Every cell's value as the independent evaluator computes it from the formulas."""

    values: dict[tuple[str, str], Any]

    def __call__(self, sheet: str, coordinate: str) -> Any:
        """The value of ``sheet!coordinate``; the evaluator names sheets in capitals."""
        return self.values[(sheet.upper(), coordinate)]


def recalculate(path: Path) -> Recalculated:
    """Evaluate every formula of the workbook at ``path`` with the ``formulas`` package."""
    solution = formulas.ExcelModel().loads(str(path)).finish().calculate()
    values: dict[tuple[str, str], Any] = {}
    for key, ranges in solution.items():
        found = CELL.match(key)
        if found is not None and hasattr(ranges, "value"):
            values[(found["sheet"].upper(), found["cell"])] = plain(ranges.value[0, 0])
    return Recalculated(values)


def plain(value: Any) -> Any:
    """Python's numbers for numpy's; an error value (``#N/A``) as its text."""
    if isinstance(value, str):
        return value
    if hasattr(value, "dtype"):
        return value.item()
    if isinstance(value, int | float | bool):
        return value
    return str(value)


def same_number(got: Any, want: Any, *, money: bool = False, whole: bool = False) -> bool:
    """Counts exactly, money to the cent, anything else to 12 significant digits."""
    if want is None or want == "":
        return got in (None, "")
    if not isinstance(got, int | float) or isinstance(got, bool):
        return False
    if whole:
        return got == want
    if money:
        return abs(got - want) < HALF_A_CENT
    return math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-9)


# --- Comparing with the planner ---------------------------------------------------------------

WHOLE, MONEY, REAL = "whole", "money", "real"


def expected_measures(plan: Plan, result: PlanResult) -> dict[str, tuple[Any, str]]:
    """What each measure on the Funnel sheet must equal in the planner's result, how closely."""
    cost = plan.acquisition_cost
    paid_units = result.stages[plan.stage_index(cost.stage)].required if cost else None
    return {
        labels.PERIOD_DAYS: (result.period_days, WHOLE),
        labels.PERIOD_WEEKS: (result.period_weeks, REAL),
        labels.PERIOD_MONTHS: (result.period_months, REAL),
        labels.RETURNING_BUYERS: (result.returning.customers, REAL),
        labels.RETURNING_ORDERS: (result.returning.orders, REAL),
        labels.RETURNING_REVENUE: (result.returning.revenue, MONEY),
        labels.REVENUE_NEEDED: (result.new_customer_revenue_needed, MONEY),
        labels.NEW_CUSTOMERS: (result.new_customers, WHOLE),
        labels.NEW_ORDERS: (result.new_orders, REAL),
        labels.ORDERS: (result.orders, REAL),
        labels.NEW_REVENUE: (result.new_customer_revenue, MONEY),
        labels.REVENUE: (result.revenue, MONEY),
        labels.PAID_UNITS: (paid_units, WHOLE),
        labels.IMPRESSIONS: (result.impressions, WHOLE),
        labels.BUDGET: (result.budget, MONEY),
        labels.CAC: (result.cac, MONEY),
        labels.ROAS: (result.roas, REAL),
        labels.MER: (result.marketing_efficiency, REAL),
        labels.CONTRIBUTION: (result.contribution, MONEY),
    }


def close(got: Any, want: Any, how: str) -> bool:
    """``got`` equals ``want`` as closely as ``how`` asks (``WHOLE``, ``MONEY``, ``REAL``)."""
    return same_number(got, want, money=how == MONEY, whole=how == WHOLE)


def mismatches(plan: Plan, book: Book) -> list[str]:
    """Every Funnel value the evaluator computes that differs from the planner's."""
    result = plan_backwards(plan)
    computed = recalculate(book.path)
    funnel = book.funnel
    found = []
    for label, (want, how) in expected_measures(plan, result).items():
        got = computed(funnel.title, f"B{book.row_of(funnel, label)}")
        if not close(got, want, how):
            found.append(f"{label}: sheet {got!r}, planner {want!r}")
    for stage, row in zip(result.stages, book.stage_rows(), strict=True):
        for column, want, how in (
            ("E", stage.required, WHOLE),
            ("F", stage.per_month, REAL),
            ("G", stage.per_week, REAL),
            ("H", stage.cost_per_unit, MONEY),
        ):
            got = computed(funnel.title, f"{column}{row}")
            if not close(got, want, how):
                found.append(f"{stage.name} {column}: sheet {got!r}, planner {want!r}")
    return found


def cached_mismatches(book: Book) -> list[str]:
    """Formula cells whose cached value differs from the evaluator's."""
    computed = recalculate(book.path)
    found = []
    for sheet, coordinate, formula in book.formula_cells():
        cached = book.cached_value(sheet, coordinate)
        got = computed(sheet, coordinate)
        if isinstance(cached, str):
            agrees = got == cached
        else:
            agrees = close(got, cached, WHOLE if float(cached).is_integer() else REAL)
        if not agrees:
            found.append(f"{sheet}!{coordinate} {formula}: cached {cached!r}, computed {got!r}")
    return found
