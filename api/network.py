"""/persons, /places, /person-links and /place-links: the network of persons of concern and places linked to
children, scoped as the network pages (`network.scoping`): never another agency's police-only intelligence."""

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, TypeAlias

from django.db.models.functions import Coalesce
from ninja import Field, Query, Router, Schema

from api.auth import ApiRequest, scoped
from api.reading import audit_list_read, audit_record_read, list_page
from api.schemas import AgencyRef, ChildRef, FilterId, ListQuery, Page, PersonRef, coded, error_responses
from network.codes import Confidence, LinkSource, PersonKind, PlaceKind, Relationship
from network.scoping import (
    child_links_for,
    get_person_for_user,
    get_person_link_for_user,
    get_place_for_user,
    get_place_link_for_user,
    persons_for,
    places_for,
)

persons_router = Router(tags=["Persons of concern"], auth=scoped("network"))
places_router = Router(tags=["Places"], auth=scoped("network"))
person_links_router = Router(tags=["Links"], auth=scoped("network"))
place_links_router = Router(tags=["Links"], auth=scoped("network"))

if TYPE_CHECKING:
    PersonKindCode: TypeAlias = str
    PlaceKindCode: TypeAlias = str
    SourceCode: TypeAlias = str
    ConfidenceCode: TypeAlias = str
    RelationshipCode: TypeAlias = str
else:
    PersonKindCode = coded(PersonKind)
    PlaceKindCode = coded(PlaceKind)
    SourceCode = coded(LinkSource)
    ConfidenceCode = coded(Confidence)
    RelationshipCode = coded(Relationship)


class PersonOut(Schema):
    id: int
    version: int
    owning_agency: AgencyRef
    kind: PersonKindCode
    display_name: str
    aliases: str
    description: str
    vehicles: str
    phone_numbers: str
    police_only: bool = Field(description="Police intelligence: only its force's police see it")
    created_by: PersonRef
    created_at: datetime
    updated_at: datetime


class PlaceOut(Schema):
    id: int
    version: int
    owning_agency: AgencyRef
    kind: PlaceKindCode
    name: str
    address: str
    postcode: str
    latitude: Decimal | None
    longitude: Decimal | None
    police_only: bool
    created_by: PersonRef
    created_at: datetime
    updated_at: datetime


class LinkOut(Schema):
    id: int
    version: int
    child: ChildRef
    source: SourceCode
    linked_on: date
    confidence: ConfidenceCode
    episode_id: int | None
    interview_id: int | None
    notes: str
    police_only: bool
    owning_agency: AgencyRef
    recorded_by: PersonRef
    recorded_at: datetime
    ended_at: datetime | None
    end_reason: str


class PersonLinkOut(LinkOut):
    person_id: int
    relationship: RelationshipCode = Field(
        description="What the person is to the child; a family member or carer not of concern adds nothing to rankings"
    )


class PlaceLinkOut(LinkOut):
    place_id: int


class PersonPage(Page):
    items: list[PersonOut]


class PlacePage(Page):
    items: list[PlaceOut]


class PersonLinkPage(Page):
    items: list[PersonLinkOut]


class PlaceLinkPage(Page):
    items: list[PlaceLinkOut]


class LinkFilters(ListQuery):
    child: FilterId | None = Field(None, description="The child's id")
    active: bool | None = Field(None, description="Only links not ended (true) or ended (false)")


LINK_CHANGED = Coalesce("ended_at", "recorded_at")
LINK_RELATED = ("child", "owning_agency", "recorded_by")


def _links(request: ApiRequest, queryset, filters: LinkFilters, what: str) -> dict:
    queryset = queryset.select_related(*LINK_RELATED).order_by("-linked_on", "-id")
    if filters.child is not None:
        queryset = queryset.filter(child_id=filters.child)
    if filters.active is not None:
        queryset = queryset.filter(ended_at__isnull=filters.active)
    page = list_page(request, queryset, filters, changed=LINK_CHANGED)
    audit_list_read(request.auth, what, page, filters.page, filters)
    return page


@persons_router.get("", response={200: PersonPage, **error_responses(400, 401)}, summary="List persons of concern")
def list_persons(request: ApiRequest, filters: Query[ListQuery]):
    """Persons linked to children in your caseload, and those your agency recorded (council case roles and
    police only), by name."""
    queryset = persons_for(request.auth).select_related("owning_agency", "created_by").order_by("display_name", "id")
    page = list_page(request, queryset, filters)
    audit_list_read(request.auth, "person-list", page, filters.page, filters)
    return page


@persons_router.get(
    "/{id}", response={200: PersonOut, **error_responses(400, 401, 404)}, summary="Read a person of concern"
)
def get_person(request: ApiRequest, id: int):
    person = get_person_for_user(request.auth, id)
    audit_record_read(request.auth, person, None, "Person of concern")
    return person


@places_router.get("", response={200: PlacePage, **error_responses(400, 401)}, summary="List places")
def list_places(request: ApiRequest, filters: Query[ListQuery]):
    """Places linked to children in your caseload, and those your agency recorded, by name."""
    queryset = places_for(request.auth).select_related("owning_agency", "created_by").order_by("name", "id")
    page = list_page(request, queryset, filters)
    audit_list_read(request.auth, "place-list", page, filters.page, filters)
    return page


@places_router.get("/{id}", response={200: PlaceOut, **error_responses(400, 401, 404)}, summary="Read a place")
def get_place(request: ApiRequest, id: int):
    place = get_place_for_user(request.auth, id)
    audit_record_read(request.auth, place, None, "Place")
    return place


@person_links_router.get(
    "", response={200: PersonLinkPage, **error_responses(400, 401)}, summary="List links of children to persons"
)
def list_person_links(request: ApiRequest, filters: Query[LinkFilters]):
    """Links (active and ended) of children in your caseload to persons of concern, latest first."""
    return _links(request, child_links_for(request.auth).persons, filters, "person-link-list")


@person_links_router.get(
    "/{id}", response={200: PersonLinkOut, **error_responses(400, 401, 404)}, summary="Read a link to a person"
)
def get_person_link(request: ApiRequest, id: int):
    link = get_person_link_for_user(request.auth, id)
    audit_record_read(request.auth, link, link.child_id, "Link to a person of concern")
    return link


@place_links_router.get(
    "", response={200: PlaceLinkPage, **error_responses(400, 401)}, summary="List links of children to places"
)
def list_place_links(request: ApiRequest, filters: Query[LinkFilters]):
    """Links (active and ended) of children in your caseload to places, latest first."""
    return _links(request, child_links_for(request.auth).places, filters, "place-link-list")


@place_links_router.get(
    "/{id}", response={200: PlaceLinkOut, **error_responses(400, 401, 404)}, summary="Read a link to a place"
)
def get_place_link(request: ApiRequest, id: int):
    link = get_place_link_for_user(request.auth, id)
    audit_record_read(request.auth, link, link.child_id, "Link to a place")
    return link
