"""The menu item every signed-in user gets: Notifications, with how many are unread (the header count)."""

from django.urls import reverse

from access.models import User
from notifications.scoping import unread_count


def navigation_items(user: User) -> list[tuple[str, str]]:
    unread = unread_count(user)
    return [(f"Notifications ({unread} unread)" if unread else "Notifications", reverse("notifications:list"))]
