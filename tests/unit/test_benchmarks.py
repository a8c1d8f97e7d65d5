"""Benchmark checks: rates between named stages against published ranges, and sanity checks.

Every rate below is worked by hand in the test's docstring: the rate between two stages is
the product of the conversion rates into each stage after the first one up to the last.
A warning is a code with its figures; ``said`` words it in English as the page and the CLI
do (``i18n.domain``; the Arabic is checked in ``tests/i18n``).
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

import pytest

from i18n.domain import warning_message
from planner.benchmarks import (
    BENCHMARKS,
    BenchmarkWarning,
    check_benchmarks,
    match_benchmarks,
)
from planner.models import AcquisitionCost, Period, Plan, ReturningCustomers, Stage

Q1 = Period(start=date(2027, 1, 1), end=date(2027, 3, 31))


def make_plan(*stages: tuple[str, float | None], **fields: Any) -> Plan:
    """A plan with these (name, rate) stages; the first stage's rate is ignored."""
    built = [Stage(name=stages[0][0])]
    built += [Stage(name=name, conversion_rate=rate) for name, rate in stages[1:]]
    fields.setdefault("revenue_target", 120_000)
    fields.setdefault("average_order_value", 60)
    return Plan(period=Q1, stages=built, **fields)


def typical_store(**fields: Any) -> Plan:
    """Sessions → 50% → 12% → 50% → 60%: session-to-order 0.5 × 0.12 × 0.5 × 0.6 = 1.8%."""
    return make_plan(
        ("Sessions", None),
        ("Product views", 0.5),
        ("Add to cart", 0.12),
        ("Checkout", 0.5),
        ("Purchase", 0.6),
        **fields,
    )


def by_key(warnings: list[BenchmarkWarning]) -> dict[str, BenchmarkWarning]:
    return {warning.key: warning for warning in warnings}


def said(warning: BenchmarkWarning) -> str:
    """The warning as an English reader gets it."""
    return warning_message(warning)


def test_a_typical_store_funnel_gives_no_warning() -> None:
    """1.8% session-to-order, 0.5 × 0.12 = 6% add-to-cart, 0.5 × 0.6 = 30% cart-to-order."""
    plan = typical_store()
    rates = {match.benchmark.key: match.rate for match in match_benchmarks(plan)}
    assert rates == {
        "session_to_order": pytest.approx(0.018),
        "add_to_cart": pytest.approx(0.06),
        "cart_to_order": pytest.approx(0.30),
    }
    assert check_benchmarks(plan) == []


def test_a_nine_percent_session_to_order_rate_warns_above_naming_source_and_field() -> None:
    """0.5 × 0.4 × 0.75 × 0.6 = 9% session-to-order, above the 5% threshold.

    The parts stay on their own thresholds: add-to-cart 0.5 × 0.4 = 20% (high 20%) and
    cart-to-order 0.75 × 0.6 = 45% (high 45%), so only the session-to-order rate warns.
    """
    plan = make_plan(
        ("Sessions", None),
        ("Product views", 0.5),
        ("Add to cart", 0.4),
        ("Checkout", 0.75),
        ("Purchase", 0.6),
    )
    warnings = check_benchmarks(plan)
    assert [warning.key for warning in warnings] == ["session_to_order"]
    warning = warnings[0]
    assert warning.severity == "warning"
    assert warning.field == "stages[4].conversion_rate"
    assert warning.rate == pytest.approx(0.09)
    assert warning.code == "rate_above_range"
    assert warning.params == {
        "benchmark": "session_to_order",
        "rate": pytest.approx(0.09),
        "from_stage": "Sessions",
        "to_stage": "Purchase",
    }
    assert said(warning) == (
        "A 9% session-to-order rate (from 'Sessions' to 'Purchase') is above what almost all "
        "stores reach (typical 1–3%, average ≈ 1.4–1.9%, top 10% of Shopify stores above 4.7%; "
        f"source: {warning.source}). A plan built on it will likely need more traffic than it "
        "shows."
    )
    assert said(warning).startswith("A 9% session-to-order rate")
    assert "above what almost all stores reach" in said(warning)
    assert "'Sessions' to 'Purchase'" in said(warning)
    assert "Littledata" in warning.source
    assert warning.source in said(warning)


def test_renamed_stages_are_matched_by_synonym_case_and_punctuation_insensitively() -> None:
    """'VISITS' → 'Orders' at 9% is the same session-to-order rate as above."""
    warnings = check_benchmarks(make_plan(("VISITS", None), ("Orders", 0.09)))
    assert [(warning.key, warning.field) for warning in warnings] == [
        ("session_to_order", "stages[1].conversion_rate")
    ]
    hyphenated = make_plan(("visitors", None), ("Add-to-Cart", 0.06), ("Orders ", 0.3))
    assert {match.benchmark.key for match in match_benchmarks(hyphenated)} == {
        "session_to_order",
        "add_to_cart",
        "cart_to_order",
    }


def test_a_typical_rate_under_synonyms_does_not_warn() -> None:
    """'Visits' → 'Orders' at 2% is inside the 0.5–5% range."""
    assert check_benchmarks(make_plan(("Visits", None), ("Orders", 0.02))) == []


def test_an_inserted_stage_still_computes_the_product() -> None:
    """A landing page between sessions and product views: 0.8 × 0.5 × 0.15 × 0.5 × 0.6 = 1.8%.

    Add-to-cart is 0.8 × 0.5 × 0.15 = 6% of sessions; cart-to-order 0.5 × 0.6 = 30%.
    """
    plan = make_plan(
        ("Sessions", None),
        ("Landing page", 0.8),
        ("Product views", 0.5),
        ("Add to cart", 0.15),
        ("Checkout", 0.5),
        ("Purchase", 0.6),
    )
    matches = {match.benchmark.key: match for match in match_benchmarks(plan)}
    assert matches["session_to_order"].rate == pytest.approx(0.018)
    assert (matches["session_to_order"].from_index, matches["session_to_order"].to_index) == (0, 5)
    assert matches["add_to_cart"].rate == pytest.approx(0.06)
    assert matches["add_to_cart"].field == "stages[3].conversion_rate"
    assert check_benchmarks(plan) == []


def test_an_inserted_stage_can_push_the_product_out_of_range() -> None:
    """An unnamed 'Interested' stage between sessions and orders: 0.02 × 0.1 = 0.2%.

    That is below the 0.5% threshold, so the planner says so, as info: a low rate makes the
    plan pessimistic, not wrong.
    """
    plan = make_plan(("Sessions", None), ("Interested", 0.02), ("Orders", 0.1))
    warnings = check_benchmarks(plan)
    assert [(warning.key, warning.severity) for warning in warnings] == [
        ("session_to_order", "info")
    ]
    assert warnings[0].field == "stages[2].conversion_rate"
    assert "below what most stores reach" in said(warnings[0])
    assert said(warnings[0]).startswith("A 0.2% session-to-order rate")


def test_a_benchmark_is_skipped_when_its_stages_are_not_in_the_funnel() -> None:
    plan = make_plan(("Step one", None), ("Step two", 0.99))
    assert match_benchmarks(plan) == []
    assert check_benchmarks(plan) == []


def test_the_end_stage_must_come_after_the_start_stage() -> None:
    """'Orders' before 'Sessions' is no session-to-order span."""
    plan = make_plan(("Orders", None), ("Sessions", 0.5))
    assert match_benchmarks(plan) == []


def test_a_lead_generation_funnel_with_an_absurd_rate_warns() -> None:
    """60% of visitors leave a lead: above the 25% threshold for visitor-to-lead.

    Lead-to-customer is 0.3 × 0.5 × 0.25 = 3.75%, inside 0.5–20%, so it does not warn.
    """
    plan = make_plan(
        ("Visitors", None),
        ("Leads", 0.6),
        ("Qualified leads", 0.3),
        ("Sales calls", 0.5),
        ("Customers", 0.25),
    )
    warnings = check_benchmarks(plan)
    assert [(warning.key, warning.field, warning.severity) for warning in warnings] == [
        ("visitor_to_lead", "stages[1].conversion_rate", "warning")
    ]
    assert "Unbounce" in said(warnings[0])


def test_a_close_rate_of_ninety_percent_warns() -> None:
    """90% of sales calls close (high 50%); lead-to-customer 0.3 × 0.5 × 0.9 = 13.5% is fine."""
    plan = make_plan(
        ("Visitors", None),
        ("Leads", 0.05),
        ("Qualified leads", 0.3),
        ("Sales calls", 0.5),
        ("Customers", 0.9),
    )
    warnings = by_key(check_benchmarks(plan))
    assert set(warnings) == {"close_rate"}
    assert warnings["close_rate"].field == "stages[4].conversion_rate"
    assert said(warnings["close_rate"]).startswith("A 90% close rate")


def test_a_store_benchmark_does_not_apply_across_a_lead_stage() -> None:
    """No session-to-order check on a funnel that goes through a lead stage.

    Visitors → Customers through 'Leads' is 0.05 × 0.3 × 0.5 × 0.25 = 0.1875%: a store would be
    below range, but a lead-generation funnel is not a store.
    """
    plan = make_plan(
        ("Visitors", None),
        ("Leads", 0.05),
        ("Qualified leads", 0.3),
        ("Sales calls", 0.5),
        ("Customers", 0.25),
    )
    keys = {match.benchmark.key for match in match_benchmarks(plan)}
    assert "session_to_order" not in keys
    assert {"visitor_to_lead", "close_rate", "lead_to_customer"} <= keys


def test_a_course_funnel_is_checked_against_course_benchmarks() -> None:
    """Opt-in 60% (high 50%); subscriber-to-buyer 0.4 × 0.05 = 2%; sales page 5%."""
    plan = make_plan(
        ("Visitors", None),
        ("Opt-ins", 0.6),
        ("Sales page views", 0.4),
        ("Purchases", 0.05),
    )
    warnings = check_benchmarks(plan)
    assert [(warning.key, warning.field) for warning in warnings] == [
        ("opt_in_rate", "stages[1].conversion_rate")
    ]


def test_a_repeat_purchase_share_of_80_percent_warns() -> None:
    returning = ReturningCustomers(active_customers=2_000, repeat_purchase_rate=0.8)
    warnings = check_benchmarks(typical_store(returning_customers=returning))
    assert len(warnings) == 1
    warning = warnings[0]
    assert (warning.key, warning.field, warning.severity) == (
        "repeat_purchase",
        "returning_customers.repeat_purchase_rate",
        "warning",
    )
    assert said(warning).startswith("An 80% repeat-purchase share")
    assert "27%" in said(warning)
    assert "49%" in said(warning)
    assert "Smile.io" in warning.source


@pytest.mark.parametrize(
    ("share", "expected"),
    [(0.0, None), (0.15, None), (0.27, None), (0.35, "info"), (0.49, "info"), (0.5, "warning")],
)
def test_repeat_purchase_thresholds(share: float, expected: str | None) -> None:
    """Up to 27% is fine, above 49% warns, in between is worth knowing.

    27% is first-time buyers' return probability, 49% that after a second purchase.
    """
    returning = ReturningCustomers(active_customers=2_000, repeat_purchase_rate=share)
    warnings = check_benchmarks(typical_store(returning_customers=returning))
    assert [warning.severity for warning in warnings] == ([expected] if expected else [])


def test_an_empty_customer_base_is_not_checked() -> None:
    returning = ReturningCustomers(active_customers=0, repeat_purchase_rate=0.9)
    assert check_benchmarks(typical_store(returning_customers=returning)) == []


def test_a_customer_costing_more_than_they_bring_in_warns() -> None:
    """2.00 per session ÷ 1.8% session-to-purchase = 111.11 per new customer > 60 AOV × 1."""
    plan = typical_store(acquisition_cost=AcquisitionCost(stage="Sessions", cost_per_unit=2.0))
    warnings = check_benchmarks(plan)
    assert [(warning.key, warning.field, warning.severity) for warning in warnings] == [
        ("cac_above_revenue", "acquisition_cost.cost_per_unit", "warning")
    ]
    assert "$111.11" in said(warnings[0])
    assert "$60.00" in said(warnings[0])
    assert warnings[0].rate is None


def test_a_cac_paid_on_the_last_stage_is_compared_directly() -> None:
    """A cost per purchase is the CAC itself.

    40 AOV × 2 orders = 80 per new customer: 75 per purchase is below, 90 is above.
    """
    fields: dict[str, Any] = {"average_order_value": 40, "orders_per_customer": 2}
    cheap = typical_store(
        acquisition_cost=AcquisitionCost(stage="Purchase", cost_per_unit=75), **fields
    )
    assert check_benchmarks(cheap) == []
    dear = typical_store(
        acquisition_cost=AcquisitionCost(stage="Purchase", cost_per_unit=90), **fields
    )
    warnings = check_benchmarks(dear)
    assert [warning.key for warning in warnings] == ["cac_above_revenue"]
    assert "($40.00 AOV × 2 orders)" in said(warnings[0])


def test_a_customer_costing_more_than_their_gross_profit_is_an_info() -> None:
    """CPM 10 at 1% CTR = 10 ÷ 1000 ÷ 0.01 = 1.00 per session; ÷ 1.8% = 55.56 per customer.

    That is below the 60 of revenue but above 60 × 45% = 27 of gross profit.
    """
    paid = AcquisitionCost(stage="Sessions", cost_per_mille=10, click_through_rate=0.01)
    plan = typical_store(acquisition_cost=paid, gross_margin=0.45)
    warnings = check_benchmarks(plan)
    assert [(warning.key, warning.field, warning.severity) for warning in warnings] == [
        ("cac_above_gross_profit", "acquisition_cost.cost_per_mille", "info")
    ]
    assert "$55.56" in said(warnings[0])
    assert "$27.00" in said(warnings[0])


def test_free_traffic_and_no_cost_are_not_checked() -> None:
    free = typical_store(acquisition_cost=AcquisitionCost(stage="Sessions", cost_per_unit=0))
    assert check_benchmarks(free) == []
    assert check_benchmarks(typical_store()) == []


def test_every_benchmark_is_coherent() -> None:
    """Thresholds bracket the typical value, a source is named, start and end differ."""
    keys = [benchmark.key for benchmark in BENCHMARKS]
    assert len(keys) == len(set(keys))
    for benchmark in BENCHMARKS:
        assert 0 < benchmark.low < benchmark.typical < benchmark.high <= 1, benchmark.key
        assert benchmark.source.strip(), benchmark.key
        assert not set(benchmark.from_stages) & set(benchmark.to_stages), benchmark.key


def test_checking_is_fast_enough_for_every_rerun() -> None:
    """A thousand checks of a 6-stage plan with every kind of warning stay well under a second."""
    plan = make_plan(
        ("Sessions", None),
        ("Landing page", 0.9),
        ("Product views", 0.5),
        ("Add to cart", 0.5),
        ("Checkout", 0.9),
        ("Purchase", 0.9),
        acquisition_cost=AcquisitionCost(stage="Sessions", cost_per_unit=5),
        returning_customers=ReturningCustomers(active_customers=10, repeat_purchase_rate=0.9),
    )
    start = time.perf_counter()
    for _ in range(1_000):
        check_benchmarks(plan)
    assert time.perf_counter() - start < 1.0
