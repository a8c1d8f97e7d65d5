"""Ready-made funnels with published benchmark rates, their value and costs, and the demo plan.

A preset is a whole starting point, not just stage names: a lead-generation funnel priced at
a store's $60 order and $0.40 visitor would read as a catastrophe (ROAS 0.28×). So each preset
carries its order value, orders per new customer, what acquisition costs (and at which
stage) and a gross margin. Every preset names the sources of its figures and says which are
assumptions; ``docs/benchmarks.md`` gives the full citations and how each figure was chosen.
Neither a preset nor the demo plan triggers a warning from
``planner.benchmarks.check_benchmarks`` (``tests/unit/test_presets.py``).
"""

from __future__ import annotations

from datetime import date

from pydantic import Field, model_validator

from planner.base import Model
from planner.models import AcquisitionCost, Period, Plan, ReturningCustomers, Stage
from planner.types import Money, OrdersPerCustomer, Share


class FunnelPreset(Model):
    """A named starting point: stages with benchmark rates, value, costs and their sources."""

    key: str
    label: str
    stages: list[Stage]
    average_order_value: Money = Field(description="Revenue of one order (a deal, a course).")
    orders_per_customer: OrdersPerCustomer = 1.0
    acquisition_cost: AcquisitionCost = Field(description="What a unit of the paid stage costs.")
    gross_margin: Share | None = None
    source: str = Field(
        description="Where the rates, value and costs come from, as shown beside the preset."
    )

    @model_validator(mode="after")
    def _paid_stage_is_a_stage(self) -> FunnelPreset:
        if self.acquisition_cost.stage not in {stage.name for stage in self.stages}:
            raise ValueError(f"paid stage '{self.acquisition_cost.stage}' is not a stage")
        return self

    @property
    def paid_index(self) -> int:
        """Position of the paid stage in the preset's funnel."""
        return [stage.name for stage in self.stages].index(self.acquisition_cost.stage)


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
    average_order_value=90,
    orders_per_customer=1.0,
    acquisition_cost=AcquisitionCost(stage="Sessions", cost_per_unit=0.40),
    gross_margin=0.45,
    source=(
        "Session-to-order 1.8% (averages 1.4–1.9%: Littledata 2023, IRP Commerce); "
        "add-to-cart 6% of sessions (Dynamic Yield ≈ 7%; Salesforce 2–20% by category); "
        "30% of carts become orders (Baymard Institute: 70.19% abandoned on average). "
        "The 50% viewing a product and the checkout/purchase split are assumptions. "
        "Order value $90: Shopify stores average $85–92 (Red Stag Fulfillment, 2024). "
        "Assumptions: 1 order per new customer, $0.40 per session (paid and free sessions "
        "together; a paid click costs more), 45% gross margin."
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
    average_order_value=5_000,
    orders_per_customer=1.0,
    acquisition_cost=AcquisitionCost(stage="Leads", cost_per_unit=70),
    gross_margin=0.50,
    source=(
        "Visitor-to-lead 5% (whole sites 1–5%, landing pages more: Unbounce 2024); "
        "30% qualified, 50% of those get a sales call, 25% of calls close: inside published "
        "B2B ranges (15–40%, 13–60%, 15–35%; HubSpot, First Page Sage via secondary summaries). "
        "$70 per lead: the all-industry Google Ads average, $70.11 (WordStream by LocaliQ, "
        "2025). Assumptions: a $5,000 first deal per customer and a 50% gross margin; "
        "replace both with your own."
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
    average_order_value=300,
    orders_per_customer=1.0,
    acquisition_cost=AcquisitionCost(stage="Visitors", cost_per_unit=0.60),
    gross_margin=0.90,
    source=(
        "Opt-in 20% (dedicated lead-magnet pages 15–35%); 40% of subscribers view the sales "
        "page (assumption); 5% of them buy, so 2% of the list, Teachable's conservative "
        "launch estimate. Assumptions: a $300 course, $0.60 per visitor (a paid-social "
        "click) and a 90% gross margin (a digital product, less platform and payment fees)."
    ),
)

PRESETS: dict[str, FunnelPreset] = {
    preset.key: preset for preset in (ONLINE_STORE, LEAD_GENERATION, ONLINE_COURSE)
}


def demo_plan() -> Plan:
    """The worked example the app opens with: a store's first quarter of 2027.

    It uses the store preset's stages and costs with a smaller store's $60 order value.
    """
    return Plan(
        name="Demo store",
        currency="USD",
        period=Period(start=date(2027, 1, 1), end=date(2027, 3, 31)),
        revenue_target=120_000,
        average_order_value=60,
        orders_per_customer=1.0,
        stages=ONLINE_STORE.stages,
        acquisition_cost=ONLINE_STORE.acquisition_cost,
        gross_margin=ONLINE_STORE.gross_margin,
        returning_customers=ReturningCustomers(
            active_customers=2_000,
            repeat_purchase_rate=0.15,
            orders_per_customer=1.4,
            average_order_value=65,
        ),
    )
