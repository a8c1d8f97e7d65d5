"""On-screen number formats."""

from __future__ import annotations

import pytest

from ui.format import count, money, percent, ratio


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
