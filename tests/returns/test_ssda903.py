"""The SSDA903 tables: exact columns, formats, the collection year's edges, and the files read back."""

import csv
import datetime as dt
import gc
import re
from zoneinfo import ZoneInfo

import pytest

from returns.periods import periods_of_care
from returns.ssda903 import (
    EPISODE_COLUMNS,
    HEADER_COLUMNS,
    MISSING_COLUMNS,
    CollectionYear,
    LocalDays,
    build_return,
    collector_paused,
    parse_date,
    write_csv,
)
from tests.factories import ChildFactory
from tests.returns.conftest import at, missing
from tests.returns.factories import CareEpisodeFactory

EXPECTED_HEADER = [
    ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
    ["N000123", "F", "04/03/2011", "WBRI", "A123456789012", "0", ""],
    ["N000200", "M", "20/07/2009", "BCRB", "", "", ""],
    ["N000400", "F", "02/02/2014", "WBRI", "", "", ""],
    ["N000600", "M", "12/12/2012", "MWBA", "", "", ""],
]
EXPECTED_EPISODES = [
    [
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
    ],
    ["N000123", "01/06/2024", "S", "C2", "N1", "U6", "PR1", "10/09/2025", "X1", "CARPL", "NM1 1AA", "NM2 2BB", ""],
    ["N000123", "10/09/2025", "P", "C2", "N1", "K2", "PR4", "", "", "", "NM1 1AA", "NM3 3BB", "SC123456"],
    ["N000200", "15/01/2023", "S", "V2", "N4", "U4", "PR1", "31/07/2025", "E4A", "", "NM4 4DD", "NM5 5EE", ""],
    ["N000400", "31/03/2026", "S", "C1", "N1", "U6", "PR1", "", "", "", "NM6 6FF", "NM7 7GG", ""],
    ["N000600", "01/01/2025", "S", "C2", "N1", "R1", "PR4", "", "", "", "NM8 8HH", "SV1 1JJ", "1234567"],
]
EXPECTED_MISSING = [
    ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"],
    ["N000123", "04/03/2011", "M", "02/05/2025", "03/05/2025"],
    ["N000123", "04/03/2011", "A", "30/03/2026", ""],
    ["N000200", "20/07/2009", "A", "14/06/2025", "15/06/2025"],
    ["N000400", "02/02/2014", "M", "31/03/2026", ""],
]


def read_csv(path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_collection_year_runs_1_april_to_31_march():
    year = CollectionYear(2025)
    assert (year.start, year.end, year.label) == (dt.date(2025, 4, 1), dt.date(2026, 3, 31), "2025/26")


def test_each_table_has_the_dfe_columns_in_order(care_world):
    ssda = build_return(care_world.north, 2025)
    assert HEADER_COLUMNS == ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]
    assert MISSING_COLUMNS == ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"]
    assert EPISODE_COLUMNS == [
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
    assert all(list(row) == HEADER_COLUMNS for row in ssda.header)
    assert all(list(row) == EPISODE_COLUMNS for row in ssda.episodes)
    assert all(list(row) == MISSING_COLUMNS for row in ssda.missing)


def test_files_read_back_give_exactly_the_expected_rows(care_world, tmp_path):
    ssda = build_return(care_world.north, 2025)
    paths = write_csv(ssda.tables(), tmp_path)
    assert [p.name for p in paths] == ["Header.csv", "Episodes.csv", "Missing.csv"]
    assert read_csv(tmp_path / "Header.csv") == EXPECTED_HEADER
    assert read_csv(tmp_path / "Episodes.csv") == EXPECTED_EPISODES
    assert read_csv(tmp_path / "Missing.csv") == EXPECTED_MISSING


def test_files_are_utf8_with_lf_line_endings_and_minimal_quoting(care_world, tmp_path):
    care_world.jordan.la_child_id = "N,123 é"
    care_world.jordan.save()
    write_csv(build_return(care_world.north, 2025).tables(), tmp_path)
    raw = (tmp_path / "Missing.csv").read_bytes()
    assert b"\r\n" not in raw
    assert raw.startswith(b"CHILD,DOB,MISSING,MIS_START,MIS_END\n")
    assert '"N,123 é",04/03/2011,M,02/05/2025,03/05/2025\n'.encode() in raw
    assert b'"N000200"' not in raw


def test_dates_are_dd_mm_yyyy_and_codes_upper_case(care_world):
    ssda = build_return(care_world.north, 2025)
    date_columns = {"DOB", "MC_DOB", "DECOM", "DEC", "MIS_START", "MIS_END"}
    for table in ssda.tables().values():
        for row in table:
            for column, value in row.items():
                if column in date_columns and value:
                    assert re.fullmatch(r"\d{2}/\d{2}/\d{4}", value)
                    assert parse_date(value) is not None
                elif column not in {"CHILD"}:
                    assert value == value.upper()


def test_mis_end_is_blank_while_open_and_when_the_return_came_after_31_march(care_world):
    rows = {(r["CHILD"], r["MIS_START"]): r["MIS_END"] for r in build_return(care_world.north, 2025).missing}
    assert rows[("N000123", "30/03/2026")] == ""  # returned 02/04/2026
    assert rows[("N000400", "31/03/2026")] == ""  # returned 00:10 on 01/04/2026
    open_episode = care_world.jordan.episodes.get(last_seen_at=at(2026, 3, 30, 22))
    open_episode.returned_at = None
    open_episode.save()
    rows = {(r["CHILD"], r["MIS_START"]): r["MIS_END"] for r in build_return(care_world.north, 2025).missing}
    assert rows[("N000123", "30/03/2026")] == ""


def test_episode_that_ended_after_the_year_is_shown_open(care_world):
    episode = care_world.alex.care_episodes.get()
    episode.dec, episode.rec = dt.date(2026, 4, 2), "E4A"
    episode.save()
    row = next(r for r in build_return(care_world.north, 2025).episodes if r["CHILD"] == "N000600")
    assert (row["DEC"], row["REC"]) == ("", "")


def test_collection_year_edges(care_world):
    """31/03 is in the year, 01/04 of the next year is not; ending on 31/03 of last year is out."""
    ssda = build_return(care_world.north, 2025)
    children = [r["CHILD"] for r in ssda.header]
    assert "N000400" in children  # care began 31/03/2026
    assert "N000500" not in children  # care began 01/04/2026
    assert "N000300" not in children  # care ended 31/03/2025
    assert ("N000400", "31/03/2026") in [(r["CHILD"], r["MIS_START"]) for r in ssda.missing]
    assert len([r for r in ssda.missing if r["CHILD"] == "N000400"]) == 1  # 00:30 on 01/04 is next year's
    assert "01/12/2024" not in [r["MIS_START"] for r in ssda.missing]  # ended before the year
    next_year = build_return(care_world.north, 2026)
    assert "N000500" in [r["CHILD"] for r in next_year.header]
    assert ("N000400", "01/04/2026") in [(r["CHILD"], r["MIS_START"]) for r in next_year.missing]
    # a period open at the end of one year appears again at the start of the next
    assert ("N000123", "30/03/2026", "02/04/2026") in [
        (r["CHILD"], r["MIS_START"], r["MIS_END"]) for r in next_year.missing
    ]


def test_only_the_councils_own_children_are_returned(care_world):
    assert "S000456" not in [r["CHILD"] for r in build_return(care_world.north, 2025).header]
    assert [r["CHILD"] for r in build_return(care_world.world.south, 2025).header] == ["S000456"]


def test_header_holds_every_missing_child_with_the_same_dob(care_world):
    ssda = build_return(care_world.north, 2025)
    header = {row["CHILD"]: row["DOB"] for row in ssda.header}
    assert ssda.missing
    for row in ssda.missing:
        assert header[row["CHILD"]] == row["DOB"]


@pytest.mark.parametrize(
    ("sex", "born", "mother", "child_dob", "expected"),
    [
        ("F", dt.date(2010, 1, 1), True, dt.date(2025, 6, 1), ("1", "01/06/2025")),
        ("F", dt.date(2010, 1, 1), True, None, ("1", "")),
        ("F", dt.date(2010, 1, 1), False, None, ("0", "")),
        ("F", dt.date(2010, 1, 1), None, None, ("", "")),
        ("F", dt.date(2014, 4, 2), False, None, ("", "")),  # 11 on 31/03/2026
        ("F", dt.date(2014, 3, 31), False, None, ("0", "")),  # 12 on 31/03/2026
        ("M", dt.date(2010, 1, 1), True, dt.date(2025, 6, 1), ("", "")),
    ],
)
def test_mother_is_asked_only_of_looked_after_girls_aged_12_or_more(world, sex, born, mother, child_dob, expected):
    child = ChildFactory(
        la_child_id="M1",
        sex=sex,
        date_of_birth=born,
        mother=mother,
        mother_child_dob=child_dob,
        responsible_council=world.north,
    )
    CareEpisodeFactory(child=child, decom=dt.date(2025, 5, 1))
    row = build_return(world.north, 2025).header[0]
    assert (row["MOTHER"], row["MC_DOB"]) == expected


def test_mother_age_is_taken_on_the_last_day_in_care(world):
    """A girl who left care at 11 is not asked, though she is 12 by the end of the year."""
    child = ChildFactory(sex="F", date_of_birth=dt.date(2014, 1, 1), mother=False, responsible_council=world.north)
    CareEpisodeFactory(child=child, decom=dt.date(2025, 5, 1), dec=dt.date(2025, 12, 1), rec="E4A")
    assert build_return(world.north, 2025).header[0]["MOTHER"] == ""


def test_the_return_takes_the_same_few_queries_for_many_children(world, django_assert_max_num_queries):
    for n in range(30):
        child = ChildFactory(responsible_council=world.north, la_child_id=f"Q{n:03d}")
        CareEpisodeFactory(child=child, decom=dt.date(2024, 5, 1), dec=dt.date(2025, 5, 1), rec="X1")
        CareEpisodeFactory(child=child, decom=dt.date(2025, 5, 1), rne="P")
        missing(world, child, at(2025, 6, 1, 20), at(2025, 6, 2, 8))
    with django_assert_max_num_queries(2):  # this year's care episodes with their children; missing periods
        ssda = build_return(world.north, 2025)
    assert (len(ssda.header), len(ssda.episodes), len(ssda.missing)) == (30, 60, 30)
    # The periods of care (for the checks) read the children's whole care histories once, when first asked for.
    with django_assert_max_num_queries(1):
        first = ssda.periods["Q000"]
    with django_assert_max_num_queries(0):
        assert all(len(periods) == 1 and len(periods[0].episodes) == 2 for periods in ssda.periods.values())
    assert [(period.start, period.end) for period in first] == [(dt.date(2024, 5, 1), None)]


@pytest.mark.parametrize("zone", ["Europe/London", "Asia/Kolkata", "America/St_Johns", "Australia/Lord_Howe"])
def test_times_stored_as_utc_text_fall_on_the_same_local_dates_as_converting_each(zone):
    """SQLite's missing times are placed on local dates by `LocalDays` (one boundary per UTC day) rather than by
    converting each: the same date as converting, for every half hour and a microsecond either side of it, over
    two years of clock changes, in zones ahead of and behind UTC by whole and half hours."""
    tz = ZoneInfo(zone)
    local = LocalDays(tz)
    moment = dt.datetime(2025, 1, 1)
    step, tick = dt.timedelta(minutes=30), dt.timedelta(microseconds=1)
    checked = 0
    while moment < dt.datetime(2027, 1, 1):
        for time in (moment - tick, moment, moment + tick):
            assert local.day(str(time)) == time.replace(tzinfo=dt.UTC).astimezone(tz).date(), str(time)
            checked += 1
        moment += step
    assert checked == 3 * 2 * 365 * 48  # 2025 and 2026, every half hour


def test_periods_of_care_join_consecutive_episodes(world):
    child = world.child
    episodes = [
        CareEpisodeFactory(child=child, decom=dt.date(2020, 1, 1), dec=dt.date(2020, 3, 1), rec="X1"),
        CareEpisodeFactory(child=child, decom=dt.date(2020, 3, 1), dec=dt.date(2020, 6, 1), rec="E4A"),
        CareEpisodeFactory(child=child, decom=dt.date(2021, 2, 1), dec=dt.date(2021, 2, 1), rec="X1"),
        CareEpisodeFactory(child=child, decom=dt.date(2021, 2, 1)),
    ]
    periods = periods_of_care(reversed(episodes))
    assert [(p.start, p.end, p.reason_ended, len(p.episodes)) for p in periods] == [
        (dt.date(2020, 1, 1), dt.date(2020, 6, 1), "E4A", 2),
        (dt.date(2021, 2, 1), None, "", 2),
    ]
    assert periods[0].contains(dt.date(2020, 6, 1)) and not periods[0].contains(dt.date(2020, 6, 2))
    assert periods[0].episode_on(dt.date(2020, 3, 1)) == episodes[1]
    assert periods[1].is_open and periods[1].contains(dt.date(2030, 1, 1))


def test_the_return_turns_the_garbage_collector_back_on_only_if_it_was_on(world):
    assert gc.isenabled()
    build_return(world.north, 2025)
    assert gc.isenabled()
    gc.disable()
    try:
        build_return(world.north, 2025)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_is_back_on_when_the_build_fails():
    with pytest.raises(ZeroDivisionError), collector_paused():
        assert not gc.isenabled()
        1 / 0  # noqa: B018 - the failure under test
    assert gc.isenabled()
