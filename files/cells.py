"""Text bound for a spreadsheet cell, made inert.

A spreadsheet reads a cell or CSV field that begins with ``=``, ``+``, ``-`` or ``@`` as a
formula, and some also after a leading tab or carriage return; a plan name such as
``=HYPERLINK("http://x","y")`` would become a live link, or worse, in the reader's
spreadsheet. Following the OWASP guidance on CSV injection, such text gets a leading
apostrophe, which every spreadsheet shows as text and never evaluates.

Only the OWASP list is escaped. Text that merely contains one of these characters later
(``" =1"``, ``"a=b"``) is not a formula in Excel, LibreOffice or Google Sheets, and a
full-width ``＝`` (U+FF1D) is not an operator to any of them, so both stay as typed: escaping
more would alter names people really use (``-20% sale`` does get its apostrophe, as OWASP
asks). Numbers never pass through here; a number in a cell is a number.
"""

from __future__ import annotations

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula (OWASP)."""

QUOTE = "'"


def neutralise(text: str) -> str:
    """``text``, with an apostrophe in front when a spreadsheet would run it as a formula."""
    return QUOTE + text if text.startswith(FORMULA_TRIGGERS) else text
