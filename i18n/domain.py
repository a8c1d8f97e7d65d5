"""What the domain reports, worded for a reader in their language.

Field problems, benchmark warnings, infeasible requests and their hints.

The planner reports codes with parameters and never a sentence meant for a reader in any
particular language: a ``FieldProblem`` has a ``code`` and a ``context``, a ``BenchmarkWarning``
a ``code`` and ``params``, a ``PlannerError`` a ``code``, ``params`` and a ``hint_code``. This
module holds the English source of every message (marked ``N_`` for the ``planner``
catalogue), keyed by those codes, and words them in a language with the numbers formatted
for the reader (``Formats``: Arabic-Indic digits when chosen).

A field problem is worded two ways:

- for the plan file (the CLI): ``stages[2].conversion_rate: must be > 0 and ≤ 1, got 1.2``,
  the field named by its path, keys by their names;
- for the screen (the page): ``Conversion from 'Product views' to 'Add to cart' must be above
  0% and at most 100%, got 120%``, the field named by the label the page passes, stages by
  number (``stage 3``), plan-file keys in words, rates in percent.

English is worded exactly as the planner's own ``message`` (``tests/i18n`` checks every code),
so the CLI's default output is what it always was. A problem whose code or parameters this
module doesn't know keeps the message it came with.

Proper names (publishers, reports, stage names a user typed) are never translated.
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial, reduce
from typing import Any

from i18n.catalogue import N_, translate, translations
from i18n.formats import Formats
from i18n.numbers import format_percent
from planner.benchmarks import (
    BENCHMARKS_BY_KEY,
    CAC_ABOVE_GROSS_PROFIT,
    CAC_ABOVE_REVENUE,
    RATE_ABOVE_RANGE,
    RATE_BELOW_RANGE,
    REPEAT_ABOVE_FIRST_PURCHASE,
    REPEAT_ABOVE_RETURNING,
    BenchmarkRange,
    BenchmarkWarning,
    Verdict,
)
from planner.errors import (
    DATE_TYPES,
    LIST_TYPES,
    NUMBER_TYPES,
    OBJECT_TYPES,
    REQUIRED,
    RULE,
    WHOLE_NUMBER_TYPES,
    FieldProblem,
    PlannerError,
    is_date_type,
)
from planner.types import MAX_MONEY, OUT_OF_RANGE, format_number, printable, show_text

ENGLISH = Formats()

# --- Field problems: the plan file's wording (the CLI) and the screen's ------------------------

REQUIRED_MESSAGE = N_("required")
# Ranges: "must be > 0 and ≤ 1, got 1.2"; on screen, rates in percent and in words.
MUST_BE_IN_RANGE = N_("must be {rule}, got {got}")
MUST_BE_AT_LEAST = N_("must be at least {minimum}, got {got}")
MUST_BE_FINITE = N_("must be a finite number, got {got}")
_BOUNDS = {
    "gt": N_("> {bound}"),
    "ge": N_("≥ {bound}"),
    "lt": N_("< {bound}"),
    "le": N_("≤ {bound}"),
}
_PERCENT_BOUNDS = {
    "gt": N_("above {bound}"),
    "ge": N_("at least {bound}"),
    "lt": N_("below {bound}"),
    "le": N_("at most {bound}"),
}
BOTH_BOUNDS = N_("{first} and {second}")
# A result that would not be a finite number, named after the input that asked for it.
TOO_LARGE_NEEDS = N_("is too large: the {quantity} it needs would not be a finite number")
TOO_LARGE_BUYS = N_("is too large: the {quantity} it buys would not be a finite number")
QUANTITIES = {
    "new_customers": N_("new customers"),
    "revenue": N_("revenue"),
    "orders": N_("orders"),
    "budget": N_("budget"),
    "impressions": N_("impressions"),
    "new_customer_revenue": N_("new-customer revenue"),
    "returning_customers": N_("customers of returning customers"),
    "returning_orders": N_("orders of returning customers"),
    "returning_revenue": N_("revenue of returning customers"),
    "stage_count": N_("count of '{stage}'"),
    "stage_count_per_month": N_("count of '{stage}' per month"),
}
# Values of the wrong type, by what they should have been.
_WRONG_TYPE = {
    "number": N_("must be a number, got {got}"),
    "whole_number": N_("must be a whole number, got {got}"),
    "date": N_("must be a date like 2027-01-31, got {got}"),
    "text": N_("must be text, got {got}"),
    "list": N_("must be a list, got {got}"),
    "object": N_("must be an object, got {got}"),
}
# Codes whose message needs only its context's values as they are (text already shown, years,
# line and column numbers); the numbers among them are given the reader's digits.
_SIMPLE = {
    "bool_not_number": N_("must be a number, got {got}"),
    "number_as_text": N_("must be a number, got {got} (text)"),
    "finite_number": MUST_BE_FINITE,
    "literal_error": N_("must be {expected}, got {got}"),
    "currency": N_("must be a 3-letter ISO 4217 code such as USD or SAR, got {got}"),
    "currency_unknown": N_(
        "{got} is not a current ISO 4217 currency code; use one such as USD, EUR or SAR"
    ),
    "not_a_date": N_("must be a date like 2027-01-31, got {got}"),
    "number_as_date": N_('must be a date written as text like "2027-01-31", got the number {got}'),
    "year_out_of_range": N_("must be in the years {min_year}–{max_year}, got {got}"),
    "control_character": N_("must not contain control characters such as {character}, got {got}"),
    "empty": N_("must not be empty"),
    "stage_count": N_("must have {low} to {high} stages, got {got}"),
    "plan_not_an_object": N_("must be a JSON object, got {got}"),
    "schema_too_new": N_(
        "is {got}, newer than this planner reads (up to {supported}); update the planner"
    ),
    "encoding": N_("is {encoding}; save it as UTF-8"),
    "not_utf8": N_(
        "is not UTF-8: invalid byte {byte} at line {line}, column {column}; save it as UTF-8"
    ),
    "unreadable": N_("can't be read as a plan"),
    "lone_surrogate": N_(
        "has {escape} at line {line}, column {column}: half of a UTF-16 pair, "
        "not a character; remove it"
    ),
    "too_deep": N_(
        "nests lists and objects more than {limit} deep at line {line}, column {column}; "
        "a plan needs {needed}"
    ),
    "duplicate_key": N_(
        'repeats the key "{key}" at line {line}, column {column}; '
        "each key may appear once in an object"
    ),
    # Reported by the CLI about its input and output.
    "result_not_finite": N_("is too large to be a finite number; make the plan's numbers smaller"),
    "too_large": N_("is larger than {limit} bytes; a plan file is a few KB"),
    "io": N_("can't be read: {reason}"),
    "stdin_closed": N_(
        "can't be read: standard input is closed; give a file name, or pipe the plan in"
    ),
    # Reported about a link that carries a plan (files.links).
    "link_empty": N_("is empty: the link holds no plan"),
    "link_too_long": N_("is {length} characters long; a plan link holds at most {limit}"),
    "link_not_base64": N_(
        "has {character} at character {position}; a plan link holds only letters, digits, "
        "'-' and '_'"
    ),
    "link_truncated": N_("is cut short: a character is missing at its end"),
    "link_not_canonical": N_(
        "has been altered: its last character is not one a plan link ends with"
    ),
    "link_not_utf8": N_("does not hold UTF-8 text: invalid byte {byte} at byte {position}"),
    # Reported by the page about its own inputs (the Year, a forward amount).
    "whole_year": N_("must be a whole year from {min_year} to {max_year}, got {got}"),
    "amount_too_large": N_("is too large to work with; enter a smaller amount"),
    # Reported about an A/B test's inputs (planner.abtests) and the CLI's (cli.ab).
    "zero_effect": N_("must not be 0: a test needs an effect to detect"),
    "values_shape": N_("must be one list of values, got {dimensions} dimensions"),
    "csv_or_counts": N_("give either --csv or --control with --variant, not both"),
    "required_arms": N_("required, with at least one --variant (or --csv)"),
    # Reported about a per-visitor CSV file (files.visitors) and other CSV files.
    "no_visitors": N_("has a header but no visitors"),
    "no_orders": N_("has a header but no orders"),
    "date_order_ambiguous": N_(
        "has dates like 01/02/2027 whose day and month are both 12 or less, so the file "
        "doesn't say which comes first; say whether the day comes first"
    ),
    "csv_unreadable": N_("can't be read as CSV: {reason}"),
    "no_rows": N_("has a header but no rows"),
    # Reported about a saved results archive (files.actuals_archive): what was wrong, as
    # the archive's reader says it, stays in English.
    "results_archive_invalid": N_(
        "is not a saved results archive this version can read ({detail})"
    ),
    # Reported about a review of the plan against its actuals (planner.review).
    "actuals_without_revenue": N_(
        "the actuals have no revenue: give revenue, or new and returning revenue"
    ),
    "actuals_not_finite": N_("holds a value that is not a finite number"),
    # Reported about a KPI dashboard's inputs (planner.actuals.dashboard).
    "orders_or_funnel_required": N_("required: give an order log, funnel actuals or both"),
    "stages_need_funnel": N_(
        "names a funnel stage, but no funnel actuals with stage counts were given"
    ),
    "negative_code": N_("must be codes of 0 or more, got {got} at position {index}"),
    # Reported about an Excel workbook (files.sheets).
    "xls_format": N_(
        "is an Excel 97-2003 workbook (.xls), which isn't read; save it as .xlsx or CSV"
    ),
    "xlsx_encrypted": N_(
        "is protected by a password; save a copy without the password, or export CSV"
    ),
    "xlsx_corrupt": N_(
        "is damaged: it can't be opened as an Excel workbook; open and save it again in "
        "Excel, or export CSV"
    ),
    "xlsx_too_large": N_(
        "unpacks to more than {limit} bytes, more than a workbook may; export CSV or split it"
    ),
    "xlsx_bomb": N_("packs {member} {ratio} to 1, as only a zip bomb does; it was not opened"),
    "xlsx_too_many_rows": N_("has more than {limit} rows, more than Excel holds; export CSV"),
    "xlsx_too_many_cells": N_(
        "has more than {limit} cells; export CSV or remove the columns not needed"
    ),
    # Reported about a table written to a workbook (files.table_export).
    "table_too_many_rows": N_("must hold at most {limit} rows, got {rows}"),
    "table_too_many_columns": N_("must hold at most {limit} columns, got {columns}"),
    # Reported about a store's database (storage.order_source).
    "database_url_invalid": N_("is not a database URL like postgresql://user:password@host/store"),
    "database_unsupported": N_(
        "is a {backend} database; orders are read from PostgreSQL or SQLite"
    ),
    "driver_missing": N_("needs the {driver} driver, which is not installed"),
    "database_unreachable": N_("can't be reached: {reason}"),
    "table_or_query": N_("give either a table or a query, exactly one of them"),
    "query_not_select": N_("must be one SELECT statement (or WITH ... SELECT) that only reads"),
    "query_failed": N_("the database refused it: {reason}"),
}
_LINK_CODES = frozenset(code for code in _SIMPLE if code.startswith("link_"))
# Counts among a simple message's values that are shown grouped (``1,000,000``).
_GROUPED = {
    "too_large": ("limit",),
    "negative_code": ("index",),
    "xlsx_too_large": ("limit",),
    "xlsx_bomb": ("ratio",),
    "xlsx_too_many_rows": ("limit",),
    "xlsx_too_many_cells": ("limit",),
    "table_too_many_rows": ("limit", "rows"),
    "table_too_many_columns": ("limit", "columns"),
    **dict.fromkeys(_LINK_CODES, ("limit", "length", "position")),
}
# The short forms of two file problems, when the file says less than usual.
NOT_UTF8_SHORT = N_("is not UTF-8; save it as UTF-8")
NOT_CSV = N_("is not a CSV file but a {kind} file; save it as CSV")
NOT_CSV_BINARY = N_("is not a CSV file: it holds binary data; save it as CSV")
# A range of an A/B test's traffic split: one share per arm, control first.
SHARE_IN_RANGE = N_("must give every arm a share {rule}, got {got}")
FINITE_VALUES = N_("must be finite numbers, got {got} at position {index}")
SUMS_INCONSISTENT = N_(
    "must be at least Σx² ÷ n ({least}) for {n} values summing to {total}, got {got}"
)
STRING_TOO_LONG = N_("must be at most {max_length} characters long, got {length}")
LIST_TOO_LONG = N_("must hold at most {max_length} items, got {length}")
UNKNOWN_FIELD_SUGGESTION = N_("unknown field; did you mean '{suggestion}'?")
UNKNOWN_FIELD_KNOWN = N_("unknown field; known fields: {known}")
NUMBER_TOO = {
    ("large", False): N_("is a number too large to work with, got {got}"),
    ("small", False): N_("is a number too small to work with, got {got}"),
    ("large", True): N_("is a number too large to work with, got a number {digits} digits long"),
    ("small", True): N_("is a number too small to work with, got a number {digits} digits long"),
}
NOT_JSON = N_("is not valid JSON: {reason} at line {line}, column {column}")
# What Python's json module says is wrong; anything else it says stays in English.
JSON_REASONS = frozenset(
    {
        N_("Expecting value"),
        N_("Expecting property name enclosed in double quotes"),
        N_("Expecting ':' delimiter"),
        N_("Expecting ',' delimiter"),
        N_("Unterminated string starting at"),
        N_("Invalid control character at"),
        N_("Invalid \\escape"),
        N_("Invalid \\uXXXX escape"),
        N_("Extra data"),
        N_("Illegal trailing comma before end of object"),
        N_("Illegal trailing comma before end of array"),
    }
)
# A list of names: "'Sessions', 'Purchase'"; each name quoted as the language quotes it.
QUOTED = N_("'{name}'")
LIST_MORE = N_("{items}, {item}")

# Cross-field rules (``FieldProblem.code == "rule"``, ``context["rule"]`` names which). Where
# the screen says it differently (stages by number, keys in words), the second wording.
RULES: dict[str, tuple[str, str]] = {
    "end_before_start": (N_("must be on or after start ({start}), got {end}"),) * 2,
    "period_too_long": (N_("a period may last at most {years} years"),) * 2,
    "cost_both_ways": (
        N_("give either cost_per_unit or cost_per_mille with click_through_rate, not both"),
        N_(
            "give either the cost per unit or the cost per 1,000 impressions with the "
            "click-through rate, not both"
        ),
    ),
    "cost_missing": (
        N_("required (or cost_per_mille with click_through_rate)"),
        N_("required (or the cost per 1,000 impressions with the click-through rate)"),
    ),
    "impression_cost_missing": (N_("required when paying per 1,000 impressions"),) * 2,
    "first_stage_rate": (
        N_("the first stage ('{stage}') has no previous stage, so it takes no rate"),
    )
    * 2,
    "rate_missing": (N_("required: the share of '{before}' that reaches '{stage}'"),) * 2,
    "duplicate_name": (
        N_("'{name}' is already the name of stages[{index}]; stage names must be unique"),
        N_("'{name}' is already the name of stage {number}; stage names must be unique"),
    ),
    "unknown_paid_stage": (N_("'{stage}' is not a stage; use one of {stages}"),) * 2,
    "duplicate_scenario_name": (
        N_("'{name}' is already the name of scenarios[{index}]; scenario names must be unique"),
        N_("'{name}' is already the name of another scenario; scenario names must be unique"),
    ),
    # Rules of a scenario's overrides (planner.scenarios.overrides).
    "override_stage_missing": (N_("required: the name of the stage whose rate changes"),) * 2,
    "override_stage_unused": (N_("only a stage_rate override names a stage"),) * 2,
    "override_unknown_stage": (N_("'{stage}' is not a stage; use one of {stages}"),) * 2,
    "override_no_cost": (N_("the plan has no acquisition cost, so {target} can't be changed"),) * 2,
    "override_cost_other_way": (
        N_("the plan is priced the other way, so it has no {target} to change"),
    )
    * 2,
    "override_nothing_to_scale": (
        N_("the plan has no {target} to change by a share; give an absolute value"),
    )
    * 2,
    # Rules of an input drawn per trial (planner.scenarios.uncertainty and .simulation).
    "range_order": (N_("must be low ≤ likely ≤ high, got {low}, {likely}, {high}"),) * 2,
    "observed_order": (N_("must be at most trials ({trials}), got {successes}"),) * 2,
    "uncertain_stage_missing": (N_("required: the name of the stage whose rate is drawn"),) * 2,
    "uncertain_stage_unused": (N_("only a stage_rate names a stage"),) * 2,
    "uncertain_one_way": (N_("give either range or observed, not both or neither"),) * 2,
    "uncertain_observed_not_rate": (
        N_("only a rate can be given as counts observed; give {target} a range"),
    )
    * 2,
    "uncertain_out_of_bounds": (N_("must be {sign} {low} and ≤ {high} for {target}, got {got}"),)
    * 2,
    "uncertain_unknown_stage": (N_("'{stage}' is not a stage with a rate; use one of {stages}"),)
    * 2,
    "uncertain_first_stage": (
        N_("the first stage ('{stage}') has no previous stage, so it takes no rate"),
    )
    * 2,
    "uncertain_no_cost": (N_("the plan has no acquisition cost, so {target} can't be drawn"),) * 2,
    "uncertain_cost_other_way": (
        N_("the plan is priced the other way, so it has no {target} to draw"),
    )
    * 2,
    "uncertain_duplicate": (N_("this input is already drawn by uncertainty[{index}]"),) * 2,
    # Rules of an A/B test (planner.abtests): its arms, its design, its revenue.
    "conversions_over_visitors": (N_("must be at most visitors ({visitors}), got {conversions}"),)
    * 2,
    "variant_rate_out_of_range": (
        N_("would make the variant's rate {variant_rate}; it must be > {gt} and < {lt}"),
    )
    * 2,
    "sample_too_large": (
        N_("is too small to detect with at most {limit} visitors per arm; choose a larger one"),
    )
    * 2,
    "split_length": (
        N_("must give {expected} shares (control and {variants} variants), got {got}"),
    )
    * 2,
    "split_sum": (N_("must add up to 1, got {got}"),) * 2,
    "split_share_too_small": (
        N_("must give every arm at least one in a million of the visitors, got {got}"),
    )
    * 2,
    "too_many_variants": (N_("must be at most {most} besides control, got {got}"),) * 2,
    "arm_count": (
        N_("must give {low} to {high} arms (control and {fewest} to {most} variants), got {got}"),
    )
    * 2,
    "looks_not_cumulative": (
        N_(
            "look {number} has fewer visitors or conversions than look {index}; "
            "each look counts everything so far"
        ),
    )
    * 2,
    "mean_with_visitors": (N_("must be given exactly when the arm has visitors"),) * 2,
    "variance_with_visitors": (N_("must be given exactly when the arm has two visitors or more"),)
    * 2,
    # Rules of a review's pace colours (planner.review.pacing).
    "thresholds_out_of_order": (
        N_("must satisfy 0 < behind ≤ on_pace ≤ {most}, got behind {behind} and on_pace {on_pace}"),
    )
    * 2,
}

# A store's CSV files (files.csv_text and its readers: visitors, orders, funnel results) and
# workbooks (files.sheets). The readers say which file they read only in their English
# message, not in the context: each wording below is chosen as the one whose English is the
# message, the first (generic) one when none is.
FILE_TOO_LARGE = (
    N_("is {size} bytes; a file may be at most {limit} bytes"),
    N_("is {size} bytes; a visitor file may be at most {limit} bytes"),
    N_("is {size} bytes; an order file may be at most {limit} bytes"),
    N_("is {size} bytes; a funnel file may be at most {limit} bytes"),
    N_("is {size} bytes; a workbook may be at most {limit} bytes"),
)
FILE_EMPTY = (
    N_("is empty: it holds no header and no rows"),
    N_("is empty: it holds no header and no visitors"),
    N_("is empty: it holds no header and no orders"),
)
MULTILINE_FROM_ROW = (
    N_(
        "has a value running over several lines from row {row} (a quote opened and not "
        "closed?); every row must be one line"
    ),
    N_(
        "has a value running over several lines from row {row} (a quote opened and not "
        "closed?); every visitor must be one line"
    ),
)
MULTILINE = (
    N_("has a quoted value running over several lines; every row must be one line"),
    N_("has a quoted value running over several lines; every visitor must be one line"),
)
# A column not found by its header: with the first headers it is looked for under (a missing
# revenue column is no problem: the file then has no revenue), or, for a role the file's
# reader has no headers for, generically. A database's table or query says so.
COLUMN_NOT_FOUND = N_("the file has no {role} column ({synonyms}…); its columns are {columns}")
COLUMN_FOR_ROLE_NOT_FOUND = N_("the file has no column for {role}; its columns are {columns}")
COLUMN_NAMED_NOT_FOUND = N_("the file has no column {given}; its columns are {columns}")
TABLE_COLUMN_NOT_FOUND = N_("the table {table} has no column {given}; its columns are {columns}")
QUERY_COLUMN_NOT_FOUND = N_("the query has no column {given}; its columns are {columns}")
_SYNONYMS_SHOWN = re.compile(r"^the file has no .+? column \((?P<synonyms>.+?)…\); ")
_TABLE_NAMED = re.compile(r"^the table (?P<table>.+?) has no column ")
COLUMNS_AND_MORE = N_("{columns} and {count} more")
COLUMN_AMBIGUOUS = N_("could be any of the columns {columns}; name the one to use")
# A column chosen for two roles: named by the later role, which says the earlier one.
COLUMN_REUSED = N_("is the column {column}, already the {role} column; choose another")
# The roles of the readers' columns, as another language names them; English shows the role
# as the reader names it (``arm``, ``new_customers``, a stage's name), any other language a
# role it doesn't know (a stage's name) quoted.
ROLE_NAMES = {
    "arm": N_("arm"),
    "converted": N_("converted"),
    "revenue": N_("revenue"),
    "date": N_("date"),
    "amount": N_("amount"),
    "customer": N_("customer"),
    "order": N_("order id"),
    "status": N_("status"),
    "channel": N_("channel"),
    "segment": N_("segment"),
    "currency": N_("currency"),
    "orders": N_("orders"),
    "spend": N_("spend"),
    "new_customers": N_("new customers"),
    "new_orders": N_("orders of new customers"),
    "new_customer_revenue": N_("new-customer revenue"),
    "returning_customers": N_("returning customers"),
    "returning_orders": N_("orders of returning customers"),
    "returning_revenue": N_("revenue of returning customers"),
}
TOO_MANY_ARMS = N_(
    "has {count} different arms ({arms}); a test has at most {limit} "
    "(control and {variants} variants)"
)
NO_ARMS_LISTED = N_("none")
# A bad value: "row 7: must be ..., got "maybe"", then how many more rows, and which.
ROW_VALUE = N_("row {row}: {requirement}, got {got}")
ROW_REQUIREMENTS = {
    "arm_missing": N_("must name the arm the visitor saw"),
    "arm_name_invalid": N_(
        "must be an arm name of at most 80 characters, none a control character"
    ),
    "converted_invalid": N_("must be 1 or 0, true or false, yes or no"),
    "revenue_invalid": N_("must be a number like 1234.50"),
    "revenue_missing": N_("must be given for a visitor who converted"),
    "revenue_out_of_range": N_("must be a number from -{limit} to {limit}"),
    # An order log's values (files.orders).
    "amount_invalid": N_("must be an amount like 1234.50"),
    "date_invalid": N_("must be a date like 2027-01-13, 13/01/2027 or 01/13/2027"),
    "date_missing": N_("must hold a date for the order"),
    "amount_missing": N_("must hold an amount for the order"),
    "customer_missing": N_("must hold a customer for the order"),
    # Funnel results' values (files.funnel_actuals).
    "count_invalid": N_("must be a whole number of at least 0, like 1,234"),
    "values_missing": N_("must not be empty in most rows; fill it in, or map no column to it"),
}
# A review's date, the CLI's review columns, a dashboard's stages.
AS_OF_BEFORE_PERIOD = N_("must be on or after the period's start ({start}), got {got}")
COLUMN_PAIR = N_("must be ROLE=HEADER, got {got}")
STAGE_NOT_TRACKED = N_("'{stage}' is not a stage of the funnel actuals; use one of {stages}")
# A workbook that isn't one, or whose sheet isn't there, or whose formulas were never saved.
NOT_WORKBOOK = {
    "ods": N_("is an OpenDocument spreadsheet; save it as .xlsx or CSV"),
    "other": N_("is not an Excel workbook; save it as .xlsx or CSV"),
}
XLSX_FORMULAS = N_(
    "has formulas without saved values in {cells}; open and save the file in Excel, or export CSV"
)
NO_WORKSHEET = N_("the workbook has no worksheet; save the data on a worksheet, or export CSV")
NO_SUCH_SHEET = N_("the workbook has no sheet {given}; its sheets are {sheets}")
# A funnel file's mapping of columns to roles.
MAPPING_ROLE_UNKNOWN = N_("is not a stage, a measure, date or channel; the roles are {roles}")
NO_STAGE_COLUMNS = N_(
    "has no column for a funnel stage ({stages}) nor for revenue; its columns are {columns}; "
    "map at least one"
)
# A store's database: a column of the wrong type (its values unread or missing: by count).
COLUMN_TYPE_INVALID = {
    "date": N_(
        "is a column of type {type}; the date column must hold dates or timestamps "
        "(cast it in a query: CAST({column} AS date))"
    ),
    "amount": N_(
        "is a column of type {type}; the amount column must hold numbers "
        "(cast it in a query: CAST({column} AS numeric))"
    ),
}
DATE_ORDER_MIXED = N_(
    "writes the day first in row {first} and the month first in row {second}; every date of "
    "a file must be written one way"
)
TIMEZONE_UNKNOWN = N_("is {given}, not a time zone; use a name like Asia/Riyadh")

# On screen, with the field's label: "Revenue target is required", "Revenue target must be...",
# and, for a message that is not a predicate, "Stage 3 name: 'Checkout' is already...".
LABEL_REQUIRED = N_("{label} is required")
LABEL_PREDICATE = N_("{label} {problem}")

# --- Benchmark warnings ------------------------------------------------------------------------

RATE_LEAD = {
    "a": N_("A {rate} {label} (from '{from_stage}' to '{to_stage}')"),
    "an": N_("An {rate} {label} (from '{from_stage}' to '{to_stage}')"),
}
REPEAT_LEAD = {
    "a": N_("A {share} repeat-purchase share of your {customers} customers"),
    "an": N_("An {share} repeat-purchase share of your {customers} customers"),
}
RETURN_LADDER = N_(
    "after a first purchase about {first} of customers come back, after a second {second}, "
    "after a third {third}; source: {source}"
)
CAC_OPENING = N_("Each new customer costs about {cost} to win ({explanation})")
CAC_UNIT = N_("{unit_cost} per '{stage}'")
CAC_UNIT_AND_SHARE = N_("{unit_cost} per '{stage}' ÷ {share} of them becoming customers")
CAC_BRINGS = N_("{revenue} this period")
CAC_BRINGS_ORDERS = N_("{revenue} this period ({average_order_value} AOV × {orders} orders)")
WARNINGS = {
    RATE_ABOVE_RANGE: N_(
        "{lead} is above what almost all {population} reach ({typical}; source: {source}). "
        "A plan built on it will likely need more traffic than it shows."
    ),
    RATE_BELOW_RANGE: N_(
        "{lead} is below what most {population} reach ({typical}; source: {source}). "
        "If you measured it, keep it; otherwise check for a misplaced decimal point."
    ),
    REPEAT_ABOVE_RETURNING: N_(
        "{lead} is above what even customers with two purchases reach ({ladder}). "
        "Use the share you have measured for your own base."
    ),
    REPEAT_ABOVE_FIRST_PURCHASE: N_(
        "{lead} is above the {first} of first-time buyers who return; it holds only if most "
        "of the base has already bought twice or more ({ladder})."
    ),
    CAC_ABOVE_REVENUE: N_(
        "{opening} but brings in {brings}: every new customer loses money this period, "
        "and the plan pays off only if they buy again later."
    ),
    CAC_ABOVE_GROSS_PROFIT: N_(
        "{opening} but leaves {profit} of gross profit this period ({revenue} revenue × "
        "{margin} margin): acquisition is paid back only by later orders."
    ),
}
VERDICTS: dict[Verdict, str] = {
    "below": N_("below the range"),
    "within": N_("within"),
    "above": N_("above the range"),
}
# The words of ``planner.benchmarks``' data, as it spells them (tests/i18n checks they match):
# what each benchmark measures, among whom, what the studies report, and who published them.
BENCHMARK_WORDS = frozenset(
    {
        N_("session-to-order rate"),
        N_("add-to-cart rate"),
        N_("cart-to-order rate"),
        N_("visitor-to-lead rate"),
        N_("lead-to-qualified-lead rate"),
        N_("qualified-lead-to-sales-meeting rate"),
        N_("close rate"),
        N_("lead-to-customer rate"),
        N_("opt-in rate"),
        N_("subscriber-to-buyer rate"),
        N_("sales-page conversion rate"),
        N_("stores"),
        N_("lead-generation funnels"),
        N_("B2B sales teams"),
        N_("opt-in pages"),
        N_("course creators"),
        N_("course sales pages"),
        N_("typical 1–3%, average ≈ 1.4–1.9%, top 10% of Shopify stores above 4.7%"),
        N_("typical ≈ 6–7% of sessions; 2–10% for luxury, 5–20% for health & beauty"),
        N_(
            "about 30% of carts become orders: 70.19% are abandoned on average, "
            "single studies 55–83%"
        ),
        N_(
            "whole sites ≈ 1–5%; landing pages more "
            "(Unbounce 2024: 57M conversions from 464M visitors)"
        ),
        N_("typical 15–40%, depending on how strictly a lead is qualified"),
        N_("published MQL-to-SQL figures range from 13% to 60%"),
        N_("typical 15–35% of opportunities close; enterprise deals 10–20%"),
        N_("typical 2–5% of leads become customers"),
        N_("1–5% is often quoted; 15–35% on a dedicated lead-magnet page, warm traffic"),
        N_("≈ 2% of an e-mail list buys a launch; 2–5% is called healthy"),
        N_("typical 1–5%; 8–15% from a warm list or webinar"),
    }
)
SOURCES = frozenset(
    {
        N_(
            "Littledata, Shopify conversion-rate benchmarks (2023 data, ~2,800 stores); "
            "IRP Commerce, e-commerce market data (UK, 2016–2022)"
        ),
        N_(
            "Dynamic Yield, e-commerce benchmarks (12-month global average); "
            "Salesforce, digital commerce benchmarks: add-to-cart rate (2018, ~2,000 sites)"
        ),
        N_("Baymard Institute, Cart Abandonment Rate Statistics (average of ~50 studies)"),
        N_(
            "Unbounce, Conversion Benchmark Report (2024); B2B funnel ranges from HubSpot and "
            "First Page Sage as summarised by secondary sources"
        ),
        N_(
            "B2B funnel ranges from HubSpot and First Page Sage (2017–2022 client data), "
            "as summarised by secondary sources"
        ),
        N_(
            "Teachable, course launch goals calculator (≥ 2% of the list enrols); "
            "creator-marketing benchmarks for opt-in and sales pages"
        ),
        N_(
            "Smile.io repeat-purchase data (2023); a similar ladder in RJMetrics (2014, "
            "176 online retailers) and MineThatData (2021)"
        ),
        N_("Arithmetic on this plan (not a benchmark)"),
    }
)

# --- Infeasible requests -----------------------------------------------------------------------

INFEASIBLE = {
    "budget_without_cost": N_(
        "A budget can't be turned into traffic: the plan has no acquisition cost."
    ),
    "free_traffic": N_("Traffic into '{stage}' costs nothing, so a budget buys no more of it."),
}
HINTS = {
    "add_cost_or_use_traffic": N_(
        "Add what a visitor, lead or customer costs, or project from traffic instead."
    ),
    "raise_cost_or_use_traffic": N_("Enter a cost above 0, or project from traffic instead."),
}

# --- The CLI's own lines ------------------------------------------------------------------------

CLI_INTERRUPTED = N_("interrupted")
CLI_UNEXPECTED = N_("unexpected error ({error}); please report it")
CLI_MORE_PROBLEMS = N_("{count} more problems not shown; fix the ones above first")
CLI_OUTPUT_CLOSED = N_("standard output is closed")
CLI_CANT_WRITE = N_("can't be written: {reason}")

# --- Wording ------------------------------------------------------------------------------------

_FORMATTER = string.Formatter()
_ARABIC_INDIC = str.maketrans("0123456789,.%", "٠١٢٣٤٥٦٧٨٩٬٫٪")
# A number in running text (a year, "1.4–1.9%", "2,800"), not a digit inside a name ("B2B").
_NUMBER_IN_TEXT = re.compile(r"(?<![A-Za-z0-9])\d+(?:[.,]\d+)*%?(?![A-Za-z0-9])")


@dataclass(frozen=True)
class _Reader:
    """Who the words are for: their language and digits, and where they read them."""

    formats: Formats
    screen: bool = False  # the page: stages by number, plan-file keys in words
    percent: bool = False  # a rate shown in percent on screen

    def t(self, text: str, /, **params: Any) -> str:
        return translate(self.formats.language, text, **params)

    def t_plural(self, singular: str, plural: str, number: int, /, **params: Any) -> str:
        """The form ``number`` takes in the reader's language (Arabic has six), filled in.

        ``number`` only chooses the form; the values shown (a ``count`` among them, in the
        reader's digits) are ``params``.
        """
        form = translations(self.formats.language).ngettext(singular, plural, number)
        return form.format(**params)

    def digits(self, text: str) -> str:
        """Latin digits as the reader writes them (``1,234.5`` → ``١٬٢٣٤٫٥``)."""
        return text.translate(_ARABIC_INDIC) if self.formats.digits == "arab" else text

    def prose(self, text: str) -> str:
        """The numbers in running text in the reader's digits, names left alone."""
        if self.formats.digits != "arab":
            return text
        return _NUMBER_IN_TEXT.sub(lambda found: self.digits(found.group()), text)

    def in_prose(self, text: str, /, **params: Any) -> str:
        """``text`` translated, its own numbers in the reader's digits, then filled in.

        The values filled in (a stage called "Step 2") are left as they are.
        """
        translated = self.prose(translate(self.formats.language, text))
        return translated.format(**params) if params else translated

    def number(self, value: float) -> str:
        """As the planner shows a number (``1,000,000,000,000``, ``1.2``, ``1e-9``)."""
        text = format_number(value)
        return text if "e" in text or "n" in text else self.digits(text)

    def plain(self, value: Any) -> str:
        """A value as it is (a year, a line number, text already shown), in the reader's digits."""
        if isinstance(value, int) and not isinstance(value, bool):
            return self.digits(str(value))
        return str(value)

    def grouped(self, value: int) -> str:
        return self.digits(f"{value:,}")

    def percent_of(self, fraction: float) -> str:
        return self.formats.percent(fraction)

    def money(self, amount: float, currency: str) -> str:
        return self.formats.money(amount, currency, cents=True)

    def quoted_list(self, names: Sequence[str]) -> str:
        quoted = [self.t(QUOTED, name=name) for name in names]
        return reduce(lambda items, item: self.t(LIST_MORE, items=items, item=item), quoted)

    def listed(self, items: Sequence[str]) -> str:
        """Items already shown (``"A", "B"``, row numbers), listed as the language lists them."""
        if not items:
            return ""
        return reduce(lambda shown, item: self.t(LIST_MORE, items=shown, item=item), items)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _out_of_range(reader: _Reader, context: Mapping[str, Any]) -> str | None:
    named = QUANTITIES.get(str(context.get("quantity")))
    if named is not None:
        quantity = reader.t(named, stage=context.get("stage", ""))
        template = TOO_LARGE_BUYS if context.get("verb") == "buys" else TOO_LARGE_NEEDS
        return reader.t(template, quantity=quantity)
    got = context.get("got")
    if not isinstance(got, int | float) or isinstance(got, bool):
        return None
    share = "index" in context  # one arm's share of an A/B test's traffic split
    if not math.isfinite(got) and not share:
        return reader.t(MUST_BE_FINITE, got=reader.number(got))

    def bound(value: float) -> str:
        if reader.percent:
            return reader.number(float(value) * 100) + reader.digits("%")
        return reader.number(value)

    if context.get("minimum") is not None:
        return reader.t(MUST_BE_AT_LEAST, minimum=bound(context["minimum"]), got=bound(got))
    words = _PERCENT_BOUNDS if reader.percent else _BOUNDS
    parts = [
        reader.t(words[name], bound=bound(context[name]))
        for name in ("gt", "ge", "lt", "le")
        if _is_number(context.get(name))
    ]
    if not parts:
        return None
    rule = reduce(lambda first, second: reader.t(BOTH_BOUNDS, first=first, second=second), parts)
    return reader.t(SHARE_IN_RANGE if share else MUST_BE_IN_RANGE, rule=rule, got=bound(got))


# The numbers of a rule's message, shown as the planner shows them (``10,000``, ``0.055``),
# and the values its message says that follow from the others.
_RULE_NUMBERS: dict[str, tuple[str, ...]] = {
    "conversions_over_visitors": ("visitors", "conversions"),
    "variant_rate_out_of_range": ("variant_rate", "gt", "lt"),
    "sample_too_large": ("limit",),
    "split_length": ("expected", "variants", "got"),
    "split_sum": ("got",),
    "split_share_too_small": ("got",),
    "too_many_variants": ("most", "got"),
    "arm_count": ("low", "high", "fewest", "most", "got"),
    "thresholds_out_of_order": ("behind", "on_pace", "most"),
}
_RULE_DERIVED: dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
    "split_length": lambda params: {"variants": params["expected"] - 1},
    "arm_count": lambda params: {"fewest": params["low"] - 1, "most": params["high"] - 1},
}


def _rule(reader: _Reader, context: Mapping[str, Any]) -> str | None:
    rule = str(context.get("rule"))
    wordings = RULES.get(rule)
    if wordings is None:
        return None
    template = wordings[1] if reader.screen else wordings[0]
    params = _rule_params(reader, rule, context)
    if not placeholders(template) <= params.keys():
        return None
    return reader.t(template, **params)


def _rule_params(reader: _Reader, rule: str, context: Mapping[str, Any]) -> dict[str, Any]:
    """A rule's values as its message shows them."""
    params = {key: value for key, value in context.items() if key != "rule"}
    params |= _RULE_DERIVED[rule](params) if rule in _RULE_DERIVED else {}
    for name in _RULE_NUMBERS.get(rule, ()):
        params[name] = reader.number(params[name])
    if "stages" in params:
        params["stages"] = reader.quoted_list(params["stages"])
    if "index" in params:
        params["number"] = reader.plain(params["index"] + 1)
        params["index"] = reader.plain(params["index"])
    if "years" in params:
        params["years"] = reader.plain(params["years"])
    for date_text in ("start", "end"):
        if date_text in params:
            params[date_text] = reader.digits(str(params[date_text]))
    return params


def _wrong_type(reader: _Reader, code: str, context: Mapping[str, Any]) -> str | None:
    if "got" not in context:
        return None
    if code in WHOLE_NUMBER_TYPES:
        kind = "whole_number"
    elif code in NUMBER_TYPES:
        kind = "number"
    elif is_date_type(code):
        kind = "date"
    elif code == "string_type":
        kind = "text"
    elif code in LIST_TYPES:
        kind = "list"
    elif code in OBJECT_TYPES:
        kind = "object"
    else:
        return None
    return reader.t(_WRONG_TYPE[kind], got=context["got"])


def placeholders(template: str) -> set[str]:
    """The names a message fills in: ``"must be {rule}, got {got}"`` → ``{"rule", "got"}``."""
    return {name for _text, name, _spec, _conversion in _FORMATTER.parse(template) if name}


def _simple(reader: _Reader, code: str, context: Mapping[str, Any]) -> str | None:
    template = _SIMPLE[code]
    if not placeholders(template) <= context.keys():  # made without what its message needs
        return None
    params = {key: reader.plain(value) for key, value in context.items()}
    for name in _GROUPED.get(code, ()):
        if _is_number(context.get(name)):
            params[name] = reader.grouped(context[name])
    return reader.t(template, **params)


# --- A/B tests' numbers, and a per-visitor CSV file ----------------------------------------------


def _finite_number(reader: _Reader, context: Mapping[str, Any]) -> str | None:
    """One value (pydantic's, a sum's), or the first of a list of values that isn't finite."""
    if "index" in context and _is_number(context.get("got")):
        got, index = reader.number(context["got"]), reader.grouped(context["index"])
        return reader.t(FINITE_VALUES, got=got, index=index)
    return _simple(reader, "finite_number", context)


def _sums_inconsistent(reader: _Reader, context: Mapping[str, Any]) -> str | None:
    return reader.t(
        SUMS_INCONSISTENT,
        least=reader.number(context["least"]),
        n=reader.grouped(context["n"]),
        total=reader.number(context["total"]),
        got=reader.number(context["got"]),
    )


def _not_utf8(reader: _Reader, context: Mapping[str, Any]) -> str | None:
    if not context.get("byte"):  # the file's bytes are not UTF-8, but Python found no bad one
        return reader.t(NOT_UTF8_SHORT)
    return _simple(reader, "not_utf8", context)


def _not_csv(reader: _Reader, context: Mapping[str, Any]) -> str | None:
    kind = context.get("kind")
    if kind == "binary":
        return reader.t(NOT_CSV_BINARY)
    return None if kind is None else reader.t(NOT_CSV, kind=kind)


def _worded_as(reader: _Reader, message: str, wordings: Sequence[Callable[[_Reader], str]]) -> str:
    """The wording whose English is ``message``, in the reader's language; else the first.

    For a reader that says which file it read only in its English message.
    """
    english = _Reader(ENGLISH, screen=reader.screen, percent=reader.percent)
    chosen = next((worded for worded in wordings if worded(english) == message), wordings[0])
    return chosen(reader)


def _file_too_large(reader: _Reader, context: Mapping[str, Any], message: str) -> str | None:
    size, limit = context["size"], context["limit"]

    def worded(template: str) -> Callable[[_Reader], str]:
        return lambda anyone: anyone.t(
            template, size=anyone.grouped(size), limit=anyone.grouped(limit)
        )

    return _worded_as(reader, message, [worded(template) for template in FILE_TOO_LARGE])


def _file_empty(reader: _Reader, _context: Mapping[str, Any], message: str) -> str | None:
    wordings = [(lambda anyone, template=template: anyone.t(template)) for template in FILE_EMPTY]
    return _worded_as(reader, message, wordings)


def _multiline(reader: _Reader, context: Mapping[str, Any], message: str) -> str | None:
    row = context.get("row")
    if row is None:
        templates = [
            (lambda anyone, template=template: anyone.t(template)) for template in MULTILINE
        ]
    else:
        templates = [
            (lambda anyone, template=template: anyone.t(template, row=anyone.grouped(row)))
            for template in MULTILINE_FROM_ROW
        ]
    return _worded_as(reader, message, templates)


def _rows_listed(reader: _Reader, rows: Sequence[int], more: bool) -> str:
    """``rows 4, 5, 9…``, ``row 4``: the rows shown, with an ellipsis when there are more."""
    shown = reader.listed([reader.grouped(row) for row in rows]) + ("…" if more else "")
    return reader.t_plural("row {rows}", "rows {rows}", len(rows), rows=shown)


def _row_columns(reader: _Reader, context: Mapping[str, Any]) -> str | None:
    """Rows with more or fewer fields than the header: how many, and the first ones."""
    rows, count = context["rows"], context["count"]
    if not rows:
        return None
    return reader.t_plural(
        "has {count} row without the header's {expected} fields ({listed}); "
        "every row needs one field per column",
        "has {count} rows without the header's {expected} fields ({listed}); "
        "every row needs one field per column",
        count,
        count=reader.grouped(count),
        expected=reader.plain(context["expected"]),
        listed=_rows_listed(reader, rows, count > len(rows)),
    )


def _date_order_mixed(reader: _Reader, context: Mapping[str, Any]) -> str | None:
    rows = context.get("rows")
    if not rows or len(rows) < 2:
        return None
    first, second = (reader.grouped(row) for row in rows[:2])
    return reader.t(DATE_ORDER_MIXED, first=first, second=second)


def _bad_values(code: str, reader: _Reader, context: Mapping[str, Any]) -> str | None:
    """``row 7: must be …, got "maybe"; 41 more rows like it (rows 9, 12…)``."""
    rows, count = context["rows"], context["count"]
    requirement = reader.t(ROW_REQUIREMENTS[code], limit=reader.number(MAX_MONEY))
    first = reader.t(
        ROW_VALUE, row=reader.grouped(context["row"]), requirement=requirement, got=context["got"]
    )
    if count <= 1:
        return first
    return reader.t_plural(
        "{problem}; {count} more row like it ({listed})",
        "{problem}; {count} more rows like it ({listed})",
        count - 1,
        problem=first,
        count=reader.grouped(count - 1),
        listed=_rows_listed(reader, rows[1:], count > len(rows)),
    )


def _columns_found(reader: _Reader, context: Mapping[str, Any]) -> str:
    """The file's headers as shown, and how many more it has."""
    found = context["found"]
    columns = reader.listed(found)
    if context["count"] > len(found):
        more = reader.grouped(context["count"] - len(found))
        return reader.t(COLUMNS_AND_MORE, columns=columns, count=more)
    return columns


def _role_name(reader: _Reader, role: str) -> str:
    """A column's role: as the reader names it in English, in words (or quoted) otherwise."""
    if reader.formats.language == ENGLISH.language:
        return role
    named = ROLE_NAMES.get(role)
    return reader.t(named) if named is not None else reader.t(QUOTED, name=role)


def _column_missing(reader: _Reader, context: Mapping[str, Any], message: str) -> str | None:
    """A column not found: by the header given (in a file, a table or a query), else by role."""
    given = context.get("given")
    named: list[tuple[str, dict[str, Any]]]
    if given is not None:
        table = _TABLE_NAMED.match(message)
        named = [
            (COLUMN_NAMED_NOT_FOUND, {"given": show_text(given)}),
            (QUERY_COLUMN_NOT_FOUND, {"given": repr(given)}),
            (TABLE_COLUMN_NOT_FOUND, {"given": repr(given), "table": table and table["table"]}),
        ]
    else:
        shown = _SYNONYMS_SHOWN.match(message)
        named = [
            (COLUMN_FOR_ROLE_NOT_FOUND, {}),
            (COLUMN_NOT_FOUND, {"synonyms": shown and shown["synonyms"]}),
        ]

    def worded(template: str, params: dict[str, Any]) -> Callable[[_Reader], str]:
        return lambda anyone: anyone.t(
            template,
            **params,
            role=_role_name(anyone, str(context["role"])),
            columns=_columns_found(anyone, context),
        )

    return _worded_as(reader, message, [worded(template, params) for template, params in named])


def _column_ambiguous(reader: _Reader, context: Mapping[str, Any]) -> str | None:
    return reader.t(COLUMN_AMBIGUOUS, columns=reader.listed(context["columns"]))


def _column_reused(reader: _Reader, context: Mapping[str, Any]) -> str | None:
    role = _role_name(reader, str(context["other"]))
    return reader.t(COLUMN_REUSED, column=context["column"], role=role)


def _timezone_unknown(reader: _Reader, context: Mapping[str, Any], message: str) -> str | None:
    """A time zone not known: shown as the file readers show text, or as the database's does."""
    if "given" not in context:
        return None
    given = str(context["given"])
    return _worded_as(
        reader,
        message,
        [
            lambda anyone: anyone.t(TIMEZONE_UNKNOWN, given=show_text(given)),
            lambda anyone: anyone.t(TIMEZONE_UNKNOWN, given=repr(given)),
        ],
    )


def _values_missing(reader: _Reader, context: Mapping[str, Any]) -> str | None:
    """Empty in most of a funnel file's rows (by row), or in a database's orders (a count)."""
    if "rows" in context:
        return _bad_values("values_missing", reader, context)
    count = context["count"]
    return reader.t_plural(
        "is empty for {count} order; fill in the {role} of every order",
        "is empty for {count} orders; fill in the {role} of every order",
        count,
        count=reader.grouped(count),
        role=_role_name(reader, context["role"]),
    )


def _values_invalid(reader: _Reader, context: Mapping[str, Any]) -> str | None:
    """A database's dates or amounts that can't be read: how many, and one of them."""
    count, role = context["count"], context["role"]
    params = {"count": reader.grouped(count), "got": context["got"]}
    if role == "date":
        return reader.t_plural(
            "holds a value that isn't dates like 2027-01-13 or 2027-01-13 10:15:00, such as {got}",
            "holds {count} values that aren't dates like 2027-01-13 or 2027-01-13 10:15:00, "
            "such as {got}",
            count,
            **params,
        )
    if role == "amount":
        return reader.t_plural(
            "holds a value that isn't amounts (numbers), such as {got}",
            "holds {count} values that aren't amounts (numbers), such as {got}",
            count,
            **params,
        )
    return None


def _column_type_invalid(reader: _Reader, context: Mapping[str, Any]) -> str | None:
    template = COLUMN_TYPE_INVALID.get(context["role"])
    if template is None:
        return None
    return reader.t(template, type=context["type"], column=context["column"])


def _currency_mixed(reader: _Reader, context: Mapping[str, Any]) -> str | None:
    count, currencies = context["count"], context["currencies"]
    listed = reader.listed(currencies) + ("…" if count > len(currencies) else "")
    return reader.t_plural(
        "holds {count} currency ({currencies}); amounts in different currencies can't be "
        "added up: export the orders of one currency at a time",
        "holds {count} currencies ({currencies}); amounts in different currencies can't be "
        "added up: export the orders of one currency at a time",
        count,
        count=reader.grouped(count),
        currencies=listed,
    )


def _as_of_before_period(reader: _Reader, context: Mapping[str, Any]) -> str | None:
    return reader.t(
        AS_OF_BEFORE_PERIOD,
        start=reader.digits(str(context["start"])),
        got=reader.digits(str(context["got"])),
    )


def _column_pair(reader: _Reader, context: Mapping[str, Any]) -> str | None:
    return reader.t(COLUMN_PAIR, got=repr(context["got"]))


def _too_many_periods(reader: _Reader, context: Mapping[str, Any]) -> str | None:
    got = context["got"]
    return reader.t_plural(
        "holds {got} period; a dashboard shows at most {limit}: choose a shorter range or a "
        "coarser granularity",
        "holds {got} periods; a dashboard shows at most {limit}: choose a shorter range or a "
        "coarser granularity",
        got,
        got=reader.grouped(got),
        limit=reader.grouped(context["limit"]),
    )


def _stage_not_tracked(reader: _Reader, context: Mapping[str, Any]) -> str | None:
    return reader.t(
        STAGE_NOT_TRACKED, stage=context["stage"], stages=reader.quoted_list(context["stages"])
    )


def _not_workbook(reader: _Reader, context: Mapping[str, Any]) -> str | None:
    return reader.t(NOT_WORKBOOK["ods" if context.get("kind") == "ods" else "other"])


def _xlsx_formulas(reader: _Reader, context: Mapping[str, Any]) -> str | None:
    cells = context["cells"]
    listed = reader.listed(cells) + ("…" if context["count"] > len(cells) else "")
    return reader.t(XLSX_FORMULAS, cells=listed)


def _sheet_missing(reader: _Reader, context: Mapping[str, Any]) -> str | None:
    given, sheets = context["given"], context["sheets"]
    if given is None:
        return reader.t(NO_WORKSHEET)
    listed = reader.listed(sheets) + ("…" if context["count"] > len(sheets) else "")
    return reader.t(NO_SUCH_SHEET, given=show_text(given), sheets=listed)


def _mapping_role_unknown(reader: _Reader, context: Mapping[str, Any]) -> str | None:
    return reader.t(MAPPING_ROLE_UNKNOWN, roles=reader.listed(context["roles"]))


def _no_stage_columns(reader: _Reader, context: Mapping[str, Any]) -> str | None:
    stages = reader.listed(context["stages"]) or reader.t(NO_ARMS_LISTED)
    return reader.t(NO_STAGE_COLUMNS, stages=stages, columns=reader.listed(context["found"]))


def _arms_listed(reader: _Reader, context: Mapping[str, Any]) -> str:
    arms = context["arms"]
    return reader.listed(arms) + ("…" if context["count"] > len(arms) else "")


def _too_many_arms(reader: _Reader, context: Mapping[str, Any]) -> str | None:
    limit = context["limit"]
    return reader.t(
        TOO_MANY_ARMS,
        count=reader.grouped(context["count"]),
        arms=_arms_listed(reader, context),
        limit=reader.plain(limit),
        variants=reader.plain(limit - 1),
    )


def _too_few_arms(reader: _Reader, context: Mapping[str, Any]) -> str | None:
    count = context["count"]
    return reader.t_plural(
        "has {count} arm ({arms}); a test needs control and at least one variant",
        "has {count} arms ({arms}); a test needs control and at least one variant",
        count,
        count=reader.plain(count),
        arms=_arms_listed(reader, context) or reader.t(NO_ARMS_LISTED),
    )


def _json(reader: _Reader, context: Mapping[str, Any]) -> str | None:
    reason = str(context.get("reason", ""))
    if "line" not in context or "column" not in context:
        return None
    shown = reader.t(reason) if reason in JSON_REASONS else reason
    line, column = reader.plain(context["line"]), reader.plain(context["column"])
    return reader.t(NOT_JSON, reason=shown, line=line, column=column)


def _number_too(reader: _Reader, code: str, context: Mapping[str, Any]) -> str | None:
    too = code.removeprefix("number_too_")
    if "digits" in context:
        return reader.t(NUMBER_TOO[too, True], digits=reader.grouped(context["digits"]))
    if "got" in context:
        return reader.t(NUMBER_TOO[too, False], got=context["got"])
    return None


def _unknown_field(reader: _Reader, context: Mapping[str, Any]) -> str | None:
    if "suggestion" in context:
        return reader.t(UNKNOWN_FIELD_SUGGESTION, suggestion=context["suggestion"])
    if "known" in context:
        known = reduce(
            lambda items, item: reader.t(LIST_MORE, items=items, item=item), context["known"]
        )
        return reader.t(UNKNOWN_FIELD_KNOWN, known=known)
    return None


def _string_too_long(reader: _Reader, context: Mapping[str, Any]) -> str | None:
    if "length" not in context or "max_length" not in context:
        return None
    return reader.t(
        STRING_TOO_LONG,
        max_length=reader.plain(context["max_length"]),
        length=reader.grouped(context["length"]),
    )


def _list_too_long(reader: _Reader, context: Mapping[str, Any]) -> str | None:
    if context.get("length") is None or context.get("max_length") is None:
        return None
    return reader.t(
        LIST_TOO_LONG,
        max_length=reader.plain(context["max_length"]),
        length=reader.grouped(context["length"]),
    )


_Renderer = Callable[[_Reader, Mapping[str, Any]], "str | None"]
_BY_CODE: dict[str, _Renderer] = {
    REQUIRED: lambda reader, _context: reader.t(REQUIRED_MESSAGE),
    OUT_OF_RANGE: _out_of_range,
    RULE: _rule,
    "json": _json,
    "number_too_large": lambda reader, context: _number_too(reader, "number_too_large", context),
    "number_too_small": lambda reader, context: _number_too(reader, "number_too_small", context),
    "extra_forbidden": _unknown_field,
    "string_too_long": _string_too_long,
    "too_long": _list_too_long,
    "finite_number": _finite_number,
    "sums_inconsistent": _sums_inconsistent,
    "not_utf8": _not_utf8,
    "not_csv": _not_csv,
    "row_columns": _row_columns,
    "column_ambiguous": _column_ambiguous,
    "column_reused": _column_reused,
    "too_many_arms": _too_many_arms,
    "too_few_arms": _too_few_arms,
    **{code: partial(_bad_values, code) for code in ROW_REQUIREMENTS},
    "date_order_mixed": _date_order_mixed,
    "values_missing": _values_missing,
    "values_invalid": _values_invalid,
    "column_type_invalid": _column_type_invalid,
    "currency_mixed": _currency_mixed,
    "as_of_before_period": _as_of_before_period,
    "column_pair": _column_pair,
    "too_many_periods": _too_many_periods,
    "stage_not_tracked": _stage_not_tracked,
    "xlsx_not_workbook": _not_workbook,
    "xlsx_formulas": _xlsx_formulas,
    "sheet_missing": _sheet_missing,
    "mapping_role_unknown": _mapping_role_unknown,
    "no_stage_columns": _no_stage_columns,
}
# Codes whose wording also depends on the English message (see ``_worded_as``).
_BY_MESSAGE: dict[str, Callable[[_Reader, Mapping[str, Any], str], str | None]] = {
    "file_too_large": _file_too_large,
    "file_empty": _file_empty,
    "multiline_value": _multiline,
    "column_missing": _column_missing,
    "timezone_unknown": _timezone_unknown,
}

PYDANTIC_CODES = frozenset(
    {
        "missing",
        "extra_forbidden",
        "finite_number",
        "literal_error",
        "string_type",
        "string_too_long",
        "too_long",
        *NUMBER_TYPES,
        *WHOLE_NUMBER_TYPES,
        *LIST_TYPES,
        *OBJECT_TYPES,
        *DATE_TYPES,
    }
)
"""Pydantic's error types the planner words itself."""

PROBLEM_CODES = frozenset({*_BY_CODE, *_BY_MESSAGE, *_SIMPLE, *PYDANTIC_CODES})
"""Every ``FieldProblem.code`` worded here (a ``rule`` problem by ``RULES``)."""


def _message(reader: _Reader, problem: FieldProblem) -> str:
    code, context = problem.code, problem.context
    renderer = _BY_CODE.get(code)
    by_message = _BY_MESSAGE.get(code)
    try:
        if by_message is not None:
            worded = by_message(reader, context, problem.message)
        elif renderer is not None:
            worded = renderer(reader, context)
        elif code in _SIMPLE:
            worded = _simple(reader, code, context)
        else:
            worded = _wrong_type(reader, code, context)
    except (KeyError, IndexError, TypeError, ValueError):  # parameters not as the code says
        worded = None
    return problem.message if worded is None else printable(worded)


def problem_message(
    problem: FieldProblem, formats: Formats = ENGLISH, *, screen: bool = False
) -> str:
    """The problem in ``formats``' language, as it follows the field's name.

    ``must be > 0 and ≤ 1, got 1.2``; with ``screen``, as the page says it (``stage 3`` for
    ``stages[2]``, "the cost per unit" for ``cost_per_unit``).
    """
    return _message(_Reader(formats, screen=screen), problem)


def problem_line(problem: FieldProblem, formats: Formats = ENGLISH) -> str:
    """The CLI's line: ``stages[2].conversion_rate: must be > 0 and ≤ 1, got 1.2``."""
    return printable(f"{problem.field}: {problem_message(problem, formats)}")


def describe_problem(
    problem: FieldProblem, label: str, formats: Formats = ENGLISH, *, percent: bool = False
) -> str:
    """The problem beside a field labelled ``label`` on screen, in ``formats``' language.

    ``Revenue target is required``; ``Conversion from 'X' to 'Y' must be above 0% and at most
    100%, got 120%`` (``percent``: the field takes a rate in percent); a message that is not
    a predicate follows a colon (``Stage 3 name: 'Checkout' is already the name of stage 2``).
    """
    reader = _Reader(formats, screen=True, percent=percent)
    english = _message(_Reader(ENGLISH, screen=True, percent=percent), problem)
    if english.startswith("required"):
        return reader.t(LABEL_REQUIRED, label=label)
    message = _message(reader, problem)
    if english.startswith(("must ", "is ")):
        return reader.t(LABEL_PREDICATE, label=label, problem=message)
    return f"{label}: {message}"


# --- Benchmark warnings --------------------------------------------------------------------------


def _article(percent: str) -> str:
    """The English article for a spoken percentage: 'an 8%', 'an 11%', 'an 18%', 'a 9%'."""
    whole = percent.split(".")[0].rstrip("%")
    return "an" if whole.startswith("8") or whole in {"11", "18"} else "a"


def benchmark_label(benchmark: BenchmarkRange, formats: Formats = ENGLISH) -> str:
    """What a benchmark measures: "session-to-order rate"."""
    return translate(formats.language, benchmark.label)


def benchmark_population(benchmark: BenchmarkRange, formats: Formats = ENGLISH) -> str:
    """Whom its figures describe: "stores"."""
    return translate(formats.language, benchmark.population)


def benchmark_typical(benchmark: BenchmarkRange, formats: Formats = ENGLISH) -> str:
    """What the studies report: "typical 1–3%, average ≈ 1.4–1.9%, ..."."""
    return _Reader(formats).prose(translate(formats.language, benchmark.typical_text))


def source_line(source: str, formats: Formats = ENGLISH) -> str:
    """A source line, publishers' and reports' names as they are, the rest in the language."""
    return _Reader(formats).prose(translate(formats.language, source))


def benchmark_source(benchmark: BenchmarkRange, formats: Formats = ENGLISH) -> str:
    """Who published a benchmark's figures."""
    return source_line(benchmark.source, formats)


def verdict_text(verdict: Verdict, formats: Formats = ENGLISH) -> str:
    """The verdict on a plan's rate: "below the range", "within", "above the range"."""
    return translate(formats.language, VERDICTS[verdict])


def warning_source(warning: BenchmarkWarning, formats: Formats = ENGLISH) -> str:
    """Where a warning's figures come from (``Source: ...`` on the page)."""
    return source_line(warning.source, formats)


def _rate_warning(reader: _Reader, warning: BenchmarkWarning) -> str:
    params = warning.params
    benchmark = BENCHMARKS_BY_KEY[params["benchmark"]]
    lead = reader.t(
        RATE_LEAD[_article(format_percent(params["rate"]))],
        rate=reader.percent_of(params["rate"]),
        label=benchmark_label(benchmark, reader.formats),
        from_stage=params["from_stage"],
        to_stage=params["to_stage"],
    )
    return reader.t(
        WARNINGS[warning.code],
        lead=lead,
        population=benchmark_population(benchmark, reader.formats),
        typical=benchmark_typical(benchmark, reader.formats),
        source=warning_source(warning, reader.formats),
    )


def _repeat_warning(reader: _Reader, warning: BenchmarkWarning) -> str:
    params = warning.params
    first = reader.percent_of(params["first"])
    ladder = reader.t(
        RETURN_LADDER,
        first=first,
        second=reader.percent_of(params["second"]),
        third=reader.percent_of(params["third"]),
        source=warning_source(warning, reader.formats),
    )
    lead = reader.t(
        REPEAT_LEAD[_article(format_percent(params["share"]))],
        share=reader.percent_of(params["share"]),
        customers=reader.grouped(params["customers"]),
    )
    return reader.t(WARNINGS[warning.code], lead=lead, first=first, ladder=ladder)


def _acquisition_warning(reader: _Reader, warning: BenchmarkWarning) -> str:
    params = warning.params
    currency = params["currency"]
    unit_cost, stage = reader.money(params["unit_cost"], currency), params["stage"]
    if params.get("to_customer") is None:
        explanation = reader.t(CAC_UNIT, unit_cost=unit_cost, stage=stage)
    else:
        share = reader.percent_of(params["to_customer"])
        explanation = reader.t(CAC_UNIT_AND_SHARE, unit_cost=unit_cost, stage=stage, share=share)
    opening = reader.t(
        CAC_OPENING, cost=reader.money(params["cost"], currency), explanation=explanation
    )
    revenue = reader.money(params["revenue"], currency)
    if warning.code == CAC_ABOVE_GROSS_PROFIT:
        return reader.t(
            WARNINGS[warning.code],
            opening=opening,
            profit=reader.money(params["profit"], currency),
            revenue=revenue,
            margin=reader.percent_of(params["margin"]),
        )
    orders = params["orders_per_customer"]
    if orders == 1:
        brings = reader.t(CAC_BRINGS, revenue=revenue)
    else:
        brings = reader.t(
            CAC_BRINGS_ORDERS,
            revenue=revenue,
            average_order_value=reader.money(params["average_order_value"], currency),
            orders=reader.digits(f"{orders:g}"),
        )
    return reader.t(WARNINGS[warning.code], opening=opening, brings=brings)


_WARNING_RENDERERS: dict[str, Callable[[_Reader, BenchmarkWarning], str]] = {
    RATE_ABOVE_RANGE: _rate_warning,
    RATE_BELOW_RANGE: _rate_warning,
    REPEAT_ABOVE_RETURNING: _repeat_warning,
    REPEAT_ABOVE_FIRST_PURCHASE: _repeat_warning,
    CAC_ABOVE_REVENUE: _acquisition_warning,
    CAC_ABOVE_GROSS_PROFIT: _acquisition_warning,
}


def warning_message(warning: BenchmarkWarning, formats: Formats = ENGLISH) -> str:
    """A benchmark warning in ``formats``' language, its figures formatted for the reader."""
    return _WARNING_RENDERERS[warning.code](_Reader(formats), warning)


# --- Infeasible requests -------------------------------------------------------------------------


def infeasible_message(error: PlannerError, formats: Formats = ENGLISH) -> str:
    """What can't be answered: "A budget can't be turned into traffic: ..."."""
    template = INFEASIBLE.get(error.code)
    if template is None:
        return str(error)
    return _Reader(formats).in_prose(template, **error.params)


def infeasible_hint(error: PlannerError, formats: Formats = ENGLISH) -> str:
    """What to change: "Add what a visitor, lead or customer costs, ..."."""
    template = HINTS.get(error.hint_code)
    if template is None:
        return error.hint
    return _Reader(formats).in_prose(template, **error.params)


def infeasible_text(error: PlannerError, formats: Formats = ENGLISH) -> str:
    """The problem, then the hint, as one line."""
    return f"{infeasible_message(error, formats)} {infeasible_hint(error, formats)}"
