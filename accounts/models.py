"""The authenticator app a person signs in with (its TOTP secret encrypted at rest), and the one-time enrolment
code an administrator issues so that setting one up needs more than the password."""

from django.conf import settings
from django.db import models
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key, key_validator

from core.encryption import EncryptedTextField


class AuthenticatorDevice(TimestampMixin, ThrottlingMixin, Device):
    """A TOTP authenticator (RFC 6238) like django-otp's TOTPDevice, but with the secret encrypted at rest.

    The fields mean what they mean on TOTPDevice (the secret `key` in hex, `step`, `t0`, `digits`, `tolerance`,
    `drift`, `last_t`), and verifying a code is TOTPDevice's own logic, borrowed unchanged, so replay
    protection (a code at or before `last_t` is refused), drift tolerance and the failure count behave exactly
    as django-otp's do. The key is an EncryptedTextField: stored as a Fernet token, re-encrypted by
    `manage.py rotate_keys`, never written to the audit trail (encrypted fields are masked there).
    """

    key = EncryptedTextField(
        default=default_key, validators=[key_validator], help_text="A hex-encoded secret key of up to 40 bytes."
    )
    step = models.PositiveSmallIntegerField(default=30, help_text="The time step in seconds.")
    t0 = models.BigIntegerField(default=0, help_text="The Unix time at which to begin counting steps.")
    digits = models.PositiveSmallIntegerField(
        choices=[(6, 6), (8, 8)], default=6, help_text="The number of digits to expect in a token."
    )
    tolerance = models.PositiveSmallIntegerField(
        default=1, help_text="The number of time steps in the past or future to allow."
    )
    drift = models.SmallIntegerField(
        default=0, help_text="The number of time steps the prover is known to deviate from our clock."
    )
    last_t = models.BigIntegerField(
        default=-1, help_text="The time step of the last accepted code; the next code must be at a later step."
    )

    class Meta(Device.Meta):
        verbose_name = "authenticator app"

    # TOTPDevice's methods read only the fields above, so they work unchanged on this model.
    bin_key = TOTPDevice.bin_key
    verify_token = TOTPDevice.verify_token
    get_throttle_factor = TOTPDevice.get_throttle_factor
    config_url = TOTPDevice.config_url
    _read_str_from_settings = TOTPDevice._read_str_from_settings


class EnrolmentCode(ThrottlingMixin, models.Model):
    """A person's outstanding enrolment code, which setting up an authenticator app asks for before the QR code.

    Issued by an administrator (`manage.py issue_enrolment_code`, or `reset_two_factor`), one a person at a
    time (a new one replaces the last), single use and time-limited. Only a keyed hash of the code is kept
    (`digest`, blank when no code is outstanding). Wrong and expired codes are counted here
    (`throttling_failure_count`) and lock the set-up step like wrong authenticator codes do.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolment_code")
    digest = models.CharField(max_length=64, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Enrolment code of user {self.user_id}"

    def get_throttle_factor(self) -> int:
        return 0  # no back-off: HOMEWARD_2FA_FAILURE_LIMIT locks instead (as for the authenticator)
