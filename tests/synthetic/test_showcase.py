"""The demo shows every feature with something in it (issue 15): create_demo_users fills the demo council's
riskiest children's records through the real actions, once, and the demo coordinator sees them."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from access.models import User
from network.models import ChildPersonLink
from philomena.models import PhilomenaProfile
from risk.models import Referral, Screening
from sharing.models import Share


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.HOMEWARD_PRIVATE_MEDIA_ROOT = tmp_path / "private_media"
    call_command("generate_synthetic", "--children", "150", "--seed", "2026", stdout=io.StringIO())
    out = io.StringIO()
    call_command("create_demo_users", stdout=out)
    return out.getvalue()


def test_the_showcase_is_made_once_through_the_actions_and_the_coordinator_sees_it(client, demo):
    coordinator = User.objects.get(username="demo.coordinator")
    council = coordinator.agency
    assert "Showcase records made through the actions" in demo
    profiles = PhilomenaProfile.objects.filter(child__responsible_council=council)
    assert profiles.exists() and all(profile.current_version().photo_id for profile in profiles)
    assert Screening.objects.filter(screened_by=coordinator).count() >= 3
    assert Referral.objects.filter(made_by=coordinator).count() >= 2
    shares = Share.objects.filter(shared_by=coordinator)
    assert {share.what for share in shares} >= {"episode_summary", "interview_summary", "full_interview"}
    assert ChildPersonLink.objects.filter(child__responsible_council=council).exists()  # the planted network

    counts = (profiles.count(), Screening.objects.count(), Referral.objects.count(), shares.count())
    call_command("create_demo_users", stdout=io.StringIO())  # idempotent
    assert counts == (profiles.count(), Screening.objects.count(), Referral.objects.count(), shares.count())

    client.force_login(coordinator)
    child = profiles.first().child
    body = client.get(reverse("children:detail", args=[child.pk])).content.decode()
    assert "Philomena" in body
    assert client.get(reverse("network:persons")).status_code == 200


def test_the_demo_has_likely_duplicates_and_intelligence_for_the_police(client, demo):
    from children.models import Child
    from children.selectors import likely_duplicates

    coordinator = User.objects.get(username="demo.coordinator")
    council = coordinator.agency
    assert "likely duplicates: 3" in demo
    copies = Child.objects.filter(responsible_council=council, la_child_id__startswith="DUP-")
    pairs = likely_duplicates(Child.objects.filter(responsible_council=council))
    assert {pair.second_id for pair in pairs} >= set(copies.values_list("pk", flat=True))
    intelligence = Share.objects.filter(what="interview_intelligence", shared_by=coordinator)
    assert intelligence.exists() and all(share.intelligence_items.exists() for share in intelligence)
    police = User.objects.filter(agency=intelligence[0].to_agency, role_assignments__role="police").first()
    client.force_login(police)
    assert intelligence[0].child.la_child_id in client.get(reverse("sharing:intelligence")).content.decode()


def test_the_inbox_log_and_notifications_have_something_in_them(client, demo):
    from django.utils import timezone

    from core.inbox import TEAM, inbox_page
    from episodes.models import EpisodeLogEntry
    from notifications.models import Notification
    from risk.models import Alert

    coordinator = User.objects.get(username="demo.coordinator")
    assert "My work, episode logs and notifications" in demo
    assert EpisodeLogEntry.objects.exists()
    assert Alert.objects.filter(assigned_to=coordinator).exists()
    assert Notification.objects.filter(recipient=coordinator).exists()
    assert Notification.objects.filter(recipient__username="demo.social_worker").exists()
    now = timezone.now()
    assert inbox_page(coordinator, now).total and inbox_page(coordinator, now, scope=TEAM).total
    assert inbox_page(User.objects.get(username="demo.school_dsl"), now).total  # shares to acknowledge
    # The demo meetings' actions: tasks for their owners, who were told, and the chairs of overdue ones.
    social_worker = User.objects.get(username="demo.social_worker")
    assert inbox_page(social_worker, now, kind="meeting_action").overdue
    assert Notification.objects.filter(kind="action_assigned", recipient=social_worker).exists()
    assert Notification.objects.filter(kind="action_due", recipient=social_worker).exists()
    assert Notification.objects.filter(kind="actions_overdue").exists()
    counts = (EpisodeLogEntry.objects.count(), Notification.objects.count())
    call_command("create_demo_users", stdout=io.StringIO())  # idempotent
    assert counts == (EpisodeLogEntry.objects.count(), Notification.objects.count())
    client.force_login(coordinator)
    assert "Notifications (" in client.get(reverse("notifications:list")).content.decode()


def _get(client, username: str, view: str, *args):
    client.force_login(User.objects.get(username=username))
    response = client.get(reverse(view, args=args))
    assert response.status_code == 200, (username, view, response.status_code)
    return response


def test_every_feature_has_something_in_the_demo(client, demo):
    """Issue 15: a newcomer sees the whole system at once. For each feature, the demo holds records and the demo
    user who works with them sees them on its page: the list below is every feature that has landed (extend it with
    each new one)."""
    from access.models import ApiClient
    from children.models import Child, PlacementHistory
    from episodes.models import EpisodeFoundWith, EpisodeLogEntry
    from intake.models import ProvisionalChild
    from meetings.models import Meeting, MeetingAction
    from notifications.models import Notification
    from public.models import Concern, PublicPage
    from risk.models import Alert
    from webhooks.models import WebhookDelivery, WebhookSubscription

    coordinator = User.objects.get(username="demo.coordinator")
    council = coordinator.agency
    theirs = {"child__responsible_council": council}
    missing = []

    def has(feature: str, present: bool) -> None:
        if not present:
            missing.append(feature)

    # The records behind each feature.
    has("Philomena profiles", PhilomenaProfile.objects.filter(**theirs).exists())
    has("shares", Share.objects.filter(shared_by=coordinator).exists())
    has("referrals", Referral.objects.filter(**theirs).exists())
    has("screenings", Screening.objects.filter(**theirs).exists())
    has("alerts", Alert.objects.filter(**theirs).exists())
    has("meetings", Meeting.objects.exists())
    has("meeting actions", MeetingAction.objects.exists())
    has("notifications", Notification.objects.filter(recipient=coordinator).exists())
    has("episode log", EpisodeLogEntry.objects.filter(episode__child__responsible_council=council).exists())
    has("found-with links", EpisodeFoundWith.objects.filter(episode__child__responsible_council=council).exists())
    placed = PlacementHistory.objects.filter(**theirs)
    has("placements", placed.filter(ended_on__isnull=True).exists())
    has("placement history (a placement before the current one)", placed.filter(ended_on__isnull=False).exists())
    has("provisional children from police notifications", ProvisionalChild.objects.exists())
    has("API clients", ApiClient.objects.exists())
    has("webhook subscriptions", WebhookSubscription.objects.exists())
    has("webhook deliveries", WebhookDelivery.objects.exists())
    has("public pages", PublicPage.objects.exists())
    has("concerns from the public", Concern.objects.exists())

    # What the users who work with them see on the pages.
    graph = _get(client, "demo.coordinator", "network:graph").context
    has("the planted network on the coordinator's network page", graph["drawing"].clusters_drawn > 0)
    for username in ("demo.coordinator", "demo.police"):
        found = _get(client, username, "network:duplicates").context
        has(f"possible duplicate persons or places for {username}", bool(found["persons"] or found["places"]))
    for username in ("demo.police", "demo.mash"):
        picture = _get(client, username, "network:partnership").context["picture"]
        has(f"the cross-border picture for {username}", bool(picture.persons or picture.places))
    moved = placed.filter(ended_on__isnull=False).first()
    if moved is not None:
        body = _get(client, "demo.coordinator", "children:detail", moved.child_id).content.decode()
        has("the placement history on the child's record", "Placement history" in body)
    quality = _get(client, "demo.coordinator", "analytics:data-quality").content.decode()
    has("the data quality page's likely duplicates", "DUP-" in quality)
    has("the dashboard", bool(_get(client, "demo.coordinator", "analytics:dashboard").context))
    has("children on the demo council's books", Child.objects.filter(responsible_council=council).exists())
    assert not missing, f"features with nothing in the demo: {missing}"

    # Idempotent: a second run of create_demo_users adds no placements.
    before = PlacementHistory.objects.count()
    call_command("create_demo_users", stdout=io.StringIO())
    assert PlacementHistory.objects.count() == before
