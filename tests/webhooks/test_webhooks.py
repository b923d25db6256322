"""Outgoing webhooks against a real local HTTP receiver: signature, retry with back-off, replay, and scope (an
event about a record the client may not see is never sent, whether that is so when it happens or only later)."""

import datetime as dt
import json
import time

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from episodes.actions import change_risk_grade, record_return, report_missing
from episodes.codes import EpisodeType, FoundBy, MissingFrom, RiskGrade
from webhooks import signing
from webhooks.actions import end_subscription, replay
from webhooks.models import DeliveryStatus, EventKind, WebhookDelivery
from webhooks.tasks import backoff, deliver


def _report(world, child, user, force):
    now = timezone.now()
    return report_missing(
        acting_user=user,
        child=child,
        episode_type=EpisodeType.MISSING,
        missing_from=MissingFrom.HOME,
        last_seen_at=now - dt.timedelta(hours=2),
        last_seen_place="Town centre",
        reported_at=now - dt.timedelta(hours=1),
        reported_by="Parent",
        police_force=force,
        risk_grade=RiskGrade.MEDIUM,
    )


def _run_queued(django_capture_on_commit_callbacks, action):
    with django_capture_on_commit_callbacks(execute=True):
        result = action()
    return result


def _send_all():
    for delivery in WebhookDelivery.objects.filter(status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING]):
        deliver.call(delivery.pk)


def test_episode_reported_is_signed_and_carries_ids_only(
    world, subscribed, receiver, django_capture_on_commit_callbacks
):
    _subscription, secret = subscribed
    episode = _run_queued(
        django_capture_on_commit_callbacks,
        lambda: _report(world, world.child, world.users.coordinator, world.police_north),
    )
    _send_all()
    assert len(receiver.received) == 1
    sent = receiver.received[0]
    body = json.loads(sent.body)
    assert body["event"] == EventKind.EPISODE_REPORTED
    assert body["data"] == {"episode_id": episode.pk, "child_id": world.child.pk}
    assert set(body) == {"event", "event_id", "occurred_at", "data"}
    assert b"Jordan" not in sent.body and b"Town centre" not in sent.body
    timestamp = sent.headers[signing.TIMESTAMP_HEADER]
    signature = sent.headers[signing.SIGNATURE_HEADER]
    assert signing.verify(secret, timestamp, sent.body, signature, now=int(time.time()))
    # A changed body, a wrong secret or an old timestamp fails the receiver's check.
    assert not signing.verify(secret, timestamp, sent.body + b" ", signature, now=int(time.time()))
    assert not signing.verify("another-secret", timestamp, sent.body, signature, now=int(time.time()))
    assert not signing.verify(secret, timestamp, sent.body, signature, now=int(timestamp) + 3600)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.DELIVERED, 1, 200)


def test_failed_delivery_is_retried_with_exponential_back_off(
    world, subscribed, receiver, settings, django_capture_on_commit_callbacks
):
    settings.HOMEWARD_WEBHOOK_MAX_ATTEMPTS = 3
    receiver.answers = [500, 503, 500]
    _run_queued(
        django_capture_on_commit_callbacks,
        lambda: _report(world, world.child, world.users.coordinator, world.police_north),
    )
    delivery = WebhookDelivery.objects.get()
    waits = []
    for attempt in (1, 2, 3):
        before = timezone.now()
        deliver.call(delivery.pk)
        delivery.refresh_from_db()
        assert delivery.attempts == attempt
        if delivery.next_attempt_at:
            waits.append(delivery.next_attempt_at - before)
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_status_code == 500
    assert len(receiver.received) == 3
    # The waits double: base, then twice the base.
    assert backoff(1) <= waits[0] < backoff(1) + dt.timedelta(seconds=5)
    assert backoff(2) <= waits[1] < backoff(2) + dt.timedelta(seconds=5)
    # The first send was queued when the episode was reported; each retry was queued for its back-off time.
    queued = DBTaskResult.objects.filter(task_path="webhooks.tasks.deliver").order_by("enqueued_at")
    assert queued.count() == 3
    assert all(r.run_after >= before - backoff(2) for r in queued[1:])
    # Running a failed delivery again sends nothing: it is no longer pending.
    assert deliver.call(delivery.pk) == "skipped"
    assert len(receiver.received) == 3


def test_retry_then_success(world, subscribed, receiver, django_capture_on_commit_callbacks):
    receiver.answers = [502]
    _run_queued(
        django_capture_on_commit_callbacks,
        lambda: _report(world, world.child, world.users.coordinator, world.police_north),
    )
    _send_all()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.RETRYING
    _send_all()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 2)
    first, second = (json.loads(r.body) for r in receiver.received)
    assert first["event_id"] == second["event_id"]


def test_replay_sends_the_same_event_again(world, subscribed, receiver, django_capture_on_commit_callbacks):
    _run_queued(
        django_capture_on_commit_callbacks,
        lambda: _report(world, world.child, world.users.coordinator, world.police_north),
    )
    _send_all()
    original = WebhookDelivery.objects.get()
    again = _run_queued(django_capture_on_commit_callbacks, lambda: replay(original, acting_user=world.users.admin))
    _send_all()
    again.refresh_from_db()
    assert again.status == DeliveryStatus.DELIVERED
    assert again.replay_of == original and again.event_id == original.event_id
    assert [json.loads(r.body)["event_id"] for r in receiver.received] == [str(original.event_id)] * 2


def test_out_of_scope_record_is_never_sent(world, subscribed, receiver, django_capture_on_commit_callbacks):
    """Northmoor's client never hears of a Southvale child's episode: no delivery, not even in its log."""
    _run_queued(
        django_capture_on_commit_callbacks,
        lambda: _report(world, world.south_child, world.users.coordinator_south, world.police_south),
    )
    _send_all()
    assert WebhookDelivery.objects.count() == 0
    assert receiver.received == []


def test_scope_is_checked_again_at_send_time(world, subscribed, receiver, django_capture_on_commit_callbacks):
    """The child moves to Southvale between the event and the send: the delivery is withheld, nothing is sent."""
    _run_queued(
        django_capture_on_commit_callbacks,
        lambda: _report(world, world.child, world.users.coordinator, world.police_north),
    )
    type(world.child).objects.filter(pk=world.child.pk).update(
        responsible_council=world.south, placement_council=world.south, school=world.other_school
    )
    _send_all()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.WITHHELD
    assert delivery.attempts == 0
    assert receiver.received == []


def test_risk_change_and_return_are_announced(world, subscribed, receiver, django_capture_on_commit_callbacks):
    episode = _run_queued(
        django_capture_on_commit_callbacks,
        lambda: _report(world, world.child, world.users.coordinator, world.police_north),
    )
    _run_queued(
        django_capture_on_commit_callbacks,
        lambda: change_risk_grade(
            episode, grade=RiskGrade.HIGH, reason="New information", expected_version=1, acting_user=world.users.police
        ),
    )
    episode.refresh_from_db()
    _run_queued(
        django_capture_on_commit_callbacks,
        lambda: record_return(
            episode,
            acting_user=world.users.coordinator,
            expected_version=episode.version,
            returned_at=timezone.now(),
            found_place="Home",
            found_by=FoundBy.SELF,
        ),
    )
    _send_all()
    events = sorted(json.loads(r.body)["event"] for r in receiver.received)
    assert EventKind.EPISODE_REPORTED in events
    assert EventKind.RISK_CHANGED in events
    assert EventKind.FOUND in events
    assert EventKind.INTERVIEW_DUE in events


def test_ended_subscription_sends_nothing(world, subscribed, receiver, django_capture_on_commit_callbacks):
    subscription, _ = subscribed
    _run_queued(
        django_capture_on_commit_callbacks,
        lambda: _report(world, world.child, world.users.coordinator, world.police_north),
    )
    end_subscription(subscription, acting_user=world.users.admin)
    _send_all()
    assert WebhookDelivery.objects.get().status == DeliveryStatus.CANCELLED
    assert receiver.received == []
    with pytest.raises(Exception, match="ended"):
        replay(WebhookDelivery.objects.get(), acting_user=world.users.admin)


def test_interview_overdue_at_its_due_time(world, subscribed, receiver, django_capture_on_commit_callbacks):
    from interviews.models import ReturnInterview
    from webhooks.tasks import check_overdue

    episode = _run_queued(
        django_capture_on_commit_callbacks,
        lambda: _report(world, world.child, world.users.coordinator, world.police_north),
    )
    _run_queued(
        django_capture_on_commit_callbacks,
        lambda: record_return(
            episode,
            acting_user=world.users.coordinator,
            expected_version=episode.version,
            returned_at=timezone.now(),
            found_place="Home",
            found_by=FoundBy.SELF,
        ),
    )
    interview = ReturnInterview.objects.get(child=world.child)
    # Queued for the due time when the interview opened.
    assert DBTaskResult.objects.filter(task_path="webhooks.tasks.check_overdue").get().run_after == interview.due_by
    assert check_overdue.call(interview.pk) == 0  # not due yet: nothing
    ReturnInterview.objects.filter(pk=interview.pk).update(due_by=timezone.now() - dt.timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert check_overdue.call(interview.pk) == 1
        assert check_overdue.call(interview.pk) == 0  # once only
    _send_all()
    assert EventKind.INTERVIEW_OVERDUE in [json.loads(r.body)["event"] for r in receiver.received]
