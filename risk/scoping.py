"""Who may see and work alerts, exploitation screenings and referrals: the risk app's scoped lookups, built on
the kernel (`access.scoping`).

Council case roles see every alert on the children of their council (responsible or placement),
whoever it is for; My work lists only those whose `for_role` the user holds (risk.selectors), and only
a holder of that role may acknowledge one. Police see alerts on episodes their force holds, never
those derived from a return interview (what the child said stays with social care). Screenings are
social care's assessment: council case roles only. Referrals are multi-agency: council case roles of
the child's councils, and police for the children they can see (and the referrals they made).
"""

from django.db.models import Q, QuerySet

from access.models import Role, User
from access.scoping import (
    COUNCIL_CASE_ROLES,
    EPISODE_EDITOR_ROLES,
    can_see_cases,
    combine,
    get_or_404,
    in_child_councils,
    police_children,
)
from children.models import Child
from children.scoping import in_caseload
from risk.models import Alert, AlertQuerySet, Referral, ReferralQuerySet, Screening


def alerts_for(user: User) -> AlertQuerySet:
    if not can_see_cases(user):
        return Alert.objects.none()
    grants = []
    if user.has_role(*COUNCIL_CASE_ROLES):
        grants.append(Q(child__responsible_council_id=user.agency_id) | Q(child__placement_council_id=user.agency_id))
    if user.has_role(Role.POLICE):
        grants.append(Q(episode__police_force_id=user.agency_id, interview__isnull=True))
    return combine(Alert.objects.all(), grants)


def screenings_for(user: User) -> QuerySet[Screening]:
    if not can_see_cases(user):
        return Screening.objects.none()
    grants = []
    if user.has_role(*COUNCIL_CASE_ROLES):
        grants.append(Q(child__responsible_council_id=user.agency_id) | Q(child__placement_council_id=user.agency_id))
    return combine(Screening.objects.all(), grants)


def referrals_for(user: User) -> ReferralQuerySet:
    if not can_see_cases(user):
        return Referral.objects.none()
    grants = []
    if user.has_role(*COUNCIL_CASE_ROLES):
        grants.append(Q(child__responsible_council_id=user.agency_id) | Q(child__placement_council_id=user.agency_id))
    if user.has_role(Role.POLICE):
        grants.append(Q(child__in=Child.objects.filter(police_children(user)).values("pk")) | Q(made_by=user))
    return combine(Referral.objects.all(), grants)


def get_alert_for_user(user: User, alert_id: object) -> Alert:
    return get_or_404(alerts_for(user).select_related("child", "episode", "interview", "acknowledged_by"), alert_id)


def get_screening_for_user(user: User, screening_id: object) -> Screening:
    return get_or_404(
        screenings_for(user).select_related("child", "screened_by").prefetch_related("indicators", "flags"),
        screening_id,
    )


def get_referral_for_user(user: User, referral_id: object) -> Referral:
    return get_or_404(referrals_for(user).select_related("child", "made_by"), referral_id)


def sees_alerts(user: User) -> bool:
    """Whether the user has a role that sees any alerts (and so the alerts page)."""
    return user.has_role(*EPISODE_EDITOR_ROLES)


def can_acknowledge_alert(user: User, alert: Alert) -> bool:
    """Record the decision on an alert: a council case role of the child's councils holding the alert's role."""
    return in_child_councils(user, alert.child) and user.has_role(alert.for_role)


def can_screen(user: User, child: Child) -> bool:
    """Record an exploitation screening: the coordinator, a social worker or manager of the child's councils."""
    return in_child_councils(user, child)


def can_refer(user: User, child: Child) -> bool:
    """Refer to the MASH or the exploitation team: council case roles of the child's councils, and police
    for a child they can see."""
    if in_child_councils(user, child):
        return True
    return user.has_role(Role.POLICE) and in_caseload(user, child.pk)


def can_update_referral(user: User, referral: Referral) -> bool:
    """Record a referral's outcome: council case roles of the child's councils (the MASH and the exploitation
    team sit in the council), or whoever made it."""
    return in_child_councils(user, referral.child) or (
        referral.made_by_id == user.pk and can_refer(user, referral.child)
    )
