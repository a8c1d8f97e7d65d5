"""Results typed by hand, one row per week of the plan's period, for teams without exports.

The table has a row per week (Monday to Sunday; the period's first and last weeks may be
shorter) and a column per funnel stage, then revenue, orders and, when the plan pays for
traffic, spend. What was typed lives in one durable dict under ``ENTRIES_KEY``, keyed by each
week's first day and each column's role (a stage by its draft id, so renaming a stage on the
Plan page keeps its numbers), so it survives a trip to another page and a change of the
plan's period keeps the weeks both periods share. The editor's input is rebuilt from that
dict on every run and its edits are applied in its ``on_change`` callback (feeding an
editor's output back as its input loses every second edit).

A week counts once anything is typed in it; a column is part of the results when every such
week has it (a stage typed for some weeks only is left out, and the page says which weeks
lack it), so a blank is never read as zero.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from planner.actuals.funnel import FunnelActuals, Measure
from planner.models import Plan
from ui.format import count, day
from ui.i18n import t

KEY = "actuals.entry."
ENTRIES_KEY = KEY + "weeks"
EDITOR_KEY = KEY + "editor"
MAX_COUNT = 1e12
MEASURE_COLUMNS: dict[Measure, str] = {"revenue": "Revenue", "orders": "Orders", "spend": "Spend"}
_EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class Week:
    """One row of the table: the days of a week inside the plan's period."""

    start: date
    days: int

    @property
    def key(self) -> str:
        """The row's key in the durable entries: its first day."""
        return self.start.isoformat()


@dataclass(frozen=True)
class Column:
    """One column of the table: a stage (by its position) or a measure."""

    role: str
    """``stage:<position>`` or a measure's name: the key typed values are kept under."""
    label: str
    stage: str | None = None
    measure: Measure | None = None


@dataclass(frozen=True)
class Entered:
    """The typed results as funnel actuals, and what was left out of them."""

    actuals: FunnelActuals | None
    weeks: int
    incomplete: dict[str, list[date]]
    """Column label → the weeks with something typed but not this column."""


def plan_weeks(plan: Plan) -> list[Week]:
    """The weeks of the plan's period, Monday to Sunday, clipped to the period."""
    weeks = []
    start = plan.period.start
    while start <= plan.period.end:
        sunday = start + timedelta(days=6 - start.weekday())
        end = min(sunday, plan.period.end)
        weeks.append(Week(start, (end - start).days + 1))
        start = end + timedelta(days=1)
    return weeks


def table_columns(plan: Plan, stage_ids: list[str]) -> list[Column]:
    """A column per stage, keyed by its draft id, then revenue, orders and maybe spend."""
    columns = [
        Column(role=f"stage:{stage_id}", label=stage.name, stage=stage.name)
        for stage_id, stage in zip(stage_ids, plan.stages, strict=True)
    ]
    measures: list[Measure] = ["revenue", "orders"]
    if plan.acquisition_cost is not None:
        measures.append("spend")
    columns += [
        Column(role=measure, label=t(MEASURE_COLUMNS[measure]), measure=measure)
        for measure in measures
    ]
    return columns


def entries() -> dict[str, dict[str, float]]:
    """What was typed: week key → column role → value."""
    kept: dict[str, dict[str, float]] = st.session_state.setdefault(ENTRIES_KEY, {})
    return kept


def typed_fingerprint(typed: dict[str, dict[str, float]]) -> str:
    """What was typed, as one key: the same values give the same key."""
    return hashlib.sha256(repr(sorted(typed.items())).encode()).hexdigest()


def entry_table(plan: Plan, stage_ids: list[str]) -> Entered:
    """Draw the weekly table and return what it holds as funnel actuals."""
    weeks = plan_weeks(plan)
    columns = table_columns(plan, stage_ids)
    typed = entries()
    frame = pd.DataFrame(
        [[typed.get(week.key, {}).get(column.role) for column in columns] for week in weeks],
        columns=[column.role for column in columns],
        index=[_week_label(week) for week in weeks],
        dtype="float64",
    )
    st.data_editor(
        frame,
        key=EDITOR_KEY,
        num_rows="fixed",
        width="stretch",
        column_config={
            column.role: st.column_config.NumberColumn(
                column.label,
                min_value=0,
                max_value=MAX_COUNT,
                format="%.2f" if column.measure in ("revenue", "spend") else "%d",
            )
            for column in columns
        },
        on_change=_apply_edits,
        args=(weeks, columns),
    )
    return entered(weeks, columns, typed)


def _week_label(week: Week) -> str:
    if week.days == 7:
        return t("Week of {day}", day=day(week.start))
    return t("{day} ({days} days)", day=day(week.start), days=count(week.days))


def _apply_edits(weeks: list[Week], columns: list[Column]) -> None:
    """Copy the editor's changes into the durable entries (values checked again here)."""
    changes: dict[str, Any] = st.session_state.get(EDITOR_KEY) or {}
    typed = entries()
    for row, edits in (changes.get("edited_rows") or {}).items():
        week = weeks[int(row)]
        kept = typed.setdefault(week.key, {})
        for role, value in edits.items():
            if role not in {column.role for column in columns}:
                continue
            number = _number(value)
            if number is None:
                kept.pop(role, None)
            else:
                kept[role] = number
        if not kept:
            typed.pop(week.key, None)


def _number(value: Any) -> float | None:
    """A typed cell as a number ≥ 0, or None for a blank (or anything the browser let by)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and 0 <= number <= MAX_COUNT else None


def entered(
    weeks: list[Week], columns: list[Column], typed: dict[str, dict[str, float]]
) -> Entered:
    """The weeks with anything typed, as funnel actuals of the columns every one of them has."""
    rows = [week for week in weeks if typed.get(week.key)]
    if not rows:
        return Entered(actuals=None, weeks=0, incomplete={})
    complete, incomplete = [], {}
    for column in columns:
        missing = [week.start for week in rows if column.role not in typed[week.key]]
        if not missing:
            complete.append(column)
        elif len(missing) < len(rows):
            incomplete[column.label] = missing

    def values(column: Column) -> np.ndarray:
        return np.array([typed[week.key][column.role] for week in rows], dtype=np.float64)

    actuals = FunnelActuals(
        starts=np.array([(week.start - _EPOCH).days for week in rows], dtype=np.int64),
        spans=np.array([week.days for week in rows], dtype=np.int64),
        stages={column.stage: values(column) for column in complete if column.stage},
        measures={column.measure: values(column) for column in complete if column.measure},
    )
    return Entered(actuals=actuals, weeks=len(rows), incomplete=incomplete)
