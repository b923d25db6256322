"""The one import of police notifications (the push endpoint, `import_police_notifications` and the upload page's
job all call `import_notifications`) and the match queue's decisions. Children and episodes are written only
through their own actions (`report_missing`, `change_risk_grade`, `record_return`, `update_episode_details`,
`add_child_for_police_report`)."""

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from access.audit import record_event
from access.models import Agency, AgencyKind, AuditEvent, User
from children import changes
from children.actions import add_child_for_police_report, update_child
from children.codes import LivingArrangement, Sex
from children.hooks import repoint
from children.models import Child
from core.concurrency import versioned_update
from core.errors import ConflictError, Errors
from episodes.actions import change_risk_grade, record_return, report_missing, update_episode_details
from episodes.models import MissingEpisode
from intake.matching import ExactLookups, match_child
from intake.models import ImportBatch, Kind, Notification, PoliceCase, ProvisionalChild, Source, Status
from intake.parsing import FIELDS, MAX_ROW_ERRORS_KEPT, ParsedNotification, Row, check_row

# Outcomes counted besides the statuses: the same notification again changes nothing.
DUPLICATE = "duplicate"
Progress = Callable[[int], None]


@dataclass
class ImportResult:
    rows: int = 0
    error_rows: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (row, field, message), the first ones
    counts: Counter = field(default_factory=Counter)
    written: bool = False

    @property
    def valid_rows(self) -> int:
        return self.rows - self.error_rows

    def error_lines(self) -> list[str]:
        return [f"row {row}: {name} {message}" for row, name, message in self.errors]


def _check(row: Row, force: Agency) -> ParsedNotification | list[tuple[str, str]]:
    _, values, unreadable = row
    if values is None:
        return [("row", unreadable)]
    checked = check_row(values)
    if isinstance(checked, ParsedNotification) and checked.force_code != force.code:
        return [("force_code", f"is {checked.force_code}, not this import's force ({force.code})")]
    return checked


def check_rows(rows: Iterator[Row], *, force: Agency, progress: Progress | None = None) -> ImportResult:
    """Check every row and write nothing: the counts and the first errors (row, field, message)."""
    result = ImportResult()
    for row in rows:
        result.rows += 1
        checked = _check(row, force)
        if not isinstance(checked, ParsedNotification):
            result.error_rows += 1
            for name, message in checked:
                if len(result.errors) < MAX_ROW_ERRORS_KEPT:
                    result.errors.append((row[0], name, message))
        if progress is not None and result.rows % 500 == 0:
            progress(result.rows)
    if progress is not None:
        progress(result.rows)
    return result


def import_notifications(
    open_rows: Callable[[], Iterator[Row]],
    *,
    acting_user: User,
    force: Agency,
    source: str,
    batch: ImportBatch | None = None,
    import_valid_rows: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
    checked: ImportResult | None = None,
) -> ImportResult:
    """Check every row (first pass), then, if every row is valid or the user chose to import the valid rows and
    quarantine the rest, apply them in ONE transaction (second pass): a failure part way leaves the database as
    it was. `open_rows` opens the rows afresh for each pass, so the file is streamed and never held in memory."""
    result = checked if checked is not None else check_rows(open_rows(), force=force)
    if dry_run or (result.error_rows and not import_valid_rows):
        return result
    done = 0
    # One transaction; the roll-ups are refreshed once per chunk of rows for the children the chunk changed
    # (children.changes.deferred), not once per row.
    with transaction.atomic(), changes.deferred() as changed_children:
        for rows in _chunks(open_rows(), CHUNK_ROWS):
            checked_rows = [(row, _check(row, force)) for row in rows]
            chunk = _Chunk.load(force, [parsed for _, parsed in checked_rows if isinstance(parsed, ParsedNotification)])
            for row, parsed in checked_rows:
                if isinstance(parsed, ParsedNotification):
                    outcome = apply_notification(
                        parsed, acting_user=acting_user, force=force, batch=batch, row_number=row[0], chunk=chunk
                    )
                else:
                    _quarantine(row, parsed, acting_user=acting_user, force=force, batch=batch)
                    outcome = Status.QUARANTINED
                result.counts[outcome] += 1
                done += 1
                if progress is not None and done % 500 == 0:
                    progress(done)
            changed_children.flush()
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.CREATE,
            obj=batch if batch is not None else force,
            summary=f"Police notifications imported ({Source(source).label}): "
            + ", ".join(f"{count} {name}" for name, count in sorted(result.counts.items())),
        )
        result.written = True
    if progress is not None:
        progress(result.rows)
    return result


CHUNK_ROWS = 500


def _chunks(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    """The rows a chunk at a time (the file is still streamed: one chunk in memory)."""
    chunk: list[Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@dataclass
class _Chunk:
    """What the rows of one chunk need from the database, asked once for the chunk rather than once a row: the
    digests already received, the police cases of its references (created where new, and locked), which of those
    have notifications waiting for their missing one, and the children its exact identifiers name. Kept up to date
    as the chunk's rows are applied, so each row sees what the rows before it wrote."""

    digests: set[str]
    cases: dict[str, PoliceCase]
    waiting_cases: set[int]
    lookups: ExactLookups
    # Children the exact identifiers name who had no open episode when the chunk was loaded; one reported missing
    # by a row leaves the set (a child not in it is simply asked about).
    no_open_episode: set[int]

    @classmethod
    def load(cls, force: Agency, notifications: list[ParsedNotification]) -> "_Chunk":
        references = sorted({parsed.police_reference for parsed in notifications})
        digests = {parsed.digest() for parsed in notifications}
        received = set(
            Notification.objects.filter(police_force=force, digest__in=digests).values_list("digest", flat=True)
        )
        PoliceCase.objects.bulk_create(
            [PoliceCase(police_force=force, police_reference=reference) for reference in references],
            ignore_conflicts=True,  # a case another import made meanwhile is simply used
        )
        cases = {
            case.police_reference: case
            for case in PoliceCase.objects.select_for_update()
            .filter(police_force=force, police_reference__in=references)
            .order_by("pk")
        }
        for case in cases.values():
            case.police_force = force
        waiting = set(
            Notification.objects.filter(
                case__in=[case.pk for case in cases.values()], status=Status.WAITING
            ).values_list("case_id", flat=True)
        )
        lookups = ExactLookups.for_notifications(notifications)
        named = set(lookups.by_pk)
        if named:
            named -= set(MissingEpisode.objects.open().filter(child__in=named).values_list("child_id", flat=True))
        return cls(received, cases, waiting, lookups, named)


def _quarantine(row: Row, errors: list[tuple[str, str]], *, acting_user: User, force: Agency, batch) -> None:
    number, values, _ = row
    data = {str(k)[:40]: v for k, v in (values or {}).items() if isinstance(v, str) and str(k) in FIELDS}
    Notification.objects.create(
        police_force=force,
        police_reference=str(data.get("police_reference", ""))[:40].upper(),
        kind=data.get("kind", "") if data.get("kind") in Kind.values else "",
        digest="",
        data=json.dumps(data),
        status=Status.QUARANTINED,
        errors=[list(error) for error in errors],
        row_number=number,
        batch=batch,
        received_by=acting_user,
    )


def parsed_from_data(data: dict[str, Any]) -> ParsedNotification:
    """A stored notification's fields back as a ParsedNotification (they passed the checks when they arrived)."""
    values: dict[str, Any] = dict(data)
    for name in ("event_at", "last_seen_at", "reported_at", "returned_at"):
        if values.get(name):
            values[name] = datetime.fromisoformat(values[name])
    if values.get("date_of_birth"):
        values["date_of_birth"] = date.fromisoformat(values["date_of_birth"])
    return ParsedNotification(**values)


def apply_notification(
    parsed: ParsedNotification,
    *,
    acting_user: User,
    force: Agency,
    batch: ImportBatch | None = None,
    row_number: int | None = None,
    chunk: _Chunk | None = None,
) -> str:
    """Record one checked notification and apply it: returns its status, or DUPLICATE for one already received.

    Inside the import's transaction it takes no savepoint of its own: a row either applies or the whole import
    rolls back (the rows were all checked first). The actions it calls keep their own savepoints, so an action
    that refuses (a ValidationError) leaves nothing behind and the row is recorded with the reason."""
    digest = parsed.digest()
    with transaction.atomic(savepoint=False):
        if chunk is not None:
            if digest in chunk.digests:
                return DUPLICATE
            case = chunk.cases[parsed.police_reference]
        else:
            if Notification.objects.filter(police_force=force, digest=digest).exists():
                return DUPLICATE
            PoliceCase.objects.get_or_create(police_force=force, police_reference=parsed.police_reference)
            case = PoliceCase.objects.select_for_update().get(
                police_force=force, police_reference=parsed.police_reference
            )
            case.police_force = force
        notification = Notification(  # saved once its outcome is known (_finish)
            police_force=force,
            police_reference=parsed.police_reference,
            kind=parsed.kind,
            event_at=parsed.event_at,
            nhs_number=parsed.nhs_number,
            digest=digest,
            data=json.dumps(parsed.as_json()),
            status=Status.WAITING,
            row_number=row_number,
            batch=batch,
            case=case,
            received_by=acting_user,
        )
        if chunk is not None:
            chunk.digests.add(digest)
        if case.facts_as_of is not None and parsed.event_at < case.facts_as_of:
            return _finish(
                notification,
                Status.SUPERSEDED,
                f"Older than what is already known ({case.facts_as_of:%d/%m/%Y %H:%M}): recorded, not applied",
            )
        if parsed.kind == Kind.MISSING:
            if case.episode_id is not None:
                return _finish(notification, Status.SUPERSEDED, "This police reference was already reported missing")
            match = match_child(parsed, chunk.lookups if chunk is not None else None)
            notification.match_reason = match.reason[:300]
            if match.child is None:
                status = _finish(notification, Status.QUEUED, match.reason)
                notification.proposed_children.set(match.proposals)
                return status
            return _apply_missing(notification, case, parsed, match.child, acting_user=acting_user, chunk=chunk)
        if case.episode_id is None:
            if chunk is not None:
                chunk.waiting_cases.add(case.pk)
            return _finish(notification, Status.WAITING, "Waiting for the missing notification of this reference")
        return _apply_to_episode(notification, case, parsed, acting_user=acting_user)


def _finish(notification: Notification, status: str, outcome: str) -> str:
    """Record the notification's outcome: written once, with it, for a new notification."""
    notification.status = status
    notification.outcome = outcome[:300]
    if notification.pk is None:
        notification.save()
    else:
        notification.save(update_fields=["status", "outcome", "match_reason", "child"])
    return status


def _messages(error: ValidationError) -> str:
    return "; ".join(message for messages in error.message_dict.values() for message in messages)


def _apply_missing(
    notification: Notification,
    case: PoliceCase,
    parsed: ParsedNotification,
    child: Child,
    *,
    acting_user: User,
    chunk: _Chunk | None = None,
) -> str:
    """Open the episode for the child (or take the council's open one), then apply the notifications that were
    waiting for it, in the order of their event times. Each branch calls one action, whose own savepoint undoes it
    if it refuses. In an import, `chunk` says what is already known: no open episode, no notification waiting."""
    notification.child = child
    force = case.police_force
    try:
        if chunk is not None and child.pk in chunk.no_open_episode:
            open_episode = None
        else:
            open_episode = MissingEpisode.objects.open().filter(child=child).first()
        if open_episode is not None and open_episode.police_force_id == force.pk:
            episode = open_episode
            if episode.police_reference != parsed.police_reference:
                episode = update_episode_details(
                    episode,
                    expected_version=episode.version,
                    acting_user=acting_user,
                    police_reference=parsed.police_reference,
                )
            outcome = "Added to the episode already open for the child"
        else:
            assert parsed.last_seen_at is not None  # required for a missing notification
            episode = report_missing(
                acting_user=acting_user,
                child=child,
                episode_type=parsed.episode_type,
                missing_from=parsed.missing_from,
                last_seen_at=parsed.last_seen_at,
                last_seen_place=parsed.last_seen_place,
                reported_at=parsed.reported_at or parsed.event_at,
                reported_by=parsed.reported_by,
                police_force=force,
                risk_grade=parsed.risk_grade,
                police_reference=parsed.police_reference,
                circumstances=parsed.circumstances,
            )
            outcome = "Reported missing"
    except ValidationError as error:
        notification.child = None
        status = _finish(notification, Status.QUEUED, f"Could not apply: {_messages(error)}")
        notification.proposed_children.set([child])
        return status
    case.episode = episode
    case.facts_as_of = parsed.event_at
    case.save(update_fields=["episode", "facts_as_of"])
    status = _finish(notification, Status.APPLIED, outcome)
    if chunk is not None:
        chunk.no_open_episode.discard(child.pk)
    if chunk is None or case.pk in chunk.waiting_cases:
        for waiting in case.notifications.filter(status=Status.WAITING).order_by("event_at", "pk"):
            later = parsed_from_data(json.loads(waiting.data))
            _apply_to_episode(waiting, case, later, acting_user=acting_user)
        if chunk is not None:
            chunk.waiting_cases.discard(case.pk)
    return status


def _apply_to_episode(
    notification: Notification, case: PoliceCase, parsed: ParsedNotification, *, acting_user: User
) -> str:
    """An update or found notification for a case whose episode exists."""
    assert case.episode_id is not None  # the callers check
    if case.facts_as_of is not None and parsed.event_at < case.facts_as_of:
        return _finish(notification, Status.SUPERSEDED, "Older than what is already known: recorded, not applied")
    episode = MissingEpisode.objects.get(pk=case.episode_id)
    notification.child_id = episode.child_id
    done: list[str] = []
    try:
        with transaction.atomic():
            if parsed.risk_grade and episode.is_open and parsed.risk_grade != episode.risk_grade:
                episode = change_risk_grade(
                    episode,
                    grade=parsed.risk_grade,
                    reason=f"Police update {parsed.police_reference} at {parsed.event_at:%d/%m/%Y %H:%M}",
                    expected_version=episode.version,
                    acting_user=acting_user,
                )
                done.append("risk grade changed")
            if parsed.kind == Kind.FOUND:
                if episode.is_open:
                    assert parsed.returned_at is not None  # required for a found notification
                    record_return(
                        episode,
                        returned_at=parsed.returned_at,
                        found_place=parsed.found_place,
                        found_by=parsed.found_by,
                        expected_version=episode.version,
                        acting_user=acting_user,
                        found_with=parsed.found_with,
                        harm_on_return=parsed.harm_on_return,
                    )
                    done.append("return recorded")
                else:
                    done.append("the return was already recorded")
            if parsed.sighting:
                done.append("sighting recorded")
    except ValidationError as error:
        return _finish(notification, Status.SUPERSEDED, f"Recorded, not applied: {_messages(error)}")
    case.facts_as_of = max(parsed.event_at, case.facts_as_of or parsed.event_at)
    case.save(update_fields=["facts_as_of"])
    return _finish(notification, Status.APPLIED, "; ".join(done).capitalize() or "Nothing new")


# --- the match queue ------------------------------------------------------------------------------------------


def _queued(notification: Notification, expected_version: int) -> Notification:
    edit = versioned_update(Notification, notification.pk, expected_version)
    current = edit.record
    if current.status != Status.QUEUED:
        raise ConflictError("This notification has already been dealt with. Reload the match queue.")
    current.resolved_at = timezone.now()
    edit.save(update_fields=["version", "resolved_at"])
    return current


def confirm_child(notification: Notification, *, child: Child, expected_version: int, acting_user: User) -> str:
    """A person says which child a queued notification is about: the episode is reported (or joined) and the
    notifications waiting for it are applied. Returns the notification's new status."""
    with transaction.atomic():
        current = _queued(notification, expected_version)
        current.resolved_by = acting_user
        current.save(update_fields=["resolved_by"])
        assert current.case is not None  # a queued notification always has its case
        case = PoliceCase.objects.select_for_update().get(pk=current.case.pk)
        if case.episode_id is not None:
            raise ValidationError({"child": "This police reference has been matched to a child already"})
        parsed = parsed_from_data(json.loads(current.data))
        status = _apply_missing(current, case, parsed, child, acting_user=acting_user)
        if status != Status.APPLIED:
            raise ValidationError({"child": current.outcome})
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE,
            obj=current,
            child_id=child.pk,
            summary="Police notification matched to a child",
            changes={"status": [Status.QUEUED, status]},
        )
    return status


def create_provisional_child(
    notification: Notification,
    *,
    responsible_council: Agency,
    living_arrangement: str,
    expected_version: int,
    acting_user: User,
) -> Child:
    """Create the child's record from the notification, for the responsible council to confirm, and match it."""
    parsed = parsed_from_data(json.loads(notification.data))
    if responsible_council.kind != AgencyKind.COUNCIL:
        raise ValidationError({"responsible_council": "Choose a council"})
    missing = [
        label
        for label, value in (
            ("first name", parsed.first_name),
            ("last name", parsed.last_name),
            ("date of birth", parsed.date_of_birth),
        )
        if not value
    ]
    if missing:
        raise ValidationError({"child": f"The notification does not give the child's {', '.join(missing)}"})
    with transaction.atomic():
        child = add_child_for_police_report(
            acting_user=acting_user,
            la_child_id=provisional_child_id(notification.police_force, notification.police_reference),
            upn=parsed.upn if parsed.upn and not parsed.upn.startswith("UN") else "",
            first_name=parsed.first_name,
            last_name=parsed.last_name,
            date_of_birth=parsed.date_of_birth,
            sex=parsed.sex or Sex.UNKNOWN,
            responsible_council=responsible_council,
            placement_council=responsible_council,  # where the child lives: the council corrects it on confirming
            living_arrangement=living_arrangement or LivingArrangement.OTHER,
            placement_postcode=parsed.postcode,
        )
        ProvisionalChild.objects.create(child=child, notification=notification, created_by=acting_user)
        confirm_child(notification, child=child, expected_version=expected_version, acting_user=acting_user)
    return child


PROVISIONAL_ID_PREFIX = "P"
MAX_CHILD_ID = 30


def provisional_child_id(force: Agency, police_reference: str) -> str:
    """The placeholder council child ID a provisional record gets until the council gives its own."""
    return f"{PROVISIONAL_ID_PREFIX}{force.code}-{police_reference}"[:30]


def confirm_provisional_child(
    provisional: ProvisionalChild,
    *,
    la_child_id: str,
    living_arrangement: str,
    placement_council: Agency,
    expected_version: int,
    acting_user: User,
) -> ProvisionalChild:
    """The responsible council's coordinator confirms a record made from a police report is a child of theirs,
    correcting what the police could not know: the council's own child ID, where the child lives and the council
    whose area that is. The child's record is changed at the version the coordinator read (`expected_version`, the
    child's): a colleague who confirmed or changed it since gets a ConflictError, never a silent overwrite."""
    la_child_id = (la_child_id or "").strip()
    errors = Errors()
    if not la_child_id:
        errors.add("la_child_id", "Enter the council's child ID")
    elif len(la_child_id) > MAX_CHILD_ID:
        errors.add("la_child_id", f"The child ID must be {MAX_CHILD_ID} characters or fewer")
    if living_arrangement not in LivingArrangement.values:
        errors.add("living_arrangement", "Choose where the child lives")
    if placement_council is None or placement_council.kind != AgencyKind.COUNCIL:
        errors.add("placement_council", "Choose the council whose area the child lives in")
    errors.raise_if_any()
    with transaction.atomic():
        current = (
            ProvisionalChild.objects.select_for_update(of=("self",))
            .select_related("child", "notification__police_force")
            .get(pk=provisional.pk)
        )
        if current.confirmed_at is not None:
            raise ConflictError("This record has already been confirmed. Nothing was saved.")
        child = current.child
        notification = current.notification
        if la_child_id == provisional_child_id(notification.police_force, notification.police_reference):
            raise ValidationError({"la_child_id": "Enter the council's own child ID, not the provisional one"})
        taken = (
            Child.objects.filter(responsible_council_id=child.responsible_council_id, la_child_id=la_child_id)
            .exclude(pk=child.pk)
            .exists()
        )
        if taken:
            raise ValidationError(
                {
                    "la_child_id": "Another of your council's children has this child ID: if it is the same child, "
                    "merge this record into theirs"
                }
            )
        update_child(
            child,
            expected_version=expected_version,
            acting_user=acting_user,
            la_child_id=la_child_id,
            living_arrangement=living_arrangement,
            placement_council_id=placement_council.pk,
        )
        current.confirmed_by, current.confirmed_at = acting_user, timezone.now()
        current.save(update_fields=["confirmed_by", "confirmed_at"])
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE,
            obj=current,
            child_id=current.child_id,
            summary="Provisional record from a police report confirmed by the council",
            changes={"confirmed": [False, True]},
        )
    return current


def move_merged_child(merged_id: int, survivor_id: int, acting_user: User) -> dict[str, int]:
    """children.merge_children's mover for police notifications: the notifications matched to (or proposing) the
    duplicate record now name the surviving one; a provisional record made from a police report that turns out to be
    a known child is confirmed by the merge (it stays, marked merged, pointing at the record it was)."""
    matched = repoint("intake.Notification.child", merged_id, survivor_id)
    proposals = Notification.proposed_children.through.objects
    already = proposals.filter(child_id=survivor_id).values("notification_id")
    proposals.filter(child_id=merged_id, notification_id__in=already).delete()
    proposed = proposals.filter(child_id=merged_id).update(child_id=survivor_id)
    confirmed = ProvisionalChild.objects.filter(child_id=merged_id, confirmed_at__isnull=True).update(
        confirmed_by=acting_user, confirmed_at=timezone.now()
    )
    return {
        "police notifications": matched,
        "police notifications proposing the child": proposed,
        "provisional records confirmed": confirmed,
    }
