"""Adding and changing children's records, merging duplicates, and recording who looked at them."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from access.audit import SENSITIVE_MARK, diff, record_event
from access.models import AuditEvent, User
from children import hooks
from children.changes import child_changed
from children.models import Child
from children.scoping import children_to_merge_for
from core.concurrency import lock_at_version, snapshot, versioned_update
from core.errors import Errors

CHILD_FIELDS = [
    "la_child_id",
    "upn",
    "first_name",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "sex",
    "gender_identity",
    "ethnicity",
    "legal_status",
    "responsible_council_id",
    "living_arrangement",
    "placement_council_id",
    "placement_postcode",
    "school_id",
    "social_worker_id",
]


def add_child(*, acting_user: User, **fields: object) -> Child:
    """Create a child's record after the model's own checks (codes, UPN, the council's ID unique)."""
    child = Child(**fields)
    validate_child_owner(child, acting_user)
    child.full_clean()
    with transaction.atomic():
        child.save()
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.CREATE,
            obj=child,
            child_id=child.pk,
            summary="Child's record added",
            changes=diff({}, snapshot(child, CHILD_FIELDS)),
        )
        child_changed(child.pk)
    return child


def update_child(child: Child, *, expected_version: int, acting_user: User, **fields: object) -> Child:
    """Change a child's record at the version the user read (ConflictError if anyone changed it since), after the
    model's own checks; the child must stay with a council of the user's (responsible or placement)."""
    unknown = set(fields) - set(CHILD_FIELDS)
    if unknown:
        raise ValueError(f"Not a child's field: {sorted(unknown)}")
    with transaction.atomic():
        edit = versioned_update(Child, child.pk, expected_version, CHILD_FIELDS)
        for name, value in fields.items():
            setattr(edit.record, name, value)
        validate_child_owner(edit.record, acting_user)
        edit.record.full_clean()
        changes = edit.save()
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE,
            obj=edit.record,
            child_id=child.pk,
            summary="Child's record changed",
            changes=changes,
        )
        child_changed(child.pk)
    return edit.record


def record_child_viewed(child: Child, *, viewer: User, how: str = "Child record viewed") -> None:
    with transaction.atomic():
        record_event(actor=viewer, action=AuditEvent.Action.VIEW, obj=child, child_id=child.pk, summary=how)


def validate_child_owner(child: Child, acting_user: User) -> None:
    if acting_user.agency_id not in (child.responsible_council_id, child.placement_council_id):
        raise ValidationError(
            {
                "responsible_council": "You can only add or change children your council is responsible for or who "
                "live in its area"
            }
        )


MAX_MERGE_REASON = 2000


def merge_children(
    *,
    survivor: Child,
    merged: Child,
    survivor_version: int,
    merged_version: int,
    reason: str,
    acting_user: User,
) -> Child:
    """Merge a duplicate record (`merged`) into the surviving one: one child recorded twice becomes one record.

    Every app's records about the merged child (episodes, interviews, alerts, screenings, referrals, links to
    persons and places, shares, emergency access, meetings, care episodes, concerns, Philomena profile) move to the
    survivor through the apps' merge movers (children.hooks.MergeMover), in one transaction: all of it moves or
    nothing does. The merged record is kept, marked merged into the survivor (by whom, when): its own audit trail
    stays under its ID and a "merged" event is written on both. Both records are locked at the versions the user
    reviewed (ConflictError if either changed since). Refused (ValidationError, nothing written) unless the user
    may merge both records (their council's coordinator or administrator), the two are different unmerged records,
    a reason is given, and no app objects (two open missing episodes, say: every reason is listed).
    """
    reason = (reason or "").strip()
    errors = Errors()
    if not reason:
        errors.add("reason", "Enter why these two records are the same child")
    elif len(reason) > MAX_MERGE_REASON:
        errors.add("reason", f"The reason must be {MAX_MERGE_REASON} characters or fewer")
    if survivor.pk == merged.pk:
        errors.add("survivor", "Choose two different records")
    errors.raise_if_any()
    with transaction.atomic():
        # Lock in id order, so two merges of overlapping pairs wait for each other rather than deadlock.
        versions = {survivor.pk: survivor_version, merged.pk: merged_version}
        locked = {pk: lock_at_version(Child, pk, versions[pk]) for pk in sorted(versions)}
        keep, gone = locked[survivor.pk], locked[merged.pk]
        allowed = set(children_to_merge_for(acting_user).filter(pk__in=versions).values_list("pk", flat=True))
        if allowed != set(versions):
            raise ValidationError("You can only merge records of children your council is responsible for")
        if keep.merged_into_id is not None or gone.merged_into_id is not None:
            raise ValidationError("One of these records has already been merged")
        problems = [problem for mover in hooks.merge_movers().values() for problem in mover.check(gone.pk, keep.pk)]
        if problems:
            raise ValidationError({"survivor": problems})
        moved: dict[str, int] = {}
        for mover in hooks.merge_movers().values():
            for what, count in mover.move(gone.pk, keep.pk, acting_user).items():
                if count:
                    moved[what] = moved.get(what, 0) + count
        # Records merged earlier into the one merged now point at the survivor (no chains to follow).
        earlier = Child.objects.filter(merged_into_id=gone.pk).update(merged_into_id=keep.pk)
        if earlier:
            moved["records merged earlier"] = earlier
        now = timezone.now()
        gone.merged_into, gone.merged_at, gone.merged_by, gone.merge_reason = keep, now, acting_user, reason
        gone.version += 1
        gone.save(update_fields=["merged_into", "merged_at", "merged_by", "merge_reason", "version", "updated_at"])
        keep.version += 1
        keep.save(update_fields=["version", "updated_at"])
        counts = {what: [None, count] for what, count in sorted(moved.items())}
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.MERGE,
            obj=gone,
            child_id=gone.pk,
            summary=f"Record merged into child {keep.pk} ({keep.la_child_id}) as a duplicate",
            changes={"merged_into": [None, keep.pk], "reason": [None, SENSITIVE_MARK], **counts},
        )
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.MERGE,
            obj=keep,
            child_id=keep.pk,
            summary=f"Duplicate record of child {gone.pk} ({gone.la_child_id}) merged into this one",
            changes={"merged_from": [None, gone.pk], "reason": [None, SENSITIVE_MARK], **counts},
        )
        child_changed(gone.pk)
        child_changed(keep.pk)
    return keep


def add_child_for_police_report(*, acting_user: User, **fields: object) -> Child:
    """Create a child's record from a police report of a child Homeward does not know yet: as `add_child`, but the
    acting user may also be of the police force whose area covers the responsible council (the council confirms
    the record afterwards: intake.ProvisionalChild)."""
    child = Child(**fields)
    council = child.responsible_council
    if acting_user.agency_id not in (child.responsible_council_id, child.placement_council_id) and (
        council is None or council.police_force_id is None or council.police_force_id != acting_user.agency_id
    ):
        raise ValidationError(
            {"responsible_council": "Choose a council whose area your police force covers, or your own council"}
        )
    child.full_clean()
    with transaction.atomic():
        child.save()
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.CREATE,
            obj=child,
            child_id=child.pk,
            summary="Child's record added from a police report (provisional)",
            changes=diff({}, snapshot(child, CHILD_FIELDS)),
        )
        child_changed(child.pk)
    return child
