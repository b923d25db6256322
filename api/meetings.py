"""/meetings and /meeting-actions: multi-agency meetings and the actions agreed at them, scoped like the pages
(`meetings.scoping`, and `meetings.selectors.meeting_view` for what of each child the caller may read)."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Literal, TypeAlias

from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from access.models import User
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
    Version,
    coded,
    error_responses,
)
from meetings.actions import close_action
from meetings.codes import ActionStatus, Attendance, MeetingKind
from meetings.models import Meeting, MeetingAction
from meetings.scoping import actions_for, can_close_action, get_action_for_user, get_meeting_for_user, meetings_for
from meetings.selectors import meeting_view

router = Router(tags=["Meetings"], auth=scoped("meetings"))
actions_router = Router(tags=["Meetings"], auth=scoped("meetings"))

if TYPE_CHECKING:  # the codes are validated strings to ninja; to mypy, strings (as in api/episodes.py)
    KindCode: TypeAlias = str
    AttendanceCode: TypeAlias = str
    StatusCode: TypeAlias = str
else:
    KindCode = coded(MeetingKind)
    AttendanceCode = coded(Attendance)
    StatusCode = coded(ActionStatus)
ClosingCode = Annotated[
    Literal["done", "cancelled"], Field(description="`done` or `cancelled` (cancelling needs a note).")
]


class AgencyAttendanceOut(Schema):
    agency: AgencyRef
    attendance: AttendanceCode


class PersonAttendanceOut(Schema):
    person: PersonRef = Field(alias="user")
    attendance: AttendanceCode


class MeetingOut(Schema):
    id: int
    version: int
    kind: KindCode
    held_at: datetime
    place: str
    online: bool
    chair: PersonRef
    council: AgencyRef = Field(description="The council that called the meeting")
    reason: str = Field(description="Why it was called (the alert it answers), in words; empty if not recorded")
    from_alert: int | None = Field(alias="from_alert_id", description="The id of the alert the meeting answers")


class ActionOut(Schema):
    id: int
    version: int = Field(description="Send this back to close the action")
    meeting: int = Field(alias="meeting_id")
    child: ChildRef | None = Field(description="The child the action is about; null for the whole meeting")
    what: str
    owner: PersonRef
    owner_agency: AgencyRef
    due_on: date
    status: StatusCode
    status_note: str = Field(description="Why it was cancelled, or a note on completing it")
    status_changed_at: datetime | None
    overdue: bool = Field(description="Open and past its due date")

    @staticmethod
    def resolve_overdue(obj: MeetingAction) -> bool:
        return obj.is_open and obj.due_on < timezone.localdate()


class ChildDiscussedOut(Schema):
    child: ChildRef
    discussion: str
    decisions: str


class MeetingDetailOut(MeetingOut):
    """The meeting as the caller may read it: the children they may see (others are only counted), the
    discussion and decisions about those children, and the actions about them or the whole meeting."""

    agencies: list[AgencyAttendanceOut]
    people: list[PersonAttendanceOut]
    children: list[ChildDiscussedOut]
    children_not_shown: int = Field(description="Children discussed whom you may not see")
    actions: list[ActionOut]


class MeetingPage(Page):
    items: list[MeetingOut]


class ActionPage(Page):
    items: list[ActionOut]


class MeetingFilters(ListQuery):
    held_after: AwareDateTime | None = Field(None, description="Held strictly after this time (with offset)")


class ActionFilters(ListQuery):
    status: StatusCode | None = None
    owner: FilterId | None = Field(None, description="The owner's user id")
    meeting: FilterId | None = Field(None, description="The meeting's id")


class CloseActionIn(BodyIn):
    status: ClosingCode
    note: str = ""
    version: Version


@router.get("", response={200: MeetingPage, **error_responses(400, 401)}, summary="List meetings")
def list_meetings(request: ApiRequest, filters: Query[MeetingFilters]):
    """The meetings you may see, soonest first."""
    queryset = meetings_for(request.auth).select_related("chair", "council").order_by("held_at", "id")
    if filters.held_after:
        queryset = queryset.filter(held_at__gt=filters.held_after)
    page = list_page(request, queryset, filters)
    audit_list_read(request.auth, "meeting-list", page, filters.page, filters)
    return page


@router.get("/{id}", response={200: MeetingDetailOut, **error_responses(400, 401, 404)}, summary="Read a meeting")
def get_meeting(request: ApiRequest, id: int):
    user: User = request.auth
    meeting = get_meeting_for_user(user, id)
    view = meeting_view(user, meeting)
    first_child = view.children[0].child.pk if view.children else None
    audit_record_read(user, meeting, first_child, "Meeting")
    return _detail(meeting, view)


def _detail(meeting: Meeting, view) -> dict:
    return {
        **{name: getattr(meeting, name) for name in ("id", "version", "kind", "held_at", "place", "online", "reason")},
        "chair": meeting.chair,
        "council": meeting.council,
        "from_alert_id": meeting.from_alert_id,
        "agencies": view.agencies,
        "people": view.people,
        "children": [
            {"child": s.child, "discussion": s.discussed.discussion, "decisions": s.discussed.decisions}
            for s in view.children
        ],
        "children_not_shown": view.children_not_shown,
        "actions": view.all_actions,
    }


@actions_router.get("", response={200: ActionPage, **error_responses(400, 401)}, summary="List meeting actions")
def list_actions(request: ApiRequest, filters: Query[ActionFilters]):
    """The actions you may see (those of meetings you see, about children you see, and those you own), soonest
    due first."""
    queryset = actions_for(request.auth).select_related("child", "owner", "owner_agency").order_by("due_on", "id")
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.owner is not None:
        queryset = queryset.filter(owner_id=filters.owner)
    if filters.meeting is not None:
        queryset = queryset.filter(meeting_id=filters.meeting)
    page = list_page(request, queryset, filters)
    audit_list_read(request.auth, "meeting-action-list", page, filters.page, filters)
    return page


@actions_router.get("/{id}", response={200: ActionOut, **error_responses(400, 401, 404)}, summary="Read an action")
def get_action(request: ApiRequest, id: int):
    action = get_action_for_user(request.auth, id)
    audit_record_read(request.auth, action, action.child_id, "Meeting action")
    return action


@actions_router.post(
    "/{id}/status",
    response={200: ActionOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Mark an action done or cancelled",
)
def close(request: ApiRequest, id: int, payload: CloseActionIn):
    """For the action's owner, or whoever runs the meeting. A closed action stays closed."""
    user: User = request.auth
    action = get_action_for_user(user, id)
    if not can_close_action(user, action):
        raise HttpError(403, "Only the action's owner, or whoever runs the meeting, can close it")
    close_action(action, status=payload.status, note=payload.note, expected_version=payload.version, acting_user=user)
    return get_action_for_user(user, id)
