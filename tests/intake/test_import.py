"""The one import: matching outcomes, idempotency, order, quarantine, all-or-nothing, historic notifications."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from episodes.models import MissingEpisode
from intake.actions import DUPLICATE, check_rows, import_notifications
from intake.models import Notification, PoliceCase, Source, Status
from intake.parsing import read_csv, read_objects
from risk.models import Alert
from tests.intake.conftest import csv_bytes, found, missing, update

pytestmark = pytest.mark.django_db


def run(world, rows, **options):
    return import_notifications(
        lambda: read_objects(rows),
        acting_user=world.users.police,
        force=world.police_north,
        source=Source.COMMAND,
        **options,
    )


def test_council_child_id_matches_exactly_and_reports_missing(world):
    result = run(world, [missing(council_code="901", council_child_id="N000123")])
    assert result.counts == {Status.APPLIED: 1}
    episode = MissingEpisode.objects.get(child=world.child)
    assert episode.police_reference == "41-MP-1"
    assert episode.police_force == world.police_north
    assert episode.risk_grade == "medium"


def test_upn_matches_exactly(world):
    assert run(world, [missing(upn="A123456789012")]).counts == {Status.APPLIED: 1}
    assert MissingEpisode.objects.filter(child=world.child).count() == 1


def test_an_identifier_with_a_different_date_of_birth_is_only_proposed(world):
    result = run(world, [missing(upn="A123456789012", date_of_birth="2011-03-05")])
    assert result.counts == {Status.QUEUED: 1}
    queued = Notification.objects.get()
    assert list(queued.proposed_children.all()) == [world.child]
    assert "date of birth differs" in queued.outcome
    assert not MissingEpisode.objects.exists()


def test_identifiers_pointing_at_different_children_are_queued(world):
    result = run(world, [missing(upn="A123456789012", council_code="902", council_child_id="S000456")])
    assert result.counts == {Status.QUEUED: 1}
    assert set(Notification.objects.get().proposed_children.all()) == {world.child, world.placed_child}


@pytest.mark.parametrize(
    ("first", "last", "born"),
    [
        ("Jordan", "Example", "2011-03-04"),  # exact name and date: still only a proposal
        ("Jordon", "Exampel", "2011-03-04"),  # spelling variants
        ("Jordan", "Example", "2011-04-03"),  # day and month transposed
        ("Jordan", "Smith-Example", "2011-03-04"),  # one part of a hyphenated name
    ],
)
def test_name_and_date_of_birth_only_propose(world, first, last, born):
    result = run(world, [missing(first_name=first, last_name=last, date_of_birth=born)])
    assert result.counts == {Status.QUEUED: 1}
    assert world.child in Notification.objects.get().proposed_children.all()
    assert not MissingEpisode.objects.exists()


def test_no_match_is_queued_with_no_proposal(world):
    result = run(world, [missing(first_name="Nobody", last_name="Known", date_of_birth="2012-01-01")])
    assert result.counts == {Status.QUEUED: 1}
    assert not Notification.objects.get().proposed_children.exists()


def test_the_same_file_twice_changes_nothing(world):
    rows = [missing(upn="A123456789012")]
    run(world, rows)
    before = (MissingEpisode.objects.get().version, Notification.objects.count())
    assert run(world, rows).counts == {DUPLICATE: 1}
    assert (MissingEpisode.objects.get().version, Notification.objects.count()) == before


def test_updates_apply_in_order_and_an_older_one_is_recorded_not_applied(world):
    now = timezone.now()
    run(world, [missing(upn="A123456789012")])
    run(world, [update("41-MP-1", at=now - dt.timedelta(hours=2), risk_grade="high")])
    episode = MissingEpisode.objects.get()
    assert episode.risk_grade == "high"
    result = run(world, [update("41-MP-1", at=now - dt.timedelta(hours=5), risk_grade="low")])
    assert result.counts == {Status.SUPERSEDED: 1}
    assert MissingEpisode.objects.get().risk_grade == "high"
    assert Notification.objects.filter(status=Status.SUPERSEDED).count() == 1


def test_found_records_the_return(world):
    now = timezone.now()
    run(world, [missing(upn="A123456789012"), found("41-MP-1", at=now - dt.timedelta(hours=1))])
    episode = MissingEpisode.objects.get()
    assert episode.returned_at is not None
    assert episode.found_by == "police"


def test_updates_before_their_missing_report_wait_then_apply_in_order(world):
    now = timezone.now()
    rows = [
        found("41-MP-1", at=now - dt.timedelta(hours=1)),
        update("41-MP-1", at=now - dt.timedelta(hours=3), risk_grade="high"),
        missing(first_name="Jordan", last_name="Example", date_of_birth="2011-03-04"),
    ]
    result = run(world, rows)
    assert result.counts == {Status.WAITING: 2, Status.QUEUED: 1}
    from intake.actions import confirm_child

    queued = Notification.objects.get(status=Status.QUEUED)
    confirm_child(queued, child=world.child, expected_version=queued.version, acting_user=world.users.coordinator)
    episode = MissingEpisode.objects.get()
    assert episode.risk_changes.filter(grade="high").exists()
    assert episode.returned_at is not None
    assert not Notification.objects.filter(status__in=[Status.WAITING, Status.QUEUED]).exists()


def test_a_missing_report_joins_the_councils_open_episode(world):
    from tests.factories import EpisodeFactory

    open_episode = EpisodeFactory(
        child=world.child, police_force=world.police_north, created_by=world.users.coordinator, police_reference=""
    )
    assert run(world, [missing(upn="A123456789012")]).counts == {Status.APPLIED: 1}
    assert MissingEpisode.objects.count() == 1
    open_episode.refresh_from_db()
    assert open_episode.police_reference == "41-MP-1"
    assert PoliceCase.objects.get().episode == open_episode


def test_errors_name_row_and_field_and_nothing_is_written(world):
    now = timezone.now()
    bad = missing("41-MP-2", upn="A123456789012", returned_at=(now - dt.timedelta(hours=20)).isoformat())
    data = csv_bytes([missing(upn="A123456789012"), bad])
    result = import_notifications(
        lambda: read_csv(io.BytesIO(data)), acting_user=world.users.police, force=world.police_north, source="command"
    )
    assert not result.written
    assert "row 3: returned_at is before last_seen_at" in result.error_lines()
    assert not Notification.objects.exists()
    assert not MissingEpisode.objects.exists()


def test_import_valid_rows_quarantines_the_rest(world):
    rows = [missing(upn="A123456789012"), missing("41-MP-2", risk_grade="extreme", upn="A123456789012")]
    result = run(world, rows, import_valid_rows=True)
    assert result.counts == {Status.APPLIED: 1, Status.QUARANTINED: 1}
    quarantined = Notification.objects.get(status=Status.QUARANTINED)
    assert quarantined.row_number == 2
    assert quarantined.errors[0][0] == "risk_grade"


def test_a_row_for_another_force_is_an_error(world):
    result = check_rows(read_objects([missing(force_code="42", upn="A123456789012")]), force=world.police_north)
    assert result.errors == [(1, "force_code", "is 42, not this import's force (41)")]


def test_a_crash_midway_leaves_the_database_as_it_was(world):
    names = {"first_name": "Alex", "last_name": "Unknown", "date_of_birth": "2012-02-02"}
    rows = [missing("41-MP-1", upn="A123456789012"), missing("41-MP-2", **names), missing("41-MP-3", **names)]
    passes = []

    def open_rows():
        passes.append(1)
        for number, values, why in read_objects(rows):
            if len(passes) == 2 and number == 3:
                raise OSError("the file went away")
            yield number, values, why

    before = MissingEpisode.objects.count()
    with pytest.raises(OSError):
        import_notifications(open_rows, acting_user=world.users.police, force=world.police_north, source="command")
    assert MissingEpisode.objects.count() == before
    assert not Notification.objects.exists()
    assert not PoliceCase.objects.exists()


def test_historic_notifications_raise_no_alerts(world, django_capture_on_commit_callbacks):
    long_ago = timezone.now() - dt.timedelta(days=800)
    rows = [
        missing(
            "41-OLD-1",
            upn="A123456789012",
            risk_grade="high",
            last_seen_at=long_ago.isoformat(),
            event_at=long_ago.isoformat(),
        ),
        found("41-OLD-1", at=long_ago + dt.timedelta(hours=30)),
    ]
    from risk import triggers

    run(world, rows)
    episode = MissingEpisode.objects.get()
    assert episode.returned_at is not None
    assert triggers.evaluate_child(world.child) == []
    assert not Alert.objects.exists()


def test_the_command_checks_then_imports_with_a_dry_run_first(world, tmp_path, capsys):
    path = tmp_path / "notifications.csv"
    path.write_bytes(csv_bytes([missing(upn="A123456789012")]))
    call_command("import_police_notifications", str(path), user="police.north", dry_run=True)
    assert "Nothing was written (dry run)" in capsys.readouterr().out
    assert not Notification.objects.exists()
    call_command("import_police_notifications", str(path), user="police.north")
    assert "applied: 1" in capsys.readouterr().out
    call_command("import_police_notifications", str(path), user="police.north")
    assert "duplicate: 1" in capsys.readouterr().out
    assert MissingEpisode.objects.count() == 1


def test_the_command_refuses_a_bad_file_and_writes_nothing(world, tmp_path, capsys):
    path = tmp_path / "notifications.csv"
    path.write_bytes(csv_bytes([missing(upn="A123456789012", postcode="NOT A POSTCODE")]))
    with pytest.raises(SystemExit):
        call_command("import_police_notifications", str(path), user="police.north")
    assert "row 2: postcode is not a UK postcode" in capsys.readouterr().out
    assert not Notification.objects.exists()
