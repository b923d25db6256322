"""The navigation item the identity app adds (core.navigation): Administration, for administrators."""

from django.urls import reverse

from access.models import User
from identity.scoping import is_administrator


def navigation_items(user: User) -> list[tuple[str, str]]:
    return [("Administration", reverse("identity:users"))] if is_administrator(user) else []
