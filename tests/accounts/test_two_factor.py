"""Two-factor sign-in (TOTP): enforced on every page after the password, enrolment, wrong codes, lock-out.

These tests sign in through the real sign-in form, which leaves the session *unverified*; only
`client.force_login` (tests/conftest.py) skips the code step.
"""

import datetime as dt
import io
import re
from base64 import b32decode, b64decode

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from access.models import AuditEvent
from access.tokens import issue_token
from accounts.forms import CODE_MESSAGE, WRONG_CODE_MESSAGE
from accounts.models import AuthenticatorDevice
from accounts.two_factor import issue_enrolment_code
from tests.factories import TEST_PASSWORD
from tests.test_settings import PRODUCTION_ENV, manage
from tests.two_factor import current_code, totp_device

TWO_FACTOR = reverse("accounts:two-factor")
ENROL = reverse("accounts:enrol")


def sign_in_with_password(client, user, next_url: str = ""):
    data = {"username": user.username, "password": TEST_PASSWORD}
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, data)


def enter_code(client, code: str, url: str = TWO_FACTOR, next_url: str = ""):
    return client.post(url, {"code": code, "next": next_url})


def give_enrolment_code(client, user) -> None:
    """What the person does first when setting up: enter the enrolment code an administrator issued them."""
    code, _ = issue_enrolment_code(user)
    response = client.post(ENROL, {"code": code})
    assert response.status_code == 302 and response["Location"].startswith(ENROL)


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


@pytest.fixture
def coordinator(world):
    return world.users.coordinator


@pytest.fixture
def device(coordinator):
    return totp_device(coordinator)


# --- Enforcement -----------------------------------------------------------------------------------


def test_the_password_leads_to_the_code_step_not_to_a_page(client, coordinator, device):
    response = sign_in_with_password(client, coordinator)
    assert response.status_code == 302
    assert response["Location"].startswith(TWO_FACTOR)
    assert client.session["_auth_user_id"] == str(coordinator.pk)  # signed in with the password...
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert b"Enter the code from your authenticator app" in page.content
    assert b'class="govuk-service-navigation__list"' not in page.content  # ...but no navigation yet


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/children/",
        "/children/{child}/",
        "/governance/audit/",
        "/risk/alerts/",
        "/network/hotspots/",
        "/governance/subject-access/children/{child}/",
    ],
)
def test_every_other_page_redirects_to_the_code_step(client, world, coordinator, device, path):
    sign_in_with_password(client, coordinator)
    path = path.format(child=world.child.pk)
    for method in (client.get, client.post):
        response = method(path)
        assert response.status_code == 302, path
        assert response["Location"] == f"{TWO_FACTOR}?next={path.replace('/', '%2F')}"


def test_sign_out_works_before_the_code_step(client, coordinator, device):
    sign_in_with_password(client, coordinator)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_api_is_token_based_and_unaffected(client, world):
    token = issue_token(world.users.coordinator)
    response = client.get(f"/api/v1/children/{world.child.pk}", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json()["id"] == world.child.pk


def test_a_session_without_the_code_gets_nothing_from_the_api(client, coordinator, device):
    sign_in_with_password(client, coordinator)
    assert client.get("/api/v1/children").status_code == 401


def test_anonymous_visitors_still_go_to_sign_in_first(client, db):
    response = client.get(TWO_FACTOR)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_with_2fa_switched_off_the_password_is_enough(client, coordinator, settings):
    settings.HOMEWARD_REQUIRE_2FA = False
    response = sign_in_with_password(client, coordinator)
    assert response["Location"] == reverse("core:my-work")
    assert client.get("/").status_code == 200


# --- Entering the code ---------------------------------------------------------------------------


def test_the_right_code_opens_the_page_asked_for_and_is_audited(client, world, coordinator, device):
    path = f"/children/{world.child.pk}/"
    first = client.get(path)
    assert first["Location"] == f"{reverse('login')}?next={path}"
    to_code = sign_in_with_password(client, coordinator, next_url=path)
    assert to_code["Location"] == f"{TWO_FACTOR}?next={path.replace('/', '%2F')}"
    session_before = client.session.session_key
    response = enter_code(client, current_code(device), next_url=path)
    assert response.status_code == 302
    assert response["Location"] == path
    assert client.get(path).status_code == 200
    assert client.session.session_key != session_before  # a fresh session id once fully signed in
    assert actions()[-3:-1] == [AuditEvent.Action.SIGN_IN, AuditEvent.Action.TWO_FACTOR_VERIFIED]
    event = AuditEvent.objects.get(action=AuditEvent.Action.TWO_FACTOR_VERIFIED)
    assert event.actor == coordinator and event.object_type == "authenticatordevice"
    assert current_code(device) not in event.summary


def test_next_goes_nowhere_off_the_site(client, coordinator, device):
    sign_in_with_password(client, coordinator)
    response = enter_code(client, current_code(device), next_url="https://evil.example/steal")
    assert response["Location"] == reverse("core:my-work")


def test_a_wrong_code_shows_the_error_and_is_counted_and_audited(client, coordinator, device):
    sign_in_with_password(client, coordinator)
    right = current_code(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = enter_code(client, wrong)
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert WRONG_CODE_MESSAGE in content
    assert "<title>Error: Enter your code" in content
    assert "4 more tries before the code step is locked" in content
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    event = AuditEvent.objects.filter(action=AuditEvent.Action.TWO_FACTOR_FAILED).get()
    assert event.actor == coordinator and wrong not in event.summary
    assert client.get("/").status_code == 302  # still not verified


@pytest.mark.parametrize("typed", ["", "12345", "12a456", "1234567"])
def test_a_malformed_code_asks_for_six_digits_and_is_not_counted(client, coordinator, device, typed):
    sign_in_with_password(client, coordinator)
    response = enter_code(client, typed)
    assert response.status_code == 200
    assert CODE_MESSAGE in response.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 0
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.TWO_FACTOR_FAILED).exists()


def test_spaces_in_the_code_are_forgiven(client, coordinator, device):
    sign_in_with_password(client, coordinator)
    code = current_code(device)
    assert enter_code(client, f"{code[:3]} {code[3:]}")["Location"] == reverse("core:my-work")


def test_a_code_cannot_be_used_twice(client, coordinator, device):
    code = current_code(device)
    sign_in_with_password(client, coordinator)
    assert enter_code(client, code).status_code == 302
    client.post(reverse("logout"))
    sign_in_with_password(client, coordinator)
    replay = enter_code(client, code)
    assert replay.status_code == 200
    assert WRONG_CODE_MESSAGE in replay.content.decode()


# --- Lock-out ---------------------------------------------------------------------------------------


def test_repeated_wrong_codes_lock_the_code_step_and_sign_out(client, coordinator, device, settings):
    settings.HOMEWARD_2FA_FAILURE_LIMIT = 3
    sign_in_with_password(client, coordinator)
    wrong = f"{(int(current_code(device)) + 5) % 1_000_000:06d}"
    assert enter_code(client, wrong).status_code == 200
    assert enter_code(client, wrong).status_code == 200
    locked = enter_code(client, wrong)
    assert locked.status_code == 429
    assert b"Sign-in locked" in locked.content
    assert "_auth_user_id" not in client.session  # signed out
    failed = AuditEvent.objects.filter(action=AuditEvent.Action.TWO_FACTOR_FAILED).order_by("id")
    assert failed.count() == 3 and "locked" in failed.last().summary

    # The count belongs to the account, not the session: signing in again with the password does not reset it,
    # and even the right code is refused until the cool-off has passed.
    sign_in_with_password(client, coordinator)
    assert client.get(TWO_FACTOR).status_code == 429
    sign_in_with_password(client, coordinator)
    assert enter_code(client, current_code(device)).status_code == 429

    AuthenticatorDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - dt.timedelta(minutes=31)
    )
    sign_in_with_password(client, coordinator)
    assert enter_code(client, current_code(device))["Location"] == reverse("core:my-work")
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_a_right_code_resets_the_count(client, coordinator, device):
    sign_in_with_password(client, coordinator)
    enter_code(client, f"{(int(current_code(device)) + 7) % 1_000_000:06d}")
    enter_code(client, current_code(device))
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


# --- Enrolment --------------------------------------------------------------------------------------


def test_a_user_without_an_authenticator_sets_one_up_first(client, coordinator):
    code, _ = issue_enrolment_code(coordinator)
    sign_in_with_password(client, coordinator, next_url="/children/")
    to_setup = client.get(f"{TWO_FACTOR}?next=%2Fchildren%2F")
    assert to_setup.status_code == 302
    assert to_setup["Location"] == f"{ENROL}?next=%2Fchildren%2F"
    asks_for_code = client.get(to_setup["Location"])
    assert b"Enter your enrolment code" in asks_for_code.content
    assert not AuthenticatorDevice.objects.filter(user=coordinator).exists()  # no key made, none shown
    to_qr = client.post(ENROL, {"code": code, "next": "/children/"})
    assert to_qr["Location"] == f"{ENROL}?next=%2Fchildren%2F"
    page = client.get(to_qr["Location"])
    assert page.status_code == 200
    content = page.content.decode()
    device = AuthenticatorDevice.objects.get(user=coordinator)
    assert not device.confirmed

    # The key as text in groups of four, matching the device, and a QR code drawn as SVG on the server.
    secret = re.search(r'id="secret-key">([A-Z2-7 ]+)<', content).group(1)
    assert all(len(group) == 4 for group in secret.split()[:-1])
    assert b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8)) == device.bin_key
    image = re.search(r'<img src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]+)"', content)
    assert image and "QR code" in image.group(2)
    svg = b64decode(image.group(1)).decode()
    assert "<svg" in svg and "<script" not in svg
    assert " style=" not in content  # nothing inline: the Content Security Policy holds

    response = enter_code(client, current_code(device), url=ENROL, next_url="/children/")
    assert response.status_code == 302 and response["Location"] == "/children/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/children/").status_code == 200
    two_factor_events = [a for a in actions() if a.startswith("two_factor")]
    assert two_factor_events == [AuditEvent.Action.TWO_FACTOR_ENROLLED, AuditEvent.Action.TWO_FACTOR_VERIFIED]
    assert [a for a in actions() if a.startswith("enrolment_code")] == [
        AuditEvent.Action.ENROLMENT_CODE_ISSUED,
        AuditEvent.Action.ENROLMENT_CODE_USED,
    ]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.TWO_FACTOR_ENROLLED, actor=coordinator).count() == 1


def test_enrolment_keeps_the_same_key_until_confirmed(client, coordinator):
    sign_in_with_password(client, coordinator)
    give_enrolment_code(client, coordinator)
    client.get(ENROL)
    client.get(ENROL)
    assert AuthenticatorDevice.objects.filter(user=coordinator).count() == 1


def test_a_wrong_code_at_enrolment_confirms_nothing(client, coordinator):
    sign_in_with_password(client, coordinator)
    give_enrolment_code(client, coordinator)
    client.get(ENROL)
    device = AuthenticatorDevice.objects.get(user=coordinator)
    response = enter_code(client, f"{(int(current_code(device)) + 3) % 1_000_000:06d}", url=ENROL)
    assert response.status_code == 200
    assert WRONG_CODE_MESSAGE in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.TWO_FACTOR_ENROLLED).exists()


def test_a_confirmed_authenticator_cannot_be_replaced_from_the_sign_in(client, coordinator, device):
    sign_in_with_password(client, coordinator)
    response = client.get(ENROL)
    assert response.status_code == 302
    assert response["Location"].startswith(TWO_FACTOR)
    assert AuthenticatorDevice.objects.filter(user=coordinator).count() == 1


def test_reset_two_factor_makes_the_user_set_up_again_with_the_code_it_issues(client, coordinator, device):
    out = io.StringIO()
    call_command("reset_two_factor", coordinator.username, stdout=out)
    assert not AuthenticatorDevice.objects.filter(user=coordinator).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.TWO_FACTOR_RESET)
    assert event.object_id == str(coordinator.pk)
    issued = AuditEvent.objects.get(action=AuditEvent.Action.ENROLMENT_CODE_ISSUED)
    assert issued.object_id == str(coordinator.pk) and issued.id > event.id
    code = re.search(r"Enrolment code for \S+: ([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})", out.getvalue()).group(1)
    assert code not in issued.summary
    sign_in_with_password(client, coordinator)
    assert client.get(TWO_FACTOR)["Location"].startswith(ENROL)
    assert client.post(ENROL, {"code": code})["Location"].startswith(ENROL)
    assert b'id="secret-key"' in client.get(ENROL).content


# --- Production ---------------------------------------------------------------------------------------


def test_production_refuses_to_start_with_2fa_off():
    result = manage("check", env={**PRODUCTION_ENV, "HOMEWARD_REQUIRE_2FA": "false"})
    assert result.returncode != 0
    assert "HOMEWARD_REQUIRE_2FA cannot be turned off when HOMEWARD_ENV=production" in result.stderr


def test_2fa_can_be_switched_off_outside_production():
    assert manage("check", env={"HOMEWARD_REQUIRE_2FA": "false"}).returncode == 0
