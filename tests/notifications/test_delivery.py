"""Sending: the 24-hour warning and the deadline at their boundaries (a frozen clock: `now` is given), idempotency
(the same job twice, two workers racing: one message), retries with back-off, with GOV.UK Notify's far side faked
by a real local HTTP server (tests/notifications/fake_notify.py)."""

import datetime as dt
import threading

import pytest
from django.db import close_old_connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from access.models import Role
from interviews.models import ReturnInterview
from notifications.actions import notify
from notifications.codes import Channel, DeliveryStatus, NotificationKind
from notifications.delivery import retry_delay
from notifications.models import ContactDetails, Delivery, Notification, NotificationPreference
from notifications.tasks import deliver, interview_deadlines, stalled_deliveries
from tests.factories import InterviewFactory

DEADLINE = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def interview(world):
    return InterviewFactory(
        child=world.child, provider=world.provider, assigned_to=world.users.practitioner, due_by=DEADLINE
    )


def heard(kind) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


@pytest.mark.parametrize(
    ("now", "soon", "overdue"),
    [
        (DEADLINE - dt.timedelta(hours=24, seconds=1), set(), set()),
        (DEADLINE - dt.timedelta(hours=24), {"rhi.north", "coord.north"}, set()),
        (DEADLINE, {"rhi.north", "coord.north"}, set()),
        (DEADLINE + dt.timedelta(seconds=1), set(), {"rhi.north", "coord.north"}),
    ],
    ids=["24h-and-1s-before", "exactly-24h-before", "at-the-deadline", "1s-after"],
)
def test_the_warning_and_the_deadline_at_their_boundaries(world, interview, now, soon, overdue, settings):
    settings.HOMEWARD_ALERT_LOOKBACK_DAYS = 30
    interview_deadlines(now)
    assert heard(NotificationKind.INTERVIEW_DUE_SOON) == soon
    assert heard(NotificationKind.INTERVIEW_OVERDUE) == overdue


def test_each_is_told_once_and_an_offered_interview_or_long_past_deadline_tells_nobody(world, interview):
    interview_deadlines(DEADLINE - dt.timedelta(hours=2))
    interview_deadlines(DEADLINE - dt.timedelta(hours=1))
    assert Notification.objects.filter(kind=NotificationKind.INTERVIEW_DUE_SOON).count() == 2
    ReturnInterview.objects.filter(pk=interview.pk).update(offered_at=DEADLINE - dt.timedelta(hours=1))
    interview_deadlines(DEADLINE + dt.timedelta(hours=1))
    assert heard(NotificationKind.INTERVIEW_OVERDUE) == set()
    ReturnInterview.objects.filter(pk=interview.pk).update(offered_at=None)
    interview_deadlines(DEADLINE + dt.timedelta(days=31))  # imported history: nobody hears of it
    assert heard(NotificationKind.INTERVIEW_OVERDUE) == set()


def make_delivery(world, channel=Channel.EMAIL) -> Delivery:
    user = world.users.coordinator
    if channel == Channel.TEXT:
        NotificationPreference.objects.create(user=user, kind=NotificationKind.CHILD_MISSING, channel=Channel.TEXT)
        ContactDetails.objects.create(user=user, mobile_number="07700900982")
    [notification] = notify(NotificationKind.CHILD_MISSING, [user], about="episode:1", link="/episodes/1/")
    return notification.deliveries.get()


def test_a_delivery_sent_twice_sends_one_message(world, fake_notify):
    delivery = make_delivery(world)
    assert deliver.call(delivery.pk) == DeliveryStatus.SENT
    assert deliver.call(delivery.pk) == ""  # already sent: left alone
    assert len(fake_notify.sent) == 1
    message = fake_notify.sent[0]
    assert message["email_address"] == "coord.north@example.test"
    assert message["reference"] == delivery.reference
    assert message["personalisation"]["message"] == "A child you work with has been reported missing."
    assert message["personalisation"]["link"].endswith("/episodes/1/")
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.provider_id == message["id"]


def test_a_text_message_goes_to_the_mobile_number(world, fake_notify):
    delivery = make_delivery(world, Channel.TEXT)
    deliver.call(delivery.pk)
    assert [(m["type"], m["phone_number"]) for m in fake_notify.sent] == [("sms", "07700900982")]


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_send_once(world, fake_notify):
    delivery = make_delivery(world)
    fake_notify.hold.clear()  # the first send waits at Notify while the second worker tries
    results = []

    def worker() -> None:
        try:
            results.append(deliver.call(delivery.pk))
        finally:
            close_old_connections()

    first = threading.Thread(target=worker)
    first.start()
    assert fake_notify.received.wait(10)
    second = threading.Thread(target=worker)
    second.start()
    second.join(10)
    fake_notify.hold.set()
    first.join(10)
    assert sorted(results) == ["", DeliveryStatus.SENT]
    assert len(fake_notify.sent) == 1


def test_a_temporary_failure_is_retried_with_back_off_and_never_doubles(world, fake_notify, settings):
    settings.HOMEWARD_NOTIFY_RETRY_SECONDS = 30
    delivery = make_delivery(world)
    fake_notify.fail_next = [500, 503]
    before = timezone.now()
    assert deliver.call(delivery.pk) == DeliveryStatus.RETRYING
    delivery.refresh_from_db()
    assert delivery.next_attempt_at >= before + dt.timedelta(seconds=30)
    requeued = DBTaskResult.objects.filter(task_path="notifications.tasks.deliver").order_by("-pk").first()
    assert requeued.run_after == delivery.next_attempt_at
    assert deliver.call(delivery.pk) == ""  # too early: waits for its time
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert deliver.call(delivery.pk) == DeliveryStatus.RETRYING
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and retry_delay(2) == dt.timedelta(seconds=60)
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert deliver.call(delivery.pk) == DeliveryStatus.SENT
    assert len(fake_notify.sent) == 1


def test_a_lost_answer_is_found_by_its_reference_not_sent_again(world, fake_notify):
    """Notify accepted the message but the worker never recorded it (its answer lost, or the worker died): the
    next attempt asks Notify for the reference and records the message it finds."""
    delivery = make_delivery(world)
    deliver.call(delivery.pk)
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.RETRYING, next_attempt_at=None)
    assert deliver.call(delivery.pk) == DeliveryStatus.SENT
    assert len(fake_notify.sent) == 1


def test_a_permanent_failure_is_recorded_and_not_retried(world, fake_notify):
    delivery = make_delivery(world)
    fake_notify.fail_next = [400]
    assert deliver.call(delivery.pk) == DeliveryStatus.FAILED
    assert deliver.call(delivery.pk) == ""
    delivery.refresh_from_db()
    assert "400" in delivery.last_error and fake_notify.sent == []


def test_giving_up_after_the_last_attempt(world, fake_notify, settings):
    settings.HOMEWARD_NOTIFY_MAX_ATTEMPTS = 1
    delivery = make_delivery(world)
    fake_notify.fail_next = [502]
    assert deliver.call(delivery.pk) == DeliveryStatus.FAILED


def test_the_sweep_picks_up_stalled_deliveries(world, fake_notify, settings):
    settings.HOMEWARD_NOTIFY_LEASE_SECONDS = 60
    delivery = make_delivery(world)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENDING, claimed_until=timezone.now() - dt.timedelta(seconds=1)
    )
    assert stalled_deliveries(timezone.now()) == 1


def test_in_app_only_makes_no_delivery_and_django_email_is_the_alternative(world, mailoutbox, settings):
    settings.HOMEWARD_NOTIFICATIONS_BACKEND = "django"
    NotificationPreference.objects.create(
        user=world.users.social_worker, kind=NotificationKind.CHILD_MISSING, channel=Channel.IN_APP
    )
    made = notify(
        NotificationKind.CHILD_MISSING, [world.users.social_worker, world.users.coordinator], about="x", link="/"
    )
    assert [n.deliveries.count() for n in made] == [0, 1]
    assert deliver.call(made[1].deliveries.get().pk) == DeliveryStatus.SENT
    assert [m.to for m in mailoutbox] == [["coord.north@example.test"]]
    assert "Jordan" not in mailoutbox[0].body


def test_a_role_without_text_messages_gets_e_mail(world):
    NotificationPreference.objects.create(
        user=world.users.practitioner, kind=NotificationKind.ACTION_DUE, channel=Channel.TEXT
    )
    ContactDetails.objects.create(user=world.users.practitioner, mobile_number="07700900982")
    [made] = notify(NotificationKind.ACTION_DUE, [world.users.practitioner], about="a", link="/")
    assert made.deliveries.get().channel == Channel.EMAIL
    assert not world.users.practitioner.has_role(Role.COORDINATOR)
