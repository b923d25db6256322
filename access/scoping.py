"""Who may see and do what: the only way views, the API and exports reach case records.

Deny by default: a user sees nothing unless one of their roles grants it. Every query of case data
starts from one of the `*_for(user)` querysets below, and single records are fetched with the
`get_*_for_user` helpers, which raise Http404 for a record the user may not see, so an outsider
cannot even learn that it exists.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from access.models import Role, User
from children.models import Child
from episodes.models import MissingEpisode
from interviews.models import ReturnInterview
from risk.models import Alert, Referral, Screening

COUNCIL_CASE_ROLES = (Role.COORDINATOR, Role.SOCIAL_WORKER, Role.TEAM_MANAGER)
EPISODE_EDITOR_ROLES = (*COUNCIL_CASE_ROLES, Role.POLICE)


def _council_children(user: User) -> Q:
    """Children the user's council is responsible for, and children placed in its area."""
    return Q(responsible_council_id=user.agency_id) | Q(placement_council_id=user.agency_id)


def _police_children(user: User) -> Q:
    """Children with an episode in the force's area, or living in a council area the force covers."""
    force_episode = MissingEpisode.objects.filter(child=OuterRef("pk"), police_force_id=user.agency_id)
    return Q(Exists(force_episode)) | Q(placement_council__police_force_id=user.agency_id)


def _assigned_children(user: User) -> Q:
    assigned = ReturnInterview.objects.filter(child=OuterRef("pk"), assigned_to=user)
    return Q(Exists(assigned))


def children_for(user: User) -> QuerySet[Child]:
    if not user.is_authenticated or not user.is_active or user.agency_id is None:
        return Child.objects.none()
    grants = []
    if user.has_role(*COUNCIL_CASE_ROLES):
        grants.append(_council_children(user))
    if user.has_role(Role.POLICE):
        grants.append(_police_children(user))
    if user.has_role(Role.SCHOOL_DSL):
        grants.append(Q(school_id=user.agency_id))
    if user.has_role(Role.RHI_PRACTITIONER):
        grants.append(_assigned_children(user))
    return _combine(Child.objects.all(), grants)


def episodes_for(user: User) -> QuerySet[MissingEpisode]:
    if not user.is_authenticated or not user.is_active or user.agency_id is None:
        return MissingEpisode.objects.none()
    grants = []
    if user.has_role(*COUNCIL_CASE_ROLES):
        grants.append(Q(child__responsible_council_id=user.agency_id) | Q(child__placement_council_id=user.agency_id))
    if user.has_role(Role.POLICE):
        grants.append(Q(police_force_id=user.agency_id))
    if user.has_role(Role.RHI_PRACTITIONER):
        assigned = ReturnInterview.objects.filter(episodes=OuterRef("pk"), assigned_to=user)
        grants.append(Q(Exists(assigned)))
    return _combine(MissingEpisode.objects.all(), grants)


def interviews_for(user: User) -> QuerySet[ReturnInterview]:
    if not user.is_authenticated or not user.is_active or user.agency_id is None:
        return ReturnInterview.objects.none()
    grants = []
    if user.has_role(*COUNCIL_CASE_ROLES):
        grants.append(Q(child__responsible_council_id=user.agency_id) | Q(child__placement_council_id=user.agency_id))
    if user.has_role(Role.RHI_PRACTITIONER):
        grants.append(Q(assigned_to=user))
    return _combine(ReturnInterview.objects.all(), grants)


def _combine(queryset: QuerySet, grants: list[Q]) -> QuerySet:
    if not grants:
        return queryset.none()
    combined = grants[0]
    for grant in grants[1:]:
        combined |= grant
    return queryset.filter(combined)


def _get_or_404(queryset: QuerySet, pk: object):
    try:
        return queryset.get(pk=int(pk))
    except (ValueError, TypeError, queryset.model.DoesNotExist):
        raise Http404("No such record, or you do not have access to it.") from None


def get_child_for_user(user: User, child_id: object) -> Child:
    return _get_or_404(
        children_for(user).select_related("responsible_council", "placement_council", "school", "social_worker"),
        child_id,
    )


def get_episode_for_user(user: User, episode_id: object) -> MissingEpisode:
    return _get_or_404(episodes_for(user).select_related("child", "police_force"), episode_id)


def get_interview_for_user(user: User, interview_id: object) -> ReturnInterview:
    return _get_or_404(
        interviews_for(user).select_related("child", "provider", "assigned_to").prefetch_related("factors"),
        interview_id,
    )


# --- What a user may do --------------------------------------------------------------------------


def can_report_missing(user: User) -> bool:
    return user.has_role(*EPISODE_EDITOR_ROLES)


def can_edit_episode(user: User, episode: MissingEpisode) -> bool:
    """Change the risk grade or record the return: council case roles, or the force that holds it."""
    if user.has_role(*COUNCIL_CASE_ROLES) and user.agency_id in (
        episode.child.responsible_council_id,
        episode.child.placement_council_id,
    ):
        return True
    return user.has_role(Role.POLICE) and episode.police_force_id == user.agency_id


def can_work_interview(user: User, interview: ReturnInterview) -> bool:
    """Record the offer, outcome and interview: the coordinator, or the practitioner assigned to it."""
    if interview.assigned_to_id == user.pk and user.has_role(Role.RHI_PRACTITIONER):
        return True
    return user.has_role(Role.COORDINATOR) and user.agency_id in (
        interview.child.responsible_council_id,
        interview.child.placement_council_id,
    )


def can_assign_interview(user: User, interview: ReturnInterview) -> bool:
    return user.has_role(Role.COORDINATOR) and user.agency_id in (
        interview.child.responsible_council_id,
        interview.child.placement_council_id,
    )


def can_add_child(user: User) -> bool:
    return user.has_role(Role.COORDINATOR, Role.SOCIAL_WORKER)


def sees_case_work(user: User) -> bool:
    """Whether the user has any role that works individual cases (and so a My work page)."""
    return user.has_role(*EPISODE_EDITOR_ROLES, Role.RHI_PRACTITIONER, Role.SCHOOL_DSL)


# --- Risk: alerts, exploitation screenings and referrals (the risk app) ---------------------------
# Council case roles see every alert on the children of their council (responsible or placement),
# whoever it is for; My work lists only those whose `for_role` the user holds (risk.selectors), and only
# a holder of that role may acknowledge one. Police see alerts on episodes their force holds, never
# those derived from a return interview (what the child said stays with social care). Screenings are
# social care's assessment: council case roles only. Referrals are multi-agency: council case roles of
# the child's councils, and police for the children they can see (and the referrals they made).


def _in_child_councils(user: User, child: Child) -> bool:
    return user.has_role(*COUNCIL_CASE_ROLES) and user.agency_id in (
        child.responsible_council_id,
        child.placement_council_id,
    )


def _can_see_cases(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.agency_id is not None


def alerts_for(user: User) -> QuerySet[Alert]:
    if not _can_see_cases(user):
        return Alert.objects.none()
    grants = []
    if user.has_role(*COUNCIL_CASE_ROLES):
        grants.append(Q(child__responsible_council_id=user.agency_id) | Q(child__placement_council_id=user.agency_id))
    if user.has_role(Role.POLICE):
        grants.append(Q(episode__police_force_id=user.agency_id, interview__isnull=True))
    return _combine(Alert.objects.all(), grants)


def screenings_for(user: User) -> QuerySet[Screening]:
    if not _can_see_cases(user):
        return Screening.objects.none()
    grants = []
    if user.has_role(*COUNCIL_CASE_ROLES):
        grants.append(Q(child__responsible_council_id=user.agency_id) | Q(child__placement_council_id=user.agency_id))
    return _combine(Screening.objects.all(), grants)


def referrals_for(user: User) -> QuerySet[Referral]:
    if not _can_see_cases(user):
        return Referral.objects.none()
    grants = []
    if user.has_role(*COUNCIL_CASE_ROLES):
        grants.append(Q(child__responsible_council_id=user.agency_id) | Q(child__placement_council_id=user.agency_id))
    if user.has_role(Role.POLICE):
        grants.append(Q(child__in=Child.objects.filter(_police_children(user)).values("pk")) | Q(made_by=user))
    return _combine(Referral.objects.all(), grants)


def get_alert_for_user(user: User, alert_id: object) -> Alert:
    return _get_or_404(alerts_for(user).select_related("child", "episode", "interview", "acknowledged_by"), alert_id)


def get_screening_for_user(user: User, screening_id: object) -> Screening:
    return _get_or_404(
        screenings_for(user).select_related("child", "screened_by").prefetch_related("indicators", "flags"),
        screening_id,
    )


def get_referral_for_user(user: User, referral_id: object) -> Referral:
    return _get_or_404(referrals_for(user).select_related("child", "made_by"), referral_id)


def sees_alerts(user: User) -> bool:
    """Whether the user has a role that sees any alerts (and so the alerts page)."""
    return user.has_role(*EPISODE_EDITOR_ROLES)


def can_acknowledge_alert(user: User, alert: Alert) -> bool:
    """Record the decision on an alert: a council case role of the child's councils holding the alert's role."""
    return _in_child_councils(user, alert.child) and user.has_role(alert.for_role)


def can_screen(user: User, child: Child) -> bool:
    """Record an exploitation screening: the coordinator, a social worker or manager of the child's councils."""
    return _in_child_councils(user, child)


def can_refer(user: User, child: Child) -> bool:
    """Refer to the MASH or the exploitation team: council case roles of the child's councils, and police
    for a child they can see."""
    if _in_child_councils(user, child):
        return True
    return user.has_role(Role.POLICE) and children_for(user).filter(pk=child.pk).exists()


def can_update_referral(user: User, referral: Referral) -> bool:
    """Record a referral's outcome: council case roles of the child's councils (the MASH and the exploitation
    team sit in the council), or whoever made it."""
    return _in_child_councils(user, referral.child) or (
        referral.made_by_id == user.pk and can_refer(user, referral.child)
    )
