"""The navigation items the children app adds (core.navigation): My work and finding a child, for case work."""

from django.urls import reverse

from access.models import User
from access.scoping import sees_case_work


def navigation_items(user: User) -> list[tuple[str, str]]:
    if not sees_case_work(user):
        return []
    return [("My work", reverse("core:my-work")), ("Find a child", reverse("children:search"))]
