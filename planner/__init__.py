"""Funnel Planner's domain: the plan model and the funnel arithmetic, free of any UI.

Import from here: ``parse_plan``, ``plan_backwards``, ``project_forwards`` and the models.
Nothing in this package imports streamlit, touches files or a database.
"""

from planner.errors import FieldProblem, PlanInvalid, PlannerError, parse_plan, parse_plan_json
from planner.funnel import plan_backwards, project_forwards
from planner.models import AcquisitionCost, Period, Plan, ReturningCustomers, Stage
from planner.results import PlanResult, Projection

__all__ = [
    "AcquisitionCost",
    "FieldProblem",
    "Period",
    "Plan",
    "PlanInvalid",
    "PlanResult",
    "PlannerError",
    "Projection",
    "ReturningCustomers",
    "Stage",
    "parse_plan",
    "parse_plan_json",
    "plan_backwards",
    "project_forwards",
]
