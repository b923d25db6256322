"""The navigation item the analytics app adds (core.navigation): the dashboard, for whoever may open one."""

from django.urls import reverse

from access.models import User
from analytics.scoping import can_view_data_quality, dashboard_scopes


def navigation_items(user: User) -> list[tuple[str, str]]:
    items = [("Dashboard", reverse("analytics:dashboard"))] if dashboard_scopes(user) else []
    if can_view_data_quality(user):
        items.append(("Data quality", reverse("analytics:data-quality")))
    return items
