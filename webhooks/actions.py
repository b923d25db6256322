"""The business rules of webhooks: subscribing a system client, ending a subscription, replaying a delivery.
Every change is audited; the secret is returned once (shown on the page) and stored encrypted."""

import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from access.audit import record_event
from access.models import ApiClient, AuditEvent, User
from webhooks.models import DeliveryStatus, EventKind, WebhookDelivery, WebhookSubscription


def _checked_url(url: str) -> str:
    url = url.strip()
    try:
        URLValidator(schemes=["https", "http"])(url)
    except ValidationError:
        raise ValidationError(
            {"url": "Enter the receiver's full address, such as https://cms.example.org/hooks"}
        ) from None
    if url.startswith("http:") and not settings.HOMEWARD_WEBHOOK_ALLOW_HTTP:
        raise ValidationError({"url": "The receiver's address must start with https:// (deliveries carry a signature)"})
    return url


def _checked_events(events: Iterable[str]) -> list[str]:
    chosen = sorted(set(events))
    if not chosen:
        raise ValidationError({"events": "Choose at least one event"})
    unknown = [event for event in chosen if event not in EventKind.values]
    if unknown:
        raise ValidationError({"events": f"Unknown event: {', '.join(unknown)}"})
    return chosen


def create_subscription(
    *, client: ApiClient, url: str, events: Iterable[str], acting_user: User
) -> tuple[WebhookSubscription, str]:
    """Subscribe `client`; return the subscription and its signing secret (shown once)."""
    if client.revoked_at is not None:
        raise ValidationError({"client": "This system client has been revoked"})
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        subscription = WebhookSubscription.objects.create(
            client=client, url=_checked_url(url), events=_checked_events(events), secret=secret, created_by=acting_user
        )
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.CREATE,
            obj=subscription,
            summary=f"Webhook subscription for {client.name}",
            changes={"events": [None, subscription.events]},
        )
    return subscription, secret


def end_subscription(subscription: WebhookSubscription, *, acting_user: User) -> None:
    """Stop sending: deliveries still waiting are cancelled when their job runs. Idempotent."""
    with transaction.atomic():
        if not WebhookSubscription.objects.filter(pk=subscription.pk, active=True).update(
            active=False, ended_at=timezone.now()
        ):
            return
        record_event(actor=acting_user, action=AuditEvent.Action.UPDATE, obj=subscription, summary="Webhook ended")
    subscription.refresh_from_db()


def replay(delivery: WebhookDelivery, *, acting_user: User) -> WebhookDelivery:
    """Send the same event again (same event id) as a new delivery. The scope is checked again when it is sent."""
    from webhooks.tasks import deliver

    if not delivery.subscription.active:
        raise ValidationError("This subscription has ended: its deliveries cannot be replayed")
    if delivery.status in (DeliveryStatus.PENDING, DeliveryStatus.RETRYING):
        raise ValidationError("This delivery is still being sent")
    with transaction.atomic():
        again = WebhookDelivery.objects.create(
            subscription=delivery.subscription,
            event=delivery.event,
            event_id=delivery.event_id,
            object_type=delivery.object_type,
            object_id=delivery.object_id,
            data=delivery.data,
            occurred_at=delivery.occurred_at,
            replay_of=delivery,
            replayed_by=acting_user,
        )
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.CREATE,
            obj=again,
            summary=f"Webhook delivery {delivery.pk} replayed",
        )
        transaction.on_commit(lambda: deliver.enqueue(again.pk))
    return again
