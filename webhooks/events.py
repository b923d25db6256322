"""Turning something that happened into deliveries: one per live subscription that asked for the event and
whose client may see the record. Called after the change commits (webhooks.receivers), so a rolled-back change
is never announced. Idempotent: an event is queued once per subscription (a unique constraint), however often
its hook fires."""

import logging
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from webhooks.models import WebhookDelivery, WebhookSubscription
from webhooks.scope import client_may_see, subscription_live

logger = logging.getLogger(__name__)


def emit(event: str, object_type: str, object_id: int, data: dict, occurred_at: datetime | None = None) -> int:
    """Queue `event` for every subscriber that may see the record; return how many deliveries were queued."""
    from webhooks.tasks import deliver  # the task module imports this one

    queued = 0
    subscriptions = WebhookSubscription.objects.filter(active=True).select_related("client__service_user")
    for subscription in subscriptions:
        if event not in subscription.events or not subscription_live(subscription):
            continue
        if not client_may_see(subscription.client.service_user, object_type, data):
            continue  # never queued, never logged: the client's administrator must not learn the record exists
        try:
            with transaction.atomic():
                delivery = WebhookDelivery.objects.create(
                    subscription=subscription,
                    event=event,
                    object_type=object_type,
                    object_id=object_id,
                    data=data,
                    occurred_at=occurred_at or timezone.now(),
                )
        except IntegrityError:
            continue  # already queued for this subscription
        deliver.enqueue(delivery.pk)
        queued += 1
    return queued
