"""Find a child by Post/Redirect/Get: the posted search is saved under an opaque token and answered with a
redirect to its results page, so Back, reload and a link sent to a colleague all work, and nothing identifying
ever reaches a URL (issue 15: Back after a search once showed "Confirm form resubmission")."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.urls import reverse

from access.models import AuditEvent
from core.models import SavedSearch

URL = reverse("children:search")
RESULTS = re.compile(r"^/children/results/([A-Za-z0-9_-]{40,})/$")


def post_search(client, user, q: str = "Jordan", purpose: str = ""):
    client.force_login(user)
    return client.post(f"{URL}?purpose={purpose}" if purpose else URL, {"q": q})


def results_url(response) -> str:
    assert response.status_code == 302
    location = response["Location"]
    assert RESULTS.match(location), location
    return location


def names(response) -> list[str]:
    return [child.full_name for child in response.context["results"]]


def searches() -> int:
    return AuditEvent.objects.filter(action=AuditEvent.Action.SEARCH).count()


def test_a_search_redirects_to_a_results_page_named_by_an_opaque_token(client, world):
    location = results_url(post_search(client, world.users.coordinator, "Jordan Example"))
    for identifying in ("jordan", "example", "n000123"):
        assert identifying not in location.lower()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.SEARCH).exists()  # nothing searched yet
    response = client.get(location)
    assert response.status_code == 200
    assert names(response) == ["Jordan Example"]
    assert 'value="Jordan Example"' in response.content.decode()  # the box keeps the words, in the page only


def test_reload_and_back_run_the_search_again_and_each_is_audited(client, world):
    location = results_url(post_search(client, world.users.coordinator))
    assert names(client.get(location)) == ["Jordan Example"]
    assert names(client.get(location)) == ["Jordan Example"]
    assert searches() == 2


def test_a_colleague_given_the_link_sees_what_their_own_access_allows(client, world):
    location = results_url(post_search(client, world.users.coordinator, "Riley"))
    client.force_login(world.users.social_worker)
    assert names(client.get(location)) == ["Riley Sample"]


@pytest.mark.parametrize("name", ["coordinator_south", "police", "school_dsl", "practitioner"])
def test_another_agency_cannot_tell_the_search_exists(client, world, name):
    location = results_url(post_search(client, world.users.coordinator))
    client.force_login(getattr(world.users, name))
    response = client.get(location)
    assert response.status_code == 404
    assert b"Jordan" not in response.content


@pytest.mark.parametrize("name", ["analyst", "health", "admin"])
def test_roles_that_do_not_search_are_refused(client, world, name):
    location = results_url(post_search(client, world.users.coordinator))
    client.force_login(getattr(world.users, name))
    assert client.get(location).status_code == 403


def test_an_unknown_token_is_404(client, world):
    client.force_login(world.users.coordinator)
    assert client.get(reverse("children:results", args=["x" * 43])).status_code == 404


def test_an_ended_search_asks_to_search_again_and_runs_nothing(client, world):
    location = results_url(post_search(client, world.users.coordinator))
    SavedSearch.objects.update(expires_at=SavedSearch.objects.get().created_at - dt.timedelta(seconds=1))
    response = client.get(location)
    assert response.status_code == 200
    assert "That search has ended" in response.content.decode()
    assert response.context["results"] == [] and searches() == 0


def test_searches_whose_time_is_up_are_deleted_when_the_next_is_saved(client, world, settings):
    results_url(post_search(client, world.users.coordinator))
    SavedSearch.objects.update(expires_at=SavedSearch.objects.get().created_at)
    results_url(post_search(client, world.users.coordinator, "Riley"))
    assert SavedSearch.objects.count() == 1


def test_the_words_are_stored_encrypted(client, world):
    results_url(post_search(client, world.users.coordinator, "Jordan Example"))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT criteria FROM {SavedSearch._meta.db_table}")  # noqa: S608 (a model's own table name)
        (stored,) = cursor.fetchone()
    assert "Jordan" not in stored


def test_reporting_a_child_missing_keeps_its_purpose_through_the_redirect(client, world):
    location = results_url(post_search(client, world.users.police, "Jordan", purpose="report"))
    body = client.get(location).content.decode()
    assert reverse("episodes:report", args=[world.child.pk]) in body
    assert "Report a child missing" in body


def test_an_empty_or_invalid_search_shows_the_form_without_redirecting(client, world):
    response = post_search(client, world.users.coordinator, "")
    assert response.status_code == 200 and response.context["results"] == []
    response = post_search(client, world.users.coordinator, "x" * 101)
    assert response.status_code == 200 and "q" in response.context["form"].errors
    assert not SavedSearch.objects.exists()


def test_a_name_that_finds_nothing_says_so_and_suggests_the_spelling_or_the_date_of_birth(client, world):
    """Issue 15: a misspelt name that no spelling variant matches finds nothing; the results page says so and
    suggests checking the spelling or searching by date of birth (or the other identifiers)."""
    response = client.get(results_url(post_search(client, world.users.coordinator, "Jxqzrn Wbvkkt")))
    assert response.status_code == 200 and names(response) == []
    html = response.content.decode()
    assert "No children match" in html
    assert "Check the spelling, or search by council child ID, date of birth or police reference instead." in html
