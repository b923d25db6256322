"""The episode rules, exercised through the actions every page, API call and command uses."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from access.models import AuditEvent
from core.errors import ConflictError
from episodes.actions import change_risk_grade, record_return, report_missing, update_episode_details
from episodes.codes import EpisodeType, FoundBy, MissingFrom, RiskGrade
from episodes.models import MissingEpisode
from interviews.models import ReturnInterview


def report(world, **overrides):
    now = timezone.now()
    fields = {
        "acting_user": world.users.coordinator,
        "child": world.child,
        "episode_type": EpisodeType.MISSING,
        "missing_from": MissingFrom.HOME,
        "last_seen_at": now - dt.timedelta(hours=5),
        "last_seen_place": "Bus station, Northmoor",
        "reported_at": now - dt.timedelta(hours=4),
        "reported_by": "Mother",
        "police_force": world.police_north,
        "police_reference": "wp-2026-000001",
        "risk_grade": RiskGrade.MEDIUM,
    }
    fields.update(overrides)
    return report_missing(**fields)


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


def test_report_missing_records_episode_grade_history_and_audit(world):
    episode = report(world)
    assert episode.is_open
    assert episode.police_reference == "WP-2026-000001"
    assert list(episode.risk_changes.values_list("grade", flat=True)) == [RiskGrade.MEDIUM]
    event = AuditEvent.objects.get(object_type="missingepisode", object_id=str(episode.pk))
    assert event.action == AuditEvent.Action.CREATE
    assert event.child_id == world.child.pk
    assert event.changes["risk_grade"] == [None, RiskGrade.MEDIUM]


def test_second_open_episode_is_refused_and_nothing_written(world):
    report(world)
    with pytest.raises(ValidationError) as excinfo:
        report(world, police_reference="WP-2026-000002")
    assert "already has an open missing episode" in errors_of(excinfo)["child"][0]
    assert MissingEpisode.objects.count() == 1


def test_duplicate_police_reference_within_a_force_is_refused(world):
    report(world)
    with pytest.raises(ValidationError) as excinfo:
        report(world, child=world.placed_child, police_reference="WP-2026-000001")
    assert "already used" in errors_of(excinfo)["police_reference"][0]


def test_same_police_reference_in_another_force_is_allowed(world):
    report(world)
    other = report(world, child=world.south_child, police_force=world.police_south)
    assert other.police_reference == "WP-2026-000001"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"last_seen_at": timezone.now() + dt.timedelta(hours=2)}, "last_seen_at", "now or in the past"),
        ({"reported_at": timezone.now() + dt.timedelta(hours=2)}, "reported_at", "now or in the past"),
        ({"episode_type": "X"}, "episode_type", "not a known code"),
        ({"risk_grade": "extreme"}, "risk_grade", "not a known code"),
        ({"missing_from": "moon"}, "missing_from", "not a known code"),
        ({"last_seen_place": "  "}, "last_seen_place", "Enter where"),
        ({"reported_by": ""}, "reported_by", "Enter who"),
        ({"last_seen_at": None}, "last_seen_at", "Enter when"),
    ],
)
def test_bad_report_names_the_field(world, overrides, field, message):
    with pytest.raises(ValidationError) as excinfo:
        report(world, **overrides)
    assert any(message in text for text in errors_of(excinfo)[field])
    assert not MissingEpisode.objects.exists()
    assert not AuditEvent.objects.exists()


def test_reported_before_last_seen_is_refused(world):
    now = timezone.now()
    with pytest.raises(ValidationError) as excinfo:
        report(world, last_seen_at=now - dt.timedelta(hours=1), reported_at=now - dt.timedelta(hours=2))
    assert "after the time last seen" in errors_of(excinfo)["reported_at"][0]


def test_police_force_must_be_a_police_force(world):
    with pytest.raises(ValidationError) as excinfo:
        report(world, police_force=world.north)
    assert "police force" in errors_of(excinfo)["police_force"][0]


def test_change_risk_grade_keeps_history(world):
    episode = report(world)
    changed = change_risk_grade(
        episode,
        grade=RiskGrade.HIGH,
        reason="Seen with older males",
        expected_version=episode.version,
        acting_user=world.users.police,
    )
    assert changed.risk_grade == RiskGrade.HIGH
    assert changed.version == episode.version + 1
    history = list(changed.risk_changes.values_list("previous_grade", "grade"))
    assert history == [("", RiskGrade.MEDIUM), (RiskGrade.MEDIUM, RiskGrade.HIGH)]
    assert AuditEvent.objects.filter(summary="Risk grade changed").get().changes == {
        "risk_grade": [RiskGrade.MEDIUM, RiskGrade.HIGH]
    }


def test_stale_version_is_a_conflict_and_changes_nothing(world):
    episode = report(world)
    change_risk_grade(
        episode, grade=RiskGrade.HIGH, reason="First editor", expected_version=1, acting_user=world.users.police
    )
    with pytest.raises(ConflictError):
        change_risk_grade(
            episode,
            grade=RiskGrade.LOW,
            reason="Second editor",
            expected_version=1,
            acting_user=world.users.coordinator,
        )
    episode.refresh_from_db()
    assert episode.risk_grade == RiskGrade.HIGH
    assert episode.risk_changes.count() == 2


def test_record_return_opens_interview_due_in_72_hours(world, settings):
    episode = report(world)
    returned_at = timezone.now() - dt.timedelta(hours=1)
    record_return(
        episode,
        returned_at=returned_at,
        found_place="Friend's flat",
        found_by=FoundBy.POLICE,
        expected_version=episode.version,
        acting_user=world.users.police,
        prevention_interview_done=True,
    )
    episode.refresh_from_db()
    assert not episode.is_open
    interview = ReturnInterview.objects.get(child=world.child)
    assert interview.due_by == returned_at + dt.timedelta(hours=settings.HOMEWARD_RHI_DUE_HOURS)
    assert list(interview.episodes.all()) == [episode]
    assert interview.provider.name == "Safe Return Partnership"


def test_return_before_last_seen_is_refused(world):
    episode = report(world)
    with pytest.raises(ValidationError) as excinfo:
        record_return(
            episode,
            returned_at=episode.last_seen_at - dt.timedelta(minutes=1),
            found_place="Home",
            found_by=FoundBy.SELF,
            expected_version=episode.version,
            acting_user=world.users.police,
        )
    assert "after the time last seen" in errors_of(excinfo)["returned_at"][0]
    episode.refresh_from_db()
    assert episode.is_open
    assert not ReturnInterview.objects.exists()


def test_return_in_future_is_refused(world):
    episode = report(world)
    with pytest.raises(ValidationError) as excinfo:
        record_return(
            episode,
            returned_at=timezone.now() + dt.timedelta(days=1),
            found_place="Home",
            found_by=FoundBy.SELF,
            expected_version=episode.version,
            acting_user=world.users.police,
        )
    assert "returned_at" in errors_of(excinfo)


def test_second_return_within_open_interview_joins_it(world):
    first = report(world)
    first_return = timezone.now() - dt.timedelta(hours=3)
    first.last_seen_at = first_return - dt.timedelta(hours=5)
    first.save()
    record_return(
        first,
        returned_at=first_return,
        found_place="Home",
        found_by=FoundBy.SELF,
        expected_version=first.version,
        acting_user=world.users.police,
    )
    second = report(
        world,
        police_reference="WP-2026-000099",
        last_seen_at=timezone.now() - dt.timedelta(hours=2),
        reported_at=timezone.now() - dt.timedelta(hours=2),
    )
    record_return(
        second,
        returned_at=timezone.now() - dt.timedelta(minutes=30),
        found_place="Park",
        found_by=FoundBy.POLICE,
        expected_version=second.version,
        acting_user=world.users.police,
    )
    interview = ReturnInterview.objects.get()
    assert set(interview.episodes.all()) == {first, second}
    assert interview.due_by == first_return + dt.timedelta(hours=72)


def test_update_details_audits_before_and_after(world):
    episode = report(world)
    updated = update_episode_details(
        episode,
        expected_version=1,
        acting_user=world.users.coordinator,
        last_seen_place="Train station",
        episode_type=EpisodeType.AWAY,
    )
    assert updated.last_seen_place == "Train station"
    event = AuditEvent.objects.filter(summary="Episode details changed").get()
    assert event.changes["last_seen_place"] == ["[sensitive]", "[sensitive]"]  # places never enter the trail
    assert "Train station" not in str(event.changes)
    assert event.changes["episode_type"] == ["M", "A"]


def test_update_details_refuses_fields_with_their_own_action(world):
    episode = report(world)
    with pytest.raises(ValidationError) as excinfo:
        update_episode_details(episode, expected_version=1, acting_user=world.users.coordinator, risk_grade="high")
    assert "risk_grade" in errors_of(excinfo)


def test_names_and_free_text_never_enter_the_audit_trail(world):
    episode = report(world, circumstances="Left with Dean Example after an argument")
    record_return(
        episode,
        returned_at=timezone.now() - dt.timedelta(hours=1),
        found_place="14 Canal Street",
        found_by=FoundBy.POLICE,
        found_with="Dean Example",
        harm_on_return="Bruised arm",
        expected_version=episode.version,
        acting_user=world.users.police,
    )
    trail = str(list(AuditEvent.objects.values_list("changes", flat=True)))
    for secret in ("Dean Example", "Canal Street", "Bruised", "Bus station", "Mother"):
        assert secret not in trail
