"""The plan's files: the workbook, the CSV tables and the share link.

Each module turns a plan (and what the planner worked out from it) into bytes or text for
another program to open, or reads such text back into a plan. Every text a user typed
passes through ``files.cells.neutralise`` on its way out, so no spreadsheet ever runs it.
"""
