"""What the child's pages (the search and the child's record) show of records that apps above children hold.

Episodes and interviews depend on the child, so children imports neither (the layers contract in pyproject.toml):
instead those apps fill in these hooks from their `AppConfig.ready`. Each hook is scoped by the app that fills
it, with its own `*_for(user)` lookups, so the child's pages never reach past what the user may see.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from access.models import User

# Given the user and the search text: a condition on Child for the children an app's records match (an episode's
# police reference, say). The search ORs them with the child's own name, ID and date of birth.
SearchMatch = Callable[[User, str], Q]
# Given the user, the child's id and now: (when, entry) pairs for the child's chronology, newest first once merged.
# An entry is a dict the chronology template reads ({"episode": ...} or {"interview": ..., "status": ...}).
ChronologySource = Callable[[User, int, datetime], list[tuple[datetime, dict]]]


@dataclass(frozen=True)
class ReportMissing:
    """How the app that records missing episodes lets the child's pages offer "Report a child missing"."""

    allowed: Callable[[User], bool]  # whether the user may report a child missing
    open_episodes: Callable[[User], QuerySet]  # the open episodes the user may see (that child is already missing)


# Given the user and the child: a link (text, href) to another app's page about the child (its network, say), or
# None where the user may not open that page.
RecordLink = Callable[[User, Any], tuple[str, str] | None]

_search_matches: dict[str, SearchMatch] = {}
_record_links: dict[str, RecordLink] = {}
_chronology_sources: dict[str, ChronologySource] = {}
_report_missing: list[ReportMissing] = []


def register_search_match(app_label: str, match: SearchMatch) -> None:
    _search_matches[app_label] = match


def register_chronology(app_label: str, source: ChronologySource) -> None:
    _chronology_sources[app_label] = source


def register_record_link(app_label: str, link: RecordLink) -> None:
    _record_links[app_label] = link


def record_links(user: User, child: Any) -> list[tuple[str, str]]:
    """The links other apps offer this user from the child's record."""
    return [found for link in _record_links.values() if (found := link(user, child)) is not None]


def register_report_missing(report_missing: ReportMissing) -> None:
    _report_missing[:] = [report_missing]


def search_matches(user: User, text: str) -> list[Q]:
    """Each app's condition for the children its records match by this text."""
    return [match(user, text) for match in _search_matches.values()]


def chronology(user: User, child_id: int, now: datetime) -> list[dict]:
    """Every entry the apps give for the child's chronology, newest first (earlier apps first on a tie)."""
    entries = [entry for source in _chronology_sources.values() for entry in source(user, child_id, now)]
    entries.sort(key=lambda entry: entry[0], reverse=True)
    return [entry for _, entry in entries]


def report_missing() -> ReportMissing:
    """The episodes app's "Report a child missing" (registered in EpisodesConfig.ready)."""
    return _report_missing[0]
