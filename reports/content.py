"""What a partnership report holds: the council dashboard's own tables, for a month or a reporting year.

Nothing here counts anything. Every table is `analytics.tables.build_table` over an `analytics.figures`
function, for the council's scope (the children it is responsible for, as on its dashboard without the
"placed in our area" box) and the period's months with no other filter, so a report always agrees with the
dashboard for the same months, small-number suppression included. Places are given only as postcode
districts (the dashboard's free-text place lists and its map are left out: a partnership report leaves the
council), and no table names or identifies a child.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from access.models import Agency
from analytics.filters import Scope
from analytics.tables import NOT_APPLICABLE, SPEC_BY_SLUG, SUPPRESSED, Table, build_table, spec_text, threshold
from reports.periods import Period, ReportKind

# (heading, introduction, the dashboard tables in the section)
SECTIONS: list[tuple[str, str, list[str]]] = [
    ("Headline figures", "{period} compared with {previous}.", ["headline"]),
    (
        "Episodes and children",
        "A repeat child went missing {threshold} or more times in the period.",
        ["episodes-by-month", "repeat-children"],
    ),
    ("How long children were missing", "", ["duration"]),
    ("Risk", "", ["risk-grades"]),
    (
        "Who went missing",
        "Characteristics are those on each child's record when the report was produced; age is the child's age "
        "when last seen.",
        ["by-legal-status", "by-age-band", "by-sex", "by-ethnicity-group", "by-placement-type", "by-area"],
    ),
    (
        "Where children were last seen and found",
        "By postcode district only: no address or place description is given in a partnership report.",
        ["last-seen-districts", "found-districts"],
    ),
    (
        "Return home interviews",
        "Declined, could not make contact and not offered are the coded reasons an interview was not held. Why an "
        "interview was not offered is recorded only in words (which may name people), so it is not counted.",
        ["interviews"],
    ),
    (
        "Why children went missing, and what they disclosed",
        "From the return home interviews held in the period. One interview can record several factors.",
        ["factor-trend", "factors-push", "factors-pull", "factors-disclosure"],
    ),
    (
        "Open work",
        "Homeward does not record meetings and their actions yet, so open work is the referrals to the MASH and "
        "the exploitation team still open when the report was produced, whatever the period.",
        ["open-referrals"],
    ),
]


@dataclass
class Section:
    heading: str
    intro: str
    tables: list[Table]


@dataclass
class ReportContent:
    council: Agency
    period: Period
    generated_at: dt.datetime
    suppression: int
    sections: list[Section]

    @property
    def title(self) -> str:
        return f"{self.council.name}: {self.period.title}"

    def about(self) -> list[tuple[str, str]]:
        """The front page's notes on whose figures these are and how to read them."""
        limit = self.suppression
        return [
            ("Council", self.council.name),
            ("Children counted", f"Those {self.council.name} is responsible for, wherever they live"),
            ("Period", self.period.label),
            ("Compared with", self.period.previous_label),
            (
                "Reporting year",
                "1 April to 31 March" + (" (this report's year)" if self.period.kind == ReportKind.ANNUAL else ""),
            ),
            (
                "Small numbers",
                f"Counts from 1 to {limit - 1} are shown as {SUPPRESSED}, with any rate or change worked out from "
                "them. Totals are exact."
                if limit > 1
                else "Not suppressed: every count is shown exactly. Do not publish this report as it is.",
            ),
            (NOT_APPLICABLE, "Not applicable: a rate with nothing to divide by."),
            ("Names", "None: aggregate figures about children, never a list of them."),
            ("Source", "The council dashboard's figures in Homeward, as they stood when the report was produced."),
        ]


def council_scope(council: Agency) -> Scope:
    """The council dashboard's scope for this council: the children it is responsible for."""
    return Scope("council", name=council.name, agency_id=council.pk)


def build_content(council: Agency, period: Period, generated_at: dt.datetime) -> ReportContent:
    scope, filters = council_scope(council), period.filters
    names = {
        "period": period.label,
        "previous": period.previous_label,
        "threshold": settings.HOMEWARD_REPEAT_MISSING_COUNT,
    }
    sections = []
    for heading, intro, slugs in SECTIONS:
        specs = [SPEC_BY_SLUG[slug] for slug in slugs if SPEC_BY_SLUG[slug].shown_for(scope)]
        tables = [build_table(spec, scope, filters) for spec in specs]
        if tables:
            sections.append(Section(heading=heading, intro=intro.format(**names), tables=tables))
    return ReportContent(
        council=council, period=period, generated_at=generated_at, suppression=threshold(), sections=sections
    )


def table_note(table: Table) -> str:
    return spec_text(table.spec.note)
