"""The plan's what-ifs as the Scenarios page edits them: scenarios and uncertain inputs.

They live in the Plan page's draft under ``plan.whatif``, so the plan saved, exported or
shared from either page carries them, and the Plan page's "unsaved changes" sees them. In the
draft every value is in the page's units (a rate or a relative change in percent), and a
stage's rate names the stage by its id in the draft, so renaming a stage on the Plan page
carries every scenario and range with it. A stage that was removed is kept by its last name:
the Scenarios page then says it is no longer a stage, and nothing the user wrote is lost.

``whatif_data`` turns the block into plan-file lists. An entry the page can't yet turn into a
valid one (a scenario without a name or with another's, a change without a value, a range
out of order) is left out of the plan and reported, so a half-typed scenario never makes the
plan itself invalid; it stays in the draft until it is fixed or removed.

Pure functions on plain data: no streamlit.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from planner.errors import REQUIRED, RULE, FieldProblem, problems_from
from planner.models import Plan
from planner.scenarios.inputs import (
    BOUNDS,
    MAX_OVERRIDES,
    MAX_SCENARIOS,
    MAX_UNCERTAIN,
    RATE_TARGETS,
    Override,
    Scenario,
    Uncertain,
)
from planner.types import OUT_OF_RANGE, format_number

WHATIF = "plan.whatif"
STAGE_RATE = "stage_rate"
PERCENT_TARGETS = RATE_TARGETS  # shares: shown and typed in percent
RANGE_FIELDS = ("low", "likely", "high")


@dataclass(frozen=True)
class WhatIfProblem:
    """Why one entry is left out of the plan: ``entry`` is its id in the draft.

    ``percent``: the problem's numbers are shares, shown in percent as they were typed.
    """

    kind: str  # "scenario", "change" or "uncertain"
    entry: int
    problem: FieldProblem
    percent: bool = False


@dataclass(frozen=True)
class WhatIfData:
    """The plan-file lists, and the entries left out of them."""

    scenarios: list[dict[str, Any]]
    uncertainty: list[dict[str, Any]]
    problems: list[WhatIfProblem]


def empty_whatif() -> dict[str, Any]:
    """A draft block with no scenarios and no uncertain inputs."""
    return {"scenarios": [], "uncertain": [], "next_id": 0}


def whatif_from_plan(plan: Plan, stage_ids: list[int]) -> dict[str, Any]:
    """The draft block for ``plan``'s what-ifs; its stages have the ids ``stage_ids``."""
    pairs = zip(plan.stages, stage_ids, strict=True)
    ids = {stage.name.casefold(): stage_id for stage, stage_id in pairs}
    block = empty_whatif()
    for scenario in plan.scenarios:
        changes = [_change_from(override, ids, new_id(block)) for override in scenario.overrides]
        block["scenarios"].append({"id": new_id(block), "name": scenario.name, "changes": changes})
    for uncertain in plan.uncertainty:
        block["uncertain"].append(_uncertain_from(uncertain, ids, new_id(block)))
    return block


def new_id(block: dict[str, Any]) -> int:
    """A fresh id for an entry (ids are never reused, so widget keys never collide)."""
    number: int = block["next_id"]
    block["next_id"] = number + 1
    return number


def _reference(target: str, stage: str | None, ids: Mapping[str, int]) -> dict[str, Any]:
    if target != STAGE_RATE:
        return {"target": target, "stage_id": None, "stage": None}
    return {"target": target, "stage_id": ids.get((stage or "").casefold()), "stage": stage}


def _change_from(override: Override, ids: Mapping[str, int], entry: int) -> dict[str, Any]:
    percent = override.mode == "relative" or override.target in PERCENT_TARGETS
    return {
        "id": entry,
        **_reference(override.target, override.stage, ids),
        "mode": override.mode,
        "value": to_percent(override.value) if percent else override.value,
    }


def _uncertain_from(uncertain: Uncertain, ids: Mapping[str, int], entry: int) -> dict[str, Any]:
    shown = to_percent if uncertain.target in PERCENT_TARGETS else _same
    row: dict[str, Any] = {"id": entry, **_reference(uncertain.target, uncertain.stage, ids)}
    if uncertain.range is not None:
        values = uncertain.range
        row |= {"kind": "range", "shape": values.shape, "successes": None, "trials": None}
        row |= {field: shown(getattr(values, field)) for field in RANGE_FIELDS}
    elif uncertain.observed is not None:
        seen = uncertain.observed
        row |= {"kind": "observed", "shape": "pert", "low": None, "likely": None, "high": None}
        row |= {"successes": seen.successes, "trials": seen.trials}
    return row


def to_percent(fraction: float) -> float:
    """A share as the page shows it: 0.1 → 10.0 (rounded off float noise)."""
    return round(fraction * 100, 10)


def _same(value: float) -> float:
    return value


def _fraction(percent: float) -> float:
    return percent / 100


# --- Stage references -------------------------------------------------------------------------


def stage_of(row: Mapping[str, Any], names: Mapping[int, str]) -> str | None:
    """The stage a row's rate belongs to: its stage's name now, or the last name it had."""
    if row["target"] != STAGE_RATE:
        return None
    stage_id = row.get("stage_id")
    if stage_id is not None and stage_id in names:
        return names[stage_id]
    return row.get("stage")


def follow_stages(block: dict[str, Any], names: Mapping[int, str]) -> None:
    """Remember each referenced stage's current name, in case it is removed later."""
    for row in rows(block):
        stage_id = row.get("stage_id")
        if row["target"] == STAGE_RATE and isinstance(stage_id, int) and stage_id in names:
            row["stage"] = names[stage_id]


def rows(block: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every change of every scenario, and every uncertain input."""
    changes = [change for scenario in block["scenarios"] for change in scenario["changes"]]
    return [*changes, *block["uncertain"]]


# --- To the plan file -------------------------------------------------------------------------


def whatif_data(block: Mapping[str, Any] | None, names: Mapping[int, str]) -> WhatIfData:
    """The plan file's ``scenarios`` and ``uncertainty``, and why any entry was left out."""
    if not block:
        return WhatIfData([], [], [])
    problems: list[WhatIfProblem] = []
    scenarios = _scenarios_data(block, names, problems)
    uncertainty = []
    for row in block["uncertain"][:MAX_UNCERTAIN]:
        data = _uncertain_data(row, names, problems)
        if data is not None:
            uncertainty.append(data)
    return WhatIfData(scenarios, uncertainty, problems)


def _scenarios_data(
    block: Mapping[str, Any], names: Mapping[int, str], problems: list[WhatIfProblem]
) -> list[dict[str, Any]]:
    scenarios = []
    taken: set[str] = set()
    for scenario in block["scenarios"][:MAX_SCENARIOS]:
        name = str(scenario.get("name") or "").strip()
        problem = _name_problem(name, taken)
        if problem is not None:
            problems.append(WhatIfProblem("scenario", scenario["id"], problem))
            continue
        taken.add(name.casefold())
        overrides = []
        for change in scenario["changes"][:MAX_OVERRIDES]:
            data = _override_data(change, names, problems)
            if data is not None:
                overrides.append(data)
        scenarios.append({"name": name, "overrides": overrides})
    return scenarios


def _name_problem(name: str, taken: set[str]) -> FieldProblem | None:
    if not name:
        return FieldProblem("name", "required", REQUIRED)
    if name.casefold() in taken:
        message = f"'{name}' is already the name of another scenario; scenario names must be unique"
        context = {"rule": "duplicate_scenario_name", "name": name, "index": 0}
        return FieldProblem("name", message, RULE, context)
    try:  # the plan's own checks on a name: length, control characters
        Scenario.model_validate({"name": name})
    except ValidationError as invalid:
        return problems_from(invalid, Scenario)[0]
    return None


def _override_data(
    change: Mapping[str, Any], names: Mapping[int, str], problems: list[WhatIfProblem]
) -> dict[str, Any] | None:
    value = change.get("value")
    if value is None:
        missing = FieldProblem("value", "required", REQUIRED)
        problems.append(WhatIfProblem("change", change["id"], missing))
        return None
    percent = change["mode"] == "relative" or change["target"] in PERCENT_TARGETS
    data: dict[str, Any] = {
        "target": change["target"],
        "mode": change["mode"],
        "value": _fraction(value) if percent else value,
    }
    stage = stage_of(change, names)
    if stage is not None:
        data["stage"] = stage
    return _validated(Override, data, "change", change["id"], problems)


def _uncertain_data(
    row: Mapping[str, Any], names: Mapping[int, str], problems: list[WhatIfProblem]
) -> dict[str, Any] | None:
    data: dict[str, Any] = {"target": row["target"]}
    stage = stage_of(row, names)
    if stage is not None:
        data["stage"] = stage
    if row["kind"] == "observed":
        counts = {"successes": row.get("successes"), "trials": row.get("trials")}
        missing = [f"observed.{field}" for field, value in counts.items() if value is None]
        data["observed"] = counts
    else:
        shown = _fraction if row["target"] in PERCENT_TARGETS else _same
        values = {field: row.get(field) for field in RANGE_FIELDS}
        missing = [f"range.{field}" for field, value in values.items() if value is None]
        data["range"] = {
            **{field: shown(value) for field, value in values.items() if value is not None},
            "shape": row.get("shape") or "pert",
        }
    if missing:
        for field in missing:
            problem = FieldProblem(field, "required", REQUIRED)
            problems.append(WhatIfProblem("uncertain", row["id"], problem))
        return None
    if "range" in data:
        percent = row["target"] in PERCENT_TARGETS
        wrong = _range_problems(row["target"], data["range"], percent=percent)
        if wrong:
            problems += [WhatIfProblem("uncertain", row["id"], p, percent) for p in wrong]
            return None
    return _validated(Uncertain, data, "uncertain", row["id"], problems)


def _range_problems(target: str, values: Mapping[str, Any], *, percent: bool) -> list[FieldProblem]:
    """A range's values outside the input's bounds, or out of order, as the page shows them.

    The model says the same, but in the plan file's fractions ("got 0.7"); a reader who typed
    70% reads it back in percent.
    """
    bounds = BOUNDS[target]
    problems = []
    for field in RANGE_FIELDS:
        value = values[field]
        if not bounds.holds(value):
            lower = "ge" if bounds.low_included else "gt"
            context = {"got": value, lower: bounds.low, "le": bounds.high}
            message = f"must be {bounds.text}, got {format_number(value)}"
            problems.append(FieldProblem(f"range.{field}", message, OUT_OF_RANGE, context))
    low, likely, high = (values[field] for field in RANGE_FIELDS)
    if not problems and not low <= likely <= high:
        shown = {
            field: format_number(to_percent(values[field]) if percent else values[field])
            + ("%" if percent else "")
            for field in RANGE_FIELDS
        }
        message = "must be low ≤ likely ≤ high, got {low}, {likely}, {high}".format(**shown)
        context = {"rule": "range_order", **shown}
        problems.append(FieldProblem("range", message, RULE, context))
    return problems


def _validated(
    model: type[Override] | type[Uncertain],
    data: dict[str, Any],
    kind: str,
    entry: int,
    problems: list[WhatIfProblem],
) -> dict[str, Any] | None:
    try:
        model.model_validate(data)
    except ValidationError as invalid:
        problems += [WhatIfProblem(kind, entry, p) for p in problems_from(invalid, model)]
        return None
    return data


def copied(block: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy, for a draft made from another's."""
    return copy.deepcopy(dict(block))


def add_lift(
    block: dict[str, Any], names: Mapping[int, str], name: str, stage: str, lift: float
) -> bool:
    """A scenario moving ``stage``'s rate by the relative ``lift``: an A/B result in the plan.

    False (nothing added) when the plan already holds the most scenarios it may.
    """
    if len(block["scenarios"]) >= MAX_SCENARIOS:
        return False
    ids = {stage_name.casefold(): stage_id for stage_id, stage_name in names.items()}
    change = {
        "id": new_id(block),
        "target": STAGE_RATE,
        "stage_id": ids.get(stage.casefold()),
        "stage": stage,
        "mode": "relative",
        "value": to_percent(lift),
    }
    block["scenarios"].append({"id": new_id(block), "name": name, "changes": [change]})
    return True
