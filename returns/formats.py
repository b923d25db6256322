"""Formats the return's free-form codes must follow: UK postcodes and Ofsted URNs.

These check the *format* only: a postcode that looks right may still not exist (the DfE's own
checks use a postcode list, which Homeward does not hold).
"""

import re

from django.core.exceptions import ValidationError

# The Ofsted URN format is shared with the child's placement (children), so it lives in core; re-exported here.
from core.validation import URN_PATTERN as URN_PATTERN
from core.validation import is_urn as is_urn
from core.validation import validate_urn as validate_urn

# The UK postcode format (outward code, a space, inward code), including the special GIR 0AA.
_OUTWARD = r"[A-PR-UWYZ](?:\d{1,2}|[A-HK-Y]\d{1,2}|\d[A-HJKPSTUW]|[A-HK-Y]\d[ABEHMNPRVWXY])"
_INWARD = r"\d[ABD-HJLNP-UW-Z]{2}"
POSTCODE_PATTERN = re.compile(rf"^(?:GIR 0AA|{_OUTWARD} {_INWARD})$")


def normalise_postcode(value: str) -> str:
    """Upper case, one space before the inward code: " sw1a1aa " -> "SW1A 1AA"."""
    compact = re.sub(r"\s+", "", value or "").upper()
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


def is_postcode(value: str) -> bool:
    return bool(POSTCODE_PATTERN.fullmatch(value or ""))


def validate_postcode(value: str) -> None:
    if value and not is_postcode(value):
        raise ValidationError("Enter a UK postcode, such as SW1A 1AA", code="invalid_postcode")
