"""A meeting's pack (before) and minutes (after) as A4 PDFs, for one agency: drawn the way the Philomena grab-pack
and the partnership reports are (philomena.grabpack's page furniture, fonts and colours), from a `MeetingView`
built for the agency (`meetings.selectors.meeting_view(agency_reader(agency), meeting)`), so each agency's copy holds
only what that agency may see.

The pack: for each child, the missing history, the return interview findings, the latest exploitation screening,
the persons and places linked to them and the open actions. The minutes: who attended, for each child what was
discussed and decided, and every action with its status. Everything is real text; tables repeat their header row.
"""

import io
from collections.abc import Sequence
from functools import partial
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table
from reportlab.platypus import TableStyle as Style

from access.models import Agency, User
from core.templatetags.govuk import govuk_date, govuk_datetime
from meetings.codes import Attendance
from meetings.selectors import ChildSection, MeetingView
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

MARKING = "OFFICIAL-SENSITIVE"
LABEL_WIDTH = 40 * mm


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=12.5, textColor=BLACK)
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10, textColor=GREY),
        "caption": ParagraphStyle("caption", parent=body, fontName=bold, fontSize=9, leading=11, textColor=GREY),
        "title": ParagraphStyle("title", parent=body, fontName=bold, fontSize=19, leading=23, spaceAfter=4),
        "heading": ParagraphStyle(
            "heading", parent=body, fontName=bold, fontSize=14, leading=17, spaceBefore=10, spaceAfter=4
        ),
        "subheading": ParagraphStyle(
            "subheading", parent=body, fontName=bold, fontSize=11, leading=14, spaceBefore=8, spaceAfter=3
        ),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5),
        "cell_bold": ParagraphStyle("cell_bold", parent=body, fontName=bold, fontSize=8.5, leading=10.5),
    }


def _para(text: object, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


# reportlab-stubs type each table command as a tuple of its own shape; this list mixes shapes.
TABLE_STYLE: list[tuple[Any, ...]] = [
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE_GREY),
    ("LEFTPADDING", (0, 0), (-1, -1), 3),
    ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ("TOPPADDING", (0, 0), (-1, -1), 2.5),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
]


def _pairs(rows: Sequence[tuple[str, object]], st: dict) -> Table:
    data = [[_para(label, st["cell_bold"]), _para(value, st["cell"])] for label, value in rows]
    table = Table(data, colWidths=[LABEL_WIDTH, CONTENT_WIDTH - LABEL_WIDTH], hAlign="LEFT")
    table.setStyle(Style(TABLE_STYLE))
    return table


def _grid(header: list[str], rows: Sequence[Sequence[object]], widths: list[float], st: dict) -> Table:
    data = [[_para(h, st["cell_bold"]) for h in header], *[[_para(v, st["cell"]) for v in row] for row in rows]]
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(Style([*TABLE_STYLE, ("BACKGROUND", (0, 0), (-1, 0), LIGHT_GREY)]))
    return table


def _heading(text: str, st: dict) -> list[Flowable]:
    rule = Table([[""]], colWidths=[CONTENT_WIDTH], rowHeights=[1.2])
    rule.setStyle(Style([("LINEABOVE", (0, 0), (-1, -1), 1.2, BLUE)]))
    return [_para(text, st["heading"]), rule, Spacer(1, 3)]


def _or_none(items: list, text: str, st: dict) -> list[Flowable]:
    return [] if items else [_para(text, st["body"])]


def _meeting_details(view: MeetingView, agency: Agency, st: dict) -> Table:
    meeting = view.meeting
    rows = [
        ("Kind", meeting.get_kind_display()),
        ("When", govuk_datetime(meeting.held_at)),
        ("Where", meeting.where),
        ("Chair", f"{meeting.chair}, {meeting.council}"),
        ("Called by", meeting.council.name),
    ]
    if meeting.reason:
        rows.append(("Why", meeting.reason))
    rows.append(("This copy is for", agency.name))
    return _pairs(rows, st)


def _attendance(view: MeetingView, st: dict, *, minutes: bool) -> list[Flowable]:
    agencies = [[row.agency.name, row.get_attendance_display()] for row in view.agencies]
    people = [
        [f"{row.user}, {row.user.agency}" if row.user.agency_id else str(row.user), row.get_attendance_display()]
        for row in view.people
    ]
    out: list[Flowable] = [
        _para("Agencies", st["subheading"]),
        _grid(["Agency", "Attendance"], agencies, [120 * mm, 50 * mm], st),
    ]
    out += [_para("People", st["subheading"]), _grid(["Person", "Attendance"], people, [120 * mm, 50 * mm], st)]
    if minutes:
        present = sum(1 for row in view.people if row.attendance == Attendance.PRESENT)
        out.append(_para(f"{present} of {len(view.people)} people invited were present.", st["small"]))
    return out


def _episodes(section: ChildSection, st: dict) -> list[Flowable]:
    out: list[Flowable] = [_para("Missing history", st["subheading"])]
    rows = []
    for episode in section.episodes:
        returned = govuk_datetime(episode.returned_at) if episode.returned_at else "Still missing"
        words = episode.circumstances if episode.circumstances else ""
        rows.append(
            [
                govuk_datetime(episode.last_seen_at),
                episode.last_seen_place,
                returned,
                episode.get_risk_grade_display(),
                words,
            ]
        )
    if rows:
        out.append(
            _grid(
                ["Last seen", "Where", "Returned", "Risk", "Circumstances"],
                rows,
                [28 * mm, 38 * mm, 28 * mm, 20 * mm, CONTENT_WIDTH - 114 * mm],
                st,
            )
        )
        if any(episode.withheld_fields for episode in section.episodes):
            out.append(
                _para("Some episodes were shared as a summary: their free text is not in this copy.", st["small"])
            )
    return out + _or_none(rows, "No missing episodes this agency may see.", st)


def _interviews(section: ChildSection, st: dict) -> list[Flowable]:
    out: list[Flowable] = [_para("Return interview findings", st["subheading"])]
    for findings in section.interviews:
        interview = findings.interview
        rows = [
            ("Due by", govuk_datetime(interview.due_by)),
            ("Outcome", interview.get_outcome_display() or "Not yet offered"),
            ("Completed", govuk_datetime(interview.completed_at) if interview.completed_at else "Not yet"),
            ("Push factors", ", ".join(findings.push_factors) or "None recorded"),
            ("Pull factors", ", ".join(findings.pull_factors) or "None recorded"),
            ("Disclosures", ", ".join(findings.disclosures) or "None recorded"),
            *findings.words,
        ]
        out.append(_pairs(rows, st))
        if findings.withheld:
            out.append(_para("What the child said was not shared with this agency.", st["small"]))
        out.append(Spacer(1, 3))
    return out + _or_none(section.interviews, "No return interviews this agency may see.", st)


def _screening(section: ChildSection, st: dict) -> list[Flowable]:
    if section.screening is None:
        return []
    screening = section.screening
    rows = [
        ("Screened", govuk_datetime(screening.screened_at)),
        ("Kind", screening.get_kind_display()),
        ("Level", screening.get_level_display()),
        ("Flags", ", ".join(screening.flag_labels()) or "None"),
        ("Review by", govuk_date(screening.review_date) if screening.review_date else "Not set"),
    ]
    if screening.notes:
        rows.append(("Notes", screening.notes))
    return [_para("Exploitation screening (latest)", st["subheading"]), _pairs(rows, st)]


def _network(section: ChildSection, st: dict) -> list[Flowable]:
    rows = [
        [link.person.display_name, link.get_source_display(), govuk_date(link.linked_on), link.notes]
        for link in section.person_links
    ] + [
        [link.place.name, link.get_source_display(), govuk_date(link.linked_on), link.notes]
        for link in section.place_links
    ]
    if not rows:
        return []
    return [
        _para("Persons of concern and places", st["subheading"]),
        _grid(
            ["Who or where", "How linked", "When", "Notes"],
            rows,
            [45 * mm, 35 * mm, 25 * mm, CONTENT_WIDTH - 105 * mm],
            st,
        ),
    ]


def _actions(actions: list, st: dict, *, with_status: bool) -> list[Flowable]:
    if not actions:
        return [_para("No actions." if with_status else "No open actions.", st["body"])]
    header = ["What", "Owner", "Due"] + (["Status"] if with_status else [])
    rows = []
    for action in actions:
        row = [action.what, f"{action.owner}, {action.owner_agency}", govuk_date(action.due_on)]
        if with_status:
            status = action.get_status_display()
            if action.status_note:
                status += f": {action.status_note}"
            row.append(status)
        rows.append(row)
    widths = [70 * mm, 45 * mm, 22 * mm] + ([CONTENT_WIDTH - 137 * mm] if with_status else [])
    if not with_status:
        widths[0] = CONTENT_WIDTH - 67 * mm
    return [_grid(header, rows, widths, st)]


def _child_pack(section: ChildSection, st: dict) -> list[Flowable]:
    child = section.child
    out = _heading(child.full_name, st)
    out.append(
        _pairs(
            [
                ("Date of birth", govuk_date(child.date_of_birth)),
                ("Council child ID", child.la_child_id),
                ("Responsible council", child.responsible_council.name),
            ],
            st,
        )
    )
    out += _episodes(section, st) + _interviews(section, st) + _screening(section, st) + _network(section, st)
    out += [_para("Open actions", st["subheading"]), *_actions(section.open_actions, st, with_status=False)]
    return out


def _child_minutes(section: ChildSection, st: dict) -> list[Flowable]:
    out = _heading(section.child.full_name, st)
    out += [
        _para("Discussion", st["subheading"]),
        _para(section.discussed.discussion or "Nothing recorded.", st["body"]),
        _para("Decisions", st["subheading"]),
        _para(section.discussed.decisions or "Nothing recorded.", st["body"]),
        _para("Actions", st["subheading"]),
        *_actions(section.actions, st, with_status=True),
    ]
    return out


def _story(view: MeetingView, agency: Agency, st: dict, *, minutes: bool) -> list[Flowable]:
    what = "MEETING MINUTES" if minutes else "MEETING PACK"
    story: list[Flowable] = [
        _para(f"{what} FOR {agency.name.upper()}", st["caption"]),
        Spacer(1, 3),
        _para(view.meeting.get_kind_display(), st["title"]),
        _meeting_details(view, agency, st),
        *_heading("Attendance" if minutes else "Invited", st),
        *_attendance(view, st, minutes=minutes),
    ]
    for section in view.children:
        story += _child_minutes(section, st) if minutes else _child_pack(section, st)
    if view.children_not_shown:
        story.append(
            _para(f"{view.children_not_shown} other child(ren) discussed are not in this agency's copy.", st["small"])
        )
    if view.persons or view.places:
        story += _heading("Persons and places linking the children", st)
        story.append(
            _grid(
                ["Who or where", "Kind"],
                [[p.display_name, p.get_kind_display()] for p in view.persons]
                + [[p.name, p.get_kind_display()] for p in view.places],
                [100 * mm, CONTENT_WIDTH - 100 * mm],
                st,
            )
        )
    general = view.actions if minutes else [a for a in view.actions if a.is_open]
    story += _heading("Actions for the whole meeting", st)
    story += _actions(general, st, with_status=minutes)
    story.append(Spacer(1, 6))
    story.append(
        KeepTogether(
            _para(
                "This copy holds only what the agency named above may see in Homeward. Handle, store and destroy it "
                "as OFFICIAL-SENSITIVE, and do not pass it to another agency: each agency has its own copy.",
                st["small"],
            )
        )
    )
    return story


def build_meeting_pdf(view: MeetingView, *, agency: Agency, minutes: bool, produced_by: User) -> bytes:
    """The pack (or the minutes) for `agency` as PDF bytes."""
    st = _styles()
    document_name = "Meeting minutes" if minutes else "Meeting pack"
    produced = f"Produced {govuk_datetime(timezone.now())} by {produced_by} for {agency.name}"
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=14 * mm,
        bottomMargin=FOOTER_HEIGHT,
        title=f"{document_name}: {view.meeting.get_kind_display()}",  # no child's name: properties travel with the file
        author="Homeward",
        subject=MARKING,
        creator="Homeward",
        lang="en-GB",
        displayDocTitle=True,
    )
    canvasmaker = partial(NumberedCanvas, produced=produced, document=document_name, marking=MARKING)
    document.build(_story(view, agency, st, minutes=minutes), canvasmaker=canvasmaker)
    return out.getvalue()
