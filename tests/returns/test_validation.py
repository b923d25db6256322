"""Homeward's checks of the DfE rules that touch missing periods: clean data passes, and each rule
catches an error planted for it (in the tables as they would be written, or in the records)."""

import datetime as dt

import pytest

from episodes.codes import EpisodeType
from returns.ssda903 import build_return
from returns.validation import RULES, Failure, validate_return
from tests.factories import ChildFactory
from tests.returns.conftest import at, missing
from tests.returns.factories import CareEpisodeFactory


def rules_of(failures: list[Failure]) -> set[str]:
    return {f.rule for f in failures}


def row(rows, child, start):
    return next(r for r in rows if r["CHILD"] == child and r.get("MIS_START", r.get("DECOM")) == start)


def test_clean_data_passes_every_check(care_world):
    assert validate_return(build_return(care_world.north, 2025)) == []


def test_every_rule_has_a_planted_error_test():
    assert set(PLANTED) == set(RULES)


# Each planter spoils clean data in one way and returns the return to check.


def _tables(care_world):
    return build_return(care_world.north, 2025)


def plant_564(care_world):
    ssda = _tables(care_world)
    row(ssda.missing, "N000123", "02/05/2025")["MIS_START"] = ""
    return ssda


def plant_565(care_world):
    ssda = _tables(care_world)
    row(ssda.missing, "N000123", "30/03/2026")["MISSING"] = ""
    return ssda


def plant_566(care_world):
    ssda = _tables(care_world)
    row(ssda.missing, "N000123", "02/05/2025")["MISSING"] = ""
    return ssda


def plant_1006(care_world):
    ssda = _tables(care_world)
    row(ssda.missing, "N000123", "02/05/2025")["MISSING"] = "X"
    return ssda


def plant_1004(care_world):
    ssda = _tables(care_world)
    row(ssda.missing, "N000123", "02/05/2025")["MIS_START"] = "31/04/2025"
    return ssda


def plant_1005(care_world):
    ssda = _tables(care_world)
    row(ssda.missing, "N000123", "02/05/2025")["MIS_END"] = "2025-05-03"
    return ssda


def plant_567(care_world):
    ssda = _tables(care_world)
    row(ssda.missing, "N000123", "02/05/2025")["MIS_END"] = "01/05/2025"
    return ssda


def plant_570(care_world):
    ssda = _tables(care_world)
    row(ssda.missing, "N000123", "30/03/2026")["MIS_START"] = "01/04/2026"
    return ssda


def plant_571(care_world):
    ssda = _tables(care_world)
    row(ssda.missing, "N000123", "30/03/2026")["MIS_END"] = "02/04/2026"
    return ssda


def plant_574(care_world):
    # Jordan's May period ran to 3 May; a second period recorded from 2 May overlaps it.
    missing(care_world.world, care_world.jordan, at(2025, 5, 2, 23), at(2025, 5, 4, 9))
    return _tables(care_world)


def plant_581(care_world):
    # Alex came into care on 01/01/2025; a period from December 2024 still open on 1 April 2025.
    missing(care_world.world, care_world.alex, at(2024, 12, 20, 18), at(2025, 4, 2, 9))
    return _tables(care_world)


def plant_578(care_world):
    # Sam's care ended on 31/07/2025.
    missing(care_world.world, care_world.sam, at(2025, 8, 5, 18), at(2025, 8, 6, 9))
    return _tables(care_world)


def plant_575(care_world):
    # Jordan went missing from the first placement (ended 10/09/2025) and the period was never closed.
    missing(care_world.world, care_world.jordan, at(2025, 8, 1, 18), None)
    ssda = _tables(care_world)
    keep = [i for i, r in enumerate(ssda.missing) if not (r["CHILD"] == "N000123" and r["MIS_START"] == "30/03/2026")]
    ssda.missing = [ssda.missing[i] for i in keep]  # leave out the later period, which would also overlap
    ssda.missing_refs = [ssda.missing_refs[i] for i in keep]
    return ssda


def plant_577(care_world):
    # Sam's care ended on 31/07/2025 while a period from 20 July was still open.
    missing(care_world.world, care_world.sam, at(2025, 7, 20, 18), None)
    return _tables(care_world)


def plant_580(care_world):
    child = ChildFactory(
        la_child_id="N000700", date_of_birth=dt.date(2007, 9, 15), responsible_council=care_world.north
    )
    CareEpisodeFactory(child=child, decom=dt.date(2022, 1, 1), dec=dt.date(2025, 9, 15), rec="E5")
    missing(care_world.world, child, at(2025, 9, 10, 18), at(2025, 9, 15, 9))
    return _tables(care_world)


def plant_hw_mis_dob(care_world):
    ssda = _tables(care_world)
    for table in (ssda.header, ssda.missing):
        for r in table:
            if r["CHILD"] == "N000123":
                r["DOB"] = "02/05/2025"  # the day the May period starts
    return ssda


def plant_hw_mis_header(care_world):
    ssda = _tables(care_world)
    index = next(i for i, r in enumerate(ssda.header) if r["CHILD"] == "N000200")
    del ssda.header[index], ssda.header_child_pks[index]
    return ssda


def plant_101(care_world):
    ssda = _tables(care_world)
    ssda.header[0]["SEX"] = "X"
    return ssda


def plant_hw_epi_code(care_world):
    ssda = _tables(care_world)
    ssda.episodes[0]["LS"] = "C9"
    return ssda


def plant_hw_epi_date(care_world):
    ssda = _tables(care_world)
    ssda.episodes[1]["DECOM"] = "31/09/2025"
    return ssda


def plant_hw_epi_postcode(care_world):
    ssda = _tables(care_world)
    ssda.episodes[0]["PL_POST"] = "NOT A POSTCODE"
    return ssda


def plant_hw_epi_urn(care_world):
    ssda = _tables(care_world)
    ssda.episodes[1]["URN"] = "12345"
    return ssda


PLANTED = {
    "564": (plant_564, {"564"}),
    "565": (plant_565, {"565"}),
    "566": (plant_566, {"565", "566"}),  # a period with an end has a start too
    "1006": (plant_1006, {"1006"}),
    "1004": (plant_1004, {"1004"}),
    "1005": (plant_1005, {"1005"}),
    "567": (plant_567, {"567"}),
    "570": (plant_570, {"570"}),
    "571": (plant_571, {"571"}),
    "574": (plant_574, {"574"}),
    "581": (plant_581, {"581"}),
    "578": (plant_578, {"578"}),
    "575": (plant_575, {"575"}),
    "577": (plant_577, {"577"}),
    "580": (plant_580, {"580"}),
    "HW-MIS-DOB": (plant_hw_mis_dob, {"HW-MIS-DOB"}),
    "HW-MIS-HEADER": (plant_hw_mis_header, {"HW-MIS-HEADER"}),
    "101": (plant_101, {"101"}),
    "HW-EPI-CODE": (plant_hw_epi_code, {"HW-EPI-CODE"}),
    "HW-EPI-DATE": (plant_hw_epi_date, {"HW-EPI-DATE"}),
    "HW-EPI-POSTCODE": (plant_hw_epi_postcode, {"HW-EPI-POSTCODE"}),
    "HW-EPI-URN": (plant_hw_epi_urn, {"HW-EPI-URN"}),
}


@pytest.mark.parametrize("rule", list(PLANTED))
def test_each_rule_catches_its_planted_error_and_nothing_else(care_world, rule):
    plant, expected = PLANTED[rule]
    failures = validate_return(plant(care_world))
    assert rules_of(failures) == expected, [str(f) for f in failures]
    for failure in failures:
        assert failure.message and failure.child and failure.child_pk


def test_a_missing_period_failure_names_the_child_and_the_episode(care_world):
    period = missing(care_world.world, care_world.sam, at(2025, 7, 20, 18), None)
    (failure,) = validate_return(build_return(care_world.north, 2025))
    assert (failure.child, failure.child_pk, failure.missing_episode_pk, failure.rule) == (
        "N000200",
        care_world.sam.pk,
        period.pk,
        "577",
    )
    assert failure.message == "The child's care ended on 31/07/2025 but this period has no end date"
    assert str(failure) == (
        f"[577] child N000200, missing episode {period.pk}: "
        "The child's care ended on 31/07/2025 but this period has no end date"
    )


def test_a_period_ending_after_care_ended_fails_577(care_world):
    missing(care_world.world, care_world.sam, at(2025, 7, 20, 18), at(2025, 8, 2, 9))
    assert rules_of(validate_return(build_return(care_world.north, 2025))) == {"577"}


def test_a_period_starting_while_another_is_open_fails_574(care_world):
    missing(care_world.world, care_world.alex, at(2025, 6, 1, 18), None)
    ssda = build_return(care_world.north, 2025)
    ssda.missing.append(
        {"CHILD": "N000600", "DOB": "12/12/2012", "MISSING": "A", "MIS_START": "03/06/2025", "MIS_END": ""}
    )
    failures = validate_return(ssda)
    assert rules_of(failures) == {"574"}
    assert "still open" in failures[0].message


def test_periods_may_meet_on_a_day(care_world):
    """Back in the morning and missing again that night is two periods, not an overlap."""
    missing(care_world.world, care_world.jordan, at(2025, 5, 3, 22), at(2025, 5, 4, 9), kind=EpisodeType.AWAY)
    assert validate_return(build_return(care_world.north, 2025)) == []


def test_e8_on_the_18th_birthday_passes(care_world):
    child = ChildFactory(
        la_child_id="N000700", date_of_birth=dt.date(2007, 9, 15), responsible_council=care_world.north
    )
    CareEpisodeFactory(child=child, decom=dt.date(2022, 1, 1), dec=dt.date(2025, 9, 15), rec="E8")
    missing(care_world.world, child, at(2025, 9, 10, 18), at(2025, 9, 15, 9))
    assert validate_return(build_return(care_world.north, 2025)) == []


def test_placement_provider_must_be_blank_for_temporary_placements(care_world):
    ssda = build_return(care_world.north, 2025)
    ssda.episodes[0]["PLACE"] = "T1"
    (failure,) = validate_return(ssda)
    assert failure.rule == "HW-EPI-CODE"
    assert "PLACE_PROVIDER must be blank for placement T1" in failure.message
