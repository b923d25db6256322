"""A partnership report as an A4 PDF, drawn the way the Philomena grab-pack is (philomena.grabpack): ReportLab's
page layout, the same fonts, colours, margins and numbered pages with the protective marking.

Every figure is real text in a table with a header row (repeated when a table runs over a page), never an
image, so the figures can be read aloud, searched and copied. The document's title, author, subject and
language (en-GB) are set, and PDF readers are asked to show the title rather than the file name. ReportLab
does not write tagged PDF, so a screen reader gets the text in reading order but not the table structure.
"""

import io
import re
from functools import partial
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table
from reportlab.platypus import TableStyle as Style

from analytics.tables import Column
from analytics.tables import Table as FigureTable
from core.templatetags.govuk import govuk_datetime
from philomena.grabpack import (
    BLACK,
    BLUE,
    CONTENT_WIDTH,
    FOOTER_HEIGHT,
    GREY,
    LIGHT_GREY,
    MARGIN,
    RULE_GREY,
    NumberedCanvas,
    fonts,
)
from reports.content import ReportContent, table_note

SUBJECT = "Missing children: aggregate figures for the safeguarding partnership"
MONTH_KEY = re.compile(r"\d{4}-\d{2}")
LABEL_WIDTH = 42 * mm
KEEP_TOGETHER_ROWS = 20


def marking(suppression: int) -> str:
    """OFFICIAL-SENSITIVE while small counts are shown exactly (one or two children in a group could be
    identified); OFFICIAL once they are suppressed."""
    return "OFFICIAL" if suppression > 1 else "OFFICIAL-SENSITIVE"


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=12.5, textColor=BLACK)
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10, textColor=GREY),
        "caption": ParagraphStyle("caption", parent=body, fontName=bold, fontSize=9, leading=11, textColor=GREY),
        "title": ParagraphStyle("title", parent=body, fontName=bold, fontSize=21, leading=25, spaceAfter=4),
        "heading": ParagraphStyle(
            "heading", parent=body, fontName=bold, fontSize=14, leading=17, spaceBefore=10, spaceAfter=4
        ),
        "subheading": ParagraphStyle(
            "subheading", parent=body, fontName=bold, fontSize=11, leading=14, spaceBefore=8, spaceAfter=3
        ),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5),
        "cell_bold": ParagraphStyle("cell_bold", parent=body, fontName=bold, fontSize=8.5, leading=10.5),
        "dense": ParagraphStyle("dense", parent=body, fontSize=6.5, leading=8),
        "dense_bold": ParagraphStyle("dense_bold", parent=body, fontName=bold, fontSize=6.5, leading=8),
    }


def _para(text: object, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def _right(style: ParagraphStyle) -> ParagraphStyle:
    return ParagraphStyle(f"{style.name}_right", parent=style, alignment=TA_RIGHT)


def _columns(table: FigureTable, content: ReportContent) -> list[Column]:
    """The table's columns; in a one-month report a per-month column repeats the total, so it is left out."""
    columns = table.columns
    if content.period.filters.length == 1:
        columns = [column for column in columns if not MONTH_KEY.fullmatch(column.key)]
    return columns


def _header_label(column: Column, content: ReportContent) -> str:
    """The headline table's "This period" and "Previous period" say which period they are."""
    return {"current": content.period.label, "previous": content.period.previous_label}.get(column.key, column.label)


def _widths(columns: list[Column]) -> list[float]:
    others = len(columns) - 1
    if others <= 3:
        each = 27 * mm
    elif others <= 5:
        each = 23 * mm
    else:
        each = (CONTENT_WIDTH - 36 * mm) / others
    return [CONTENT_WIDTH - each * others, *([each] * others)]


def _figure_table(table: FigureTable, content: ReportContent, st: dict) -> Flowable:
    columns = _columns(table, content)
    dense = len(columns) > 8
    cell, bold = (st["dense"], st["dense_bold"]) if dense else (st["cell"], st["cell_bold"])
    header = [
        _para(_header_label(column, content), _right(bold) if index and column.numeric else bold)
        for index, column in enumerate(columns)
    ]
    rows = []
    for row in table.rows:
        values = [table.value(row, column.key) for column in columns]
        rows.append(
            [
                _para(value.text, _right(cell) if index and column.numeric else cell)
                for index, (column, value) in enumerate(zip(columns, values, strict=True))
            ]
        )
    grid = Table([header, *rows], colWidths=_widths(columns), repeatRows=1, hAlign="LEFT")
    grid.setStyle(
        Style(
            [
                ("BACKGROUND", (0, 0), (-1, 0), LIGHT_GREY),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE_GREY),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return grid


def _heading(text: str, st: dict) -> list[Flowable]:
    rule = Table([[""]], colWidths=[CONTENT_WIDTH], rowHeights=[1.2])
    rule.setStyle(Style([("LINEABOVE", (0, 0), (-1, -1), 1.2, BLUE)]))
    return [_para(text, st["heading"]), rule, Spacer(1, 3)]


def _about(content: ReportContent, st: dict) -> Table:
    data = [[_para(label, st["cell_bold"]), _para(text, st["cell"])] for label, text in content.about()]
    table = Table(data, colWidths=[LABEL_WIDTH, CONTENT_WIDTH - LABEL_WIDTH], hAlign="LEFT")
    table.setStyle(
        Style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE_GREY),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _story(content: ReportContent, st: dict) -> list[Flowable]:
    story: list[Flowable] = [
        _para("MISSING CHILDREN: REPORT FOR THE SAFEGUARDING PARTNERSHIP", st["caption"]),
        Spacer(1, 3),
        _para(content.council.name, st["title"]),
        _para(content.period.title, st["subheading"]),
        Spacer(1, 4),
        _about(content, st),
    ]
    for section in content.sections:
        story.append(CondPageBreak(40 * mm))
        # The section's heading and introduction stay on the page of its first table.
        lead: list[Flowable] = _heading(section.heading, st)
        if section.intro:
            lead += [_para(section.intro, st["body"]), Spacer(1, 3)]
        titled = len(section.tables) > 1
        for table in section.tables:
            block, lead = lead, []
            if titled:
                block.append(_para(table.title, st["subheading"]))
            note = table_note(table)
            if note:
                block += [_para(note, st["small"]), Spacer(1, 2)]
            block.append(_figure_table(table, content, st) if table.rows else _para(table.spec.empty, st["body"]))
            # A short table stays with its title; a long one runs over pages with its header row repeated.
            story += [KeepTogether(block)] if len(table.rows) < KEEP_TOGETHER_ROWS else block
            story.append(Spacer(1, 5))
        story += lead  # a section without tables
    return story


def build_pdf(content: ReportContent, produced_by: str) -> bytes:
    """The report as PDF bytes; `produced_by` (a person, or what made it) is printed at the foot of each page."""
    st = _styles()
    produced = f"Produced {govuk_datetime(content.generated_at)} by {produced_by}"
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=14 * mm,
        bottomMargin=FOOTER_HEIGHT,
        title=content.title,
        author="Homeward",
        subject=SUBJECT,
        creator="Homeward",
        keywords=["missing children", "safeguarding partnership", content.period.kind],
        lang="en-GB",
        displayDocTitle=True,
    )
    canvasmaker = partial(
        NumberedCanvas, produced=produced, document="Partnership report", marking=marking(content.suppression)
    )
    document.build(_story(content, st), canvasmaker=canvasmaker)
    return out.getvalue()
