"""The SSDA903 return (children looked after, England): Header, Episodes and Missing tables.

`build_return(council, year)` reads a council's records for collection year `year` (1 April `year` to
31 March `year + 1`; 2025 is "2025/26") in two queries, whatever the number of children,
and gives the three tables as lists of dicts whose keys are the DfE's column names in the DfE's order.
`write_csv` writes them as Header.csv, Episodes.csv and Missing.csv.

The return shows the position at the end of the year: an episode of care or a missing period that
ended after 31 March is written as still open (DEC / MIS_END blank), and the checks in
`returns.validation` see it that way too.
"""

import csv
import datetime as dt
import gc
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple, TextIO

from django.db import connections
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone

from access.models import Agency
from children.codes import Sex
from core.spreadsheets import safe_cell
from episodes.models import MissingEpisode
from returns.models import CareEpisode
from returns.periods import PeriodOfCare, periods_of_care

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


class CareSpan(NamedTuple):
    """One care episode as at the end of the year (an episode that ended later is still open).

    A named tuple, not a dataclass: a large council's return makes tens of thousands of them."""

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
    periods: Mapping[str, list[PeriodOfCare]] = field(default_factory=dict)  # keyed by CHILD (`CareHistory`)

    def tables(self) -> dict[str, list[dict[str, str]]]:
        return {"Header": self.header, "Episodes": self.episodes, "Missing": self.missing}


CARE_FIELDS = (
    "child_id",
    "child__la_child_id",
    "child__sex",
    "child__date_of_birth",
    "child__ethnicity",
    "child__upn",
    "child__mother",
    "child__mother_child_dob",
    "pk",
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
DATE_FIELDS = frozenset({"child__date_of_birth", "child__mother_child_dob", "decom", "dec"})


class CareHistory(Mapping[str, list[PeriodOfCare]]):
    """The return's children's periods of care up to the end of the year, by CHILD (an episode that ended after
    the year as still open), read and made when first asked for.

    Only the checks read them, and only for the children with a missing period; the tables need only the
    episodes open on a day of the year. So the build reads those alone, and the first question here reads the
    children's whole care histories, in one query of five columns: a build no longer fetches every earlier
    episode's thirteen columns (four in ten of the rows of a large council) for tables that never show them,
    nor makes objects (episodes, periods, lists) that outlive it and set the collector off."""

    def __init__(self, council: Agency, year: CollectionYear) -> None:
        self.council = council
        self.year = year
        self.children: dict[str, int] = {}  # CHILD -> child pk, in the return's order
        self._rows: list[tuple[Any, ...]] | None = None
        self._ranges: dict[int, tuple[int, int]] = {}  # child pk -> its rows: rows[first:stop]
        self._made: dict[str, list[PeriodOfCare]] = {}

    def _read(self) -> list[tuple[Any, ...]]:
        query = CareEpisode.objects.filter(child__responsible_council=self.council, decom__lte=self.year.end)
        text_dates = _text_dates(query)
        rows = _fetch(
            query.order_by("child_id", "decom", "pk").values_list(
                "pk",
                "child_id",
                _text("decom") if text_dates else "decom",
                _text("dec") if text_dates else "dec",
                "rec",
            )
        )
        if text_dates:  # SQLite: ISO text to dates
            rows = [(pk, child, _as_date(decom), _to_date(dec), rec) for pk, child, decom, dec, rec in rows]
        position = 0
        for child_pk, child_rows in groupby(rows, key=itemgetter(1)):
            first = position
            position += sum(1 for _ in child_rows)
            self._ranges[child_pk] = (first, position)
        return rows

    def __getitem__(self, child: str) -> list[PeriodOfCare]:
        made = self._made.get(child)
        if made is None:
            child_pk = self.children[child]
            if self._rows is None:
                self._rows = self._read()
            first, stop = self._ranges.get(child_pk, (0, 0))
            end = self.year.end
            made = self._made[child] = periods_of_care(
                CareSpan(pk, child_pk, decom, dec, rec)
                if dec is not None and dec <= end
                else CareSpan(pk, child_pk, decom, None, "")
                for pk, _, decom, dec, rec in self._rows[first:stop]
            )
        return made

    def __iter__(self) -> Iterator[str]:
        return iter(self.children)

    def __len__(self) -> int:
        return len(self.children)


class DateTexts(dict[dt.date | str | None, str]):
    """Dates as dd/mm/yyyy text (None as blank), each formatted once: `texts[day]`; a day may also be given as
    ISO text (yyyy-mm-dd, as SQLite stores it).

    A return's tens of thousands of dates fall on a few thousand days; a dict lookup is much cheaper
    than `strftime`, and `__missing__` keeps the lookup in C for every day already seen."""

    def __missing__(self, day: dt.date | str | None) -> str:
        text = self[day] = format_date(dt.date.fromisoformat(day) if isinstance(day, str) else day)
        return text


def _to_date(day: dt.date | str | None) -> dt.date | None:
    """A date given as a date or as ISO text (SQLite's rows), as a date."""
    return dt.date.fromisoformat(day) if isinstance(day, str) else day


def _as_date(day: dt.date | str) -> dt.date:
    return dt.date.fromisoformat(day) if isinstance(day, str) else day


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector, and turn it back on after if it was on.

    Building a large council's return keeps every row it makes (hundreds of thousands of objects), so the
    collector, triggered by the allocations, scans a growing heap again and again for cycles the build
    never makes: about a third of the Python time on the national set. Reference counting still frees
    everything the build discards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_DATE_TEXTS = DateTexts()
DATE_TEXTS_KEPT = 200_000  # about 550 years of days: every date a return holds, in a few megabytes


def _date_texts() -> DateTexts:
    """The dates formatted by earlier returns in this process, kept for the next (a date's text never changes);
    emptied if it ever grows past DATE_TEXTS_KEPT, so it cannot grow without bound."""
    if len(_DATE_TEXTS) > DATE_TEXTS_KEPT:
        _DATE_TEXTS.clear()
    return _DATE_TEXTS


def build_return(council: Agency, year: int | CollectionYear) -> Ssda903Return:
    """The three tables for one council and collection year, from two queries (see `_build`).

    A command building a large return may wrap this in `collector_paused()`; a request never does (it would
    change the interpreter's state for every other request the process serves)."""
    return _build(council, year if isinstance(year, CollectionYear) else CollectionYear(year))


def _fetch(queryset: QuerySet[Any, Any]) -> list[tuple[Any, ...]]:
    """A `values_list` queryset's rows straight from the driver in one fetch, without Django's converters.

    The SQL still runs on Django's cursor, so it is counted and logged like any other query. psycopg already
    gives dates, booleans and text as Python values, and Django's converters for these columns there only
    confirm it (`TruncDate`'s checks that a date is not a datetime): about a microsecond a row, and the
    iterator's fetches of 100 rows at a time, for nothing. On SQLite the queries ask for their dates and times
    as text (`_text`), which the driver then gives unparsed."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _text(field: str) -> Cast:
    """A date or time column as the text SQLite stores (ISO 8601; times in UTC).

    Django's SQLite connection parses every column declared `date` or `datetime` as it is fetched (the
    driver's declared-type converters, in Python: several microseconds a value); an expression has no
    declared type, so the driver leaves its text alone and the build parses only what it needs."""
    return Cast(field, output_field=CharField())


def _text_dates(queryset: QuerySet[Any, Any]) -> bool:
    """Whether the return's queries read dates as ISO text (SQLite) rather than as dates (PostgreSQL)."""
    return connections[queryset.db].vendor == "sqlite"


def _build(council: Agency, year: CollectionYear) -> Ssda903Return:
    """The three tables, from two queries.

    The children in the return are not selected by a query of their own (a semi-join of the council's
    children against every care episode, which each table's query used to repeat): the first query
    reads the council's care episodes open on a day of the year with their child's columns, in the
    return's order, so a child is in the return when it has a row there. The second reads the council's
    missing periods that touch the year in the same child order, and keeps those of the return's children.
    Rows are built straight from the tuples, with each date formatted once. The children's whole care
    histories, which only the checks need, are read when first asked for (`CareHistory`). On SQLite dates and
    times are read as the text SQLite stores and parsed only where needed (`_text`, `LocalDays`).
    """
    result = Ssda903Return(council=council, year=year)
    day = _date_texts()
    ordered = (
        CareEpisode.objects.filter(child__responsible_council=council, decom__lte=year.end)
        .filter(Q(dec__isnull=True) | Q(dec__gte=year.start))
        .order_by("child__la_child_id", "child_id", "decom", "pk")
    )
    text_dates = _text_dates(ordered)
    # On SQLite the dates stay ISO text, which compares as the dates do: the year's bounds are compared as text.
    start, end = (year.start.isoformat(), year.end.isoformat()) if text_dates else (year.start, year.end)
    care = ordered.values_list(*(_text(name) if text_dates and name in DATE_FIELDS else name for name in CARE_FIELDS))
    header, header_pks, episodes, episode_refs = (
        result.header,
        result.header_child_pks,
        result.episodes,
        result.episode_refs,
    )
    history = CareHistory(council, year)
    result.periods = history
    in_return = history.children
    kids: dict[int, tuple[str, str]] = {}  # the return's children: pk -> (CHILD, DOB)
    for child_pk, child_rows in groupby(_fetch(care), key=itemgetter(0)):
        until = start  # the child's last day looked after up to the end of the year
        for row in child_rows:
            (
                _,
                child_id,
                sex,
                born,
                ethnicity,
                upn,
                mother,
                mother_child_dob,
                pk,
                decom,
                rne,
                ls,
                cin,
                place,
                provider,
                dec,
                rec,
                reason,
                home_post,
                pl_post,
                urn,
            ) = row
            if dec is None or dec > end:  # open at the end of the year (whatever happened after)
                until = end
                episodes.append(
                    {
                        "CHILD": child_id,
                        "DECOM": day[decom],
                        "RNE": rne.upper(),
                        "LS": ls.upper(),
                        "CIN": cin.upper(),
                        "PLACE": place.upper(),
                        "PLACE_PROVIDER": provider.upper(),
                        "DEC": "",
                        "REC": "",
                        "REASON_PLACE_CHANGE": "",
                        "HOME_POST": home_post.upper(),
                        "PL_POST": pl_post.upper(),
                        "URN": urn.upper(),
                    }
                )
                episode_refs.append((child_pk, pk))
                continue
            if dec > until:
                until = dec
            episodes.append(
                {
                    "CHILD": child_id,
                    "DECOM": day[decom],
                    "RNE": rne.upper(),
                    "LS": ls.upper(),
                    "CIN": cin.upper(),
                    "PLACE": place.upper(),
                    "PLACE_PROVIDER": provider.upper(),
                    "DEC": day[dec],
                    "REC": rec.upper(),
                    "REASON_PLACE_CHANGE": reason.upper(),
                    "HOME_POST": home_post.upper(),
                    "PL_POST": pl_post.upper(),
                    "URN": urn.upper(),
                }
            )
            episode_refs.append((child_pk, pk))
        in_return[child_id] = child_pk
        dob = kids[child_pk] = (child_id, day[born])
        is_mother, child_dob = (
            _mother_columns(_as_date(born), mother, day[mother_child_dob], _as_date(until))
            if sex == FEMALE
            else NOT_ASKED
        )
        header.append(
            {
                "CHILD": child_id,
                "SEX": sex.upper(),
                "DOB": dob[1],
                "ETHNIC": ethnicity.upper(),
                "UPN": upn.upper(),
                "MOTHER": is_mother,
                "MC_DOB": child_dob,
            }
        )
        header_pks.append(child_pk)
    _add_missing(result, kids, day, text_dates)
    return result


def _add_missing(result: Ssda903Return, kids: dict[int, tuple[str, str]], day: DateTexts, text_dates: bool) -> None:
    """The Missing table: the council's missing periods that touch the year, in the return's child order (the
    care query's), kept for the return's children (`kids`: pk -> CHILD and DOB).

    Each time is written as its UK date. On PostgreSQL the database turns it (`TruncDate` in the current time
    zone), so the rows carry plain dates: loading a time with its zone and converting it in Python cost about
    20 microseconds a value, most of the return's time for a large council. SQLite has no time zones: Django's
    `TruncDate` there calls a Python function for every value, parsing and converting it, and then parses the
    date it gave back; instead the times come as the UTC text SQLite stores and are turned here (`_uk_days`),
    a few times cheaper and the same dates. A period that ended after the year (its UK end date after
    31 March) is written open."""
    year = result.year
    zone = timezone.get_current_timezone()
    last_day = year.end
    missing, missing_refs = result.missing, result.missing_refs
    query = (
        MissingEpisode.objects.filter(child__responsible_council=result.council, last_seen_at__lt=year.ends_before)
        .filter(Q(returned_at__isnull=True) | Q(returned_at__gte=year.starts_at))
        .order_by("child__la_child_id", "child_id", "last_seen_at", "pk")
    )
    if text_dates:
        rows: Iterable[tuple[Any, ...]] = _uk_days(
            _fetch(query.values_list("pk", "child_id", "episode_type", _text("last_seen_at"), _text("returned_at"))),
            zone,
        )
    else:
        rows = _fetch(
            query.annotate(
                start_day=TruncDate("last_seen_at", tzinfo=zone), end_day=TruncDate("returned_at", tzinfo=zone)
            ).values_list("pk", "child_id", "episode_type", "start_day", "end_day")
        )
    for pk, child_pk, episode_type, started, returned in rows:
        child = kids.get(child_pk)
        if child is None:
            continue  # not in the return
        missing.append(
            {
                "CHILD": child[0],
                "DOB": child[1],
                "MISSING": (episode_type or "").upper(),
                "MIS_START": day[started],
                "MIS_END": day[returned] if returned is not None and returned <= last_day else "",
            }
        )
        missing_refs.append((child_pk, pk))


class LocalDays(dict[str, tuple[str | None, dt.date, dt.date]]):
    """For each UTC day (its ISO text), where its times fall in `zone`: `(boundary, before, after)`, a time of day
    earlier than `boundary` (HH:MM:SS text) falling on the local date `before` and a later one on `after`
    (boundary None: no single boundary was found, convert each time).

    A UTC day spans at most two local dates (one where the zone is ahead of UTC, as London is in summer, from
    local midnight on). The boundary is local midnight in UTC, checked against the zone on both sides of it and at
    both ends of the day; so a time is placed by comparing texts, about a tenth of the cost of parsing and
    converting it, and a return's times fall on a few hundred days."""

    def __init__(self, zone: dt.tzinfo) -> None:
        super().__init__()
        self.zone = zone

    def __missing__(self, utc_day: str) -> tuple[str | None, dt.date, dt.date]:
        zone, utc = self.zone, dt.UTC
        midnight = dt.datetime.combine(dt.date.fromisoformat(utc_day), dt.time.min, tzinfo=utc)
        last = midnight + dt.timedelta(days=1, microseconds=-1)
        before, after = midnight.astimezone(zone).date(), last.astimezone(zone).date()
        boundary: str | None = "99"  # after every time of the day
        if before != after:
            local_midnight = dt.datetime.combine(after, dt.time.min, tzinfo=zone).astimezone(utc)
            just_before = local_midnight - dt.timedelta(microseconds=1)
            boundary = (
                local_midnight.time().isoformat()
                if midnight < local_midnight <= last
                and local_midnight.astimezone(zone).date() == after
                and just_before.astimezone(zone).date() == before
                else None
            )
        days = self[utc_day] = (boundary, before, after)
        return days

    def day(self, utc_time: str) -> dt.date:
        """The local date of a time stored as UTC text (YYYY-MM-DD HH:MM:SS[.ffffff], as Django writes it)."""
        boundary, before, after = self[utc_time[:10]]
        if boundary is None:
            return dt.datetime.fromisoformat(utc_time).replace(tzinfo=dt.UTC).astimezone(self.zone).date()
        return before if utc_time[11:] < boundary else after


def _uk_days(rows: list[tuple[Any, ...]], zone: dt.tzinfo) -> Iterator[tuple[Any, ...]]:
    """SQLite's missing rows with their start and end times (UTC text, or None) as dates in `zone`, as
    PostgreSQL's `TruncDate` gives them."""
    local = LocalDays(zone)
    day = local.day
    for pk, child_pk, episode_type, started, returned in rows:
        yield pk, child_pk, episode_type, day(started), None if returned is None else day(returned)


FEMALE = str(Sex.FEMALE)
NOT_ASKED = ("", "")


def _mother_columns(born: dt.date, mother: bool | None, child_dob: str, last_in_care: dt.date) -> tuple[str, str]:
    """MOTHER (1 or 0) and MC_DOB of a girl, asked only if she was 12 or more on her last day looked after this
    year (the end of the year, or the last end of an episode, whichever is earlier)."""
    if age_on(born, last_in_care) < MOTHER_MIN_AGE or mother is None:
        return NOT_ASKED
    if mother:
        return ("1", child_dob)
    return ("0", "")


FILE_NAMES = {"Header": "Header.csv", "Episodes": "Episodes.csv", "Missing": "Missing.csv"}


def write_table(handle: TextIO, columns: list[str], rows: list[dict[str, str]]) -> None:
    """One table as CSV with LF line endings, the column names first (the DfE's layout)."""
    writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writeheader()
    writer.writerows({column: safe_cell(value) for column, value in row.items()} for row in rows)


def write_csv(tables: dict[str, list[dict[str, str]]], out_dir: str | Path) -> list[Path]:
    """Write each table as UTF-8 CSV (write_table) in `out_dir`; return the paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, file_name in FILE_NAMES.items():
        path = out / file_name
        with path.open("w", encoding="utf-8", newline="") as handle:
            write_table(handle, TABLE_COLUMNS[name], tables[name])
        written.append(path)
    return written
