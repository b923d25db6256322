"""Setting up an authenticator needs a one-time enrolment code from an administrator: the password alone cannot.

Codes are issued by `manage.py issue_enrolment_code` (or `reset_two_factor`), kept only as a keyed hash, audited,
single use and time-limited; wrong and expired ones are refused, counted and lock the step like wrong codes do.
"""

import datetime as dt
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from access.models import AuditEvent
from accounts.forms import (
    ENROLMENT_CODE_MESSAGE,
    EXPIRED_ENROLMENT_CODE_MESSAGE,
    WRONG_ENROLMENT_CODE_MESSAGE,
)
from accounts.models import AuthenticatorDevice, EnrolmentCode
from accounts.two_factor import enrolment_code_digest, issue_enrolment_code
from tests.factories import TEST_PASSWORD
from tests.two_factor import current_code, totp_device

ENROL = reverse("accounts:enrol")
CODE_PATTERN = r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}"


@pytest.fixture
def user(world):
    return world.users.social_worker


def sign_in_with_password(client, user) -> None:
    client.post(reverse("login"), {"username": user.username, "password": TEST_PASSWORD})


def give(client, code: str):
    return client.post(ENROL, {"code": code})


def issue_by_command(username: str) -> str:
    out = io.StringIO()
    call_command("issue_enrolment_code", username, stdout=out)
    found = re.search(rf"Enrolment code for {re.escape(username)}: ({CODE_PATTERN})", out.getvalue())
    assert found is not None, out.getvalue()
    return found.group(1)


def wrong_code_for(right: str) -> str:
    return "ABCD-EFGH-JKMN" if right != "ABCD-EFGH-JKMN" else "ABCD-EFGH-JKMP"


def test_the_command_issues_a_code_kept_only_as_a_hash_and_audited(user):
    code = issue_by_command(user.username)
    row = EnrolmentCode.objects.get(user=user)
    assert row.digest == enrolment_code_digest(code) and code.replace("-", "") not in row.digest
    assert row.expires_at - row.issued_at == dt.timedelta(hours=72)
    event = AuditEvent.objects.get(action=AuditEvent.Action.ENROLMENT_CODE_ISSUED)
    assert event.object_id == str(user.pk) and user.username in event.summary
    assert code not in event.summary and code.replace("-", "") not in f"{event.summary}{event.changes}"


def test_the_password_alone_never_reaches_the_authenticator_set_up(client, user):
    sign_in_with_password(client, user)
    page = client.get(ENROL)
    assert page.status_code == 200
    content = page.content.decode()
    assert "Enter your enrolment code" in content and 'id="secret-key"' not in content and "<img" not in content
    # A code from an app is not an enrolment code; with none issued, no enrolment code is right.
    assert ENROLMENT_CODE_MESSAGE in give(client, "123456").content.decode()
    refused = give(client, "ABCD-EFGH-JKMN")
    assert refused.status_code == 200 and WRONG_ENROLMENT_CODE_MESSAGE in refused.content.decode()
    assert not AuthenticatorDevice.objects.filter(user=user).exists()
    assert client.get("/").status_code == 302  # still not signed in


def test_the_right_code_leads_to_the_set_up_with_a_fresh_key_and_is_audited(client, user):
    code = issue_by_command(user.username)
    sign_in_with_password(client, user)
    response = give(client, code.lower().replace("-", " "))  # typed in lower case, with spaces
    assert response.status_code == 302 and response["Location"].startswith(ENROL)
    page = client.get(ENROL)
    assert b'id="secret-key"' in page.content
    device = AuthenticatorDevice.objects.get(user=user, confirmed=False)
    assert EnrolmentCode.objects.get(user=user).digest == ""  # used up
    used = AuditEvent.objects.get(action=AuditEvent.Action.ENROLMENT_CODE_USED)
    assert used.actor == user
    assert client.post(ENROL, {"code": current_code(device)})["Location"] == reverse("core:my-work")


def test_a_code_works_once_only(client, user):
    code = issue_by_command(user.username)
    sign_in_with_password(client, user)
    give(client, code)
    client.post(reverse("logout"))
    sign_in_with_password(client, user)  # a second session (someone else with the password) is asked again
    page = client.get(ENROL)
    assert b"Enter your enrolment code" in page.content
    assert WRONG_ENROLMENT_CODE_MESSAGE in give(client, code).content.decode()


def test_an_expired_code_is_refused_clearly_and_counted(client, user):
    code, _ = issue_enrolment_code(user)
    EnrolmentCode.objects.filter(user=user).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    sign_in_with_password(client, user)
    response = give(client, code)
    content = response.content.decode()
    assert response.status_code == 200
    assert EXPIRED_ENROLMENT_CODE_MESSAGE in content and "There is a problem" in content
    assert "4 more tries before setting up is locked" in content
    assert EnrolmentCode.objects.get(user=user).throttling_failure_count == 1
    event = AuditEvent.objects.get(action=AuditEvent.Action.TWO_FACTOR_FAILED)
    assert "expired" in event.summary and event.actor == user


def test_a_new_code_replaces_the_last_and_removes_a_key_not_yet_confirmed(client, user):
    first, _ = issue_enrolment_code(user)
    sign_in_with_password(client, user)
    give(client, first)
    client.get(ENROL)
    shown = AuthenticatorDevice.objects.get(user=user, confirmed=False)
    second, _ = issue_enrolment_code(user)
    assert not AuthenticatorDevice.objects.filter(pk=shown.pk).exists()  # the key shown before is void
    third, _ = issue_enrolment_code(user)
    client.post(reverse("logout"))
    sign_in_with_password(client, user)
    assert WRONG_ENROLMENT_CODE_MESSAGE in give(client, second).content.decode()
    assert give(client, third).status_code == 302


def test_wrong_codes_lock_the_set_up_step_across_sessions_until_the_cool_off(client, user, settings):
    settings.HOMEWARD_2FA_FAILURE_LIMIT = 3
    code, _ = issue_enrolment_code(user)
    sign_in_with_password(client, user)
    wrong = wrong_code_for(code)
    assert give(client, wrong).status_code == 200
    assert give(client, wrong).status_code == 200
    locked = give(client, wrong)
    assert locked.status_code == 429 and b"Sign-in locked" in locked.content
    assert "_auth_user_id" not in client.session  # signed out
    assert "locked" in AuditEvent.objects.filter(action=AuditEvent.Action.TWO_FACTOR_FAILED).last().summary

    sign_in_with_password(client, user)
    assert client.get(ENROL).status_code == 429  # the count belongs to the account
    sign_in_with_password(client, user)
    assert give(client, code).status_code == 429  # even the right code, while locked
    assert EnrolmentCode.objects.get(user=user).digest != ""  # and it was not used up

    EnrolmentCode.objects.filter(user=user).update(
        throttling_failure_timestamp=timezone.now() - dt.timedelta(minutes=31)
    )
    sign_in_with_password(client, user)
    assert give(client, code)["Location"].startswith(ENROL)
    assert EnrolmentCode.objects.get(user=user).throttling_failure_count == 0


def test_an_administrator_issuing_a_new_code_gives_fresh_tries(client, user, settings):
    settings.HOMEWARD_2FA_FAILURE_LIMIT = 2
    sign_in_with_password(client, user)
    give(client, "ABCD-EFGH-JKMN")
    assert give(client, "ABCD-EFGH-JKMN").status_code == 429
    code, _ = issue_enrolment_code(user)
    sign_in_with_password(client, user)
    assert give(client, code)["Location"].startswith(ENROL)


def test_the_command_refuses_unknown_deactivated_and_already_enrolled_users(world, user):
    with pytest.raises(CommandError, match="No user"):
        call_command("issue_enrolment_code", "nobody", stdout=io.StringIO())
    user.is_active = False
    user.save()
    with pytest.raises(CommandError, match="deactivated"):
        call_command("issue_enrolment_code", user.username, stdout=io.StringIO())
    enrolled = world.users.coordinator
    totp_device(enrolled)
    with pytest.raises(CommandError, match="reset_two_factor"):
        call_command("issue_enrolment_code", enrolled.username, stdout=io.StringIO())
    assert not EnrolmentCode.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ENROLMENT_CODE_ISSUED).exists()


def test_the_code_expires_after_the_configured_hours(user, settings):
    settings.HOMEWARD_ENROLMENT_CODE_HOURS = 2
    _, expires_at = issue_enrolment_code(user)
    assert dt.timedelta(hours=2) - dt.timedelta(seconds=5) < expires_at - timezone.now() <= dt.timedelta(hours=2)
