"""Who may see, make and withdraw shares, and use or review emergency ("break-glass") access: the sharing app's
rules, built on the kernel (`access.scoping`), which holds the relation itself (who receives an active share,
whose emergency access is running)."""

from django.db.models import Model, Q, QuerySet

from access import share_kinds
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
from children.models import Child
from sharing.models import EmergencyAccess, Share
from sharing.shareable import INTERVIEW_INTELLIGENCE


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
    roles), the shares they made, their agency's shares of the kinds its role holds (police: their force's
    intelligence, `ShareKind.held_by_sharing_agency`), and the active shares they receive."""
    if not can_see_cases(user):
        return Share.objects.none()
    grants = []
    if user.has_role(*COUNCIL_CASE_ROLES):
        grants.append(Q(child__responsible_council_id=user.agency_id) | Q(child__placement_council_id=user.agency_id))
    held = [kind.code for kind in share_kinds.kinds() if user.has_role(*kind.held_by_sharing_agency)]
    if held:
        grants.append(Q(from_agency_id=user.agency_id, what__in=held))
    if user.has_role(*RECIPIENT_ROLES):
        grants.append(Q(shared_by_id=user.pk))
        grants.append(Q(pk__in=received_shares(user).values("pk")))
    return combine(Share.objects.all(), grants)


def get_share_for_user(user: User, share_id: object) -> Share:
    return get_or_404(
        shares_for(user).select_related(
            "child", *(item.field for item in share_kinds.items()), "to_agency", "to_user", "shared_by", "from_agency"
        ),
        share_id,
    )


def receives_share(user: User, share: Share) -> bool:
    return received_shares(user).filter(pk=share.pk).exists()


def works_for_childs_council(user: User, child: Child) -> bool:
    """A council case role (coordinator, social worker, manager) at the child's responsible or placement council."""
    return in_child_councils(user, child)


def can_share_about(user: User, child: Child) -> bool:
    """Whether the user may share anything about this child, as the apps that own the shareable items say
    (`ShareableItem.may_share_about`): council case roles of the child's councils; the practitioner assigned one of
    its interviews; police whose force recorded persons or places linked to the child."""
    if not can_see_cases(user):
        return False
    return any(item.may_share_about(user, child) for item in share_kinds.items())


def can_share(user: User, child: Child, what: str, item: Model | None = None, **items: Model | None) -> bool:
    """Whether the user may share this item about this child: the rule of the app that owns the kind
    (`ShareKind.may_share`, in `<app>/shareable.py`). The item is given as `item`, or by its column name
    (`episode=...`); a user who cannot see cases, and a recipient, never share.
    """
    kind = share_kinds.kind(what)
    if not can_see_cases(user) or kind is None:
        return False
    if item is None and kind.item is not None:
        item = items.get(kind.item)
    return kind.may_share(user, child, item)


def can_withdraw_share(user: User, share: Share) -> bool:
    """Withdraw an active share: whoever made it; the roles of the sharing agency that hold its kind (police, the
    intelligence their force shared); otherwise council case roles of the child's councils."""
    if not can_see_cases(user) or not share.is_active():
        return False
    if share.shared_by_id == user.pk:
        return True
    kind = share_kinds.kind(share.what)
    if kind is not None and kind.held_by_sharing_agency:
        return user.has_role(*kind.held_by_sharing_agency) and share.from_agency_id == user.agency_id
    return in_child_councils(user, share.child)


def intelligence_received_by(user: User) -> QuerySet[Share]:
    """The intelligence from return interviews the user's force received (active shares), for its police staff."""
    if not user.has_role(Role.POLICE):
        return Share.objects.none()
    return received_shares(user).filter(what=INTERVIEW_INTELLIGENCE)


def may_acknowledge(user: User, share: Share) -> bool:
    """Whether the user is one who acknowledges this share: its recipient (for an agency, any of its receiving
    users); for intelligence from a return interview, the receiving force's police staff only."""
    if share.what == INTERVIEW_INTELLIGENCE:
        return intelligence_received_by(user).filter(pk=share.pk).exists()
    return receives_share(user, share)


def can_acknowledge(user: User, share: Share) -> bool:
    """The Acknowledge button: for one who acknowledges the share, while nobody has."""
    return share.acknowledged_at is None and may_acknowledge(user, share)


def to_acknowledge_by(user: User) -> QuerySet[Share]:
    """The active shares received that wait for this user's acknowledgement (My work's task)."""
    waiting = received_shares(user).filter(acknowledged_at__isnull=True)
    if not user.has_role(Role.POLICE):
        waiting = waiting.exclude(what=INTERVIEW_INTELLIGENCE)
    return waiting
