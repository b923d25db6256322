"""/notifications: the caller's own notifications (nobody else's), read and marked read."""

from datetime import datetime
from typing import TYPE_CHECKING, TypeAlias

from django.db.models.functions import Coalesce
from ninja import Field, Query, Router, Schema

from api.auth import ApiRequest, scoped
from api.reading import list_page
from api.schemas import ListQuery, Page, coded, error_responses
from notifications.actions import mark_read
from notifications.codes import NotificationKind
from notifications.models import Notification
from notifications.scoping import get_notification_for_user, notifications_for

if TYPE_CHECKING:
    NotificationKindCode: TypeAlias = str
else:
    NotificationKindCode = coded(NotificationKind)

router = Router(tags=["Notifications"], auth=scoped("notifications"))


class NotificationOut(Schema):
    """A notification: a neutral sentence and the page it is about, never case detail."""

    id: int
    kind: NotificationKindCode
    message: str
    link: str = Field(description="The page in Homeward it is about")
    created_at: datetime
    read_at: datetime | None


class NotificationPage(Page):
    items: list[NotificationOut]


class NotificationFilters(ListQuery):
    unread: bool | None = Field(None, description="true: only unread; false: only read")


NOTIFICATION_CHANGED = Coalesce("read_at", "created_at")


@router.get("", response={200: NotificationPage, **error_responses(400, 401)}, summary="List your notifications")
def list_notifications(request: ApiRequest, filters: Query[NotificationFilters]):
    """Your notifications, newest first. They carry no case data, so reading them is not an audited read. In sync
    a notification counts as changed when it was made and when it was read (`read_at`, never before `created_at`)."""
    queryset = notifications_for(request.auth)
    if filters.unread is not None:
        queryset = queryset.filter(read_at__isnull=filters.unread)
    return list_page(request, queryset.order_by("-created_at", "-id"), filters, changed=NOTIFICATION_CHANGED)


@router.get("/{id}", response={200: NotificationOut, **error_responses(400, 401, 404)}, summary="Read a notification")
def get_notification(request: ApiRequest, id: int) -> Notification:
    return get_notification_for_user(request.auth, id)


@router.post(
    "/{id}/read", response={200: NotificationOut, **error_responses(400, 401, 404)}, summary="Mark a notification read"
)
def read(request: ApiRequest, id: int) -> Notification:
    """Mark it read (again: nothing changes)."""
    return mark_read(get_notification_for_user(request.auth, id), acting_user=request.auth)
