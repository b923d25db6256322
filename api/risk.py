"""/alerts (and their decisions), /screenings and /referrals: the risk app's records, scoped as its pages
(`risk.scoping`)."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Literal, TypeAlias

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from access.models import User
from api.auth import ApiRequest, scoped
from api.reading import audit_list_read, audit_record_read, list_page
from api.schemas import (
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
)
from risk.actions import acknowledge_alert, assign_alert
from risk.codes import AlertDecision, AlertKind, ReferralStatus, ReferralTo, ScreeningKind, ScreeningLevel
from risk.models import Alert, Referral, Screening
from risk.scoping import (
    alerts_for,
    can_acknowledge_alert,
    get_alert_for_user,
    get_referral_for_user,
    get_screening_for_user,
    referrals_for,
    screenings_for,
)
from risk.work import can_reassign_alert

alerts_router = Router(tags=["Alerts"], auth=scoped("risk"))
screenings_router = Router(tags=["Exploitation screenings"], auth=scoped("risk"))
referrals_router = Router(tags=["Referrals"], auth=scoped("risk"))

if TYPE_CHECKING:
    AlertKindCode: TypeAlias = str
    DecisionCode: TypeAlias = str
    ScreeningKindCode: TypeAlias = str
    ScreeningLevelCode: TypeAlias = str
    ReferralToCode: TypeAlias = str
    ReferralStatusCode: TypeAlias = str
else:
    AlertKindCode = coded(AlertKind)
    DecisionCode = coded(AlertDecision)
    ScreeningKindCode = coded(ScreeningKind)
    ScreeningLevelCode = coded(ScreeningLevel)
    ReferralToCode = coded(ReferralTo)
    ReferralStatusCode = coded(ReferralStatus)


# --- alerts ---------------------------------------------------------------------------------------------


AlertStatus = Literal["open", "acknowledged", "resolved"]


class AlertOut(Schema):
    """An alert raised by the risk triggers: open until someone decides on it, or until it resolves itself (the
    child was found, the episode closed)."""

    id: int
    version: int = Field(description="Send it back with a decision or a hand-on: a stale one is a 409")
    status: AlertStatus
    child: ChildRef
    kind: AlertKindCode
    title: str
    detail: str
    episode_id: int | None
    interview_id: int | None
    raised_at: datetime
    for_role: str = Field(description="The role whose holders decide on the alert")
    assigned_to: PersonRef | None = Field(description="The colleague it was handed to; null: anyone in the role")
    acknowledged_at: datetime | None
    acknowledged_by: PersonRef | None
    decision: DecisionCode | None
    decision_reason: str | None = Field(description="null until a decision is recorded")
    resolved_at: datetime | None = Field(description="When it resolved itself; null if it has not")
    updated_at: datetime = Field(description="When it was raised or last changed (decided, handed on, resolved)")
    resolved_reason: str | None = Field(description="Why it resolved itself, in words")

    @staticmethod
    def resolve_status(obj: Alert) -> str:
        if obj.is_acknowledged:
            return "acknowledged"
        return "resolved" if obj.is_resolved else "open"

    @staticmethod
    def resolve_resolved_reason(obj: Alert) -> str | None:
        return blank_to_none(obj.resolved_reason)

    @staticmethod
    def resolve_decision(obj: Alert) -> str | None:
        return blank_to_none(obj.decision)

    @staticmethod
    def resolve_decision_reason(obj: Alert) -> str | None:
        return obj.decision_reason if obj.is_acknowledged else None


class AlertPage(Page):
    items: list[AlertOut]


class AlertFilters(ListQuery):
    child: FilterId | None = Field(None, description="The child's id")
    acknowledged: bool | None = Field(None, description="Only alerts with (true) or without (false) a decision")
    status: AlertStatus | None = Field(None, description="Only open, acknowledged or resolved alerts")


class DecisionIn(BodyIn):
    decision: DecisionCode
    reason: str = Field("", description="Why: required for some decisions (the 400 says which)")
    version: Version | None = Field(None, description="The alert's version as read: a stale one is a 409")


class HandOnIn(BodyIn):
    assigned_to: RecordId | None = Field(
        description="The user id of an active holder of the alert's role at the child's council; null: anyone"
    )
    version: Version


@alerts_router.get("", response={200: AlertPage, **error_responses(400, 401)}, summary="List alerts")
def list_alerts(request: ApiRequest, filters: Query[AlertFilters]):
    """The alerts you may see (as on the alerts page), oldest raised first. In sync an alert counts as changed when
    it was raised and each time it changes: decided, handed on, resolved (its `updated_at`)."""
    queryset = alerts_for(request.auth).select_related("child", "acknowledged_by", "assigned_to")
    queryset = queryset.order_by("raised_at", "id")
    if filters.child is not None:
        queryset = queryset.filter(child_id=filters.child)
    if filters.acknowledged is not None:
        queryset = queryset.filter(acknowledged_at__isnull=not filters.acknowledged)
    if filters.status == "open":
        queryset = queryset.unacknowledged()
    elif filters.status == "acknowledged":
        queryset = queryset.filter(acknowledged_at__isnull=False)
    elif filters.status == "resolved":
        queryset = queryset.filter(resolved_at__isnull=False)
    page = list_page(request, queryset, filters)
    audit_list_read(request.auth, "alert-list", page, filters.page, filters)
    return page


@alerts_router.get("/{id}", response={200: AlertOut, **error_responses(400, 401, 404)}, summary="Read an alert")
def get_alert(request: ApiRequest, id: int):
    alert = get_alert_for_user(request.auth, id)
    audit_record_read(request.auth, alert, alert.child_id, "Alert")
    return alert


@alerts_router.post(
    "/{id}/decision",
    response={200: AlertOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Record the decision on an alert",
)
def decide(request: ApiRequest, id: int, payload: DecisionIn):
    """As on the page: a holder of the alert's role at the child's councils, once (a second decision is a 400
    naming `alert`: the first stands)."""
    user: User = request.auth
    alert = get_alert_for_user(user, id)
    if not can_acknowledge_alert(user, alert):
        raise HttpError(403, "You cannot record the decision on this alert")
    acknowledge_alert(
        alert, decision=payload.decision, reason=payload.reason, acting_user=user, expected_version=payload.version
    )
    return get_alert_for_user(user, id)


@alerts_router.post(
    "/{id}/assign",
    response={200: AlertOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Hand an alert to a colleague",
)
def hand_on(request: ApiRequest, id: int, payload: HandOnIn):
    """As on the page: the child's council's coordinator, its managers or the alert's role hand an open alert to an
    active holder of its role at the child's councils (or back to anyone in the role, with null)."""
    user: User = request.auth
    alert = get_alert_for_user(user, id)
    if not can_reassign_alert(user, alert):
        raise HttpError(403, "You cannot hand this alert on")
    colleague = None
    if payload.assigned_to is not None:
        colleague = User.objects.select_related("agency").filter(pk=payload.assigned_to).first()
        if colleague is None:
            raise ValidationError({"assigned_to": "Choose an active colleague who holds the alert's role"})
    assign_alert(alert, assignee=colleague, expected_version=payload.version, acting_user=user)
    return get_alert_for_user(user, id)


# --- screenings -----------------------------------------------------------------------------------------


class ScreeningOut(Schema):
    id: int
    child: ChildRef
    screened_at: datetime
    screened_by: PersonRef
    kind: ScreeningKindCode
    level: ScreeningLevelCode
    learning_disability: bool
    review_date: date | None
    indicators: list[dict[str, str]] = Field(description="Each indicator's `code` and `timing`")
    flags: list[str]
    notes: str
    created_at: datetime

    @staticmethod
    def resolve_indicators(obj: Screening) -> list[dict[str, str]]:
        return [{"code": row.code, "timing": row.timing} for row in obj.indicators.all()]

    @staticmethod
    def resolve_flags(obj: Screening) -> list[str]:
        return obj.flag_codes()


class ScreeningPage(Page):
    items: list[ScreeningOut]


class ScreeningFilters(ListQuery):
    child: FilterId | None = Field(None, description="The child's id")


@screenings_router.get("", response={200: ScreeningPage, **error_responses(400, 401)}, summary="List screenings")
def list_screenings(request: ApiRequest, filters: Query[ScreeningFilters]):
    """The exploitation screenings you may see (social care's: council case roles of the child's councils), newest
    first. A screening never changes: a new one is a new record."""
    queryset = (
        screenings_for(request.auth)
        .select_related("child", "screened_by")
        .prefetch_related("indicators", "flags")
        .order_by("-screened_at", "-id")
    )
    if filters.child is not None:
        queryset = queryset.filter(child_id=filters.child)
    page = list_page(request, queryset, filters, changed="created_at")
    audit_list_read(request.auth, "screening-list", page, filters.page, filters)
    return page


@screenings_router.get(
    "/{id}", response={200: ScreeningOut, **error_responses(400, 401, 404)}, summary="Read a screening"
)
def get_screening(request: ApiRequest, id: int):
    screening = get_screening_for_user(request.auth, id)
    audit_record_read(request.auth, screening, screening.child_id, "Exploitation screening")
    return screening


# --- referrals ------------------------------------------------------------------------------------------


class ReferralOut(Schema):
    id: int
    version: int
    child: ChildRef
    to: ReferralToCode
    made_at: datetime
    made_by: PersonRef
    reason: str
    status: ReferralStatusCode
    status_changed_at: datetime
    created_at: datetime
    updated_at: datetime


class ReferralPage(Page):
    items: list[ReferralOut]


class ReferralFilters(ListQuery):
    child: FilterId | None = Field(None, description="The child's id")
    status: ReferralStatusCode | None = None


@referrals_router.get("", response={200: ReferralPage, **error_responses(400, 401)}, summary="List referrals")
def list_referrals(request: ApiRequest, filters: Query[ReferralFilters]):
    """The referrals you may see, newest first."""
    queryset = referrals_for(request.auth).select_related("child", "made_by").order_by("-made_at", "-id")
    if filters.child is not None:
        queryset = queryset.filter(child_id=filters.child)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    page = list_page(request, queryset, filters)
    audit_list_read(request.auth, "referral-list", page, filters.page, filters)
    return page


@referrals_router.get("/{id}", response={200: ReferralOut, **error_responses(400, 401, 404)}, summary="Read a referral")
def get_referral(request: ApiRequest, id: int):
    referral: Referral = get_referral_for_user(request.auth, id)
    audit_record_read(request.auth, referral, referral.child_id, "Referral")
    return referral
