"""Reading police notifications: the one field list (docs/integration.md, docs/schemas/police-notification.schema.json),
CSV and JSON Lines read a row at a time (memory stays flat however large the file), and the per-row, per-field
checks. Nothing here touches the database: `check_row` turns a row of text into a `ParsedNotification` or a list
of (field, message) errors."""

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import IO, Any

from django.utils import timezone

from children.codes import Sex
from children.models import UPN_PATTERN
from core.validation import latest_allowed_time
from episodes.codes import EpisodeType, FoundBy, MissingFrom, RiskGrade
from intake.models import Kind

# Every field, in the CSV's column order. The JSON Schema (docs/schemas/) lists the same names.
FIELDS = (
    "kind",
    "force_code",
    "police_reference",
    "event_at",
    "council_code",
    "council_child_id",
    "upn",
    "nhs_number",
    "first_name",
    "last_name",
    "date_of_birth",
    "sex",
    "address",
    "postcode",
    "placement",
    "episode_type",
    "missing_from",
    "last_seen_at",
    "last_seen_place",
    "reported_at",
    "reported_by",
    "risk_grade",
    "sighting",
    "returned_at",
    "found_place",
    "found_by",
    "found_with",
    "harm_on_return",
    "circumstances",
)
MAX_LENGTHS = {
    "police_reference": 40,
    "council_child_id": 30,
    "first_name": 100,
    "last_name": 100,
    "address": 300,
    "postcode": 8,
    "placement": 200,
    "last_seen_place": 300,
    "reported_by": 200,
    "found_place": 300,
}
MAX_TEXT = 5000
MAX_ROW_ERRORS_KEPT = 500
POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$")
TIME_FIELDS = ("event_at", "last_seen_at", "reported_at", "returned_at")

RowErrors = list[tuple[str, str]]


@dataclass(frozen=True)
class ParsedNotification:
    """A notification that passed every check: text stripped, codes checked, times aware."""

    kind: str
    force_code: str
    police_reference: str
    event_at: datetime
    council_code: str = ""
    council_child_id: str = ""
    upn: str = ""
    nhs_number: str = ""
    first_name: str = ""
    last_name: str = ""
    date_of_birth: date | None = None
    sex: str = ""
    address: str = ""
    postcode: str = ""
    placement: str = ""
    episode_type: str = EpisodeType.MISSING
    missing_from: str = ""
    last_seen_at: datetime | None = None
    last_seen_place: str = ""
    reported_at: datetime | None = None
    reported_by: str = ""
    risk_grade: str = ""
    sighting: str = ""
    returned_at: datetime | None = None
    found_place: str = ""
    found_by: str = ""
    found_with: str = ""
    harm_on_return: str = ""
    circumstances: str = ""
    extra: dict = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The fields as JSON values (times and dates ISO 8601), for storage and the digest."""
        values = asdict(self)
        values.pop("extra")
        return {
            k: (v.isoformat() if isinstance(v, datetime | date) else v)
            for k, v in values.items()
            if v not in ("", None)
        }

    def digest(self) -> str:
        """The same notification (the same fields and values, whatever their order or spacing) gives the same digest."""
        return hashlib.sha256(json.dumps(self.as_json(), sort_keys=True).encode()).hexdigest()


def nhs_number_valid(value: str) -> bool:
    """Ten digits whose last is the modulus 11 check digit of the first nine."""
    if not re.fullmatch(r"\d{10}", value):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(value[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(value[9])


def _time(errors: RowErrors, name: str, text: str) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        errors.append((name, f"{text[:40]!r} is not a date and time (ISO 8601 with a UTC offset)"))
        return None
    if value.tzinfo is None:
        errors.append((name, "give the time with a UTC offset (such as +00:00): a time without one is not guessed"))
        return None
    if not 1900 <= value.year <= 2999:
        errors.append((name, "is not between the years 1900 and 2999"))
        return None
    if value > latest_allowed_time():
        errors.append((name, "is in the future"))
        return None
    return value


def _date(errors: RowErrors, name: str, text: str) -> date | None:
    if not text:
        return None
    try:
        value = date.fromisoformat(text)
    except ValueError:
        errors.append((name, f"{text[:40]!r} is not a date (YYYY-MM-DD)"))
        return None
    if value.year < 1900 or value > timezone.localdate():
        errors.append((name, "is not a possible date of birth"))
        return None
    return value


def _code(errors: RowErrors, name: str, text: str, choices: Any) -> str:
    if text and text not in choices.values:
        errors.append((name, f"{text[:40]!r} is not one of {', '.join(choices.values)}"))
        return ""
    return text


def check_row(row: dict[str, Any]) -> ParsedNotification | RowErrors:
    """Check one row (a CSV row or a JSON object). Returns the notification, or every (field, message) wrong."""
    errors: RowErrors = []
    text: dict[str, str] = {}
    unknown = sorted(str(key) for key in row if key not in FIELDS)
    for name in unknown[:5]:
        errors.append((name[:40], "is not a field of a police notification"))
    for name in FIELDS:
        value = row.get(name)
        if value is None:
            value = ""
        if not isinstance(value, str):
            errors.append((name, "must be text"))
            value = ""
        if "\x00" in value:
            errors.append((name, "contains a NUL character"))
            value = ""
        value = value.strip()
        limit = MAX_LENGTHS.get(name, MAX_TEXT)
        if len(value) > limit:
            errors.append((name, f"is longer than {limit} characters"))
            value = value[:limit]
        text[name] = value
    kind = _code(errors, "kind", text["kind"], Kind)
    if not text["kind"]:
        errors.append(("kind", "is required: missing, update or found"))
    if not re.fullmatch(r"\d{2}", text["force_code"]):
        errors.append(("force_code", "must be the two-digit police force code"))
    reference = text["police_reference"].upper()
    if not reference:
        errors.append(("police_reference", "is required"))
    times = {name: _time(errors, name, text[name]) for name in TIME_FIELDS}
    if text["event_at"] == "":
        errors.append(("event_at", "is required"))
    if text["council_code"] and not re.fullmatch(r"\d{3}", text["council_code"]):
        errors.append(("council_code", "must be the three-digit local authority code"))
    upn = text["upn"].upper()
    if upn and not UPN_PATTERN.fullmatch(upn):
        errors.append(("upn", "is not a UPN (a letter and 12 digits, or 11 digits and a letter)"))
    nhs = text["nhs_number"].replace(" ", "")
    if nhs and not nhs_number_valid(nhs):
        errors.append(("nhs_number", "is not a valid NHS number (ten digits with the right check digit)"))
    postcode = " ".join(text["postcode"].upper().split())
    if postcode and not POSTCODE.fullmatch(postcode):
        errors.append(("postcode", "is not a UK postcode"))
    born = _date(errors, "date_of_birth", text["date_of_birth"])
    sex = _code(errors, "sex", text["sex"].upper(), Sex)
    episode_type = _code(errors, "episode_type", text["episode_type"].upper() or EpisodeType.MISSING, EpisodeType)
    missing_from = _code(errors, "missing_from", text["missing_from"], MissingFrom)
    risk_grade = _code(errors, "risk_grade", text["risk_grade"], RiskGrade)
    found_by = _code(errors, "found_by", text["found_by"], FoundBy)
    last_seen, returned, reported = times["last_seen_at"], times["returned_at"], times["reported_at"]
    if kind == Kind.MISSING:
        for name in ("missing_from", "last_seen_at", "last_seen_place", "reported_by", "risk_grade"):
            if not text[name]:
                errors.append((name, "is required for a missing notification"))
        has_identifier = text["council_child_id"] or upn or nhs
        has_name = text["first_name"] and text["last_name"] and text["date_of_birth"]
        if not (has_identifier or has_name):
            errors.append(("first_name", "give the child's first name, last name and date of birth, or an identifier"))
    if kind == Kind.UPDATE and not (text["risk_grade"] or text["sighting"]):
        errors.append(("risk_grade", "an update gives a risk grade, a sighting, or both"))
    if kind == Kind.FOUND:
        for name in ("returned_at", "found_place", "found_by"):
            if not text[name]:
                errors.append((name, "is required for a found notification"))
    if last_seen and returned and returned < last_seen:
        errors.append(("returned_at", "is before last_seen_at"))
    if last_seen and reported and reported < last_seen:
        errors.append(("reported_at", "is before last_seen_at"))
    if born and last_seen and timezone.localdate(last_seen) < born:
        errors.append(("last_seen_at", "is before date_of_birth"))
    if errors:
        return errors
    assert times["event_at"] is not None  # required, checked above
    return ParsedNotification(
        kind=kind,
        force_code=text["force_code"],
        police_reference=reference,
        event_at=times["event_at"],
        council_code=text["council_code"],
        council_child_id=text["council_child_id"],
        upn=upn,
        nhs_number=nhs,
        first_name=text["first_name"],
        last_name=text["last_name"],
        date_of_birth=born,
        sex=sex,
        address=text["address"],
        postcode=postcode,
        placement=text["placement"],
        episode_type=episode_type,
        missing_from=missing_from,
        last_seen_at=last_seen,
        last_seen_place=text["last_seen_place"],
        reported_at=reported or times["event_at"],
        reported_by=text["reported_by"],
        risk_grade=risk_grade,
        sighting=text["sighting"],
        returned_at=returned,
        found_place=text["found_place"],
        found_by=found_by,
        found_with=text["found_with"],
        harm_on_return=text["harm_on_return"],
        circumstances=text["circumstances"],
    )


class FileError(Exception):
    """The file as a whole cannot be read (not CSV or JSON Lines, no header, not UTF-8)."""


Row = tuple[int, dict[str, Any] | None, str]  # (row number, the row or None, why the row could not be read)


def read_csv(stream: IO[bytes]) -> Iterator[Row]:
    """Rows of a CSV file with a header row, numbered from 2 (the header is row 1), one at a time."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        reader = csv.reader(text)
        try:
            header = next(reader)
        except StopIteration:
            raise FileError("The file is empty: the first row names the columns") from None
        header = [name.strip() for name in header]
        unknown = [name for name in header if name not in FIELDS]
        if unknown:
            raise FileError(f"Row 1 names columns that are not fields: {', '.join(repr(n[:40]) for n in unknown[:5])}")
        if len(set(header)) != len(header):
            raise FileError("Row 1 names a column twice")
        for number, values in enumerate(reader, start=2):
            if not values or values == [""]:
                continue
            if len(values) != len(header):
                yield number, None, f"has {len(values)} values; the header has {len(header)}"
                continue
            yield number, dict(zip(header, values, strict=True)), ""
    except UnicodeDecodeError as exc:
        raise FileError(f"The file is not UTF-8 text ({exc.reason})") from None
    except csv.Error as exc:
        raise FileError(f"The file is not CSV that can be read: {exc}") from None
    finally:
        text.detach()


def read_json_lines(stream: IO[bytes]) -> Iterator[Row]:
    """Rows of a JSON Lines file (one notification object a line), numbered from 1."""
    for number, line in enumerate(stream, start=1):
        try:
            stripped = line.decode("utf-8").strip()
        except UnicodeDecodeError:
            yield number, None, "is not UTF-8 text"
            continue
        if not stripped:
            continue
        try:
            value = json.loads(stripped)
        except (ValueError, RecursionError):
            yield number, None, "is not a JSON object"
            continue
        if not isinstance(value, dict):
            yield number, None, "is not a JSON object"
            continue
        yield number, value, ""


def read_objects(objects: Iterable[Any]) -> Iterator[Row]:
    """Rows of an API batch (a list of JSON objects), numbered from 1."""
    for number, value in enumerate(objects, start=1):
        if isinstance(value, dict):
            yield number, value, ""
        else:
            yield number, None, "is not a JSON object"


def reader_for(filename: str, stream: IO[bytes]) -> Iterator[Row]:
    if filename.lower().endswith((".jsonl", ".ndjson", ".json")):
        return read_json_lines(stream)
    return read_csv(stream)
