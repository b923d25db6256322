"""/tasks: the caller's task inbox (core.inbox), the same as My work; /alerts: alerts to read, decide and hand on."""

from datetime import datetime
from typing import Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from access.models import Role, User
from api.errors import ActionValidationError
from api.reading import audit_list_read, audit_record_read, paginate, refuse_unknown_query_parameters
from api.schemas import (
    BodyIn,
    ChildRef,
    FilterId,
    Page,
    PageQuery,
    PersonRef,
    RecordId,
    Version,
    blank_to_none,
    coded,
    error_responses,
)
from core.inbox import MINE, TEAM, inbox_page, sees_team_view, task_sources
from risk.actions import acknowledge_alert, assign_alert
from risk.codes import AlertDecision, AlertKind
from risk.models import Alert
from risk.scoping import alerts_for, can_acknowledge_alert, get_alert_for_user
from risk.work import can_reassign_alert

tasks_router = Router(tags=["Tasks"])
alerts_router = Router(tags=["Alerts"])


class TaskOut(Schema):
    """One task. It names the record it is about (`reference`, such as `return-interview:12`), never the child."""

    kind: str = Field(description="The kind of task: the `kind` of one of `counts`")
    title: str
    reference: str = Field(description="The record the task is about, as `<type>:<id>`")
    due: datetime | None = Field(description="When it is due; null if it has no deadline")
    overdue: bool
    link: str = Field(description="The page in Homeward where the work is done")
    owner: str = Field(description="Who holds it, in words; empty when it is the caller's own")
    can_hand_on: bool = Field(description="Whether the caller may hand it to a colleague")

    @staticmethod
    def resolve_can_hand_on(obj) -> bool:
        return bool(obj.reassign_link)


class TaskCountOut(Schema):
    kind: str
    label: str
    total: int
    overdue: int


class TaskPage(Page):
    overdue: int = Field(description="How many of the matching tasks are overdue")
    counts: list[TaskCountOut]
    items: list[TaskOut]


class TaskFilters(PageQuery):
    view: Literal["mine", "team"] = Field(
        MINE, description="`mine` (the default) or `team` (coordinators and managers)"
    )
    kind: str | None = Field(None, max_length=40, description="Only this kind of task")


@tasks_router.get("", response={200: TaskPage, **error_responses(400, 401, 403)}, summary="List your tasks")
def list_tasks(request: HttpRequest, filters: Query[TaskFilters]):
    """The caller's tasks (or their team's), overdue and soonest due first, with the counts of each kind."""
    refuse_unknown_query_parameters(request, filters)
    user: User = request.auth
    if filters.view == TEAM and not sees_team_view(user):
        raise HttpError(403, "Your role has no team view")
    kinds = {source.name for source in task_sources(user, filters.view)}
    if filters.kind is not None and filters.kind not in kinds:
        raise ValidationError({"kind": f"Choose one of: {', '.join(sorted(kinds)) or 'none for your role'}"})
    size = settings.HOMEWARD_API_PAGE_SIZE
    inbox = inbox_page(user, timezone.now(), scope=filters.view, kind=filters.kind or "", page=filters.page, size=size)
    page = {
        "count": inbox.total,
        "overdue": inbox.overdue,
        "next": None,
        "previous": None,
        "counts": [
            {"kind": source.name, "label": source.label, "total": count.total, "overdue": count.overdue}
            for source, count in inbox.counts
        ],
        "items": inbox.tasks,
    }
    if inbox.page < inbox.pages:
        page["next"] = request.build_absolute_uri(f"{request.path}?page={inbox.page + 1}&view={filters.view}")
    if inbox.page > 1:
        page["previous"] = request.build_absolute_uri(f"{request.path}?page={inbox.page - 1}&view={filters.view}")
    audit_list_read(user, "task-list", page, inbox.page, filters)
    return page


# --- Alerts ---------------------------------------------------------------------------------------------

AlertKindCode = coded(AlertKind)
DecisionCode = coded(AlertDecision)
AlertStatus = Literal["open", "acknowledged", "resolved"]


class AlertOut(Schema):
    """An alert raised by the risk triggers: open until someone decides on it, or until it resolves itself."""

    id: int
    version: int = Field(description="Send this back with a decision or a hand-on")
    child: ChildRef
    kind: AlertKindCode
    title: str
    detail: str = Field(description="Why it was raised, in words")
    raised_at: datetime
    for_role: str = Field(description="The role whose holders decide it")
    assigned_to: PersonRef | None = Field(description="The colleague it was handed to; null: anyone in the role")
    status: AlertStatus
    episode_id: int | None
    interview_id: int | None
    decision: DecisionCode | None
    decision_reason: str | None = Field(description="The reason given with the decision (sensitive)")
    acknowledged_at: datetime | None
    acknowledged_by: PersonRef | None
    resolved_at: datetime | None = Field(
        description="When it resolved itself (the child was found, the episode closed)"
    )
    resolved_reason: str | None

    @staticmethod
    def resolve_status(obj: Alert) -> str:
        if obj.is_acknowledged:
            return "acknowledged"
        return "resolved" if obj.is_resolved else "open"

    @staticmethod
    def resolve_decision(obj: Alert) -> str | None:
        return blank_to_none(obj.decision)

    @staticmethod
    def resolve_decision_reason(obj: Alert) -> str | None:
        return blank_to_none(obj.decision_reason)

    @staticmethod
    def resolve_resolved_reason(obj: Alert) -> str | None:
        return blank_to_none(obj.resolved_reason)


class AlertPage(Page):
    items: list[AlertOut]


class AlertFilters(PageQuery):
    child: FilterId | None = Field(None, description="The child's id")
    status: AlertStatus | None = None


class DecideIn(BodyIn):
    decision: DecisionCode
    reason: str = Field("", max_length=5000, description="Required for `no_further_action` and `other`")
    version: Version


class HandOnIn(BodyIn):
    assigned_to: RecordId | None = Field(
        description="The user id of an active holder of the alert's role at the child's council; null: anyone"
    )
    version: Version


def _alert(user: User, alert_id: int) -> Alert:
    return get_alert_for_user(user, alert_id)


@alerts_router.get("", response={200: AlertPage, **error_responses(400, 401)}, summary="List alerts")
def list_alerts(request: HttpRequest, filters: Query[AlertFilters]):
    """The alerts you may see, the longest waiting first."""
    refuse_unknown_query_parameters(request, filters)
    queryset = alerts_for(request.auth).select_related("child", "assigned_to", "acknowledged_by")
    if filters.child is not None:
        queryset = queryset.filter(child_id=filters.child)
    if filters.status == "open":
        queryset = queryset.unacknowledged()
    elif filters.status == "acknowledged":
        queryset = queryset.filter(acknowledged_at__isnull=False)
    elif filters.status == "resolved":
        queryset = queryset.filter(resolved_at__isnull=False)
    page = paginate(request, queryset.order_by("raised_at", "id"), filters.page)
    audit_list_read(request.auth, "alert-list", page, filters.page, filters)
    return page


@alerts_router.get("/{id}", response={200: AlertOut, **error_responses(400, 401, 404)}, summary="Read an alert")
def get_alert(request: HttpRequest, id: int):
    alert = _alert(request.auth, id)
    audit_record_read(request.auth, alert, alert.child_id, "Alert")
    return alert


@alerts_router.post(
    "/{id}/decide", response={200: AlertOut, **error_responses(400, 401, 403, 404, 409)}, summary="Decide on an alert"
)
def decide(request: HttpRequest, id: int, payload: DecideIn):
    """Record the decision on an open alert: the holders of its role at the child's council."""
    user: User = request.auth
    alert = _alert(user, id)
    if not can_acknowledge_alert(user, alert):
        raise HttpError(403, f"Only the child's council's {Role(alert.for_role).label.lower()} can decide this alert")
    try:
        acknowledge_alert(
            alert, decision=payload.decision, reason=payload.reason, acting_user=user, expected_version=payload.version
        )
    except ValidationError as error:
        raise ActionValidationError(error, {}) from None
    return _alert(user, id)


@alerts_router.post(
    "/{id}/assign",
    response={200: AlertOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Hand an alert to a colleague",
)
def hand_on(request: HttpRequest, id: int, payload: HandOnIn):
    user: User = request.auth
    alert = _alert(user, id)
    if not can_reassign_alert(user, alert):
        raise HttpError(403, "You cannot hand this alert on")
    colleague = None
    if payload.assigned_to is not None:
        colleague = User.objects.select_related("agency").filter(pk=payload.assigned_to).first()
        if colleague is None:
            raise ValidationError({"assigned_to": "Choose an active colleague who holds the alert's role"})
    try:
        assign_alert(alert, assignee=colleague, expected_version=payload.version, acting_user=user)
    except ValidationError as error:
        raise ActionValidationError(error, {}) from None
    return _alert(user, id)
