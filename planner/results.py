"""What the planner computes from a plan: the funnel counts, the money, the pace.

Results are built by ``planner.funnel`` from a validated plan: it works in exact fractions,
converts to floats once at the end, and validates each result once from plain data (cheaper
than building every nested model), so a sweep of thousands of plans stays fast.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from planner.base import Model

Driver = Literal["traffic", "budget"]


class StageOutcome(Model):
    """Counts and cost at one stage."""

    name: str
    conversion_rate: float | None = Field(description="Share of the previous stage; none first.")
    per_month: float = Field(description="Count per calendar month of the period.")
    per_week: float = Field(description="Count per week of the period.")
    cost_per_unit: float | None = Field(
        description="Budget ÷ count: CAC on the last stage, cost per lead, cost per visitor."
    )


class RequiredStage(StageOutcome):
    """A stage of a plan worked backwards: the whole number it must reach."""

    required: int = Field(
        description="Count needed: the whole new customers ÷ the product of the rates from here "
        "to the last stage, rounded up once, so this stage alone yields them in expectation."
    )

    @property
    def count(self) -> float:
        """The stage's count, whichever way the funnel was worked."""
        return float(self.required)


class ProjectedStage(StageOutcome):
    """A stage of a funnel worked forwards: the count expected from the inputs."""

    expected: float = Field(description="Count the funnel produces in expectation.")

    @property
    def count(self) -> float:
        """The stage's count, whichever way the funnel was worked."""
        return self.expected


class ReturningOutcome(Model):
    """Revenue from customers already won."""

    customers: float = Field(description="Returning buyers expected within the period.")
    orders: float
    revenue: float


class Outcome(Model):
    """Totals shared by both directions."""

    currency: str
    revenue_target: float
    returning: ReturningOutcome
    new_customers: float = Field(description="Customers the last stage delivers.")
    new_orders: float
    orders: float = Field(description="New and returning orders.")
    new_customer_revenue: float
    revenue: float = Field(description="New and returning revenue.")
    impressions: float | None = Field(description="Impressions bought, when paying per mille.")
    budget: float = Field(description="Marketing spend on the paid stage.")
    cac: float | None = Field(description="Budget ÷ new customers.")
    roas: float | None = Field(description="New-customer revenue ÷ budget; none without spend.")
    marketing_efficiency: float | None = Field(
        description="All revenue (new and returning) ÷ budget; none without spend."
    )
    contribution: float | None = Field(
        description="Revenue × gross margin − budget; none without a margin."
    )
    period_days: int
    period_weeks: float
    period_months: float


class PlanResult(Outcome):
    """A plan worked backwards from its revenue target."""

    direction: Literal["backward"] = "backward"
    stages: list[RequiredStage]
    new_customer_revenue_needed: float = Field(
        description="Target minus returning revenue, never below zero."
    )
    covered_by_returning: bool = Field(
        description="True when returning customers alone reach the target."
    )


class Projection(Outcome):
    """A funnel worked forwards from traffic or a budget."""

    direction: Literal["forward"] = "forward"
    driver: Driver
    stages: list[ProjectedStage]
    target_gap: float = Field(description="Revenue minus target: negative means short.")
