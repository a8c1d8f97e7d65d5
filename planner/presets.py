"""Ready-made funnels with published benchmark rates, and the worked demo plan.

Every preset names the source of its rates; ``docs/benchmarks.md`` gives the full citations
and how each rate was derived from them.
"""

from __future__ import annotations

from datetime import date

from pydantic import Field

from planner.models import AcquisitionCost, Model, Period, Plan, ReturningCustomers, Stage


class FunnelPreset(Model):
    """A named funnel template: stage names, benchmark rates and where they come from."""

    key: str
    label: str
    stages: list[Stage]
    source: str = Field(description="Where the rates come from, as shown beside the preset.")


ONLINE_STORE = FunnelPreset(
    key="online_store",
    label="Online store",
    stages=[
        Stage(name="Sessions"),
        Stage(name="Product views", conversion_rate=0.50),
        Stage(name="Add to cart", conversion_rate=0.12),
        Stage(name="Checkout", conversion_rate=0.50),
        Stage(name="Purchase", conversion_rate=0.60),
    ],
    source=(
        "Session-to-order ≈ 1.8% and add-to-cart ≈ 6% of sessions (e-commerce conversion "
        "benchmarks); cart abandonment ≈ 70% (Baymard Institute, average of 49 studies)."
    ),
)

LEAD_GENERATION = FunnelPreset(
    key="lead_generation",
    label="Lead generation",
    stages=[
        Stage(name="Visitors"),
        Stage(name="Leads", conversion_rate=0.05),
        Stage(name="Qualified leads", conversion_rate=0.30),
        Stage(name="Sales calls", conversion_rate=0.50),
        Stage(name="Customers", conversion_rate=0.25),
    ],
    source="Landing-page and B2B pipeline conversion benchmarks; see docs/benchmarks.md.",
)

ONLINE_COURSE = FunnelPreset(
    key="online_course",
    label="Online course",
    stages=[
        Stage(name="Visitors"),
        Stage(name="Opt-ins", conversion_rate=0.20),
        Stage(name="Sales page views", conversion_rate=0.40),
        Stage(name="Purchases", conversion_rate=0.02),
    ],
    source="Opt-in page and course sales-page conversion benchmarks; see docs/benchmarks.md.",
)

PRESETS: dict[str, FunnelPreset] = {
    preset.key: preset for preset in (ONLINE_STORE, LEAD_GENERATION, ONLINE_COURSE)
}


def demo_plan() -> Plan:
    """The worked example the app opens with: a store's first quarter of 2027."""
    return Plan(
        name="Demo store: Q1 2027",
        currency="USD",
        period=Period(start=date(2027, 1, 1), end=date(2027, 3, 31)),
        revenue_target=120_000,
        average_order_value=60,
        orders_per_customer=1.0,
        stages=ONLINE_STORE.stages,
        acquisition_cost=AcquisitionCost(stage="Sessions", cost_per_unit=0.40),
        gross_margin=0.45,
        returning_customers=ReturningCustomers(
            active_customers=2_000,
            repeat_purchase_rate=0.15,
            orders_per_customer=1.4,
            average_order_value=65,
        ),
    )
