"""Report a child missing (episodes:report): the form over episodes.actions.report_missing."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from access.models import AuditEvent
from episodes.models import MissingEpisode
from tests.factories import EpisodeFactory
from tests.web.helpers import (
    assert_redirects_to_sign_in,
    assert_summary_mentions,
    audit_count,
    date_time_boxes,
    minute,
    page_title,
)


def url(child) -> str:
    return reverse("episodes:report", args=[child.pk])


def answers(world, **overrides) -> dict:
    now = minute(timezone.now())
    data = {
        "episode_type": "M",
        "missing_from": "placement",
        **date_time_boxes("last_seen_at", now - dt.timedelta(hours=3)),
        "last_seen_place": "Northmoor bus station",
        **date_time_boxes("reported_at", now - dt.timedelta(hours=2)),
        "reported_by": "Sam Smith, foster carer",
        "police_force": str(world.police_north.pk),
        "police_reference": "wp-2026-000777",
        "risk_grade": "high",
        "circumstances": "Left after an argument.",
    }
    data.update(overrides)
    return data


def test_anonymous_user_is_sent_to_sign_in(client, world):
    assert_redirects_to_sign_in(client.get(url(world.child)), url(world.child))


def test_council_user_gets_the_form_with_the_local_force_chosen(client, world):
    client.force_login(world.users.coordinator)
    response = client.get(url(world.child))
    assert response.status_code == 200
    html = response.content.decode()
    assert page_title("Report Jordan Example missing") in html
    assert "Their whereabouts are not known" in html
    assert "Their whereabouts are known, but they are away from their placement without permission" in html
    assert f'<option value="{world.police_north.pk}" selected>Northmoor Police</option>' in html
    for name in ("episode_type", "missing_from", "last_seen_at_3", "reported_at_0", "risk_grade", "circumstances"):
        assert f'name="{name}"' in html


def test_police_user_reports_into_their_own_force(client, world):
    client.force_login(world.users.police)
    response = client.get(url(world.child))
    html = response.content.decode()
    assert 'name="police_force"' not in html
    assert "Northmoor Police" in html
    response = client.post(url(world.child), answers(world, police_force=str(world.police_south.pk)))
    assert response.status_code == 302
    assert MissingEpisode.objects.get().police_force == world.police_north


@pytest.mark.parametrize("user", ["analyst", "admin", "health", "school_dsl", "practitioner"])
def test_users_who_cannot_report_are_refused(client, world, user):
    client.force_login(getattr(world.users, user))
    assert client.get(url(world.child)).status_code == 403
    response = client.post(url(world.child), answers(world))
    assert response.status_code == 403
    assert b"Jordan" not in response.content
    assert not MissingEpisode.objects.exists()


@pytest.mark.parametrize("user", ["coordinator_south", "police_south"])
def test_a_child_the_user_cannot_see_is_404(client, world, user):
    client.force_login(getattr(world.users, user))
    response = client.get(url(world.child))
    assert response.status_code == 404
    assert b"Jordan" not in response.content
    assert client.post(url(world.child), answers(world)).status_code == 404
    assert not MissingEpisode.objects.exists()


def test_good_post_reports_the_child_missing(client, world):
    client.force_login(world.users.coordinator)
    response = client.post(url(world.child), answers(world))
    episode = MissingEpisode.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("episodes:detail", args=[episode.pk])
    assert episode.child == world.child
    assert episode.police_reference == "WP-2026-000777"
    assert episode.risk_grade == "high"
    assert list(episode.risk_changes.values_list("grade", flat=True)) == ["high"]
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_type="missingepisode")
    assert event.child_id == world.child.pk and event.channel == "web"
    page = client.get(response["Location"])
    assert "Jordan Example has been reported missing" in page.content.decode()


def test_times_entered_are_london_local_times(client, world):
    client.force_login(world.users.coordinator)
    last_seen = minute(timezone.now() - dt.timedelta(days=1))
    client.post(url(world.child), answers(world, **date_time_boxes("last_seen_at", last_seen)))
    assert MissingEpisode.objects.get().last_seen_at == last_seen


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"last_seen_place": ""}, "Enter where the child was last seen"),
        ({"reported_by": "  "}, "Enter who reported the child missing"),
        ({"last_seen_at_0": "", "last_seen_at_1": "", "last_seen_at_2": "", "last_seen_at_3": ""}, "Enter when"),
        ({"last_seen_at_3": "25:99"}, "The date the child was last seen must have a real time on the 24-hour clock"),
        ({"episode_type": "X"}, "Select whether the child is missing or away without authorisation"),
        ({"risk_grade": "extreme"}, "Select the police risk grade"),
        ({"missing_from": ""}, "Select where the child was missing from"),
        (
            date_time_boxes("last_seen_at", timezone.now() + dt.timedelta(hours=3))
            | date_time_boxes("reported_at", timezone.now() + dt.timedelta(hours=4)),
            "The time last seen must be now or in the past",
        ),
        (
            date_time_boxes("reported_at", timezone.now() - dt.timedelta(hours=5)),
            "The time reported must be the same as or after the time last seen",
        ),
    ],
)
def test_bad_post_shows_the_error_summary_and_writes_nothing(client, world, overrides, message):
    client.force_login(world.users.coordinator)
    before = audit_count()
    response = client.post(url(world.child), answers(world, **overrides))
    assert response.status_code == 200
    assert_summary_mentions(response, message)
    assert not MissingEpisode.objects.exists()
    assert audit_count() == before


def test_a_second_open_episode_is_refused(client, world, open_episode):
    client.force_login(world.users.coordinator)
    before = audit_count()
    response = client.post(url(world.child), answers(world))
    assert response.status_code == 200
    assert_summary_mentions(response, "Jordan Example already has an open missing episode")
    assert MissingEpisode.objects.count() == 1
    assert audit_count() == before


def test_a_duplicate_police_reference_is_refused(client, world):
    EpisodeFactory(
        child=world.placed_child,
        police_force=world.police_north,
        created_by=world.users.police,
        police_reference="WP-2026-000777",
    )
    client.force_login(world.users.coordinator)
    response = client.post(url(world.child), answers(world))
    assert_summary_mentions(response, "Police reference WP-2026-000777 is already used")
    assert 'href="#id_police_reference"' in response.content.decode()
    assert not MissingEpisode.objects.filter(child=world.child).exists()


def test_the_page_points_to_an_open_episode_instead_of_the_form(client, world, open_episode):
    client.force_login(world.users.police)
    html = client.get(url(world.child)).content.decode()
    assert "Jordan Example is already missing" in html
    assert reverse("episodes:detail", args=[open_episode.pk]) in html
    assert 'name="last_seen_place"' not in html


def test_reported_before_last_seen_is_named_with_the_other_errors_at_once(client, world):
    """Issue 15: the check comparing the two times shows with the form's own errors, not after they are fixed."""
    now = minute(timezone.now())
    data = answers(
        world,
        **date_time_boxes("last_seen_at", now - dt.timedelta(hours=1)),
        **date_time_boxes("reported_at", now - dt.timedelta(hours=3)),
        last_seen_place="",
    )
    del data["risk_grade"]
    client.force_login(world.users.coordinator)
    before = audit_count()
    response = client.post(url(world.child), data)
    assert response.status_code == 200
    assert_summary_mentions(response, "Enter where the child was last seen")
    assert_summary_mentions(response, "Select the police risk grade")
    assert_summary_mentions(response, "The time reported must be the same as or after the time last seen")
    assert not MissingEpisode.objects.exists() and audit_count() == before


def test_a_date_that_is_not_real_is_named_and_keeps_only_its_own_error(client, world):
    """ "31 February, 25:99": the message names which date, says the time is wrong too, and no comparison is made
    with a date that does not exist."""
    client.force_login(world.users.coordinator)
    data = answers(world, last_seen_at_0="31", last_seen_at_1="2", last_seen_at_2="2026", last_seen_at_3="25:99")
    response = client.post(url(world.child), data)
    assert response.status_code == 200
    assert_summary_mentions(response, "The date the child was last seen must be a real date")
    assert_summary_mentions(response, "The date the child was last seen must have a real time on the 24-hour clock")
    assert "The time reported must be the same as or after" not in response.content.decode()
    assert not MissingEpisode.objects.exists()
