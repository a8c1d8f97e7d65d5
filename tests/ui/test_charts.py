"""The funnel chart builder: a pure function from counts to a plotly figure."""

from __future__ import annotations

from ui.charts import funnel_figure, stage_labels


def test_the_funnel_shows_every_stage_with_its_count_in_order() -> None:
    figure = funnel_figure(["Sessions", "Purchase"], [85_834, 1_545], "Required")
    trace = figure.data[0]
    assert list(trace.y) == ["Sessions", "Purchase"]
    assert list(trace.x) == [85_834, 1_545]
    assert list(trace.text) == ["85,834", "1,545 · 1.8%"]  # 1,545 / 85,834 = 1.80%
    assert figure.layout.title.text == "Required"


def test_a_stage_after_an_empty_one_shows_no_share() -> None:
    assert stage_labels([0, 0]) == ["0", "0"]
