"""Find a child (children:search): every key finds the right child, never one outside the user's scope."""

import pytest
from django.urls import reverse

from access.models import AuditEvent
from tests.factories import ChildFactory, EpisodeFactory
from tests.web.helpers import assert_redirects_to_sign_in, page_title

URL = reverse("children:search")


def search(client, q: str, purpose: str = ""):
    """Searches are posted, so a child's name never appears in a URL or an access log, and answered with a
    redirect to their results (tests/web/test_search_results_pages.py), which this follows."""
    return client.post(f"{URL}?purpose={purpose}" if purpose else URL, {"q": q}, follow=True)


def found(client, user, q: str, **params) -> list[str]:
    client.force_login(user)
    response = search(client, q, **params)
    assert response.status_code == 200
    return [child.full_name for child in response.context["results"]]


def test_anonymous_user_is_sent_to_sign_in(client, world):
    assert_redirects_to_sign_in(client.get(URL), URL)


def test_the_page_without_a_search_shows_the_form_only(client, world):
    client.force_login(world.users.coordinator)
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert page_title("Find a child") in html
    assert 'name="q"' in html
    assert "No children match" not in html
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.SEARCH).exists()


@pytest.mark.parametrize(
    "q", ["jord", "EXAMPLE", "Jordan Example", "  example   jordan ", "xamp", "n000123", "N000123"]
)
def test_search_by_name_or_council_child_id(client, world, q):
    assert found(client, world.users.coordinator, q) == ["Jordan Example"]


def test_preferred_name_is_searched_too(client, world):
    world.child.preferred_name = "Jojo"
    world.child.save()
    assert found(client, world.users.coordinator, "jojo") == ["Jordan Example"]


def test_council_child_id_must_match_exactly(client, world):
    client.force_login(world.users.coordinator)
    response = search(client, "N0001")
    assert response.context["results"] == []
    assert "No children match" in response.content.decode()


@pytest.mark.parametrize("q", ["04/03/2011", "4/3/2011", "2011-03-04"])
def test_search_by_date_of_birth(client, world, q):
    assert found(client, world.users.coordinator, q) == ["Jordan Example"]


@pytest.mark.parametrize("q", ["WP-2026-004512", "wp-2026-004512"])
def test_search_by_police_reference(client, world, open_episode, q):
    assert found(client, world.users.coordinator, q) == ["Jordan Example"]
    assert found(client, world.users.police, q) == ["Jordan Example"]


def test_a_child_placed_in_the_area_is_found(client, world):
    assert found(client, world.users.coordinator, "riley") == ["Riley Sample"]


def test_results_table_shows_the_record_summary(client, world):
    client.force_login(world.users.coordinator)
    html = search(client, "Jordan").content.decode()
    assert "1 child found" in html
    assert reverse("children:detail", args=[world.child.pk]) in html
    for text in ("4 March 2011", "N000123", "Looked after (child in care)", "Northmoor Council"):
        assert text in html


@pytest.mark.parametrize(
    ("user", "q"),
    [
        ("coordinator_south", "Jordan"),
        ("coordinator_south", "N000123"),
        ("coordinator_south", "04/03/2011"),
        ("coordinator", "Casey"),
        ("coordinator", "S000789"),
        ("coordinator", "20/01/2012"),
        ("police_south", "Jordan"),
        ("police_south", "WP-2026-004512"),
        ("other_school_dsl", "Jordan"),
        ("school_dsl", "Riley"),
        ("other_practitioner", "Jordan"),
    ],
)
def test_never_finds_a_child_outside_scope(client, world, open_episode, user, q):
    client.force_login(getattr(world.users, user))
    response = search(client, q)
    assert response.context["results"] == []
    html = response.content.decode()
    assert "No children match" in html
    for name in ("Jordan Example", "Casey Outside", "Riley Sample"):
        assert name not in html


def test_police_reference_of_an_episode_the_user_cannot_see_finds_nothing(client, world):
    """Riley lives in Northmoor (so Northmoor police see her), but this episode is held by Southvale police."""
    EpisodeFactory(
        child=world.placed_child,
        police_force=world.police_south,
        created_by=world.users.police_south,
        police_reference="SV-2026-000001",
    )
    assert found(client, world.users.police, "SV-2026-000001") == []
    assert found(client, world.users.police_south, "SV-2026-000001") == ["Riley Sample"]


def test_school_dsl_finds_their_pupils_without_legal_status(client, world):
    client.force_login(world.users.school_dsl)
    response = search(client, "Jordan")
    assert [c.full_name for c in response.context["results"]] == ["Jordan Example"]
    html = response.content.decode()
    assert "Legal status" not in html and "Looked after" not in html


@pytest.mark.parametrize("user", ["analyst", "admin", "health"])
def test_roles_without_case_work_cannot_search(client, world, user):
    client.force_login(getattr(world.users, user))
    response = search(client, "Jordan")
    assert response.status_code == 403
    assert b"Jordan Example" not in response.content
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.SEARCH).exists()


def test_search_is_audited_without_the_search_text(client, world):
    client.force_login(world.users.coordinator)
    response = search(client, "Jordan Exam")
    event = AuditEvent.objects.get(action=AuditEvent.Action.SEARCH)
    assert event.action == AuditEvent.Action.SEARCH
    assert event.summary == "Searched children"
    assert event.actor == world.users.coordinator
    stored = " ".join(str(value) for value in (event.summary, event.changes, event.path, event.object_id)).lower()
    assert "jordan" not in stored and "exam" not in stored
    assert event.path == response.redirect_chain[-1][0]  # the results page, named by an opaque token


def test_results_are_limited_with_a_note(client, world):
    for _ in range(51):
        ChildFactory(responsible_council=world.north, last_name="Manyname")
    client.force_login(world.users.coordinator)
    response = search(client, "manyname")
    assert len(response.context["results"]) == 50
    assert response.context["more"] is True
    assert "Showing the first 50 children" in response.content.decode()


def test_report_purpose_guides_to_reporting_the_child_missing(client, world):
    client.force_login(world.users.coordinator)
    response = search(client, "Riley", purpose="report")
    html = response.content.decode()
    assert page_title("Report a child missing") in html
    assert "Find the child who is missing" in html
    assert 'action="/children/?purpose=report"' in html
    assert reverse("episodes:report", args=[world.placed_child.pk]) in html


def test_report_purpose_points_to_the_record_of_a_child_already_missing(client, world, open_episode):
    client.force_login(world.users.police)
    html = search(client, "Jordan", purpose="report").content.decode()
    assert "Already missing" in html
    assert reverse("episodes:report", args=[world.child.pk]) not in html


def test_report_purpose_is_ignored_for_users_who_cannot_report(client, world):
    client.force_login(world.users.school_dsl)
    html = search(client, "Jordan", purpose="report").content.decode()
    assert "Find the child who is missing" not in html
    assert reverse("episodes:report", args=[world.child.pk]) not in html


def test_navigation_marks_only_the_current_item(client, world):
    client.force_login(world.users.coordinator)
    find = [item for item in client.get(URL).context["navigation"] if item["active"]]
    report = [item for item in client.get(URL, {"purpose": "report"}).context["navigation"] if item["active"]]
    assert [item["text"] for item in find] == ["Find a child"]
    assert [item["text"] for item in report] == ["Report a child missing"]


def test_search_words_never_go_into_the_url(client, world):
    client.force_login(world.users.coordinator)
    html = client.get(URL).content.decode()
    assert 'method="post"' in html
    response = client.get(URL, {"q": "Jordan"})  # a crafted GET is not a search
    assert response.context["results"] == []
