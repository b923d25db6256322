"""May a system client see the record an event is about? Asked through each app's own scoped lookups, for the
client's service account, when the event is queued and again when each attempt is sent (a share can be withdrawn,
a child can move council, a client can be switched off in between)."""

from access.models import User
from episodes.scoping import episodes_for
from interviews.scoping import interviews_for
from risk.scoping import alerts_for
from webhooks.models import WebhookDelivery, WebhookSubscription


def client_may_see(user: User, object_type: str, data: dict) -> bool:
    if not user.is_active:
        return False
    if object_type in ("episode", "risk_change"):
        return episodes_for(user).filter(pk=data["episode_id"]).exists()
    if object_type == "interview":
        return interviews_for(user).filter(pk=data["interview_id"]).exists()
    if object_type == "alert":
        return alerts_for(user).filter(pk=data["alert_id"]).exists()
    return False  # deny by default: an event kind this module does not know is never sent


def subscription_live(subscription: WebhookSubscription) -> bool:
    client = subscription.client
    return subscription.active and client.revoked_at is None and client.service_user.is_active


def may_send(delivery: WebhookDelivery) -> bool:
    subscription = delivery.subscription
    return client_may_see(subscription.client.service_user, delivery.object_type, delivery.data)
