"""Homeward's own checks of the DfE rules that touch missing periods, run on a built SSDA903 return.

The checks read the tables exactly as they will be written (text, dd/mm/yyyy dates), so a date that is
not a real date or a code in the wrong case is caught just as the DfE's portal would catch it. Checks
that need the child's periods of care use the care history the return was built from, because this
year's Episodes table alone does not show when a period of care that began years ago started.

Rule ids that are numbers are the DfE's own rule numbers for the same check, so a council can match
them to the portal's messages; ids starting "HW-" are Homeward's checks of the other rules listed in
the design notes (shared/design/returns.md).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from children.codes import Sex
from episodes.codes import EpisodeType
from returns.codes import (
    PLACEMENTS_WITHOUT_PROVIDER,
    CareLegalStatus,
    CategoryOfNeed,
    Placement,
    PlacementProvider,
    ReasonEpisodeCeased,
    ReasonNewEpisode,
    ReasonPlaceChange,
)
from returns.formats import is_postcode, is_urn
from returns.periods import PeriodOfCare, period_containing
from returns.ssda903 import Ssda903Return, eighteenth_birthday, format_date, parse_date


@dataclass(frozen=True)
class Rule:
    id: str
    checks: str


RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in [
        Rule("564", "A missing period with a type has a start date"),
        Rule("565", "A missing period with a start date has a type"),
        Rule("566", "A missing period with an end date has a type"),
        Rule("1006", "The type of a missing period is M or A"),
        Rule("1004", "The start of a missing period is a real date"),
        Rule("1005", "The end of a missing period, when given, is a real date"),
        Rule("567", "A missing period does not end before it starts"),
        Rule("570", "A missing period does not start after the collection year ends"),
        Rule("571", "A missing period's end date falls inside the collection year"),
        Rule("574", "A child's missing periods do not overlap, and none starts while another is open"),
        Rule("581", "A missing period does not start before the child's care began"),
        Rule("578", "A missing period does not start after the child's care ended"),
        Rule("575", "When the placement a child went missing from has ended, the missing period has an end"),
        Rule("577", "When care has ended, the missing period has an end on or before the day care ended"),
        Rule("580", "A missing period that ended on the 18th birthday, the day care ended, has REC E8"),
        Rule("HW-MIS-DOB", "A missing period starts after the child's date of birth"),
        Rule("HW-MIS-HEADER", "Every child in Missing is in Header, with the same date of birth"),
        Rule("101", "Header SEX is M, F or U"),
        Rule("HW-EPI-CODE", "Episodes codes (RNE, LS, CIN, PLACE, PLACE_PROVIDER, REC, REASON_PLACE_CHANGE) are valid"),
        Rule("HW-EPI-DATE", "Episodes dates are real dates, and an episode does not end before it starts"),
        Rule("HW-EPI-POSTCODE", "Episodes HOME_POST and PL_POST, when given, are UK postcodes in the right format"),
        Rule("HW-EPI-URN", "Episodes URN, when given, is an Ofsted URN in the right format"),
    ]
}


@dataclass(frozen=True)
class Failure:
    child: str  # the council's child ID (CHILD)
    child_pk: int | None
    missing_episode_pk: int | None
    rule: str
    message: str
    care_episode_pk: int | None = None

    def __str__(self) -> str:
        where = f"child {self.child or '(blank)'}"
        if self.missing_episode_pk is not None:
            where += f", missing episode {self.missing_episode_pk}"
        if self.care_episode_pk is not None:
            where += f", care episode {self.care_episode_pk}"
        return f"[{self.rule}] {where}: {self.message}"


def validate_return(ssda: Ssda903Return) -> list[Failure]:
    """Every failure in the return, in table order: Header, Episodes, then Missing."""
    failures: list[Failure] = []
    failures += _check_header(ssda)
    failures += _check_episodes(ssda)
    failures += _check_missing(ssda)
    return failures


# --- Header --------------------------------------------------------------------------------------


def _check_header(ssda: Ssda903Return) -> list[Failure]:
    failures = []
    for index, row in enumerate(ssda.header):
        child_pk = _at(ssda.header_child_pks, index)
        if row["SEX"] not in Sex.values:
            failures.append(
                Failure(row["CHILD"], child_pk, None, "101", f"SEX {row['SEX']!r} is not a valid code: use M, F or U")
            )
    return failures


# --- Episodes ------------------------------------------------------------------------------------

_EPISODE_CODES = [
    ("RNE", ReasonNewEpisode),
    ("LS", CareLegalStatus),
    ("CIN", CategoryOfNeed),
    ("PLACE", Placement),
]


def _check_episodes(ssda: Ssda903Return) -> list[Failure]:
    failures = []
    for index, row in enumerate(ssda.episodes):
        child_pk, episode_pk = _at(ssda.episode_refs, index) or (None, None)

        def fail(rule: str, message: str, row=row, child_pk=child_pk, episode_pk=episode_pk) -> None:
            failures.append(Failure(row["CHILD"], child_pk, None, rule, message, care_episode_pk=episode_pk))

        for column, choices in _EPISODE_CODES:
            if row[column] not in choices.values:
                fail("HW-EPI-CODE", f"{column} {row[column]!r} is not a valid code")
        place, provider = row["PLACE"], row["PLACE_PROVIDER"]
        if place in PLACEMENTS_WITHOUT_PROVIDER:
            if provider:
                fail("HW-EPI-CODE", f"PLACE_PROVIDER must be blank for placement {place}, not {provider!r}")
        elif provider not in PlacementProvider.values:
            fail("HW-EPI-CODE", f"PLACE_PROVIDER {provider!r} is not a valid code for placement {place or '(blank)'}")
        if row["REC"] and row["REC"] not in ReasonEpisodeCeased.values:
            fail("HW-EPI-CODE", f"REC {row['REC']!r} is not a valid code")
        if bool(row["REC"]) != bool(row["DEC"]):
            fail("HW-EPI-CODE", "REC and DEC go together: an ended episode has both, an open one neither")
        if row["REASON_PLACE_CHANGE"] and row["REASON_PLACE_CHANGE"] not in ReasonPlaceChange.values:
            fail("HW-EPI-CODE", f"REASON_PLACE_CHANGE {row['REASON_PLACE_CHANGE']!r} is not a valid code")

        decom, dec = parse_date(row["DECOM"]), parse_date(row["DEC"])
        if decom is None:
            fail("HW-EPI-DATE", f"DECOM {row['DECOM']!r} is not a real date (dd/mm/yyyy)")
        if row["DEC"] and dec is None:
            fail("HW-EPI-DATE", f"DEC {row['DEC']!r} is not a real date (dd/mm/yyyy)")
        if decom and dec and dec < decom:
            fail("HW-EPI-DATE", f"DEC {row['DEC']} is before DECOM {row['DECOM']}")

        for column in ("HOME_POST", "PL_POST"):
            if row[column] and not is_postcode(row[column]):
                fail("HW-EPI-POSTCODE", f"{column} {row[column]!r} is not a UK postcode in the format SW1A 1AA")
        if row["URN"] and not is_urn(row["URN"]):
            fail("HW-EPI-URN", f"URN {row['URN']!r} is not an Ofsted URN (six or seven digits, or SC and six digits)")
    return failures


# --- Missing -------------------------------------------------------------------------------------


@dataclass
class _Period:
    index: int
    row: dict[str, str]
    child_pk: int | None
    episode_pk: int | None
    start: dt.date | None = None
    end: dt.date | None = None


def _check_missing(ssda: Ssda903Return) -> list[Failure]:
    failures: list[Failure] = []
    header_dobs = {row["CHILD"]: row["DOB"] for row in ssda.header}
    by_child: dict[str, list[_Period]] = defaultdict(list)
    year = ssda.year

    for index, row in enumerate(ssda.missing):
        child_pk, episode_pk = _at(ssda.missing_refs, index) or (None, None)
        period = _Period(index, row, child_pk, episode_pk)

        def fail(rule: str, message: str, period=period) -> None:
            failures.append(Failure(period.row["CHILD"], period.child_pk, period.episode_pk, rule, message))

        kind, start_text, end_text = row["MISSING"], row["MIS_START"], row["MIS_END"]
        if kind and not start_text:
            fail("564", "The period has a type but no start date (MIS_START)")
        if start_text and not kind:
            fail("565", "The period has a start date but no type (MISSING): use M or A")
        if end_text and not kind:
            fail("566", "The period has an end date but no type (MISSING): use M or A")
        if kind and kind not in EpisodeType.values:
            fail("1006", f"MISSING {kind!r} is not a valid type: use M (missing) or A (away without authorisation)")
        period.start = parse_date(start_text)
        if period.start is None and start_text:
            fail("1004", f"MIS_START {start_text!r} is not a real date (dd/mm/yyyy)")
        elif not start_text and not kind:
            fail("1004", "MIS_START is blank: every missing period has a start date")
        period.end = parse_date(end_text)
        if end_text and period.end is None:
            fail("1005", f"MIS_END {end_text!r} is not a real date (dd/mm/yyyy)")
        start, end = period.start, period.end
        if start and end and end < start:
            fail("567", f"The period ends ({end_text}) before it starts ({start_text})")
        if start and start > year.end:
            fail("570", f"The period starts ({start_text}) after the collection year ends ({format_date(year.end)})")
        if end and not (year.start <= end <= year.end):
            fail(
                "571",
                f"The period's end ({end_text}) is outside the collection year "
                f"({format_date(year.start)} to {format_date(year.end)})",
            )

        dob = parse_date(row["DOB"])
        if start and dob and start <= dob:
            fail(
                "HW-MIS-DOB", f"The period starts ({start_text}) on or before the child's date of birth ({row['DOB']})"
            )
        if row["CHILD"] not in header_dobs:
            fail("HW-MIS-HEADER", "This child is in the Missing table but not in the Header table")
        elif header_dobs[row["CHILD"]] != row["DOB"]:
            fail(
                "HW-MIS-HEADER",
                f"DOB {row['DOB']!r} in Missing differs from DOB {header_dobs[row['CHILD']]!r} in Header",
            )

        # A period whose end is written but unreadable is not taken for an open one: the checks that
        # need both dates wait until the end is corrected.
        if start and not (end_text and end is None):
            _check_against_care(fail, period, ssda.periods.get(row["CHILD"], []), dob)
            by_child[row["CHILD"]].append(period)

    for periods in by_child.values():
        _check_overlaps(failures, periods)
    return failures


def _check_against_care(fail, period: _Period, care: list[PeriodOfCare], dob) -> None:
    start, end = period.start, period.end
    assert start is not None  # only a period whose start could be read is checked against care
    containing = period_containing(care, start)
    if containing is None:
        earlier = [p for p in care if p.start <= start]
        if not earlier:
            began = min((p.start for p in care if p.start > start), default=None)
            when = f"began on {format_date(began)}" if began else "has no episodes recorded"
            fail("581", f"The period starts ({format_date(start)}) before the child's care began: care {when}")
        else:
            fail(
                "578",
                f"The period starts ({format_date(start)}) after the child's care ended "
                f"({format_date(earlier[-1].end)})",
            )
        return
    if containing.end is not None:
        ended = format_date(containing.end)
        if end is None:
            fail("577", f"The child's care ended on {ended} but this period has no end date")
        elif end > containing.end:
            fail("577", f"The period ends ({format_date(end)}) after the child's care ended ({ended})")
        if (
            end is not None
            and dob is not None
            and end == containing.end == eighteenth_birthday(dob)
            and containing.reason_ended != ReasonEpisodeCeased.E8
        ):
            fail(
                "580",
                f"The period ended on the 18th birthday ({ended}), the day care ended, but the reason care "
                f"ended (REC) is {containing.reason_ended or '(blank)'}, not E8",
            )
    elif end is None:
        placement = containing.episode_on(start)
        if placement is not None and placement.dec is not None:
            fail(
                "575",
                f"The placement the child went missing from ended on {format_date(placement.dec)} "
                "but this period has no end date",
            )


def _check_overlaps(failures: list[Failure], periods: list[_Period]) -> None:
    """Periods may meet on a day (back the same day, missing again that night) but not overlap."""
    ordered = sorted(periods, key=lambda p: (p.start, p.index))
    latest = None  # the earlier period reaching furthest forward
    for period in ordered:
        assert period.start is not None  # only periods with a readable start are collected
        if latest is not None:
            if latest.end is None:
                failures.append(
                    Failure(
                        period.row["CHILD"],
                        period.child_pk,
                        period.episode_pk,
                        "574",
                        f"The period starts ({period.row['MIS_START']}) while the period from "
                        f"{latest.row['MIS_START']} is still open",
                    )
                )
            elif period.start < latest.end:
                failures.append(
                    Failure(
                        period.row["CHILD"],
                        period.child_pk,
                        period.episode_pk,
                        "574",
                        f"The period from {period.row['MIS_START']} overlaps the period from "
                        f"{latest.row['MIS_START']} to {latest.row['MIS_END']}",
                    )
                )
        if latest is None or (latest.end is not None and (period.end is None or period.end > latest.end)):
            latest = period


def _at(items: list, index: int):
    return items[index] if index < len(items) else None
