"""What-ifs in words: each input a scenario changes or a trial draws, as the reader says it.

Pure functions over a ``compare.Wording`` (the reader's language and digits), so the
Scenarios page, the version comparison and the tests word them alike:
``Conversion to 'Checkout' +10%``, ``Cost per 'Purchase' → $20.00``,
``Conversion to 'Checkout': 45% – 55%, most likely 50% (PERT)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from i18n.catalogue import N_
from planner.models import Plan
from planner.scenarios.inputs import RATE_TARGETS, Override, Scenario, Uncertain

if TYPE_CHECKING:  # ui.compare words a plan's what-ifs with this module
    from ui.compare import Wording

MONEY_TARGETS = frozenset(
    {
        "revenue_target",
        "average_order_value",
        "cost_per_unit",
        "cost_per_mille",
        "returning_average_order_value",
        "budget",
    }
)
"""Inputs in the plan's currency; rates are ``RATE_TARGETS``, the rest are counts."""

INPUT_LABELS = {
    "revenue_target": N_("Revenue target"),
    "average_order_value": N_("Average order value"),
    "orders_per_customer": N_("Orders per new customer"),
    "gross_margin": N_("Gross margin"),
    "cost_per_mille": N_("Cost per 1,000 impressions"),
    "returning_repeat_purchase_rate": N_("Returning customers buying again"),
    "returning_orders_per_customer": N_("Orders per returning buyer"),
    "returning_average_order_value": N_("Returning buyers' order value"),
    "returning_active_customers": N_("Active customers at start"),
    "budget": N_("Budget"),
}
"""Inputs whose label names no stage."""

SHAPES = {"pert": N_("PERT"), "triangular": N_("triangular"), "uniform": N_("uniform")}


def input_label(plan: Plan, target: str, stage: str | None, say: Wording) -> str:
    """``Conversion to 'Checkout'``, ``Cost per 'Purchase'``, ``Sessions in the period``."""
    paid = plan.acquisition_cost.stage if plan.acquisition_cost else ""
    if target == "stage_rate":
        return say.t("Conversion to '{stage}'", stage=stage or "")
    if target == "cost_per_unit":
        return say.t("Cost per '{stage}'", stage=paid)
    if target == "click_through_rate":
        return say.t("Click-through % into '{stage}'", stage=paid)
    if target == "traffic":
        return say.t("{stage} in the period", stage=plan.stages[0].name)
    return say.t(INPUT_LABELS[target])


def value_text(plan: Plan, target: str, value: float, say: Wording) -> str:
    """A value of ``target`` as the page shows it: a percent, an amount of money, a count."""
    if target in RATE_TARGETS:
        return say.percent(value)
    if target in MONEY_TARGETS:
        return say.money(value, plan.currency)
    return say.count(value)


def change_text(change: float, say: Wording) -> str:
    """A relative change with its sign: ``+10%``, ``−5%``."""
    sign = "+" if change >= 0 else "−"
    return sign + say.percent(abs(change))


def override_text(plan: Plan, override: Override, say: Wording) -> str:
    """``Conversion to 'Checkout' +10%`` or ``Cost per 'Purchase' → $20.00``."""
    label = input_label(plan, override.target, override.stage, say)
    if override.mode == "relative":
        return say.t("{input} {change}", input=label, change=change_text(override.value, say))
    shown = value_text(plan, override.target, override.value, say)
    return say.t("{input} → {value}", input=label, value=shown)


def scenario_text(plan: Plan, scenario: Scenario, say: Wording) -> str:
    """``Better checkout: Conversion to 'Checkout' +10%; …`` (``no changes`` when empty)."""
    changes = "; ".join(override_text(plan, override, say) for override in scenario.overrides)
    return say.t("{name}: {changes}", name=scenario.name, changes=changes or say.t("no changes"))


def uncertain_text(plan: Plan, uncertain: Uncertain, say: Wording) -> str:
    """``Conversion to 'Checkout': 45% – 55%, most likely 50% (PERT)`` or ``60 of 500 seen``."""
    label = input_label(plan, uncertain.target, uncertain.stage, say)
    if uncertain.observed is not None:
        seen = uncertain.observed
        return say.t(
            "{input}: {successes} of {trials} observed",
            input=label,
            successes=say.count(seen.successes),
            trials=say.count(seen.trials),
        )
    values = uncertain.range
    if values is None:  # the model holds one of range and observed
        return label
    shown = {
        field: value_text(plan, uncertain.target, getattr(values, field), say)
        for field in ("low", "likely", "high")
    }
    return say.t(
        "{input}: {low} – {high}, most likely {likely} ({shape})",
        input=label,
        shape=say.t(SHAPES[values.shape]),
        **shown,
    )


def scenarios_summary(plan: Plan, say: Wording) -> str:
    """Every scenario of the plan, one per line; ``—`` without any."""
    return "\n".join(scenario_text(plan, scenario, say) for scenario in plan.scenarios) or "—"


def uncertainty_summary(plan: Plan, say: Wording) -> str:
    """Every uncertain input of the plan, one per line; ``—`` without any."""
    return "\n".join(uncertain_text(plan, uncertain, say) for uncertain in plan.uncertainty) or "—"
