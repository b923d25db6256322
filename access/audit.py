"""The tamper-evident audit trail: every event is chained to the one before it by a SHA-256 hash.

Events are written inside the caller's transaction, so a change and its audit row commit or roll back
together, and nothing is lost if the process dies after answering. Writing an event takes no lock:
the chain (sequence, previous_hash, hash) is filled in by `seal_pending_events`, which runs in its own
short transaction just after the writer's transaction commits (and, as a safety net, from the scheduler
and `verify_audit`). Sealers are serialised by an advisory lock on PostgreSQL (SQLite's IMMEDIATE
transactions serialise writers already) and hold it for milliseconds, never for a request, so readers
and writers of different records do not queue behind each other (docs/adr/0012-audit-chain-sealed-at-commit.md).
The database refuses UPDATE and DELETE on events, except the single sealing of an unsealed event's
chain columns with every other column unchanged.
"""

import contextvars
import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone

from access.models import AuditEvent, User
from core.concurrency import diff as diff  # an event's changes: actions import it from here with record_event
from core.encryption import encrypted_fields

GENESIS_HASH = "0" * 64
SENSITIVE_MARK = "[sensitive]"
_CHAIN_LOCK_KEY = 0x486F6D65  # "Home": any constant shared by every sealer

logger = logging.getLogger(__name__)


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
    (e.g. "episode-list" for a list read). The event is sealed into the chain once that transaction
    commits; until then its chain columns are empty.
    """
    context = _current_context.get()
    event = AuditEvent(
        occurred_at=timezone.now(),
        actor=actor,
        actor_username=actor.get_username() if actor else "",
        actor_agency=str(actor.agency) if actor and actor.agency_id else "",
        action=action,
        object_type=obj._meta.model_name if obj is not None else object_type,
        object_id=str(obj.pk) if obj is not None else "",
        child_id=child_id,
        summary=_without_nul(summary)[:300],
        changes=json.loads(
            json.dumps(mask_sensitive(changes or {}, type(obj) if obj is not None else None), default=str)
        ),
        channel=context.channel,
        ip_address=context.ip_address,
        path=_without_nul(context.path)[:300],
    )
    event.save()
    _seal_after_commit()
    return event


def _without_nul(text: str) -> str:
    """A NUL (from a tampered URL) written escaped: PostgreSQL cannot store one, and the trail must still be written."""
    return text.replace("\x00", "\\x00")


def _seal_after_commit() -> None:
    """Seal this transaction's events once it commits: once per transaction, however many it wrote."""
    if connection.in_atomic_block and any(entry[1] is _seal_quietly for entry in connection.run_on_commit):
        return
    transaction.on_commit(_seal_quietly)


def _seal_quietly() -> None:
    """Sealing after commit never fails the request whose change has already committed: the scheduler's
    sweep (and `verify_audit`) seal whatever is left, and /ops/ready reports events waiting too long."""
    try:
        seal_pending_events()
    except DatabaseError:
        logger.warning("Audit events left unsealed for the next sweep", exc_info=True)


def seal_pending_events(batch_size: int = 2000) -> int:
    """Chain every event not yet sealed, in the order they were written; return how many were sealed.

    Each batch is one short transaction under the chain lock. Safe to call at any time, from any
    process, any number of times: an event is sealed once (the database refuses a second sealing).
    Call it outside a long transaction: the lock is held until the transaction around it ends.
    """
    sealed = 0
    while True:
        with transaction.atomic():
            _lock_chain()
            head = AuditEvent.objects.filter(sequence__isnull=False).order_by("-sequence")
            last = head.values_list("sequence", "hash").first()
            sequence, previous = (last[0] or 0, last[1] or GENESIS_HASH) if last else (0, GENESIS_HASH)
            pending = list(AuditEvent.objects.filter(sequence__isnull=True).order_by("id")[:batch_size])
            for event in pending:
                sequence += 1
                event.sequence, event.previous_hash = sequence, previous
                event.hash = previous = chain_hash(previous, event_payload(event))
            AuditEvent.objects.bulk_update(pending, ["sequence", "previous_hash", "hash"], batch_size=500)
        sealed += len(pending)
        if len(pending) < batch_size:
            return sealed


def unsealed_events(older_than_seconds: int = 0) -> int:
    """How many events wait to be sealed (older than the given age): a backlog means sealing is failing."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return AuditEvent.objects.filter(sequence__isnull=True, occurred_at__lte=cutoff).count()


def first_broken_event(*, seal: bool = True) -> tuple[AuditEvent, str] | None:
    """Walk the whole chain; return the first event whose hash or link does not hold, with why.

    Events still waiting to be sealed are sealed first (seal=False checks only what is sealed already).
    """
    if seal:
        seal_pending_events()
    previous = GENESIS_HASH
    expected_sequence = 1
    for event in AuditEvent.objects.filter(sequence__isnull=False).order_by("sequence").iterator(chunk_size=2000):
        if event.previous_hash != previous or event.sequence != expected_sequence:
            return event, "its previous_hash does not match the event before it (an event was removed or reordered)"
        if event.hash != chain_hash(previous, event_payload(event)):
            return event, "its contents do not match its hash (the event was altered)"
        previous = event.hash
        expected_sequence += 1
    return None


def record_page_viewed(user: User, obj: models.Model, *, child_id: int | None, summary: str) -> None:
    """Audit a read of a case record's page (rule 4): who saw which record, never what it said."""
    record_event(actor=user, action=AuditEvent.Action.VIEW, obj=obj, child_id=child_id, summary=summary)
