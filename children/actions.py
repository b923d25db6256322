"""Adding and changing children's records, merging duplicates, and recording who looked at them."""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from access.audit import SENSITIVE_MARK, diff, record_event
from access.models import Agency, AgencyKind, AuditEvent, User
from children import hooks
from children.changes import child_changed
from children.codes import LivingArrangement, Placement
from children.models import Child, PlacementHistory
from children.scoping import children_to_merge_for
from core.concurrency import lock_at_version, snapshot, versioned_update
from core.errors import Errors
from core.validation import is_urn

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
    model's own checks. The user's council must be the child's (responsible or placement) before and after the
    change, and only the responsible council changes which council is responsible."""
    unknown = set(fields) - set(CHILD_FIELDS)
    if unknown:
        raise ValueError(f"Not a child's field: {sorted(unknown)}")
    with transaction.atomic():
        edit = versioned_update(Child, child.pk, expected_version, CHILD_FIELDS)
        responsible_before = edit.record.responsible_council_id
        validate_child_owner(edit.record, acting_user)  # may change this child at all, as it stands
        for name, value in fields.items():
            setattr(edit.record, name, value)
        if edit.record.responsible_council_id != responsible_before and acting_user.agency_id != responsible_before:
            # The council hosting a placement sees and corrects the record, but only the responsible council hands
            # the child to another council: otherwise the host could take a child over by naming itself.
            raise ValidationError(
                {
                    "responsible_council": "Only the council responsible for the child can make another council "
                    "responsible"
                }
            )
        validate_child_owner(edit.record, acting_user)  # and the child stays with a council of the user's
        edit.record.full_clean()
        changes = edit.save()
        # A correction of the council area or postcode (not a move: that is change_placement) corrects the open
        # placement too, so the history and the fields other apps read agree.
        PlacementHistory.objects.filter(child_id=child.pk, ended_on__isnull=True).update(
            council_id=edit.record.placement_council_id, postcode=edit.record.placement_postcode
        )
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


PLACEMENT_FIELDS = [
    "living_arrangement",
    "placement_council_id",
    "placement_postcode",
    "placement_provider",
    "placement_urn",
    "placement_type",
    "placement_from",
]
MAX_PROVIDER = 200
POSTCODE_SHAPE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$")


def change_placement(
    child: Child,
    *,
    acting_user: User,
    expected_version: int,
    started_on: dt.date,
    placement_council: Agency | None,
    living_arrangement: str,
    provider: str = "",
    urn: str = "",
    placement_type: str = "",
    postcode: str = "",
) -> PlacementHistory:
    """Move the child to a new placement from `started_on`: the child's current placement fields (and the council
    area and postcode other apps read) change at the version the user read (ConflictError if stale), the open row
    of the placement history ends the day the new one starts, and the new row opens. Every bad field is named at
    once (ValidationError, nothing written); the user must be allowed to edit the child (children.scoping
    .can_edit_child) and the child must stay with a council of theirs."""
    provider = " ".join((provider or "").split())
    urn = "".join((urn or "").split()).upper()
    postcode = " ".join((postcode or "").upper().split())
    errors = Errors()
    if started_on is None:
        errors.add("started_on", "Enter the date the placement started")
    elif started_on > timezone.localdate():
        errors.add("started_on", "The date the placement started must be today or in the past")
    elif started_on < child.date_of_birth:
        errors.add("started_on", "The date the placement started must be after the child's date of birth")
    if placement_council is None or placement_council.kind != AgencyKind.COUNCIL:
        errors.add("placement_council", "Select the council area the placement is in")
    if living_arrangement not in LivingArrangement.values:
        errors.add("living_arrangement", "Select where the child lives")
    if len(provider) > MAX_PROVIDER:
        errors.add("provider", f"The provider's name must be {MAX_PROVIDER} characters or fewer")
    if urn and not is_urn(urn):
        errors.add("urn", "Enter an Ofsted URN: six or seven digits, or SC and six digits (such as SC999001)")
    if placement_type and placement_type not in Placement.values:
        errors.add("placement_type", "Select the placement type from the list")
    if postcode and not POSTCODE_SHAPE.fullmatch(postcode):
        errors.add("postcode", "Enter a UK postcode, such as NM4 7AB")
    if living_arrangement == LivingArrangement.CHILDRENS_HOME and not (urn or provider):
        errors.add("provider", "Enter the children's home's name or its Ofsted URN")
    errors.raise_if_any()
    assert placement_council is not None and started_on is not None  # checked above
    with transaction.atomic():
        edit = versioned_update(Child, child.pk, expected_version, PLACEMENT_FIELDS)
        record = edit.record
        validate_child_owner(record, acting_user)  # before the move as well as after: no taking another's child
        if record.is_merged:
            raise ValidationError({"started_on": "This record was merged into another: change the surviving record"})
        current = PlacementHistory.objects.select_for_update().filter(child_id=child.pk, ended_on__isnull=True).first()
        if current is not None and started_on < current.started_on:
            raise ValidationError(
                {
                    "started_on": f"The date must be on or after {current.started_on:%d/%m/%Y}, "
                    "when the current placement started"
                }
            )
        record.living_arrangement = living_arrangement
        record.placement_council = placement_council
        record.placement_postcode = postcode
        record.placement_provider = provider
        record.placement_urn = urn
        record.placement_type = placement_type
        record.placement_from = started_on
        validate_child_owner(record, acting_user)
        record.full_clean()
        if current is not None:
            current.ended_on = started_on
            current.save(update_fields=["ended_on"])
        placement = PlacementHistory.objects.create(
            child=record,
            provider=provider,
            urn=urn,
            placement_type=placement_type,
            council=placement_council,
            postcode=postcode,
            started_on=started_on,
            recorded_by=acting_user,
        )
        changes = edit.save()
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE,
            obj=record,
            child_id=child.pk,
            summary="Child's placement changed" if current is not None else "Child's placement recorded",
            changes=changes,
        )
        child_changed(child.pk)
    return placement


def placement_mover() -> hooks.MergeMover:
    """Merging records: the merged child's placements join the survivor's history; where both have an open one,
    the survivor's stays current and the merged record's ends the day the merge is made (or the day it started)."""

    def move(merged_id: int, survivor_id: int, acting_user: object) -> dict[str, int]:
        rows = PlacementHistory.objects.filter(child_id=merged_id)
        if PlacementHistory.objects.filter(child_id=survivor_id, ended_on__isnull=True).exists():
            for row in rows.filter(ended_on__isnull=True):
                row.ended_on = max(row.started_on, timezone.localdate())
                row.save(update_fields=["ended_on"])
        return {"placements": rows.update(child_id=survivor_id)}

    return hooks.MergeMover(fields=("children.PlacementHistory.child",), check=hooks.no_problems, move=move)
