"""The Plan page's one call into the planner: the direction the user chose, worked out.

Pure (no streamlit): it reads the draft's direction and amount and returns what to draw, or
the field problems and infeasibility to show instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from planner.errors import FieldProblem, PlanInvalid, PlannerError
from planner.funnel import plan_backwards, project_forwards
from planner.models import Plan
from planner.results import PlanResult, Projection
from ui.draft import PREFIX

DIRECTION_KEY = PREFIX + "direction"


@dataclass(frozen=True)
class Work:
    """What the page draws: an outcome, or why there is none."""

    outcome: PlanResult | Projection | None
    problems: list[FieldProblem] = field(default_factory=list)
    infeasible: PlannerError | None = None


def work_out(plan: Plan, draft: Mapping[str, Any]) -> Work:
    """Plan backwards from the target, or project forwards from traffic or a budget."""
    direction = draft.get(DIRECTION_KEY, "target")
    if direction == "target":
        return Work(plan_backwards(plan))
    amount = draft.get(PREFIX + direction)
    if amount is None:
        return Work(None, [FieldProblem(direction, "required", "missing")])
    try:
        return Work(project_forwards(plan, direction, float(amount)))
    except PlanInvalid as invalid:
        return Work(None, invalid.problems)
    except PlannerError as error:
        return Work(None, infeasible=error)


def forward_starting_points(plan: Plan) -> dict[str, float]:
    """The backward plan's traffic and budget: projecting them shows both directions agree."""
    result = plan_backwards(plan)
    return {"traffic": float(result.stages[0].required), "budget": round(result.budget, 2)}
