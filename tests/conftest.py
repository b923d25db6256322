"""The shared test world: two councils, their police forces, a school, an RHI provider, and a person
in every role, so each test can ask "can this insider see it, and is this outsider refused?"."""

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import EpisodeFactory
from tests.two_factor import mark_verified
from tests.world import build_world


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashers are slow on purpose; tests create many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def force_login_passes_two_factor(monkeypatch):
    """`client.force_login(user)` also marks the session as past the two-factor code step.

    Every page needs a verified TOTP code after the password (accounts app). Page tests are about the
    page, not the sign-in, so a forced login counts as fully signed in; tests of the code step sign in
    through the real sign-in form instead, which leaves the session unverified (see tests/two_factor.py).
    """
    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        mark_verified(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def open_episode(world):
    return EpisodeFactory(
        child=world.child,
        police_force=world.police_north,
        created_by=world.users.police,
        police_reference="WP-2026-004512",
    )


@pytest.fixture
def now():
    return timezone.now()
