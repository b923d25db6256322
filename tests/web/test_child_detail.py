"""The child's record (children:detail): who sees it, what they see, and that every view is audited."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from access.models import AuditEvent
from tests.factories import EpisodeFactory
from tests.web.conftest import returned_episode
from tests.web.helpers import assert_redirects_to_sign_in, page_title


def url(child) -> str:
    return reverse("children:detail", args=[child.pk])


def views_of(child) -> int:
    return AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, object_type="child", child_id=child.pk).count()


def test_anonymous_user_is_sent_to_sign_in(client, world):
    assert_redirects_to_sign_in(client.get(url(world.child)), url(world.child))


@pytest.mark.parametrize("user", ["coordinator", "social_worker", "manager", "police", "school_dsl"])
def test_insiders_see_the_identifiers(client, world, user):
    client.force_login(getattr(world.users, user))
    response = client.get(url(world.child))
    assert response.status_code == 200
    html = response.content.decode()
    assert page_title("Jordan Example") in html
    assert html.count("<h1") == 1
    for text in ("4 March 2011 (age", "N000123", "A123456789012", "Female", "White British", "Northmoor Academy"):
        assert text in html


@pytest.mark.parametrize(
    "user",
    ["coordinator_south", "police_south", "other_school_dsl", "other_practitioner", "analyst", "admin", "health"],
)
def test_outsiders_get_404_without_the_name_and_no_view_is_recorded(client, world, user):
    client.force_login(getattr(world.users, user))
    response = client.get(url(world.child))
    assert response.status_code == 404
    assert b"Jordan" not in response.content
    assert views_of(world.child) == 0


def test_every_view_writes_a_view_audit_event(client, world):
    client.force_login(world.users.social_worker)
    client.get(url(world.child))
    client.get(url(world.child))
    assert views_of(world.child) == 2
    event = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).last()
    assert event.actor == world.users.social_worker
    assert event.object_id == str(world.child.pk)


def test_full_record_shows_placement_and_social_worker(client, world):
    world.child.social_worker = world.users.social_worker
    world.child.save()
    client.force_login(world.users.coordinator)
    html = client.get(url(world.child)).content.decode()
    assert "Looked after (child in care)" in html
    assert "Foster care" in html
    assert str(world.users.social_worker) in html
    assert "Placed out of area" not in html


def test_placed_out_of_area_is_flagged(client, world):
    client.force_login(world.users.coordinator)
    html = client.get(url(world.placed_child)).content.decode()
    assert "Placed out of area" in html
    assert "Southvale Council" in html and "Northmoor Council" in html


def test_chronology_lists_episodes_and_interviews_newest_first(client, world, case):
    later = returned_episode(
        world.child,
        world.police_north,
        world.users.police,
        last_seen_ago=dt.timedelta(hours=10),
        away_for=dt.timedelta(hours=2),
    )
    case.interview.episodes.add(later)
    client.force_login(world.users.coordinator)
    response = client.get(url(world.child))
    entries = [entry.get("episode") or entry.get("interview") for entry in response.context["chronology"]]
    # The interview starts at the first return it covers: after the first episode, before the later one.
    assert entries == [later, case.interview, case.episode]
    html = response.content.decode()
    assert reverse("episodes:detail", args=[case.episode.pk]) in html
    assert reverse("interviews:detail", args=[case.interview.pk]) in html
    assert "Report missing" in html
    assert reverse("episodes:report", args=[world.child.pk]) in html


def test_an_open_episode_is_shown_prominently_instead_of_report_missing(client, world, open_episode):
    client.force_login(world.users.coordinator)
    html = client.get(url(world.child)).content.decode()
    assert "Jordan Example is missing" in html
    assert reverse("episodes:detail", args=[open_episode.pk]) in html
    assert reverse("episodes:report", args=[world.child.pk]) not in html


def test_chronology_holds_only_what_the_user_may_see(client, world):
    """Northmoor police see Riley (she lives in their area) but not an episode Southvale police hold."""
    theirs = EpisodeFactory(
        child=world.placed_child,
        police_force=world.police_south,
        created_by=world.users.police_south,
        last_seen_at=timezone.now() - dt.timedelta(days=3),
        returned_at=timezone.now() - dt.timedelta(days=2),
        found_place="Park",
        found_by="police",
    )
    client.force_login(world.users.police)
    response = client.get(url(world.placed_child))
    assert response.status_code == 200
    assert response.context["chronology"] == []
    assert reverse("episodes:detail", args=[theirs.pk]) not in response.content.decode()
    client.force_login(world.users.coordinator)
    assert len(client.get(url(world.placed_child)).context["chronology"]) == 1


def test_school_dsl_sees_identifiers_only(client, world, case, open_episode):
    client.force_login(world.users.school_dsl)
    response = client.get(url(world.child))
    html = response.content.decode()
    assert "shown to a school only when they are shared with the school" in html
    for hidden in ("Legal status", "Looked after", "Foster care", "Report missing", "is missing", "WP-2026"):
        assert hidden not in html
    assert reverse("episodes:detail", args=[open_episode.pk]) not in html
    assert views_of(world.child) == 1


def test_assigned_practitioner_sees_the_child_and_their_interview(client, world, case):
    client.force_login(world.users.practitioner)
    response = client.get(url(world.child))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("interviews:detail", args=[case.interview.pk]) in html
    assert "Report missing" not in html  # practitioners do not report


def test_unknown_child_is_404(client, world):
    client.force_login(world.users.coordinator)
    assert client.get("/children/999999/").status_code == 404
