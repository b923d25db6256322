"""The dimensions the dashboard counts by, and how each is worked out from a child's record and an episode.

Everything here is a pure function of the record, so the roll-ups (kept up to date by the actions) and a
full recount (`manage.py check_rollups`) always file an episode under the same keys. Local time
(settings.TIME_ZONE) decides the month, the weekday and the hour.
"""

import datetime as dt
import re

from django.db import models
from django.utils import timezone

from children.codes import Ethnicity, LegalStatus, LivingArrangement, Sex
from episodes.codes import RISK_ORDER, RiskGrade
from returns.formats import is_postcode, normalise_postcode


class AgeBand(models.TextChoices):
    """The child's age on the day they were last seen."""

    UNDER_10 = "under_10", "Under 10"
    AGE_10_12 = "10_12", "10 to 12"
    AGE_13_15 = "13_15", "13 to 15"
    AGE_16_17 = "16_17", "16 to 17"
    OVER_17 = "18_plus", "18 or over"


class EthnicityGroup(models.TextChoices):
    """The DfE's high-level ethnic groups (the 2021 Census harmonised standard puts Chinese under Asian)."""

    WHITE = "white", "White"
    MIXED = "mixed", "Mixed or multiple ethnic groups"
    ASIAN = "asian", "Asian or Asian British"
    BLACK = "black", "Black, Black British, Caribbean or African"
    OTHER = "other", "Other ethnic group"
    UNKNOWN = "unknown", "Refused or not yet obtained"


ETHNICITY_GROUPS: dict[str, str] = {
    **dict.fromkeys(
        [Ethnicity.WBRI, Ethnicity.WIRI, Ethnicity.WOTH, Ethnicity.WIRT, Ethnicity.WROM], EthnicityGroup.WHITE
    ),
    **dict.fromkeys([Ethnicity.MWBC, Ethnicity.MWBA, Ethnicity.MWAS, Ethnicity.MOTH], EthnicityGroup.MIXED),
    **dict.fromkeys(
        [Ethnicity.AIND, Ethnicity.APKN, Ethnicity.ABAN, Ethnicity.AOTH, Ethnicity.CHNE], EthnicityGroup.ASIAN
    ),
    **dict.fromkeys([Ethnicity.BCRB, Ethnicity.BAFR, Ethnicity.BOTH], EthnicityGroup.BLACK),
    Ethnicity.OOTH: EthnicityGroup.OTHER,
    **dict.fromkeys([Ethnicity.REFU, Ethnicity.NOBT], EthnicityGroup.UNKNOWN),
}


class DurationBand(models.TextChoices):
    """How long the child was missing, from last seen to found or returned (lower bound included)."""

    UNDER_6H = "under_6h", "Under 6 hours"
    HOURS_6_24 = "6_24h", "6 to 24 hours"
    DAYS_1_3 = "1_3d", "1 to 3 days"
    DAYS_3_7 = "3_7d", "3 to 7 days"
    OVER_7D = "over_7d", "Over 7 days"
    OPEN = "open", "Still missing"


class Area(models.TextChoices):
    """Where the child lives, against the council responsible for them."""

    IN_AREA = "in", "In the responsible council's area"
    OUT_OF_AREA = "out", "Placed out of area"


DURATION_LIMITS: list[tuple[dt.timedelta, str]] = [
    (dt.timedelta(hours=6), DurationBand.UNDER_6H),
    (dt.timedelta(hours=24), DurationBand.HOURS_6_24),
    (dt.timedelta(days=3), DurationBand.DAYS_1_3),
    (dt.timedelta(days=7), DurationBand.DAYS_3_7),
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

# Labels for every dimension a filter or a breakdown uses: value -> label, in display order.
DIMENSION_LABELS: dict[str, dict[str, str]] = {
    "legal_status": dict(LegalStatus.choices),
    "age_band": dict(AgeBand.choices),
    "sex": dict(Sex.choices),
    "ethnicity_group": dict(EthnicityGroup.choices),
    "placement_type": dict(LivingArrangement.choices),
    "area": dict(Area.choices),
    "risk_grade": dict(RiskGrade.choices),
    "duration_band": dict(DurationBand.choices),
}


def age_band(date_of_birth: dt.date, on: dt.date) -> str:
    age = on.year - date_of_birth.year - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))
    if age < 10:
        return AgeBand.UNDER_10
    if age <= 12:
        return AgeBand.AGE_10_12
    if age <= 15:
        return AgeBand.AGE_13_15
    if age <= 17:
        return AgeBand.AGE_16_17
    return AgeBand.OVER_17


def ethnicity_group(code: str) -> str:
    return ETHNICITY_GROUPS.get(code, EthnicityGroup.UNKNOWN)


def duration_band(last_seen_at: dt.datetime, returned_at: dt.datetime | None) -> str:
    if returned_at is None:
        return DurationBand.OPEN
    length = returned_at - last_seen_at
    for limit, band in DURATION_LIMITS:
        if length < limit:
            return band
    return DurationBand.OVER_7D


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def local(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment)


def highest_grade(grades: list[str]) -> str:
    known = [grade for grade in grades if grade in RISK_ORDER]
    return max(known, key=RISK_ORDER.__getitem__) if known else ""


# --- Places: free text, normalised so "Bus station, Northtown." and "bus station northtown" count together --

_POSTCODE_CANDIDATE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})\b", re.IGNORECASE)
_NOT_WORD = re.compile(r"[^0-9a-z]+")
PLACE_LENGTH = 120


def postcode_district(text: str) -> str:
    """The district (outward code, such as "NM5") of the first well-formed UK postcode in the text, or ""."""
    for match in _POSTCODE_CANDIDATE.finditer(text or ""):
        postcode = normalise_postcode(match.group(0))
        if is_postcode(postcode):
            return postcode.split(" ")[0]
    return ""


def normalise_place(text: str) -> str:
    """Lower case, "&" as "and", apostrophes dropped, the postcode and other punctuation taken out, one space
    between words: the form places are counted under. The postcode is counted separately, by district."""
    text = _POSTCODE_CANDIDATE.sub(
        " ", (text or "").casefold().replace("&", " and ").replace("'", "").replace("\u2019", "")
    )
    return _NOT_WORD.sub(" ", text).strip()[:PLACE_LENGTH]


def place_as_written(text: str) -> str:
    """The place as someone wrote it, without its postcode: how a counted place is shown."""
    text = _POSTCODE_CANDIDATE.sub(" ", text or "")
    return re.sub(r"\s+", " ", text).strip(" ,.;:-")[:PLACE_LENGTH]
