"""Small helpers the page views share."""

from typing import Any

from django.db import models
from django.urls import reverse

from access.audit import record_event
from access.models import AuditEvent, User


def crumb(text: str, viewname: str, *args: Any) -> dict[str, str]:
    return {"text": text, "href": reverse(viewname, args=args)}


def record_page_viewed(user: User, obj: models.Model, *, child_id: int, summary: str) -> None:
    """Audit a read of a case record's page (rule 4): who saw which record, never what it said."""
    record_event(actor=user, action=AuditEvent.Action.VIEW, obj=obj, child_id=child_id, summary=summary)
