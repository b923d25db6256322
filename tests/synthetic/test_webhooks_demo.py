"""The demo shows the API credentials and webhooks: a system client with a token, a subscription and deliveries."""

import io

from django.core.management import call_command

from access.models import ApiToken
from tests.synthetic.test_showcase import demo  # noqa: F401 - the demo fixture, shared
from webhooks.models import WebhookDelivery, WebhookSubscription


def test_demo_has_a_system_client_with_a_subscription_and_deliveries(demo):  # noqa: F811
    assert "API and webhooks: a system client" in demo
    subscription = WebhookSubscription.objects.get()
    assert ApiToken.objects.filter(client=subscription.client, revoked_at__isnull=True).count() == 1
    assert WebhookDelivery.objects.filter(subscription=subscription, event="episode.reported").count() == 5
    out = io.StringIO()
    call_command("create_demo_users", stdout=out)
    assert "0 deliveries queued" in out.getvalue()  # made once
