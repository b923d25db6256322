"""/shares: what was shared about a child, with whom and why; share an item and withdraw a share, as the sharing
pages do (`sharing.scoping`, `sharing.actions`)."""

from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeAlias

from django.core.exceptions import ValidationError
from django.db.models.functions import Coalesce
from django.http import Http404
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from access import share_kinds
from access.models import Agency, User
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
    coded,
    error_responses,
)
from children.scoping import get_child_for_user
from sharing.actions import share_record, withdraw_share
from sharing.codes import ChildConsent, LawfulBasis
from sharing.models import Share
from sharing.scoping import can_share_about, can_withdraw_share, get_share_for_user, shares_for

router = Router(tags=["Shares"], auth=scoped("sharing"))

if TYPE_CHECKING:
    ShareWhatCode: TypeAlias = str
    LawfulBasisCode: TypeAlias = str
    ChildConsentCode: TypeAlias = str
else:
    ShareWhatCode = coded(share_kinds.choices())
    LawfulBasisCode = coded(LawfulBasis)
    ChildConsentCode = coded(ChildConsent)


class ShareOut(Schema):
    id: int
    version: int = Field(description="Send this back to withdraw the share")
    child: ChildRef
    what: ShareWhatCode
    episode_id: int | None
    interview_id: int | None
    person_id: int | None
    to_agency: AgencyRef | None
    to_user: PersonRef | None
    shared_at: datetime
    shared_by: PersonRef
    from_agency: AgencyRef
    lawful_basis: LawfulBasisCode
    lawful_basis_other: str
    child_consent: ChildConsentCode
    child_consent_reason: str
    purpose: str
    expires_at: datetime | None
    withdrawn_at: datetime | None
    withdrawal_reason: str


class SharePage(Page):
    items: list[ShareOut]


class ShareFilters(ListQuery):
    child: FilterId | None = Field(None, description="The child's id")
    active: bool | None = Field(None, description="Only shares still in force (true) or ended (false)")


class ShareIn(BodyIn):
    child: RecordId = Field(description="The child the item is about")
    what: ShareWhatCode
    episode: RecordId | None = Field(None, description="The episode, for an episode summary")
    interview: RecordId | None = Field(None, description="The return interview, for an interview share")
    person: RecordId | None = Field(None, description="The person of concern, for police intelligence (optional)")
    to_agency: RecordId | None = Field(None, description="Share with this agency (or with `to_user`)")
    to_user: RecordId | None = Field(None, description="Share with this person (or with `to_agency`)")
    lawful_basis: LawfulBasisCode
    lawful_basis_other: str = ""
    child_consent: ChildConsentCode
    child_consent_reason: str = ""
    purpose: str = Field(description="Why you are sharing this and what the recipient should do")
    expires_at: AwareDateTime | None = None


class WithdrawIn(BodyIn):
    reason: str = Field(description="Why the share is withdrawn")
    version: Version


SHARE_CHANGED = Coalesce("withdrawn_at", "shared_at")
RELATED = ("child", "to_agency", "to_user", "shared_by", "from_agency")


@router.get("", response={200: SharePage, **error_responses(400, 401)}, summary="List shares")
def list_shares(request: ApiRequest, filters: Query[ShareFilters]):
    """The shares you may see (those about your council's children, those you made, your force's shares of its
    intelligence, and the active shares you receive), newest first."""
    queryset = shares_for(request.auth).select_related(*RELATED).order_by("-shared_at", "-id")
    if filters.child is not None:
        queryset = queryset.filter(child_id=filters.child)
    if filters.active is not None:
        active = Share.objects.active().values("pk")
        queryset = queryset.filter(pk__in=active) if filters.active else queryset.exclude(pk__in=active)
    page = list_page(request, queryset, filters, changed=SHARE_CHANGED)
    audit_list_read(request.auth, "share-list", page, filters.page, filters)
    return page


@router.get("/{id}", response={200: ShareOut, **error_responses(400, 401, 404)}, summary="Read a share")
def get_share(request: ApiRequest, id: int):
    share = get_share_for_user(request.auth, id)
    audit_record_read(request.auth, share, share.child_id, "Share")
    return share


@router.post("", response={201: ShareOut, **error_responses(400, 401, 403)}, summary="Share an item about a child")
def create_share(request: ApiRequest, payload: ShareIn):
    """As the "Share" page: one item (an episode summary, an interview, police intelligence) with one agency or
    one person, with a lawful basis and the child's consent. Ids you cannot see are refused as input (400)."""
    user: User = request.auth
    errors: dict[str, list[str]] = {}
    child = None
    try:
        child = get_child_for_user(user, payload.child)
    except Http404:  # a child outside your scope: the same answer as a wrong id
        errors["child"] = ["Choose a child whose record you can see"]
    if child is not None and not can_share_about(user, child):
        raise HttpError(403, "You cannot share anything about this child")
    # Each item's id, if given, must be one the user can see (the item's app's scoped lookup) and the child's.
    items: dict[str, Any] = {}
    for item in share_kinds.items():
        item_id = getattr(payload, item.field)
        found = item.visible_to(user).filter(pk=item_id).first() if item_id else None
        if item_id and (found is None or (item.of_child and child is not None and found.child_id != child.pk)):
            errors[item.field] = [item.unseen_error]
        items[item.field] = found
    to_agency = Agency.objects.filter(pk=payload.to_agency).first() if payload.to_agency else None
    if payload.to_agency and to_agency is None:
        errors["to_agency"] = ["Choose an agency to share with"]
    to_user = User.objects.filter(pk=payload.to_user, is_active=True).first() if payload.to_user else None
    if payload.to_user and to_user is None:
        errors["to_user"] = ["Choose a person to share with"]
    if errors or child is None:
        raise ValidationError(errors)
    share = share_record(
        acting_user=user,
        child=child,
        to_agency=to_agency,
        to_user=to_user,
        **items,
        what=payload.what,
        lawful_basis=payload.lawful_basis,
        lawful_basis_other=payload.lawful_basis_other,
        child_consent=payload.child_consent,
        child_consent_reason=payload.child_consent_reason,
        purpose=payload.purpose,
        expires_at=payload.expires_at,
    )
    return Status(201, get_share_for_user(user, share.pk))


@router.post(
    "/{id}/withdraw",
    response={200: ShareOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Withdraw a share",
)
def withdraw(request: ApiRequest, id: int, payload: WithdrawIn):
    """End an active share now: whoever made it, council case roles of the child's councils, police of the force
    that shared its intelligence. The recipient loses access at once."""
    user: User = request.auth
    share = get_share_for_user(user, id)
    if not can_withdraw_share(user, share):
        raise HttpError(403, "You cannot withdraw this share")
    withdraw_share(share, reason=payload.reason, expected_version=payload.version, acting_user=user)
    return get_share_for_user(user, id)
