"""Who may read the audit trail and produce a subject access export: the governance app's rules, built on the
kernel (`access.scoping`).

An auditor (council or police force) reads the audit trail, never case records: the events of their own
agency's users, and (at a council) every event about a child the council is responsible for or who is
placed in its area, whoever did it. Subject access exports go to the coordinator of the child's councils.
"""

from django.db.models import Q, QuerySet

from access.models import AuditEvent, Role, User
from access.scoping import can_see_cases, council_children, get_or_404
from children.models import Child


def is_auditor(user: User) -> bool:
    return can_see_cases(user) and user.has_role(Role.AUDITOR)


def audit_children_for(user: User) -> QuerySet[Child]:
    """The children whose audit trail the auditor may read: their council's children (none for police)."""
    if not is_auditor(user):
        return Child.objects.none()
    return Child.objects.filter(council_children(user))


def audit_events_for(user: User) -> QuerySet[AuditEvent]:
    if not is_auditor(user):
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(
        Q(actor__agency_id=user.agency_id) | Q(child_id__in=audit_children_for(user).values("pk"))
    )


def get_child_for_auditor(user: User, child_id: object) -> Child:
    return get_or_404(audit_children_for(user), child_id)


def can_export_subject_access(user: User, child: Child) -> bool:
    """Produce a subject access export of everything held about a child: the coordinator of their councils."""
    return (
        can_see_cases(user)
        and user.has_role(Role.COORDINATOR)
        and user.agency_id in (child.responsible_council_id, child.placement_council_id)
    )
