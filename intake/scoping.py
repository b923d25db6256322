"""Who may import police notifications, work the match queue and see which children in it (deny by default)."""

from django.db.models import QuerySet

from access.models import Agency, AgencyKind, Role, User
from access.scoping import can_see_cases, get_or_404
from children.models import Child
from children.scoping import caseload_children_for, children_for, children_to_merge_for
from intake.matching import birth_dates, names_alike
from intake.models import ImportBatch, Notification, ProvisionalChild, Status


def import_force(user: User) -> Agency | None:
    """The police force whose notifications the user imports and whose match queue they work: a police user's or
    police MASH worker's own force, or, for a council's MASH worker or coordinator, the force covering the council."""
    if not can_see_cases(user):
        return None
    agency = user.agency
    assert agency is not None  # can_see_cases
    if agency.kind == AgencyKind.POLICE and user.has_role(Role.POLICE, Role.MASH):
        return agency
    if agency.kind == AgencyKind.COUNCIL and user.has_role(Role.MASH, Role.COORDINATOR):
        return agency.police_force
    return None


def can_upload(user: User) -> bool:
    """The upload page: police and MASH users (a council's MASH worker imports for the force covering it)."""
    return user.has_role(Role.POLICE, Role.MASH) and import_force(user) is not None


def batches_for(user: User) -> QuerySet[ImportBatch]:
    if not can_see_cases(user):
        return ImportBatch.objects.none()
    return ImportBatch.objects.filter(created_by=user)


def queue_for(user: User) -> QuerySet[Notification]:
    force = import_force(user)
    if force is None:
        return Notification.objects.none()
    return Notification.objects.filter(police_force=force, status=Status.QUEUED)


def quarantine_for(user: User) -> QuerySet[Notification]:
    force = import_force(user)
    if force is None:
        return Notification.objects.none()
    return Notification.objects.filter(police_force=force, status=Status.QUARANTINED)


def get_queued_for_user(user: User, notification_id: object) -> Notification:
    return get_or_404(queue_for(user).select_related("police_force", "case"), notification_id)


def visible_proposals(user: User, notification: Notification) -> list[Child]:
    """The proposed children this user may see: a proposal outside their scope is never shown to them."""
    return list(children_for(user).filter(pk__in=notification.proposed_children.values("pk")).order_by("pk"))


def choosable_children(user: User) -> QuerySet[Child]:
    """The children the user may match a notification to: their own caseload (not children seen through a share)."""
    return caseload_children_for(user)


def councils_for_provisional(user: User) -> QuerySet[Agency]:
    """The councils a provisional child may be created for: the user's own council, or those the force covers."""
    force = import_force(user)
    if force is None:
        return Agency.objects.none()
    agency = user.agency
    if agency is not None and agency.kind == AgencyKind.COUNCIL:
        return Agency.objects.filter(pk=agency.pk)
    return Agency.objects.filter(kind=AgencyKind.COUNCIL, police_force=force).order_by("name")


def provisional_for(user: User) -> QuerySet[ProvisionalChild]:
    """Provisional records the user's council must confirm: coordinators of the responsible council."""
    if not can_confirm_provisional(user):
        return ProvisionalChild.objects.none()
    return ProvisionalChild.objects.filter(
        child__responsible_council_id=user.agency_id, child__merged_into__isnull=True, confirmed_at__isnull=True
    )


def can_confirm_provisional(user: User) -> bool:
    """The provisional records' pages: a council's coordinators (each sees their own council's records)."""
    agency = user.agency
    return (
        can_see_cases(user)
        and agency is not None
        and agency.kind == AgencyKind.COUNCIL
        and user.has_role(Role.COORDINATOR)
    )


def get_provisional_for_user(user: User, provisional_id: object) -> ProvisionalChild:
    return get_or_404(
        provisional_for(user).select_related(
            "child__responsible_council", "child__placement_council", "notification__police_force", "created_by"
        ),
        provisional_id,
    )


MAX_MERGE_CANDIDATES = 5


def merge_candidates(user: User, child: Child) -> list[Child]:
    """Records of the user's council that may be the same child as a provisional one (the same UPN, or alike names
    and the date of birth, day and month perhaps transposed): offered to review on the merge page."""
    scope = children_to_merge_for(user).exclude(pk=child.pk)
    same_upn = list(scope.filter(upn=child.upn).order_by("pk")[:MAX_MERGE_CANDIDATES]) if child.upn else []
    alike = [
        other
        for other in scope.filter(date_of_birth__in=birth_dates(child.date_of_birth)).order_by("pk")
        if names_alike(child.first_name, other.first_name) and names_alike(child.last_name, other.last_name)
    ]
    found = {other.pk: other for other in [*same_upn, *alike]}
    return list(found.values())[:MAX_MERGE_CANDIDATES]
