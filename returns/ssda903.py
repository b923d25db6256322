"""The SSDA903 return (children looked after, England): Header, Episodes and Missing tables.

`build_return(council, year)` reads a council's records for collection year `year` (1 April `year` to
31 March `year + 1`; 2025 is "2025/26") in a fixed number of queries, whatever the number of children,
and gives the three tables as lists of dicts whose keys are the DfE's column names in the DfE's order.
`write_csv` writes them as Header.csv, Episodes.csv and Missing.csv.

The return shows the position at the end of the year: an episode of care or a missing period that
ended after 31 March is written as still open (DEC / MIS_END blank), and the checks in
`returns.validation` see it that way too.
"""

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from access.models import Agency
from children.codes import Sex
from children.models import Child
from core.spreadsheets import safe_cell
from episodes.models import MissingEpisode
from returns.models import CareEpisode
from returns.periods import PeriodOfCare, periods_by_child

HEADER_COLUMNS = ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]
EPISODE_COLUMNS = [
    "CHILD",
    "DECOM",
    "RNE",
    "LS",
    "CIN",
    "PLACE",
    "PLACE_PROVIDER",
    "DEC",
    "REC",
    "REASON_PLACE_CHANGE",
    "HOME_POST",
    "PL_POST",
    "URN",
]
MISSING_COLUMNS = ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"]
TABLE_COLUMNS = {"Header": HEADER_COLUMNS, "Episodes": EPISODE_COLUMNS, "Missing": MISSING_COLUMNS}
DATE_FORMAT = "%d/%m/%Y"
MOTHER_MIN_AGE = 12  # the DfE asks whether a looked-after girl of 12 or more is a mother


def format_date(day: dt.date | None) -> str:
    return day.strftime(DATE_FORMAT) if day else ""


def parse_date(text: str) -> dt.date | None:
    """A dd/mm/yyyy date, or None when the text is not a real date in that form."""
    try:
        return dt.datetime.strptime(text or "", DATE_FORMAT).date()  # noqa: DTZ007 - a date, no time
    except ValueError:
        return None


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def eighteenth_birthday(born: dt.date) -> dt.date:
    try:
        return born.replace(year=born.year + 18)
    except ValueError:  # born on 29 February: the birthday falls on 1 March in a common year
        return dt.date(born.year + 18, 3, 1)


@dataclass(frozen=True)
class CollectionYear:
    """1 April `year` to 31 March `year + 1`."""

    year: int

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 4, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year + 1, 3, 31)

    @property
    def label(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d}"

    @property
    def starts_at(self) -> dt.datetime:
        """The first moment of the year in Homeward's time zone."""
        return timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))

    @property
    def ends_before(self) -> dt.datetime:
        """The first moment after the year."""
        return timezone.make_aware(dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min))


@dataclass(frozen=True)
class CareSpan:
    """One care episode as at the end of the year (an episode that ended later is still open)."""

    pk: int
    child_id: int
    decom: dt.date
    dec: dt.date | None
    rec: str


@dataclass
class Ssda903Return:
    council: Agency
    year: CollectionYear
    header: list[dict[str, str]] = field(default_factory=list)
    episodes: list[dict[str, str]] = field(default_factory=list)
    missing: list[dict[str, str]] = field(default_factory=list)
    # Not written to the files: where each row came from, for naming the record behind a failure,
    # and each child's care history up to the end of the year, which the checks need and the
    # Episodes table (this year's episodes only) does not hold in full.
    header_child_pks: list[int] = field(default_factory=list)
    episode_refs: list[tuple[int, int]] = field(default_factory=list)  # (child pk, care episode pk)
    missing_refs: list[tuple[int, int]] = field(default_factory=list)  # (child pk, missing episode pk)
    periods: dict[str, list[PeriodOfCare]] = field(default_factory=dict)  # keyed by CHILD

    def tables(self) -> dict[str, list[dict[str, str]]]:
        return {"Header": self.header, "Episodes": self.episodes, "Missing": self.missing}


def children_in_return(council: Agency, year: CollectionYear) -> QuerySet[Child]:
    """The children the council is responsible for who were looked after at any time in the year."""
    in_care = CareEpisode.objects.overlapping(year.start, year.end).filter(child=OuterRef("pk"))
    return Child.objects.filter(Exists(in_care), responsible_council=council)


def build_return(council: Agency, year: int | CollectionYear) -> Ssda903Return:
    """The three tables for one council and collection year, from three queries."""
    year = year if isinstance(year, CollectionYear) else CollectionYear(year)
    result = Ssda903Return(council=council, year=year)
    children = list(
        children_in_return(council, year)
        .order_by("la_child_id", "pk")
        .values("pk", "la_child_id", "sex", "date_of_birth", "ethnicity", "upn", "mother", "mother_child_dob")
    )
    child_ids = children_in_return(council, year).values("pk")
    spans: list[CareSpan] = []
    episode_rows: dict[int, list[tuple[int, dict[str, str]]]] = {}
    for episode in (
        CareEpisode.objects.filter(child_id__in=child_ids, decom__lte=year.end)
        .order_by("child_id", "decom", "pk")
        .values(
            "pk",
            "child_id",
            "decom",
            "rne",
            "legal_status",
            "cin",
            "place",
            "place_provider",
            "dec",
            "rec",
            "reason_place_change",
            "home_post",
            "pl_post",
            "urn",
        )
    ):
        ended = episode["dec"] is not None and episode["dec"] <= year.end
        spans.append(
            CareSpan(
                pk=episode["pk"],
                child_id=episode["child_id"],
                decom=episode["decom"],
                dec=episode["dec"] if ended else None,
                rec=episode["rec"] if ended else "",
            )
        )
        if ended and episode["dec"] < year.start:
            continue  # before this year: history for the checks, not a row of this return
        episode_rows.setdefault(episode["child_id"], []).append(
            (
                episode["pk"],
                {
                    "DECOM": format_date(episode["decom"]),
                    "RNE": episode["rne"].upper(),
                    "LS": episode["legal_status"].upper(),
                    "CIN": episode["cin"].upper(),
                    "PLACE": episode["place"].upper(),
                    "PLACE_PROVIDER": episode["place_provider"].upper(),
                    "DEC": format_date(episode["dec"]) if ended else "",
                    "REC": episode["rec"].upper() if ended else "",
                    "REASON_PLACE_CHANGE": episode["reason_place_change"].upper() if ended else "",
                    "HOME_POST": episode["home_post"].upper(),
                    "PL_POST": episode["pl_post"].upper(),
                    "URN": episode["urn"].upper(),
                },
            )
        )
    periods = periods_by_child(spans)

    missing_rows: dict[int, list[tuple[int, dict[str, str]]]] = {}
    for period in (
        MissingEpisode.objects.filter(child_id__in=child_ids, last_seen_at__lt=year.ends_before)
        .filter(Q(returned_at__isnull=True) | Q(returned_at__gte=year.starts_at))
        .order_by("child_id", "last_seen_at", "pk")
        .values("pk", "child_id", "episode_type", "last_seen_at", "returned_at")
    ):
        returned = period["returned_at"]
        end = timezone.localdate(returned) if returned and returned < year.ends_before else None
        missing_rows.setdefault(period["child_id"], []).append(
            (
                period["pk"],
                {
                    "MISSING": (period["episode_type"] or "").upper(),
                    "MIS_START": format_date(timezone.localdate(period["last_seen_at"])),
                    "MIS_END": format_date(end),
                },
            )
        )

    for child in children:
        child_id = child["la_child_id"]
        dob = format_date(child["date_of_birth"])
        child_periods = periods.get(child["pk"], [])
        result.periods[child_id] = child_periods
        result.header.append(
            {
                "CHILD": child_id,
                "SEX": child["sex"].upper(),
                "DOB": dob,
                "ETHNIC": child["ethnicity"].upper(),
                "UPN": child["upn"].upper(),
                **_mother_columns(child, child_periods, year),
            }
        )
        result.header_child_pks.append(child["pk"])
        for pk, row in episode_rows.get(child["pk"], []):
            result.episodes.append({"CHILD": child_id, **row})
            result.episode_refs.append((child["pk"], pk))
        for pk, row in missing_rows.get(child["pk"], []):
            result.missing.append({"CHILD": child_id, "DOB": dob, **row})
            result.missing_refs.append((child["pk"], pk))
    return result


def _mother_columns(child: dict, periods: list[PeriodOfCare], year: CollectionYear) -> dict[str, str]:
    """MOTHER (1 or 0) and MC_DOB, asked only of a girl who was 12 or more while looked after this year."""
    blank = {"MOTHER": "", "MC_DOB": ""}
    if child["sex"] != Sex.FEMALE or not periods:
        return blank
    last_in_care = min(year.end, max(p.end or year.end for p in periods))
    if age_on(child["date_of_birth"], last_in_care) < MOTHER_MIN_AGE or child["mother"] is None:
        return blank
    if child["mother"]:
        return {"MOTHER": "1", "MC_DOB": format_date(child["mother_child_dob"])}
    return {"MOTHER": "0", "MC_DOB": ""}


FILE_NAMES = {"Header": "Header.csv", "Episodes": "Episodes.csv", "Missing": "Missing.csv"}


def write_csv(tables: dict[str, list[dict[str, str]]], out_dir: str | Path) -> list[Path]:
    """Write each table as UTF-8 CSV with LF line endings, the column names first; return the paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, file_name in FILE_NAMES.items():
        path = out / file_name
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(
                handle, fieldnames=TABLE_COLUMNS[name], lineterminator="\n", quoting=csv.QUOTE_MINIMAL
            )
            writer.writeheader()
            writer.writerows({column: safe_cell(value) for column, value in row.items()} for row in tables[name])
        written.append(path)
    return written
