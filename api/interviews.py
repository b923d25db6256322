"""/return-interviews: return home interviews, from the offer to the write-up."""

from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeAlias

from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from access.models import User
from api.auth import ApiRequest, scoped
from api.errors import ActionValidationError
from api.reading import audit_list_read, audit_record_read, list_page
from api.schemas import (
    AgencyRef,
    AwareDateTime,
    BodyIn,
    ChildRef,
    FilterId,
    ListQuery,
    Page,
    PersonRef,
    RecordId,
    Version,
    blank_to_none,
    coded,
    error_responses,
    text,
)
from interviews.actions import assign_interview, record_interview, record_offer
from interviews.codes import ConsentToShare, Disclosure, FactorKind, Outcome, PullFactor, PushFactor
from interviews.models import InterviewQuerySet, InterviewStatus, ReturnInterview
from interviews.scoping import (
    can_assign_interview,
    can_work_interview,
    get_interview_for_user,
    interviews_for,
    redact_interview,
)

router = Router(tags=["Return interviews"], auth=scoped("interviews"))

# Fields whose type is built at import (the codes of a coded list, a column's maximum length): pydantic reads the
# Annotated types below; to the type checker each is the str it holds.
if TYPE_CHECKING:
    StatusCode: TypeAlias = str
    OutcomeCode: TypeAlias = str
    ConsentCode: TypeAlias = str
    PushCode: TypeAlias = str
    PullCode: TypeAlias = str
    DisclosureCode: TypeAlias = str
    OfferedByText: TypeAlias = str
else:
    StatusCode = coded(
        InterviewStatus,
        "`due` and `overdue`: not yet offered, before or after the deadline; `offered`: offered, no answer yet; "
        "`accepted`: accepted, not yet written up; `closed`: declined, no contact or not offered.",
    )
    OutcomeCode = coded(Outcome)
    ConsentCode = coded(ConsentToShare)
    PushCode = coded(PushFactor)
    PullCode = coded(PullFactor)
    DisclosureCode = coded(Disclosure)
    OfferedByText = text(ReturnInterview, "offered_by")
NOT_FOUND_PRACTITIONER = "Choose an active return interview practitioner from the provider"


class InterviewOut(Schema):
    """A return interview without what the child said: lists never carry the sensitive content."""

    id: int
    version: int = Field(description="Send this back with any change to the interview")
    child: ChildRef
    episode_ids: list[int] = Field(description="The missing episodes the interview covers")
    status: StatusCode
    due_by: datetime = Field(description="The child's return plus the statutory period")
    provider: AgencyRef | None
    assigned_to: PersonRef | None
    offered_at: datetime | None
    offered_by: str
    offered_in_time: bool | None = Field(description="Whether the offer was made by the deadline; null if no offer")
    outcome: OutcomeCode | None
    completed_at: datetime | None
    completed_by: PersonRef | None
    consent_to_share: ConsentCode | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_episode_ids(obj: ReturnInterview) -> list[int]:
        return sorted(episode.pk for episode in obj.episodes.all())

    @staticmethod
    def resolve_status(obj: ReturnInterview) -> str:
        return obj.status()

    @staticmethod
    def resolve_outcome(obj: ReturnInterview) -> str | None:
        return blank_to_none(obj.outcome)

    @staticmethod
    def resolve_consent_to_share(obj: ReturnInterview) -> str | None:
        return blank_to_none(obj.consent_to_share)


WITHHELD = (
    "null (never an empty string, which means nothing was recorded) when you may not read what the child said: "
    "the free text is for the child's council, the assigned practitioner and those the full interview is shared "
    "with; an interview summary share or emergency access shows the rest."
)


def free_text(description: str = "") -> Any:
    return Field(description=f"{description} {WITHHELD}".strip())


class InterviewDetailOut(InterviewOut):
    """The whole interview, including what the child said (sensitive: share on a need-to-know basis).

    The free-text fields are null for a caller who may see the interview but not what the child said
    (`interviews.scoping.visible_interview_fields`).
    """

    not_offered_reason: str | None = free_text("Why the interview was not offered.")
    push_factors: list[PushCode]
    pull_factors: list[PullCode]
    disclosures: list[DisclosureCode]
    where_stayed: str | None = free_text()
    who_with: str | None = free_text()
    harm_suffered: str | None = free_text()
    disclosure_details: str | None = free_text()
    childs_wishes: str | None = free_text()
    actions_agreed: str | None = free_text()
    narrative: str | None = free_text("The practitioner's notes.")

    @staticmethod
    def resolve_push_factors(obj: ReturnInterview) -> list[str]:
        return sorted(obj.factor_codes(FactorKind.PUSH))

    @staticmethod
    def resolve_pull_factors(obj: ReturnInterview) -> list[str]:
        return sorted(obj.factor_codes(FactorKind.PULL))

    @staticmethod
    def resolve_disclosures(obj: ReturnInterview) -> list[str]:
        return sorted(obj.factor_codes(FactorKind.DISCLOSURE))


class InterviewPage(Page):
    items: list[InterviewOut]


class InterviewFilters(ListQuery):
    child: FilterId | None = Field(None, description="The child's id")
    status: StatusCode | None = None
    assigned_to: FilterId | None = Field(None, description="The assigned practitioner's user id")
    due_before: AwareDateTime | None = Field(None, description="Due strictly before this time (with offset)")
    due_after: AwareDateTime | None = Field(None, description="Due strictly after this time (with offset)")


class AssignIn(BodyIn):
    practitioner: RecordId | None = Field(
        description="The user id of an active return interview practitioner from the provider, or null to unassign"
    )
    version: Version


class OfferIn(BodyIn):
    outcome: OutcomeCode | None = Field(
        None, description="null (or left out) when the offer is made and the child has not answered yet"
    )
    offered_at: AwareDateTime | None = Field(None, description="Required unless the outcome is `not_offered`")
    offered_by: OfferedByText = ""
    not_offered_reason: str = Field("", description="Required when the outcome is `not_offered`")
    version: Version


class InterviewIn(BodyIn):
    completed_at: AwareDateTime
    episode_ids: list[RecordId] = Field(description="This child's returned episodes the interview covers")
    push_factors: list[PushCode] = []
    pull_factors: list[PullCode] = []
    disclosures: list[DisclosureCode] = []
    where_stayed: str = ""
    who_with: str = ""
    harm_suffered: str = ""
    disclosure_details: str = Field("", description="Required when any disclosure is coded")
    childs_wishes: str = ""
    actions_agreed: str = ""
    consent_to_share: ConsentCode
    narrative: str = ""
    version: Version


def _detail(user: User, interview_id: int) -> ReturnInterview:
    interview = get_interview_for_user(user, interview_id)
    prefetch_related_objects([interview], "episodes")
    return redact_interview(user, interview)


def _filter(queryset: InterviewQuerySet, filters: InterviewFilters) -> InterviewQuerySet:
    if filters.child is not None:
        queryset = queryset.filter(child_id=filters.child)
    if filters.assigned_to is not None:
        queryset = queryset.filter(assigned_to_id=filters.assigned_to)
    if filters.due_before:
        queryset = queryset.filter(due_by__lt=filters.due_before)
    if filters.due_after:
        queryset = queryset.filter(due_by__gt=filters.due_after)
    status = filters.status
    if status == InterviewStatus.DUE:
        queryset = queryset.due(timezone.now())
    elif status == InterviewStatus.OVERDUE:
        queryset = queryset.overdue(timezone.now())
    elif status == InterviewStatus.OFFERED:
        queryset = queryset.filter(offered_at__isnull=False, outcome="", completed_at__isnull=True)
    elif status == InterviewStatus.ACCEPTED:
        queryset = queryset.filter(outcome=Outcome.ACCEPTED, completed_at__isnull=True)
    elif status == InterviewStatus.COMPLETED:
        queryset = queryset.filter(completed_at__isnull=False)
    elif status == InterviewStatus.CLOSED:
        queryset = queryset.exclude(outcome__in=["", Outcome.ACCEPTED]).filter(completed_at__isnull=True)
    return queryset


@router.get("", response={200: InterviewPage, **error_responses(400, 401)}, summary="List return interviews")
def list_interviews(request: ApiRequest, filters: Query[InterviewFilters]):
    """The return interviews you may see, soonest due first (then by id)."""
    queryset = (
        interviews_for(request.auth)
        .select_related("child", "provider", "assigned_to", "completed_by")
        .prefetch_related("episodes")
    )
    queryset = _filter(queryset, filters).order_by("due_by", "id")
    page = list_page(request, queryset, filters)
    audit_list_read(request.auth, "return-interview-list", page, filters.page, filters)
    return page


@router.get(
    "/{id}", response={200: InterviewDetailOut, **error_responses(400, 401, 404)}, summary="Read a return interview"
)
def get_interview(request: ApiRequest, id: int):
    interview = _detail(request.auth, id)
    audit_record_read(request.auth, interview, interview.child_id, "Return interview")
    return interview


@router.post(
    "/{id}/assign",
    response={200: InterviewDetailOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Assign a practitioner",
)
def assign(request: ApiRequest, id: int, payload: AssignIn):
    user: User = request.auth
    interview = get_interview_for_user(user, id)
    if not can_assign_interview(user, interview):
        raise HttpError(403, "You cannot assign this return interview")
    practitioner = None
    if payload.practitioner is not None:
        # The same answer whether the user does not exist, is elsewhere, or is not a practitioner.
        practitioner = User.objects.select_related("agency").filter(pk=payload.practitioner).first()
        if practitioner is None:
            raise ValidationError({"practitioner": NOT_FOUND_PRACTITIONER})
    try:
        assign_interview(interview, practitioner=practitioner, expected_version=payload.version, acting_user=user)
    except ValidationError as error:
        raise ActionValidationError(error, {"assigned_to": "practitioner"}) from None
    return _detail(user, id)


@router.post(
    "/{id}/offer",
    response={200: InterviewDetailOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Record the offer and its outcome",
)
def offer(request: ApiRequest, id: int, payload: OfferIn):
    """Record when and by whom the interview was offered and what the child said, or that it was not offered
    and why."""
    user: User = request.auth
    interview = get_interview_for_user(user, id)
    if not can_work_interview(user, interview):
        raise HttpError(403, "You cannot work on this return interview")
    record_offer(
        interview,
        outcome=payload.outcome or "",
        offered_at=payload.offered_at,
        offered_by=payload.offered_by,
        not_offered_reason=payload.not_offered_reason,
        expected_version=payload.version,
        acting_user=user,
    )
    return _detail(user, id)


@router.post(
    "/{id}/interview",
    response={200: InterviewDetailOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Record the interview",
)
def write_up(request: ApiRequest, id: int, payload: InterviewIn):
    """Record what the child said. The child must have accepted the interview (see the offer)."""
    user: User = request.auth
    interview = get_interview_for_user(user, id)
    if not can_work_interview(user, interview):
        raise HttpError(403, "You cannot work on this return interview")
    try:
        record_interview(
            interview, acting_user=user, expected_version=payload.version, **payload.model_dump(exclude={"version"})
        )
    except ValidationError as error:
        raise ActionValidationError(error, {"episodes": "episode_ids"}) from None
    return _detail(user, id)
