"""The dashboard's tables: which figure each shows, its columns, and how a value is shown (with small-number
suppression) on the page, in a CSV file and in an Excel workbook.

Small-number suppression (settings.HOMEWARD_SMALL_NUMBER_SUPPRESSION = N, 0 = off): a count from 1 to N - 1
is shown as "[c]" (the Government Statistical Service's symbol for a confidential value), and so is any rate
or change worked out from one. Zero is never suppressed. A council turns it on before figures leave the
partnership (a published report, a board paper, an FOI answer), where a count of one or two children with
a given characteristic in a small area could identify a child. Nothing is back-filled: totals stay exact,
so a reader could sometimes subtract a suppressed cell from a total (no secondary suppression is done).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any

from django.conf import settings

from analytics import figures
from analytics.filters import FILTER_LABELS, Filters, Scope
from analytics.values import Change, Rate

SUPPRESSED = "[c]"
NOT_APPLICABLE = "[z]"
MINUS = "\N{MINUS SIGN}"


@dataclass(frozen=True)
class Cell:
    text: str  # what the page shows
    value: Any  # what a download holds: int, float, date, str ("[c]" when suppressed, "[z]" when no value)
    numeric: bool = True


def threshold() -> int:
    return settings.HOMEWARD_SMALL_NUMBER_SUPPRESSION


def is_suppressed(count: int, limit: int) -> bool:
    return limit > 0 and 0 < count < limit


def _rate_suppressed(rate: Rate, limit: int) -> bool:
    return is_suppressed(rate.numerator, limit) or is_suppressed(rate.denominator, limit)


def _change_suppressed(change: Change, limit: int) -> bool:
    return any(
        _rate_suppressed(side, limit) if isinstance(side, Rate) else is_suppressed(side, limit)
        for side in (change.current, change.previous)
    )


def _signed(amount: int | float, points: bool) -> str:
    text = f"{abs(amount):,.1f}" if points else f"{abs(amount):,}"
    sign = "+" if amount > 0 else (MINUS if amount < 0 else "")
    return f"{sign}{text}{' percentage points' if points else ''}"


def present(value: Any, limit: int) -> Cell:
    """One value as a cell, suppressed when it is a small count or built from one."""
    if isinstance(value, bool) or value is None:
        return Cell(NOT_APPLICABLE, NOT_APPLICABLE)
    if isinstance(value, int):
        if is_suppressed(value, limit):
            return Cell(SUPPRESSED, SUPPRESSED)
        return Cell(f"{value:,}", value)
    if isinstance(value, Rate):
        if _rate_suppressed(value, limit):
            return Cell(SUPPRESSED, SUPPRESSED)
        if value.percent is None:
            return Cell(NOT_APPLICABLE, NOT_APPLICABLE)
        return Cell(f"{value.percent:.1f}%", value.percent)
    if isinstance(value, Change):
        if _change_suppressed(value, limit):
            return Cell(SUPPRESSED, SUPPRESSED)
        if value.amount is None:
            return Cell(NOT_APPLICABLE, NOT_APPLICABLE)
        return Cell(_signed(value.amount, value.in_points), value.amount)
    if isinstance(value, Decimal):
        return Cell(f"{value}", float(value))
    if isinstance(value, dt.date):
        return Cell(f"{value:%B %Y}", value, numeric=False)
    return Cell(str(value), str(value), numeric=False)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    numeric: bool = True  # right-aligned heading (the first column is always the row's heading)


@dataclass(frozen=True)
class TableSpec:
    slug: str
    title: str
    sheet: str  # an Excel sheet name: at most 31 characters
    columns: list[Column] | Callable[[Filters], list[Column]]
    build: Callable[[Scope, Filters], list[dict]]
    source: str  # where the figures come from, said under the table
    note: str = ""
    shown_for: Callable[[Scope], bool] = field(default=lambda scope: True)
    empty: str = "None in the period."


@dataclass
class Table:
    spec: TableSpec
    columns: list[Column]
    rows: list[dict]
    limit: int

    @property
    def slug(self) -> str:
        return self.spec.slug

    @property
    def title(self) -> str:
        return self.spec.title

    @property
    def dense(self) -> bool:
        """Many columns (days by hours, months): set in a smaller size."""
        return len(self.columns) > 8

    def header(self) -> list[str]:
        return [column.label for column in self.columns]

    def cells(self) -> list[list[Cell]]:
        return [[present(row.get(column.key), self.limit) for column in self.columns] for row in self.rows]

    def value(self, row: dict, key: str) -> Cell:
        return present(row.get(key), self.limit)


def build_table(spec: TableSpec, scope: Scope, filters: Filters) -> Table:
    columns = spec.columns(filters) if callable(spec.columns) else spec.columns
    columns = [Column(column.key, spec_text(column.label), column.numeric) for column in columns]
    return Table(spec=spec, columns=columns, rows=spec.build(scope, filters), limit=threshold())


# --- The tables ----------------------------------------------------------------------------------------

ROLLUPS = "Summary roll-ups"
FACTS = "Per-episode facts"
RECORDS = "Case records, read directly"
SHARE = Column("share", "Share")


def _interviews_shown(scope: Scope) -> bool:
    return scope.shows_interviews


def _regional(scope: Scope) -> bool:
    return scope.kind == "regional"


def _hours(filters: Filters) -> list[Column]:
    return [Column("weekday", "Day"), *(Column(f"h{h:02d}", f"{h:02d}") for h in range(24)), Column("total", "Total")]


def _factor_columns(filters: Filters) -> list[Column]:
    months = [Column(f"{month:%Y-%m}", f"{month:%b %Y}") for month in filters.months]
    return [Column("factor", "Recorded"), *months, Column("total", "Total")]


BREAKDOWN_TITLES = {
    "legal_status": ("Legal status", "By legal status"),
    "age_band": ("Age when last seen", "By age band"),
    "sex": ("Sex", "By sex"),
    "ethnicity_group": ("Ethnicity", "By ethnicity"),
    "placement_type": ("Where the child lives", "By placement type"),
    "area": ("In or out of area", "By in or out of area"),
}

SPECS: list[TableSpec] = [
    TableSpec(
        "headline",
        "Headline figures, with the previous period",
        "Headline",
        [
            Column("measure", "Measure"),
            Column("current", "This period"),
            Column("previous", "Previous period"),
            Column("change", "Change"),
        ],
        figures.headline,
        ROLLUPS,
    ),
    TableSpec(
        "episodes-by-month",
        "Episodes and children by month",
        "Episodes by month",
        [Column("month", "Month"), Column("episodes", "Episodes"), Column("children", "Children")],
        figures.episodes_by_month,
        ROLLUPS,
        note="By the month the child was last seen. A child missing in two months counts in each.",
    ),
    TableSpec(
        "repeat-children",
        "Repeat missing children",
        "Repeat children",
        [
            Column("group", "Episodes in the period"),
            Column("children", "Children"),
            Column("episodes", "Episodes"),
            Column("share", "Share of all episodes"),
        ],
        figures.repeat_children,
        ROLLUPS,
    ),
    TableSpec(
        "duration",
        "How long children were missing",
        "Duration",
        [Column("band", "How long"), Column("episodes", "Episodes"), SHARE],
        figures.duration_bands,
        ROLLUPS,
        note="From the time last seen to the time found or returned.",
    ),
    TableSpec(
        "time-of-day",
        "Day and time children were last seen",
        "Day and time",
        _hours,
        figures.time_of_day,
        ROLLUPS,
        note="Local time. Each column is an hour: 00 is from midnight to 00:59, 13 from 1pm to 1:59pm.",
    ),
    TableSpec(
        "risk-grades",
        "Risk grades",
        "Risk grades",
        [Column("grade", "Risk grade"), Column("episodes", "Episodes"), SHARE],
        figures.risk_grades,
        ROLLUPS,
        note="Each episode's current police risk grade.",
    ),
    *(
        TableSpec(
            f"by-{dimension.replace('_', '-')}",
            heading,
            sheet,
            [
                Column("value", FILTER_LABELS.get(dimension, heading)),
                Column("episodes", "Episodes"),
                Column("children", "Children"),
                SHARE,
            ],
            partial(figures.breakdown, dimension=dimension),
            ROLLUPS,
        )
        for dimension, (heading, sheet) in BREAKDOWN_TITLES.items()
    ),
    *(
        TableSpec(
            f"{which.replace('_', '-')}-places",
            f"Where children were {verb}: places",
            f"{verb.capitalize()} places",
            [Column("place", "Place"), Column("episodes", "Episodes"), Column("children", "Children")],
            partial(figures.places, which=which),
            FACTS,
            note="Places recorded for at least {min_children} different children, written the same way "
            "once capitals and punctuation are set aside.",
        )
        for which, verb in (("last_seen", "last seen"), ("found", "found"))
    ),
    *(
        TableSpec(
            f"{which.replace('_', '-')}-districts",
            f"Where children were {verb}: postcode districts",
            f"{verb.capitalize()} districts",
            [Column("district", "Postcode district"), Column("episodes", "Episodes"), Column("children", "Children")],
            partial(figures.districts, which=which),
            FACTS,
            note="Only where the place was written with a postcode.",
        )
        for which, verb in (("last_seen", "last seen"), ("found", "found"))
    ),
    TableSpec(
        "map",
        "Places on the map",
        "Map",
        [Column("latitude", "Latitude"), Column("longitude", "Longitude"), Column("episodes", "Episodes")],
        figures.map_points,
        RECORDS,
        note="Places in the persons and places records that have coordinates, rounded to about a kilometre.",
        empty="No place linked to these episodes as where a child was last seen or found has coordinates: the map "
        "shows places recorded with a latitude and longitude.",
    ),
    TableSpec(
        "interviews",
        "Return home interviews",
        "Return interviews",
        [Column("measure", "Interviews"), Column("interviews", "Number"), Column("share", "Share of those due")],
        figures.interviews,
        ROLLUPS,
        note="Interviews due in the period, by the month they were due.",
        shown_for=_interviews_shown,
    ),
    TableSpec(
        "factor-trend",
        "Push and pull factors and disclosures over time",
        "Factors by month",
        [
            Column("month", "Month"),
            Column("push", "Push factors"),
            Column("pull", "Pull factors"),
            Column("disclosure", "Disclosures"),
        ],
        figures.factor_trend,
        ROLLUPS,
        note="How many times each kind was recorded in interviews held that month.",
        shown_for=_interviews_shown,
    ),
    *(
        TableSpec(
            f"factors-{kind}",
            title,
            title,
            _factor_columns,
            partial(figures.factors_by_month, kind=kind),
            ROLLUPS,
            shown_for=_interviews_shown,
        )
        for kind, title in figures.factor_kinds()
    ),
    TableSpec(
        "open-referrals",
        "Open referrals",
        "Open referrals",
        [
            Column("to", "Referred to"),
            Column("status", "Status", numeric=False),
            Column("referrals", "Open now"),
            Column("older", "Open more than {referral_days} days"),
        ],
        figures.open_referrals,
        RECORDS,
        note="Open now, whatever the period; the period and risk grade filters do not apply.",
    ),
    TableSpec(
        "by-council",
        "Councils compared",
        "By council",
        [
            Column("council", "Council"),
            Column("episodes", "Episodes"),
            Column("children", "Children"),
            Column("repeat_children", "Repeat children"),
            Column("offered_in_time", "Interviews offered in time"),
        ],
        figures.by_council,
        ROLLUPS,
        shown_for=_regional,
    ),
]
SPEC_BY_SLUG = {spec.slug: spec for spec in SPECS}


def spec_text(text: str) -> str:
    """A title or note with the settings it mentions filled in."""
    return text.format(
        min_children=settings.HOMEWARD_DASHBOARD_PLACE_MIN_CHILDREN,
        referral_days=settings.HOMEWARD_DASHBOARD_REFERRAL_DAYS,
    )


def specs_for(scope: Scope) -> list[TableSpec]:
    return [spec for spec in SPECS if spec.shown_for(scope)]


def all_tables(scope: Scope, filters: Filters) -> dict[str, Table]:
    return {spec.slug: build_table(spec, scope, filters) for spec in specs_for(scope)}
