"""The service navigation's registry: each app adds the items its users may use, from its `AppConfig.ready`, so
the page shell (`core.context_processors.navigation`) knows no domain app and a new app adds its own items."""

from collections.abc import Callable, Iterable
from typing import Any

# Given the signed-in user, the (text, href) items an app offers them: none when their roles give them nothing.
NavigationItems = Callable[[Any], Iterable[tuple[str, str]]]

_sources: dict[str, tuple[int, NavigationItems]] = {}


def register(app_label: str, *, order: int, items: NavigationItems) -> None:
    """Add an app's items at `order` (lower first). Registering the same app again replaces its entry."""
    _sources[app_label] = (order, items)


def navigation_items(user: Any) -> list[tuple[str, str]]:
    """Every registered app's items for this user, in order."""
    return [item for _, items in sorted(_sources.values(), key=lambda source: source[0]) for item in items(user)]
