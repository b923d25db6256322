"""Template context every page needs: the navigation the signed-in user may use, and the banners (core.banners)
shown on a page about a child."""

import weakref

from django.http import HttpRequest

from core.banners import build_child_banners
from core.navigation import navigation_items
from core.sections import Section

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


# Built once a request (a section rendered with the request, by page_sections, runs the processors again); kept
# off the request itself so no error report or log of the request ever carries a banner's case data.
_built_for: "weakref.WeakKeyDictionary[HttpRequest, dict[int, list[Section]]]" = weakref.WeakKeyDictionary()


def child_banners(request: HttpRequest) -> dict:
    """The banners each app shows on pages about a child, built here (the apps' scoped queries) so that base.html
    only displays the ones for the page's `child`."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(request, "two_factor_pending", False):
        return {"child_banners": {}}
    built = _built_for.get(request)
    if built is None:
        built = _built_for[request] = build_child_banners(user)
    return {"child_banners": built}
