"""Who hears at once, for each notification, and that outsiders and other councils hear nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from access.models import Role
from episodes.actions import record_return, report_missing
from episodes.codes import EpisodeType, FoundBy, MissingFrom, RiskGrade
from notifications.actions import notify_action_due, notify_actions_overdue
from notifications.codes import NotificationKind
from notifications.models import Notification
from sharing.actions import share_record
from sharing.codes import ChildConsent, LawfulBasis
from tests.factories import UserFactory


def report(world, child, *, by):
    now = timezone.now()
    return report_missing(
        acting_user=by,
        child=child,
        episode_type=EpisodeType.MISSING,
        missing_from=MissingFrom.HOME,
        last_seen_at=now - dt.timedelta(hours=3),
        last_seen_place="The park",
        reported_at=now - dt.timedelta(hours=2),
        reported_by="Parent",
        police_force=world.police_north,
        risk_grade=RiskGrade.MEDIUM,
    )


def told(kind) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


@pytest.fixture
def allocated(world):
    world.child.social_worker = world.users.social_worker
    world.child.save()
    return world.child


def test_missing_tells_the_social_worker_and_the_councils_coordinator_not_the_reporter(world, allocated):
    report(world, world.child, by=world.users.police)
    assert told(NotificationKind.CHILD_MISSING) == {"sw.north", "coord.north"}


def test_an_out_of_area_placement_tells_the_host_councils_coordinator_too(world):
    report(world, world.placed_child, by=world.users.police)  # Southvale's child placed in Northmoor
    assert told(NotificationKind.CHILD_MISSING) == {"coord.south", "coord.north"}


def test_another_councils_child_tells_nobody_in_northmoor(world):
    report(world, world.south_child, by=world.users.police_south)
    assert told(NotificationKind.CHILD_MISSING) == {"coord.south"}


def test_the_reporting_coordinator_is_not_told_what_they_did(world, allocated):
    report(world, world.child, by=world.users.coordinator)
    assert told(NotificationKind.CHILD_MISSING) == {"sw.north"}


def test_outsiders_hear_nothing(world, allocated):
    extra = UserFactory(username="coord.inactive", agency=world.north, roles=[Role.COORDINATOR], is_active=False)
    report(world, world.child, by=world.users.police)
    heard = told(NotificationKind.CHILD_MISSING)
    for outsider in (
        "coord.south",
        "police.north",
        "police.south",
        "dsl.north",
        "dsl.south",
        "rhi.north",
        "health.north",
        "analyst.north",
        "admin.north",
        "manager.north",
        extra.username,
    ):
        assert outsider not in heard


def test_the_school_hears_only_of_a_pupils_episode_shared_with_it(world):
    episode = report(world, world.child, by=world.users.police)
    assert "dsl.north" not in told(NotificationKind.CHILD_MISSING)  # nothing shared yet
    share_record(
        acting_user=world.users.coordinator,
        child=world.child,
        what="episode_summary",
        episode=episode,
        to_agency=world.school,
        lawful_basis=LawfulBasis.CHILDREN_ACT_S47,
        child_consent=ChildConsent.NOT_SOUGHT,
        child_consent_reason="Would put the child at risk",
        purpose="Safety while missing",
    )
    returned = record_return(
        episode,
        returned_at=timezone.now() - dt.timedelta(minutes=10),
        found_place="Home",
        found_by=FoundBy.POLICE,
        expected_version=episode.version,
        acting_user=world.users.police,
    )
    assert returned.returned_at
    assert told(NotificationKind.CHILD_FOUND) == {"coord.north", "dsl.north"}
    assert "dsl.south" not in told(NotificationKind.CHILD_FOUND)


def test_each_is_told_once_however_often_the_news_comes(world, allocated):
    from notifications.receivers import notify_missing

    episode = report(world, world.child, by=world.users.police)
    notify_missing(None, episode=episode, acting_user=world.users.police)
    assert Notification.objects.filter(kind=NotificationKind.CHILD_MISSING).count() == 2


def test_messages_carry_no_case_detail(world, allocated):
    episode = report(world, world.child, by=world.users.police)
    for notification in Notification.objects.all():
        for detail in ("Jordan", "Example", "park", "N000123", str(world.child.pk)):
            assert detail not in notification.message
        assert notification.link == f"/episodes/{episode.pk}/"


def test_action_owners_and_chairs_for_the_meetings_app(world):
    notify_action_due(world.users.social_worker, about="action:7", link="/")
    notify_action_due(world.users.social_worker, about="action:7", link="/")
    notify_actions_overdue(world.users.coordinator, about="meeting:3", link="/")
    assert told(NotificationKind.ACTION_DUE) == {"sw.north"}
    assert Notification.objects.filter(kind=NotificationKind.ACTION_DUE).count() == 1
    assert told(NotificationKind.ACTIONS_OVERDUE) == {"coord.north"}
