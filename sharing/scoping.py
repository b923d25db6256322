"""Who may see, make and withdraw shares, and use or review emergency ("break-glass") access: the sharing app's
rules, built on the kernel (`access.scoping`), which holds the relation itself (who receives an active share,
whose emergency access is running)."""

from django.db.models import Q, QuerySet

from access.models import Role, User
from access.scoping import (
    COUNCIL_CASE_ROLES,
    RECIPIENT_ROLES,
    active_emergency,
    can_see_cases,
    combine,
    get_or_404,
    in_child_councils,
    received_shares,
)
from access.share_kinds import INTERVIEW_SHARES, ShareWhat
from children.models import Child
from episodes.models import MissingEpisode
from interviews.models import ReturnInterview
from network.models import ChildPersonLink, PersonOfConcern
from network.scoping import force_has_links
from sharing.models import EmergencyAccess, Share


def shares_received_by(user: User) -> QuerySet[Share]:
    """The active shares the user receives (the "Shared with my agency" list)."""
    return received_shares(user)


def active_emergency_access(user: User, child: Child) -> EmergencyAccess | None:
    """The user's emergency access to this child that is running now, if any (the latest to end)."""
    return active_emergency(user).filter(child=child).order_by("-expires_at").first()


def emergency_access_to_review_for(user: User) -> QuerySet[EmergencyAccess]:
    """Uses of emergency access the user reviews: a coordinator, those on their council's children (responsible
    or placement); an administrator, those made by their agency's users and those on their council's children."""
    if not can_see_cases(user):
        return EmergencyAccess.objects.none()
    grants = []
    if user.has_role(Role.COORDINATOR, Role.ADMINISTRATOR):
        grants.append(Q(child__responsible_council_id=user.agency_id) | Q(child__placement_council_id=user.agency_id))
    if user.has_role(Role.ADMINISTRATOR):
        grants.append(Q(user_agency_id=user.agency_id))
    return combine(EmergencyAccess.objects.all(), grants)


def can_review_emergency_access(user: User) -> bool:
    return can_see_cases(user) and user.has_role(Role.COORDINATOR, Role.ADMINISTRATOR)


def shares_for(user: User) -> QuerySet[Share]:
    """The share records the user may see: every share about the children of their council (council case
    roles), the shares they made, their force's shares of its intelligence (police), and the active shares
    they receive."""
    if not can_see_cases(user):
        return Share.objects.none()
    grants = []
    if user.has_role(*COUNCIL_CASE_ROLES):
        grants.append(Q(child__responsible_council_id=user.agency_id) | Q(child__placement_council_id=user.agency_id))
    if user.has_role(Role.POLICE):
        grants.append(Q(from_agency_id=user.agency_id, what=ShareWhat.POLICE_INTELLIGENCE))
    if user.has_role(*RECIPIENT_ROLES):
        grants.append(Q(shared_by_id=user.pk))
        grants.append(Q(pk__in=received_shares(user).values("pk")))
    return combine(Share.objects.all(), grants)


def get_share_for_user(user: User, share_id: object) -> Share:
    return get_or_404(
        shares_for(user).select_related(
            "child", "episode", "interview", "person", "to_agency", "to_user", "shared_by", "from_agency"
        ),
        share_id,
    )


def receives_share(user: User, share: Share) -> bool:
    return received_shares(user).filter(pk=share.pk).exists()


def works_for_childs_council(user: User, child: Child) -> bool:
    """A council case role (coordinator, social worker, manager) at the child's responsible or placement council."""
    return in_child_councils(user, child)


def can_share_about(user: User, child: Child) -> bool:
    """Whether the user may share anything about this child: council case roles of the child's councils; police
    whose force recorded persons or places linked to the child; the practitioner assigned one of its interviews."""
    if not can_see_cases(user):
        return False
    if in_child_councils(user, child):
        return True
    if user.has_role(Role.RHI_PRACTITIONER) and ReturnInterview.objects.filter(child=child, assigned_to=user).exists():
        return True
    return user.has_role(Role.POLICE) and force_has_links(user, child)


def can_share(
    user: User,
    child: Child,
    what: str,
    *,
    episode: MissingEpisode | None = None,
    interview: ReturnInterview | None = None,
    person: PersonOfConcern | None = None,
) -> bool:
    """Whether the user may share this item about this child.

    Council case roles of the child's councils share the child's episodes and interviews; the practitioner
    assigned an interview shares that interview; police share intelligence their own force recorded (a person
    of concern linked to the child, or the force's links for the child). A recipient never re-shares.
    """
    if not can_see_cases(user):
        return False
    if what == ShareWhat.EPISODE_SUMMARY:
        return episode is not None and episode.child_id == child.pk and in_child_councils(user, child)
    if what in INTERVIEW_SHARES:
        if interview is None or interview.child_id != child.pk:
            return False
        return in_child_councils(user, child) or (
            user.has_role(Role.RHI_PRACTITIONER) and interview.assigned_to_id == user.pk
        )
    if what == ShareWhat.INTERVIEW_INTELLIGENCE:
        # The coordinator of the child's councils, or the practitioner who holds the interview.
        if interview is None or interview.child_id != child.pk:
            return False
        return (user.has_role(Role.COORDINATOR) and in_child_councils(user, child)) or (
            user.has_role(Role.RHI_PRACTITIONER) and interview.assigned_to_id == user.pk
        )
    if what == ShareWhat.POLICE_INTELLIGENCE:
        if not user.has_role(Role.POLICE):
            return False
        if person is None:
            return force_has_links(user, child)
        return (
            person.owning_agency_id == user.agency_id
            and ChildPersonLink.objects.filter(child=child, person=person).exists()
        )
    return False


def can_withdraw_share(user: User, share: Share) -> bool:
    """Withdraw an active share: whoever made it; council case roles of the child's councils for the episodes
    and interviews they hold; police of the force that shared its intelligence."""
    if not can_see_cases(user) or not share.is_active():
        return False
    if share.shared_by_id == user.pk:
        return True
    if share.what == ShareWhat.POLICE_INTELLIGENCE:
        return user.has_role(Role.POLICE) and share.from_agency_id == user.agency_id
    return in_child_councils(user, share.child)


def intelligence_received_by(user: User) -> QuerySet[Share]:
    """The intelligence from return interviews the user's force received (active shares), for its police staff."""
    if not user.has_role(Role.POLICE):
        return Share.objects.none()
    return received_shares(user).filter(what=ShareWhat.INTERVIEW_INTELLIGENCE)


def may_acknowledge(user: User, share: Share) -> bool:
    """Whether the user is one who acknowledges this share: its recipient (for an agency, any of its receiving
    users); for intelligence from a return interview, the receiving force's police staff only."""
    if share.what == ShareWhat.INTERVIEW_INTELLIGENCE:
        return intelligence_received_by(user).filter(pk=share.pk).exists()
    return receives_share(user, share)


def can_acknowledge(user: User, share: Share) -> bool:
    """The Acknowledge button: for one who acknowledges the share, while nobody has."""
    return share.acknowledged_at is None and may_acknowledge(user, share)


def to_acknowledge_by(user: User) -> QuerySet[Share]:
    """The active shares received that wait for this user's acknowledgement (My work's task)."""
    waiting = received_shares(user).filter(acknowledged_at__isnull=True)
    if not user.has_role(Role.POLICE):
        waiting = waiting.exclude(what=ShareWhat.INTERVIEW_INTELLIGENCE)
    return waiting
