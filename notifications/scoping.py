"""Whose notifications a user may see: their own, and nobody else's (deny by default)."""

from django.db.models import QuerySet

from access.models import User
from access.scoping import get_or_404
from notifications.models import Notification


def notifications_for(user: User) -> QuerySet[Notification]:
    if not user.is_authenticated or not user.is_active:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def get_notification_for_user(user: User, notification_id: object) -> Notification:
    return get_or_404(notifications_for(user), notification_id)


def unread_count(user: User) -> int:
    return notifications_for(user).filter(read_at__isnull=True).count()
