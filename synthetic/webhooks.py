"""The demo's system client: Northmoor's case management system, with a token and a webhook subscription, and
deliveries for its council's most recent episodes (made by the same code as real events: `webhooks.events.emit`).

Its receiver's address is on the reserved `.invalid` domain, so every attempt fails and the worker retries with
back-off: the delivery log shows retries, failures and the replay button."""

from datetime import timedelta

from django.utils import timezone

from access.models import Agency, ApiClient, Role, User
from access.tokens import register_client_with_token
from episodes.models import MissingEpisode
from webhooks.actions import create_subscription
from webhooks.events import emit
from webhooks.models import EventKind

DEMO_CLIENT_NAME = "Demo case management system"
DEMO_RECEIVER = "https://cms.demo.invalid/homeward-hooks"


def add_demo_webhooks(*, admin: User, council: Agency) -> int:
    """Register the client and its subscription once; return how many deliveries were queued (0 when there)."""
    if ApiClient.objects.filter(agency=council, name=DEMO_CLIENT_NAME).exists():
        return 0
    client, _token = register_client_with_token(
        name=DEMO_CLIENT_NAME,
        agency=council,
        role=Role.COORDINATOR,
        scopes=["children:read", "episodes:read", "interviews:read", "risk:read"],
        expires_at=timezone.now() + timedelta(days=365),
        token_name="Case management system sync",  # noqa: S106 (a label, not a secret)
        acting_user=admin,
    )
    create_subscription(client=client, url=DEMO_RECEIVER, events=EventKind.values, acting_user=admin)
    queued = 0
    recent = MissingEpisode.objects.filter(child__responsible_council=council).order_by("-reported_at")[:5]
    for episode in recent:
        data = {"episode_id": episode.pk, "child_id": episode.child_id}
        queued += emit(EventKind.EPISODE_REPORTED, "episode", episode.pk, data, occurred_at=episode.reported_at)
    return queued
