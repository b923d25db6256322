"""The dashboard's tables as CSV files and Excel workbooks: the same cells the page shows, suppression included.

CSV: UTF-8 with a byte-order mark (so Excel opens it as UTF-8), the column headings, then one line per row;
numbers as plain numbers, rates as percentages to one decimal place, months as yyyy-mm. Text that a spreadsheet
would run as a formula (a place as someone wrote it) is made safe by core.spreadsheets in both formats.
Excel: one sheet per table (the whole dashboard) or one sheet (a table), after an "About" sheet saying whose
figures they are, for which period and filters, and what [c] and [z] mean.
"""

import csv
import datetime as dt
import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from analytics.filters import Filters, Scope
from analytics.tables import NOT_APPLICABLE, SUPPRESSED, Table, spec_text, threshold
from core.spreadsheets import safe_cell

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
BOLD = Font(bold=True)


def _csv_value(value: object) -> object:
    if isinstance(value, dt.date):
        return f"{value:%Y-%m}"
    return safe_cell(value)


def table_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(label) for label in table.header()])
    for row in table.cells():
        writer.writerow([_csv_value(cell.value) for cell in row])
    return out.getvalue().encode("utf-8-sig")


def about_lines(scope: Scope, filters: Filters) -> list[tuple[str, str]]:
    limit = threshold()
    lines = [
        ("Figures for", scope.name),
        ("Period", filters.label),
        *filters.described(),
        ("Produced", f"{timezone.localtime():%d %B %Y %H:%M}"),
        (
            "Small numbers",
            f"Counts from 1 to {limit - 1} are shown as {SUPPRESSED}, with any rate or change worked out from them."
            if limit > 1
            else "Not suppressed: every count is shown.",
        ),
        (NOT_APPLICABLE, "Not applicable: a rate with nothing to divide by."),
        ("Names", "None: these are aggregate figures about children, never a list of them."),
    ]
    if scope.include_placed:
        lines.insert(1, ("Children", "Those the council is responsible for, and those placed in its area"))
    return lines


def _sheet_title(title: str, used: set[str]) -> str:
    clean = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31]
    name, number = clean, 2
    while name in used:
        suffix = f" {number}"
        name, number = clean[: 31 - len(suffix)] + suffix, number + 1
    used.add(name)
    return name


def _write_table(workbook: Workbook, table: Table, used: set[str]) -> None:
    sheet = workbook.create_sheet(_sheet_title(table.spec.sheet, used))
    sheet.append([safe_cell(label) for label in table.header()])
    for cell in sheet[1]:
        cell.font = BOLD
    for row_number, row in enumerate(table.cells(), start=2):
        for column_number, cell in enumerate(row, start=1):
            target = sheet.cell(row=row_number, column=column_number, value=safe_cell(cell.value))
            if isinstance(cell.value, dt.date):
                target.number_format = "mmm yyyy"
            elif isinstance(cell.value, float):
                target.number_format = "0.0"
    if table.spec.note:
        sheet.cell(row=len(table.rows) + 3, column=1, value=spec_text(table.spec.note))
    sheet.freeze_panes = "B2"
    for index, label in enumerate(table.header(), start=1):
        width = max([len(str(label)), *(len(row[index - 1].text) for row in table.cells())])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 9), 60)


def workbook(tables: list[Table], scope: Scope, filters: Filters) -> bytes:
    book = Workbook()
    about = book.active
    assert isinstance(about, Worksheet)  # a new workbook opens on one worksheet
    about.title = "About"
    about.append(["Missing children dashboard"])
    about["A1"].font = BOLD
    for label, text in about_lines(scope, filters):
        about.append([safe_cell(label), safe_cell(text)])
    about.column_dimensions["A"].width = 22
    about.column_dimensions["B"].width = 90
    used = {"About"}
    for table in tables:
        _write_table(book, table, used)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
