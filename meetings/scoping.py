"""Who may see and run meetings, and who may see and close their actions: the meetings app's scoped lookups, built
on the kernel (`access.scoping`).

A meeting is seen by council case roles of the council that called it, by the people invited to it, and by the
staff of an invited agency who hold the role that agency's shares go to (`SHARE_RECEIVING_ROLES`: a school's
safeguarding lead, police missing persons staff, ...). Seeing a meeting is not seeing its children: what a viewer
reads of each child discussed (and of the actions about them) is decided by each app's own rules for that viewer
(`meetings.selectors.meeting_view`).

**An agency's view** (`agency_reader`): the meeting pack and the minutes are produced for an agency, holding what
the agency's staff may see through the agency itself: its case roles (a council's children, a force's episodes
and intelligence, a school's pupils) and the shares made to the agency. It is a User that is never saved, holds
the agency's receiving roles, and has id 0, which no user has, so nothing given to a named person (a share to
them, an interview assigned to them, their emergency access) reaches it. Each agency's staff download their own
agency's pack only: no one is handed what another agency may see.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from access.models import Agency, Role, User
from access.scoping import (
    COUNCIL_CASE_ROLES,
    SHARE_RECEIVING_ROLES,
    can_see_cases,
    combine,
    get_or_404,
    in_child_councils,
)
from children.models import Child
from children.scoping import caseload_children_for, children_for
from meetings.models import Meeting, MeetingAction, MeetingActionQuerySet, MeetingAgency, MeetingPerson

# Who may call a meeting and run one their council called (besides its chair).
MEETING_ORGANISER_ROLES = (Role.COORDINATOR, Role.TEAM_MANAGER)
AGENCY_READER_ID = 0


def _receiving_roles(user: User) -> tuple[str, ...]:
    return SHARE_RECEIVING_ROLES.get(user.agency.kind, ()) if user.agency is not None else ()


def meetings_for(user: User) -> QuerySet[Meeting]:
    if not can_see_cases(user):
        return Meeting.objects.none()
    assert user.agency_id is not None  # can_see_cases: a user at an agency
    grants = [Q(Exists(MeetingPerson.objects.filter(meeting=OuterRef("pk"), user_id=user.pk)))]
    if user.has_role(*COUNCIL_CASE_ROLES):
        grants.append(Q(council_id=user.agency_id))
    if user.has_role(*_receiving_roles(user)):
        grants.append(Q(Exists(MeetingAgency.objects.filter(meeting=OuterRef("pk"), agency_id=user.agency_id))))
    return combine(Meeting.objects.all(), grants)


def get_meeting_for_user(user: User, meeting_id: object) -> Meeting:
    return get_or_404(meetings_for(user).select_related("council", "chair", "from_alert"), meeting_id)


def actions_for(user: User) -> MeetingActionQuerySet:
    """The actions of the meetings the user sees, except those about a child they may not see; and every action
    they own."""
    if not can_see_cases(user):
        return MeetingAction.objects.none()
    # Correlated EXISTS, not `child__in=<every child the user sees>`: PostgreSQL would build the whole set (a
    # council's 20,000 children) for every query, where each action needs one look-up by key (docs/performance.md).
    visible = Q(meeting__in=meetings_for(user).values("pk")) & (
        Q(child__isnull=True) | Q(Exists(children_for(user).filter(pk=OuterRef("child_id"))))
    )
    return MeetingAction.objects.filter(visible | Q(owner_id=user.pk))


def get_action_for_user(user: User, action_id: object) -> MeetingAction:
    return get_or_404(
        actions_for(user).select_related("meeting", "child", "owner", "owner_agency", "status_changed_by"), action_id
    )


def can_call_meeting(user: User) -> bool:
    """Call a meeting: a coordinator or social work manager (about a child of their council: `can_call_about`)."""
    return can_see_cases(user) and user.has_role(*MEETING_ORGANISER_ROLES)


def sees_meetings_page(user: User) -> bool:
    """The meetings list: for those who may call a meeting, and anyone invited (in person or by agency) to one."""
    return can_see_cases(user) and (can_call_meeting(user) or meetings_for(user).exists())


def can_call_about(user: User, child: Child) -> bool:
    return can_call_meeting(user) and in_child_councils(user, child)


def children_to_add_for(user: User) -> QuerySet[Child]:
    """The children a meeting's organiser may bring to it: their own caseload (not children reached by a share)."""
    return caseload_children_for(user)


def can_manage_meeting(user: User, meeting: Meeting) -> bool:
    """Record attendance, discussion, decisions and actions: the chair, or a coordinator or manager of the council
    that called it."""
    if not can_see_cases(user):
        return False
    if meeting.chair_id == user.pk:
        return True
    return user.has_role(*MEETING_ORGANISER_ROLES) and user.agency_id == meeting.council_id


def can_close_action(user: User, action: MeetingAction) -> bool:
    """Mark an action done or cancelled: its owner, or whoever runs the meeting."""
    return action.owner_id == user.pk or can_manage_meeting(user, action.meeting)


def agency_reader(agency: Agency) -> User:
    """The agency's view (see the module's docstring): never saved, id 0, the agency's receiving roles."""
    reader = User(id=AGENCY_READER_ID, username=f"agency-{agency.pk}", agency=agency, is_active=True)
    reader.__dict__["roles"] = frozenset(SHARE_RECEIVING_ROLES.get(agency.kind, ()))
    return reader


def pack_agency_for(user: User, meeting: Meeting) -> Agency | None:
    """The agency whose pack and minutes the user may download: their own, when it was invited (or called the
    meeting) and they hold the role its shares go to; else None."""
    if not can_see_cases(user) or not user.has_role(*_receiving_roles(user)):
        return None
    assert user.agency_id is not None  # can_see_cases: a user at an agency
    invited = meeting.council_id == user.agency_id or meeting.agencies.filter(agency_id=user.agency_id).exists()
    return user.agency if invited else None
