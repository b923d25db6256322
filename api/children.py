"""/children: the children the caller may see, exactly as the pages scope them."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from access.models import Agency, AgencyKind, Role, User
from api.auth import ApiRequest, scoped
from api.reading import audit_list_read, audit_record_read, list_page, paginate, refuse_unknown_query_parameters
from api.schemas import (
    AgencyRef,
    BodyIn,
    ListQuery,
    Page,
    PageQuery,
    PersonRef,
    RecordId,
    Version,
    coded,
    error_responses,
    keep,
    text,
)
from children.actions import add_child, update_child
from children.codes import Ethnicity, LegalStatus, LivingArrangement, Placement, Sex
from children.forms import ChildSearchForm
from children.models import Child
from children.scoping import (
    can_add_child,
    can_edit_child,
    children_in_full_for,
    children_with_record_for,
    get_child_with_record_for_user,
    sees_full_child_record,
)
from children.selectors import search_children
from episodes.scoping import episodes_for

router = Router(tags=["Children"], auth=scoped("children"))


IDENTIFIERS_ONLY = "Null when you see only the child's identifiers (a school, for example), not their care record."
CARE_FIELDS = (
    "legal_status",
    "living_arrangement",
    "placement_council",
    "placed_out_of_area",
    "placement_postcode",
    "placement_provider",
    "placement_urn",
    "placement_type",
    "placement_from",
    "social_worker",
)

# Fields whose type is built at import (the codes of a coded list, a column's maximum length): pydantic reads the
# Annotated types below; to the type checker each is the str it holds.
if TYPE_CHECKING:
    SexCode: TypeAlias = str
    EthnicityCode: TypeAlias = str
    LegalStatusCode: TypeAlias = str
    LivingArrangementCode: TypeAlias = str
    PlacementCode: TypeAlias = str
    LaChildIdText: TypeAlias = str
    UpnText: TypeAlias = str
    NameText: TypeAlias = str
    PostcodeText: TypeAlias = str
    GenderText: TypeAlias = str
else:
    LaChildIdText = text(Child, "la_child_id", "The council's own identifier for the child")
    UpnText = text(Child, "upn", "Unique pupil number: a letter and 12 digits, or UN1 to UN5")
    NameText = text(Child, "first_name")
    PostcodeText = text(Child, "placement_postcode")
    GenderText = text(Child, "gender_identity")
    SexCode = coded(Sex)
    EthnicityCode = coded(Ethnicity, "DfE ethnicity code.")
    LegalStatusCode = coded(LegalStatus)
    LivingArrangementCode = coded(LivingArrangement)
    PlacementCode = coded(Placement)


class ChildOut(Schema):
    id: int
    version: int = Field(description="Send this back with any change to the child's record")
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
    placement_provider: str | None = Field(
        description="The current placement's provider (a children's home, say), or empty. " + IDENTIFIERS_ONLY
    )
    placement_urn: str | None = Field(
        description="The current placement's Ofsted URN (six or seven digits, or SC and six digits), or empty. "
        + IDENTIFIERS_ONLY
    )
    placement_type: PlacementCode | Literal[""] | None = Field(
        description="The current placement's SSDA903 PLACE code, or empty. " + IDENTIFIERS_ONLY
    )
    placement_from: date | None = Field(description="When the current placement started. " + IDENTIFIERS_ONLY)
    school: AgencyRef | None
    social_worker: PersonRef | None = Field(description="The allocated social worker, if any. " + IDENTIFIERS_ONLY)
    created_at: datetime
    updated_at: datetime


class ChildPage(Page):
    items: list[ChildOut]


class ChildFilters(ListQuery):
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
    queryset = _filter(request.auth, _queryset(request.auth), filters).order_by("last_name", "first_name", "id")
    page = _page_out(request, list_page(request, queryset, filters))
    audit_list_read(request.auth, "child-list", page, filters.page, filters)
    return page


@router.post(
    "/search",
    response={200: ChildPage, **error_responses(400, 401, 403)},
    summary="Find children by name or identifier",
    auth=scoped("children", "read"),
)
def search(request: ApiRequest, payload: ChildSearchIn, paging: Query[PageQuery]):
    """The children you may see whose name, council child ID, date of birth or police reference matches the
    text, ordered by last name, first name, date of birth and id. The words go in the body, never the URL, so
    they stay out of server and proxy logs (and out of the audit trail, which records only that a search was
    made). `next` and `previous` take the same body."""
    refuse_unknown_query_parameters(request, paging)
    queryset = search_children(request.auth, payload.text, with_record_only=True).select_related(*RELATED)
    page = _page_out(request, paginate(request, queryset, paging.page))
    audit_list_read(request.auth, "child-search", page, paging.page, payload)
    return page


def _page_out(request: ApiRequest, page: dict) -> dict:
    """One page of children, each as the caller may see them."""
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


class ChildIn(BodyIn):
    """A child's record, as the "Add a child" page takes it. Agencies and the social worker are ids."""

    la_child_id: LaChildIdText = Field(min_length=1)
    upn: UpnText = ""
    first_name: NameText = Field(min_length=1)
    last_name: NameText = Field(min_length=1)
    preferred_name: NameText = ""
    date_of_birth: date
    sex: SexCode
    gender_identity: GenderText = ""
    ethnicity: EthnicityCode
    legal_status: LegalStatusCode
    responsible_council: RecordId = Field(description="Your own council's agency id: you add only its children")
    living_arrangement: LivingArrangementCode
    placement_council: RecordId = Field(description="The agency id of the council whose area the child lives in")
    placement_postcode: PostcodeText = ""
    school: RecordId | None = Field(None, description="The school's agency id, or null")
    social_worker: RecordId | None = Field(None, description="A social worker of your council (user id), or null")


class ChildChangeIn(BodyIn):
    """Send only the fields to change, and the version you read. null is refused except for `school` and
    `social_worker` (null removes them): leave a field out to keep it."""

    version: Version
    la_child_id: LaChildIdText = keep()
    upn: UpnText = keep()
    first_name: NameText = keep()
    last_name: NameText = keep()
    preferred_name: NameText = keep()
    date_of_birth: date = keep()
    sex: SexCode = keep()
    gender_identity: GenderText = keep()
    ethnicity: EthnicityCode = keep()
    legal_status: LegalStatusCode = keep()
    responsible_council: RecordId = keep()
    living_arrangement: LivingArrangementCode = keep()
    placement_council: RecordId = keep()
    placement_postcode: PostcodeText = keep()
    school: RecordId | None = keep()
    social_worker: RecordId | None = keep()

    @field_validator("*", mode="before")
    @classmethod
    def refuse_null(cls, value: object, info: Any) -> object:
        if value is None and info.field_name not in ("school", "social_worker"):
            raise PydanticCustomError("null_refused", "null is refused: leave the field out to keep its value")
        return value


REFERENCES = {
    "responsible_council": ("Choose a council", {"kind": AgencyKind.COUNCIL}),
    "placement_council": ("Choose the council area the child lives in", {"kind": AgencyKind.COUNCIL}),
    "school": ("Choose the child's school", {"kind": AgencyKind.SCHOOL}),
}


def _child_fields(user: User, given: dict[str, Any]) -> dict[str, Any]:
    """The body as children.actions takes it: agency and user ids checked (as the page's lists offer them) and
    named `<field>_id`; text trimmed as the page trims it."""
    assert user.agency_id is not None  # can_add_child / can_edit_child: a user at a council
    errors: dict[str, list[str]] = {}
    fields: dict[str, Any] = {}
    for name, value in given.items():
        if name in REFERENCES:
            message, kind = REFERENCES[name]
            if value is not None and not Agency.objects.filter(pk=value, **kind).exists():
                errors[name] = [message]
            fields[f"{name}_id"] = value
        elif name == "social_worker":
            if value is not None and not (
                User.objects.filter(
                    pk=value, is_active=True, agency_id=user.agency_id, role_assignments__role=Role.SOCIAL_WORKER
                ).exists()
            ):
                errors[name] = ["Choose a social worker from your council"]
            fields["social_worker_id"] = value
        elif name == "date_of_birth" and value > timezone.localdate():
            errors[name] = ["The date of birth must be today or in the past"]
        elif name == "upn":
            fields[name] = value.strip().upper()
        elif name == "placement_postcode":
            fields[name] = " ".join(value.upper().split())
        elif isinstance(value, str):
            fields[name] = value.strip()
        else:
            fields[name] = value
    if errors:
        raise ValidationError(errors)
    return fields


RENAMES = {f"{name}_id": name for name in ("responsible_council", "placement_council", "school", "social_worker")}


def _refused(error: ValidationError) -> ValidationError:
    """The model's field names (`school_id`, the council child ID's uniqueness) as the body names them."""
    if not hasattr(error, "error_dict"):
        return error
    renamed: dict[str, list[str]] = {}
    for name, messages in error.message_dict.items():
        if name == "__all__" and any("council child ID" in m or "Council child ID" in m for m in messages):
            name = "la_child_id"
        renamed.setdefault(RENAMES.get(name, name), []).extend(messages)
    return ValidationError(renamed)


@router.post("", response={201: ChildOut, **error_responses(400, 401, 403)}, summary="Add a child's record")
def create_child(request: ApiRequest, payload: ChildIn):
    """The same as the "Add a child" page: coordinators and social workers, for their own council's children."""
    user: User = request.auth
    if not can_add_child(user):
        raise HttpError(403, "Your role does not include adding children's records")
    fields = _child_fields(user, payload.model_dump())
    if fields["responsible_council_id"] != user.agency_id:
        raise ValidationError({"responsible_council": ["You can add only children your council is responsible for"]})
    try:
        child = add_child(acting_user=user, **fields)
    except ValidationError as error:
        raise _refused(error) from error
    return Status(201, _out(get_child_with_record_for_user(user, child.pk), True))


@router.patch(
    "/{id}",
    response={200: ChildOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Change a child's record",
)
def change_child(request: ApiRequest, id: int, payload: ChildChangeIn):
    """Coordinators and social workers of the child's responsible or placement council; the version you read."""
    user: User = request.auth
    child = get_child_with_record_for_user(user, id)
    if not can_edit_child(user, child):
        raise HttpError(403, "You cannot change this child's record")
    given = payload.model_dump(exclude_unset=True, exclude={"version"})
    if not given:
        raise ValidationError("Send at least one field to change")
    try:
        update_child(child, expected_version=payload.version, acting_user=user, **_child_fields(user, given))
    except ValidationError as error:
        raise _refused(error) from error
    return _out(get_child_with_record_for_user(user, id), True)
