"""Sending one delivery, at most once, however often its job runs and however many workers race for it.

1. **Claim** it under a row lock: a delivery already sent, given up, or held by another worker whose lease has
   not run out is left alone; otherwise this worker holds it for HOMEWARD_NOTIFY_LEASE_SECONDS.
2. On any attempt after the first (a failure, or a worker killed mid-send whose lease ran out) **ask** the
   provider whether a message with the delivery's `reference` already went: if so, record it as sent.
3. **Send** through GOV.UK Notify (or Django's e-mail backend), then **mark** it sent. A temporary failure
   (Notify down, 5xx, 429, no connection) is retried with exponential back-off up to HOMEWARD_NOTIFY_MAX_ATTEMPTS;
   a permanent one (4xx: a bad address, a wrong template) is recorded and not retried.

What goes out is only the kind's neutral sentence and a link: never a name, place or anything about the case.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from access.audit import record_event
from access.models import AuditEvent
from notifications.codes import Channel, DeliveryStatus
from notifications.models import ContactDetails, Delivery

logger = logging.getLogger(__name__)
FINISHED = (DeliveryStatus.SENT, DeliveryStatus.FAILED, DeliveryStatus.SKIPPED)


class TemporaryFailure(Exception):
    """Worth trying again later."""


class PermanentFailure(Exception):
    """Trying again would fail the same way."""


@dataclass(frozen=True)
class Message:
    reference: str
    channel: str
    to: str
    text: str
    link: str


def absolute_link(path: str) -> str:
    return f"{settings.HOMEWARD_BASE_URL.rstrip('/')}{path}"


class NotifyChannel:
    """GOV.UK Notify, through its Python client. One e-mail and one text template, each with two placeholders:
    ((message)) and ((link))."""

    def __init__(self) -> None:
        from notifications_python_client.notifications import NotificationsAPIClient

        self.client = NotificationsAPIClient(
            settings.HOMEWARD_NOTIFY_API_KEY, base_url=settings.HOMEWARD_NOTIFY_BASE_URL, timeout=10
        )

    def _call(self, send, *args, **kwargs) -> dict:
        from notifications_python_client.errors import APIError

        try:
            return send(*args, **kwargs)
        except APIError as error:
            status = error.status_code
            if status >= 500 or status == 429:
                raise TemporaryFailure(f"GOV.UK Notify answered {status}") from error
            raise PermanentFailure(f"GOV.UK Notify refused the message ({status})") from error

    def already_sent(self, message: Message) -> str:
        found = self._call(self.client.get_all_notifications, reference=message.reference)
        return next((row["id"] for row in found.get("notifications", [])), "")

    def send(self, message: Message) -> str:
        personalisation = {"message": message.text, "link": message.link}
        if message.channel == Channel.TEXT:
            answer = self._call(
                self.client.send_sms_notification,
                phone_number=message.to,
                template_id=settings.HOMEWARD_NOTIFY_TEXT_TEMPLATE_ID,
                personalisation=personalisation,
                reference=message.reference,
            )
        else:
            answer = self._call(
                self.client.send_email_notification,
                email_address=message.to,
                template_id=settings.HOMEWARD_NOTIFY_EMAIL_TEMPLATE_ID,
                personalisation=personalisation,
                reference=message.reference,
            )
        return str(answer.get("id", ""))


class DjangoEmailChannel:
    """Django's e-mail backend (the console in the demo, SMTP in production without Notify). It cannot be asked
    what it sent, so a worker killed between sending and recording may send twice: use Notify where that
    matters. It has no text messages: those are recorded as not sent."""

    def already_sent(self, message: Message) -> str:
        return ""

    def send(self, message: Message) -> str:
        if message.channel == Channel.TEXT:
            raise PermanentFailure("Text messages need GOV.UK Notify (HOMEWARD_NOTIFICATIONS_BACKEND=notify)")
        try:
            send_mail(
                "Homeward: you have a new notification",
                f"{message.text}\n\nSign in to Homeward to see it: {message.link}\n",
                settings.DEFAULT_FROM_EMAIL,
                [message.to],
            )
        except OSError as error:
            raise TemporaryFailure("The e-mail server could not be reached") from error
        return ""


def channel_backend():
    return NotifyChannel() if settings.HOMEWARD_NOTIFICATIONS_BACKEND == "notify" else DjangoEmailChannel()


def _claim(delivery_id: int, now: datetime) -> Delivery | None:
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .select_related("notification__recipient")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status in FINISHED:
            return None
        if delivery.status == DeliveryStatus.SENDING and delivery.claimed_until and delivery.claimed_until > now:
            return None  # another worker holds it
        if delivery.status == DeliveryStatus.RETRYING and delivery.next_attempt_at and delivery.next_attempt_at > now:
            return None  # its retry is queued for later
        delivery.status = DeliveryStatus.SENDING
        delivery.attempts += 1
        delivery.claimed_until = now + timedelta(seconds=settings.HOMEWARD_NOTIFY_LEASE_SECONDS)
        delivery.save(update_fields=["status", "attempts", "claimed_until"])
    return delivery


def _message(delivery: Delivery) -> Message:
    notification = delivery.notification
    recipient = notification.recipient
    if delivery.channel == Channel.TEXT:
        to = ContactDetails.objects.filter(user=recipient).values_list("mobile_number", flat=True).first() or ""
    else:
        to = recipient.email
    if not to:
        raise PermanentFailure("No address to send to")
    return Message(delivery.reference, delivery.channel, to, notification.message, absolute_link(notification.link))


def _finish(delivery: Delivery, *, status: str, provider_id: str = "", error: str = "", retry_at=None) -> None:
    with transaction.atomic():
        delivery.status = status
        delivery.claimed_until = None
        delivery.provider_id = provider_id or delivery.provider_id
        delivery.last_error = error[:300]
        delivery.next_attempt_at = retry_at
        if status == DeliveryStatus.SENT:
            delivery.sent_at = timezone.now()
        delivery.save(
            update_fields=["status", "claimed_until", "provider_id", "last_error", "next_attempt_at", "sent_at"]
        )
        record_event(
            actor=None,
            action=AuditEvent.Action.UPDATE,
            obj=delivery,
            summary=f"Notification by {delivery.channel}: {delivery.get_status_display().lower()}",
            changes={"status": [DeliveryStatus.SENDING, status], "attempts": [None, delivery.attempts]},
        )


def retry_delay(attempts: int) -> timedelta:
    """Exponential back-off: the base, then twice it, four times... after each failed attempt."""
    return timedelta(seconds=settings.HOMEWARD_NOTIFY_RETRY_SECONDS * 2 ** (attempts - 1))


def send_delivery(delivery_id: int, *, requeue) -> str:
    """Send one delivery if nobody has (see the module's docstring); `requeue(delivery_id, run_after)` queues the
    next attempt after a temporary failure. Returns the delivery's status afterwards, or "" if left alone."""
    now = timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return ""
    backend = channel_backend()
    try:
        message = _message(delivery)
        provider_id = backend.already_sent(message) if delivery.attempts > 1 else ""
        if not provider_id:
            provider_id = backend.send(message) or "sent"
    except PermanentFailure as failure:
        _finish(delivery, status=DeliveryStatus.FAILED, error=str(failure))
        return DeliveryStatus.FAILED
    except TemporaryFailure as failure:
        if delivery.attempts >= settings.HOMEWARD_NOTIFY_MAX_ATTEMPTS:
            _finish(delivery, status=DeliveryStatus.FAILED, error=f"Gave up: {failure}")
            return DeliveryStatus.FAILED
        retry_at = now + retry_delay(delivery.attempts)
        _finish(delivery, status=DeliveryStatus.RETRYING, error=str(failure), retry_at=retry_at)
        requeue(delivery.pk, retry_at)
        return DeliveryStatus.RETRYING
    _finish(delivery, status=DeliveryStatus.SENT, provider_id="" if provider_id == "sent" else provider_id)
    logger.info("Notification delivery %s sent by %s", delivery.pk, delivery.channel)
    return DeliveryStatus.SENT
