"""Seeding Homeward from a council's existing SSDA903 return: its Header, Episodes and Missing CSV files.

`import_ssda903(acting_user=..., council=..., header=..., episodes=..., missing=...)` reads the three tables (the
DfE's layout: `returns.ssda903`'s columns, dates dd/mm/yyyy) and, through the apps' own actions, adds

- a child for each Header row the council does not hold yet (`children.actions.add_child`; SSDA903 holds no
  names, so the record is named "Not recorded" / "SSDA903 <CHILD>" until a worker corrects it), with SEX, DOB,
  ETHNIC, UPN, MOTHER and MC_DOB;
- each Episodes row as an episode of care (`returns.actions.record_care_episode`, with its checks of codes,
  dates, postcodes and overlaps);
- each Missing row as a historic missing period (`episodes.actions.record_imported_episode`: it raises no alert
  and opens no return interview).

It is **atomic** (every row is written, or none: any error rolls the whole import back) and **idempotent**: a
child, episode or period Homeward already holds with the same details is left as it is and counted unchanged,
so importing the same files twice changes nothing; one held with *different* details is an error naming the
row, never a silent overwrite. Every problem is reported by file, row (the line in the file, the column names
being line 1) and column, all at once.
"""

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from access.audit import record_event
from access.models import Agency, AuditEvent, User
from children.actions import add_child
from children.codes import Ethnicity, LegalStatus, LivingArrangement, Sex
from children.models import UPN_PATTERN, Child
from episodes.actions import record_imported_episode
from episodes.codes import EpisodeType
from episodes.models import MissingEpisode
from returns.actions import record_care_episode
from returns.models import CareEpisode
from returns.ssda903 import DATE_FORMAT, EPISODE_COLUMNS, HEADER_COLUMNS, MISSING_COLUMNS, format_date, parse_date

SOURCE = "SSDA903"
UNKNOWN_NAME = "Not recorded"
# The fields of record_care_episode, by the Episodes column that feeds each.
EPISODE_FIELDS = {
    "DECOM": "decom",
    "RNE": "rne",
    "LS": "legal_status",
    "CIN": "cin",
    "PLACE": "place",
    "PLACE_PROVIDER": "place_provider",
    "DEC": "dec",
    "REC": "rec",
    "REASON_PLACE_CHANGE": "reason_place_change",
    "HOME_POST": "home_post",
    "PL_POST": "pl_post",
    "URN": "urn",
}
COLUMN_OF = {name: column for column, name in EPISODE_FIELDS.items()}
UNKNOWN_UPNS = {f"UN{n}" for n in range(1, 6)}


@dataclass(frozen=True)
class RowError:
    file: str  # Header, Episodes or Missing
    row: int  # the line in the file: the column names are line 1
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file} row {self.row}, {self.column}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {"file": self.file, "row": self.row, "column": self.column, "message": self.message}


@dataclass
class ImportResult:
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(
            (
                "children_added",
                "children_unchanged",
                "episodes_added",
                "episodes_unchanged",
                "missing_added",
                "missing_unchanged",
            ),
            0,
        )
    )
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed(self) -> bool:
        return any(self.counts[key] for key in ("children_added", "episodes_added", "missing_added"))


class ImportFailed(Exception):
    """Raised inside the import's transaction to roll back everything it wrote."""


@dataclass
class _Row:
    line: int
    values: dict[str, str]


def read_table(name: str, text: str, columns: list[str], errors: list[RowError]) -> list[_Row]:
    """The rows of one CSV table (values stripped), after checking its column names are the DfE's."""
    text = text.removeprefix("\ufeff")
    reader = csv.DictReader(io.StringIO(text))
    found = [column.strip().upper() for column in reader.fieldnames or []]
    missing = [column for column in columns if column not in found]
    if missing:
        errors.append(
            RowError(
                name,
                1,
                ", ".join(missing),
                f"The column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                f"{'are' if len(missing) > 1 else 'is'} missing: the first line must name {', '.join(columns)}",
            )
        )
        return []
    reader.fieldnames = found
    rows = []
    for number, record in enumerate(reader, start=2):
        values = {column: (record.get(column) or "").strip() for column in columns}
        if any(values.values()):
            rows.append(_Row(number, values))
    return rows


def _date(errors: list[RowError], file: str, row: _Row, column: str, *, required: bool) -> dt.date | None:
    text = row.values[column]
    if not text:
        if required:
            errors.append(RowError(file, row.line, column, "Enter a date as dd/mm/yyyy"))
        return None
    day = parse_date(text)
    if day is None:
        errors.append(RowError(file, row.line, column, f"{text!r} is not a real date as dd/mm/yyyy"))
    return day


def _moment(day: dt.date) -> dt.datetime:
    """A date in the return as a time: midday in UK time (the return holds the day only)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def _living_arrangement(place: str) -> str:
    if place.startswith("U"):
        return LivingArrangement.FOSTER_CARE
    if place == "K1":
        return LivingArrangement.SECURE
    if place == "K2":
        return LivingArrangement.CHILDRENS_HOME
    return LivingArrangement.OTHER


@dataclass
class _Child:
    row: _Row
    dob: dt.date | None
    fields: dict[str, object]
    record: Child | None = None


def _check_header(rows: list[_Row], errors: list[RowError]) -> dict[str, _Child]:
    children: dict[str, _Child] = {}
    for row in rows:
        v = row.values
        child_id = v["CHILD"]
        if not child_id:
            errors.append(RowError("Header", row.line, "CHILD", "Enter the council's child ID"))
            continue
        if child_id in children:
            errors.append(
                RowError("Header", row.line, "CHILD", f"{child_id} is already on row {children[child_id].row.line}")
            )
            continue
        sex, ethnic, upn = v["SEX"].upper(), v["ETHNIC"].upper(), v["UPN"].upper()
        if sex not in Sex.values:
            errors.append(RowError("Header", row.line, "SEX", f"{v['SEX']!r} is not M, F or U"))
        if ethnic not in Ethnicity.values:
            errors.append(RowError("Header", row.line, "ETHNIC", f"{v['ETHNIC']!r} is not an ethnicity code"))
        if upn and not UPN_PATTERN.fullmatch(upn):
            errors.append(
                RowError("Header", row.line, "UPN", f"{v['UPN']!r} is not a UPN (a letter and 12 digits, or UN1-UN5)")
            )
        dob = _date(errors, "Header", row, "DOB", required=True)
        mother: bool | None = None
        if v["MOTHER"] not in ("", "0", "1"):
            errors.append(RowError("Header", row.line, "MOTHER", f"{v['MOTHER']!r} is not 1, 0 or blank"))
        elif v["MOTHER"]:
            mother = v["MOTHER"] == "1"
        mc_dob = _date(errors, "Header", row, "MC_DOB", required=False)
        if mc_dob and not mother:
            errors.append(RowError("Header", row.line, "MC_DOB", "A child's child's date of birth needs MOTHER 1"))
        children[child_id] = _Child(
            row,
            dob,
            {
                "la_child_id": child_id,
                "sex": sex,
                "date_of_birth": dob,
                "ethnicity": ethnic,
                "upn": upn,
                "mother": mother,
                "mother_child_dob": mc_dob,
            },
        )
    return children


def _check_references(
    file: str, rows: Iterable[_Row], children: dict[str, _Child], errors: list[RowError]
) -> list[tuple[_Row, _Child]]:
    found = []
    for row in rows:
        child = children.get(row.values["CHILD"])
        if child is None:
            errors.append(
                RowError(file, row.line, "CHILD", f"{row.values['CHILD'] or '(blank)'} is not in the Header table")
            )
        else:
            found.append((row, child))
    return found


def _field_errors(file: str, line: int, exc: ValidationError, columns: dict[str, str]) -> list[RowError]:
    """An action's refusal as row errors, each on the column the field came from."""
    messages = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return [
        RowError(file, line, columns[name], message)
        if name in columns
        else RowError(file, line, "CHILD", message if name == "__all__" else f"{name.replace('_', ' ')}: {message}")
        for name, texts in messages.items()
        for message in texts
    ]


def _add_child(acting_user: User, council: Agency, child: _Child, places: dict[str, str], open_care: set[str]) -> Child:
    fields = child.fields
    child_id = str(fields["la_child_id"])
    return add_child(
        acting_user=acting_user,
        first_name=UNKNOWN_NAME,
        last_name=f"{SOURCE} {child_id}",
        responsible_council_id=council.pk,
        placement_council_id=council.pk,  # the return names no council area: the worker corrects it if placed out
        legal_status=LegalStatus.LOOKED_AFTER if child_id in open_care else LegalStatus.NOT_KNOWN,
        living_arrangement=_living_arrangement(places.get(child_id, "")),
        **fields,
    )


def _same_child(record: Child, child: _Child) -> list[str]:
    """The Header columns on which Homeward's record of the child differs from the file."""
    fields = child.fields
    wanted = {
        "SEX": (record.sex, fields["sex"]),
        "DOB": (record.date_of_birth, fields["date_of_birth"]),
    }
    return [column for column, (held, given) in wanted.items() if held != given]


def _episode_values(row: _Row) -> dict[str, object]:
    values: dict[str, object] = {EPISODE_FIELDS[column]: row.values[column].upper() for column in EPISODE_FIELDS}
    values["decom"] = parse_date(row.values["DECOM"])
    values["dec"] = parse_date(row.values["DEC"]) if row.values["DEC"] else None
    return values


def _text(values: dict[str, object], name: str) -> str:
    return str(values[name] or "")


def _held_episode(held: CareEpisode) -> dict[str, object]:
    return {name: getattr(held, name) for name in EPISODE_FIELDS.values()}


def import_ssda903(*, acting_user: User, council: Agency, header: str, episodes: str, missing: str) -> ImportResult:
    """Import the three tables for `council`, as `acting_user` (the council's coordinator). See the module."""
    result = ImportResult()
    errors = result.errors
    header_rows = read_table("Header", header, HEADER_COLUMNS, errors)
    episode_rows = read_table("Episodes", episodes, EPISODE_COLUMNS, errors)
    missing_rows = read_table("Missing", missing, MISSING_COLUMNS, errors)
    children = _check_header(header_rows, errors)
    care = _check_references("Episodes", episode_rows, children, errors)
    periods = _check_references("Missing", missing_rows, children, errors)
    for row, _ in care:
        _date(errors, "Episodes", row, "DECOM", required=True)
        _date(errors, "Episodes", row, "DEC", required=False)
    checked_periods = []
    for row, child in periods:
        v = row.values
        kind = v["MISSING"].upper()
        if kind not in EpisodeType.values:
            errors.append(RowError("Missing", row.line, "MISSING", f"{v['MISSING']!r} is not M or A"))
        if child.dob and v["DOB"] and parse_date(v["DOB"]) != child.dob:
            errors.append(RowError("Missing", row.line, "DOB", f"{v['DOB']} is not the DOB in the Header table"))
        start = _date(errors, "Missing", row, "MIS_START", required=True)
        end = _date(errors, "Missing", row, "MIS_END", required=False)
        if start and end and end < start:
            errors.append(RowError("Missing", row.line, "MIS_END", "The period ends before it starts"))
        checked_periods.append((row, child, kind, start, end))
    if errors:
        return result  # the files cannot be read: nothing is looked up or written

    # The latest placement of each child, for the new record's living arrangement; who is in care now.
    latest: dict[str, tuple[dt.date, str]] = {}
    open_care: set[str] = set()
    for row, _ in care:
        child_id, decom = row.values["CHILD"], parse_date(row.values["DECOM"])
        assert decom is not None  # checked above
        if child_id not in latest or decom >= latest[child_id][0]:
            latest[child_id] = (decom, row.values["PLACE"].upper())
        if not row.values["DEC"]:
            open_care.add(child_id)
    places = {child_id: place for child_id, (_, place) in latest.items()}

    try:
        with transaction.atomic():
            held = {
                record.la_child_id: record
                for record in Child.objects.filter(responsible_council=council, la_child_id__in=list(children))
            }
            for child_id, child in children.items():
                record = held.get(child_id)
                if record is None:
                    try:
                        with transaction.atomic():
                            child.record = _add_child(acting_user, council, child, places, open_care)
                    except ValidationError as exc:
                        errors.extend(_field_errors("Header", child.row.line, exc, _CHILD_COLUMNS))
                        continue
                    result.counts["children_added"] += 1
                    continue
                differs = _same_child(record, child)
                for column in differs:
                    errors.append(
                        RowError(
                            "Header", child.row.line, column, f"Homeward holds {child_id} with a different {column}"
                        )
                    )
                child.record = record
                if not differs:
                    result.counts["children_unchanged"] += 1
            _import_care(acting_user, care, result)
            _import_missing(acting_user, checked_periods, result)
            if errors:
                raise ImportFailed
            if not result.changed:
                return result  # the same files again: nothing to write, nothing to audit
            record_event(
                actor=acting_user,
                action=AuditEvent.Action.CREATE,
                obj=council,
                summary=f"{SOURCE} imported",
                changes={name: [None, count] for name, count in result.counts.items()},
            )
    except ImportFailed:
        result.counts = ImportResult().counts  # nothing was written
    return result


_CHILD_COLUMNS = {
    "la_child_id": "CHILD",
    "sex": "SEX",
    "date_of_birth": "DOB",
    "ethnicity": "ETHNIC",
    "upn": "UPN",
    "mother": "MOTHER",
    "mother_child_dob": "MC_DOB",
}


def _import_care(acting_user: User, care: list[tuple[_Row, _Child]], result: ImportResult) -> None:
    ordered = sorted(care, key=lambda pair: (pair[1].row.line, parse_date(pair[0].values["DECOM"]) or dt.date.min))
    held: dict[int, dict[dt.date, CareEpisode]] = {}
    pks = {child.record.pk for _, child in ordered if child.record is not None}
    for episode in CareEpisode.objects.filter(child_id__in=pks):
        held.setdefault(episode.child_id, {})[episode.decom] = episode
    for row, child in ordered:
        if child.record is None:
            continue  # the Header row failed
        values = _episode_values(row)
        decom = values["decom"]
        assert isinstance(decom, dt.date)  # checked before any write
        existing = held.get(child.record.pk, {}).get(decom)
        if existing is not None:
            # A blank DEC is the position at the end of the file's year: an end Homeward holds since is news.
            later = ("dec", "rec", "reason_place_change") if values["dec"] is None and existing.dec else ()
            differs = [
                COLUMN_OF[name]
                for name, value in _held_episode(existing).items()
                if value != values[name] and name not in later
            ]
            if differs:
                result.errors.append(
                    RowError(
                        "Episodes",
                        row.line,
                        ", ".join(differs),
                        f"Homeward holds an episode of care starting {row.values['DECOM']} with a different "
                        f"{', '.join(differs)}",
                    )
                )
            else:
                result.counts["episodes_unchanged"] += 1
            continue
        try:
            with transaction.atomic():
                dec = values["dec"]
                record_care_episode(
                    acting_user=acting_user,
                    child=child.record,
                    decom=decom,
                    dec=dec if isinstance(dec, dt.date) else None,
                    **{name: _text(values, name) for name in EPISODE_FIELDS.values() if name not in ("decom", "dec")},
                )
        except ValidationError as exc:
            result.errors.extend(_field_errors("Episodes", row.line, exc, COLUMN_OF))
            continue
        result.counts["episodes_added"] += 1


def _local_day(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(moment) if moment else None


def _import_missing(
    acting_user: User,
    periods: list[tuple[_Row, _Child, str, dt.date | None, dt.date | None]],
    result: ImportResult,
) -> None:
    pks = {child.record.pk for _, child, *_ in periods if child.record is not None}
    held: dict[tuple[int, dt.date, str], list[MissingEpisode]] = {}
    for episode in MissingEpisode.objects.filter(child_id__in=pks):
        key = (episode.child_id, timezone.localdate(episode.last_seen_at), episode.episode_type)
        held.setdefault(key, []).append(episode)
    ordered = sorted(periods, key=lambda period: (period[1].row.line, period[3] or dt.date.min))
    for row, child, kind, start, end in ordered:
        if child.record is None or start is None:
            continue
        same_start = held.get((child.record.pk, start, kind), [])
        if same_start:
            # A blank MIS_END is the position at the end of the file's year: a return Homeward holds since is news.
            if any(end is None or _local_day(episode.returned_at) == end for episode in same_start):
                result.counts["missing_unchanged"] += 1
            else:
                result.errors.append(
                    RowError(
                        "Missing",
                        row.line,
                        "MIS_END",
                        f"Homeward holds a period of type {kind} starting {format_date(start)} that ends "
                        f"{format_date(_local_day(same_start[0].returned_at)) or 'not yet'}",
                    )
                )
            continue
        try:
            with transaction.atomic():
                record_imported_episode(
                    acting_user=acting_user,
                    child=child.record,
                    episode_type=kind,
                    last_seen_at=_moment(start),
                    returned_at=_moment(end) if end else None,
                    source=SOURCE,
                )
        except ValidationError as exc:
            columns = {"last_seen_at": "MIS_START", "returned_at": "MIS_END", "episode_type": "MISSING"}
            result.errors.extend(_field_errors("Missing", row.line, exc, columns))
            continue
        result.counts["missing_added"] += 1


__all__ = ["DATE_FORMAT", "ImportResult", "RowError", "import_ssda903", "read_table"]
