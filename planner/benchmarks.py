"""Published benchmark ranges for funnel rates, and a check of a plan against them.

A benchmark compares the rate between two named stages with what published studies report.
The rate between two stages is the product of the conversion rates between them, so a
benchmark still applies when the team inserts stages in between. Stages are matched by
name, case-insensitively and ignoring punctuation, against a list of synonyms ("Visits",
"Sessions" and "Visitors" are all the top of a store's funnel); a benchmark whose stages
are not in the funnel is skipped.

Besides the rate benchmarks, ``check_benchmarks`` looks at the returning customers' repeat
share against published return probabilities, and at whether a new customer costs more to
win than they bring in within the period (plain arithmetic on the plan, not a benchmark).

Every figure, its publisher and how the thresholds were chosen is in ``docs/benchmarks.md``.
This module is data and arithmetic only: it is called on every page rerun, so it does no
I/O and precomputes its synonym sets at import. A warning is a code with its figures, not a
sentence: ``i18n.domain`` words it (and the labels, populations and typical figures below)
in the reader's language.
"""

from __future__ import annotations

import math
import re
from typing import Any, Literal, NamedTuple

from planner.base import Model
from planner.models import Plan

Severity = Literal["info", "warning"]
Verdict = Literal["below", "within", "above"]

# A rate this close to a threshold is on it, not past it (float products such as
# 0.75 × 0.6 = 0.44999999999999996).
_TOLERANCE = 1e-9


class BenchmarkRange(Model):
    """A published range for the rate from one kind of stage to another."""

    key: str
    label: str
    from_stages: tuple[str, ...]
    to_stages: tuple[str, ...]
    low: float
    high: float
    typical: float
    typical_text: str
    population: str
    source: str
    not_through: tuple[str, ...] = ()


class BenchmarkMatch(Model):
    """A benchmark that applies to a plan, with the plan's rate between its stages."""

    benchmark: BenchmarkRange
    from_index: int
    to_index: int
    rate: float
    field: str
    verdict: Verdict


class BenchmarkWarning(Model):
    """Something in a plan that is outside what published figures or plain arithmetic allow.

    ``key`` names what was checked (a benchmark's key, ``repeat_purchase``...), ``code`` the
    message and ``params`` its figures and names; ``i18n.domain`` words them. ``source`` is
    where the figures come from, as its publishers name it.
    """

    key: str
    field: str
    severity: Severity
    code: str
    params: dict[str, Any]
    source: str
    rate: float | None = None


# --- Stage-name synonyms --------------------------------------------------------------------


def _synonyms(text: str) -> tuple[str, ...]:
    """'sessions, visits' → ('sessions', 'visits')."""
    return tuple(part.strip() for part in text.split(","))


_TRAFFIC = _synonyms(
    "sessions, session, visits, visit, visitors, visitor, traffic, users, site visits, "
    "website visits, store visits, website visitors, site visitors, store sessions"
)
_ORDERS = _synonyms(
    "purchase, purchases, orders, order, transactions, buyers, sales, customers, "
    "new customers, paying customers, completed orders, completed purchases"
)
_CARTS = _synonyms(
    "add to cart, add to carts, added to cart, adds to cart, cart, carts, cart adds, "
    "basket, baskets, add to basket, added to basket"
)
_LEADS = _synonyms(
    "leads, lead, enquiries, inquiries, form fills, form submissions, contacts, "
    "contact requests, demo requests, quote requests"
)
_QUALIFIED = _synonyms("qualified leads, qualified, mql, mqls, marketing qualified leads")
_SALES_MEETINGS = _synonyms(
    "sales calls, sales call, calls, sql, sqls, sales qualified leads, meetings, "
    "appointments, demos, discovery calls, calls booked"
)
_OPPORTUNITIES = (*_SALES_MEETINGS, "opportunities", "opportunity", "proposals", "deals")
_WON = _synonyms(
    "customers, new customers, clients, new clients, won, closed won, deals won, "
    "won deals, closed deals, signed"
)
_OPT_INS = _synonyms(
    "opt ins, opt in, optins, optin, subscribers, email subscribers, sign ups, signups, "
    "sign up, signup, email sign ups, registrations, registrants, webinar registrations"
)
_COURSE_BUYERS = _synonyms(
    "purchases, purchase, buyers, students, enrolments, enrollments, enrolled, orders, sales"
)
_SALES_PAGE = _synonyms(
    "sales page views, sales page view, sales page visitors, sales page visits, sales page"
)
# A store's session-to-order rate does not apply to a funnel that first captures a lead or an
# e-mail address: that is a lead-generation or course funnel with its own benchmarks.
_CAPTURE_STAGES = (*_LEADS, *_QUALIFIED, *_SALES_MEETINGS, *_OPT_INS)


# --- Sources (short names; full citations in docs/benchmarks.md) ----------------------------

STORE_CONVERSION_SOURCE = (
    "Littledata, Shopify conversion-rate benchmarks (2023 data, ~2,800 stores); "
    "IRP Commerce, e-commerce market data (UK, 2016–2022)"
)
ADD_TO_CART_SOURCE = (
    "Dynamic Yield, e-commerce benchmarks (12-month global average); "
    "Salesforce, digital commerce benchmarks: add-to-cart rate (2018, ~2,000 sites)"
)
CART_ABANDONMENT_SOURCE = (
    "Baymard Institute, Cart Abandonment Rate Statistics (average of ~50 studies)"
)
LANDING_PAGE_SOURCE = (
    "Unbounce, Conversion Benchmark Report (2024); B2B funnel ranges from HubSpot and "
    "First Page Sage as summarised by secondary sources"
)
B2B_FUNNEL_SOURCE = (
    "B2B funnel ranges from HubSpot and First Page Sage (2017–2022 client data), "
    "as summarised by secondary sources"
)
COURSE_SOURCE = (
    "Teachable, course launch goals calculator (≥ 2% of the list enrols); "
    "creator-marketing benchmarks for opt-in and sales pages"
)
RETENTION_SOURCE = (
    "Smile.io repeat-purchase data (2023); a similar ladder in RJMetrics (2014, "
    "176 online retailers) and MineThatData (2021)"
)
ARITHMETIC_SOURCE = "Arithmetic on this plan (not a benchmark)"

# Probability that a customer comes back to buy again after their n-th purchase (Smile.io).
RETURN_PROBABILITY: dict[int, float] = {1: 0.27, 2: 0.49, 3: 0.62}


BENCHMARKS: tuple[BenchmarkRange, ...] = (
    BenchmarkRange(
        key="session_to_order",
        label="session-to-order rate",
        from_stages=_TRAFFIC,
        to_stages=_ORDERS,
        low=0.005,
        high=0.05,
        typical=0.018,
        typical_text="typical 1–3%, average ≈ 1.4–1.9%, top 10% of Shopify stores above 4.7%",
        population="stores",
        source=STORE_CONVERSION_SOURCE,
        not_through=_CAPTURE_STAGES,
    ),
    BenchmarkRange(
        key="add_to_cart",
        label="add-to-cart rate",
        from_stages=_TRAFFIC,
        to_stages=_CARTS,
        low=0.02,
        high=0.20,
        typical=0.065,
        typical_text="typical ≈ 6–7% of sessions; 2–10% for luxury, 5–20% for health & beauty",
        population="stores",
        source=ADD_TO_CART_SOURCE,
    ),
    BenchmarkRange(
        key="cart_to_order",
        label="cart-to-order rate",
        from_stages=_CARTS,
        to_stages=_ORDERS,
        low=0.17,
        high=0.45,
        typical=0.298,
        typical_text=(
            "about 30% of carts become orders: 70.19% are abandoned on average, "
            "single studies 55–83%"
        ),
        population="stores",
        source=CART_ABANDONMENT_SOURCE,
    ),
    BenchmarkRange(
        key="visitor_to_lead",
        label="visitor-to-lead rate",
        from_stages=_TRAFFIC,
        to_stages=_LEADS,
        low=0.005,
        high=0.25,
        typical=0.03,
        typical_text=(
            "whole sites ≈ 1–5%; landing pages more "
            "(Unbounce 2024: 57M conversions from 464M visitors)"
        ),
        population="lead-generation funnels",
        source=LANDING_PAGE_SOURCE,
    ),
    BenchmarkRange(
        key="lead_to_qualified",
        label="lead-to-qualified-lead rate",
        from_stages=_LEADS,
        to_stages=_QUALIFIED,
        low=0.05,
        high=0.60,
        typical=0.25,
        typical_text="typical 15–40%, depending on how strictly a lead is qualified",
        population="B2B sales teams",
        source=B2B_FUNNEL_SOURCE,
    ),
    BenchmarkRange(
        key="qualified_to_meeting",
        label="qualified-lead-to-sales-meeting rate",
        from_stages=_QUALIFIED,
        to_stages=_SALES_MEETINGS,
        low=0.10,
        high=0.70,
        typical=0.35,
        typical_text="published MQL-to-SQL figures range from 13% to 60%",
        population="B2B sales teams",
        source=B2B_FUNNEL_SOURCE,
    ),
    BenchmarkRange(
        key="close_rate",
        label="close rate",
        from_stages=_OPPORTUNITIES,
        to_stages=_WON,
        low=0.05,
        high=0.50,
        typical=0.25,
        typical_text="typical 15–35% of opportunities close; enterprise deals 10–20%",
        population="B2B sales teams",
        source=B2B_FUNNEL_SOURCE,
    ),
    BenchmarkRange(
        key="lead_to_customer",
        label="lead-to-customer rate",
        from_stages=_LEADS,
        to_stages=_WON,
        low=0.005,
        high=0.20,
        typical=0.03,
        typical_text="typical 2–5% of leads become customers",
        population="lead-generation funnels",
        source=B2B_FUNNEL_SOURCE,
    ),
    BenchmarkRange(
        key="opt_in_rate",
        label="opt-in rate",
        from_stages=(*_TRAFFIC, "landing page visitors", "opt in page visitors", "page views"),
        to_stages=_OPT_INS,
        low=0.01,
        high=0.50,
        typical=0.20,
        typical_text="1–5% is often quoted; 15–35% on a dedicated lead-magnet page, warm traffic",
        population="opt-in pages",
        source=COURSE_SOURCE,
    ),
    BenchmarkRange(
        key="opt_in_to_purchase",
        label="subscriber-to-buyer rate",
        from_stages=_OPT_INS,
        to_stages=_COURSE_BUYERS,
        low=0.005,
        high=0.10,
        typical=0.02,
        typical_text="≈ 2% of an e-mail list buys a launch; 2–5% is called healthy",
        population="course creators",
        source=COURSE_SOURCE,
    ),
    BenchmarkRange(
        key="sales_page_conversion",
        label="sales-page conversion rate",
        from_stages=_SALES_PAGE,
        to_stages=_COURSE_BUYERS,
        low=0.005,
        high=0.20,
        typical=0.05,
        typical_text="typical 1–5%; 8–15% from a warm list or webinar",
        population="course sales pages",
        source=COURSE_SOURCE,
    ),
)


# --- Matching --------------------------------------------------------------------------------

_NOT_ALPHANUMERIC = re.compile(r"[\W_]+")


def _normalize(name: str) -> str:
    """'Add-to-Cart ' → 'add to cart': casefolded words separated by single spaces."""
    return _NOT_ALPHANUMERIC.sub(" ", name.casefold()).strip()


class _Compiled(NamedTuple):
    benchmark: BenchmarkRange
    from_names: frozenset[str]
    to_names: frozenset[str]
    not_through: frozenset[str]


def _compile(benchmark: BenchmarkRange) -> _Compiled:
    def names(synonyms: tuple[str, ...]) -> frozenset[str]:
        return frozenset(_normalize(name) for name in synonyms)

    return _Compiled(
        benchmark,
        names(benchmark.from_stages),
        names(benchmark.to_stages),
        names(benchmark.not_through),
    )


_COMPILED: tuple[_Compiled, ...] = tuple(_compile(benchmark) for benchmark in BENCHMARKS)


def _span(compiled: _Compiled, names: list[str]) -> tuple[int, int] | None:
    """The first stage matching the benchmark's start and the first later one its end."""
    start = next((i for i, name in enumerate(names) if name in compiled.from_names), None)
    if start is None:
        return None
    end = next((j for j in range(start + 1, len(names)) if names[j] in compiled.to_names), None)
    if end is None:
        return None
    if any(name in compiled.not_through for name in names[start + 1 : end]):
        return None
    return start, end


def _verdict(rate: float, benchmark: BenchmarkRange) -> Verdict:
    if rate > benchmark.high * (1 + _TOLERANCE):
        return "above"
    if rate < benchmark.low * (1 - _TOLERANCE):
        return "below"
    return "within"


def match_benchmarks(plan: Plan) -> list[BenchmarkMatch]:
    """Every benchmark whose stages are in the plan's funnel, with the plan's rate for it.

    Args:
        plan: A validated plan.

    Returns:
        One match per applicable benchmark, in the order of ``BENCHMARKS``. The rate is the
        product of the conversion rates from the benchmark's first stage to its last; the
        field is the rate of the last stage involved.
    """
    names = [_normalize(stage.name) for stage in plan.stages]
    rates = plan.conversion_rates
    matches = []
    for compiled in _COMPILED:
        span = _span(compiled, names)
        if span is None:
            continue
        start, end = span
        rate = math.prod(rates[start:end])
        matches.append(
            BenchmarkMatch.model_construct(
                benchmark=compiled.benchmark,
                from_index=start,
                to_index=end,
                rate=rate,
                field=f"stages[{end}].conversion_rate",
                verdict=_verdict(rate, compiled.benchmark),
            )
        )
    return matches


# --- Warnings ---------------------------------------------------------------------------------
# A warning is a code and its parameters (numbers as numbers, names as text); ``i18n.domain``
# words it in the reader's language, with the figures formatted for them.

RATE_ABOVE_RANGE = "rate_above_range"
RATE_BELOW_RANGE = "rate_below_range"
REPEAT_ABOVE_RETURNING = "repeat_share_above_returning"
REPEAT_ABOVE_FIRST_PURCHASE = "repeat_share_above_first_purchase"
CAC_ABOVE_REVENUE = "cac_above_revenue"
CAC_ABOVE_GROSS_PROFIT = "cac_above_gross_profit"
WARNING_CODES = frozenset(
    {
        RATE_ABOVE_RANGE,
        RATE_BELOW_RANGE,
        REPEAT_ABOVE_RETURNING,
        REPEAT_ABOVE_FIRST_PURCHASE,
        CAC_ABOVE_REVENUE,
        CAC_ABOVE_GROSS_PROFIT,
    }
)

BENCHMARKS_BY_KEY: dict[str, BenchmarkRange] = {
    benchmark.key: benchmark for benchmark in BENCHMARKS
}


def _rate_warning(plan: Plan, match: BenchmarkMatch) -> BenchmarkWarning:
    """Above the range is a warning (the plan promises more than almost anyone reaches)."""
    benchmark = match.benchmark
    above = match.verdict == "above"
    return BenchmarkWarning.model_construct(
        key=benchmark.key,
        field=match.field,
        severity="warning" if above else "info",
        code=RATE_ABOVE_RANGE if above else RATE_BELOW_RANGE,
        params={
            "benchmark": benchmark.key,
            "rate": match.rate,
            "from_stage": plan.stages[match.from_index].name,
            "to_stage": plan.stages[match.to_index].name,
        },
        source=benchmark.source,
        rate=match.rate,
    )


def _repeat_purchase_warning(plan: Plan) -> BenchmarkWarning | None:
    base = plan.returning_customers
    if base is None or base.active_customers == 0:
        return None
    share = base.repeat_purchase_rate
    first, second, third = (RETURN_PROBABILITY[n] for n in (1, 2, 3))
    severity: Severity
    if share > second * (1 + _TOLERANCE):
        code, severity = REPEAT_ABOVE_RETURNING, "warning"
    elif share > first * (1 + _TOLERANCE):
        code, severity = REPEAT_ABOVE_FIRST_PURCHASE, "info"
    else:
        return None
    return BenchmarkWarning.model_construct(
        key="repeat_purchase",
        field="returning_customers.repeat_purchase_rate",
        severity=severity,
        code=code,
        params={
            "share": share,
            "customers": base.active_customers,
            "first": first,
            "second": second,
            "third": third,
        },
        source=RETENTION_SOURCE,
        rate=share,
    )


class _CustomerCost(NamedTuple):
    cost: float
    unit_cost: float
    stage: str
    to_customer: float | None  # share of paid units becoming customers; None on the last stage
    field: str


def _customer_cost(plan: Plan) -> _CustomerCost | None:
    """Expected cost of one new customer: unit cost ÷ share of paid units becoming customers."""
    paid = plan.acquisition_cost
    if paid is None:
        return None
    unit_cost = paid.cost_per_entry
    field = "acquisition_cost." + (
        "cost_per_mille" if paid.paid_per_impression else "cost_per_unit"
    )
    if unit_cost <= 0:
        return None
    index = plan.stage_index(paid.stage)
    to_customer = math.prod(plan.conversion_rates[index:])
    shown_share = to_customer if index < len(plan.stages) - 1 else None
    return _CustomerCost(
        unit_cost / to_customer, unit_cost, plan.stages[index].name, shown_share, field
    )


def _acquisition_warning(plan: Plan) -> BenchmarkWarning | None:
    """New customers that cost more than their revenue (warning) or gross profit (info)."""
    cost = _customer_cost(plan)
    if cost is None:
        return None
    revenue = plan.average_order_value * plan.orders_per_customer
    margin = plan.gross_margin
    severity: Severity
    if cost.cost >= revenue * (1 - _TOLERANCE):
        code, severity = CAC_ABOVE_REVENUE, "warning"
    elif margin is not None and cost.cost >= revenue * margin * (1 - _TOLERANCE):
        code, severity = CAC_ABOVE_GROSS_PROFIT, "info"
    else:
        return None
    return BenchmarkWarning.model_construct(
        key=code,
        field=cost.field,
        severity=severity,
        code=code,
        params={
            "cost": cost.cost,
            "currency": plan.currency,
            "unit_cost": cost.unit_cost,
            "stage": cost.stage,
            "to_customer": cost.to_customer,
            "revenue": revenue,
            "average_order_value": plan.average_order_value,
            "orders_per_customer": plan.orders_per_customer,
            "margin": margin,
            "profit": None if margin is None else revenue * margin,
        },
        source=ARITHMETIC_SOURCE,
        rate=None,
    )


def check_benchmarks(plan: Plan) -> list[BenchmarkWarning]:
    """Everything in a plan worth a second look, each addressed to the field to change.

    Rates outside a published range come first (``warning`` when above it, since the plan
    then promises more than almost anyone reaches; ``info`` when below), in the order of
    ``BENCHMARKS``; then the returning customers' repeat share; then what a new customer
    costs against what they bring in this period.

    Args:
        plan: A validated plan.

    Returns:
        The warnings, empty when nothing stands out.
    """
    warnings = [
        _rate_warning(plan, match) for match in match_benchmarks(plan) if match.verdict != "within"
    ]
    for extra in (_repeat_purchase_warning(plan), _acquisition_warning(plan)):
        if extra is not None:
            warnings.append(extra)
    return warnings
