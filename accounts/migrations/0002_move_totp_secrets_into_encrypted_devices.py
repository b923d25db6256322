"""Move every django-otp TOTPDevice into accounts.AuthenticatorDevice, whose secret is encrypted at rest, and
delete the clear copies.

Each device keeps its secret, confirmation, replay guard (last_t), drift and failure count, so nobody has to set
up their authenticator app again; a session verified with an old device is asked for a code once more.
"""

from django.db import migrations

COPIED = (
    "name",
    "confirmed",
    "throttling_failure_timestamp",
    "throttling_failure_count",
    "last_used_at",
    "key",
    "step",
    "t0",
    "digits",
    "tolerance",
    "drift",
    "last_t",
)


def _move(source, target) -> None:
    for old in source.objects.order_by("pk"):
        new = target.objects.create(user_id=old.user_id, **{field: getattr(old, field) for field in COPIED})
        # created_at is auto_now_add: restore the original date after the insert.
        target.objects.filter(pk=new.pk).update(created_at=old.created_at)
    source.objects.all().delete()


def encrypt_devices(apps, schema_editor) -> None:
    # The historical AuthenticatorDevice's key is an EncryptedTextField: saving encrypts with the primary key.
    _move(apps.get_model("otp_totp", "TOTPDevice"), apps.get_model("accounts", "AuthenticatorDevice"))


def decrypt_devices(apps, schema_editor) -> None:
    _move(apps.get_model("accounts", "AuthenticatorDevice"), apps.get_model("otp_totp", "TOTPDevice"))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(encrypt_devices, decrypt_devices)]
