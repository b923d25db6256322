"""The navigation item the returns app adds (core.navigation): the Returns page, for the council's coordinator
and analysts (returns.scoping)."""

from django.urls import reverse

from access.models import User
from returns.scoping import can_produce_returns


def navigation_items(user: User) -> list[tuple[str, str]]:
    return [("Returns", reverse("returns:returns"))] if can_produce_returns(user) else []
