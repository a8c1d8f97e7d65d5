"""What one arm of a test saw: how many visitors, how many of them converted.

Counts are whole and not negative, conversions at most visitors; a problem names the field
and is worded like the plan's own (``planner.errors``). An arm may be empty (no visitors):
the analysis then reports a status instead of a number it can't know.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from planner.base import Model, RuleProblem, rules_error
from planner.types import Count, Name

MAX_VARIANTS = 10
"""Arms besides control a test may have (A/B/n up to 11 arms)."""


class Arm(Model):
    """One arm of a test: visitors and conversions (control or a variant)."""

    name: Name = Field(default="", description="How the team calls the arm ('B', 'New checkout').")
    visitors: Count = Field(description="Visitors who saw this arm.")
    conversions: Count = Field(description="Of them, how many converted.")

    @model_validator(mode="after")
    def _no_more_conversions_than_visitors(self) -> Arm:
        if self.conversions > self.visitors:
            params = {"conversions": self.conversions, "visitors": self.visitors}
            message = f"must be at most visitors ({self.visitors:,}), got {self.conversions:,}"
            raise rules_error(
                [RuleProblem("conversions", "conversions_over_visitors", message, params)]
            )
        return self

    @property
    def rate(self) -> float | None:
        """Conversions ÷ visitors; none for an empty arm."""
        return self.conversions / self.visitors if self.visitors else None
