"""The Plan page in Arabic through AppTest, and nothing typed lost when the language changes.

Words, numbers, money and digits as an Arabic reader reads them.

Numbers are the demo plan's, worked by hand in tests/app/test_plan_page.py: 85,834 sessions,
1,545 new customers, a $34,333.60 budget ($0.40 a session), CAC 34,333.60 / 1,545 = 22.2224.
Arabic money follows CLDR: the amount, a no-break space, then the currency's Arabic symbol
(ر.س. riyal, د.ك. Kuwaiti dinar with three decimals), opened by a right-to-left mark and
closed by a left-to-right mark (so "US$" never reads "$US" inside Arabic text).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

RLM, LRM, NBSP = "\u200f", "\u200e", "\u00a0"
SESSIONS_NEEDED = "المطلوب من الجلسات"
MARKETING_BUDGET = "ميزانية التسويق"
LATIN = re.compile("[A-Za-z]")


def arabic_money(amount: str, symbol: str) -> str:
    return f"{RLM}{amount}{NBSP}{symbol}{LRM}"


def metric(app: AppTest, label: str) -> str:
    return next(item.value for item in app.metric if item.label == label)


def errors(app: AppTest) -> list[str]:
    return [element.value for element in app.error]


def texts(app: AppTest) -> list[str]:
    return [element.value for element in app.markdown]


def switch_language(app: AppTest, language: str) -> AppTest:
    """Press the language switch, as a reader does."""
    return app.button_group(key="lang").set_value(language).run()


def test_the_plan_page_opens_in_arabic_from_the_link(arabic_app: AppTest) -> None:
    assert not arabic_app.exception
    assert arabic_app.title[0].value == "الخطة"
    assert metric(arabic_app, SESSIONS_NEEDED) == "85,834"
    assert metric(arabic_app, "العملاء الجدد") == "1,545"
    assert metric(arabic_app, MARKETING_BUDGET) == arabic_money("34,334", "US$")
    assert [tab.label for tab in arabic_app.tabs] == [
        "الهدف والقمع",
        "التكاليف",
        "العملاء العائدون",
    ]
    assert arabic_app.query_params["lang"] == "ar"


def test_the_headline_and_the_title_read_in_arabic(arabic_app: AppTest) -> None:
    """90 days take the form of 11–99 (يومًا); 1,545 customers the same (…45)."""
    title, headline = texts(arabic_app)[1:3]
    assert title.startswith("**متجر تجريبي** · الربع الأول 2027 (90 يومًا) · الهدف **")
    assert headline.startswith("تحتاج إلى **85,834** من **الجلسات** (6,676 أسبوعيًا)")
    assert "لكسب **1,545 عميلًا جديدًا**" in headline


def test_the_demo_and_its_stages_are_named_in_arabic(arabic_app: AppTest) -> None:
    names = [box.value for box in arabic_app.text_input if box.key.startswith("plan.stage.")]
    assert names == [
        "الجلسات",
        "مشاهدات المنتج",
        "الإضافة إلى عربة التسوق",
        "إتمام الشراء",
        "الشراء",
    ]
    assert arabic_app.text_input(key="plan.name").value == "متجر تجريبي"


def test_a_month_is_named_by_its_arabic_name(arabic_app: AppTest) -> None:
    arabic_app.selectbox(key="plan.period_kind").set_value("month").run()
    arabic_app.selectbox(key="plan.month").set_value(3).run()
    assert not arabic_app.exception
    assert any("مارس 2027 (31 يومًا)" in text for text in texts(arabic_app))


def test_an_invalid_rate_is_named_in_arabic_beside_its_field(arabic_app: AppTest) -> None:
    """The message's wording is i18n.domain's; the page puts it beside the field, in Arabic."""
    arabic_app.number_input(key="plan.stage.2.rate").set_value(120.0).run()
    assert not arabic_app.exception
    [message] = errors(arabic_app)
    assert message.startswith("التحويل من «مشاهدات المنتج» إلى «الإضافة إلى عربة التسوق»")
    assert "120" in message
    assert not LATIN.search(message)
    assert metric(arabic_app, SESSIONS_NEEDED) == "85,834"  # the last valid results stay
    assert arabic_app.tabs[0].label == "الهدف والقمع ⚠"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        pytest.param("plan.year", 1800, id="year-out-of-range"),
        pytest.param("plan.revenue_target", None, id="empty-target"),
    ],
)
def test_the_pages_own_checks_are_worded_in_arabic(
    arabic_app: AppTest, key: str, value: float | None
) -> None:
    arabic_app.number_input(key=key).set_value(value).run()
    [message] = errors(arabic_app)
    assert not LATIN.search(message), message


def test_switching_language_keeps_every_value_typed(app: AppTest) -> None:
    """Target $240,000 and Add to cart 10%: ⌈(240,000 − 27,300) / 60⌉ = 3,545 customers."""
    app.number_input(key="plan.revenue_target").set_value(240_000).run()
    app.number_input(key="plan.stage.2.rate").set_value(10.0).run()
    app.text_input(key="plan.name").set_value("My store").run()
    app.radio(key="plan.direction").set_value("traffic").run()
    app.number_input(key="plan.traffic").set_value(100_000).run()

    switch_language(app, "ar")

    assert not app.exception
    assert app.title[0].value == "الخطة"
    assert app.number_input(key="plan.revenue_target").value == 240_000
    assert app.number_input(key="plan.stage.2.rate").value == 10.0
    assert app.text_input(key="plan.name").value == "My store"
    assert app.radio(key="plan.direction").value == "traffic"
    assert app.number_input(key="plan.traffic").value == 100_000
    # 100,000 × 0.5 × 0.10 × 0.5 × 0.6 = 1,500 customers
    assert metric(app, "العملاء الجدد") == "1,500"

    switch_language(app, "en")
    assert app.number_input(key="plan.revenue_target").value == 240_000
    assert app.text_input(key="plan.name").value == "My store"
    assert metric(app, "New customers") == "1,500"


def test_names_not_typed_follow_the_language_and_typed_ones_stay(app: AppTest) -> None:
    app.text_input(key="plan.stage.0.name").set_value("Visits").run()
    switch_language(app, "ar")
    assert app.text_input(key="plan.stage.0.name").value == "Visits"
    assert app.text_input(key="plan.stage.1.name").value == "مشاهدات المنتج"
    assert app.text_input(key="plan.name").value == "متجر تجريبي"
    switch_language(app, "en")
    assert app.text_input(key="plan.stage.1.name").value == "Product views"


def test_arabic_indic_digits_when_the_reader_prefers_them(
    open_app: Callable[..., AppTest],
) -> None:
    app = open_app(lang="ar", digits="arab")
    assert not app.exception
    assert metric(app, SESSIONS_NEEDED) == "٨٥٬٨٣٤"
    assert metric(app, MARKETING_BUDGET) == arabic_money("٣٤٬٣٣٤", "US$")
    assert metric(app, "ROAS") == "٢٫٧٠×"
    assert app.number_input(key="plan.revenue_target").value == 120_000  # inputs stay numbers


def test_the_digits_switch_changes_the_digits_and_the_link(arabic_app: AppTest) -> None:
    arabic_app.button_group(key="digits").set_value("arab").run()
    assert metric(arabic_app, SESSIONS_NEEDED) == "٨٥٬٨٣٤"
    assert arabic_app.query_params["digits"] == "arab"


@pytest.mark.parametrize(
    ("currency", "budget", "cac"),
    [
        pytest.param(
            "SAR", arabic_money("34,334", "ر.س."), arabic_money("22.22", "ر.س."), id="SAR"
        ),
        pytest.param(
            "KWD", arabic_money("34,334", "د.ك."), arabic_money("22.222", "د.ك."), id="KWD"
        ),
    ],
)
def test_arabic_money_takes_the_currencys_symbol_and_decimals(
    arabic_app: AppTest, currency: str, budget: str, cac: str
) -> None:
    arabic_app.text_input(key="plan.currency").set_value(currency).run()
    assert not arabic_app.exception
    assert metric(arabic_app, MARKETING_BUDGET) == budget
    assert metric(arabic_app, "CAC") == cac


def test_working_forwards_in_arabic(arabic_app: AppTest) -> None:
    """85,834 sessions × 1.8% × $60 + $27,300 = $120,000.72."""
    arabic_app.radio(key="plan.direction").set_value("traffic").run()
    assert not arabic_app.exception
    assert metric(arabic_app, "الإيرادات") == arabic_money("120,001", "US$")
    sentence = next(text for text in texts(arabic_app) if "تتجاوز الهدف" in text)
    assert "**1,545 عميلًا جديدًا**" in sentence  # 1,545.012 customers, shown and counted whole


def test_published_benchmarks_still_apply_to_the_arabic_stage_names(arabic_app: AppTest) -> None:
    """Add to cart at 60%: 9% of sessions order, above the range (as in English)."""
    stages, benchmarks = (table.value for table in arabic_app.table)
    assert list(stages["المرحلة"]) == [
        "الجلسات",
        "مشاهدات المنتج",
        "الإضافة إلى عربة التسوق",
        "إتمام الشراء",
        "الشراء",
    ]
    assert len(benchmarks) == 3
    assert not arabic_app.warning
    arabic_app.number_input(key="plan.stage.2.rate").set_value(60.0).run()
    assert arabic_app.warning
    named = arabic_app.warning[0].value  # the stages as the page names them
    assert "«الجلسات»" in named
    assert "Sessions" not in named


def test_a_first_visit_follows_the_browsers_language(
    open_app: Callable[..., AppTest], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ui.i18n._browser_language", lambda: "ar")
    assert open_app().title[0].value == "الخطة"
    assert open_app(lang="en").title[0].value == "Plan"  # the link wins over the browser
