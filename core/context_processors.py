"""Template context every page needs: the navigation the signed-in user may use."""

from django.http import HttpRequest
from django.urls import reverse

from access.scoping import can_report_missing, dashboard_scopes, is_auditor, sees_case_work
from sharing.navigation import navigation_items as sharing_navigation_items


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(request, "two_factor_pending", False):
        return {"navigation": []}  # nothing to navigate to before sign-in, or before the two-factor code
    items = []
    if sees_case_work(user):
        items.append(("My work", reverse("core:my-work")))
        items.append(("Find a child", reverse("children:search")))
    if can_report_missing(user):
        items.append(("Report a child missing", reverse("children:search") + "?purpose=report"))
    if is_auditor(user):
        items.append(("Audit trail", reverse("governance:audit")))
    if dashboard_scopes(user):
        items.append(("Dashboard", reverse("analytics:dashboard")))
    items.extend(sharing_navigation_items(user))  # shared with my agency; emergency access reviews
    # "Find a child" and "Report a child missing" share a page: the purpose tells which one is current.
    current = (request.path, request.GET.get("purpose") == "report")
    return {
        "navigation": [
            {"text": text, "href": href, "active": current == (href.split("?")[0], "purpose=report" in href)}
            for text, href in items
        ]
    }
