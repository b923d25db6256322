"""Two-factor sign-in with a TOTP authenticator app (django-otp), enforced for every staff page.

After the password (Django's sign-in), the session is *signed in but not verified*: django-otp's
OTPMiddleware sets `request.user.otp_device` only once a code has been accepted in this session, and
`accounts.middleware.TwoFactorRequiredMiddleware` sends every other page to the code step until then.
A user with no confirmed device is taken through enrolment first.

Wrong codes are counted on the device (django-otp's `throttling_failure_count`, reset by a right code),
so the count follows the account across sign-outs and sessions: after HOMEWARD_2FA_FAILURE_LIMIT wrong
codes in a row the code step is locked for AXES_COOLOFF_MINUTES and the session is signed out.
"""

import base64
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth import logout
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from access.audit import record_event
from access.models import AuditEvent, User

DEVICE_NAME = "Authenticator app"


def two_factor_not_required(view_func: Callable) -> Callable:
    """Mark a view a signed-in user may reach before their code is verified (the 2FA pages, sign-out)."""
    view_func.two_factor_not_required = True
    return view_func


def enforced() -> bool:
    return settings.HOMEWARD_REQUIRE_2FA


def is_verified(request: HttpRequest) -> bool:
    """Whether this session has passed the code step (set by django-otp's OTPMiddleware)."""
    user = request.user
    return bool(user.is_authenticated and getattr(user, "otp_device", None) is not None)


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def enrolment_device(user: User) -> TOTPDevice:
    """The unconfirmed device being set up (made on first visit, kept until confirmed or reset)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The secret as people type it into an authenticator app: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The device's otpauth:// address as a QR code: an SVG drawn on the server, for an <img src>.

    A data: URI is allowed by the Content Security Policy (img-src 'self' data:) and needs no inline style.
    """
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10)
    out = io.BytesIO()
    image.save(out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


def safe_next(request: HttpRequest, candidate: str | None) -> str:
    """Where to go after the code step: a local path only, else My work."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def two_factor_url(next_url: str = "") -> str:
    url = reverse("accounts:two-factor")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


class Outcome(Enum):
    ACCEPTED = "accepted"
    REFUSED = "refused"
    LOCKED = "locked"


@dataclass(frozen=True)
class CodeResult:
    outcome: Outcome
    failures: int = 0

    @property
    def tries_left(self) -> int:
        return max(0, settings.HOMEWARD_2FA_FAILURE_LIMIT - self.failures)


def _cooloff() -> dt.timedelta:
    return dt.timedelta(hours=settings.AXES_COOLOFF_TIME)


def is_locked(device: TOTPDevice) -> bool:
    """Too many wrong codes in a row, the last of them within the cool-off time."""
    return (
        device.throttling_failure_count >= settings.HOMEWARD_2FA_FAILURE_LIMIT
        and device.throttling_failure_timestamp is not None
        and timezone.now() - device.throttling_failure_timestamp < _cooloff()
    )


def lock_minutes() -> int:
    return round(settings.AXES_COOLOFF_TIME * 60)


def check_code(request: HttpRequest, device: TOTPDevice, code: str, *, enrolling: bool = False) -> CodeResult:
    """Check a code against the device; count a wrong one; on the right one mark the session verified.

    The device row is locked while its code is checked (two tries at once cannot both pass the count),
    and the device change and its audit event commit together.
    """
    user = request.user
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if device.throttling_failure_count >= settings.HOMEWARD_2FA_FAILURE_LIMIT and not is_locked(device):
            device.throttle_reset()  # the cool-off has passed: a fresh set of tries
        locked = is_locked(device)
        if locked:
            record_event(
                actor=user,
                action=AuditEvent.Action.TWO_FACTOR_FAILED,
                obj=device,
                summary="Two-factor code tried while the code step is locked",
            )
            accepted = False
        elif device.verify_token(code):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                record_event(
                    actor=user,
                    action=AuditEvent.Action.TWO_FACTOR_ENROLLED,
                    obj=device,
                    summary="Two-factor sign-in set up with an authenticator app",
                )
            record_event(
                actor=user, action=AuditEvent.Action.TWO_FACTOR_VERIFIED, obj=device, summary="Two-factor code accepted"
            )
            accepted = True
        else:
            device.refresh_from_db(fields=["throttling_failure_count", "throttling_failure_timestamp"])
            locked = is_locked(device)
            record_event(
                actor=user,
                action=AuditEvent.Action.TWO_FACTOR_FAILED,
                obj=device,
                summary=f"Two-factor code refused ({device.throttling_failure_count} in a row)"
                + (f"; code step locked for {lock_minutes()} minutes" if locked else ""),
            )
            accepted = False
    if accepted:
        request.session.cycle_key()  # a new session id for the fully signed-in session
        otp_login(request, device)
        return CodeResult(Outcome.ACCEPTED)
    if locked:
        logout(request)
        return CodeResult(Outcome.LOCKED, device.throttling_failure_count)
    return CodeResult(Outcome.REFUSED, device.throttling_failure_count)
