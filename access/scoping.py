"""The kernel of who may see what: the relation of a user to a child, and the pieces every app's scoping uses.

Deny by default: a user sees nothing unless one of their roles grants it. Each domain app holds its own scoped
lookups in `<app>/scoping.py` (`children.scoping.children_for`, `episodes.scoping.get_episode_for_user`,
`risk.scoping.can_refer`, ...), built from what is here:

- the roles that work cases (`COUNCIL_CASE_ROLES`, `EPISODE_EDITOR_ROLES`), receive shares and may break glass;
- the relation of a user to a child: the child's responsible or placement council, the police force that holds
  an episode or covers where the child lives, an interview assigned to the user, an active share the user
  receives, and emergency access, as `Q` objects over the child's fields and related names;
- `combine` (a user's grants into one queryset) and `get_or_404` (the one lookup that answers 404 for a record
  the user may not see, so an outsider cannot even learn that it exists).

This module imports no domain app (the import contract in pyproject.toml holds it to that). The three relations
that run through another app's table (episodes held by a force, interviews assigned to a user, shares and
emergency access) name that table by its app label (`apps.get_model`), the same way a ForeignKey names it, so
the kernel depends on the schema and not on the domain code above it
(docs/adr/0003-layers-kernel-and-per-app-scoping.md).
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django.apps import apps
from django.db import connections
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from access.models import AgencyKind, Role, User

QS = TypeVar("QS", bound=QuerySet)

COUNCIL_CASE_ROLES = (Role.COORDINATOR, Role.SOCIAL_WORKER, Role.TEAM_MANAGER)
EPISODE_EDITOR_ROLES = (*COUNCIL_CASE_ROLES, Role.POLICE)

# Shares and emergency ("break-glass") access. An active share (not withdrawn, not expired) lets its recipient
# read exactly the shared item and the child's identifiers: a named user, or the users of the recipient agency who
# hold the role that agency's shares go to. A school's safeguarding lead receives shares about the school's own
# pupils only. Active emergency access lets the user read the child's record, episodes and interview summaries
# until it ends. Neither lets anyone change anything: the can_* rules look at the user's own roles only.

# Which roles at each kind of agency receive what is shared with the agency.
SHARE_RECEIVING_ROLES: dict[str, tuple[str, ...]] = {
    AgencyKind.COUNCIL: COUNCIL_CASE_ROLES,
    AgencyKind.POLICE: (Role.POLICE,),
    AgencyKind.SCHOOL: (Role.SCHOOL_DSL,),
    AgencyKind.HEALTH: (Role.HEALTH,),
    AgencyKind.RHI_PROVIDER: (Role.RHI_PRACTITIONER,),
}
RECIPIENT_ROLES = tuple(dict.fromkeys(role for roles in SHARE_RECEIVING_ROLES.values() for role in roles))
# Who may ask for emergency access: those who respond to a missing child (social care, police) and health.
BREAK_GLASS_ROLES = (*EPISODE_EDITOR_ROLES, Role.HEALTH)


def can_see_cases(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.agency_id is not None


def in_child_councils(user: User, child) -> bool:
    """A council case role (coordinator, social worker, manager) at the child's responsible or placement council."""
    return user.has_role(*COUNCIL_CASE_ROLES) and user.agency_id in (
        child.responsible_council_id,
        child.placement_council_id,
    )


def sees_case_work(user: User) -> bool:
    """Whether the user has any role that works individual cases (and so a My work page)."""
    return user.has_role(*EPISODE_EDITOR_ROLES, Role.RHI_PRACTITIONER, Role.SCHOOL_DSL)


# --- The relation of a user to a child, as conditions on the child -----------------------------------------


def council_children(user: User) -> Q:
    """Children the user's council is responsible for, and children placed in its area."""
    return Q(responsible_council_id=user.agency_id) | Q(placement_council_id=user.agency_id)


def police_children(user: User) -> Q:
    """Children with an episode in the force's area, or living in a council area the force covers."""
    episodes = apps.get_model("episodes", "MissingEpisode")
    force_episode = episodes.objects.filter(child=OuterRef("pk"), police_force_id=user.agency_id)
    return Q(Exists(force_episode)) | Q(placement_council__police_force_id=user.agency_id)


def interviews_assigned_to(user: User) -> QuerySet:
    """The return interviews assigned to the user (a practitioner reaches their children and episodes)."""
    return apps.get_model("interviews", "ReturnInterview").objects.filter(assigned_to=user)


def assigned_children(user: User) -> Q:
    return Q(Exists(interviews_assigned_to(user).filter(child=OuterRef("pk"))))


def own_child_grants(user: User, *, full_record_only: bool = False) -> list[Q]:
    """The children the user's own roles reach. A school's safeguarding lead sees their pupils' identifiers
    only, so `full_record_only` leaves that grant out."""
    grants = []
    if user.has_role(*COUNCIL_CASE_ROLES):
        grants.append(council_children(user))
    if user.has_role(Role.POLICE):
        grants.append(police_children(user))
    if user.has_role(Role.SCHOOL_DSL) and not full_record_only:
        grants.append(Q(school_id=user.agency_id))
    if user.has_role(Role.RHI_PRACTITIONER):
        grants.append(assigned_children(user))
    return grants


# --- Received shares and emergency access ---------------------------------------------------------------


def receives_shares(user: User) -> bool:
    return can_see_cases(user) and user.has_role(*RECIPIENT_ROLES)


def received_shares(user: User, now=None) -> QuerySet:
    """Active shares whose recipient is this user: by name, or their agency when they hold the role that
    agency's shares go to. At a school, only shares about the school's pupils."""
    shares = apps.get_model("sharing", "Share").objects
    if not receives_shares(user):
        return shares.none()
    recipient = Q(to_user_id=user.pk)
    assert user.agency is not None  # receives_shares(): only a user at an agency receives shares
    agency_kind = user.agency.kind
    if user.has_role(*SHARE_RECEIVING_ROLES.get(agency_kind, ())):
        recipient |= Q(to_agency_id=user.agency_id)
    received = shares.active(now).filter(recipient)
    if agency_kind == AgencyKind.SCHOOL:
        received = received.filter(child__school_id=user.agency_id)
    return received


def can_request_emergency_access(user: User) -> bool:
    return can_see_cases(user) and user.has_role(*BREAK_GLASS_ROLES)


def active_emergency(user: User) -> QuerySet:
    """The user's emergency access that is running now."""
    emergency = apps.get_model("sharing", "EmergencyAccess").objects
    if not can_request_emergency_access(user):
        return emergency.none()
    return emergency.active().filter(user_id=user.pk)


def emergency_grants(user: User, *, child_ref: str) -> list[Q]:
    """Active emergency access to the child at `child_ref` of the outer row."""
    if not can_request_emergency_access(user):
        return []
    return [Q(Exists(active_emergency(user).filter(child=OuterRef(child_ref))))]


def granted_grants(user: User, *, shared: QuerySet, child_ref: str) -> list[Q]:
    """The grants a received share (`shared`, correlated to the outer row) and emergency access add."""
    grants = [Q(Exists(shared))] if receives_shares(user) else []
    return grants + emergency_grants(user, child_ref=child_ref)


# --- Queries ----------------------------------------------------------------------------------------------


def combine(queryset: QS, grants: list[Q]) -> QS:
    """The rows any of the grants reaches; none when there is no grant (deny by default)."""
    if not grants:
        return queryset.none()
    combined = grants[0]
    for grant in grants[1:]:
        combined |= grant
    return queryset.filter(combined)


def combine_each(queryset: QS, grants: list[Q]) -> QS:
    """combine's rows, found grant by grant: `queryset` (holding every other condition the caller needs) filtered
    by each grant on its own, and the keys of what each finds united (`UNION`). The same rows as
    `combine(queryset, grants)`, for counting and paging a subset of a large table: an OR of conditions across
    the joined child and `EXISTS` subqueries (shares, emergency access) can be answered by no index, so the
    database reads the whole table and every child, where each grant alone is a look-up by its own index
    (docs/performance.md). A single grant needs no union. Not for fetching one record by key: there the OR is
    cheaper, as it is checked on one row only.

    PostgreSQL only: SQLite answers the OR well enough from the table's own index, and without statistics it
    can pick the wrong index for a branch of the union (measured by `python -m bench --only inbox`)."""
    if len(grants) < 2 or connections[queryset.db].vendor != "postgresql":
        return combine(queryset, grants)
    parts = [queryset.filter(grant).order_by().values("pk") for grant in grants]
    return queryset.filter(pk__in=parts[0].union(*parts[1:]))


def remembered(user: User, question: tuple, answer: Callable[[], bool]) -> bool:
    """The answer to a question about the user and one record ("sees this child in full"), asked once per
    request: kept on the user object (`User.scoping_answers`, cached like `User.roles`), which each request loads
    afresh. The child's page asks the same questions from several sections; the rules themselves are unchanged,
    only not run again. A user object that outlives a change to what it may see (a test, a long job) must not use
    it for that record: the functions that remember say so."""
    answers = getattr(user, "scoping_answers", None)
    if answers is None:  # an anonymous user: nothing to remember
        return answer()
    if question not in answers:
        answers[question] = answer()
    return answers[question]


def get_or_404(queryset: QuerySet, pk: Any):  # pk: whatever the URL or form gave; int() refuses the wrong ones
    """The one record of a scoped queryset, or Http404 whether it does not exist or the user may not see it."""
    try:
        return queryset.get(pk=int(pk))
    except (ValueError, TypeError, queryset.model.DoesNotExist):
        raise Http404("No such record, or you do not have access to it.") from None
