"""Template context every page needs: the navigation the signed-in user may use."""

from django.http import HttpRequest

from core.navigation import navigation_items

# Where the request keeps its navigation: a page renders each section of other apps (core.sections) as a template
# of its own, and every render runs the context processors again; the items (some counted in the database, such
# as unread notifications) are built once per request.
_NAVIGATION_ATTRIBUTE = "_homeward_navigation_items"


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(request, "two_factor_pending", False):
        return {"navigation": []}  # nothing to navigate to before sign-in, or before the two-factor code
    items = getattr(request, _NAVIGATION_ATTRIBUTE, None)
    if items is None:
        items = navigation_items(user)  # each app's own items (core.navigation), registered in its AppConfig.ready
        setattr(request, _NAVIGATION_ATTRIBUTE, items)
    # "Find a child" and "Report a child missing" share a page: the purpose tells which one is current.
    current = (request.path, request.GET.get("purpose") == "report")
    return {
        "navigation": [
            {"text": text, "href": href, "active": current == (href.split("?")[0], "purpose=report" in href)}
            for text, href in items
        ]
    }
