"""/philomena-profiles/{child_id}: a child's Philomena profile (read only), for those who see it on its page
(`philomena.scoping`): council case roles of the child's councils, and police for a child they can see."""

from datetime import date, datetime

from django.http import Http404
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from api.auth import ApiRequest, scoped
from api.reading import audit_record_read
from api.schemas import ChildRef, PersonRef, error_responses
from children.scoping import get_child_for_user
from philomena.models import CONTENT_FIELDS, ProfileVersion
from philomena.scoping import can_view_profile
from philomena.selectors import profile_of

router = Router(tags=["Philomena profiles"], auth=scoped("philomena"))


class PhotoOut(Schema):
    id: int
    content_type: str
    width: int
    height: int
    taken_on: date | None
    uploaded_at: datetime


class ProfileOut(Schema):
    child: ChildRef
    version: int = Field(description="The current version's number; earlier versions stay on the page")
    created_at: datetime
    updated_at: datetime
    changed_by: PersonRef = Field(description="Who saved the current version")
    changed_fields: list[str] = Field(description="What the current version changed from the one before")
    content: dict[str, str] = Field(description=f"The profile's text, by field: {', '.join(CONTENT_FIELDS)}")
    photo: PhotoOut | None = Field(description="The current photo's details (the image is on the page only)")


@router.get(
    "/{child_id}",
    response={200: ProfileOut, **error_responses(400, 401, 403, 404)},
    summary="Read a child's Philomena profile",
)
def get_profile(request: ApiRequest, child_id: int):
    """The current version of the child's profile. 403 if you see the child but not their profile (as on the
    page); 404 if you do not see the child, or the child has no profile yet."""
    child = get_child_for_user(request.auth, child_id)
    if not can_view_profile(request.auth, child):
        raise HttpError(403, "You cannot see this child's Philomena profile")
    profile = profile_of(child)
    if profile is None:
        raise Http404("No profile")
    current: ProfileVersion = profile.current_version()
    audit_record_read(request.auth, profile, child.pk, "Philomena profile")
    return {
        "child": child,
        "version": profile.version,
        "created_at": profile.created_at,
        "updated_at": profile.updated_at,
        "changed_by": current.created_by,
        "changed_fields": current.changed_fields,
        "content": {name: getattr(current, name) for name in CONTENT_FIELDS},
        "photo": current.photo,
    }
