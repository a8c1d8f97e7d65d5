"""Locale formats checked by hand: every listed currency in English and in both Arabic digits.

Minor units from ISO 4217 (KWD, BHD and OMR have three decimals, the others two); Arabic
symbols from CLDR (ر.س. riyal, د.إ. dirham, ج.م. Egyptian pound, د.ك. Kuwaiti dinar, ر.ق.
Qatari riyal, د.ب. Bahraini dinar, ر.ع. Omani rial, د.م. Moroccan dirham). Arabic-Indic digits
٠١٢٣٤٥٦٧٨٩ with the Arabic thousands separator ٬ and decimal separator ٫.
"""

from __future__ import annotations

from datetime import date

import pytest

from i18n.formats import Formats

RLM, NBSP = "\u200f", "\u00a0"
ENGLISH, ARABIC, ARABIC_INDIC = Formats("en"), Formats("ar"), Formats("ar", "arab")


@pytest.mark.parametrize(
    ("currency", "english", "arabic", "arabic_indic"),
    [
        pytest.param("SAR", "SAR 1,234.50", "1,234.50 ر.س.", "١٬٢٣٤٫٥٠ ر.س.", id="SAR"),
        pytest.param("AED", "AED 1,234.50", "1,234.50 د.إ.", "١٬٢٣٤٫٥٠ د.إ.", id="AED"),
        pytest.param("EGP", "EGP 1,234.50", "1,234.50 ج.م.", "١٬٢٣٤٫٥٠ ج.م.", id="EGP"),
        pytest.param("KWD", "KWD 1,234.500", "1,234.500 د.ك.", "١٬٢٣٤٫٥٠٠ د.ك.", id="KWD"),
        pytest.param("QAR", "QAR 1,234.50", "1,234.50 ر.ق.", "١٬٢٣٤٫٥٠ ر.ق.", id="QAR"),
        pytest.param("BHD", "BHD 1,234.500", "1,234.500 د.ب.", "١٬٢٣٤٫٥٠٠ د.ب.", id="BHD"),
        pytest.param("OMR", "OMR 1,234.500", "1,234.500 ر.ع.", "١٬٢٣٤٫٥٠٠ ر.ع.", id="OMR"),
        pytest.param("MAD", "MAD 1,234.50", "1,234.50 د.م.", "١٬٢٣٤٫٥٠ د.م.", id="MAD"),
        pytest.param("USD", "$1,234.50", "1,234.50 US$", "١٬٢٣٤٫٥٠ US$", id="USD"),
        pytest.param("EUR", "€1,234.50", "1,234.50 €", "١٬٢٣٤٫٥٠ €", id="EUR"),
        pytest.param("GBP", "£1,234.50", "1,234.50 UK£", "١٬٢٣٤٫٥٠ UK£", id="GBP"),
    ],
)
def test_money_with_cents_in_each_currency(
    currency: str, english: str, arabic: str, arabic_indic: str
) -> None:
    assert ENGLISH.money(1234.5, currency, cents=True) == english
    assert ARABIC.money(1234.5, currency, cents=True) == RLM + arabic.replace(" ", NBSP)
    assert ARABIC_INDIC.money(1234.5, currency, cents=True) == RLM + arabic_indic.replace(" ", NBSP)


def test_large_amounts_are_whole_and_negative_ones_keep_their_sign() -> None:
    assert ENGLISH.money(34_333.6, "SAR") == "SAR 34,334"
    assert ARABIC_INDIC.money(34_333.6, "SAR") == f"{RLM}٣٤٬٣٣٤{NBSP}ر.س."
    assert ARABIC.money(-190_200, "EUR") == f"{RLM}−190,200{NBSP}€"
    assert ARABIC.money(None, "SAR") == "—"


def test_counts_percents_and_ratios_in_arabic_indic_digits() -> None:
    assert ARABIC_INDIC.count(85_834) == "٨٥٬٨٣٤"
    assert ARABIC_INDIC.percent(0.185) == "١٨٫٥٪"
    assert ARABIC_INDIC.ratio(2.7) == "٢٫٧٠×"
    assert ARABIC.count(85_834) == "85,834"  # Latin digits unless the reader asks
    assert ENGLISH.percent(0.12) == "12%"


def test_gregorian_dates_with_arabic_month_names() -> None:
    assert ENGLISH.date(date(2027, 3, 31)) == "March 31, 2027"
    assert ARABIC.date(date(2027, 3, 31)) == "31 مارس 2027"
    assert ARABIC_INDIC.date(date(2027, 1, 5)) == "٥ يناير ٢٠٢٧"
