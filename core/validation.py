"""Small checks shared by the actions, each adding a field-named message to an error dict."""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone


def latest_allowed_time() -> datetime:
    return timezone.now() + timedelta(minutes=settings.HOMEWARD_FUTURE_TOLERANCE_MINUTES)


def check_not_future(errors: dict[str, list[str]], field: str, value: datetime | None, label: str) -> None:
    if value is not None and value > latest_allowed_time():
        errors.setdefault(field, []).append(f"{label} must be now or in the past")


def check_required(errors: dict[str, list[str]], field: str, value: object, label: str) -> None:
    if value is None or (isinstance(value, str) and not value.strip()):
        errors.setdefault(field, []).append(f"Enter {label}")


def check_choice(errors: dict[str, list[str]], field: str, value: str, choices, label: str) -> None:
    if value not in choices.values:
        errors.setdefault(field, []).append(f"{label}: {value!r} is not a known code")
