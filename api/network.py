"""/persons, /places, /person-links and /place-links: the network of persons of concern and places linked to
children, scoped as the network pages (`network.scoping`): never another agency's police-only intelligence."""

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Literal, TypeAlias

from django.db import transaction
from django.db.models.functions import Coalesce
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from access.audit import record_event
from access.models import AuditEvent
from api.auth import ApiRequest, scoped
from api.reading import audit_list_read, audit_record_read, list_page
from api.schemas import AgencyRef, BodyIn, ChildRef, FilterId, ListQuery, Page, PersonRef, coded, error_responses
from network import actions
from network.codes import Confidence, LinkSource, PersonKind, PlaceKind, Relationship
from network.partnership import (
    FORCE_AREA,
    REGION,
    PictureRow,
    can_see_partnership_picture,
    partnership_picture,
    region_label,
    region_of,
)
from network.scoping import (
    can_search_register,
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
picture_router = Router(tags=["Cross-border picture"], auth=scoped("network"))

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
    born_about: int | None = Field(description="The year the person was born, about")
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


class PersonFindIn(BodyIn):
    """Exact identifiers, as on the "Find a person in the partnership register" page: at least one of a phone
    number, a vehicle registration, or a name or alias with an approximate age."""

    phone: str = Field("", max_length=40, description="A phone number (spaces, +44 and 0044 allowed)")
    vehicle: str = Field("", max_length=20, description="A UK vehicle registration, such as AB12 CDE")
    name: str = Field("", max_length=200, description="A name or alias exactly as it may have been recorded")
    approximate_age: int | None = Field(None, description="In years; needed with a name (within 3 years matches)")


class PlaceFindIn(BodyIn):
    """A postcode, an address (exactly, ignoring case and punctuation), or both."""

    postcode: str = Field("", max_length=10)
    address: str = Field("", max_length=2000)


class FoundPerson(Schema):
    id: int
    kind: PersonKindCode
    display_name: str
    owning_agency: AgencyRef
    police_only: bool
    matched: list[str] = Field(description="Which identifiers matched, such as 'Phone number'")


class FoundPlace(Schema):
    id: int
    kind: PlaceKindCode
    name: str
    postcode: str
    owning_agency: AgencyRef
    police_only: bool
    matched: list[str]


class FoundPersons(Schema):
    items: list[FoundPerson] = Field(description="At most 20, the most identifiers matched first")


class FoundPlaces(Schema):
    items: list[FoundPlace]


def _found(found: list[actions.Found], fields: tuple[str, ...]) -> dict:
    return {
        "items": [
            {
                "id": item.record.pk,
                **{name: getattr(item.record, name) for name in fields},
                "owning_agency": item.record.owning_agency,
                "police_only": item.record.police_only,
                "matched": item.matched,
            }
            for item in found
        ]
    }


@persons_router.post(
    "/find",
    response={200: FoundPersons, **error_responses(400)},
    summary="Find a person in the partnership register",
    auth=scoped("network", "read"),
)
def find_persons(request: ApiRequest, payload: PersonFindIn):
    """Persons recorded by any agency in the partnership with exactly this identifier (never another agency's
    police-only intelligence). Only the records: never the children other agencies linked to them. The
    identifiers go in the body, never the URL; the audit trail records which kinds were searched, not them."""
    if not can_search_register(request.auth):
        return {"items": []}
    return _found(actions.find_persons(acting_user=request.auth, **payload.dict()), ("kind", "display_name"))


@places_router.post(
    "/find",
    response={200: FoundPlaces, **error_responses(400)},
    summary="Find a place in the partnership register",
    auth=scoped("network", "read"),
)
def find_places(request: ApiRequest, payload: PlaceFindIn):
    """Places recorded by any agency in the partnership at exactly this postcode or address (as `find_persons`)."""
    if not can_search_register(request.auth):
        return {"items": []}
    return _found(actions.find_places(acting_user=request.auth, **payload.dict()), ("kind", "name", "postcode"))


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


class AnonymousOut(Schema):
    council: str = Field(description="The responsible council of children you may not see")
    count: int


class PictureRowOut(Schema):
    id: int
    label: str
    police_only: bool
    score: float
    children: int = Field(description="Every child linked, named or not")
    named_children: list[int] = Field(description="The ids of the linked children your own role reaches")
    anonymous: list[AnonymousOut] = Field(description="The other children, counted by council: never who")
    anonymous_score: float = Field(description="What the children you may not see add to the score, in one sum")


class TogetherOut(Schema):
    children: int = Field(description="Every child of the group, named or not")
    named_children: list[int] = Field(description="The ids of the group's children your own role reaches")
    anonymous: list[AnonymousOut] = Field(description="The other children, counted by council: never who")
    reasons: list[str] = Field(description="How they were together, in words (e.g. 'Last seen together')")
    councils: list[str]


class PictureQuery(Schema):
    area: Literal["force", "region"] = Field(
        "force",
        description="Your force area (the default), or your region: every council of your agency's region (for a "
        "council without one, its police force's); 400 if none is recorded",
    )


class PictureOut(Schema):
    area: str = Field(description="'force' or 'region'")
    region: str = Field(description="The region's name, for the region's picture; empty for the force area")
    councils: list[str]
    children: int
    persons: list[PictureRowOut]
    places: list[PictureRowOut]
    together: list[TogetherOut] = Field(
        description="Children of the picture missing together (overlapping episodes from the same placement or "
        "linked to the same person or place), or last seen or found at the same place within hours"
    )


def _picture_rows(rows: list[PictureRow]) -> list[dict]:
    return [
        {
            "id": row.record.pk,
            "label": str(row.record),
            "police_only": row.record.police_only,
            "score": row.score or 0.0,
            "children": row.children,
            "named_children": [pk for pk, _ in row.named],
            "anonymous": [{"council": group.council, "count": group.count} for group in row.anonymous],
            "anonymous_score": row.anonymous_score,
        }
        for row in rows
        if row.record is not None
    ]


@picture_router.get(
    "",
    response={200: PictureOut, **error_responses(400)},
    summary="The cross-border picture of your force area or region",
)
def get_picture(request: ApiRequest, filters: Query[PictureQuery]):
    """Police, MASH, exploitation teams and MACE panel members only: persons and places ranked across every
    council of your force area, or with `area=region` of your region (as the "Cross-border picture" page).
    Children your own role does not reach are counted by council, never named or identified."""
    if not can_see_partnership_picture(request.auth):
        raise HttpError(
            403, "Only police, MASH, exploitation team and MACE panel users see the picture across the force area"
        )
    region = region_of(request.auth) if filters.area == REGION else ""
    if filters.area == REGION and not region:
        raise HttpError(400, "area: your agency has no region recorded, so there is no region's picture for you")
    picture = partnership_picture(request.auth, area=filters.area)
    with transaction.atomic():
        shown = sorted(picture.named)
        record_event(
            actor=request.auth,
            action=AuditEvent.Action.VIEW,
            summary="Cross-border picture read through the API"
            if filters.area == FORCE_AREA
            else "Cross-border picture of the region read through the API",
            changes={"children_shown": [None, shown[:2000]]} if shown else {},
        )
    return {
        "area": filters.area,
        "region": region_label(region),
        "councils": picture.councils,
        "children": picture.children,
        "persons": _picture_rows(picture.persons),
        "places": _picture_rows(picture.places),
        "together": [
            {
                "children": group["count"],
                "named_children": [pk for pk, _ in group["named"]],
                "anonymous": [{"council": hidden.council, "count": hidden.count} for hidden in group["anonymous"]],
                "reasons": group["reasons"],
                "councils": group["councils"],
            }
            for group in picture.together
        ],
    }
