"""The end-of-period forecast: hand-worked edges, then calibration on simulated quarters.

Calibration's oracle is the truth itself: quarters are generated from a known process
(Poisson visitors, binomial conversions, gamma order values), cut at an as-of day and
forecast; the real end-of-quarter revenue must fall inside P10–P90 about 80% of the time.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from planner.actuals.funnel import FunnelActuals
from planner.errors import PlanInvalid
from planner.review import review
from planner.review.forecast import forecast
from planner.review.observed import day_number, observe
from tests.unit.test_review import Q1_START, actuals, funnel_days, tiny_plan

QUARTER_DAYS = 90
VISITORS_PER_DAY = 200
RATES = (0.1, 0.5)
ORDER_SHAPE, ORDER_SCALE = 4.0, 25.0  # gamma order values: mean 100, sd 50


def test_at_the_period_end_the_forecast_is_the_actual() -> None:
    """As of the period's end the forecast is the actual revenue.

    All 90 days known: revenue is what it is, 90 × 1,100 = 99,000 ≥ 90,000 → probability 1;
    at 900 a day, 81,000 → 0.
    """
    plan = tiny_plan()
    ahead = review(plan, funnel_days(90, revenue=1100), date(2027, 3, 31), trials=100)
    assert ahead.forecast.remaining_days == 0
    assert ahead.forecast.path == []
    assert (ahead.forecast.p10, ahead.forecast.p90) == (pytest.approx(99_000),) * 2
    assert ahead.forecast.mean == pytest.approx(99_000)
    assert ahead.probability_of_target == 1.0
    behind = review(plan, funnel_days(90, revenue=900), date(2027, 3, 31), trials=100)
    assert behind.forecast.p50 == pytest.approx(81_000)
    assert behind.probability_of_target == 0.0


def test_the_same_seed_repeats_the_forecast() -> None:
    plan = tiny_plan()
    observed = observe(plan, funnel_days(30, revenue=1000), date(2027, 1, 30))
    first = forecast(plan, observed, trials=500, seed=7)
    assert forecast(plan, observed, trials=500, seed=7) == first
    assert forecast(plan, observed, trials=500, seed=8).mean != first.mean


def test_on_plan_actuals_forecast_the_target() -> None:
    """Thirty days exactly on plan forecast the target.

    30 days exactly on plan: expected end revenue 30,000 + 60 × 1,000 = 90,000 (the Gamma
    posterior's ½ adds 60 × 0.5 ÷ 30 × 0.05 × 100 = 5 in expectation).
    """
    plan = tiny_plan()
    result = review(plan, funnel_days(30, revenue=1000), date(2027, 1, 30), trials=4000)
    assert result.forecast.mean == pytest.approx(90_000, rel=0.01)
    assert result.forecast.p10 < 90_000 < result.forecast.p90
    assert 0.35 < result.probability_of_target < 0.65
    path = result.forecast.path
    assert len(path) == 60
    assert path[0].day == date(2027, 1, 31)
    assert all(point.p10 <= point.p50 <= point.p90 for point in path)
    assert path[-1].p50 == pytest.approx(result.forecast.p50, rel=1e-9)


def test_without_actuals_the_plan_is_forecast() -> None:
    """Without a covered day the plan itself is forecast.

    Rows only before the period: no covered day, so the plan's own expectation, 89 days ×
    1,000 after as-of day 1: mean 89,000 (Poisson customers, sd √890 × 100 ≈ 3,000).
    """
    data = actuals(5, start=date(2026, 12, 1), revenue=1000)
    result = review(tiny_plan(), data, Q1_START, trials=2000)
    assert result.forecast.basis == "plan"
    assert result.forecast.mean == pytest.approx(89_000, rel=0.01)
    assert 2000 < result.forecast.p90 - result.forecast.p50 < 6000


def test_revenue_alone_runs_at_its_run_rate() -> None:
    """1,000 then 1,200 a day alternately for 10 days: mean 1,100, so 11,000 + 80 × 1,100."""
    revenue = [1000.0, 1200.0] * 5
    result = review(tiny_plan(), actuals(10, revenue=revenue), date(2027, 1, 10), trials=4000)
    assert result.forecast.basis == "run_rate"
    assert result.forecast.mean == pytest.approx(11_000 + 80 * 1100, rel=0.005)


def test_an_order_log_forecasts_new_customers_directly() -> None:
    data = actuals(30, new_customers=10, new_customer_revenue=1000, returning_revenue=0)
    result = review(tiny_plan(), data, date(2027, 1, 30), trials=2000)
    assert result.forecast.basis == "actuals"
    assert result.forecast.mean == pytest.approx(90_000, rel=0.02)


def test_nobody_at_the_last_stage_yet_uses_the_plans_order_value() -> None:
    """No customer counted yet: the Beta prior and the plan's order value carry on.

    Visitors and carts on plan, no customers counted in 3 days: the Beta prior keeps the
    rate above 0, and revenue per customer is the plan's 100.
    """
    data = funnel_days(3, customers=0, revenue=0)
    result = review(tiny_plan(), data, date(2027, 1, 3), trials=1000)
    assert 0 < result.forecast.mean < 90_000


@pytest.mark.parametrize(("trials", "seed", "field"), [(0, 0, "trials"), (10, -1, "seed")])
def test_trials_and_seed_out_of_range_are_refused(trials: int, seed: int, field: str) -> None:
    with pytest.raises(PlanInvalid) as refused:
        review(tiny_plan(), funnel_days(3, revenue=1), date(2027, 1, 3), trials=trials, seed=seed)
    assert refused.value.fields() == {field}


def simulated_quarter(
    rng: np.random.Generator, visitors_per_day: float
) -> tuple[FunnelActuals, float]:
    """A quarter from the known process, as daily actuals, and its real total revenue."""
    visitors = rng.poisson(visitors_per_day, QUARTER_DAYS)
    carts = rng.binomial(visitors, RATES[0])
    customers = rng.binomial(carts, RATES[1])
    revenue = np.where(
        customers > 0, rng.gamma(ORDER_SHAPE * np.maximum(customers, 1), ORDER_SCALE), 0.0
    )
    first = day_number(Q1_START)
    data = FunnelActuals(
        starts=np.arange(first, first + QUARTER_DAYS, dtype=np.int64),
        spans=np.ones(QUARTER_DAYS, dtype=np.int64),
        stages={
            "Visitors": visitors.astype(np.float64),
            "Carts": carts.astype(np.float64),
            "Customers": customers.astype(np.float64),
        },
        measures={"revenue": revenue},
    )
    return data, float(np.sum(revenue))


def test_calibration_on_simulated_quarters() -> None:
    """Calibration: P10–P90 holds the truth about 80% of the time.

    200 quarters on plan, cut at day 30, 2,000 trials each: P10–P90 holds the real revenue
    70–90% of the time (80% expected; drawing traffic and rates at their observed values
    instead of from their posteriors covers about 52%), and P(target) averages 0.4–0.6 (a
    plan worked to the process's expectation is reached about half the time).
    """
    plan = tiny_plan()
    rng = np.random.default_rng(2027)
    inside, chances = 0, []
    for quarter in range(200):
        data, truth = simulated_quarter(rng, VISITORS_PER_DAY)
        observed = observe(plan, data, date(2027, 1, 30))
        predicted = forecast(plan, observed, trials=2000, seed=quarter)
        inside += predicted.p10 <= truth <= predicted.p90
        chances.append(predicted.probability_of_target)
    assert 0.70 <= inside / 200 <= 0.90
    assert 0.4 <= float(np.mean(chances)) <= 0.6
