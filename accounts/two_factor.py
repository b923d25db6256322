"""Two-factor sign-in with a TOTP authenticator app (django-otp), enforced for every staff page.

After the password (Django's sign-in), the session is *signed in but not verified*: django-otp's
OTPMiddleware sets `request.user.otp_device` only once a code has been accepted in this session, and
`accounts.middleware.TwoFactorRequiredMiddleware` sends every other page to the code step until then.
A user with no confirmed device is taken through enrolment first, which starts with a one-time enrolment code
an administrator issued (`issue_enrolment_code`): the password alone cannot set up an authenticator.
The authenticator's secret is encrypted at rest (`accounts.models.AuthenticatorDevice`).

Wrong codes are counted on the device (django-otp's `throttling_failure_count`, reset by a right code), and
wrong or expired enrolment codes on the person's `EnrolmentCode`, so the count follows the account across
sign-outs and sessions: after HOMEWARD_2FA_FAILURE_LIMIT wrong codes in a row the step is locked for
AXES_COOLOFF_MINUTES and the session is signed out.
"""

import base64
import datetime as dt
import io
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.models import ThrottlingMixin

from access.audit import record_event
from access.http import AuthenticatedHttpRequest
from access.models import AuditEvent, User
from accounts.models import AuthenticatorDevice, EnrolmentCode

DEVICE_NAME = "Authenticator app"
# Enrolment codes: 12 characters from an alphabet without look-alikes (no 0/O, 1/I/L), 60 bits, in groups of four.
ENROLMENT_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
ENROLMENT_CODE_LENGTH = 12
ENROLMENT_SESSION_KEY = "accounts_enrolment_code_accepted"
# Set when the identity provider asserted multi-factor authentication at single sign-on (identity app): the value
# is the user's id, so the mark means nothing for any other account signed in later in the same browser.
PROVIDER_MFA_SESSION_KEY = "accounts_verified_by_identity_provider"


def two_factor_not_required(view_func: Callable) -> Callable:
    """Mark a view a signed-in user may reach before their code is verified (the 2FA pages, sign-out)."""
    view_func.__dict__["two_factor_not_required"] = True  # a marker the middleware reads with getattr
    return view_func


def enforced() -> bool:
    return settings.HOMEWARD_REQUIRE_2FA


def is_verified(request: HttpRequest) -> bool:
    """Whether this session has passed the code step (set by django-otp's OTPMiddleware), or signed in through the
    identity provider with its own multi-factor authentication (`mark_verified_by_provider`)."""
    user = request.user
    if not user.is_authenticated:
        return False
    return getattr(user, "otp_device", None) is not None or request.session.get(PROVIDER_MFA_SESSION_KEY) == user.pk


def mark_verified_by_provider(request: AuthenticatedHttpRequest, *, evidence: str) -> None:
    """Accept the identity provider's multi-factor authentication in place of Homeward's code step, for this
    session only, audited with what the provider asserted (its amr or acr values, never a token). Called once the
    provider's sign-in has signed the user in."""
    request.session[PROVIDER_MFA_SESSION_KEY] = request.user.pk
    record_event(
        actor=request.user,
        action=AuditEvent.Action.TWO_FACTOR_VERIFIED,
        obj=request.user,
        summary=f"Two-factor sign-in done at the identity provider ({evidence})"[:300],
    )


def confirmed_device(user: User) -> AuthenticatorDevice | None:
    return AuthenticatorDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def enrolment_device(user: User) -> AuthenticatorDevice:
    """The unconfirmed device being set up (made on first visit, kept until confirmed or reset)."""
    device = AuthenticatorDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = AuthenticatorDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_text(device: AuthenticatorDevice) -> str:
    """The secret as people type it into an authenticator app: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_data_uri(device: AuthenticatorDevice) -> str:
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
    EXPIRED = "expired"  # an enrolment code past its time (refused, and counted, like a wrong one)
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


def is_locked(counter: ThrottlingMixin) -> bool:
    """Too many wrong codes in a row (on a device, or enrolment codes), the last of them within the cool-off time."""
    return (
        counter.throttling_failure_count >= settings.HOMEWARD_2FA_FAILURE_LIMIT
        and counter.throttling_failure_timestamp is not None
        and timezone.now() - counter.throttling_failure_timestamp < _cooloff()
    )


def _fresh_tries_after_cooloff(counter: ThrottlingMixin) -> None:
    if counter.throttling_failure_count >= settings.HOMEWARD_2FA_FAILURE_LIMIT and not is_locked(counter):
        counter.throttle_reset()  # the cool-off has passed: a fresh set of tries


def lock_minutes() -> int:
    return round(settings.AXES_COOLOFF_TIME * 60)


def check_code(
    request: AuthenticatedHttpRequest, device: AuthenticatorDevice, code: str, *, enrolling: bool = False
) -> CodeResult:
    """Check a code against the device; count a wrong one; on the right one mark the session verified.

    The device row is locked while its code is checked (two tries at once cannot both pass the count),
    and the device change and its audit event commit together.
    """
    user = request.user
    with transaction.atomic():
        device = AuthenticatorDevice.objects.select_for_update().get(pk=device.pk)
        _fresh_tries_after_cooloff(device)
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
        request.session.pop(ENROLMENT_SESSION_KEY, None)
        otp_login(request, device)
        return CodeResult(Outcome.ACCEPTED)
    if locked:
        logout(request)
        return CodeResult(Outcome.LOCKED, device.throttling_failure_count)
    return CodeResult(Outcome.REFUSED, device.throttling_failure_count)


# --- Enrolment codes ---------------------------------------------------------------------------------


def normalise_enrolment_code(typed: str) -> str:
    """The code as issued, whatever the spacing, hyphens or case it was typed with."""
    return re.sub(r"[\s-]", "", typed).upper()


def enrolment_code_digest(code: str) -> str:
    """A keyed hash (HMAC-SHA256 under SECRET_KEY) of the code: a copy of the database alone cannot be searched
    for it. (Changing SECRET_KEY voids the codes outstanding; issue new ones.)"""
    return salted_hmac("accounts.EnrolmentCode", normalise_enrolment_code(code), algorithm="sha256").hexdigest()


def issue_enrolment_code(user: User, *, actor: User | None = None) -> tuple[str, dt.datetime]:
    """Issue `user` a one-time enrolment code (replacing any earlier one) and return it with its expiry time.

    The code is returned once and never stored, only its digest; the audit event records that a code was
    issued and until when, never the code. Any authenticator set up but not confirmed is removed, so a key shown
    on the set-up page before cannot be used. Refused (ValidationError) for a deactivated account, or one that
    already has an authenticator (reset that first: `manage.py reset_two_factor`).
    """
    if not user.is_active:
        raise ValidationError(f"{user.username} is deactivated: an enrolment code would be no use.")
    code = "".join(secrets.choice(ENROLMENT_CODE_ALPHABET) for _ in range(ENROLMENT_CODE_LENGTH))
    now = timezone.now()
    expires_at = now + dt.timedelta(hours=settings.HOMEWARD_ENROLMENT_CODE_HOURS)
    with transaction.atomic():
        if confirmed_device(user) is not None:
            raise ValidationError(
                f"{user.username} already has an authenticator app: reset it first (manage.py reset_two_factor)."
            )
        EnrolmentCode.objects.update_or_create(
            user=user,
            defaults={
                "digest": enrolment_code_digest(code),
                "issued_at": now,
                "expires_at": expires_at,
                "throttling_failure_count": 0,  # an administrator's new code gives a fresh set of tries
                "throttling_failure_timestamp": None,
            },
        )
        AuthenticatorDevice.objects.filter(user=user, confirmed=False).delete()
        record_event(
            actor=actor,
            action=AuditEvent.Action.ENROLMENT_CODE_ISSUED,
            obj=user,
            summary=f"Two-factor enrolment code issued for {user.username}, valid until "
            f"{timezone.localtime(expires_at):%d/%m/%Y %H:%M}",
        )
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4)), expires_at


def enrolment_code_accepted(request: AuthenticatedHttpRequest) -> bool:
    """Whether this session has given the person's enrolment code (so may be shown the authenticator set-up)."""
    return request.session.get(ENROLMENT_SESSION_KEY) == request.user.pk


def enrolment_counter(user: User) -> EnrolmentCode:
    """The person's enrolment code row, which counts wrong enrolment codes (unsaved and blank if none was issued)."""
    return EnrolmentCode.objects.filter(user=user).first() or EnrolmentCode(user=user)


def check_enrolment_code(request: AuthenticatedHttpRequest, typed: str) -> CodeResult:
    """Check an enrolment code; count a wrong or expired one; on the right one use it up and let this session set up
    an authenticator app (with a new key: any unconfirmed one is removed)."""
    user = request.user
    with transaction.atomic():
        EnrolmentCode.objects.get_or_create(user=user)  # a blank row counts tries when no code was ever issued
        row = EnrolmentCode.objects.select_for_update().get(user=user)
        _fresh_tries_after_cooloff(row)
        if is_locked(row):
            outcome = Outcome.LOCKED
        elif not row.digest or not constant_time_compare(row.digest, enrolment_code_digest(typed)):
            outcome = Outcome.REFUSED
        elif row.expires_at is None or row.expires_at <= timezone.now():
            outcome = Outcome.EXPIRED
        else:
            outcome = Outcome.ACCEPTED
        if outcome is Outcome.ACCEPTED:
            row.digest, row.expires_at = "", None  # single use
            row.throttle_reset(commit=False)
            row.save()
            AuthenticatorDevice.objects.filter(user=user, confirmed=False).delete()
            record_event(
                actor=user,
                action=AuditEvent.Action.ENROLMENT_CODE_USED,
                obj=row,
                summary="Two-factor enrolment code accepted",
            )
        elif outcome is Outcome.LOCKED:
            record_event(
                actor=user,
                action=AuditEvent.Action.TWO_FACTOR_FAILED,
                obj=row,
                summary="Enrolment code tried while the set-up step is locked",
            )
        else:
            row.throttle_increment()
            locked = is_locked(row)
            why = "expired" if outcome is Outcome.EXPIRED else "wrong"
            record_event(
                actor=user,
                action=AuditEvent.Action.TWO_FACTOR_FAILED,
                obj=row,
                summary=f"Enrolment code refused, {why} ({row.throttling_failure_count} in a row)"
                + (f"; set-up step locked for {lock_minutes()} minutes" if locked else ""),
            )
            if locked:
                outcome = Outcome.LOCKED
    if outcome is Outcome.ACCEPTED:
        request.session[ENROLMENT_SESSION_KEY] = user.pk
    elif outcome is Outcome.LOCKED:
        logout(request)
    return CodeResult(outcome, row.throttling_failure_count)


def reset_two_factor(user: User, *, actor: User | None) -> tuple[int, str, dt.datetime | None]:
    """Remove `user`'s authenticator apps (a lost or replaced phone) and, for an active account, issue an enrolment
    code to set one up again at the next sign-in. One transaction, audited (TWO_FACTOR_RESET, and the code's
    issue). Returns how many authenticators were removed, and the code with its expiry ("" and None when the
    account is deactivated)."""
    with transaction.atomic():
        removed, _ = AuthenticatorDevice.objects.filter(user=user).delete()
        record_event(
            actor=actor,
            action=AuditEvent.Action.TWO_FACTOR_RESET,
            obj=user,
            summary=f"Two-factor sign-in reset for {user.username} ({removed} authenticator removed)",
        )
        if not user.is_active:
            return removed, "", None
        code, expires_at = issue_enrolment_code(user, actor=actor)
    return removed, code, expires_at
