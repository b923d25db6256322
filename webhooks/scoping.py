"""Who looks after which webhooks: an administrator, for the system clients of the agencies they administer
(identity.scoping). Another agency's subscription or delivery is a 404; anyone but an administrator gets 403."""

from django.db.models import QuerySet

from access.models import ApiClient, User
from access.scoping import get_or_404
from identity.scoping import agencies_for, require_administrator
from webhooks.models import WebhookDelivery, WebhookSubscription


def clients_for(user: User) -> QuerySet[ApiClient]:
    return ApiClient.objects.filter(agency__in=agencies_for(user), revoked_at__isnull=True)


def subscriptions_for(user: User) -> QuerySet[WebhookSubscription]:
    return WebhookSubscription.objects.filter(client__agency__in=agencies_for(user)).select_related("client")


def get_subscription_for_admin(user: User, subscription_id: object) -> WebhookSubscription:
    require_administrator(user)
    return get_or_404(subscriptions_for(user), subscription_id)


def get_delivery_for_admin(user: User, delivery_id: object) -> WebhookDelivery:
    require_administrator(user)
    deliveries = WebhookDelivery.objects.filter(subscription__in=subscriptions_for(user)).select_related(
        "subscription__client"
    )
    return get_or_404(deliveries, delivery_id)
