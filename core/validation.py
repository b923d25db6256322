"""Small checks shared by the actions, each adding a field-named message to an error dict."""

import re
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

# An Ofsted unique reference number: six or seven digits, or SC and six digits (social care settings: children's
# homes). Used by the child's placement (children) and the SSDA903 episodes of care (returns).
URN_PATTERN = re.compile(r"^(?:\d{6,7}|SC\d{6})$")


def is_urn(value: str) -> bool:
    return bool(URN_PATTERN.fullmatch(value or ""))


def validate_urn(value: str) -> None:
    if value and not is_urn(value):
        raise ValidationError("Enter an Ofsted URN: six or seven digits, or SC and six digits", code="invalid_urn")


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
