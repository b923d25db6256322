"""Deny by default: every operation needs a live bearer token; nothing else gets in."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from access.models import ApiToken
from access.tokens import issue_token
from tests.api.conftest import ApiClient

# Every operation, with a body that would be valid in shape, so only authentication can stop it.
OPERATIONS = [
    ("get", "/children"),
    ("get", "/children/{child}"),
    ("get", "/episodes"),
    ("post", "/episodes"),
    ("get", "/episodes/{episode}"),
    ("patch", "/episodes/{episode}"),
    ("post", "/episodes/{episode}/risk-grade"),
    ("post", "/episodes/{episode}/return"),
    ("get", "/return-interviews"),
    ("get", "/return-interviews/{interview}"),
    ("post", "/return-interviews/{interview}/assign"),
    ("post", "/return-interviews/{interview}/offer"),
    ("post", "/return-interviews/{interview}/interview"),
]


def call(client: ApiClient, method: str, path: str, ids: dict):
    path = path.format(**ids)
    if method == "get":
        return client.get(path)
    return client.send(method, path, {"version": 1})


@pytest.fixture
def ids(world, interview, open_episode):
    return {"child": world.child.pk, "episode": open_episode.pk, "interview": interview.pk}


def assert_unauthorized(response) -> None:
    assert response.status_code == 401, response.content
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in response.json()["detail"]
    assert "Jordan" not in response.content.decode()


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_no_token_is_401(ids, method, path):
    assert_unauthorized(call(ApiClient(), method, path, ids))


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_unknown_token_is_401(ids, method, path):
    assert_unauthorized(call(ApiClient("not-a-real-token"), method, path, ids))


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_revoked_token_is_401(world, ids, method, path):
    token = issue_token(world.users.coordinator)
    ApiToken.objects.update(revoked_at=timezone.now())
    assert_unauthorized(call(ApiClient(token), method, path, ids))


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_inactive_users_token_is_401(world, ids, method, path):
    token = issue_token(world.users.coordinator)
    world.users.coordinator.is_active = False
    world.users.coordinator.save()
    assert_unauthorized(call(ApiClient(token), method, path, ids))


@pytest.mark.parametrize(
    "header",
    ["Token {token}", "Basic {token}", "Bearer", "Bearer ", "{token}", "Bearer {token}x", "Bearer " + "a" * 500],
)
def test_malformed_authorization_headers_are_401(world, header):
    token = issue_token(world.users.coordinator)
    response = Client().get("/api/v1/children", headers={"Authorization": header.format(token=token)})
    assert_unauthorized(response)


def test_valid_token_is_accepted_and_case_insensitive_scheme(world):
    token = issue_token(world.users.coordinator)
    assert Client().get("/api/v1/children", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert Client().get("/api/v1/children", headers={"Authorization": f"bearer {token}"}).status_code == 200


def test_a_signed_in_session_is_not_enough(world):
    """No session auth on the API: a browser's cookies alone never get in (which is why CSRF does not apply)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users.coordinator)
    assert client.get("/api/v1/children").status_code == 401
    response = client.post("/api/v1/episodes", data="{}", content_type="application/json")
    assert response.status_code == 401


def test_token_writes_need_no_csrf_token(world, open_episode):
    client = Client(enforce_csrf_checks=True)
    token = issue_token(world.users.coordinator)
    response = client.post(
        f"/api/v1/episodes/{open_episode.pk}/risk-grade",
        data={"grade": "high", "reason": "Seen with older adults", "version": 1},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.content


def test_last_used_at_is_updated_at_most_once_a_minute(world):
    token = issue_token(world.users.coordinator)
    client = ApiClient(token)
    api_token = ApiToken.objects.get()
    assert api_token.last_used_at is None

    client.get("/children")
    api_token.refresh_from_db()
    first_use = api_token.last_used_at
    assert first_use is not None

    client.get("/children")
    api_token.refresh_from_db()
    assert api_token.last_used_at == first_use  # within the minute: not written again

    ApiToken.objects.update(last_used_at=first_use - dt.timedelta(minutes=2))
    client.get("/children")
    api_token.refresh_from_db()
    assert api_token.last_used_at > first_use - dt.timedelta(minutes=2)


def test_only_the_digest_is_stored(world):
    token = issue_token(world.users.coordinator)
    stored = ApiToken.objects.get()
    assert stored.digest == ApiToken.digest_of(token)
    assert token not in stored.digest
    assert stored.prefix == token[:8]


def test_user_without_an_agency_sees_nothing(world):
    world.users.coordinator.agency = None
    world.users.coordinator.save()
    client = ApiClient(issue_token(world.users.coordinator))
    assert client.get("/children").json()["count"] == 0
