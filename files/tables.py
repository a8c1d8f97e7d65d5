"""The Plan page's tables as CSV files a spreadsheet opens as they are.

- ``backward_csv``: one row per stage of a plan worked back from its target (stage, rate,
  required count, pace per month and per week, cost per unit), as the page's stage table;
- ``forward_csv``: the same for a funnel worked forwards from traffic or a budget, with the
  expected count;
- ``summary_csv``: the page's metrics, one per row (revenue, new customers, orders, budget,
  CAC, ROAS, MER, contribution...), with the unit of each (the currency for money).

The bytes are UTF-8 with a byte-order mark, which is what makes Excel read Arabic headers
and names as Arabic rather than as mojibake. Headers are in the reader's language; numbers
are written plain, with a full stop and no thousands separator, in Latin digits whatever the
reader's choice, so every spreadsheet reads them as numbers. Rates are percentages written
from the decimal typed (29, not 28.999999999999996). An empty field means the page's "—":
no such value (no CAC without a budget). Every text field passes through
``files.cells.neutralise``, so a stage called ``=HYPERLINK(...)`` stays text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from files import labels
from files.cells import neutralise
from i18n.catalogue import translate
from i18n.formats import Formats
from planner.models import Plan
from planner.results import Outcome, PlanResult, ProjectedStage, Projection, RequiredStage

Field = str | int | float | Decimal | None
"""A CSV field before writing: text (made inert), a number (written plain), or nothing."""

_EXACT_FLOAT_LIMIT = 2**53  # whole floats below this are whole numbers exactly


def backward_csv(plan: Plan, result: PlanResult, formats: Formats) -> bytes:
    """The stage table of a plan worked backwards, as the Plan page shows it."""
    return _stage_csv(plan, result.stages, labels.REQUIRED, formats)


def forward_csv(plan: Plan, projection: Projection, formats: Formats) -> bytes:
    """The stage table of a funnel worked forwards from traffic or a budget."""
    return _stage_csv(plan, projection.stages, labels.EXPECTED, formats)


def summary_csv(plan: Plan, outcome: PlanResult | Projection, formats: Formats) -> bytes:
    """The Plan page's metrics, one per row: metric, value, unit."""
    header = [labels.METRIC, labels.VALUE, labels.UNIT]
    rows = [
        [translate(formats.language, label), value, plan.currency if is_money else None]
        for label, value, is_money in summary_rows(plan, outcome)
    ]
    return _csv_bytes([[translate(formats.language, text) for text in header], *rows])


def summary_rows(plan: Plan, outcome: PlanResult | Projection) -> list[tuple[str, Field, bool]]:
    """(label, value, is money) for every metric of the page, in the page's order."""
    paid = plan.acquisition_cost is not None
    rows: list[tuple[str, Field, bool]] = [
        (labels.REVENUE_TARGET, outcome.revenue_target, True),
        (labels.REVENUE, outcome.revenue, True),
    ]
    if isinstance(outcome, Projection):
        rows.append((labels.TARGET_GAP, outcome.target_gap, True))
    else:
        rows.append((labels.REVENUE_NEEDED, outcome.new_customer_revenue_needed, True))
    rows += [
        (labels.RETURNING_REVENUE, outcome.returning.revenue, True),
        (labels.NEW_REVENUE, outcome.new_customer_revenue, True),
        (labels.NEW_CUSTOMERS, outcome.new_customers, False),
        (labels.NEW_ORDERS, outcome.new_orders, False),
        (labels.RETURNING_ORDERS, outcome.returning.orders, False),
        (labels.ORDERS, outcome.orders, False),
        *_spend_rows(outcome, paid=paid),
        (labels.CONTRIBUTION, outcome.contribution, True),
        (labels.PERIOD_DAYS, outcome.period_days, False),
        (labels.PERIOD_WEEKS, outcome.period_weeks, False),
        (labels.PERIOD_MONTHS, outcome.period_months, False),
    ]
    return rows


def _spend_rows(outcome: Outcome, *, paid: bool) -> list[tuple[str, Field, bool]]:
    # Without an acquisition cost the page shows "—" for the budget, not $0: nothing was asked.
    rows: list[tuple[str, Field, bool]] = [(labels.BUDGET, outcome.budget if paid else None, True)]
    if outcome.impressions is not None:
        rows.append((labels.IMPRESSIONS, outcome.impressions, False))
    return [
        *rows,
        (labels.CAC, outcome.cac, True),
        (labels.ROAS, outcome.roas, False),
        (labels.MER, outcome.marketing_efficiency, False),
    ]


def stage_header(plan: Plan, count_label: str, formats: Formats) -> list[str]:
    """The stage table's header in the reader's language; the cost column names the currency."""
    words = [
        labels.STAGE,
        labels.CONVERSION_PERCENT,
        count_label,
        labels.PER_MONTH,
        labels.PER_WEEK,
    ]
    cost = translate(formats.language, labels.COST_PER_UNIT_IN, currency=plan.currency)
    return [*(translate(formats.language, word) for word in words), cost]


def _stage_csv(
    plan: Plan,
    stages: Sequence[RequiredStage] | Sequence[ProjectedStage],
    count_label: str,
    formats: Formats,
) -> bytes:
    rows: list[list[Field]] = [
        [
            stage.name,
            percent(stage.conversion_rate),
            stage.required if isinstance(stage, RequiredStage) else stage.expected,
            stage.per_month,
            stage.per_week,
            stage.cost_per_unit,
        ]
        for stage in stages
    ]
    return _csv_bytes([stage_header(plan, count_label, formats), *rows])


def percent(rate: float | None) -> Decimal | None:
    """A rate as a percentage of the decimal it was typed as: 0.29 → 29 (not 28.999…96)."""
    return None if rate is None else (Decimal(repr(rate)) * 100).normalize()


def plain_number(value: float | Decimal) -> str:
    """A number as every spreadsheet reads it: ``85834``, ``0.4``, ``0.00001``, ``-1234.5``.

    Whole numbers lose their ``.0``; fractions keep every digit of the shortest form that
    reads back as the same float, and are never scientific (``1e-05``), which some
    spreadsheets read as text.
    """
    if isinstance(value, float) and value.is_integer() and abs(value) < _EXACT_FLOAT_LIMIT:
        return str(int(value))
    exact = value if isinstance(value, Decimal) else Decimal(repr(value))
    text = format(exact, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _field(value: Field) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise(value)
    return plain_number(value)


def _csv_bytes(rows: Iterable[Sequence[Field]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)  # RFC 4180: commas, CRLF, quotes only where a field needs them
    writer.writerows([_field(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")
