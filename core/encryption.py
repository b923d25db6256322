"""Encryption at rest for sensitive free text: what a child says in an interview, and the like.

Values are Fernet tokens (AES-128-CBC with HMAC-SHA256) under a list of keys: the first encrypts, all
decrypt, so a new key can be put in front and `manage.py rotate_keys` re-encrypts every value with it
before the old key is retired. Keys come from HOMEWARD_ENCRYPTION_KEYS (comma-separated) or a file
named by HOMEWARD_ENCRYPTION_KEYS_FILE (one key a line).
"""

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "enc1:"


@lru_cache(maxsize=4)
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "HOMEWARD_ENCRYPTION_KEYS must hold Fernet keys (32 url-safe base64 bytes each); "
            "make one with: python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
        ) from exc


def _fernet() -> MultiFernet:
    keys = tuple(settings.HOMEWARD_ENCRYPTION_KEYS)
    if not keys:
        raise ImproperlyConfigured("HOMEWARD_ENCRYPTION_KEYS is empty: sensitive text cannot be stored")
    return _fernet_for(keys)


def encrypt(text: str) -> str:
    return PREFIX + _fernet().encrypt(text.encode()).decode()


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        return stored  # written before encryption was switched on; rotate_keys encrypts it
    try:
        return _fernet().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "A stored value cannot be decrypted with any key in HOMEWARD_ENCRYPTION_KEYS: was a key removed "
            "before rotate_keys ran?"
        ) from exc


def is_encrypted_with_primary_key(stored: str) -> bool:
    if not stored or not stored.startswith(PREFIX):
        return not stored
    primary = Fernet(settings.HOMEWARD_ENCRYPTION_KEYS[0].encode())
    try:
        primary.decrypt(stored[len(PREFIX) :].encode())
    except InvalidToken:
        return False
    return True


class EncryptedTextField(models.TextField):
    """A TextField stored encrypted. It cannot be searched or filtered on by content, by design.

    Marking a field this way also marks it sensitive: the audit trail records that it changed, never
    its words, and other layers can ask `is_sensitive(field)`.
    """

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def to_python(self, value):
        if isinstance(value, str) and value.startswith(PREFIX):
            return decrypt(value)
        return super().to_python(value)


def encrypted_fields(model: type[models.Model]) -> list[str]:
    # Forward fields only (an encrypted field is always one), so this works while the models are still loading.
    return [f.name for f in model._meta.fields if isinstance(f, EncryptedTextField)]
