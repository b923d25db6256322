"""/episodes: missing episodes, from the report through risk changes to the child's return."""

from datetime import datetime
from typing import TYPE_CHECKING, Literal, TypeAlias

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from access.models import Agency, AgencyKind, Role, User
from access.scoping import COUNCIL_CASE_ROLES
from api.auth import ApiRequest, scoped
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
    keep,
    text,
)
from children.scoping import caseload_children_for
from episodes.actions import (
    MAX_FOUND_WITH_UNKNOWN,
    add_log_entry,
    change_risk_grade,
    record_return,
    report_missing,
    update_episode_details,
)
from episodes.codes import EpisodeType, FoundBy, LogEntryKind, MissingFrom, RiskGrade
from episodes.models import EpisodeQuerySet, MissingEpisode, RiskGradeChange
from episodes.scoping import (
    RISK_CHANGE_REASONS,
    FoundWith,
    can_add_to_log,
    can_edit_episode,
    can_report_missing,
    episodes_for,
    found_with_for,
    get_episode_for_user,
    log_entries_for,
    redact_episode,
    redact_episodes,
)
from interviews.scoping import interviews_for

router = Router(tags=["Missing episodes"], auth=scoped("episodes"))

# Fields whose type is built at import (the codes of a coded list, a column's maximum length): pydantic reads the
# Annotated types below; to the type checker each is the str it holds.
if TYPE_CHECKING:
    EpisodeTypeCode: TypeAlias = str
    MissingFromCode: TypeAlias = str
    RiskGradeCode: TypeAlias = str
    FoundByCode: TypeAlias = str
    LogEntryKindCode: TypeAlias = str
    LastSeenPlaceText: TypeAlias = str
    ReportedByText: TypeAlias = str
    PoliceReferenceText: TypeAlias = str
    FoundPlaceText: TypeAlias = str
    FoundWithText: TypeAlias = str
    ReportedByChange: TypeAlias = str
else:
    EpisodeTypeCode = coded(EpisodeType, "The DfE's kind of period (SSDA903).")
    MissingFromCode = coded(MissingFrom)
    RiskGradeCode = coded(RiskGrade, "The police risk grade.")
    FoundByCode = coded(FoundBy)
    LogEntryKindCode = coded(LogEntryKind)
    LastSeenPlaceText = text(MissingEpisode, "last_seen_place")
    ReportedByText = text(MissingEpisode, "reported_by", "Who reported the child missing, and their relationship")
    ReportedByChange = text(MissingEpisode, "reported_by")
    PoliceReferenceText = text(MissingEpisode, "police_reference")
    FoundPlaceText = text(MissingEpisode, "found_place")
    FoundWithText = text(MissingEpisode, "found_with")
EpisodeStatus = Literal["open", "returned"]
WITHHELD = (
    "null (never an empty string, which means nothing was recorded) when you see the episode through an episode "
    "summary share: the free text and the reasons for the risk grades are for the child's council, the police force "
    "holding the report, the return interview practitioner and emergency access (`episodes.scoping.redact_episodes`)."
)


class RiskGradeChangeOut(Schema):
    grade: RiskGradeCode
    previous_grade: RiskGradeCode | None = Field(description="null for the grade given at report")
    reason: str | None = Field(description=WITHHELD)
    changed_at: datetime
    changed_by: PersonRef

    @staticmethod
    def resolve_previous_grade(obj: RiskGradeChange) -> str | None:
        return blank_to_none(obj.previous_grade)


class EpisodeOut(Schema):
    id: int
    version: int = Field(description="Send this back with any change to the episode")
    child: ChildRef
    status: EpisodeStatus
    episode_type: EpisodeTypeCode
    missing_from: MissingFromCode
    last_seen_at: datetime
    last_seen_place: str
    reported_at: datetime
    reported_by: str
    police_force: AgencyRef
    police_reference: str
    risk_grade: RiskGradeCode
    circumstances: str | None = Field(description=WITHHELD)
    returned_at: datetime | None
    found_place: str
    found_by: FoundByCode | None
    found_with: str | None = Field(description=WITHHELD)
    harm_on_return: str | None = Field(description=WITHHELD)
    prevention_interview_done: bool | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_status(obj: MissingEpisode) -> str:
        return "open" if obj.is_open else "returned"

    @staticmethod
    def resolve_found_by(obj: MissingEpisode) -> str | None:
        return blank_to_none(obj.found_by)


class FoundWithOut(Schema):
    """Who the child was found with, as you may see it (`episodes.scoping.found_with_for`)."""

    children: list[ChildRef] = Field(description="The other children found with the child whom you may see")
    not_shown: int = Field(description="Other children known to Homeward whom you may not see: counted, never named")
    unknown: int = Field(description="Other children not known to Homeward, or not identified")


class EpisodeDetailOut(EpisodeOut):
    risk_grade_history: list[RiskGradeChangeOut] = Field(description="Oldest first; the first is the grade at report")
    found_with_children: FoundWithOut = Field(
        description="The structured record of the other children the child was found with (the narrative is "
        "`found_with`)"
    )

    @staticmethod
    def resolve_found_with_children(obj: MissingEpisode) -> FoundWith:
        return obj.found_with_seen

    @staticmethod
    def resolve_risk_grade_history(obj: MissingEpisode) -> list[RiskGradeChange]:
        changes = list(obj.risk_changes.all())
        if RISK_CHANGE_REASONS in obj.withheld_fields:
            for change in changes:
                # In memory only: reason is NOT NULL, so this can never be saved (setattr: the model types it as text).
                setattr(change, "reason", None)  # noqa: B010
        return changes


class ReturnOut(EpisodeDetailOut):
    return_interview_id: int | None = Field(
        description="The return interview this return opened or was added to; null if you cannot see interviews"
    )


class EpisodePage(Page):
    items: list[EpisodeOut]


class EpisodeFilters(ListQuery):
    """Filters that identify nobody. To find a child's episodes by police reference, POST it to /children/search
    and list the child's episodes with `child`: query strings end up in server and proxy logs."""

    child: FilterId | None = Field(None, description="The child's id")
    status: EpisodeStatus | None = None
    risk_grade: RiskGradeCode | None = None
    police_force: FilterId | None = Field(None, description="The police force's agency id")
    last_seen_from: AwareDateTime | None = Field(None, description="Last seen at or after this time (with offset)")
    last_seen_to: AwareDateTime | None = Field(None, description="Last seen at or before this time (with offset)")


class ReportIn(BodyIn):
    child: RecordId = Field(description="The child's id; the child must be one whose record you can see")
    episode_type: EpisodeTypeCode
    missing_from: MissingFromCode
    last_seen_at: AwareDateTime
    last_seen_place: LastSeenPlaceText
    reported_at: AwareDateTime
    reported_by: ReportedByText
    police_force: RecordId = Field(description="The agency id of the police force that holds the report")
    police_reference: PoliceReferenceText = ""
    risk_grade: RiskGradeCode
    circumstances: str = ""


class EpisodeChangeIn(BodyIn):
    """Send only the fields to change, and the version you read. null is refused: leave a field out to keep it."""

    version: Version
    episode_type: EpisodeTypeCode = keep()
    missing_from: MissingFromCode = keep()
    last_seen_at: AwareDateTime = keep()
    last_seen_place: LastSeenPlaceText = keep()
    reported_by: ReportedByChange = keep()
    police_reference: PoliceReferenceText = keep()
    circumstances: str = keep()

    @field_validator("*", mode="before")
    @classmethod
    def refuse_null(cls, value: object) -> object:
        if value is None:
            raise PydanticCustomError("null_refused", "null is refused: leave the field out to keep its value")
        return value


class RiskGradeIn(BodyIn):
    grade: RiskGradeCode
    reason: str = Field(description="Why the grade changed")
    version: Version


class ReturnIn(BodyIn):
    returned_at: AwareDateTime
    found_place: FoundPlaceText
    found_by: FoundByCode
    found_with: FoundWithText = ""
    found_with_children: list[RecordId] = Field(
        default_factory=list,
        max_length=50,
        description="Ids of other children the child was found with, each one whose record you may see (any other id "
        "is refused with an error on this field, the same whether or not the child exists)",
    )
    found_with_unknown: int = Field(
        0, ge=0, le=MAX_FOUND_WITH_UNKNOWN, description="How many other children not known to us, or not identified"
    )
    harm_on_return: str = ""
    prevention_interview_done: bool | None = None
    version: Version


def _with_history(episode: MissingEpisode) -> MissingEpisode:
    prefetch_related_objects(
        [episode], Prefetch("risk_changes", queryset=RiskGradeChange.objects.select_related("changed_by"))
    )
    return episode


def _detail(user: User, episode_id: int) -> MissingEpisode:
    episode = redact_episode(user, _with_history(get_episode_for_user(user, episode_id)))
    episode.found_with_seen = found_with_for(user, [episode])[episode.pk]
    return episode


def _editable(user: User, episode_id: int) -> MissingEpisode:
    episode = get_episode_for_user(user, episode_id)
    if not can_edit_episode(user, episode):
        raise HttpError(403, "You cannot change this episode")
    return episode


def _filter(queryset: EpisodeQuerySet, filters: EpisodeFilters) -> EpisodeQuerySet:
    if filters.child is not None:
        queryset = queryset.filter(child_id=filters.child)
    if filters.status == "open":
        queryset = queryset.open()
    elif filters.status == "returned":
        queryset = queryset.returned()
    if filters.risk_grade:
        queryset = queryset.filter(risk_grade=filters.risk_grade)
    if filters.police_force is not None:
        queryset = queryset.filter(police_force_id=filters.police_force)
    if filters.last_seen_from:
        queryset = queryset.filter(last_seen_at__gte=filters.last_seen_from)
    if filters.last_seen_to:
        queryset = queryset.filter(last_seen_at__lte=filters.last_seen_to)
    return queryset


@router.get("", response={200: EpisodePage, **error_responses(400, 401)}, summary="List missing episodes")
def list_episodes(request: ApiRequest, filters: Query[EpisodeFilters]):
    """The episodes you may see, most recently last seen first (then by id, newest first)."""
    queryset = episodes_for(request.auth).select_related("child", "police_force")
    queryset = _filter(queryset, filters).order_by("-last_seen_at", "-id")
    page = list_page(request, queryset, filters)
    page["items"] = redact_episodes(request.auth, page["items"])
    audit_list_read(request.auth, "episode-list", page, filters.page, filters)
    return page


@router.post(
    "", response={201: EpisodeDetailOut, **error_responses(400, 401, 403, 409)}, summary="Report a child missing"
)
def create_episode(request: ApiRequest, payload: ReportIn):
    """Open a missing episode. The child must have no episode open; police staff report to their own force."""
    user: User = request.auth
    if not can_report_missing(user):
        raise HttpError(403, "You cannot report children missing")
    errors: dict[str, list[str]] = {}
    # The same answer whether the record does not exist or is outside your scope.
    child = caseload_children_for(user).filter(pk=payload.child).first()
    if child is None:
        errors["child"] = ["Choose a child whose record you can see"]
    force = Agency.objects.filter(pk=payload.police_force, kind=AgencyKind.POLICE).first()
    if force is None:
        errors["police_force"] = ["Choose a police force"]
    elif user.has_role(Role.POLICE) and not user.has_role(*COUNCIL_CASE_ROLES) and force.pk != user.agency_id:
        errors["police_force"] = ["Police staff report episodes to their own force"]
    if errors or child is None or force is None:
        raise ValidationError(errors)
    episode = report_missing(
        acting_user=user, child=child, police_force=force, **payload.model_dump(exclude={"child", "police_force"})
    )
    return Status(201, _detail(user, episode.pk))


@router.get("/{id}", response={200: EpisodeDetailOut, **error_responses(400, 401, 404)}, summary="Read an episode")
def get_episode(request: ApiRequest, id: int):
    """One episode, with its risk grade history."""
    episode = _detail(request.auth, id)
    audit_record_read(request.auth, episode, episode.child_id, "Missing episode")
    return episode


@router.patch(
    "/{id}",
    response={200: EpisodeDetailOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Correct an episode's details",
)
def update_episode(request: ApiRequest, id: int, payload: EpisodeChangeIn):
    """Correct the report's details. The risk grade and the return have their own operations."""
    episode = _editable(request.auth, id)
    changes = payload.model_dump(exclude_unset=True, exclude={"version"})
    if not changes:
        raise ValidationError("Send at least one field to change")
    update_episode_details(episode, expected_version=payload.version, acting_user=request.auth, **changes)
    return _detail(request.auth, id)


@router.post(
    "/{id}/risk-grade",
    response={200: EpisodeDetailOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Change an open episode's risk grade",
)
def change_grade(request: ApiRequest, id: int, payload: RiskGradeIn):
    episode = _editable(request.auth, id)
    change_risk_grade(
        episode,
        grade=payload.grade,
        reason=payload.reason,
        expected_version=payload.version,
        acting_user=request.auth,
    )
    return _detail(request.auth, id)


@router.post(
    "/{id}/return",
    response={200: ReturnOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Record the child's return",
)
def record_child_return(request: ApiRequest, id: int, payload: ReturnIn):
    """Close the episode. This opens the child's return interview (due after the statutory period), or adds
    the episode to the interview still in progress."""
    user: User = request.auth
    episode = _editable(user, id)
    record_return(
        episode, acting_user=user, expected_version=payload.version, **payload.model_dump(exclude={"version"})
    )
    episode = _detail(user, id)
    episode.return_interview_id = (
        interviews_for(user).filter(episodes=episode).order_by("-pk").values_list("pk", flat=True).first()
    )
    return episode


# --- The episode log ------------------------------------------------------------------------------------


class LogEntryOut(Schema):
    """An entry in the log kept while the child is missing (only for those who may read the episode in full)."""

    id: int
    kind: LogEntryKindCode
    occurred_at: datetime
    note: str
    recorded_by: PersonRef
    recorded_by_agency: AgencyRef
    recorded_at: datetime


class LogEntryIn(BodyIn):
    kind: LogEntryKindCode
    occurred_at: AwareDateTime
    note: str = Field(max_length=5000)


@router.get(
    "/{id}/log", response={200: list[LogEntryOut], **error_responses(400, 401, 404)}, summary="Read an episode's log"
)
def get_log(request: ApiRequest, id: int):
    """The episode's log, oldest first: empty for a caller who may see the episode only as a shared summary."""
    user: User = request.auth
    episode = get_episode_for_user(user, id)
    entries = list(log_entries_for(user).filter(episode=episode).select_related("recorded_by", "recorded_by_agency"))
    audit_record_read(user, episode, episode.child_id, "Episode log")
    return entries


@router.post(
    "/{id}/log",
    response={201: LogEntryOut, **error_responses(400, 401, 403, 404)},
    summary="Add to an open episode's log",
)
def add_to_log(request: ApiRequest, id: int, payload: LogEntryIn):
    user: User = request.auth
    episode = get_episode_for_user(user, id)
    if not can_add_to_log(user, episode):
        raise HttpError(403, "Only the child's council or the police force holding the report can add to the log")
    entry = add_log_entry(
        episode, kind=payload.kind, occurred_at=payload.occurred_at, note=payload.note, acting_user=user
    )
    return Status(201, entry)
