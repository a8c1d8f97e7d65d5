"""Plan against actuals as of a date (issue: the plan-vs-actual review).

- ``observed``: the actuals over the elapsed days, read once;
- ``pacing``: planned to date against actual, statuses, the daily pacing chart;
- ``attribution``: the revenue gap split by driver (LMDI-I);
- ``forecast``: revenue at the period's end, simulated from what was observed;
- ``catchup``: the plan the remaining days need, week by week and lever by lever;
- ``review``: all of it in one model.
"""

from planner.review.attribution import Attribution, attribute, lmdi
from planner.review.catchup import CatchUp, LeverNeed, WeekNeed, catch_up
from planner.review.forecast import Forecast, ForecastPoint, forecast
from planner.review.observed import ReviewNote, elapsed_days, observe
from planner.review.pacing import (
    MeasureVariance,
    PacingPoint,
    StageVariance,
    Thresholds,
    make_thresholds,
)
from planner.review.review import Review, review

__all__ = [
    "Attribution",
    "CatchUp",
    "Forecast",
    "ForecastPoint",
    "LeverNeed",
    "MeasureVariance",
    "PacingPoint",
    "Review",
    "ReviewNote",
    "StageVariance",
    "Thresholds",
    "WeekNeed",
    "attribute",
    "catch_up",
    "elapsed_days",
    "forecast",
    "lmdi",
    "make_thresholds",
    "observe",
    "review",
]
