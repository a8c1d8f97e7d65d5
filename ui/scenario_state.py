"""The plan the Scenarios page works on, and its what-if problems worded for the reader.

The base is the last plan that passed validation on the Plan page, with the what-ifs as they
are now: editing a scenario while the Plan page has a field to fix still shows its effect.
Entries left out of the plan (``ui.whatif_draft``) are reported beside the editor they
belong to, by the label the reader sees there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from i18n.catalogue import N_
from planner.errors import FieldProblem, PlanInvalid, parse_plan
from planner.models import Plan
from ui.draft import stage_names
from ui.format import wording
from ui.i18n import t
from ui.messages import describe, label_for
from ui.scenario_words import input_label
from ui.state import last_valid
from ui.whatif_draft import PERCENT_TARGETS, WHATIF, WhatIfProblem, whatif_data

ENTRY_LABELS = {
    "name": N_("Scenario name"),
    "range": N_("Range"),
    "value": N_("Value"),
    "range.low": N_("Low"),
    "range.likely": N_("Most likely"),
    "range.high": N_("High"),
    "observed.successes": N_("Converted"),
    "observed.trials": N_("Out of"),
}
_UNCERTAIN_FIELD = re.compile(r"^uncertainty\[(\d+)\](?:\.(.*))?$")


def base_plan(draft: Mapping[str, Any]) -> tuple[Plan, list[WhatIfProblem]]:
    """The last valid plan with the draft's what-ifs, and the entries left out of them."""
    plan, _result = last_valid()
    whatif = whatif_data(draft.get(WHATIF), stage_names(draft))
    data = plan.model_dump(mode="json")
    data |= {"scenarios": whatif.scenarios, "uncertainty": whatif.uncertainty}
    try:
        return parse_plan(data), whatif.problems
    except PlanInvalid:  # each entry was validated alone; the plan's own fields already were
        return plan, whatif.problems


def notes_by_entry(plan: Plan, left_out: list[WhatIfProblem]) -> dict[int, list[str]]:
    """Entry id → why it is left out of the plan, worded for the reader."""
    notes: dict[int, list[str]] = {}
    for item in left_out:
        text = entry_problem(item.problem, percent=item.percent)
        notes.setdefault(item.entry, []).append(
            t("Left out of the plan until fixed: {problem}", problem=text)
        )
    return notes


def entry_problem(problem: FieldProblem, *, percent: bool = False) -> str:
    """A problem of one editor's field: ``Range must be low ≤ likely ≤ high, got 70%…``."""
    label = t(ENTRY_LABELS.get(problem.field, "Value"))
    return describe(problem, label, percent=percent)


def uncertainty_problem(plan: Plan, problem: FieldProblem) -> str:
    """A simulation's problem, naming the uncertain input or the setting it belongs to."""
    match = _UNCERTAIN_FIELD.match(problem.field)
    if match is None or int(match.group(1)) >= len(plan.uncertainty):
        return describe(problem, label_for(problem.field, {}))
    uncertain = plan.uncertainty[int(match.group(1))]
    label = input_label(plan, uncertain.target, uncertain.stage, wording())
    text = describe(problem, label, percent=uncertain.target in PERCENT_TARGETS)
    return t("Uncertain input '{input}': {problem}", input=label, problem=text)
