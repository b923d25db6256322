"""The demo: every demo user has an authenticator with a published key, and `demo_totp` prints its code."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from access.models import Role
from accounts.models import AuthenticatorDevice
from synthetic.demo import DEMO_PASSWORD, demo_totp_key, demo_username


def demo_code(username: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("demo_totp", username, stdout=out, stderr=err)
    assert "changes in" in err.getvalue()
    return out.getvalue().strip()


@pytest.fixture
def demo_users(db):
    call_command("generate_synthetic", "--children", "150", "--seed", "2026", stdout=io.StringIO())
    out = io.StringIO()
    call_command("create_demo_users", stdout=out)
    return out.getvalue()


def test_each_demo_user_gets_an_authenticator_and_signs_in_without_a_phone(client, demo_users):
    assert "Authenticator key" in demo_users and "demo_totp" in demo_users
    for role in Role:
        username = demo_username(role)
        device = AuthenticatorDevice.objects.get(user__username=username, confirmed=True)
        assert device.key == demo_totp_key(username)
        line = next(line for line in demo_users.splitlines() if line.startswith(role.label + " ") and username in line)
        secret = line.split(DEMO_PASSWORD)[1].split("  ")[1].strip()
        assert len(secret.replace(" ", "")) == 32 and all(len(group) == 4 for group in secret.split())

    username = demo_username(Role.COORDINATOR)
    client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
    response = client.post(reverse("accounts:two-factor"), {"code": demo_code(username)})
    assert response["Location"] == reverse("core:my-work")
    assert client.get(reverse("core:my-work")).status_code == 200
    auditor = demo_username(Role.AUDITOR)
    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": auditor, "password": DEMO_PASSWORD})
    client.post(reverse("accounts:two-factor"), {"code": demo_code(auditor)})
    assert client.get(reverse("governance:audit")).status_code == 200


def test_a_second_run_keeps_an_authenticator_the_user_set_up_themselves(demo_users):
    username = demo_username(Role.POLICE)
    AuthenticatorDevice.objects.filter(user__username=username).update(key="ab" * 20)
    out = io.StringIO()
    call_command("create_demo_users", stdout=out)
    assert AuthenticatorDevice.objects.get(user__username=username).key == "ab" * 20
    assert "(their own)" in out.getvalue()
    with pytest.raises(CommandError, match="no demo authenticator"):
        demo_code(username)


def test_demo_totp_refuses_anyone_but_demo_users_and_production(world, settings):
    from tests.two_factor import totp_device

    totp_device(world.users.coordinator)
    with pytest.raises(CommandError, match="no demo authenticator"):
        demo_code(world.users.coordinator.username)
    settings.HOMEWARD_ENV = "production"
    with pytest.raises(CommandError, match="Refusing"):
        demo_code("demo.coordinator")
