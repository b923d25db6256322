"""Banners an app shows at the top of every page about a child (sharing's "you are seeing this record under
emergency access"). No one view owns such a banner, so it is not a `core.sections` slot: the app registers, from
its `AppConfig.ready`, a template and a function that gives, for the signed-in user, the banner's context for each
child it applies to (one scoped query for all of them, such as the user's emergency access running now). The
context processor `core.context_processors.child_banners` builds them before the page renders, and base.html
shows the ones for the page's `child` with `{% child_banners %}`: the template only displays.
"""

from collections.abc import Callable
from typing import Any

from core.sections import Section

# Given the signed-in user: {child id: the banner's template context} for every child the banner applies to.
ChildBanners = Callable[[Any], dict[int, dict[str, Any]]]

_banners: dict[str, tuple[int, str, ChildBanners]] = {}


def register_child_banner(app_label: str, *, order: int, template: str, build: ChildBanners) -> None:
    """Add an app's banner. Registering the same app again replaces it."""
    _banners[app_label] = (order, template, build)


def build_child_banners(user: Any) -> dict[int, list[Section]]:
    """Every banner this user is shown, by child id, in order."""
    built: dict[int, list[Section]] = {}
    for _, template, build in sorted(_banners.values(), key=lambda entry: entry[0]):
        for child_id, context in build(user).items():
            built.setdefault(child_id, []).append(Section(template, context))
    return built
