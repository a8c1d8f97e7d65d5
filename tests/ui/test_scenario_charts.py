"""The Scenarios page's chart builders: pure functions from numbers to plotly figures."""

from __future__ import annotations

import itertools
import math

import numpy as np
import plotly.graph_objects as go
import pytest

from i18n.formats import Formats
from ui.scenario_charts import (
    BASE_COLOR,
    BETTER_COLOR,
    MAX_CURVE_POINTS,
    MISSED_COLOR,
    REACHED_COLOR,
    SCENARIO_COLOR,
    WORSE_COLOR,
    comparison_figure,
    cumulative_figure,
    drop_off_figure,
    histogram_figure,
    tornado_figure,
)

ARABIC = Formats("ar", "arab")
ARABIC_DIGITS = set("٠١٢٣٤٥٦٧٨٩")
RLI, PDI = "\u2067", "\u2069"


def million_trials() -> np.ndarray:
    return np.random.default_rng(7).normal(120_000, 9_000, 1_000_000)


def histogram(revenue: np.ndarray, target: float, **options: object) -> go.Figure:
    p10, p50, p90 = (float(value) for value in np.percentile(revenue, [10, 50, 90]))
    arguments: dict = {"currency": "USD", "p10": p10, "p50": p50, "p90": p90}
    arguments |= {"target_label": "Target"} | options
    return histogram_figure(revenue, target, "Revenue per trial", **arguments)


def cumulative(revenue: object, target: float, **options: object) -> go.Figure:
    arguments: dict = {"currency": "USD", "target_label": "Target", "y_label": "Chance"}
    return cumulative_figure(revenue, target, "Chance", **(arguments | options))  # type: ignore[arg-type]


def bar_counts(figure: go.Figure) -> dict[str, int]:
    """Trials per bar colour."""
    return {trace.marker.color: int(sum(trace.y)) for trace in figure.data}


def has_nan(values: object) -> bool:
    return any(value is None or math.isnan(value) for value in values)  # type: ignore[attr-defined]


# --- Comparison -------------------------------------------------------------------------------


def test_a_comparison_labels_each_scenario_with_its_difference_to_the_base() -> None:
    figure = comparison_figure(
        ["Base", "Higher AOV", "Cheaper ads"],
        [120_000, 125_040, 110_000],
        "Revenue",
        currency="USD",
    )
    trace = figure.data[0]
    assert list(trace.x) == [120_000, 125_040, 110_000]
    assert list(trace.text) == ["$120,000", "$125,040 (+4.2%)", "$110,000 (−8.33%)"]
    assert list(figure.layout.yaxis.ticktext) == ["Base", "Higher AOV", "Cheaper ads"]
    assert figure.layout.title.text == "Revenue"
    # The base first, on top; no guess at which way is better.
    assert figure.layout.yaxis.range[0] > figure.layout.yaxis.range[1]
    assert list(trace.marker.color) == [BASE_COLOR, SCENARIO_COLOR, SCENARIO_COLOR]


@pytest.mark.parametrize(
    ("better_when_lower", "colors"),
    [
        (False, [BASE_COLOR, BETTER_COLOR, WORSE_COLOR, SCENARIO_COLOR]),
        (True, [BASE_COLOR, WORSE_COLOR, BETTER_COLOR, SCENARIO_COLOR]),
        (None, [BASE_COLOR, SCENARIO_COLOR, SCENARIO_COLOR, SCENARIO_COLOR]),
    ],
)
def test_scenarios_are_green_when_better_and_red_when_worse_as_the_caller_says(
    better_when_lower: bool | None, colors: list[str]
) -> None:
    figure = comparison_figure(
        ["Base", "Up", "Down", "Same"],
        [100.0, 110.0, 90.0, 100.0 + 1e-9],
        "Budget",
        currency="USD",
        better_when_lower=better_when_lower,
    )
    assert list(figure.data[0].marker.color) == colors
    assert figure.data[0].text[3] == "$100 (0%)"  # float noise is no difference


def test_a_plan_that_could_not_be_worked_out_keeps_its_name_and_has_no_bar() -> None:
    figure = comparison_figure(
        ["Base", "Broken", "Cheaper ads"],
        [120_000, None, 110_000],
        "Revenue",
        currency="USD",
        missing_label="Could not work it out",
        better_when_lower=False,
    )
    trace = figure.data[0]
    assert list(figure.layout.yaxis.ticktext) == ["Base", "Broken", "Cheaper ads"]
    assert trace.x[1] is None
    assert trace.text[1] == ""
    [note] = figure.layout.annotations
    assert (note.text, note.y) == ("Could not work it out", 1)


def test_without_a_base_value_scenarios_show_their_value_alone() -> None:
    figure = comparison_figure(["Base", "Other"], [None, 5.0], "Revenue", currency="USD")
    assert list(figure.data[0].text) == ["", "$5.00"]
    assert comparison_figure(["Base", "B"], [0, 5], "R", currency="USD").data[0].text[1] == "$5.00"


def test_the_base_may_be_any_plan_and_counts_are_worded_as_counts() -> None:
    figure = comparison_figure(
        ["Scenario", "Base"],
        [1_100, 1_000],
        "Customers",
        currency="USD",
        kind="count",
        base_index=1,
    )
    assert list(figure.data[0].text) == ["1,100 (+10%)", "1,000"]
    assert list(figure.data[0].marker.color) == [SCENARIO_COLOR, BASE_COLOR]


def test_a_ratio_such_as_roas_is_worded_as_a_multiple() -> None:
    figure = comparison_figure(["Base", "B"], [2.5, 3.0], "ROAS", currency="USD", kind="ratio")
    assert list(figure.data[0].text) == ["2.50×", "3.00× (+20%)"]
    assert all(text.endswith("×") for text in figure.layout.xaxis.ticktext)


def test_a_comparison_refuses_an_unknown_kind_or_base() -> None:
    with pytest.raises(ValueError, match="kind"):
        comparison_figure(["A"], [1.0], "T", currency="USD", kind="share")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="base_index"):
        comparison_figure(["A"], [1.0], "T", currency="USD", base_index=1)


def test_in_arabic_the_names_and_title_sit_on_the_right_with_arabic_digits() -> None:
    figure = comparison_figure(
        ["الأساس", "سيناريو"],
        [120_000, 125_040],
        "الإيرادات",
        currency="SAR",
        formats=ARABIC,
        right_to_left=True,
    )
    assert figure.layout.yaxis.side == "right"
    assert (figure.layout.title.x, figure.layout.title.xanchor) == (1, "right")
    assert figure.layout.xaxis.autorange is None  # numbers still grow rightwards
    assert figure.layout.xaxis.range[0] < figure.layout.xaxis.range[1]
    base, scenario = figure.data[0].text
    assert base == f"{RLI}\u200f١٢٠٬٠٠٠\u00a0ر.س.{PDI}"
    assert "+٤٫٢٪" in scenario
    assert not set("0123456789") & set("".join(figure.layout.xaxis.ticktext))
    assert ARABIC_DIGITS & set("".join(figure.layout.xaxis.ticktext))


# --- Tornado ----------------------------------------------------------------------------------


def test_the_first_lever_is_on_top_with_its_moves_either_side_of_zero() -> None:
    figure = tornado_figure(
        ["Purchase rate", "AOV", "Orders per customer"],
        [-12_000, -11_000, 0],
        [12_000, 11_500, 11_000],
        "What matters most",
        currency="USD",
        low_name="−10%",
        high_name="+10%",
    )
    low, high = figure.data
    assert (low.name, high.name) == ("−10%", "+10%")
    assert list(low.x) == [-12_000, -11_000, 0]
    assert list(high.x) == [12_000, 11_500, 11_000]
    assert list(low.text) == ["−$12,000", "−$11,000", "$0"]
    assert list(high.text) == ["+$12,000", "+$11,500", "+$11,000"]
    # The first lever at position 0, and position 0 at the top of a reversed axis.
    assert list(low.y) == [0, 1, 2]
    assert figure.layout.yaxis.ticktext[0] == "Purchase rate"
    assert figure.layout.yaxis.range[0] > figure.layout.yaxis.range[1]
    assert figure.layout.showlegend is True
    [zero] = figure.layout.shapes
    assert (zero.x0, zero.x1) == (0, 0)
    low_end, high_end = figure.layout.xaxis.range
    assert low_end == -high_end  # centred on zero
    assert high_end > 12_000  # with room for the texts


def test_a_tornado_grows_with_its_levers() -> None:
    def height(count: int) -> int:
        labels = [f"Lever {index}" for index in range(count)]
        values = [float(index) for index in range(count)]
        figure = tornado_figure(
            labels, values, values, "T", currency="USD", low_name="−", high_name="+"
        )
        return int(figure.layout.height)

    assert height(1) < height(5) < height(20)
    assert height(20) <= 1_000


def test_a_tornado_in_arabic_puts_the_levers_and_the_legend_on_the_right() -> None:
    figure = tornado_figure(
        ["معدل الشراء"],
        [-12_000],
        [12_000],
        "ما يهم",
        currency="SAR",
        formats=ARABIC,
        right_to_left=True,
        low_name="−١٠٪",
        high_name="+١٠٪",
    )
    assert figure.layout.yaxis.side == "right"
    assert figure.layout.legend.xanchor == "right"
    low, high = figure.data
    assert low.text[0] == f"{RLI}\u200f−١٢٬٠٠٠\u00a0ر.س.{PDI}"
    assert high.text[0] == f"{RLI}\u200f+١٢٬٠٠٠\u00a0ر.س.{PDI}"


# --- Drop-off ---------------------------------------------------------------------------------


def test_drop_offs_run_in_funnel_order_from_the_top() -> None:
    figure = drop_off_figure(
        ["Product views", "Add to cart", "Purchase"],
        [500_000, 230_000.5, 40_000],
        "Revenue lost",
        currency="EUR",
    )
    trace = figure.data[0]
    assert trace.orientation == "h"
    assert list(figure.layout.yaxis.ticktext) == ["Product views", "Add to cart", "Purchase"]
    assert list(trace.y) == [0, 1, 2]
    assert figure.layout.yaxis.range[0] > figure.layout.yaxis.range[1]
    assert list(trace.text) == ["€500,000", "€230,000", "€40,000"]
    assert figure.layout.xaxis.range[1] > 500_000


def test_drop_offs_in_arabic() -> None:
    figure = drop_off_figure(
        ["السلة"], [1_234], "الخسارة", currency="SAR", formats=ARABIC, right_to_left=True
    )
    assert figure.layout.yaxis.side == "right"
    assert "١٬٢٣٤" in figure.data[0].text[0]


# --- Histogram --------------------------------------------------------------------------------


def test_a_million_trials_become_a_few_bars_that_count_every_trial() -> None:
    revenue = million_trials()
    target = 125_000.0
    figure = histogram(revenue, target)
    assert sum(len(trace.x) for trace in figure.data) <= 100
    counts = bar_counts(figure)
    assert sum(counts.values()) == revenue.size
    # The target is a bin edge: the blue bars hold exactly the trials that reach it.
    assert counts[REACHED_COLOR] == np.count_nonzero(revenue >= target)
    assert counts[MISSED_COLOR] == np.count_nonzero(revenue < target)


def test_histogram_bars_tile_the_trials_range_without_gaps() -> None:
    revenue = million_trials()
    figure = histogram(revenue, 125_000.0)
    bars = sorted(
        (x - width / 2, x + width / 2)
        for trace in figure.data
        for x, width in zip(trace.x, trace.width, strict=True)
    )
    assert bars[0][0] <= revenue.min()
    assert bars[-1][1] >= revenue.max()
    for (_, high), (low, _) in itertools.pairwise(bars):
        assert low == pytest.approx(high)


@pytest.mark.parametrize("target", [1.0, 3.0, 8.0, 0.0, 100.0])
def test_small_histograms_count_every_trial_on_the_right_side_of_the_target(
    target: float,
) -> None:
    revenue = np.array([1.0, 2.0, 3.0, 3.0, 5.0, 8.0])
    figure = histogram(revenue, target, bins=4)
    counts = bar_counts(figure)
    assert sum(counts.values()) == revenue.size
    assert counts[REACHED_COLOR] == np.count_nonzero(revenue >= target)
    low, high = figure.layout.xaxis.range
    assert low <= min(target, 1.0)  # the target line shows
    assert high >= max(target, 8.0)


def test_the_target_and_percentiles_are_marked_and_labelled() -> None:
    figure = histogram_figure(
        np.array([90.0, 100.0, 110.0]),
        105.0,
        "Revenue",
        currency="USD",
        p10=92.0,
        p50=100.0,
        p90=108.0,
        target_label="Target",
    )
    assert [shape.x0 for shape in figure.layout.shapes] == [105.0, 92.0, 100.0, 108.0]
    texts = [note.text for note in figure.layout.annotations]
    assert texts == ["Target $105", "P10 $92.00", "P50 $100", "P90 $108"]
    assert all(text for text in figure.data[0].hovertext)


def test_every_trial_with_the_same_revenue_is_one_bar() -> None:
    revenue = np.full(1_000, 5_000.0)
    figure = histogram(revenue, 5_000.0)
    bars = [bar for trace in figure.data for bar in zip(*_bars(trace), strict=True)]
    assert bars == [(5_000.0, 1_000, pytest.approx(100.0))]
    assert bar_counts(figure) == {MISSED_COLOR: 0, REACHED_COLOR: 1_000}
    low, high = figure.layout.xaxis.range
    assert low < 5_000 < high
    assert not has_nan(figure.layout.yaxis.range)
    missed = histogram(revenue, 5_000.01)
    assert bar_counts(missed) == {MISSED_COLOR: 1_000, REACHED_COLOR: 0}
    assert bar_counts(histogram(np.zeros(10), 0.0))[REACHED_COLOR] == 10


def _bars(trace: go.Bar) -> tuple[list[float], list[int], list[float]]:
    return list(trace.x), list(trace.y), list(trace.width)


def test_an_arabic_histogram_words_its_numbers_in_arabic_digits() -> None:
    figure = histogram(million_trials()[:1_000], 125_000.0, formats=ARABIC, right_to_left=True)
    assert figure.layout.yaxis.side == "right"
    assert (figure.layout.title.x, figure.layout.title.xanchor) == (1, "right")
    hover = "".join(text for trace in figure.data for text in trace.hovertext)
    ticks = "".join(figure.layout.xaxis.ticktext) + "".join(figure.layout.yaxis.ticktext)
    notes = "".join(note.text for note in figure.layout.annotations)
    for text in (hover, ticks, notes):
        assert ARABIC_DIGITS & set(text)
        assert not set("0123456789") & set(
            text.replace("P10", "").replace("P50", "").replace("P90", "")
        )


def test_a_histogram_refuses_no_bins_and_survives_no_trials() -> None:
    with pytest.raises(ValueError, match="bins"):
        histogram(np.array([1.0]), 1.0, bins=0)
    figure = histogram_figure(
        np.array([]), 10.0, "Empty", currency="USD", p10=0, p50=0, p90=0, target_label="T"
    )
    assert bar_counts(figure) == {MISSED_COLOR: 0, REACHED_COLOR: 0}


# --- Cumulative -------------------------------------------------------------------------------


def test_a_million_trials_become_a_few_hundred_points_exact_at_the_target() -> None:
    revenue = million_trials()
    target = 125_000.0
    figure = cumulative(revenue, target)
    curve, marker = figure.data
    assert len(curve.x) <= MAX_CURVE_POINTS <= 500
    xs, ys = np.array(curve.x), np.array(curve.y)
    assert np.all(np.diff(xs) > 0)
    assert np.all(np.diff(ys) <= 0)  # a decreasing curve
    assert (ys[0], ys[-1]) == (1.0, 0.0)
    share = np.count_nonzero(revenue >= target) / revenue.size
    assert ys[list(xs).index(target)] == share
    assert (marker.x[0], marker.y[0]) == (target, share)
    # Each point's share is counted exactly, not interpolated.
    for x, y in list(zip(xs, ys, strict=True))[::40]:
        assert y == np.count_nonzero(revenue >= x) / revenue.size
    [note] = figure.layout.annotations
    assert note.text == f"Target $125,000<br><b>{Formats().percent(share)}</b>"


def test_few_trials_draw_the_exact_steps() -> None:
    revenue = [1.0, 2.0, 3.0, 3.0, 5.0, 8.0]
    figure = cumulative(revenue, 3.0)
    curve = figure.data[0]
    assert curve.line.shape == "vh"
    points = dict(zip(curve.x, curve.y, strict=True))
    assert [points[x] for x in (1.0, 2.0, 3.0, 5.0, 8.0)] == [1.0, 5 / 6, 4 / 6, 2 / 6, 1 / 6]
    assert "66.67%" in figure.layout.annotations[0].text


@pytest.mark.parametrize(("target", "share"), [(0.5, 1.0), (100.0, 0.0), (2.5, 4 / 6)])
def test_a_target_outside_or_between_the_trials_is_on_the_curve(
    target: float, share: float
) -> None:
    figure = cumulative([1.0, 2.0, 3.0, 3.0, 5.0, 8.0], target)
    curve = figure.data[0]
    assert dict(zip(curve.x, curve.y, strict=True))[target] == share
    low, high = figure.layout.xaxis.range
    assert low < target < high


def test_every_trial_with_the_same_revenue_is_a_cliff() -> None:
    figure = cumulative(np.full(1_000_000, 5_000.0), 5_000.0)
    curve = figure.data[0]
    assert len(curve.x) == 3
    assert list(curve.y) == [1.0, 1.0, 0.0]
    assert curve.x[1] == 5_000.0
    assert not has_nan([*curve.x, *curve.y])
    assert "100%" in figure.layout.annotations[0].text
    empty = cumulative(np.array([]), 10.0)
    assert list(empty.data[0].y) == [0.0]


def test_an_arabic_curve_has_its_percent_axis_on_the_right() -> None:
    figure = cumulative(
        million_trials()[:10_000],
        125_000.0,
        currency="SAR",
        formats=ARABIC,
        right_to_left=True,
        target_label="الهدف",
        y_label="الاحتمال",
    )
    assert figure.layout.yaxis.side == "right"
    assert list(figure.layout.yaxis.ticktext)[-1] == f"{RLI}١٠٠٪{PDI}"
    assert figure.layout.yaxis.title.text == f"{RLI}الاحتمال{PDI}"
    assert "٪" in figure.layout.annotations[0].text
    assert figure.layout.xaxis.range[0] < figure.layout.xaxis.range[1]
