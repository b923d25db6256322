"""Who may see which children, and add one: the children app's scoped lookups, built on the kernel
(`access.scoping`). Every query of case data about a child starts from one of these querysets."""

from django.db.models import OuterRef, QuerySet

from access.models import AgencyKind, Role, User
from access.scoping import (
    combine,
    emergency_grants,
    get_or_404,
    granted_grants,
    own_child_grants,
    received_shares,
    remembered,
)
from children.models import Child


def children_for(user: User) -> QuerySet[Child]:
    """Every child the user may see at least the identifiers of: through their own roles, through a share they
    received (the child's identifiers and the shared item only), or through active emergency access."""
    if not user.is_authenticated or not user.is_active or user.agency_id is None:
        return Child.objects.none()
    shared = received_shares(user).filter(child=OuterRef("pk"))
    grants = [*own_child_grants(user), *granted_grants(user, shared=shared, child_ref="pk")]
    return combine(Child.objects.all(), grants)


def caseload_children_for(user: User) -> QuerySet[Child]:
    """The children the user's own roles reach, without shares or emergency access: the children they may
    act on (report missing, link to persons and places, refer), not only read."""
    if not user.is_authenticated or not user.is_active or user.agency_id is None:
        return Child.objects.none()
    return combine(Child.objects.all(), own_child_grants(user))


def children_in_full_for(user: User) -> QuerySet[Child]:
    """Children whose whole record (care, placement, history, who it was shared with) the user sees: through
    their own case roles or active emergency access. A share, or a school's view of its pupils, shows the
    child's identifiers only."""
    if not user.is_authenticated or not user.is_active or user.agency_id is None:
        return Child.objects.none()
    grants = [*own_child_grants(user, full_record_only=True), *emergency_grants(user, child_ref="pk")]
    return combine(Child.objects.all(), grants)


def children_with_record_for(user: User) -> QuerySet[Child]:
    """children_for without the children the user reaches only through a share: those whose child record
    (rather than only the shared item) the API gives them."""
    if not user.is_authenticated or not user.is_active or user.agency_id is None:
        return Child.objects.none()
    return combine(Child.objects.all(), [*own_child_grants(user), *emergency_grants(user, child_ref="pk")])


# The relation of the user to one child, answered once per request (access.scoping.remembered): the child's page
# asks it from several sections (the chronology's sources, the risk and Philomena sections, the links).


def sees_child(user: User, child_id: int) -> bool:
    """Whether children_for(user) holds the child."""
    return remembered(user, ("child", child_id), lambda: children_for(user).filter(pk=child_id).exists())


def sees_full_child_record(user: User, child: Child) -> bool:
    return remembered(
        user, ("child_in_full", child.pk), lambda: children_in_full_for(user).filter(pk=child.pk).exists()
    )


def in_caseload(user: User, child_id: int) -> bool:
    """Whether caseload_children_for(user) holds the child."""
    return remembered(
        user, ("caseload_child", child_id), lambda: caseload_children_for(user).filter(pk=child_id).exists()
    )


def get_child_for_user(user: User, child_id: object) -> Child:
    child = get_or_404(
        children_for(user).select_related("responsible_council", "placement_council", "school", "social_worker"),
        child_id,
    )
    remembered(user, ("child", child.pk), lambda: True)  # found through children_for(user): sees_child is True
    return child


def get_child_with_record_for_user(user: User, child_id: object) -> Child:
    """The child's record (not only a shared item about them): see children_with_record_for."""
    return get_or_404(
        children_with_record_for(user).select_related(
            "responsible_council", "placement_council", "school", "social_worker"
        ),
        child_id,
    )


def can_add_child(user: User) -> bool:
    return user.has_role(Role.COORDINATOR, Role.SOCIAL_WORKER)


def can_edit_child(user: User, child: Child) -> bool:
    """Change a child's record: those who may add one, at the child's responsible or placement council."""
    return can_add_child(user) and user.agency_id in (child.responsible_council_id, child.placement_council_id)


MERGE_ROLES = (Role.COORDINATOR, Role.ADMINISTRATOR)


def can_merge_children(user: User) -> bool:
    """Merging duplicate records: the coordinator or an administrator of a council, for its own children."""
    return (
        user.is_authenticated
        and user.is_active
        and user.agency is not None
        and user.agency.kind == AgencyKind.COUNCIL
        and user.has_role(*MERGE_ROLES)
    )


def children_to_merge_for(user: User) -> QuerySet[Child]:
    """The records the user may merge: those of the children their council is responsible for (an administrator,
    who works no case, sees only the identifiers the merge page shows), not already merged."""
    if not can_merge_children(user):
        return Child.objects.none()
    return Child.objects.filter(responsible_council_id=user.agency_id, merged_into__isnull=True)
