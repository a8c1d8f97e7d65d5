"""On-screen number formats."""

from __future__ import annotations

from datetime import date

import pytest

from planner.models import Period
from ui.format import (
    count,
    days,
    markdown,
    money,
    money_per,
    percent,
    period_name,
    plural_count,
    ratio,
)


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        pytest.param(120_000, "USD", "$120,000", id="dollars"),
        pytest.param(0.4, "USD", "$0.40", id="cents-under-100"),
        pytest.param(1_250, "SAR", "SAR 1,250", id="code-without-symbol"),
        pytest.param(-190_200, "EUR", "−€190,200", id="negative"),
        pytest.param(None, "USD", "—", id="none"),
    ],
)
def test_money(amount: float | None, currency: str, shown: str) -> None:
    assert money(amount, currency) == shown


@pytest.mark.parametrize(
    ("fraction", "shown"),
    [
        pytest.param(0.018, "1.8%", id="one-decimal"),
        pytest.param(0.5, "50%", id="whole"),
        pytest.param(0.0015, "0.15%", id="small-rate-keeps-digits"),
        pytest.param(0.000001, "0.0001%", id="tiny-rate"),
        pytest.param(None, "—", id="none"),
    ],
)
def test_percent(fraction: float | None, shown: str) -> None:
    assert percent(fraction) == shown


def test_counts_and_ratios() -> None:
    assert count(85_834) == "85,834"
    assert count(1545.012) == "1,545"
    assert count(2.5) == "2.5"
    assert ratio(2.699979) == "2.70×"
    assert ratio(None) == "—"


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        pytest.param(1.5, "KWD", "KWD 1.500", id="kuwaiti-dinar-has-three-decimals"),
        pytest.param(40.4, "JPY", "¥40", id="yen-has-none"),
        pytest.param(0.4, "SAR", "SAR 0.40", id="riyal-code-as-written"),
        pytest.param(1_234_567.5, "GBP", "£1,234,568", id="large-amount-whole"),
    ],
)
def test_money_follows_each_currencys_decimals(amount: float, currency: str, shown: str) -> None:
    """Minor units per ISO 4217 (via babel's CLDR data): KWD 3, JPY 0, SAR and GBP 2."""
    assert money(amount, currency) == shown


@pytest.mark.parametrize(
    ("fraction", "shown"),
    [
        pytest.param(0.119998, "12%", id="rounded-ratio-reads-as-the-rate"),
        pytest.param(0.0185, "1.85%", id="two-decimals-kept"),
        pytest.param(0.00001, "0.001%", id="a-thousandth-of-a-percent"),
        pytest.param(1 / 3, "33.33%", id="thirds"),
    ],
)
def test_percent_reads_the_same_everywhere(fraction: float, shown: str) -> None:
    assert percent(fraction) == shown


def test_a_price_per_unit_always_shows_the_currencys_decimals() -> None:
    assert money_per(25, "USD", "Purchase") == "$25.00 per 'Purchase'"


def test_a_fraction_takes_the_plural_form_of_other_and_a_count_the_form_shown() -> None:
    """1.4 orders: CLDR's "other" in English and Arabic, which gettext's formulas give 100.

    From 10 up a count is shown whole, and its plural follows what is shown.
    """
    assert plural_count(1.0) == 1
    assert plural_count(3) == 3
    assert plural_count(1.4) == 100
    assert plural_count(1_545.012) == 1_545  # shown as "1,545": "1,545 new customers"


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        pytest.param(
            "**$34,334** ($0.40 per 'Sessions')", "**$34,334** ($0.40 per 'Sessions')", id="en"
        ),
        pytest.param("**34 US$** (5 US$)", "**34 US\\$** (5 US\\$)", id="symbol-after"),
        pytest.param("Store \\$ name", "Store \\$ name", id="already-escaped"),
    ],
)
def test_a_dollar_that_could_open_a_formula_is_escaped_for_markdown(
    text: str, escaped: str
) -> None:
    """Streamlit reads "$…$" as LaTeX unless the closing "$" is followed by a digit."""
    assert markdown(text) == escaped


def test_periods_are_named_as_english_readers_name_them() -> None:
    assert period_name(Period(start=date(2027, 1, 1), end=date(2027, 3, 31))) == "Q1 2027"
    assert period_name(Period(start=date(2027, 3, 1), end=date(2027, 3, 31))) == "March 2027"
    assert period_name(Period(start=date(2027, 1, 1), end=date(2027, 12, 31))) == "2027"
    assert period_name(Period(start=date(2027, 1, 10), end=date(2027, 2, 20))) == (
        "January 10, 2027 – February 20, 2027"
    )
    assert days(1) == "1 day"
    assert days(90) == "90 days"
