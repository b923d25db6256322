"""Background jobs (django-tasks, run by `manage.py db_worker`): sending a delivery, with exponential back-off
retries, and the check that turns a return interview still not offered at its due time into `interview.overdue`.

`deliver` is safe to run any number of times: a delivery that is no longer pending or retrying is left alone."""

import json
import logging
from datetime import timedelta

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from interviews.models import ReturnInterview
from webhooks import signing
from webhooks.events import emit
from webhooks.models import DeliveryStatus, EventKind, WebhookDelivery
from webhooks.scope import may_send, subscription_live

logger = logging.getLogger(__name__)
SENDABLE = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)


def payload(delivery: WebhookDelivery) -> dict:
    """Ids and the event kind only: the receiver fetches, through the API, what it may see."""
    return {
        "event": delivery.event,
        "event_id": str(delivery.event_id),
        "occurred_at": delivery.occurred_at.isoformat(),
        "data": delivery.data,
    }


def backoff(attempts: int) -> timedelta:
    """The wait before the next attempt, after `attempts` failed ones: base, twice that, four times that and so on"""
    return timedelta(seconds=settings.HOMEWARD_WEBHOOK_RETRY_BASE_SECONDS * 2 ** (attempts - 1))


def _attempt(delivery: WebhookDelivery) -> tuple[int | None, str]:
    body = json.dumps(payload(delivery), separators=(",", ":"), sort_keys=True).encode()
    timestamp = int(timezone.now().timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Homeward-Webhooks/1",
        signing.TIMESTAMP_HEADER: str(timestamp),
        signing.SIGNATURE_HEADER: signing.signature(delivery.subscription.secret, timestamp, body),
        signing.EVENT_HEADER: delivery.event,
        signing.DELIVERY_HEADER: str(delivery.event_id),
    }
    try:
        response = requests.post(
            delivery.subscription.url,
            data=body,
            headers=headers,
            timeout=settings.HOMEWARD_WEBHOOK_TIMEOUT_SECONDS,
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        return None, f"{type(exc).__name__}: could not reach the receiver"
    if 200 <= response.status_code < 300:
        return response.status_code, ""
    return response.status_code, f"The receiver answered {response.status_code}"


@task()
def deliver(delivery_id: int) -> str:
    """Send one delivery once. On failure, queue the next attempt after an exponential back-off, up to
    HOMEWARD_WEBHOOK_MAX_ATTEMPTS attempts; then the delivery is failed (an administrator can replay it)."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("subscription__client__service_user")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status not in SENDABLE:
            return "skipped"
        if not subscription_live(delivery.subscription):
            delivery.status = DeliveryStatus.CANCELLED
            delivery.save(update_fields=["status"])
            return delivery.status
        if not may_send(delivery):
            delivery.status = DeliveryStatus.WITHHELD
            delivery.save(update_fields=["status"])
            return delivery.status
        # Claimed: a second worker running the same job sees the new attempt count and the lock until we commit.
        delivery.attempts += 1
        delivery.last_attempt_at = timezone.now()
        delivery.save(update_fields=["attempts", "last_attempt_at"])
    status_code, error = _attempt(delivery)
    delivery.last_status_code = status_code
    delivery.last_error = error[:300]
    if not error:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = timezone.now()
        delivery.next_attempt_at = None
    elif delivery.attempts >= settings.HOMEWARD_WEBHOOK_MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
    else:
        delivery.status = DeliveryStatus.RETRYING
        delivery.next_attempt_at = timezone.now() + backoff(delivery.attempts)
    delivery.save(update_fields=["status", "last_status_code", "last_error", "delivered_at", "next_attempt_at"])
    if delivery.status == DeliveryStatus.RETRYING and delivery.next_attempt_at is not None:
        deliver.using(run_after=delivery.next_attempt_at).enqueue(delivery.pk)
    return delivery.status


@task()
def check_overdue(interview_id: int) -> int:
    """Queued for an interview's due time when it opens: if no offer has been made by then, `interview.overdue`."""
    interview = ReturnInterview.objects.awaiting_offer().filter(pk=interview_id, due_by__lte=timezone.now()).first()
    if interview is None:
        return 0
    return emit(
        EventKind.INTERVIEW_OVERDUE,
        "interview",
        interview.pk,
        {"interview_id": interview.pk, "child_id": interview.child_id},
        occurred_at=interview.due_by,
    )
