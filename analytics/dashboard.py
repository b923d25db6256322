"""The dashboard page as sections of panels: each panel a chart and the table with the same numbers."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.safestring import SafeString

from analytics import charts
from analytics.filters import Filters, Scope, query_string
from analytics.tables import Table, all_tables, spec_text

WIDE = {
    "episodes-by-month",
    "time-of-day",
    "factor-trend",
    "factors-push",
    "factors-pull",
    "factors-disclosure",
    "by-council",
}


@dataclass
class Panel:
    table: Table
    chart: SafeString | None
    note: str
    csv_url: str
    xlsx_url: str
    wide: bool = False
    titled: bool = True  # False when the panel is its section's only one: the section heading names it

    @property
    def slug(self) -> str:
        return self.table.slug

    @property
    def title(self) -> str:
        return self.table.title

    @property
    def source(self) -> str:
        return self.table.spec.source


@dataclass
class Section:
    heading: str
    slug: str
    intro: str = ""
    panels: list[Panel] = field(default_factory=list)


def _month_labels(filters: Filters) -> list[str]:
    return [f"{month:%b %y}" for month in filters.months]


def _bars(label_key: str, value_key: str, unit: str) -> Callable[[Table], SafeString]:
    def chart(table: Table) -> SafeString:
        items = [(str(row[label_key]), row[value_key]) for row in table.rows]
        return charts.bar_chart(f"chart-{table.slug}", table.title, items, table.limit, unit)

    return chart


def _months_chart(filters: Filters) -> Callable[[Table], SafeString]:
    def chart(table: Table) -> SafeString:
        return charts.month_chart(
            f"chart-{table.slug}",
            table.title,
            _month_labels(filters),
            charts.Series("Episodes", [row["episodes"] for row in table.rows], "hw-chart__series--1"),
            charts.Series("Children", [row["children"] for row in table.rows], "hw-chart__series--2"),
            table.limit,
        )

    return chart


def _factor_chart(filters: Filters) -> Callable[[Table], SafeString]:
    def chart(table: Table) -> SafeString:
        series = [
            charts.Series(name, [row[key] for row in table.rows], f"hw-chart__series--{n}", marker)
            for n, (key, name, marker) in enumerate(
                [
                    ("push", "Push factors", "circle"),
                    ("pull", "Pull factors", "square"),
                    ("disclosure", "Disclosures", "diamond"),
                ],
                start=1,
            )
        ]
        return charts.line_chart(f"chart-{table.slug}", table.title, _month_labels(filters), series, table.limit)

    return chart


def _heatmap(table: Table) -> SafeString:
    return charts.heatmap(f"chart-{table.slug}", table.title, table.rows, table.limit)


def _map(table: Table) -> SafeString | None:
    return charts.map_chart(f"chart-{table.slug}", table.title, table.rows, table.limit) if table.rows else None


SECTIONS: list[tuple[str, str, str, list[str]]] = [
    ("Headline figures", "headline", "", ["headline"]),
    ("Episodes and children", "episodes", "", ["episodes-by-month", "repeat-children"]),
    ("How long, and when", "when", "", ["duration", "time-of-day"]),
    ("Risk", "risk", "", ["risk-grades"]),
    (
        "Who went missing",
        "who",
        "Characteristics are those on each child's record now; age is the child's age when last seen.",
        ["by-legal-status", "by-age-band", "by-sex", "by-ethnicity-group", "by-placement-type", "by-area"],
    ),
    (
        "Where children were last seen and found",
        "where",
        "",
        ["last-seen-places", "last-seen-districts", "found-places", "found-districts", "map"],
    ),
    ("Return home interviews", "interviews", "", ["interviews"]),
    (
        "Why children went missing, and what they disclosed",
        "factors",
        "From the return home interviews held in each month.",
        ["factor-trend", "factors-push", "factors-pull", "factors-disclosure"],
    ),
    (
        "Open work",
        "open-work",
        "Homeward does not record meetings and their actions yet, so open work is shown as the referrals to "
        "the MASH and the exploitation team that are still open.",
        ["open-referrals"],
    ),
    ("Councils compared", "councils", "", ["by-council"]),
]


def build_sections(scope: Scope, filters: Filters, download_view: str, view_kwargs: dict) -> list[Section]:
    tables = all_tables(scope, filters)
    query = query_string(scope, filters)
    drawers: dict[str, Callable[[Table], SafeString | None]] = {
        "episodes-by-month": _months_chart(filters),
        "repeat-children": _bars("group", "children", "children"),
        "duration": _bars("band", "episodes", "episodes"),
        "time-of-day": _heatmap,
        "risk-grades": _bars("grade", "episodes", "episodes"),
        "last-seen-places": _bars("place", "episodes", "episodes"),
        "found-places": _bars("place", "episodes", "episodes"),
        "last-seen-districts": _bars("district", "episodes", "episodes"),
        "found-districts": _bars("district", "episodes", "episodes"),
        "map": _map,
        "interviews": _bars("measure", "interviews", "return interviews"),
        "factor-trend": _factor_chart(filters),
        "factors-push": _bars("factor", "total", "times recorded"),
        "factors-pull": _bars("factor", "total", "times recorded"),
        "factors-disclosure": _bars("factor", "total", "times recorded"),
        "by-council": _bars("council", "episodes", "episodes"),
        **{
            slug: _bars("value", "episodes", "episodes")
            for slug in tables
            if slug.startswith("by-") and slug != "by-council"
        },
    }
    sections = []
    for heading, slug, intro, slugs in SECTIONS:
        section = Section(heading=heading, slug=slug, intro=intro)
        for table_slug in slugs:
            table = tables.get(table_slug)
            if table is None:
                continue
            drawer = drawers.get(table_slug)
            chart = drawer(table) if drawer and table.rows else None
            urls = {
                fmt: reverse(download_view, kwargs={**view_kwargs, "slug": table_slug, "fmt": fmt}) + f"?{query}"
                for fmt in ("csv", "xlsx")
            }
            section.panels.append(
                Panel(
                    table=table,
                    chart=chart,
                    note=spec_text(table.spec.note),
                    csv_url=urls["csv"],
                    xlsx_url=urls["xlsx"],
                    wide=table_slug in WIDE,
                )
            )
        if len(section.panels) == 1:
            section.panels[0].titled = False
        if section.panels:
            sections.append(section)
    return sections
