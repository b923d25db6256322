"""The `--agency KIND:CODE` argument the administration commands share (agency codes are unique per kind)."""

from django.core.management.base import CommandError

from access.models import Agency, AgencyKind


def agency_from(text: str | None) -> Agency | None:
    if not text:
        return None
    kind, _, code = text.partition(":")
    if kind not in AgencyKind.values or not code:
        raise CommandError(
            f"--agency {text!r}: give KIND:CODE, such as council:211 (kinds: {', '.join(AgencyKind.values)})"
        )
    agency = Agency.objects.filter(kind=kind, code=code).first()
    if agency is None:
        raise CommandError(f"No {kind} has the code {code}.")
    return agency


def describe(error) -> str:
    """A ValidationError as one line: "field: why; field: why"."""
    if hasattr(error, "error_dict"):
        return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
    return " ".join(error.messages)
