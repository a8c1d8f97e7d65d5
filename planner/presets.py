"""Ready-made funnels with published benchmark rates, and the worked demo plan.

Every preset names the source of its rates; ``docs/benchmarks.md`` gives the full citations
and how each rate was derived from them. Neither a preset nor the demo plan triggers a
warning from ``planner.benchmarks.check_benchmarks`` (``tests/unit/test_presets.py``).
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
        "Session-to-order 1.8% (averages 1.4–1.9%: Littledata 2023, IRP Commerce); "
        "add-to-cart 6% of sessions (Dynamic Yield ≈ 7%; Salesforce 2–20% by category); "
        "30% of carts become orders (Baymard Institute: 70.19% abandoned on average). "
        "The 50% viewing a product and the checkout/purchase split are assumptions."
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
    source=(
        "Visitor-to-lead 5% (whole sites 1–5%, landing pages more: Unbounce 2024); "
        "30% qualified, 50% of those get a sales call, 25% of calls close: inside published "
        "B2B ranges (15–40%, 13–60%, 15–35%; HubSpot, First Page Sage via secondary summaries)."
    ),
)

ONLINE_COURSE = FunnelPreset(
    key="online_course",
    label="Online course",
    stages=[
        Stage(name="Visitors"),
        Stage(name="Opt-ins", conversion_rate=0.20),
        Stage(name="Sales page views", conversion_rate=0.40),
        Stage(name="Purchases", conversion_rate=0.05),
    ],
    source=(
        "Opt-in 20% (dedicated lead-magnet pages 15–35%); 40% of subscribers view the sales "
        "page (assumption); 5% of them buy, so 2% of the list, Teachable's conservative "
        "launch estimate."
    ),
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
