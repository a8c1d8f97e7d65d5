"""What the Plan page's results say: headline, price, surplus, summary, empty states.

Numbers come from the demo plan worked by hand in ``tests/app/test_plan_page.py``'s
docstring: 85,834 sessions, 1,545 new customers, $34,333.60 at $0.40 per session, $27,300
from returning customers.
"""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest


def texts(app: AppTest) -> list[str]:
    return [element.value for element in app.markdown]


def summary(app: AppTest) -> str:
    """The one-line summary: the first markdown after the page's title and caption."""
    return str(app.markdown[0].value)


def metric(app: AppTest, label: str) -> str:
    return next(item.value for item in app.metric if item.label == label)


def test_the_headline_names_the_budget_and_its_price(app: AppTest) -> None:
    headline = next(text for text in texts(app) if text.startswith("You need"))
    assert "for a budget of **$34,334** ($0.40 per 'Sessions')" in headline


def test_the_headline_names_a_price_per_thousand_impressions(app: AppTest) -> None:
    """85,834 sessions at 1.5% CTR → 5,722,267 impressions × $8 / 1000 = $45,778."""
    app.radio(key="plan.cost_kind").set_value("impressions").run()
    app.number_input(key="plan.cost_per_mille").set_value(8.0).run()
    app.number_input(key="plan.click_through_rate").set_value(1.5).run()
    headline = next(text for text in texts(app) if text.startswith("You need"))
    assert "**$45,778** ($8.00 per 1,000 impressions at 1.5% click-through into 'Sessions')" in (
        headline
    )


def test_the_surplus_is_explained_by_whole_customers(app: AppTest) -> None:
    """$92,700 / $60 = 1,545 exactly: no surplus. $92,701 needs 1,546 customers: $59 over."""
    check = next(caption.value for caption in app.caption if "Revenue check" in caption.value)
    assert "above the target" not in check
    app.number_input(key="plan.revenue_target").set_value(120_001).run()
    check = next(caption.value for caption in app.caption if "Revenue check" in caption.value)
    assert "$59.00 above the target because new customers are rounded up to whole people" in (check)


def test_returning_customers_covering_the_target_say_by_how_much_and_draw_no_funnel(
    app: AppTest,
) -> None:
    """Returning customers bring $27,300; a $20,000 target is covered with $7,300 to spare."""
    app.number_input(key="plan.revenue_target").set_value(20_000).run()
    assert not app.exception
    message = app.success[0].value
    assert "they bring $27,300, $7,300 more than the $20,000 target" in message
    assert not app.get("plotly_chart")
    assert "Returning customers cover the target" in summary(app)
    check = next(caption.value for caption in app.caption if "Revenue check" in caption.value)
    assert "rounded" not in check


def test_a_year_is_titled_as_the_year_with_its_days(app: AppTest) -> None:
    app.selectbox(key="plan.period_kind").set_value("year").run()
    title = texts(app)[1]  # after the summary
    assert "· 2027 (365 days)" in title


def test_no_budget_planned_shows_a_dash_not_zero_dollars(app: AppTest) -> None:
    app.toggle(key="plan.cost_on").set_value(False).run()
    assert metric(app, "Marketing budget") == "—"
    assert metric(app, "CAC") == "—"
    headline = next(text for text in texts(app) if text.startswith("You need"))
    assert "budget" not in headline


def test_the_summary_keeps_the_answer_in_one_line(app: AppTest) -> None:
    assert summary(app) == "**85,834** sessions · **1,545** new customers · **$34,334** budget"


def test_the_summary_counts_the_fields_to_fix(app: AppTest) -> None:
    app.number_input(key="plan.stage.2.rate").set_value(120.0).run()
    assert summary(app).startswith("⚠️ fix 1 field to update · **85,834** sessions")


def test_the_summary_of_a_forward_plan_gives_revenue_against_the_target(app: AppTest) -> None:
    """100,000 sessions × 1.8% = 1,800 customers × $60 + $27,300 = $135,300, 112.75%."""
    app.radio(key="plan.direction").set_value("traffic").run()
    app.number_input(key="plan.traffic").set_value(100_000).run()
    assert summary(app) == "**$135,300** revenue (112.75% of target) · **1,800** new customers"


def test_the_chart_and_the_table_show_rates_alike(app: AppTest) -> None:
    """The chart once said 12.0% (5,150 ÷ 42,917) where the table said 12%."""
    chart = json.loads(app.get("plotly_chart")[0].proto.spec)
    assert chart["data"][0]["text"][2] == "5,150 · 12%"
    table = app.dataframe[0].value
    assert list(table["Conversion"]) == ["—", "50%", "12%", "50%", "60%"]
