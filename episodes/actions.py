"""Every change to a missing episode. Each action is one transaction with its audit event inside it."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Min, Subquery
from django.utils import timezone

from access.audit import SENSITIVE_MARK, diff, record_event
from access.models import Agency, AgencyKind, AuditEvent, User
from children.changes import child_changed
from children.hooks import repoint
from children.models import Child
from children.scoping import children_for
from core.concurrency import snapshot, versioned_update
from core.errors import Errors
from core.validation import check_choice, check_not_future, check_required
from episodes.codes import EpisodeType, FoundBy, LogEntryKind, MissingFrom, RiskGrade
from episodes.models import EpisodeFoundWith, EpisodeLogEntry, MissingEpisode, RiskGradeChange
from episodes.signals import episode_reported, episode_returned

REPORT_FIELDS = [
    "episode_type",
    "missing_from",
    "last_seen_at",
    "last_seen_place",
    "reported_at",
    "reported_by",
    "police_force_id",
    "police_reference",
    "risk_grade",
    "circumstances",
]
DETAIL_FIELDS = [
    "episode_type",
    "missing_from",
    "last_seen_at",
    "last_seen_place",
    "reported_by",
    "police_reference",
    "circumstances",
]
RETURN_FIELDS = ["returned_at", "found_place", "found_by", "found_with", "harm_on_return", "prevention_interview_done"]


def _check_episode_fields(errors: Errors, child: Child, fields: dict) -> None:
    check_choice(errors, "episode_type", fields["episode_type"], EpisodeType, "Type")
    check_choice(errors, "missing_from", fields["missing_from"], MissingFrom, "Missing from")
    check_required(errors, "last_seen_at", fields["last_seen_at"], "when the child was last seen")
    check_required(errors, "last_seen_place", fields["last_seen_place"], "where the child was last seen")
    check_required(errors, "reported_by", fields["reported_by"], "who reported the child missing")
    last_seen = fields["last_seen_at"]
    check_not_future(errors, "last_seen_at", last_seen, "The time last seen")
    if last_seen and timezone.localdate(last_seen) < child.date_of_birth:
        errors.add("last_seen_at", "The time last seen is before the child's date of birth")


def _check_police_reference(errors: Errors, force: Agency, reference: str, exclude_pk: int | None = None) -> None:
    if not reference:
        return
    clash = MissingEpisode.objects.filter(police_force=force, police_reference=reference)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        errors.add(
            "police_reference", f"Police reference {reference} is already used for another episode in {force.name}"
        )


def report_missing(
    *,
    acting_user: User,
    child: Child,
    episode_type: str,
    missing_from: str,
    last_seen_at: datetime,
    last_seen_place: str,
    reported_at: datetime,
    reported_by: str,
    police_force: Agency,
    risk_grade: str,
    police_reference: str = "",
    circumstances: str = "",
) -> MissingEpisode:
    """Open a missing episode for a child who has no episode open."""
    fields: dict[str, Any] = {
        "episode_type": episode_type,
        "missing_from": missing_from,
        "last_seen_at": last_seen_at,
        "last_seen_place": (last_seen_place or "").strip(),
        "reported_at": reported_at,
        "reported_by": (reported_by or "").strip(),
        "police_reference": (police_reference or "").strip().upper(),
        "risk_grade": risk_grade,
        "circumstances": (circumstances or "").strip(),
    }
    errors = Errors()
    _check_episode_fields(errors, child, fields)
    check_choice(errors, "risk_grade", risk_grade, RiskGrade, "Risk grade")
    check_required(errors, "reported_at", reported_at, "when the child was reported missing")
    check_not_future(errors, "reported_at", reported_at, "The time reported")
    if reported_at and last_seen_at and reported_at < last_seen_at:
        errors.add("reported_at", "The time reported must be the same as or after the time last seen")
    if police_force is None or police_force.kind != AgencyKind.POLICE:
        errors.add("police_force", "Choose the police force that holds the report")
    with transaction.atomic():
        open_episode = MissingEpisode.objects.open().filter(child=child).first()
        if open_episode:
            errors.add(
                "child",
                f"{child.full_name} already has an open missing episode (last seen "
                f"{timezone.localtime(open_episode.last_seen_at):%d/%m/%Y %H:%M}). Record their return first.",
            )
        if police_force is not None:
            _check_police_reference(errors, police_force, fields["police_reference"])
        errors.raise_if_any()
        episode = MissingEpisode(child=child, police_force=police_force, created_by=acting_user, **fields)
        try:
            with transaction.atomic():
                episode.save()
        except IntegrityError as exc:  # a concurrent report won the race past the checks above
            raise ValidationError(
                {"child": "Another episode was recorded for this child at the same moment. Reload the child's record."}
            ) from exc
        RiskGradeChange.objects.create(
            episode=episode, grade=risk_grade, changed_at=reported_at, changed_by=acting_user, reason="Grade at report"
        )
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.CREATE,
            obj=episode,
            child_id=child.pk,
            summary="Reported missing",
            changes=diff({}, snapshot(episode, REPORT_FIELDS)),
        )
        episode_reported.send(sender=MissingEpisode, episode=episode, acting_user=acting_user)  # notifications
        child_changed(child.pk)
    return episode


def update_episode_details(
    episode: MissingEpisode, *, expected_version: int, acting_user: User, **changes: object
) -> MissingEpisode:
    """Correct the report's details (not the risk grade or the return, which have their own actions)."""
    unknown = set(changes) - set(DETAIL_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field cannot be changed here"))
    with transaction.atomic():
        edit = versioned_update(MissingEpisode, episode.pk, expected_version, DETAIL_FIELDS)
        current = edit.record
        merged = {**edit.before, **changes}
        merged["police_reference"] = str(merged["police_reference"] or "").strip().upper()
        errors = Errors()
        _check_episode_fields(errors, current.child, merged)
        if merged["last_seen_at"] and merged["last_seen_at"] > current.reported_at:
            errors.add("last_seen_at", "The time last seen must be before the time reported")
        if current.returned_at and merged["last_seen_at"] and merged["last_seen_at"] > current.returned_at:
            errors.add("last_seen_at", "The time last seen must be before the return")
        _check_police_reference(errors, current.police_force, merged["police_reference"], exclude_pk=current.pk)
        errors.raise_if_any()
        for name, value in merged.items():
            setattr(current, name, value)
        try:
            with transaction.atomic():
                changed = edit.save()
        except IntegrityError as exc:  # another editor took the same police reference at the same moment
            raise ValidationError(
                {
                    "police_reference": f"Police reference {merged['police_reference']} is already used for "
                    f"another episode in {current.police_force.name}"
                }
            ) from exc
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE,
            obj=current,
            child_id=current.child_id,
            summary="Episode details changed",
            changes=changed,
        )
        child_changed(current.child_id)
    return current


def change_risk_grade(
    episode: MissingEpisode, *, grade: str, reason: str, expected_version: int, acting_user: User
) -> MissingEpisode:
    errors = Errors()
    check_choice(errors, "grade", grade, RiskGrade, "Risk grade")
    check_required(errors, "reason", reason, "why the risk grade changed")
    errors.raise_if_any()
    with transaction.atomic():
        edit = versioned_update(MissingEpisode, episode.pk, expected_version)
        current = edit.record
        if not current.is_open:
            raise ValidationError({"grade": "The child has returned: this episode's risk grade can no longer change"})
        if current.risk_grade == grade:
            raise ValidationError({"grade": f"The risk grade is already {RiskGrade(grade).label.lower()}"})
        previous = current.risk_grade
        RiskGradeChange.objects.create(
            episode=current,
            grade=grade,
            previous_grade=previous,
            reason=reason.strip(),
            changed_at=timezone.now(),
            changed_by=acting_user,
        )
        current.risk_grade = grade
        edit.save(update_fields=["risk_grade", "version", "updated_at"])
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE,
            obj=current,
            child_id=current.child_id,
            summary="Risk grade changed",
            changes={"risk_grade": [previous, grade]},
        )
        child_changed(current.child_id)
    return current


def record_return(
    episode: MissingEpisode,
    *,
    returned_at: datetime,
    found_place: str,
    found_by: str,
    expected_version: int,
    acting_user: User,
    found_with: str = "",
    found_with_children: Iterable[object] = (),
    found_with_unknown: int | None = 0,
    harm_on_return: str = "",
    prevention_interview_done: bool | None = None,
) -> MissingEpisode:
    """Close the episode, and open (or extend) the child's return interview due 72 hours later. The other
    children the child was found with (ids of children the user may see) and a count of others not known are
    recorded as `EpisodeFoundWith` links in the same transaction (`record_found_with` changes them later)."""
    errors = Errors()
    picked = _check_found_with(errors, acting_user, episode.child_id, found_with_children, found_with_unknown)
    check_required(errors, "returned_at", returned_at, "when the child was found or returned")
    check_not_future(errors, "returned_at", returned_at, "The time of return")
    check_required(errors, "found_place", found_place, "where the child was found or returned to")
    check_choice(errors, "found_by", found_by, FoundBy, "Found by")
    with transaction.atomic():
        edit = versioned_update(MissingEpisode, episode.pk, expected_version, RETURN_FIELDS)
        current = edit.record
        if not current.is_open:
            errors.add("returned_at", "The return has already been recorded for this episode")
        if returned_at and returned_at < current.last_seen_at:
            errors.add(
                "returned_at",
                "The time of return must be after the time last seen "
                f"({timezone.localtime(current.last_seen_at):%d/%m/%Y %H:%M})",
            )
        errors.raise_if_any()
        current.returned_at = returned_at
        current.found_place = found_place.strip()
        current.found_by = found_by
        current.found_with = (found_with or "").strip()
        current.harm_on_return = (harm_on_return or "").strip()
        current.prevention_interview_done = prevention_interview_done
        changed = edit.save()
        changed |= _write_found_with(current, picked, found_with_unknown or 0, acting_user)
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE,
            obj=current,
            child_id=current.child_id,
            summary="Return recorded",
            changes=changed,
        )
        episode_returned.send(sender=MissingEpisode, episode=current, acting_user=acting_user)  # interviews opens one
        child_changed(current.child_id)
    return current


MAX_FOUND_WITH_UNKNOWN = 99
FOUND_WITH_CHILDREN = "found_with_children"
FOUND_WITH_UNKNOWN = "found_with_unknown"


def _check_found_with(
    errors: Errors, acting_user: User, child_id: int, other_ids: Iterable[object], unknown: int | None
) -> set[int]:
    """The other children picked, as ids, each one the user may see (children.scoping.children_for). A child the
    user may not see gets the same message as one that does not exist, so the refusal reveals nothing."""
    picked: set[int] = set()
    for raw in other_ids or ():
        try:
            picked.add(int(str(raw).strip()))
        except ValueError:
            errors.add(FOUND_WITH_CHILDREN, f"{str(raw)[:20]!r} is not a child's Homeward number")
    if picked:
        visible = set(children_for(acting_user).filter(pk__in=picked).values_list("pk", flat=True))
        for pk in sorted(picked - visible):
            errors.add(FOUND_WITH_CHILDREN, f"There is no child {pk} that you can see: pick from the children listed")
        if child_id in picked:
            errors.add(FOUND_WITH_CHILDREN, "A child cannot be found with themselves: pick the other children")
    if unknown is not None and not 0 <= unknown <= MAX_FOUND_WITH_UNKNOWN:
        errors.add(
            FOUND_WITH_UNKNOWN,
            f"The number of other children not known must be between 0 and {MAX_FOUND_WITH_UNKNOWN}",
        )
    return picked - {child_id}


def _write_found_with(episode: MissingEpisode, picked: set[int], unknown: int, acting_user: User) -> dict:
    """Make the episode's found-with links the children picked plus the unknown count, keeping any link to a child
    the acting user may not see (someone who could see that child recorded it). Returns the audit changes: ids and
    counts only, never names."""
    links = list(EpisodeFoundWith.objects.filter(episode=episode))
    visible = set(
        children_for(acting_user)
        .filter(pk__in=[link.other_child_id for link in links if link.other_child_id])
        .values_list("pk", flat=True)
    )
    before = sorted(link.other_child_id for link in links if link.other_child_id in visible)
    before_unknown = sum(link.unknown_count for link in links if link.other_child_id is None)
    now = timezone.now()
    stale = [
        link.pk
        for link in links
        if (link.other_child_id is None) or (link.other_child_id in visible and link.other_child_id not in picked)
    ]
    EpisodeFoundWith.objects.filter(pk__in=stale).delete()
    kept = {link.other_child_id for link in links if link.other_child_id and link.pk not in stale}
    new = [
        EpisodeFoundWith(episode=episode, other_child_id=pk, recorded_by=acting_user, recorded_at=now)
        for pk in sorted(picked - kept)
    ]
    if unknown:
        new.append(EpisodeFoundWith(episode=episode, unknown_count=unknown, recorded_by=acting_user, recorded_at=now))
    EpisodeFoundWith.objects.bulk_create(new)
    changes: dict = {}
    if before != sorted(picked):
        changes[FOUND_WITH_CHILDREN] = [before, sorted(picked)]
    if before_unknown != unknown:
        changes[FOUND_WITH_UNKNOWN] = [before_unknown, unknown]
    return changes


def record_found_with(
    episode: MissingEpisode,
    *,
    found_with_children: Iterable[object],
    found_with_unknown: int | None,
    expected_version: int,
    acting_user: User,
) -> MissingEpisode:
    """Change who a returned child was found with: the other children (ids of children the user may see) and how
    many others were not known. Links to children the user may not see are kept as they are."""
    errors = Errors()
    picked = _check_found_with(errors, acting_user, episode.child_id, found_with_children, found_with_unknown)
    with transaction.atomic():
        edit = versioned_update(MissingEpisode, episode.pk, expected_version, [])
        current = edit.record
        if current.is_open:
            errors.add(FOUND_WITH_CHILDREN, "Record the child's return first: who they were found with is part of it")
        errors.raise_if_any()
        changes = _write_found_with(current, picked, found_with_unknown or 0, acting_user)
        if not changes:
            return current
        edit.save(update_fields=["version", "updated_at"])
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE,
            obj=current,
            child_id=current.child_id,
            summary="Found with changed",
            changes=changes,
        )
        child_changed(current.child_id)
    return current


IMPORT_SOURCES = ("SSDA903",)
IMPORTED_PLACE = "Not recorded (imported history)"


def record_imported_episode(
    *,
    acting_user: User,
    child: Child,
    episode_type: str,
    last_seen_at: datetime,
    returned_at: datetime | None,
    source: str,
) -> MissingEpisode:
    """Record a historic missing period brought in from another system's return (e.g. a council's SSDA903).

    Only what the return holds is known: the type and the dates. The period is marked `imported_from`, so it
    raises no alert (risk.triggers skips imported periods) and opens no return interview (no `episode_returned`
    signal); it is audited like any other new episode and counted by the roll-ups (`child_changed`). The police
    force recorded is the one covering the child's council area. The caller checks the period does not repeat
    one already held (the importer's idempotency)."""
    errors = Errors()
    council = child.responsible_council
    force = council.police_force if council is not None else None
    if source not in IMPORT_SOURCES:
        errors.add("imported_from", f"Unknown source of imported history: {source!r}")
    check_choice(errors, "episode_type", episode_type, EpisodeType, "Type")
    check_required(errors, "last_seen_at", last_seen_at, "when the period started")
    check_not_future(errors, "last_seen_at", last_seen_at, "The start of the period")
    check_not_future(errors, "returned_at", returned_at, "The end of the period")
    if last_seen_at and timezone.localdate(last_seen_at) < child.date_of_birth:
        errors.add("last_seen_at", "The period starts before the child's date of birth")
    if last_seen_at and returned_at and returned_at < last_seen_at:
        errors.add("returned_at", "The period ends before it starts")
    if force is None:
        errors.add("police_force", "The child's council has no police force recorded for its area")
    if acting_user.agency_id != child.responsible_council_id:
        errors.add("child", "Only the council responsible for this child can import its history")
    with transaction.atomic():
        if returned_at is None and MissingEpisode.objects.open().filter(child=child).exists():
            errors.add("returned_at", f"{child.la_child_id or 'The child'} already has an open missing episode")
        errors.raise_if_any()
        assert force is not None  # checked above
        episode = MissingEpisode(
            child=child,
            episode_type=episode_type,
            missing_from=MissingFrom.PLACEMENT,
            last_seen_at=last_seen_at,
            last_seen_place=IMPORTED_PLACE,
            reported_at=last_seen_at,
            reported_by=f"Imported from {source}",
            police_force=force,
            risk_grade=RiskGrade.NO_APPARENT_RISK,
            returned_at=returned_at,
            found_place=IMPORTED_PLACE if returned_at else "",
            imported_from=source,
            created_by=acting_user,
        )
        try:
            with transaction.atomic():
                episode.save()
        except IntegrityError as exc:  # a concurrent open episode won the race past the check above
            raise ValidationError(
                {"returned_at": "Another open episode was recorded for this child meanwhile"}
            ) from exc
        RiskGradeChange.objects.create(
            episode=episode,
            grade=RiskGrade.NO_APPARENT_RISK,
            changed_at=last_seen_at,
            changed_by=acting_user,
            reason=f"Imported from {source}: no grade recorded",
        )
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.CREATE,
            obj=episode,
            child_id=child.pk,
            summary=f"Missing period imported from {source}",
            changes=diff({}, snapshot(episode, [*REPORT_FIELDS, "returned_at", "imported_from"])),
        )
        child_changed(child.pk)
    return episode


def child_merge_problems(merged_id: int, survivor_id: int) -> list[str]:
    """Why two records cannot be merged, as far as missing episodes go: a child is missing once at a time."""
    open_ids = MissingEpisode.objects.filter(child_id__in=(merged_id, survivor_id), returned_at__isnull=True)
    if open_ids.values("child_id").distinct().count() > 1:
        return ["Both records have an open missing episode: record the return of one of them first"]
    return []


def move_for_merge(merged_id: int, survivor_id: int, acting_user: User) -> dict[str, int]:
    """Move the merged child's episodes, and the found-with links that name them, to the survivor. A link can then
    say the survivor was found with themselves (the two records were found together) or repeat another link of the
    same episode: those are folded away, so an episode names each child it was found with once."""
    moved = {
        what: repoint(field, merged_id, survivor_id)
        for field, what in (
            ("episodes.MissingEpisode.child", "missing episodes"),
            ("episodes.EpisodeFoundWith.other_child", "found-with links"),
        )
    }
    links = EpisodeFoundWith.objects.filter(other_child_id=survivor_id)
    folded, _ = links.filter(episode__child_id=survivor_id).delete()
    first_of_each = links.values("episode_id").annotate(first=Min("pk")).values("first")
    repeated, _ = links.exclude(pk__in=Subquery(first_of_each)).delete()
    moved["found-with links folded"] = folded + repeated
    return moved


def add_log_entry(
    episode: MissingEpisode, *, kind: str, occurred_at: datetime, note: str, acting_user: User
) -> EpisodeLogEntry:
    """Add a timed, attributed entry to the log of an episode that is still open. Entries are never changed: a
    correction is a new entry. The note goes into the audit trail only as changed."""
    note = (note or "").strip()
    errors = Errors()
    check_choice(errors, "kind", kind, LogEntryKind, "What happened")
    check_required(errors, "occurred_at", occurred_at, "when it happened")
    check_not_future(errors, "occurred_at", occurred_at, "The time it happened")
    check_required(errors, "note", note, "what happened")
    if len(note) > 5000:
        errors.add("note", "The note must be 5,000 characters or fewer")
    with transaction.atomic():
        current = MissingEpisode.objects.select_for_update(no_key=True).get(pk=episode.pk)
        if not current.is_open:
            errors.add(
                "episode", "The child's return has been recorded: the log is kept only while the child is missing"
            )
        if occurred_at and occurred_at < current.last_seen_at:
            errors.add(
                "occurred_at",
                "The time it happened must be after the child was last seen "
                f"({timezone.localtime(current.last_seen_at):%d/%m/%Y %H:%M})",
            )
        if acting_user.agency is None:
            errors.add("episode", "Only the staff of an agency can add to the log")
        errors.raise_if_any()
        assert acting_user.agency is not None  # checked above
        entry = EpisodeLogEntry.objects.create(
            episode=current,
            kind=kind,
            occurred_at=occurred_at,
            note=note,
            recorded_by=acting_user,
            recorded_by_agency=acting_user.agency,
            recorded_at=timezone.now(),
        )
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.CREATE,
            obj=entry,
            child_id=current.child_id,
            summary=f"Episode log: {entry.get_kind_display().lower()}",
            changes={"kind": [None, kind], "occurred_at": [None, occurred_at], "note": [None, SENSITIVE_MARK]},
        )
    return entry
