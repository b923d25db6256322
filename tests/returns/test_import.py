"""Importing a council's SSDA903 Header, Episodes and Missing files (issue 17): round trip, per-row errors,
atomic, idempotent, and no alerts or return interviews from imported history."""

import io

import pytest

from access.models import AuditEvent
from children.models import Child
from episodes.models import MissingEpisode
from interviews.models import ReturnInterview
from returns.models import CareEpisode
from returns.ssda903 import FILE_NAMES, TABLE_COLUMNS, CollectionYear, build_return, write_table
from returns.ssda903_import import import_ssda903
from risk.codes import AlertKind
from risk.models import Alert
from risk.triggers import evaluate_child
from tests.factories import EpisodeFactory

YEAR = CollectionYear(2025)


def texts(tables: dict[str, list[dict[str, str]]]) -> dict[str, str]:
    out = {}
    for name in FILE_NAMES:
        handle = io.StringIO()
        write_table(handle, TABLE_COLUMNS[name], tables[name])
        out[name.lower()] = handle.getvalue()
    return out


@pytest.fixture
def northmoor_files(care_world):
    return texts(build_return(care_world.north, YEAR).tables())


def run_import(world, files, user=None):
    user = user or world.users.coordinator_south
    return import_ssda903(acting_user=user, council=user.agency, **files)


def test_round_trip_imports_a_return_and_exports_the_same_rows(world, care_world, northmoor_files):
    exported = build_return(care_world.north, YEAR).tables()
    result = run_import(world, northmoor_files)
    assert result.ok, [str(error) for error in result.errors]
    assert result.counts["children_added"] == len(exported["Header"]) == 4
    assert result.counts["episodes_added"] == len(exported["Episodes"])
    assert result.counts["missing_added"] == len(exported["Missing"])

    again = build_return(world.south, YEAR).tables()
    imported_ids = {row["CHILD"] for row in exported["Header"]}
    for name, rows in exported.items():
        assert [row for row in again[name] if row["CHILD"] in imported_ids] == rows, name
    child = Child.objects.get(responsible_council=world.south, la_child_id="N000123")
    assert (child.first_name, child.last_name) == ("Not recorded", "SSDA903 N000123")
    event = AuditEvent.objects.filter(summary="SSDA903 imported").get()
    assert event.actor_id == world.users.coordinator_south.pk and "N000123" not in str(event.changes)


def test_the_same_files_twice_change_nothing(world, care_world, northmoor_files):
    run_import(world, northmoor_files)
    counts = (Child.objects.count(), CareEpisode.objects.count(), MissingEpisode.objects.count())
    events = AuditEvent.objects.count()
    result = run_import(world, northmoor_files)
    assert result.ok and not result.changed
    assert result.counts["children_unchanged"] == 4 and result.counts["missing_unchanged"] == 4
    assert (Child.objects.count(), CareEpisode.objects.count(), MissingEpisode.objects.count()) == counts
    assert AuditEvent.objects.count() == events


def test_imported_history_raises_no_alert_and_opens_no_interview(world, care_world, northmoor_files):
    interviews = ReturnInterview.objects.count()
    run_import(world, northmoor_files)
    imported = MissingEpisode.objects.filter(child__responsible_council=world.south)
    assert imported.count() == 4 and all(episode.imported_from == "SSDA903" for episode in imported)
    assert imported.filter(returned_at__isnull=True).exists()  # an open period: no duration escalation either
    for child in Child.objects.filter(responsible_council=world.south):
        evaluate_child(child)
    assert not Alert.objects.filter(child__responsible_council=world.south).exists()
    assert ReturnInterview.objects.count() == interviews


def test_errors_are_listed_by_file_row_and_column_and_nothing_is_written(world, care_world, northmoor_files):
    files = dict(northmoor_files)
    files["header"] = files["header"].replace(",F,04/03/2011,", ",Q,31/02/2011,")
    files["missing"] += "N000999,01/01/2010,M,01/05/2025,\nN000200,20/07/2009,X,15/06/2025,14/06/2025\n"
    before = (Child.objects.count(), CareEpisode.objects.count(), MissingEpisode.objects.count())
    result = run_import(world, files)
    found = {(error.file, error.row, error.column) for error in result.errors}
    assert ("Header", 2, "SEX") in found and ("Header", 2, "DOB") in found
    assert ("Missing", 6, "CHILD") in found
    assert ("Missing", 7, "MISSING") in found and ("Missing", 7, "MIS_END") in found
    assert not result.changed
    assert (Child.objects.count(), CareEpisode.objects.count(), MissingEpisode.objects.count()) == before


def test_an_action_refusing_one_row_rolls_back_the_whole_import(world, care_world, northmoor_files):
    files = dict(northmoor_files)
    lines = files["episodes"].splitlines()
    lines[-1] = lines[-1].replace(",R1,PR4,", ",R1,PR9,")  # Alex's provider code is not a code
    files["episodes"] = "\n".join(lines) + "\n"
    result = run_import(world, files)
    assert [(error.file, error.row, error.column) for error in result.errors] == [
        ("Episodes", len(lines), "PLACE_PROVIDER")
    ]
    assert not Child.objects.filter(responsible_council=world.south, last_name__startswith="SSDA903").exists()
    assert not MissingEpisode.objects.filter(imported_from="SSDA903").exists()


def test_a_child_held_with_a_different_date_of_birth_is_an_error_not_an_overwrite(world, care_world, northmoor_files):
    result = run_import(world, northmoor_files, user=world.users.coordinator)  # Northmoor already holds them
    assert result.ok and not result.changed, [str(error) for error in result.errors]
    files = dict(northmoor_files)
    files["header"] = files["header"].replace("04/03/2011", "05/03/2011")
    files["missing"] = files["missing"].replace("04/03/2011", "05/03/2011")
    result = run_import(world, files, user=world.users.coordinator)
    assert [(error.file, error.column) for error in result.errors] == [("Header", "DOB")]
    assert Child.objects.get(pk=world.child.pk).date_of_birth.day == 4


def test_a_file_without_the_dfe_columns_is_refused(world, care_world, northmoor_files):
    result = run_import(world, {**northmoor_files, "missing": "CHILD,START\nN000123,01/05/2025\n"})
    assert [(error.file, error.row) for error in result.errors] == [("Missing", 1)]
    assert "MISSING, MIS_START, MIS_END" in result.errors[0].message


def test_a_repeat_alert_counts_imported_history_but_names_the_episode_reported_in_homeward(
    world, care_world, northmoor_files, settings
):
    settings.HOMEWARD_REPEAT_MISSING_COUNT = 2
    settings.HOMEWARD_REPEAT_MISSING_WINDOW_DAYS = 100_000
    run_import(world, northmoor_files)
    sam = Child.objects.get(responsible_council=world.south, la_child_id="N000200")
    evaluate_child(sam)
    assert not Alert.objects.filter(child=sam).exists()  # one imported period: nothing to say
    live = EpisodeFactory(child=sam, police_force=world.police_south, created_by=world.users.police_south)
    evaluate_child(sam)
    alert = Alert.objects.get(child=sam, kind=AlertKind.REPEAT_MISSING)
    assert alert.episode_id == live.pk and alert.dedupe_key == f"repeat:{live.pk}"
