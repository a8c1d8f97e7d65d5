"""The words the workbook and the CSV tables label their numbers with.

English source strings, marked for the catalogue where they are defined and translated where
they are written (``i18n.catalogue.translate``), so the same number carries the same name in
the workbook, in every CSV table and on the Plan page.
"""

from __future__ import annotations

from i18n.catalogue import N_

# Plan inputs.
PLAN = N_("Plan")
DESCRIPTION = N_("Description")
CURRENCY = N_("Currency")
PERIOD_START = N_("Period start")
PERIOD_END = N_("Period end")
REVENUE_TARGET = N_("Revenue target")
AVERAGE_ORDER_VALUE = N_("Average order value")
ORDERS_PER_NEW_CUSTOMER = N_("Orders per new customer")
GROSS_MARGIN = N_("Gross margin")
RETURNING_CUSTOMERS = N_("Returning customers")
ACTIVE_CUSTOMERS = N_("Active customers")
REPEAT_PURCHASE_RATE = N_("Repeat purchase rate")
ORDERS_PER_RETURNING_CUSTOMER = N_("Orders per returning customer")
RETURNING_ORDER_VALUE = N_("Returning customers' average order value")
ACQUISITION_COST = N_("Acquisition cost")
PAID_STAGE = N_("Paid stage")
COST_PER_UNIT = N_("Cost per unit")
COST_PER_MILLE = N_("Cost per 1,000 impressions (CPM)")
CLICK_THROUGH_RATE = N_("Click-through rate (CTR)")

# The stage tables.
STAGE = N_("Stage")
CONVERSION_RATE = N_("Conversion rate")
CONVERSION_PERCENT = N_("Conversion rate (%)")
SHARE_REACHING_LAST = N_("Share reaching the last stage")
BEFORE_ROUNDING = N_("Before rounding up")
REQUIRED = N_("Required")
EXPECTED = N_("Expected")
PER_MONTH = N_("Per month")
PER_WEEK = N_("Per week")
COST_PER_UNIT_IN = N_("Cost per unit ({currency})")

# What the planner works out.
PERIOD_DAYS = N_("Days in the period")
PERIOD_WEEKS = N_("Weeks in the period")
PERIOD_MONTHS = N_("Months in the period")
RETURNING_BUYERS = N_("Returning customers buying again")
RETURNING_ORDERS = N_("Orders from returning customers")
RETURNING_REVENUE = N_("Revenue from returning customers")
REVENUE_NEEDED = N_("Revenue needed from new customers")
NEW_CUSTOMERS = N_("New customers")
NEW_ORDERS = N_("Orders from new customers")
ORDERS = N_("Orders")
NEW_REVENUE = N_("Revenue from new customers")
REVENUE = N_("Revenue")
TARGET_GAP = N_("Revenue minus target")
PAID_UNITS = N_("Units entering the paid stage")
IMPRESSIONS = N_("Impressions")
BUDGET = N_("Marketing budget")
CAC = N_("CAC")
ROAS = N_("ROAS")
MER = N_("Marketing efficiency (MER)")
CONTRIBUTION = N_("Contribution after marketing")

# The summary table's columns.
METRIC = N_("Metric")
VALUE = N_("Value")
UNIT = N_("Unit")
