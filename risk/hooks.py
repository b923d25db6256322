"""What the alert page shows of records that apps above risk hold (a meeting called from the alert, say).

Risk sits below the apps that answer an alert, so it imports none of them: they register a link source here from
their `AppConfig.ready`, scoped by their own lookups, and the alert page lists what each gives the user.
"""

from collections.abc import Callable
from typing import Any

from access.models import User

# Given the user and the alert: (text, href) links to pages about the alert (the meeting its decision called, or
# where to call one), only those the user may open.
AlertLinks = Callable[[User, Any], list[tuple[str, str]]]

_alert_links: dict[str, AlertLinks] = {}


def register_alert_link(app_label: str, links: AlertLinks) -> None:
    _alert_links[app_label] = links


def alert_links(user: User, alert: Any) -> list[tuple[str, str]]:
    return [link for source in _alert_links.values() for link in source(user, alert)]
