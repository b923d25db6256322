"""The navigation item the episodes app adds (core.navigation): reporting a child missing."""

from django.urls import reverse

from access.models import User
from episodes.scoping import can_report_missing


def navigation_items(user: User) -> list[tuple[str, str]]:
    if not can_report_missing(user):
        return []
    return [("Report a child missing", reverse("children:search") + "?purpose=report")]
