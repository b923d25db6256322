"""Signing in: the page, audit of each attempt, and the lock-out after repeated failures."""

import pytest
from django.urls import reverse

from access.models import AuditEvent
from tests.factories import TEST_PASSWORD


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_sign_in_page_is_public_and_other_pages_are_not(client, db):
    assert client.get(reverse("login")).status_code == 200
    response = client.get("/children/1/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_successful_sign_in_is_audited_and_goes_on_to_the_code_step(client, world):
    response = sign_in(client, "coord.north", TEST_PASSWORD)
    assert response.status_code == 302
    # The password is the first step: two-factor sign-in follows (tests/accounts/test_two_factor.py).
    assert response["Location"] == f"{reverse('accounts:two-factor')}?next=%2F"
    event = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN)
    assert event.actor == world.users.coordinator


def test_failed_sign_in_shows_error_and_is_audited(client, world):
    response = sign_in(client, "coord.north", "wrong-password")
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b"Enter a correct username and password" in response.content
    event = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN_FAILED)
    assert "coord.north" in event.summary
    assert "wrong-password" not in event.summary


@pytest.mark.parametrize("attempts", [5])
def test_repeated_failures_lock_the_account(client, world, settings, attempts):
    settings.AXES_FAILURE_LIMIT = attempts
    for _ in range(attempts):
        sign_in(client, "coord.north", "wrong-password")
    locked = sign_in(client, "coord.north", TEST_PASSWORD)  # even the right password is refused now
    assert locked.status_code == 429
    assert b"Sign-in locked" in locked.content
    assert "_auth_user_id" not in client.session


def test_session_is_an_idle_timeout(settings):
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_COOKIE_AGE == 30 * 60
