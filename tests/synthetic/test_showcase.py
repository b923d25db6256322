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
