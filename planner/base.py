"""What every planner model is built on: the strict base model and cross-field rule errors.

Kept apart from ``planner.models`` so that the inputs a plan file holds beside its funnel
(``planner.scenarios.inputs``: what-if scenarios and uncertain inputs) can be declared with
the same base and the same rule errors, and the plan can hold them, without an import cycle.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict
from pydantic_core import PydanticCustomError

from planner.types import printable

RULES_ERROR = "plan_rules"


class Model(BaseModel):
    """Base of every planner model: immutable, strict about unknown keys, finite numbers."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", allow_inf_nan=False, str_strip_whitespace=True
    )


class RuleProblem(NamedTuple):
    """One broken cross-field rule, addressed to the field a user must change.

    ``rule`` names the rule (``duplicate_name``) and ``params`` what its message needs, so the
    message can be worded in any language; ``message`` is the English wording.
    """

    field: str
    rule: str
    message: str
    params: Mapping[str, Any] = {}


def rules_error(problems: list[RuleProblem]) -> PydanticCustomError:
    """Carry several field-addressed problems out of one model validator."""
    pairs = tuple(problem._replace(message=printable(problem.message)) for problem in problems)
    summary = "; ".join(f"{problem.field}: {problem.message}" for problem in pairs)
    return PydanticCustomError(RULES_ERROR, "{summary}", {"summary": summary, "problems": pairs})
