"""The intake app's menu item (core.navigation): the match queue for those who work it."""

from django.urls import reverse

from access.models import User
from core import navigation
from intake.scoping import import_force


def navigation_items(user: User) -> list[tuple[str, str]]:
    if not getattr(user, "is_authenticated", False) or import_force(user) is None:
        return []
    return [("Police notifications", reverse("intake:queue"))]


def register() -> None:
    navigation.register("intake", order=75, items=navigation_items)
