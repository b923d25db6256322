"""Adding and changing children's records, and recording who looked at them."""

from django.core.exceptions import ValidationError
from django.db import transaction

from access.audit import diff, record_event
from access.models import AuditEvent, User
from children.changes import child_changed
from children.models import Child
from core.concurrency import snapshot

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


def record_child_viewed(child: Child, *, viewer: User, how: str = "Child record viewed") -> None:
    with transaction.atomic():
        record_event(actor=viewer, action=AuditEvent.Action.VIEW, obj=child, child_id=child.pk, summary=how)


def validate_child_owner(child: Child, acting_user: User) -> None:
    if acting_user.agency_id not in (child.responsible_council_id, child.placement_council_id):
        raise ValidationError(
            {"responsible_council": "You can only add children your council is responsible for or who live in its area"}
        )
