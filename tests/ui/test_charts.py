"""The funnel chart builder: a pure function from counts and rates to a plotly figure."""

from __future__ import annotations

from i18n.formats import Formats
from ui.charts import funnel_figure, stage_labels


def test_the_funnel_shows_every_stage_with_its_count_in_order() -> None:
    figure = funnel_figure(["Sessions", "Purchase"], [85_834, 1_545], [None, 0.018], "Required")
    trace = figure.data[0]
    assert list(trace.y) == ["Sessions", "Purchase"]
    assert list(trace.x) == [85_834, 1_545]
    assert list(trace.text) == ["85,834", "1,545 · 1.8%"]
    assert figure.layout.title.text == "Required"


def test_a_label_shows_the_plans_rate_not_the_ratio_of_rounded_counts() -> None:
    """5,150 / 42,917 = 11.9998%, which once read as "12.0%" beside the table's "12%"."""
    assert stage_labels([42_917, 5_150], [0.5, 0.12]) == ["42,917 · 50%", "5,150 · 12%"]


def test_the_top_stage_has_no_rate() -> None:
    assert stage_labels([0, 0], [None, 0.5]) == ["0", "0 · 50%"]


def test_right_to_left_puts_the_stage_names_and_the_title_on_the_right() -> None:
    figure = funnel_figure(
        ["الجلسات", "الشراء"],
        [85_834, 1_545],
        [None, 0.018],
        "المطلوب في كل مرحلة",
        formats=Formats("ar", "arab"),
        hover=["الجلسات: ٨٥٬٨٣٤", "الشراء: ١٬٥٤٥"],
        right_to_left=True,
    )
    assert figure.layout.yaxis.side == "right"
    assert (figure.layout.title.x, figure.layout.title.xanchor) == (1, "right")
    # Each text is a right-to-left isolate, so "٥٠٪" stays after its count when read.
    assert list(figure.data[0].text) == ["\u2067٨٥٬٨٣٤\u2069", "\u2067١٬٥٤٥ (١٫٨٪)\u2069"]
    assert list(figure.data[0].hovertext) == [
        "\u2067الجلسات: ٨٥٬٨٣٤\u2069",
        "\u2067الشراء: ١٬٥٤٥\u2069",
    ]


def test_arabic_labels_put_the_rate_in_parentheses() -> None:
    """A "·" beside Arabic-Indic digits would read as a zero (٠)."""
    assert stage_labels([42_917], [0.5], Formats("ar")) == ["42,917 (50%)"]
