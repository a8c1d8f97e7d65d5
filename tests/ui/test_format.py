"""On-screen number formats."""

from __future__ import annotations

import pytest

from ui.format import count, money, money_per, percent, ratio


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
    assert money_per(25, "USD", "'Purchase'") == "$25.00 per 'Purchase'"
