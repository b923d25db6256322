"""/children: the children the caller may see, exactly as the pages scope them."""

from datetime import date, datetime
from typing import TYPE_CHECKING, TypeAlias, cast

from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from ninja import Field, Query, Router, Schema
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from api.auth import ApiRequest
from api.reading import audit_list_read, audit_record_read, paginate, refuse_unknown_query_parameters
from api.schemas import AgencyRef, BodyIn, Page, PageQuery, PersonRef, coded, error_responses
from children.codes import Ethnicity, LegalStatus, LivingArrangement, Sex
from children.forms import ChildSearchForm
from children.models import Child
from children.scoping import (
    children_in_full_for,
    children_with_record_for,
    get_child_with_record_for_user,
    sees_full_child_record,
)
from children.selectors import search_children
from episodes.scoping import episodes_for

router = Router(tags=["Children"])


IDENTIFIERS_ONLY = "Null when you see only the child's identifiers (a school, for example), not their care record."
CARE_FIELDS = (
    "legal_status",
    "living_arrangement",
    "placement_council",
    "placed_out_of_area",
    "placement_postcode",
    "social_worker",
)

# Fields whose type is built at import (the codes of a coded list, a column's maximum length): pydantic reads the
# Annotated types below; to the type checker each is the str it holds.
if TYPE_CHECKING:
    SexCode: TypeAlias = str
    EthnicityCode: TypeAlias = str
    LegalStatusCode: TypeAlias = str
    LivingArrangementCode: TypeAlias = str
else:
    SexCode = coded(Sex)
    EthnicityCode = coded(Ethnicity, "DfE ethnicity code.")
    LegalStatusCode = coded(LegalStatus)
    LivingArrangementCode = coded(LivingArrangement)


class ChildOut(Schema):
    id: int
    la_child_id: str = Field(description="The council's own identifier, used in statutory returns")
    upn: str = Field(description="Unique pupil number, or empty")
    first_name: str
    last_name: str
    preferred_name: str
    date_of_birth: date
    sex: SexCode
    gender_identity: str
    ethnicity: EthnicityCode
    legal_status: LegalStatusCode | None = Field(description=IDENTIFIERS_ONLY)
    living_arrangement: LivingArrangementCode | None = Field(description=IDENTIFIERS_ONLY)
    responsible_council: AgencyRef = Field(description="The council responsible for the child")
    placement_council: AgencyRef | None = Field(
        description="The council whose area the child lives in. " + IDENTIFIERS_ONLY
    )
    placed_out_of_area: bool | None = Field(
        description="True when the child lives outside the responsible council's area. " + IDENTIFIERS_ONLY
    )
    placement_postcode: str | None = Field(description=IDENTIFIERS_ONLY)
    school: AgencyRef | None
    social_worker: PersonRef | None = Field(description="The allocated social worker, if any. " + IDENTIFIERS_ONLY)
    created_at: datetime
    updated_at: datetime


class ChildPage(Page):
    items: list[ChildOut]


class ChildFilters(PageQuery):
    """Filters that identify nobody. To find a child by name, council child ID, date of birth or police
    reference, POST the words to /children/search: query strings end up in server and proxy logs."""

    legal_status: LegalStatusCode | None = None
    responsible_council: int | None = Field(None, description="The responsible council's agency id")
    has_open_episode: bool | None = Field(
        None, description="Only children with (true) or without (false) an open missing episode that you can see"
    )


RELATED = ("responsible_council", "placement_council", "school", "social_worker")
SEARCH_TEXT = cast(forms.CharField, ChildSearchForm.base_fields["q"])


class ChildSearchIn(BodyIn):
    """The same search as the "Find a child" page: one text, matched as the page matches it."""

    text: str = Field(
        max_length=SEARCH_TEXT.max_length,
        description="A name (every word must match part of a first, last or preferred name, any case), a council "
        "child ID (exactly, any case), a date of birth (21/11/2011 or 2011-11-21) or a police reference on an "
        "episode you can see (exactly, any case).",
    )

    @field_validator("text")
    @classmethod
    def not_blank(cls, value: str) -> str:
        if not value.strip():
            raise PydanticCustomError("blank", "Enter a name, council child ID, date of birth or police reference")
        return value


def _queryset(user) -> QuerySet[Child]:
    # A child reached only through a share is not listed: its recipient reads the shared item (which names the
    # child by id and council child ID), never the child's record.
    return children_with_record_for(user).select_related(*RELATED)


def _filter(user, queryset: QuerySet[Child], filters: ChildFilters) -> QuerySet[Child]:
    if filters.legal_status:
        queryset = queryset.filter(legal_status=filters.legal_status)
    if filters.responsible_council is not None:
        queryset = queryset.filter(responsible_council_id=filters.responsible_council)
    if filters.has_open_episode is not None:
        # Only episodes the caller may see count, so the filter reveals nothing the episode list would not.
        open_episode = episodes_for(user).filter(child=OuterRef("pk"), returned_at__isnull=True)
        queryset = queryset.filter(Exists(open_episode) if filters.has_open_episode else ~Exists(open_episode))
    return queryset


@router.get("", response={200: ChildPage, **error_responses(400, 401)}, summary="List children")
def list_children(request: ApiRequest, filters: Query[ChildFilters]):
    """The children you may see, ordered by last name, first name and id."""
    refuse_unknown_query_parameters(request, filters)
    queryset = _filter(request.auth, _queryset(request.auth), filters).order_by("last_name", "first_name", "id")
    page = _page_out(request, queryset, filters.page)
    audit_list_read(request.auth, "child-list", page, filters.page, filters)
    return page


@router.post(
    "/search", response={200: ChildPage, **error_responses(400, 401)}, summary="Find children by name or identifier"
)
def search(request: ApiRequest, payload: ChildSearchIn, paging: Query[PageQuery]):
    """The children you may see whose name, council child ID, date of birth or police reference matches the
    text, ordered by last name, first name, date of birth and id. The words go in the body, never the URL, so
    they stay out of server and proxy logs (and out of the audit trail, which records only that a search was
    made). `next` and `previous` take the same body."""
    refuse_unknown_query_parameters(request, paging)
    queryset = search_children(request.auth, payload.text, with_record_only=True).select_related(*RELATED)
    page = _page_out(request, queryset, paging.page)
    audit_list_read(request.auth, "child-search", page, paging.page, payload)
    return page


def _page_out(request: ApiRequest, queryset: QuerySet[Child], page_number: int) -> dict:
    """One page of children, each as the caller may see them."""
    page = paginate(request, queryset, page_number)
    full = set(
        children_in_full_for(request.auth).filter(pk__in=[c.pk for c in page["items"]]).values_list("pk", flat=True)
    )
    page["items"] = [_out(child, child.pk in full) for child in page["items"]]
    return page


@router.get("/{id}", response={200: ChildOut, **error_responses(400, 401, 404)}, summary="Read a child")
def get_child(request: ApiRequest, id: int):
    child = get_child_with_record_for_user(request.auth, id)
    audit_record_read(request.auth, child, child.pk, "Child record")
    return _out(child, sees_full_child_record(request.auth, child))


def _out(child: Child, full_record: bool) -> Child | dict:
    """The child as the caller may see them: the care record only for those who see it on the page too."""
    if full_record:
        return child
    return {**ChildOut.from_orm(child).model_dump(), **dict.fromkeys(CARE_FIELDS)}
