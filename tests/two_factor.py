"""Two-factor sign-in for tests: a TOTP device with a known key, its current code, and a verified session.

Every web test's `client.force_login(user)` also marks the session verified (the autouse fixture in
tests/conftest.py calls `mark_verified`), so tests of pages need not go through the code step. Tests of
the code step itself sign in with the password through the real form (`client.post(reverse("login"), …)`),
which leaves the session unverified, as it is for a person.
"""

import time

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP

from access.models import User
from accounts.models import AuthenticatorDevice

# A fixed 20-byte key (hex), so a test (or a browser test) can compute the code an app would show.
TEST_TOTP_KEY = "3132333435363738393031323334353637383930"


def totp_device(user: User, *, key: str = TEST_TOTP_KEY, confirmed: bool = True) -> AuthenticatorDevice:
    """The user's confirmed authenticator (made with the known key if they have none)."""
    device = AuthenticatorDevice.objects.filter(user=user, confirmed=confirmed).order_by("pk").first()
    if device is None:
        device = AuthenticatorDevice.objects.create(user=user, name="Test authenticator", key=key, confirmed=confirmed)
    return device


def current_code(device: AuthenticatorDevice, *, at: float | None = None) -> str:
    """The code the authenticator app shows now (or at the Unix time `at`).

    django-otp refuses a code at or before the last one it accepted, so a second sign-in within the same
    30 seconds gets the next step's code, which the device accepts within its tolerance of one step.
    """
    device.refresh_from_db()
    generator = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    generator.time = time.time() if at is None else at
    if at is None and generator.t() <= device.last_t:
        # t() adds the device's drift to the time step, so take it off the step we aim for.
        generator.time = device.t0 + (device.last_t + 1 - device.drift) * device.step
    return f"{generator.token():0{device.digits}d}"


def mark_verified(client: Client, user: User) -> None:
    """Make the client's signed-in session count as having passed the code step (as django_otp.login does)."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
    session.save()
