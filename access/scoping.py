"""Who may see and do what: the only way views, the API and exports reach case records.

Deny by default: a user sees nothing unless one of their roles grants it. Every query of case data
starts from one of the `*_for(user)` querysets below, and single records are fetched with the
`get_*_for_user` helpers, which raise Http404 for a record the user may not see, so an outsider
cannot even learn that it exists.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from access.models import Agency, AgencyKind, AuditEvent, Role, User
from children.models import Child
from core.encryption import encrypted_fields
from episodes.models import MissingEpisode
from interviews.models import ReturnInterview
from network.models import ChildPersonLink, ChildPlaceLink, PersonOfConcern, Place
from reports.models import StoredReport
from risk.models import Alert, Referral, Screening
from sharing.codes import INTERVIEW_SHARES, ShareWhat
from sharing.models import EmergencyAccess, Share

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


def _own_child_grants(user: User, *, full_record_only: bool = False) -> list[Q]:
    """The children the user's own roles reach. A school's safeguarding lead sees their pupils' identifiers
    only, so `full_record_only` leaves that grant out."""
    grants = []
    if user.has_role(*COUNCIL_CASE_ROLES):
        grants.append(_council_children(user))
    if user.has_role(Role.POLICE):
        grants.append(_police_children(user))
    if user.has_role(Role.SCHOOL_DSL) and not full_record_only:
        grants.append(Q(school_id=user.agency_id))
    if user.has_role(Role.RHI_PRACTITIONER):
        grants.append(_assigned_children(user))
    return grants


def children_for(user: User) -> QuerySet[Child]:
    """Every child the user may see at least the identifiers of: through their own roles, through a share they
    received (the child's identifiers and the shared item only), or through active emergency access."""
    if not user.is_authenticated or not user.is_active or user.agency_id is None:
        return Child.objects.none()
    shared = _received_shares(user).filter(child=OuterRef("pk"))
    grants = [*_own_child_grants(user), *_granted_grants(user, shared=shared, child_ref="pk")]
    return _combine(Child.objects.all(), grants)


def caseload_children_for(user: User) -> QuerySet[Child]:
    """The children the user's own roles reach, without shares or emergency access: the children they may
    act on (report missing, link to persons and places, refer), not only read."""
    if not user.is_authenticated or not user.is_active or user.agency_id is None:
        return Child.objects.none()
    return _combine(Child.objects.all(), _own_child_grants(user))


def children_in_full_for(user: User) -> QuerySet[Child]:
    """Children whose whole record (care, placement, history, who it was shared with) the user sees: through
    their own case roles or active emergency access. A share, or a school's view of its pupils, shows the
    child's identifiers only."""
    if not user.is_authenticated or not user.is_active or user.agency_id is None:
        return Child.objects.none()
    grants = [*_own_child_grants(user, full_record_only=True), *_emergency_grants(user, child_ref="pk")]
    return _combine(Child.objects.all(), grants)


def children_with_record_for(user: User) -> QuerySet[Child]:
    """children_for without the children the user reaches only through a share: those whose child record
    (rather than only the shared item) the API gives them."""
    if not user.is_authenticated or not user.is_active or user.agency_id is None:
        return Child.objects.none()
    return _combine(Child.objects.all(), [*_own_child_grants(user), *_emergency_grants(user, child_ref="pk")])


def sees_full_child_record(user: User, child: Child) -> bool:
    return children_in_full_for(user).filter(pk=child.pk).exists()


def _own_episode_grants(user: User) -> list[Q]:
    """The episodes the user's own roles reach: their council's children's, their force's, and those covered by
    an interview assigned to them."""
    grants = []
    if user.has_role(*COUNCIL_CASE_ROLES):
        grants.append(Q(child__responsible_council_id=user.agency_id) | Q(child__placement_council_id=user.agency_id))
    if user.has_role(Role.POLICE):
        grants.append(Q(police_force_id=user.agency_id))
    if user.has_role(Role.RHI_PRACTITIONER):
        assigned = ReturnInterview.objects.filter(episodes=OuterRef("pk"), assigned_to=user)
        grants.append(Q(Exists(assigned)))
    return grants


def episodes_for(user: User) -> QuerySet[MissingEpisode]:
    """Every episode the user may see: through their own roles, an episode summary share, or emergency access.
    What they may read of it is `redact_episodes`."""
    if not user.is_authenticated or not user.is_active or user.agency_id is None:
        return MissingEpisode.objects.none()
    shared = _received_shares(user).filter(what=ShareWhat.EPISODE_SUMMARY, episode=OuterRef("pk"))
    grants = [*_own_episode_grants(user), *_granted_grants(user, shared=shared, child_ref="child")]
    return _combine(MissingEpisode.objects.all(), grants)


def episodes_in_full_for(user: User) -> QuerySet[MissingEpisode]:
    """The episodes whose free text (circumstances, who the child was found with, harm) the user may read:
    through their own roles or emergency access, not through an episode summary share."""
    if not user.is_authenticated or not user.is_active or user.agency_id is None:
        return MissingEpisode.objects.none()
    grants = [*_own_episode_grants(user), *_emergency_grants(user, child_ref="child")]
    return _combine(MissingEpisode.objects.all(), grants)


def interviews_for(user: User) -> QuerySet[ReturnInterview]:
    if not user.is_authenticated or not user.is_active or user.agency_id is None:
        return ReturnInterview.objects.none()
    grants = []
    if user.has_role(*COUNCIL_CASE_ROLES):
        grants.append(Q(child__responsible_council_id=user.agency_id) | Q(child__placement_council_id=user.agency_id))
    if user.has_role(Role.RHI_PRACTITIONER):
        grants.append(Q(assigned_to=user))
    # Both interview shares reach the interview; what the recipient may read of it is visible_interview_fields.
    shared = _received_shares(user).filter(what__in=INTERVIEW_SHARES, interview=OuterRef("pk"))
    grants.extend(_granted_grants(user, shared=shared, child_ref="child"))
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


def get_child_with_record_for_user(user: User, child_id: object) -> Child:
    """The child's record (not only a shared item about them): see children_with_record_for."""
    return _get_or_404(
        children_with_record_for(user).select_related(
            "responsible_council", "placement_council", "school", "social_worker"
        ),
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


# --- Persons of concern, places and their links to children (the network app) --------------------
# Police-only intelligence is visible only to these roles, and only in the force that recorded it.
POLICE_INTELLIGENCE_ROLES = (Role.POLICE,)
NETWORK_ROLES = (*COUNCIL_CASE_ROLES, *POLICE_INTELLIGENCE_ROLES)


@dataclass(frozen=True)
class ChildLinks:
    persons: QuerySet[ChildPersonLink]
    places: QuerySet[ChildPlaceLink]


def _sees_network(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.agency_id is not None and user.has_role(*NETWORK_ROLES)


def _intelligence_visible(user: User, prefix: str = "") -> Q:
    """Not police-only; or police-only, recorded by the user's own force, and the user is police."""
    visible = Q(**{f"{prefix}police_only": False})
    if user.has_role(*POLICE_INTELLIGENCE_ROLES):
        visible |= Q(**{f"{prefix}police_only": True, f"{prefix}owning_agency_id": user.agency_id})
    return visible


def _child_links(user: User, model: type, target: str) -> QuerySet:
    if not _sees_network(user):
        return model.objects.none()
    return model.objects.filter(
        _intelligence_visible(user),
        _intelligence_visible(user, f"{target}__"),
        child__in=caseload_children_for(user).values("pk"),
    )


def child_links_for(user: User) -> ChildLinks:
    """Links (active and ended) the user may see: to a child in their own caseload, and neither the link nor
    its person or place police-only intelligence of another agency."""
    return ChildLinks(
        persons=_child_links(user, ChildPersonLink, "person"), places=_child_links(user, ChildPlaceLink, "place")
    )


def persons_for(user: User) -> QuerySet[PersonOfConcern]:
    """Persons linked to a child in the user's caseload by a link they can see, and those their agency recorded;
    never another agency's police-only intelligence."""
    if not _sees_network(user):
        return PersonOfConcern.objects.none()
    linked = _child_links(user, ChildPersonLink, "person").filter(person=OuterRef("pk"))
    return PersonOfConcern.objects.filter(
        _intelligence_visible(user), Q(Exists(linked)) | Q(owning_agency_id=user.agency_id)
    )


def places_for(user: User) -> QuerySet[Place]:
    """Places linked to a child in the user's caseload by a link they can see, and those their agency recorded;
    never another agency's police-only intelligence."""
    if not _sees_network(user):
        return Place.objects.none()
    linked = _child_links(user, ChildPlaceLink, "place").filter(place=OuterRef("pk"))
    return Place.objects.filter(_intelligence_visible(user), Q(Exists(linked)) | Q(owning_agency_id=user.agency_id))


def network_episodes_for(user: User) -> QuerySet[MissingEpisode]:
    """The episodes pattern detection looks at: the user's episodes of children in their own caseload (not
    children they reach only through a share or emergency access)."""
    if not _sees_network(user):
        return MissingEpisode.objects.none()
    return episodes_for(user).filter(child__in=caseload_children_for(user).values("pk"))


def get_network_child_for_user(user: User, child_id: object) -> Child:
    """A child in the user's own caseload, whose persons and places they may see and link (else 404)."""
    if not _sees_network(user):
        raise Http404("No such record, or you do not have access to it.")
    return _get_or_404(caseload_children_for(user), child_id)


def get_person_for_user(user: User, person_id: object) -> PersonOfConcern:
    return _get_or_404(persons_for(user).select_related("owning_agency", "created_by"), person_id)


def get_place_for_user(user: User, place_id: object) -> Place:
    return _get_or_404(places_for(user).select_related("owning_agency", "created_by"), place_id)


def get_person_link_for_user(user: User, link_id: object) -> ChildPersonLink:
    return _get_or_404(child_links_for(user).persons.select_related("child", "person"), link_id)


def get_place_link_for_user(user: User, link_id: object) -> ChildPlaceLink:
    return _get_or_404(child_links_for(user).places.select_related("child", "place"), link_id)


def can_use_network(user: User) -> bool:
    """Record and see persons of concern, places, hotspots and the network: council case roles and police."""
    return _sees_network(user)


def can_record_police_intelligence(user: User) -> bool:
    return user.has_role(*POLICE_INTELLIGENCE_ROLES)


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
    return user.has_role(Role.POLICE) and caseload_children_for(user).filter(pk=child.pk).exists()


def can_update_referral(user: User, referral: Referral) -> bool:
    """Record a referral's outcome: council case roles of the child's councils (the MASH and the exploitation
    team sit in the council), or whoever made it."""
    return _in_child_councils(user, referral.child) or (
        referral.made_by_id == user.pk and can_refer(user, referral.child)
    )


# --- Philomena profiles (the philomena app) -------------------------------------------------------
# The profile is held by the child's councils and kept for police: council case roles of the child's
# councils see and edit it; police see it (and produce the grab-pack) for a child they can see, that is
# one living in their force's area or with an episode their force holds, but never change it. Nobody
# else sees it.


def can_view_profile(user: User, child: Child) -> bool:
    if not _can_see_cases(user):
        return False
    if _in_child_councils(user, child):
        return True
    return user.has_role(Role.POLICE) and caseload_children_for(user).filter(pk=child.pk).exists()


def can_edit_profile(user: User, child: Child) -> bool:
    return _can_see_cases(user) and _in_child_councils(user, child)


# --- Auditors and subject access (the governance app) ---------------------------------------------
# An auditor (council or police force) reads the audit trail, never case records: the events of their own
# agency's users, and (at a council) every event about a child the council is responsible for or who is
# placed in its area, whoever did it. Subject access exports go to the coordinator of the child's councils.


def is_auditor(user: User) -> bool:
    return _can_see_cases(user) and user.has_role(Role.AUDITOR)


def audit_children_for(user: User) -> QuerySet[Child]:
    """The children whose audit trail the auditor may read: their council's children (none for police)."""
    if not is_auditor(user):
        return Child.objects.none()
    return Child.objects.filter(_council_children(user))


def audit_events_for(user: User) -> QuerySet[AuditEvent]:
    if not is_auditor(user):
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(
        Q(actor__agency_id=user.agency_id) | Q(child_id__in=audit_children_for(user).values("pk"))
    )


def get_child_for_auditor(user: User, child_id: object) -> Child:
    return _get_or_404(audit_children_for(user), child_id)


def can_export_subject_access(user: User, child: Child) -> bool:
    """Produce a subject access export of everything held about a child: the coordinator of their councils."""
    return (
        _can_see_cases(user)
        and user.has_role(Role.COORDINATOR)
        and user.agency_id in (child.responsible_council_id, child.placement_council_id)
    )


# --- Shares and emergency ("break-glass") access (the sharing app) ----------------------------------
# An active share (not withdrawn, not expired) lets its recipient read exactly the shared item and the
# child's identifiers: a named user, or the users of the recipient agency who hold the role that agency's
# shares go to. A school's safeguarding lead receives shares about the school's own pupils only. Active
# emergency access lets the user read the child's record, episodes and interview summaries until it ends.
# Neither lets anyone change anything: the can_* rules above look at the user's own roles only.

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

# The interview's free text (what the child said, the notes, why it was not offered): every EncryptedTextField.
INTERVIEW_FREE_TEXT_FIELDS = frozenset(encrypted_fields(ReturnInterview))
# What an interview summary shows: the dates, the people, the outcome, coded factors and consent.
INTERVIEW_SUMMARY_FIELDS = frozenset(
    {
        "id",
        "version",
        "child",
        "episodes",
        "due_by",
        "provider",
        "assigned_to",
        "offered_at",
        "offered_by",
        "outcome",
        "completed_at",
        "completed_by",
        "consent_to_share",
        "push_factors",
        "pull_factors",
        "disclosures",
        "status",
        "created_at",
        "updated_at",
    }
)
ALL_INTERVIEW_FIELDS = INTERVIEW_SUMMARY_FIELDS | INTERVIEW_FREE_TEXT_FIELDS


def receives_shares(user: User) -> bool:
    return _can_see_cases(user) and user.has_role(*RECIPIENT_ROLES)


def _received_shares(user: User, now=None) -> QuerySet[Share]:
    """Active shares whose recipient is this user: by name, or their agency when they hold the role that
    agency's shares go to. At a school, only shares about the school's pupils."""
    if not receives_shares(user):
        return Share.objects.none()
    recipient = Q(to_user_id=user.pk)
    agency_kind = user.agency.kind
    if user.has_role(*SHARE_RECEIVING_ROLES.get(agency_kind, ())):
        recipient |= Q(to_agency_id=user.agency_id)
    shares = Share.objects.active(now).filter(recipient)
    if agency_kind == AgencyKind.SCHOOL:
        shares = shares.filter(child__school_id=user.agency_id)
    return shares


def shares_received_by(user: User) -> QuerySet[Share]:
    """The active shares the user receives (the "Shared with my agency" list)."""
    return _received_shares(user)


def _active_emergency(user: User) -> QuerySet[EmergencyAccess]:
    if not (_can_see_cases(user) and user.has_role(*BREAK_GLASS_ROLES)):
        return EmergencyAccess.objects.none()
    return EmergencyAccess.objects.active().filter(user_id=user.pk)


def _emergency_grants(user: User, *, child_ref: str) -> list[Q]:
    if not (_can_see_cases(user) and user.has_role(*BREAK_GLASS_ROLES)):
        return []
    return [Q(Exists(_active_emergency(user).filter(child=OuterRef(child_ref))))]


def _granted_grants(user: User, *, shared: QuerySet[Share], child_ref: str) -> list[Q]:
    """The grants a received share (`shared`, correlated to the outer row) and emergency access add."""
    grants = [Q(Exists(shared))] if receives_shares(user) else []
    return grants + _emergency_grants(user, child_ref=child_ref)


def active_emergency_access(user: User, child: Child) -> EmergencyAccess | None:
    """The user's emergency access to this child that is running now, if any (the latest to end)."""
    return _active_emergency(user).filter(child=child).order_by("-expires_at").first()


def can_request_emergency_access(user: User) -> bool:
    return _can_see_cases(user) and user.has_role(*BREAK_GLASS_ROLES)


def emergency_access_to_review_for(user: User) -> QuerySet[EmergencyAccess]:
    """Uses of emergency access the user reviews: a coordinator, those on their council's children (responsible
    or placement); an administrator, those made by their agency's users and those on their council's children."""
    if not _can_see_cases(user):
        return EmergencyAccess.objects.none()
    grants = []
    if user.has_role(Role.COORDINATOR, Role.ADMINISTRATOR):
        grants.append(Q(child__responsible_council_id=user.agency_id) | Q(child__placement_council_id=user.agency_id))
    if user.has_role(Role.ADMINISTRATOR):
        grants.append(Q(user_agency_id=user.agency_id))
    return _combine(EmergencyAccess.objects.all(), grants)


def can_review_emergency_access(user: User) -> bool:
    return _can_see_cases(user) and user.has_role(Role.COORDINATOR, Role.ADMINISTRATOR)


def shares_for(user: User) -> QuerySet[Share]:
    """The share records the user may see: every share about the children of their council (council case
    roles), the shares they made, their force's shares of its intelligence (police), and the active shares
    they receive."""
    if not _can_see_cases(user):
        return Share.objects.none()
    grants = []
    if user.has_role(*COUNCIL_CASE_ROLES):
        grants.append(Q(child__responsible_council_id=user.agency_id) | Q(child__placement_council_id=user.agency_id))
    if user.has_role(Role.POLICE):
        grants.append(Q(from_agency_id=user.agency_id, what=ShareWhat.POLICE_INTELLIGENCE))
    if user.has_role(*RECIPIENT_ROLES):
        grants.append(Q(shared_by_id=user.pk))
        grants.append(Q(pk__in=_received_shares(user).values("pk")))
    return _combine(Share.objects.all(), grants)


def get_share_for_user(user: User, share_id: object) -> Share:
    return _get_or_404(
        shares_for(user).select_related(
            "child", "episode", "interview", "person", "to_agency", "to_user", "shared_by", "from_agency"
        ),
        share_id,
    )


def receives_share(user: User, share: Share) -> bool:
    return _received_shares(user).filter(pk=share.pk).exists()


def works_for_childs_council(user: User, child: Child) -> bool:
    """A council case role (coordinator, social worker, manager) at the child's responsible or placement council."""
    return _in_child_councils(user, child)


def can_share_about(user: User, child: Child) -> bool:
    """Whether the user may share anything about this child: council case roles of the child's councils; police
    whose force recorded persons or places linked to the child; the practitioner assigned one of its interviews."""
    if not _can_see_cases(user):
        return False
    if _in_child_councils(user, child):
        return True
    if user.has_role(Role.RHI_PRACTITIONER) and ReturnInterview.objects.filter(child=child, assigned_to=user).exists():
        return True
    return user.has_role(Role.POLICE) and _force_has_links(user, child)


def _force_has_links(user: User, child: Child) -> bool:
    """Whether the user's force recorded any person or place link for the child."""
    return (
        ChildPersonLink.objects.filter(child=child, owning_agency_id=user.agency_id).exists()
        or ChildPlaceLink.objects.filter(child=child, owning_agency_id=user.agency_id).exists()
    )


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
    if not _can_see_cases(user):
        return False
    if what == ShareWhat.EPISODE_SUMMARY:
        return episode is not None and episode.child_id == child.pk and _in_child_councils(user, child)
    if what in INTERVIEW_SHARES:
        if interview is None or interview.child_id != child.pk:
            return False
        return _in_child_councils(user, child) or (
            user.has_role(Role.RHI_PRACTITIONER) and interview.assigned_to_id == user.pk
        )
    if what == ShareWhat.POLICE_INTELLIGENCE:
        if not user.has_role(Role.POLICE):
            return False
        if person is None:
            return _force_has_links(user, child)
        return (
            person.owning_agency_id == user.agency_id
            and ChildPersonLink.objects.filter(child=child, person=person).exists()
        )
    return False


def can_withdraw_share(user: User, share: Share) -> bool:
    """Withdraw an active share: whoever made it; council case roles of the child's councils for the episodes
    and interviews they hold; police of the force that shared its intelligence."""
    if not _can_see_cases(user) or not share.is_active():
        return False
    if share.shared_by_id == user.pk:
        return True
    if share.what == ShareWhat.POLICE_INTELLIGENCE:
        return user.has_role(Role.POLICE) and share.from_agency_id == user.agency_id
    return _in_child_councils(user, share.child)


def _sees_interview_free_text_by_role(user: User, interview: ReturnInterview) -> bool:
    """Council case roles of the child's councils, and the practitioner assigned to the interview."""
    if user.has_role(Role.RHI_PRACTITIONER) and interview.assigned_to_id == user.pk:
        return True
    return _in_child_councils(user, interview.child)


def visible_interview_fields(user: User, interview: ReturnInterview) -> frozenset[str]:
    """The one rule for which parts of a return interview a user may see, used by every page, API response
    and export that shows interview content.

    Everything (including the free text: what the child said, the notes) for council case roles of the child's
    councils, the assigned practitioner, and recipients of an active `full_interview` share; the summary (dates,
    outcome, coded factors, consent) for anyone else who can see the interview (an `interview_summary` share,
    emergency access); nothing for anyone who cannot see it.
    """
    if not _can_see_cases(user):
        return frozenset()
    if _sees_interview_free_text_by_role(user, interview):
        return ALL_INTERVIEW_FIELDS
    if not interviews_for(user).filter(pk=interview.pk).exists():
        return frozenset()
    if _received_shares(user).filter(what=ShareWhat.FULL_INTERVIEW, interview_id=interview.pk).exists():
        return ALL_INTERVIEW_FIELDS
    return INTERVIEW_SUMMARY_FIELDS


def redact_interview(user: User, interview: ReturnInterview) -> ReturnInterview:
    """Set each free-text field the user may not see to None on this in-memory interview, and list them in
    `withheld_fields`. The columns are NOT NULL, so a redacted interview can never be saved over the real one."""
    withheld = INTERVIEW_FREE_TEXT_FIELDS - visible_interview_fields(user, interview)
    for name in withheld:
        setattr(interview, name, None)
    interview.withheld_fields = sorted(withheld)
    return interview


# The episode's free text (the circumstances, who the child was found with, harm on return: every
# EncryptedTextField of the episode) and the reasons given for its risk grades. An episode summary share shows
# the rest (dates, places, who reported, police force and reference, risk grades, how the child was found).
EPISODE_FREE_TEXT_FIELDS = frozenset(encrypted_fields(MissingEpisode))
RISK_CHANGE_REASONS = "risk_change_reasons"
EPISODE_WORDS = EPISODE_FREE_TEXT_FIELDS | {RISK_CHANGE_REASONS}


def redact_episodes(user: User, episodes: Iterable[MissingEpisode]) -> list[MissingEpisode]:
    """The one rule for what of a missing episode a user may read, used by every page and API response that
    shows an episode: the whole episode for those who reach it through their own roles or emergency access
    (`episodes_in_full_for`); without its free text for the recipient of an episode summary share.

    Sets each withheld field to None on these in-memory episodes and lists them in `withheld_fields` (with
    `RISK_CHANGE_REASONS` when the reasons for the risk grades are withheld too). The
    columns are NOT NULL, so a redacted episode can never be saved over the real one.
    """
    episodes = list(episodes)
    full = set(episodes_in_full_for(user).filter(pk__in=[e.pk for e in episodes]).values_list("pk", flat=True))
    for episode in episodes:
        withheld = frozenset() if episode.pk in full else EPISODE_WORDS
        for name in withheld & EPISODE_FREE_TEXT_FIELDS:
            setattr(episode, name, None)
        # `risk_change_reasons` listed here means: show each risk grade change without its reason.
        episode.withheld_fields = sorted(withheld)
    return episodes


def redact_episode(user: User, episode: MissingEpisode) -> MissingEpisode:
    return redact_episodes(user, [episode])[0]


# --- Analytics: the dashboard and the data quality list (the analytics app) -------------------------
# The dashboard shows aggregate figures only, never a name: a council's, for its analysts, coordinators and
# team managers (the children it is responsible for, optionally with those placed in its area); a police
# force's, for its analysts and police staff (the episodes the force holds); and the regional view across
# every council on this Homeward, for users given the per-user permission below (a grant to a few named
# people, not a job role: `manage.py regional_access grant USERNAME`). The data quality list names records
# to fix (by council child ID) and links to them: the coordinator's, for their council's children.
DASHBOARD_COUNCIL_ROLES = (Role.ANALYST, Role.COORDINATOR, Role.TEAM_MANAGER)
DASHBOARD_POLICE_ROLES = (Role.ANALYST, Role.POLICE)
REGIONAL_DASHBOARD_PERMISSION = "analytics.view_regional_dashboard"
DASHBOARD_SCOPES = ("council", "police", "regional")


def dashboard_scopes(user: User) -> list[str]:
    """The dashboards the user may open: "council" or "police" (their own agency's), and "regional"."""
    if not (user.is_authenticated and user.is_active):
        return []
    scopes = []
    if user.agency_id is not None:
        kind = user.agency.kind
        if kind == AgencyKind.COUNCIL and user.has_role(*DASHBOARD_COUNCIL_ROLES):
            scopes.append("council")
        if kind == AgencyKind.POLICE and user.has_role(*DASHBOARD_POLICE_ROLES):
            scopes.append("police")
    if user.has_perm(REGIONAL_DASHBOARD_PERMISSION):
        scopes.append("regional")
    return scopes


def can_view_dashboard(user: User, scope: str) -> bool:
    return scope in dashboard_scopes(user)


def can_view_data_quality(user: User) -> bool:
    """The data quality list: a council's coordinator (it links to records they can correct)."""
    return _can_see_cases(user) and user.has_role(Role.COORDINATOR) and user.agency.kind == AgencyKind.COUNCIL


# --- Partnership reports (the reports app) ----------------------------------------------------------
# A council's monthly and annual reports hold exactly the council dashboard's figures, so exactly the people
# who may see that council's dashboard may produce and download them: the council's own dashboard users (its
# analysts, coordinators and team managers) and holders of the regional dashboard permission (whose regional
# view can be narrowed to any council).


def report_councils(user: User) -> QuerySet:
    """The councils whose partnership reports the user may produce and download (none: the pages are 403)."""
    scopes = dashboard_scopes(user)
    councils = Agency.objects.filter(kind=AgencyKind.COUNCIL).order_by("name")
    if "regional" in scopes:
        return councils
    if "council" in scopes:
        return councils.filter(pk=user.agency_id)
    return councils.none()


def stored_reports_for(user: User) -> QuerySet[StoredReport]:
    """The stored partnership reports of the councils whose reports the user may see."""
    return StoredReport.objects.filter(council__in=report_councils(user)).select_related("council")


def get_stored_report_for_user(user: User, report_id: object) -> StoredReport:
    return _get_or_404(stored_reports_for(user), report_id)


def can_view_reports(user: User) -> bool:
    """Whether the user may see any council's reports (the reports pages answer 403 otherwise)."""
    return bool({"council", "regional"} & set(dashboard_scopes(user)))
