"""The tamper-evident audit trail: every event is chained to the one before it by a SHA-256 hash.

Events are written inside the caller's transaction, so a change and its audit row commit or roll back
together. Writers are serialised (an advisory lock on PostgreSQL; SQLite's IMMEDIATE transactions
already serialise writers) so the chain has exactly one order.
"""

import contextvars
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from access.models import AuditEvent, User
from core.concurrency import diff as diff  # an event's changes: actions import it from here with record_event
from core.encryption import encrypted_fields

GENESIS_HASH = "0" * 64
SENSITIVE_MARK = "[sensitive]"
_CHAIN_LOCK_KEY = 0x486F6D65  # "Home": any constant shared by every writer


@dataclass(frozen=True)
class AuditContext:
    channel: str = "command"
    ip_address: str | None = None
    path: str = ""


_COMMAND_CONTEXT = AuditContext()
_current_context: contextvars.ContextVar[AuditContext] = contextvars.ContextVar(
    "audit_context", default=_COMMAND_CONTEXT
)


def set_context(context: AuditContext) -> contextvars.Token:
    return _current_context.set(context)


def reset_context(token: contextvars.Token) -> None:
    _current_context.reset(token)


def event_payload(event: AuditEvent) -> str:
    """The canonical text an event's hash covers (everything but the hashes and the row id)."""
    return json.dumps(
        {
            "occurred_at": event.occurred_at.isoformat(),
            "actor": event.actor_id,
            "actor_username": event.actor_username,
            "actor_agency": event.actor_agency,
            "action": event.action,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "child_id": event.child_id,
            "summary": event.summary,
            "changes": event.changes,
            "channel": event.channel,
            "ip_address": event.ip_address,
            "path": event.path,
        },
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )


def chain_hash(previous_hash: str, payload: str) -> str:
    return hashlib.sha256(f"{previous_hash}\n{payload}".encode()).hexdigest()


def sensitive_fields(model: type) -> set[str]:
    """Fields whose values never enter the audit trail: encrypted text, and what a model lists in
    AUDIT_MASKED_FIELDS (names, places, free text). The trail is permanent (a hash chain cannot be
    edited), so it records that such a field changed, never its value, and retention can still
    anonymise the record itself."""
    return set(encrypted_fields(model)) | set(getattr(model, "AUDIT_MASKED_FIELDS", ()))


def mask_sensitive(changes: dict, model: type | None) -> dict:
    if model is None or not changes:
        return changes
    hidden = sensitive_fields(model)
    return {key: _mask(value) if key in hidden else value for key, value in changes.items()}


def _mask(value: object) -> object:
    """Hide a value but keep whether it was empty: [None, "x"] becomes [None, "[sensitive]"]."""
    if isinstance(value, list | tuple):
        return [_mask(item) for item in value]
    return value if value in (None, "") else SENSITIVE_MARK


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


def record_event(
    *,
    actor: User | None,
    action: str,
    obj: Any = None,
    object_type: str = "",
    child_id: int | None = None,
    summary: str = "",
    changes: dict | None = None,
) -> AuditEvent:
    """Append one audit event. Call it inside the transaction of the change it records.

    `obj` names the record; without one, `object_type` says what kind of thing was touched
    (e.g. "episode-list" for a list read).
    """
    context = _current_context.get()
    with transaction.atomic():
        _lock_chain()
        previous = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS_HASH
        event = AuditEvent(
            occurred_at=timezone.now(),
            actor=actor,
            actor_username=actor.get_username() if actor else "",
            actor_agency=str(actor.agency) if actor and actor.agency_id else "",
            action=action,
            object_type=obj._meta.model_name if obj is not None else object_type,
            object_id=str(obj.pk) if obj is not None else "",
            child_id=child_id,
            summary=summary[:300],
            changes=json.loads(
                json.dumps(mask_sensitive(changes or {}, type(obj) if obj is not None else None), default=str)
            ),
            channel=context.channel,
            ip_address=context.ip_address,
            path=context.path[:300],
            previous_hash=previous,
        )
        event.hash = chain_hash(previous, event_payload(event))
        event.save()
    return event


def first_broken_event() -> tuple[AuditEvent, str] | None:
    """Walk the whole chain; return the first event whose hash or link does not hold, with why."""
    previous = GENESIS_HASH
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.previous_hash != previous:
            return event, "its previous_hash does not match the event before it (an event was removed or reordered)"
        if event.hash != chain_hash(previous, event_payload(event)):
            return event, "its contents do not match its hash (the event was altered)"
        previous = event.hash
    return None


def record_page_viewed(user: User, obj: models.Model, *, child_id: int, summary: str) -> None:
    """Audit a read of a case record's page (rule 4): who saw which record, never what it said."""
    record_event(actor=user, action=AuditEvent.Action.VIEW, obj=obj, child_id=child_id, summary=summary)
