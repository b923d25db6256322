"""Merging a child recorded twice: every app's records move to the survivor, both audit trails stay, the merge is
atomic and version-checked, refused where an app objects, and only for the council's coordinator or administrator."""

import datetime as dt

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from access.models import AuditEvent
from children import hooks
from children.actions import merge_children
from children.models import Child
from core.errors import ConflictError
from episodes.models import MissingEpisode
from intake.actions import import_notifications
from intake.models import Notification
from intake.parsing import read_objects
from interviews.models import ReturnInterview
from network.models import ChildPersonLink, PersonOfConcern
from risk.models import Alert
from sharing.models import Share
from tests.factories import ChildFactory, EpisodeFactory, InterviewFactory
from tests.permission_matrix import MATRIX_NOTIFICATION

REASON = "MERGE-SECRET-REASON: added by police and by the council"


@pytest.fixture
def duplicate(world):
    return ChildFactory(
        first_name="Jordon",
        last_name="Exampel",
        date_of_birth=world.child.date_of_birth,
        sex=world.child.sex,
        responsible_council=world.north,
        la_child_id="N000999",
    )


def _merge(world, keep, gone, user=None, **kwargs):
    keep.refresh_from_db()
    gone.refresh_from_db()
    return merge_children(
        survivor=keep,
        merged=gone,
        survivor_version=kwargs.pop("survivor_version", keep.version),
        merged_version=kwargs.pop("merged_version", gone.version),
        reason=kwargs.pop("reason", REASON),
        acting_user=user or world.users.coordinator,
    )


def _link(world, child, person):
    return ChildPersonLink.objects.create(
        child=child,
        person=person,
        source="interview",
        linked_on=dt.date(2026, 1, 5),
        confidence="confirmed",
        owning_agency=world.north,
        recorded_by=world.users.coordinator,
    )


def test_every_foreign_key_to_a_child_has_a_mover():
    fields = {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if getattr(field, "related_model", None) is Child and field.concrete and model is not Child
    }
    assert fields == hooks.moved_fields()


def test_the_merge_moves_every_record_and_keeps_both_audit_trails(world, duplicate):
    users = world.users
    episode = EpisodeFactory(
        child=duplicate,
        police_force=world.police_north,
        created_by=users.police,
        returned_at=timezone.now() - dt.timedelta(hours=1),
    )
    interview = InterviewFactory(child=duplicate, covering=[episode])
    same_cause = {"kind": "high_risk", "dedupe_key": "same-cause", "detail": "x", "raised_at": timezone.now()}
    Alert.objects.create(child=world.child, for_role="coordinator", **same_cause)
    moved_alert = Alert.objects.create(child=duplicate, for_role="coordinator", **same_cause)
    person = PersonOfConcern.objects.create(
        owning_agency=world.north, kind="adult", display_name="Dee", created_by=users.coordinator
    )
    _link(world, world.child, person)
    twin_link = _link(world, duplicate, person)
    share = Share.objects.create(
        child=duplicate,
        what="episode_summary",
        episode=episode,
        to_agency=world.health,
        shared_at=timezone.now(),
        shared_by=users.coordinator,
        from_agency=world.north,
        lawful_basis="vital_interests",
        child_consent="not_capable",
        purpose="Test",
    )
    before = AuditEvent.objects.filter(child_id=duplicate.pk).count()

    kept = _merge(world, world.child, duplicate)

    assert kept.pk == world.child.pk
    assert MissingEpisode.objects.get(pk=episode.pk).child_id == kept.pk
    assert ReturnInterview.objects.get(pk=interview.pk).child_id == kept.pk
    assert Share.objects.get(pk=share.pk).child_id == kept.pk
    moved_alert.refresh_from_db()
    assert (moved_alert.child_id, moved_alert.dedupe_key) == (kept.pk, f"same-cause:merged-{duplicate.pk}")
    twin_link.refresh_from_db()
    assert twin_link.child_id == kept.pk and twin_link.ended_at is not None  # one active link, both in history
    assert ChildPersonLink.objects.filter(child=kept, ended_at__isnull=True).count() == 1
    gone = Child.objects.get(pk=duplicate.pk)
    assert (gone.merged_into_id, gone.merged_by_id, gone.merge_reason) == (kept.pk, users.coordinator.pk, REASON)
    assert gone.version == 2 and Child.objects.get(pk=kept.pk).version == 2
    # Both trails stay under their own IDs, each with a merge event; the reason's words are not in the trail.
    assert AuditEvent.objects.filter(child_id=duplicate.pk).count() == before + 1
    merged_event = AuditEvent.objects.get(child_id=duplicate.pk, action=AuditEvent.Action.MERGE)
    survivor_event = AuditEvent.objects.get(child_id=kept.pk, action=AuditEvent.Action.MERGE)
    assert merged_event.changes["merged_into"] == [None, kept.pk]
    assert survivor_event.changes["missing episodes"] == [None, 1]
    assert survivor_event.changes["return interviews"] == [None, 1]
    assert "MERGE-SECRET" not in str(merged_event.changes) + str(survivor_event.changes)


def test_a_stale_version_is_a_conflict_and_nothing_moves(world, duplicate):
    episode = EpisodeFactory(child=duplicate, police_force=world.police_north, created_by=world.users.police)
    with pytest.raises(ConflictError):
        _merge(world, world.child, duplicate, merged_version=duplicate.version + 1)
    assert MissingEpisode.objects.get(pk=episode.pk).child_id == duplicate.pk
    assert Child.objects.get(pk=duplicate.pk).merged_into_id is None


def test_two_open_episodes_are_a_conflict_listed_and_nothing_moves(world, duplicate):
    EpisodeFactory(child=world.child, police_force=world.police_north, created_by=world.users.police)
    theirs = EpisodeFactory(child=duplicate, police_force=world.police_north, created_by=world.users.police)
    with pytest.raises(ValidationError) as refused:
        _merge(world, world.child, duplicate)
    assert "open missing episode" in str(refused.value)
    assert MissingEpisode.objects.get(pk=theirs.pk).child_id == duplicate.pk
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.MERGE).exists()


def test_a_failure_midway_leaves_everything_as_it_was(world, duplicate, monkeypatch):
    episode = EpisodeFactory(child=duplicate, police_force=world.police_north, created_by=world.users.police)

    def broken(merged_id, survivor_id, acting_user):
        raise RuntimeError("the disk filled up")

    movers = hooks.merge_movers()
    monkeypatch.setitem(hooks._merge_movers, "zz-broken", hooks.MergeMover((), hooks.no_problems, broken))
    assert len(hooks.merge_movers()) == len(movers) + 1
    with pytest.raises(RuntimeError):
        _merge(world, world.child, duplicate)
    assert MissingEpisode.objects.get(pk=episode.pk).child_id == duplicate.pk
    assert Child.objects.get(pk=duplicate.pk).merged_into_id is None


@pytest.mark.parametrize("who", ["social_worker", "manager", "police", "coordinator_south", "analyst"])
def test_only_the_councils_coordinator_or_administrator_merges(world, duplicate, who):
    with pytest.raises(ValidationError):
        _merge(world, world.child, duplicate, user=getattr(world.users, who))
    assert Child.objects.get(pk=duplicate.pk).merged_into_id is None


def test_the_councils_administrator_merges(world, duplicate):
    _merge(world, world.child, duplicate, user=world.users.admin)
    assert Child.objects.get(pk=duplicate.pk).merged_into_id == world.child.pk


def test_refusals_name_the_field(world, duplicate):
    with pytest.raises(ValidationError) as refused:
        _merge(world, world.child, duplicate, reason=" ")
    assert "reason" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        _merge(world, world.child, world.child)
    assert "survivor" in refused.value.message_dict
    _merge(world, world.child, duplicate)
    with pytest.raises(ValidationError):
        _merge(world, world.child, duplicate)  # already merged


def test_the_merge_page_reviews_and_confirms(client, world, duplicate):
    EpisodeFactory(child=duplicate, police_force=world.police_north, created_by=world.users.police)
    client.force_login(world.users.coordinator)
    url = reverse("children:merge", args=[world.child.pk, duplicate.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert b"N000999" in page.content and b"Missing episodes: 1" in page.content
    stale = client.post(url, {"survivor": world.child.pk, "reason": REASON, "first_version": 1, "second_version": 7})
    assert stale.status_code == 409
    missing_reason = client.post(url, {"survivor": world.child.pk, "first_version": 1, "second_version": 1})
    assert b"Enter why these two records are the same child" in missing_reason.content
    done = client.post(url, {"survivor": duplicate.pk, "reason": REASON, "first_version": 1, "second_version": 1})
    assert done.status_code == 302 and done["Location"] == reverse("children:detail", args=[duplicate.pk])
    assert Child.objects.get(pk=world.child.pk).merged_into_id == duplicate.pk
    merged_page = client.get(reverse("children:detail", args=[world.child.pk]))
    assert b"This record was merged into" in merged_page.content
    assert client.get(url).status_code == 404  # a merged record is not offered again


def test_the_data_quality_list_offers_the_pair_to_the_coordinator_only(client, world, duplicate):
    client.force_login(world.users.coordinator)
    listed = client.get(reverse("analytics:data-quality")).content.decode()
    assert "N000123 and N000999" in listed
    assert reverse("children:merge", args=[world.child.pk, duplicate.pk]) in listed
    client.force_login(world.users.manager)
    listed = client.get(reverse("analytics:data-quality")).content.decode()
    assert "N000123 and N000999" in listed and "/children/merge/" not in listed
    client.force_login(world.users.coordinator_south)
    assert "N000999" not in client.get(reverse("analytics:data-quality")).content.decode()


def test_police_notifications_proposing_the_duplicate_name_the_survivor_after_the_merge(world, duplicate):
    """intake's mover: a notification matched to, or proposing, the duplicate record names the surviving one."""
    notification_row = dict(MATRIX_NOTIFICATION, first_name="Jordyn", last_name="Exampal", police_reference="41-M-1")
    import_notifications(
        lambda: read_objects([notification_row]), acting_user=world.users.police, force=world.police_north, source="api"
    )
    notification = Notification.objects.get(police_reference="41-M-1")
    notification.proposed_children.set([world.child, duplicate])
    Notification.objects.filter(pk=notification.pk).update(child=duplicate)
    _merge(world, world.child, duplicate)
    notification.refresh_from_db()
    assert notification.child_id == world.child.pk
    assert list(notification.proposed_children.all()) == [world.child]


def test_records_moved_by_the_merge_are_stamped_as_changed_for_systems_that_sync(world, duplicate):
    """A system following `updated_since` must see the episode and the alert move to the surviving record:
    `update()` skips `auto_now`, so the repointing stamps them itself."""
    long_ago = timezone.now() - dt.timedelta(days=30)
    episode = EpisodeFactory(
        child=duplicate,
        police_force=world.police_north,
        created_by=world.users.police,
        returned_at=timezone.now() - dt.timedelta(hours=1),
    )
    alert = Alert.objects.create(
        child=duplicate, for_role="coordinator", kind="high_risk", dedupe_key="k", detail="x", raised_at=long_ago
    )
    MissingEpisode.objects.filter(pk=episode.pk).update(updated_at=long_ago)
    Alert.objects.filter(pk=alert.pk).update(updated_at=long_ago)
    started = timezone.now()

    _merge(world, world.child, duplicate)

    assert MissingEpisode.objects.get(pk=episode.pk).updated_at >= started
    assert Alert.objects.get(pk=alert.pk).updated_at >= started
