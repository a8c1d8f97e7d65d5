"""The A/B tests page's chart builders: pure functions from numbers to plotly figures."""

from __future__ import annotations

import math

import plotly.graph_objects as go
import pytest

from i18n.formats import Formats
from ui.ab_charts import (
    CHOSEN_COLOR,
    CONFIDENCE_COLOR,
    CREDIBLE_COLOR,
    PERIOD_COLOR,
    TRUTH_COLOR,
    days_curve_figure,
    intervals_figure,
    lift_histogram_figure,
    signed_percent,
)
from ui.scenario_charts import LINE_COLOR

ARABIC = Formats("ar", "arab")
ARABIC_DIGITS = set("٠١٢٣٤٥٦٧٨٩")
RLI, PDI = "\u2067", "\u2069"
EFFECTS = [0.05, 0.10, 0.15, 0.20]
DAYS = [218, 55, 25, 14]  # 50% baseline, 57.22 visitors a day (tests/app/test_abtests_page.py)


def curve(**options: object) -> go.Figure:
    arguments: dict = {"x_title": "Effect", "y_title": "Days", "chosen": (0.10, 55)}
    arguments |= {"chosen_label": "+10%: 55 days", "period_days": 90}
    arguments |= {"period_label": "The plan's period: 90 days"} | options
    return days_curve_figure(EFFECTS, DAYS, "Days the test needs", **arguments)


def has_nan(values: object) -> bool:
    return any(value is not None and math.isnan(value) for value in values)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("fraction", "english", "arabic"),
    [
        pytest.param(0.1, "+10%", "\u200f+١٠٪", id="rise"),
        pytest.param(-0.042, "−4.2%", "\u200f−٤٫٢٪", id="drop"),
        pytest.param(0.0, "0%", "٠٪", id="none"),
    ],
)
def test_a_lift_reads_with_its_sign(fraction: float, english: str, arabic: str) -> None:
    assert signed_percent(fraction) == english
    assert signed_percent(fraction, ARABIC) == arabic


# --- Days against effect ----------------------------------------------------------------------


def test_the_curve_draws_days_against_each_effect_and_marks_the_chosen_one() -> None:
    figure = curve()

    line, chosen = figure.data
    assert list(line.x) == EFFECTS
    assert list(line.y) == DAYS
    assert list(line.hovertext) == ["+5%: 218", "+10%: 55", "+15%: 25", "+20%: 14"]
    assert (list(chosen.x), list(chosen.y)) == ([0.10], [55])
    assert chosen.marker.color == CHOSEN_COLOR
    assert figure.layout.title.text == "Days the test needs"


def test_the_plans_period_is_a_labelled_line_across_the_chart() -> None:
    figure = curve()

    [period] = [shape for shape in figure.layout.shapes if shape.line.color == PERIOD_COLOR]
    assert (period.y0, period.y1, period.xref) == (90, 90, "paper")
    texts = [note.text for note in figure.layout.annotations]
    assert "The plan's period: 90 days" in texts
    assert "+10%: 55 days" in texts


def test_the_days_axis_stops_at_two_and_a_half_times_the_period_not_at_the_curves_tail() -> None:
    """2,000 days for a small effect would squash the rest: the axis stops at 2.5 × 90 days."""
    assert curve().layout.yaxis.range == pytest.approx((0, 218 * 1.12))  # all of it fits
    steep = days_curve_figure(
        EFFECTS, [2_000, 55, 25, 14], "Days", x_title="Effect", y_title="Days", period_days=90
    )
    assert steep.layout.yaxis.range[1] == pytest.approx(2.5 * 90 * 1.12)
    flat = days_curve_figure(EFFECTS, [9, 5, 3, 2], "Days", x_title="Effect", y_title="Days")
    assert flat.layout.yaxis.range[1] == pytest.approx(9 * 1.12)


def test_the_effect_axis_reads_as_signed_percents() -> None:
    ticks = list(curve().layout.xaxis.ticktext)
    assert ticks
    assert all(tick.startswith("+") and tick.endswith("%") for tick in ticks)
    assert curve().layout.xaxis.title.text == "Effect"


def test_in_arabic_the_curve_speaks_arabic_digits_from_the_right() -> None:
    figure = curve(formats=ARABIC, right_to_left=True)

    assert figure.layout.yaxis.side == "right"
    assert figure.layout.title.x == 1
    for text in [*figure.layout.xaxis.ticktext, *figure.layout.yaxis.ticktext]:
        assert text.startswith(RLI)
        assert not set(text) & set("0123456789")
    assert set("".join(figure.layout.yaxis.ticktext)) & ARABIC_DIGITS


# --- Observed lifts of simulated tests --------------------------------------------------------


def test_a_histogram_of_lifts_draws_a_bar_per_bin_with_its_share() -> None:
    figure = lift_histogram_figure(
        [-0.1, 0.0, 0.1, 0.2],
        [100, 300, 600],
        "Lift each simulated test observed",
        x_title="Observed lift",
        y_title="Tests",
        marks=[(0.1, "True effect"), (0.0, "No change")],
    )

    [bars] = figure.data
    assert list(bars.x) == pytest.approx([-0.05, 0.05, 0.15])
    assert list(bars.width) == pytest.approx([0.1, 0.1, 0.1])
    assert list(bars.y) == [100, 300, 600]
    assert list(bars.hovertext) == [
        "−10% – 0%<br>100 (10%)",
        "0% – +10%<br>300 (30%)",
        "+10% – +20%<br>600 (60%)",
    ]
    colors = [shape.line.color for shape in figure.layout.shapes]
    assert colors == [TRUTH_COLOR, LINE_COLOR]  # the truth first, in its own colour
    assert [note.text for note in figure.layout.annotations] == ["True effect +10%", "No change 0%"]


def test_a_histogram_needs_one_edge_more_than_bins() -> None:
    with pytest.raises(ValueError, match="3 edges can't bound 3 bins"):
        lift_histogram_figure([0.0, 0.1, 0.2], [1, 2, 3], "Lifts", x_title="x", y_title="y")


def test_an_empty_histogram_still_draws_its_marks() -> None:
    figure = lift_histogram_figure(
        [], [], "Lifts", x_title="x", y_title="y", marks=[(0.1, "True effect")]
    )

    assert list(figure.data[0].x) == []
    assert len(figure.layout.shapes) == 1
    assert figure.layout.xaxis.range[0] < 0.1 < figure.layout.xaxis.range[1]


# --- Each variant's lift with its interval ----------------------------------------------------


def test_each_variant_is_a_row_with_its_lift_and_both_intervals() -> None:
    figure = intervals_figure(
        ["B", "C"],
        [0.2, 0.5],
        [(-0.08, 0.56), (0.17, 0.93)],
        "Each variant's lift",
        interval_name="95% confidence interval",
        second=[(-0.08, 0.56), (0.17, 0.93)],
        second_name="95% credible interval",
        zero_label="no change",
    )

    confidence, credible, dots = figure.data
    assert confidence.name == "95% confidence interval"
    assert confidence.line.color == CONFIDENCE_COLOR
    assert list(confidence.x) == [-0.08, 0.56, None, 0.17, 0.93, None]
    assert list(confidence.y) == [0, 0, None, 1, 1, None]
    assert credible.line.color == CREDIBLE_COLOR
    assert all(y is None or y > 0 for y in credible.y[:2])  # just below the first, row 0
    assert list(dots.text) == ["+20%", "+50%"]
    assert list(figure.layout.yaxis.ticktext) == ["B", "C"]
    assert figure.layout.yaxis.range[0] > figure.layout.yaxis.range[1]  # B on top
    assert any(shape.x0 == 0 and shape.x1 == 0 for shape in figure.layout.shapes)
    assert "no change" in [note.text for note in figure.layout.annotations]


def test_a_variant_without_a_lift_keeps_its_row_and_says_so() -> None:
    figure = intervals_figure(
        ["B", "C"],
        [None, 0.5],
        [None, (0.17, 0.93)],
        "Lifts",
        interval_name="95% confidence interval",
        missing_label="no lift yet",
    )

    confidence, dots = figure.data
    assert list(confidence.x) == [0.17, 0.93, None]
    assert list(dots.y) == [1]
    assert not has_nan(dots.x)
    [note] = [note for note in figure.layout.annotations if note.text == "no lift yet"]
    assert note.y == 0


def test_in_arabic_the_intervals_read_from_the_right_in_arabic_digits() -> None:
    figure = intervals_figure(
        ["ب"],
        [0.2],
        [(-0.08, 0.56)],
        "Lifts",
        interval_name="فترة الثقة",
        formats=ARABIC,
        right_to_left=True,
    )

    assert figure.layout.yaxis.side == "right"
    assert list(figure.layout.yaxis.ticktext) == [f"{RLI}ب{PDI}"]
    assert figure.data[0].name == f"{RLI}فترة الثقة{PDI}"
    assert set(figure.data[-1].text[0]) & ARABIC_DIGITS
