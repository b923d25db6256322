"""Formats the return's free-form codes must follow: UK postcodes and Ofsted URNs.

These check the *format* only: a postcode that looks right may still not exist (the DfE's own
checks use a postcode list, which Homeward does not hold).
"""

import re

from django.core.exceptions import ValidationError

# The UK postcode format (outward code, a space, inward code), including the special GIR 0AA.
_OUTWARD = r"[A-PR-UWYZ](?:\d{1,2}|[A-HK-Y]\d{1,2}|\d[A-HJKPSTUW]|[A-HK-Y]\d[ABEHMNPRVWXY])"
_INWARD = r"\d[ABD-HJLNP-UW-Z]{2}"
POSTCODE_PATTERN = re.compile(rf"^(?:GIR 0AA|{_OUTWARD} {_INWARD})$")
# An Ofsted unique reference number: six or seven digits, or SC and six digits (social care settings).
URN_PATTERN = re.compile(r"^(?:\d{6,7}|SC\d{6})$")


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


def is_urn(value: str) -> bool:
    return bool(URN_PATTERN.fullmatch(value or ""))


def validate_urn(value: str) -> None:
    if value and not is_urn(value):
        raise ValidationError("Enter an Ofsted URN: six or seven digits, or SC and six digits", code="invalid_urn")
