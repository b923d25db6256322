"""The authenticator's TOTP secret is encrypted at rest, survives key rotation, and behaves as django-otp's did:
replay protection, drift tolerance and the failure count. Existing django-otp devices are migrated into it."""

import base64
import io
import logging
import time

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from access.models import AuditEvent
from accounts.models import AuthenticatorDevice
from accounts.two_factor import issue_enrolment_code
from core.encryption import PREFIX
from tests.factories import TEST_PASSWORD
from tests.two_factor import TEST_TOTP_KEY, current_code, totp_device


def stored_key(device: AuthenticatorDevice) -> str:
    """The key column as the database holds it (read raw, not decrypted)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key FROM {AuthenticatorDevice._meta.db_table} WHERE id = %s", [device.pk])  # noqa: S608
        return cursor.fetchone()[0]


def sign_in(client, user, code: str):
    client.post(reverse("login"), {"username": user.username, "password": TEST_PASSWORD})
    return client.post(reverse("accounts:two-factor"), {"code": code})


def test_the_secret_is_stored_encrypted_and_read_back_in_clear(world):
    device = totp_device(world.users.coordinator)
    raw = stored_key(device)
    assert raw.startswith(PREFIX) and TEST_TOTP_KEY not in raw
    assert AuthenticatorDevice.objects.get(pk=device.pk).key == TEST_TOTP_KEY
    assert TEST_TOTP_KEY not in str(device) and TEST_TOTP_KEY not in repr(device)


def test_a_code_still_verifies_after_rotation_with_the_old_key_retired(client, world, settings, capsys):
    user = world.users.coordinator
    device = totp_device(user)
    old_key = settings.HOMEWARD_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.HOMEWARD_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rotate_keys")
    assert "accounts.AuthenticatorDevice: re-encrypted 1 rows; 0 left on an old key" in capsys.readouterr().out

    settings.HOMEWARD_ENCRYPTION_KEYS = [new_key]  # the old key is retired
    Fernet(new_key.encode()).decrypt(stored_key(device)[len(PREFIX) :].encode())  # on the new key
    call_command("rotate_keys", "--check")
    assert "accounts.AuthenticatorDevice: 0 rows not on the primary key" in capsys.readouterr().out
    assert sign_in(client, user, current_code(device))["Location"] == reverse("core:my-work")


def app_code(device: AuthenticatorDevice, at: float) -> str:
    """The code an app with the device's key shows at Unix time `at` (whatever drift the device has learnt)."""
    generator = TOTP(device.bin_key)
    generator.time = at
    return f"{generator.token():06d}"


def test_replay_drift_and_the_failure_count_behave_as_django_otp(world):
    device = totp_device(world.users.coordinator)
    if time.time() % 30 > 27:
        time.sleep(3)  # not at the end of a step: the codes below must stay in the steps they were made for
    now = time.time()
    two_steps_ago = app_code(device, now - 60)
    assert not device.verify_token(two_steps_ago)  # beyond the tolerance of one step
    device.refresh_from_db()
    assert device.throttling_failure_count == 1

    one_step_ago = app_code(device, now - 30)
    assert device.verify_token(one_step_ago)  # clock drift of one step is tolerated
    device.refresh_from_db()
    assert device.throttling_failure_count == 0 and device.last_t >= int(now - 30) // 30

    assert not device.verify_token(one_step_ago)  # a code is accepted once only
    this_step = app_code(device, now)
    assert device.verify_token(this_step)
    assert not device.verify_token(this_step)


def test_the_secret_never_reaches_the_audit_trail_or_the_logs(client, world, caplog):
    user = world.users.social_worker
    code, _ = issue_enrolment_code(user)
    caplog.set_level(logging.DEBUG)
    client.post(reverse("login"), {"username": user.username, "password": TEST_PASSWORD})
    enrol = reverse("accounts:enrol")
    client.post(enrol, {"code": code})
    client.get(enrol)
    device = AuthenticatorDevice.objects.get(user=user)
    client.post(enrol, {"code": f"{(int(current_code(device)) + 1) % 1_000_000:06d}"})  # a wrong one, then right
    assert client.post(enrol, {"code": current_code(device)})["Location"] == reverse("core:my-work")

    secrets = {device.key, base64.b32encode(device.bin_key).decode().rstrip("="), code, code.replace("-", "")}
    for event in AuditEvent.objects.all():
        written = f"{event.summary} {event.changes}"
        assert not any(secret in written for secret in secrets), event.action
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert not any(secret in logged for secret in secrets)


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_existing_devices_and_removes_the_clear_copies(django_user_model):
    user = django_user_model.objects.create_user(username="migrated", password=TEST_PASSWORD)
    call_command("migrate", "accounts", "0001", verbosity=0, stdout=io.StringIO())
    old = TOTPDevice.objects.create(
        user=user, name="Authenticator app", key=TEST_TOTP_KEY, confirmed=True, last_t=123, drift=1
    )
    TOTPDevice.objects.filter(pk=old.pk).update(throttling_failure_count=2)

    call_command("migrate", "accounts", verbosity=0, stdout=io.StringIO())

    assert not TOTPDevice.objects.exists()
    device = AuthenticatorDevice.objects.get(user=user)
    assert (device.key, device.confirmed, device.last_t, device.drift, device.throttling_failure_count) == (
        TEST_TOTP_KEY,
        True,
        123,
        1,
        2,
    )
    assert device.created_at == old.created_at
    raw = stored_key(device)
    assert raw.startswith(PREFIX) and TEST_TOTP_KEY not in raw
