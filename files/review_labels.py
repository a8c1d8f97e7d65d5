"""The words of the quarterly review export (``files.review_export``): sheets, headers, notes.

English source strings, marked for the catalogue where they are defined and translated where
they are written (``i18n.catalogue.translate``). Where the Actuals page says the same thing
(``ui.review_views``) the source string is the same, so one translation serves both.
"""

from __future__ import annotations

from i18n.catalogue import N_

# Sheet names (at most 31 characters once translated; ``files.workbook.sheet_name`` cuts).
SUMMARY_SHEET = N_("Summary")
VARIANCE_SHEET = N_("Plan vs actual")
CONVERSION_SHEET = N_("Conversion")
ATTRIBUTION_SHEET = N_("Attribution")
FORECAST_SHEET = N_("Forecast")
CATCH_UP_SHEET = N_("Catch-up")
ACTUALS_SHEET = N_("Actuals")
PLAN_SHEET = N_("Plan")

# Titles.
REVIEW_TITLE = N_("Quarterly review: {plan}")
REVIEW_SUBTITLE = N_("{start} to {end}, reviewed as of {as_of}")
VARIANCE_TITLE = N_("Plan vs actual")
CONVERSION_TITLE = N_("Conversion at each step")
ATTRIBUTION_TITLE = N_("Where the revenue gap comes from")
FORECAST_TITLE = N_("Revenue at the period's end")
PACING_TITLE = N_("Revenue through the period")
CATCH_UP_TITLE = N_("What the rest of the period needs")
WEEKS_TITLE = N_("Week by week")
LEVERS_TITLE = N_("Or one change alone")
ACTUALS_TITLE = N_("Daily results")
PLAN_TITLE = N_("Plan inputs")
NOTES_TITLE = N_("Notes")

# The summary's figures.
AS_OF = N_("Review date")
ELAPSED_DAYS = N_("Days elapsed")
ELAPSED_OF = N_("{elapsed} of {days}")
RESULTS_UNTIL = N_("Results until")
REVENUE_TO_DATE = N_("Revenue to date")
PLANNED_REVENUE_TO_DATE = N_("Revenue planned to date")
ATTAINMENT = N_("Attainment")
REVENUE_GAP = N_("Revenue gap to date")
FORECAST_LOW = N_("Low (P10)")
FORECAST_LIKELY = N_("Likely (P50)")
FORECAST_HIGH = N_("High (P90)")
FORECAST_MEAN = N_("Mean")
CHANCE_OF_TARGET = N_("Chance of the target")
TRIALS = N_("Simulated endings")
SEED = N_("Seed")
REMAINING_DAYS = N_("Days left")
REMAINING_TARGET = N_("Revenue still needed")
TARGET = N_("Target")

# The variance and conversion tables.
MEASURE = N_("Measure")
PLANNED_TO_DATE = N_("Planned to date")
ACTUAL = N_("Actual")
VARIANCE = N_("Variance")
VARIANCE_PERCENT = N_("Variance %")
STATUS = N_("Status")
STEP = N_("Step")
STEP_NAME = N_("{before} → {after}")
PLANNED = N_("Planned")
DIFFERENCE = N_("Difference")
ON_PACE = N_("On pace")
SLIGHTLY_BEHIND = N_("Slightly behind")
BEHIND = N_("Behind")
STATUS_WORDS = {"green": ON_PACE, "amber": SLIGHTLY_BEHIND, "red": BEHIND}

# Measures: the review's and the actuals' columns.
MEASURE_NAMES = {
    "revenue": N_("Revenue"),
    "orders": N_("Orders"),
    "new_customers": N_("New customers"),
    "spend": N_("Spend"),
    "contribution": N_("Contribution"),
    "new_orders": N_("Orders from new customers"),
    "new_customer_revenue": N_("Revenue from new customers"),
    "returning_customers": N_("Returning customers"),
    "returning_orders": N_("Orders from returning customers"),
    "returning_revenue": N_("Revenue from returning customers"),
}
MONEY_MEASURES = frozenset(
    {"revenue", "spend", "contribution", "new_customer_revenue", "returning_revenue"}
)

# Attribution: the drivers.
DRIVER = N_("Driver")
PART_OF_GAP = N_("Part of the gap")
TRAFFIC_DRIVER = N_("Traffic ('{stage}')")
COUNT_DRIVER = N_("Count of '{stage}'")
CONVERSION_DRIVER = N_("Conversion to '{stage}'")
ORDER_VALUE_DRIVER = N_("Average order value")
ORDERS_PER_CUSTOMER_DRIVER = N_("Orders per customer")
RETURNING_DRIVER = N_("Returning customers")
REVENUE_DRIVER = N_("Revenue")
ATTRIBUTION_NOTE = N_(
    "Split by a log-mean Divisia index: each driver's part depends only on how far it "
    "moved, so the parts add up to the gap whatever their order."
)
NO_GAP = N_("There is no revenue gap to explain yet.")

# Forecast and pacing.
DAY = N_("Day")
PLAN_TO_DATE = N_("Plan to date")
FORECAST_P10 = N_("Forecast P10")
FORECAST_P50 = N_("Forecast P50")
FORECAST_P90 = N_("Forecast P90")
FORECAST_BAND = N_("Forecast, 8 in 10")
FORECAST_NOTE = N_(
    "{trials} simulated endings over the {days} days left, from the traffic, "
    "conversion and order value seen so far (the plan's rates weigh in while there "
    "is little data). Seed {seed}."
)

# Catch-up.
WEEK_START = N_("Week from")
WEEK_END = N_("Week to")
DAYS = N_("Days")
BUDGET = N_("Budget")
CHANGE = N_("Change")
NOW = N_("Now")
NEEDED = N_("Needed")
BY = N_("Change by")
POSSIBLE = N_("Possible")
YES = N_("Yes")
NO = N_("No")
ABOVE_ALL = N_("No: above 100%")
TRAFFIC_PER_DAY = N_("Traffic per day ('{stage}')")
TARGET_REACHED = N_("The target is already reached: nothing more is needed.")
NO_DAYS_LEFT = N_("There are no days left to plan.")
NO_ACTUALS = N_("No daily results were given.")

# Notes about the actuals and the catch-up plan, by the review note's code.
NOTE_WORDS = {
    "actuals_end_before_as_of": N_(
        "The results end on {until}, before the review date: the days after it count as "
        "nothing sold."
    ),
    "actuals_empty": N_("The results hold no day inside the plan's period."),
    "actuals_outside_period": N_(
        "{days} days of the results fall outside the plan's period and are left out."
    ),
    "stage_not_in_actuals": N_(
        "The results have no count for '{stage}': it is left out of the comparison."
    ),
    "actuals_stage_not_in_plan": N_(
        "The results count '{stage}', which is not a stage of the plan."
    ),
    "period_over": N_("The period is over: there are no days left to catch up in."),
    "catch_up_out_of_reach": N_("The catch-up plan is out of reach at the rates seen so far."),
    "observed_value_unusable": N_(
        "The {field} seen so far can't be planned with, so the catch-up uses the plan's."
    ),
}
FIELD_WORDS = {
    "average_order_value": N_("average order value"),
    "orders_per_customer": N_("orders per customer"),
    "cost_per_unit": N_("cost per unit"),
    "conversion_rate": N_("conversion rate"),
}
