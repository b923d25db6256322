"""The administrator's webhook pages (issue 17): a subscription is added for a system client (its signing secret
shown once), each delivery is in the subscription's log with its status and attempts, a finished delivery is
replayed from the log (the same event id, audited, sent to a real receiver), a subscription is ended; another
agency's administrator reaches none of it."""

import json
import re

from access.models import AuditEvent, Role
from access.tokens import create_client
from tests.factories import UserFactory
from tests.webhooks.test_webhooks import _report, _run_queued, _send_all
from webhooks import signing
from webhooks.models import DeliveryStatus, EventKind, WebhookDelivery, WebhookSubscription

PAGE = "/administration/webhooks/"


def test_a_subscription_is_added_with_its_secret_shown_once(world, client, settings):
    settings.HOMEWARD_WEBHOOK_ALLOW_HTTP = True
    system = create_client(
        name="Northmoor CMS", agency=world.north, role=Role.COORDINATOR, acting_user=world.users.admin
    )
    client.force_login(world.users.admin)
    refused = client.post(PAGE, {"client": "", "url": "", "events": []})
    assert refused.status_code == 200  # the form again, with its errors (the project's norm for a page form)
    for message in ("Choose a system client", "Enter the receiver", "Choose at least one event"):
        assert message in refused.content.decode(), message

    response = client.post(
        PAGE,
        {"client": system.pk, "url": "http://127.0.0.1:9/hooks", "events": [EventKind.EPISODE_REPORTED]},
        follow=True,
    )
    secret = re.search(r'data-testid="new-secret">([^<]+)<', response.content.decode())
    assert secret, "the signing secret is shown"
    assert 'data-testid="new-secret"' not in client.get(PAGE).content.decode()  # once only
    subscription = WebhookSubscription.objects.get()
    assert (subscription.client, subscription.events) == (system, [EventKind.EPISODE_REPORTED])
    assert AuditEvent.objects.filter(
        actor=world.users.admin, action=AuditEvent.Action.CREATE, object_id=str(subscription.pk)
    ).exists()
    assert secret.group(1) not in str(list(AuditEvent.objects.values_list("summary", "changes"))), (
        "the secret is never audited"
    )


def test_the_delivery_log_shows_each_attempt_and_replays_a_delivery(
    world, client, subscribed, receiver, django_capture_on_commit_callbacks
):
    subscription, secret = subscribed
    receiver.answers = [200, 200]
    episode = _run_queued(
        django_capture_on_commit_callbacks,
        lambda: _report(world, world.child, world.users.coordinator, world.police_north),
    )
    _send_all()
    original = WebhookDelivery.objects.get()
    client.force_login(world.users.admin)
    log = client.get(f"{PAGE}{subscription.pk}/deliveries/")
    assert log.status_code == 200
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", log.content.decode()))
    assert f"episode {episode.pk}" in text and "Delivered" in text and " 200 " in text

    assert client.get(f"{PAGE}deliveries/{original.pk}/replay/").status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{PAGE}deliveries/{original.pk}/replay/").status_code == 302
    _send_all()
    again = WebhookDelivery.objects.exclude(pk=original.pk).get()
    assert (again.replay_of, again.replayed_by, again.status) == (original, world.users.admin, DeliveryStatus.DELIVERED)
    bodies = [json.loads(sent.body) for sent in receiver.received]
    assert [body["event_id"] for body in bodies] == [str(original.event_id)] * 2
    last = receiver.received[-1]
    timestamp = last.headers[signing.TIMESTAMP_HEADER]
    assert signing.verify(secret, timestamp, last.body, last.headers[signing.SIGNATURE_HEADER], now=int(timestamp))
    assert AuditEvent.objects.filter(
        actor=world.users.admin, action=AuditEvent.Action.CREATE, object_id=str(again.pk)
    ).exists()
    assert f"replay of {original.pk}" in client.get(f"{PAGE}{subscription.pk}/deliveries/").content.decode()


def test_an_ended_subscription_sends_nothing_more_and_cannot_be_replayed(
    world, client, subscribed, receiver, django_capture_on_commit_callbacks
):
    subscription, _secret = subscribed
    _run_queued(
        django_capture_on_commit_callbacks,
        lambda: _report(world, world.child, world.users.coordinator, world.police_north),
    )
    _send_all()
    original = WebhookDelivery.objects.get()
    client.force_login(world.users.admin)
    assert client.get(f"{PAGE}{subscription.pk}/end/").status_code == 405
    assert client.post(f"{PAGE}{subscription.pk}/end/").status_code == 302
    subscription.refresh_from_db()
    assert not subscription.active
    response = client.post(f"{PAGE}deliveries/{original.pk}/replay/", follow=True)
    assert "This subscription has ended" in response.content.decode()
    assert WebhookDelivery.objects.count() == 1
    assert len(receiver.received) == 1


def test_another_agencys_administrator_reaches_none_of_it(
    world, client, subscribed, django_capture_on_commit_callbacks
):
    subscription, _secret = subscribed
    _run_queued(
        django_capture_on_commit_callbacks,
        lambda: _report(world, world.child, world.users.coordinator, world.police_north),
    )
    delivery = WebhookDelivery.objects.get()
    south_admin = UserFactory(username="admin.south", agency=world.south, roles=[Role.ADMINISTRATOR])
    client.force_login(south_admin)
    assert "Northmoor CMS" not in client.get(PAGE).content.decode()
    assert client.get(f"{PAGE}{subscription.pk}/deliveries/").status_code == 404
    assert client.post(f"{PAGE}{subscription.pk}/end/").status_code == 404
    assert client.post(f"{PAGE}deliveries/{delivery.pk}/replay/").status_code == 404
    subscription.refresh_from_db()
    assert subscription.active and WebhookDelivery.objects.count() == 1
