"""Searching the audit trail and exporting it as CSV, for auditors (scoped by governance.scoping.audit_events_for).

The trail never holds sensitive free text (rule 4), and the pages and the CSV show only the *names* of
the fields a change touched, never their values: coded values are in the trail for `verify_audit`, but an
auditor's question is who did what to which record, when and from where.

CSV columns, in order (CSV_COLUMNS): event_id, occurred_at (ISO 8601, Europe/London with its UTC offset),
actor_username, actor_agency, action (code), action_label, object_type, object_id, child_id (Homeward's
record number), council_child_id, summary, changed_fields (field names separated by "; "), channel (web, api
or command), ip_address, path, event_hash (to match the row against `manage.py verify_audit`). A cell that
would start with =, +, -, @, a tab or a carriage return is prefixed with an apostrophe (core.spreadsheets), so a
spreadsheet shows it as text and never runs it as a formula (a failed sign-in's summary holds the username
someone typed).
"""

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from access.models import AuditEvent, User
from children.models import Child
from core.spreadsheets import safe_text
from governance.scoping import audit_events_for

CSV_COLUMNS = [
    "event_id",
    "occurred_at",
    "actor_username",
    "actor_agency",
    "action",
    "action_label",
    "object_type",
    "object_id",
    "child_id",
    "council_child_id",
    "summary",
    "changed_fields",
    "channel",
    "ip_address",
    "path",
    "event_hash",
]


@dataclass(frozen=True)
class AuditFilters:
    children: tuple[int, ...] | None = None  # None: any child (or none); () matches nothing
    username: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    action: str = ""

    def describe(self) -> str:
        """The filters in words for the audit-of-audit event (the child is recorded as its child_id instead)."""
        parts = []
        if self.children is not None:
            parts.append("one child")
        if self.username:
            parts.append(f"user {self.username}")
        if self.action:
            parts.append(f"action {AuditEvent.Action(self.action).label.lower()}")
        if self.date_from:
            parts.append(f"from {self.date_from:%d/%m/%Y}")
        if self.date_to:
            parts.append(f"to {self.date_to:%d/%m/%Y}")
        return ", ".join(parts) or "no filters"


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def search(user: User, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """The events the auditor may see that match the filters, newest first."""
    events = audit_events_for(user)
    if filters.children is not None:
        events = events.filter(child_id__in=filters.children)
    if filters.username:
        events = events.filter(actor_username__iexact=filters.username)
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.date_from:
        events = events.filter(occurred_at__gte=_start_of(filters.date_from))
    if filters.date_to:
        events = events.filter(occurred_at__lt=_start_of(filters.date_to + dt.timedelta(days=1)))
    return events.order_by("-occurred_at", "-id")


def changed_fields(event: AuditEvent) -> list[str]:
    return sorted(event.changes) if isinstance(event.changes, dict) else []


def council_child_ids(events: Iterable[AuditEvent]) -> dict[int | None, str]:  # keyed as event.child_id
    ids = {event.child_id for event in events if event.child_id}
    return dict(Child.objects.filter(pk__in=ids).values_list("pk", "la_child_id"))


@dataclass(frozen=True)
class EventRow:
    """One event as the pages show it."""

    event: AuditEvent
    council_child_id: str
    changed_fields: list[str]


def rows(events: list[AuditEvent]) -> list[EventRow]:
    ids = council_child_ids(events)
    return [EventRow(event, ids.get(event.child_id, ""), changed_fields(event)) for event in events]


def csv_rows(events: QuerySet[AuditEvent], chunk: int = 2000) -> Iterator[list[str]]:
    """The header, then one row per event (read in chunks, so a large export streams)."""
    yield CSV_COLUMNS
    batch: list[AuditEvent] = []
    for event in events.iterator(chunk_size=chunk):
        batch.append(event)
        if len(batch) >= chunk:
            yield from _csv_batch(batch)
            batch = []
    yield from _csv_batch(batch)


def _csv_batch(batch: list[AuditEvent]) -> Iterator[list[str]]:
    ids = council_child_ids(batch)
    labels = dict(AuditEvent.Action.choices)
    for event in batch:
        yield [
            safe_text(value)
            for value in (
                event.pk,
                timezone.localtime(event.occurred_at).isoformat(),
                event.actor_username,
                event.actor_agency,
                event.action,
                labels.get(event.action, event.action),
                event.object_type,
                event.object_id,
                event.child_id,
                ids.get(event.child_id, ""),
                event.summary,
                "; ".join(changed_fields(event)),
                event.channel,
                event.ip_address,
                event.path,
                event.hash,
            )
        ]


class _Echo:
    """A file-like object whose write returns the line, for csv.writer inside a streaming response."""

    def write(self, value: str) -> str:
        return value


def csv_lines(events: QuerySet[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    for row in csv_rows(events):
        yield writer.writerow(row)
