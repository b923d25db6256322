"""The grab-pack: the Philomena profile as a printable A4 PDF for police, with the live episode added.

Built with ReportLab's page layout (platypus). Everything a person typed is escaped before it reaches
ReportLab's paragraph mark-up, which would otherwise read tags such as <img src="..."> (and open local
files). Long text is laid out as paragraphs, never inside a table cell, so any length flows over pages.
"""

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache, partial
from pathlib import Path
from typing import cast
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from access.models import User
from children.models import Child
from core.formatting import duration_text
from core.templatetags.govuk import govuk_date, govuk_datetime
from episodes.codes import RiskGrade
from episodes.models import MissingEpisode
from philomena.models import ProfileVersion

MARKING = "OFFICIAL-SENSITIVE"
NOT_RECORDED = "Not recorded"

BLACK = colors.HexColor("#0b0c0c")
GREY = colors.HexColor("#505a5f")
LIGHT_GREY = colors.HexColor("#f3f2f1")
RULE_GREY = colors.HexColor("#b1b4b6")
BLUE = colors.HexColor("#1d70b8")
RED = colors.HexColor("#d4351c")
RISK_COLOURS = {
    RiskGrade.HIGH: RED,
    RiskGrade.MEDIUM: colors.HexColor("#f47738"),
    RiskGrade.LOW: GREY,
    RiskGrade.NO_APPARENT_RISK: GREY,
}

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 16 * mm
FRAME_PADDING = 6  # ReportLab's frames keep 6pt inside the margins
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN - 2 * FRAME_PADDING
PHOTO_BOX = (52 * mm, 66 * mm)
# The page furniture below the frame: a rule, up to two lines saying who produced the document (beside the
# page number), and the protective marking at the very foot. Documents built on NumberedCanvas use
# FOOTER_HEIGHT as their bottom margin, so the body never runs into it.
FOOTER_HEIGHT = 22 * mm
FOOTER_RULE = 19 * mm
FOOTER_LINES = (15 * mm, 11.5 * mm)
FOOTER_GAP = 6 * mm
LABEL_WIDTH = 42 * mm

# A Unicode font where the machine has one (Debian: fonts-dejavu-core), so names such as Łukasz print as
# written; ReportLab's built-in Helvetica covers Latin-1 only and prints other letters as boxes.
FONT_DIRECTORIES = [
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
    Path("/usr/local/share/fonts"),
]


@lru_cache(maxsize=1)
def fonts() -> tuple[str, str]:
    """The (regular, bold) font names to use: DejaVu Sans if found, else Helvetica."""
    for directory in FONT_DIRECTORIES:
        regular, bold = directory / "DejaVuSans.ttf", directory / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            try:
                pdfmetrics.registerFont(TTFont("HomewardSans", str(regular)))
                pdfmetrics.registerFont(TTFont("HomewardSans-Bold", str(bold)))
            except Exception:  # noqa: S112 (a damaged font file: try the next, then fall back)
                continue
            return "HomewardSans", "HomewardSans-Bold"
    return "Helvetica", "Helvetica-Bold"


@dataclass(frozen=True)
class GrabPack:
    """Everything the pack shows, gathered (and scoped to the person producing it) by the view."""

    child: Child
    version: ProfileVersion | None
    photo: bytes | None
    open_episode: MissingEpisode | None
    past_episodes: list[MissingEpisode] = field(default_factory=list)
    produced_at: datetime | None = None
    produced_by: User | None = None


@dataclass(frozen=True)
class _Styles:
    body: ParagraphStyle
    small: ParagraphStyle
    label: ParagraphStyle
    caption: ParagraphStyle
    title: ParagraphStyle
    heading: ParagraphStyle
    banner: ParagraphStyle
    value_block: ParagraphStyle


def _styles() -> _Styles:
    regular, bold = fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=12.5, textColor=BLACK)
    return _Styles(
        body=body,
        small=ParagraphStyle("small", parent=body, fontSize=8, leading=10, textColor=GREY),
        label=ParagraphStyle("label", parent=body, fontName=bold, fontSize=9, leading=12),
        caption=ParagraphStyle("caption", parent=body, fontName=bold, fontSize=9, leading=11, textColor=GREY),
        title=ParagraphStyle("title", parent=body, fontName=bold, fontSize=21, leading=25, spaceAfter=2),
        heading=ParagraphStyle(
            "heading", parent=body, fontName=bold, fontSize=12.5, leading=15, spaceBefore=9, spaceAfter=4
        ),
        banner=ParagraphStyle("banner", parent=body, fontName=bold, fontSize=13, leading=16, textColor=colors.white),
        value_block=ParagraphStyle("value_block", parent=body, leftIndent=LABEL_WIDTH, spaceAfter=1),
    )


def _text(value: object) -> str:
    """Typed text made safe for ReportLab's paragraph mark-up, with its line breaks kept."""
    return escape(str(value)).replace("\r\n", "\n").replace("\n", "<br/>")


def _para(value: object, style: ParagraphStyle) -> Paragraph:
    return Paragraph(_text(value), style)


def _heading(text: str, st: _Styles) -> list[Flowable]:
    rule = Table([[""]], colWidths=[CONTENT_WIDTH], rowHeights=[1.2])
    rule.setStyle(TableStyle([("LINEABOVE", (0, 0), (-1, -1), 1.2, BLUE)]))
    return [CondPageBreak(30 * mm), Paragraph(escape(text), st.heading), rule, Spacer(1, 3)]


def _facts_table(rows: Iterable[tuple[str, object]], st: _Styles, width: float) -> Table:
    """Short label and value pairs as a ruled two-column table (short values only: a row cannot split)."""
    data = [[_para(label, st.label), _para(value or NOT_RECORDED, st.body)] for label, value in rows]
    table = Table(data, colWidths=[LABEL_WIDTH, width - LABEL_WIDTH], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE_GREY),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _long_field(label: str, value: str, st: _Styles) -> list[Flowable]:
    """A label and free text of any length, as paragraphs (which split over pages; a table row cannot).

    The label sits in the left column as the first paragraph's "bullet"; one too wide for the column goes
    on its own line above the text instead.
    """
    lines = (value or "").replace("\r\n", "\n").split("\n") if value else [NOT_RECORDED]
    bold = fonts()[1]
    label_fits = pdfmetrics.stringWidth(label, bold, st.label.fontSize) <= LABEL_WIDTH - 4
    flowables: list[Flowable] = [Spacer(1, 2.5)]
    if label_fits:
        first_style = ParagraphStyle(
            "first", parent=st.value_block, bulletIndent=0, bulletFontName=bold, bulletFontSize=st.label.fontSize
        )
        flowables.append(Paragraph(_text(lines[0]) or " ", first_style, bulletText=label))
    else:
        flowables += [Paragraph(escape(label), ParagraphStyle("own", parent=st.label, keepWithNext=1))]
        flowables.append(_para(lines[0] or " ", st.value_block))
    flowables += [_para(line or " ", st.value_block) for line in lines[1:]]
    rule = Table([[""]], colWidths=[CONTENT_WIDTH], rowHeights=[3])
    rule.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE_GREY)]))
    flowables.append(rule)
    return flowables


def _photo_cell(pack: GrabPack, st: _Styles) -> list[Flowable]:
    box_width, box_height = PHOTO_BOX
    if pack.photo:
        reader = ImageReader(io.BytesIO(pack.photo))
        width, height = reader.getSize()
        scale = min(box_width / width, box_height / height)
        assert pack.version is not None and pack.version.photo is not None  # pack.photo is this version's photo
        photo = pack.version.photo
        taken = (
            f"Photo taken {govuk_date(photo.taken_on)}"
            if photo.taken_on
            else f"Photo added {govuk_date(photo.uploaded_at.date())}; date taken not recorded"
        )
        image = Image(io.BytesIO(pack.photo), width=width * scale, height=height * scale, mask="auto")
        return [image, Spacer(1, 2), _para(taken, st.small)]
    empty = Table([[_para("No photo held", st.caption)]], colWidths=[box_width], rowHeights=[box_height / 2])
    empty.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.8, RULE_GREY),
                ("BACKGROUND", (0, 0), (-1, -1), LIGHT_GREY),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return [empty]


def _child_facts(pack: GrabPack) -> list[tuple[str, object]]:
    child = pack.child
    produced_on = (pack.produced_at or datetime.now().astimezone()).date()
    sex = child.get_sex_display() + (f" (gender identity: {child.gender_identity})" if child.gender_identity else "")
    lives = f"{child.get_living_arrangement_display()}, {child.placement_council.name} area"
    if child.placement_postcode:
        lives += f", {child.placement_postcode}"
    if child.placed_out_of_area:
        lives += " (placed out of area)"
    worker = child.social_worker
    worker_text = ""
    if worker is not None:
        worker_text = str(worker) + (f", {worker.email}" if worker.email else "")
    return [
        ("Date of birth", f"{govuk_date(child.date_of_birth)} (age {child.age_on(produced_on)})"),
        ("Sex", sex),
        ("Ethnicity", child.get_ethnicity_display()),
        ("Legal status", child.get_legal_status_display()),
        ("Lives", lives),
        ("Responsible council", f"{child.responsible_council.name} (child ID {child.la_child_id})"),
        ("Social worker", worker_text or "Not allocated"),
        ("Homeward ID", child.pk),
    ]


def _title_block(pack: GrabPack, st: _Styles) -> Table:
    child = pack.child
    left: list[Flowable] = [
        _para("PHILOMENA PROFILE: GRAB-PACK FOR POLICE", st.caption),
        Spacer(1, 3),
        _para(child.full_name, st.title),
    ]
    if child.preferred_name:
        left.append(_para(f"Known as {child.preferred_name}", st.body))
    left += [Spacer(1, 5), _facts_table(_child_facts(pack), st, CONTENT_WIDTH - PHOTO_BOX[0] - 8 * mm)]
    table = Table([[left, _photo_cell(pack, st)]], colWidths=[CONTENT_WIDTH - PHOTO_BOX[0], PHOTO_BOX[0]])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("ALIGN", (1, 0), (1, 0), "RIGHT"),
            ]
        )
    )
    return table


def _episode_block(pack: GrabPack, st: _Styles) -> list[Flowable]:
    episode = pack.open_episode
    if episode is None:
        return [
            Spacer(1, 6),
            _para("No open missing episode is recorded in Homeward for this child as this pack is produced.", st.small),
        ]
    now = pack.produced_at or datetime.now().astimezone()
    grade = RiskGrade(episode.risk_grade)
    bold = fonts()[1]
    grade_style = ParagraphStyle("grade", parent=st.body, fontName=bold, textColor=RISK_COLOURS[grade])
    rows = [
        ("Last seen", govuk_datetime(episode.last_seen_at)),
        ("Last seen at", episode.last_seen_place),
        ("Missing for", f"{duration_text(now - episode.last_seen_at)} (as this pack was produced)"),
        ("Missing from", episode.get_missing_from_display()),
        ("Reported", f"{govuk_datetime(episode.reported_at)} by {episode.reported_by}"),
        ("Police force", episode.police_force.name),
        ("Police reference", episode.police_reference or NOT_RECORDED),
    ]
    data = [[_para("MISSING NOW", st.banner), ""]]
    data += [[_para(label, st.label), _para(value, st.body)] for label, value in rows]
    data.append([_para("Risk grade", st.label), Paragraph(escape(grade.label.upper()), grade_style)])
    table = Table(data, colWidths=[LABEL_WIDTH, CONTENT_WIDTH - LABEL_WIDTH])
    table.setStyle(
        TableStyle(
            [
                ("SPAN", (0, 0), (-1, 0)),
                ("BACKGROUND", (0, 0), (-1, 0), RED),
                ("BOX", (0, 0), (-1, -1), 2, RED),
                ("LINEBELOW", (0, 1), (-1, -2), 0.4, RULE_GREY),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
            ]
        )
    )
    flowables: list[Flowable] = [Spacer(1, 8), KeepTogether([table])]
    flowables += _long_field("Circumstances", episode.circumstances, st)
    return flowables


def _profile_sections(pack: GrabPack, st: _Styles) -> list[Flowable]:
    version = pack.version
    if version is None:
        return [
            *_heading("Philomena profile", st),
            _para(
                "No Philomena profile has been recorded for this child. The details above come from the child's "
                "record in Homeward.",
                st.body,
            ),
        ]
    out: list[Flowable] = []
    out += _heading("Description", st)
    out.append(
        _facts_table(
            [("Height", version.height), ("Build", version.build), ("Hair", version.hair), ("Eyes", version.eyes)],
            st,
            CONTENT_WIDTH,
        )
    )
    out += _long_field("Distinguishing marks", version.distinguishing_marks, st)
    out += _long_field("Clothing usually worn", version.usual_clothing, st)
    out += _heading("Phones and social media", st)
    out += _long_field("Phone numbers", version.phone_numbers, st)
    out += _long_field("Social media accounts", version.social_media, st)
    out += _heading("Places and people", st)
    out += _long_field("Places the child goes", version.places_frequented, st)
    out += _long_field("Associates", version.associates, st)
    out += _heading("Medical needs", st)
    out += _long_field("Medication", version.medication, st)
    out += _long_field("Medical conditions", version.medical_conditions, st)
    out += _long_field("Allergies", version.allergies, st)
    out += _heading("Previous missing history", st)
    out += _long_field("Summary", version.missing_history, st)
    return out


def _past_episodes(pack: GrabPack, st: _Styles) -> list[Flowable]:
    if not pack.past_episodes:
        return []
    header = [_para(text, st.label) for text in ("Last seen", "Last seen at", "Found at", "Away for")]
    rows = [
        [
            _para(govuk_datetime(e.last_seen_at), st.body),
            _para(e.last_seen_place, st.body),
            _para(e.found_place or NOT_RECORDED, st.body),
            _para(duration_text(cast(datetime, e.returned_at) - e.last_seen_at), st.body),  # past: returned
        ]
        for e in pack.past_episodes
    ]
    table = Table([header, *rows], colWidths=[36 * mm, 58 * mm, 56 * mm, CONTENT_WIDTH - 150 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), LIGHT_GREY),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE_GREY),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return [
        Spacer(1, 6),
        _para(f"Recent episodes recorded in Homeward ({len(pack.past_episodes)} most recent returns)", st.label),
        Spacer(1, 3),
        table,
    ]


def _closing(pack: GrabPack, st: _Styles) -> list[Flowable]:
    out: list[Flowable] = []
    if pack.version is not None:
        out += _heading("Other information for police", st)
        out += _long_field("Notes", pack.version.notes, st)
    out.append(Spacer(1, 10))
    if pack.version is not None:
        out.append(
            _para(
                f"Profile version {pack.version.number}, saved {govuk_datetime(pack.version.created_at)} by "
                f"{pack.version.created_by}.",
                st.small,
            )
        )
    out.append(
        _para(
            "This pack is a snapshot of Homeward when it was produced. Check Homeward for changes. Handle, store "
            "and destroy it as OFFICIAL-SENSITIVE: use it only to find the child and keep them safe.",
            st.small,
        )
    )
    return out


class NumberedCanvas(canvas.Canvas):
    """A canvas that holds each page until the end, so every page can say "Page 2 of 3"; every page carries the
    protective marking at top and bottom, the document's name and when (and by whom) it was produced. The
    partnership reports (reports.pdf) use it too."""

    def __init__(
        self, *args, produced: str = "", document: str = "Philomena grab-pack", marking: str = MARKING, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self._produced = produced
        self._document = document
        self._marking = marking
        self._pages: list[dict] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()  # type: ignore[attr-defined]  # reportlab's stubs leave out Canvas's private page hooks

    def save(self) -> None:
        total = len(self._pages)
        for page in self._pages:
            self.__dict__.update(page)
            self._furniture(total)
            super().showPage()
        super().save()

    def _furniture(self, total: int) -> None:
        regular, bold = fonts()
        left, right = MARGIN + FRAME_PADDING, PAGE_WIDTH - MARGIN - FRAME_PADDING
        self.saveState()
        self.setFillColor(BLACK)
        self.setFont(bold, 10)
        self.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - 9 * mm, self._marking)
        self.drawCentredString(PAGE_WIDTH / 2, 5.5 * mm, self._marking)
        self.setFont(regular, 8)
        self.setFillColor(GREY)
        self.drawString(left, PAGE_HEIGHT - 9 * mm, "Homeward")
        self.drawRightString(right, PAGE_HEIGHT - 9 * mm, self._document)
        self.setStrokeColor(RULE_GREY)
        self.setLineWidth(0.5)
        self.line(left, PAGE_HEIGHT - 11 * mm, right, PAGE_HEIGHT - 11 * mm)
        self.line(left, FOOTER_RULE, right, FOOTER_RULE)
        page_label = f"Page {self._pageNumber} of {total}"  # type: ignore[attr-defined]  # private in reportlab's stubs
        self.drawRightString(right, FOOTER_LINES[0], page_label)
        room = right - left - self.stringWidth(page_label, regular, 8) - FOOTER_GAP
        for line, baseline in zip(_fit_lines(self._produced, regular, 8, room), FOOTER_LINES, strict=False):
            self.drawString(left, baseline, line)
        self.restoreState()


def _fit_lines(text: str, font: str, size: float, width: float) -> list[str]:
    """`text` wrapped to `width`, in as many lines as the footer holds; the last one ends with an ellipsis when
    the text is longer still (a very long name never runs into the page number)."""
    lines = simpleSplit(text, font, size, width)
    if len(lines) <= len(FOOTER_LINES):
        return lines
    kept = lines[: len(FOOTER_LINES)]
    last = kept[-1]
    while last and stringWidth(last + "…", font, size) > width:
        last = last[:-1]
    kept[-1] = last.rstrip() + "…"
    return kept


def build_grab_pack(pack: GrabPack) -> bytes:
    """The grab-pack as PDF bytes."""
    st = _styles()
    produced_at = pack.produced_at or datetime.now().astimezone()
    produced = f"Produced {govuk_datetime(produced_at)}"
    if pack.produced_by is not None:
        agency = f", {pack.produced_by.agency.name}" if pack.produced_by.agency is not None else ""
        produced += f" by {pack.produced_by}{agency}"
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=14 * mm,
        bottomMargin=FOOTER_HEIGHT,
        title="Philomena grab-pack",  # no name: document properties travel with the file
        author="Homeward",
        subject=MARKING,
        creator="Homeward",
    )
    story: list[Flowable] = [_title_block(pack, st)]
    story += _episode_block(pack, st)
    story += _profile_sections(pack, st)
    story += _past_episodes(pack, st)
    story += _closing(pack, st)
    document.build(story, canvasmaker=partial(NumberedCanvas, produced=produced))
    return out.getvalue()
