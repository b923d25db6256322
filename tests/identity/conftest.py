"""The identity tests' real OpenID Connect provider (tests/identity/oidc_provider.py), started once on a loopback
port of this worktree's range, and Homeward configured to use it."""

from urllib.parse import urlparse

import pytest
import requests
from django.test import Client
from django.urls import reverse

from access.models import Role
from identity.actions import add_group_mapping
from tests.identity.oidc_provider import Provider

COORDINATORS = "/homeward/northmoor/coordinators"
ANALYSTS = "/homeward/northmoor/analysts"
SOUTH_COORDINATORS = "/homeward/southvale/coordinators"


@pytest.fixture(scope="session")
def running_provider():
    provider = Provider().start()
    yield provider
    provider.stop()


@pytest.fixture
def provider(running_provider, settings):
    running_provider.reset()
    for name, value in running_provider.settings().items():
        setattr(settings, name, value)
    return running_provider


@pytest.fixture
def mappings(world):
    """Northmoor's administrator's mappings: coordinators and analysts of Northmoor; Southvale's coordinators."""
    admin = world.users.admin
    return {
        "coordinators": add_group_mapping(
            acting_user=admin, group=COORDINATORS, agency=world.north, role=Role.COORDINATOR
        ),
        "analysts": add_group_mapping(acting_user=admin, group=ANALYSTS, agency=world.north, role=Role.ANALYST),
        "south": add_group_mapping(
            acting_user=None, group=SOUTH_COORDINATORS, agency=world.south, role=Role.COORDINATOR
        ),
    }


def sign_on(client: Client, provider: Provider, username: str | None, *, next_url: str = ""):
    """What a browser does: open Homeward's single sign-on, follow it to the provider (which signs in `username`,
    as its own sign-in page would), and come back to Homeward's callback with the code. Returns Homeward's answer."""
    start = reverse("identity:sign-on") + (f"?next={next_url}" if next_url else "")
    response = client.get(start)
    assert response.status_code == 302, response
    assert response["Location"].startswith(provider.settings()["OIDC_OP_AUTHORIZATION_ENDPOINT"] + "?")
    provider.signing_in = username
    at_provider = requests.get(response["Location"], allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302, at_provider.text
    back = urlparse(at_provider.headers["Location"])
    assert back.path == reverse("identity:sign-on-callback")
    return client.get(f"{back.path}?{back.query}")
