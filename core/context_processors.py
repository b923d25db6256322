"""Template context every page needs: the navigation the signed-in user may use."""

from django.http import HttpRequest
from django.urls import reverse

from access.scoping import can_report_missing, sees_case_work


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    items = []
    if sees_case_work(user):
        items.append(("My work", reverse("core:my-work")))
        items.append(("Find a child", reverse("children:search")))
    if can_report_missing(user):
        items.append(("Report a child missing", reverse("children:search") + "?purpose=report"))
    # "Find a child" and "Report a child missing" share a page: the purpose tells which one is current.
    current = (request.path, request.GET.get("purpose") == "report")
    return {
        "navigation": [
            {"text": text, "href": href, "active": current == (href.split("?")[0], "purpose=report" in href)}
            for text, href in items
        ]
    }
