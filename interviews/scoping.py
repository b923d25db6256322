"""Who may see which return interviews, which of their fields, and who may work or assign one: the interviews
app's scoped lookups, built on the kernel (`access.scoping`)."""

from django.db.models import OuterRef, Q, QuerySet

from access import share_kinds
from access.models import Role, User
from access.scoping import (
    COUNCIL_CASE_ROLES,
    can_see_cases,
    combine,
    combine_each,
    get_or_404,
    granted_grants,
    in_child_councils,
    received_shares,
)
from interviews.models import InterviewQuerySet, ReturnInterview
from interviews.shareable import (
    ALL_INTERVIEW_FIELDS,
    INTERVIEW,
    INTERVIEW_FREE_TEXT_FIELDS,
    INTERVIEW_SHARES,
    INTERVIEW_SUMMARY_FIELDS,
)


def _grants(user: User) -> list[Q]:
    """What reaches an interview: the child's councils' case roles, the practitioner it is assigned to, an
    interview share the user received and emergency access. None without an agency (deny by default)."""
    if not user.is_authenticated or not user.is_active or user.agency_id is None:
        return []
    grants = []
    if user.has_role(*COUNCIL_CASE_ROLES):
        grants.append(Q(child__responsible_council_id=user.agency_id) | Q(child__placement_council_id=user.agency_id))
    if user.has_role(Role.RHI_PRACTITIONER):
        grants.append(Q(assigned_to=user))
    # Both interview shares reach the interview; what the recipient may read of it is visible_interview_fields.
    shared = received_shares(user).filter(what__in=INTERVIEW_SHARES, interview=OuterRef("pk"))
    grants.extend(granted_grants(user, shared=shared, child_ref="child"))
    return grants


def interviews_for(user: User) -> InterviewQuerySet:
    return combine(ReturnInterview.objects.all(), _grants(user))


def interviews_among(user: User, interviews: QuerySet[ReturnInterview]) -> QuerySet[ReturnInterview]:
    """The interviews of `interviews` that interviews_for(user) holds, found grant by grant (access.scoping's
    combine_each): for counting and paging a subset at scale, such as My work's interviews to offer."""
    return combine_each(interviews, _grants(user))


def get_interview_for_user(user: User, interview_id: object) -> ReturnInterview:
    return get_or_404(
        interviews_for(user).select_related("child", "provider", "assigned_to").prefetch_related("factors"),
        interview_id,
    )


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


# What each interview share shows its recipient (INTERVIEW_SUMMARY_FIELDS, ALL_INTERVIEW_FIELDS) is registered
# with the kinds in interviews.shareable.


def _sees_interview_free_text_by_role(user: User, interview: ReturnInterview) -> bool:
    """Council case roles of the child's councils, and the practitioner assigned to the interview."""
    if user.has_role(Role.RHI_PRACTITIONER) and interview.assigned_to_id == user.pk:
        return True
    return in_child_councils(user, interview.child)


def visible_interview_fields(user: User, interview: ReturnInterview) -> frozenset[str]:
    """The one rule for which parts of a return interview a user may see, used by every page, API response
    and export that shows interview content.

    Everything (including the free text: what the child said, the notes) for council case roles of the child's
    councils, the assigned practitioner, and recipients of an active `full_interview` share; the summary (dates,
    outcome, coded factors, consent) for anyone else who can see the interview (an `interview_summary` share,
    emergency access); nothing for anyone who cannot see it.
    """
    if not can_see_cases(user):
        return frozenset()
    if _sees_interview_free_text_by_role(user, interview):
        return ALL_INTERVIEW_FIELDS
    if not interviews_for(user).filter(pk=interview.pk).exists():
        return frozenset()
    # Whatever reaches the interview shows its summary; each share of it received adds what its kind shows.
    # (Intelligence from a return interview names the interview but reaches none of it: INTERVIEW_SHARES only.)
    received = set(
        received_shares(user)
        .filter(what__in=INTERVIEW_SHARES, interview_id=interview.pk)
        .values_list("what", flat=True)
    )
    shown = [kind.receiver_fields for kind in share_kinds.kinds_of(INTERVIEW) if kind.code in received]
    return INTERVIEW_SUMMARY_FIELDS.union(*shown)


def redact_interview(user: User, interview: ReturnInterview) -> ReturnInterview:
    """Set each free-text field the user may not see to None on this in-memory interview, and list them in
    `withheld_fields`. The columns are NOT NULL, so a redacted interview can never be saved over the real one."""
    withheld = INTERVIEW_FREE_TEXT_FIELDS - visible_interview_fields(user, interview)
    for name in withheld:
        setattr(interview, name, None)
    interview.withheld_fields = sorted(withheld)
    return interview
