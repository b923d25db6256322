"""The navigation item the analytics app adds (core.navigation): the dashboard, for whoever may open one."""

from django.urls import reverse

from access.models import User
from analytics.scoping import dashboard_scopes


def navigation_items(user: User) -> list[tuple[str, str]]:
    return [("Dashboard", reverse("analytics:dashboard"))] if dashboard_scopes(user) else []
