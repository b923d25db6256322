"""The episode log: timed, attributed entries while a child is missing, shown on the episode to those who read it
in full (not through a summary share), added by the episode's editors, audited without the note."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from access.models import AuditEvent
from episodes.actions import add_log_entry, record_return
from episodes.codes import FoundBy, LogEntryKind
from episodes.models import EpisodeLogEntry
from sharing.actions import share_record
from sharing.codes import ChildConsent, LawfulBasis
from tests.web.helpers import date_time_boxes, minute


@pytest.fixture
def missing(open_episode):
    return open_episode


def test_police_add_a_sighting_and_the_council_reads_it_attributed(client, world, missing):
    client.force_login(world.users.police)
    when = minute(timezone.now() - dt.timedelta(minutes=30))
    response = client.post(
        reverse("episodes:add-to-log", args=[missing.pk]),
        {"kind": LogEntryKind.SIGHTING, **date_time_boxes("occurred_at", when), "note": "Seen near the canal"},
    )
    assert response.status_code == 302
    entry = EpisodeLogEntry.objects.get()
    assert (entry.recorded_by, entry.recorded_by_agency, entry.occurred_at) == (
        world.users.police,
        world.police_north,
        when,
    )
    event = AuditEvent.objects.get(object_type="episodelogentry")
    assert event.changes["note"] == [None, "[sensitive]"] and "canal" not in str(event.changes)
    client.force_login(world.users.social_worker)
    page = client.get(reverse("episodes:detail", args=[missing.pk])).content.decode()
    assert "Seen near the canal" in page and "Possible sighting" in page and "Northmoor Police" in page


def test_a_summary_share_shows_the_episode_but_not_its_log(client, world, missing):
    add_log_entry(
        missing,
        kind=LogEntryKind.CALL,
        occurred_at=timezone.now() - dt.timedelta(minutes=5),
        note="Called from a friend's phone",
        acting_user=world.users.coordinator,
    )
    share_record(
        acting_user=world.users.coordinator,
        child=world.child,
        what="episode_summary",
        episode=missing,
        to_agency=world.school,
        lawful_basis=LawfulBasis.CHILDREN_ACT_S47,
        child_consent=ChildConsent.NOT_SOUGHT,
        child_consent_reason="Would put the child at risk",
        purpose="Safety",
    )
    client.force_login(world.users.school_dsl)
    page = client.get(reverse("episodes:detail", args=[missing.pk]))
    assert page.status_code == 200
    assert "friend" not in page.content.decode()
    assert client.get(reverse("episodes:add-to-log", args=[missing.pk])).status_code == 403
    client.force_login(world.users.coordinator_south)
    assert client.get(reverse("episodes:add-to-log", args=[missing.pk])).status_code == 404


def test_entries_are_refused_with_reasons(world, missing):
    with pytest.raises(ValidationError) as refused:
        add_log_entry(
            missing,
            kind="gossip",
            occurred_at=missing.last_seen_at - dt.timedelta(hours=1),
            note="  ",
            acting_user=world.users.police,
        )
    assert set(refused.value.message_dict) == {"kind", "note", "occurred_at"}
    record_return(
        missing,
        returned_at=timezone.now() - dt.timedelta(minutes=1),
        found_place="Home",
        found_by=FoundBy.POLICE,
        expected_version=missing.version,
        acting_user=world.users.police,
    )
    with pytest.raises(ValidationError, match="only while the child is missing"):
        add_log_entry(
            missing, kind=LogEntryKind.ACTION, occurred_at=timezone.now(), note="Late", acting_user=world.users.police
        )
    assert not EpisodeLogEntry.objects.exists()
