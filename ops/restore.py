"""What a restore must bring back, counted and checked (`restore_drill` and `restore_check`)."""

from django.apps import apps
from django.db import models

from core.encryption import encrypted_fields

# The records whose loss would matter most; every model with encrypted text is also sampled for decryption.
COUNTED = [
    "access.Agency",
    "access.User",
    "access.AuditEvent",
    "children.Child",
    "episodes.MissingEpisode",
    "interviews.ReturnInterview",
    "risk.Alert",
    "django_tasks_database.DBTaskResult",
]
SAMPLE_PER_MODEL = 200


def manifest() -> dict[str, int]:
    return {label: apps.get_model(label).objects.count() for label in COUNTED}


def models_with_encrypted_text() -> list[type[models.Model]]:
    return [model for model in apps.get_models() if encrypted_fields(model)]


def decrypt_sample() -> dict[str, int]:
    """Read every encrypted field of the latest records of each model that has one; return how many values were
    decrypted per model. A value the keys cannot open raises ImproperlyConfigured (core.encryption)."""
    decrypted: dict[str, int] = {}
    for model in models_with_encrypted_text():
        fields = encrypted_fields(model)
        count = 0
        for row in model._default_manager.order_by("-pk").values_list(*fields)[:SAMPLE_PER_MODEL]:
            count += sum(1 for value in row if value)
        decrypted[model._meta.label] = count
    return decrypted
