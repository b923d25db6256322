"""What the child's pages (the search and the child's record) show of records that apps above children hold.

Episodes and interviews depend on the child, so children imports neither (the layers contract in pyproject.toml):
instead those apps fill in these hooks from their `AppConfig.ready`. Each hook is scoped by the app that fills
it, with its own `*_for(user)` lookups, so the child's pages never reach past what the user may see.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils import timezone

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


# --- Merging duplicate records (children.actions.merge_children) ------------------------------------------------
# Each app that holds records about a child registers one MergeMover from its AppConfig.ready, so the merge moves
# every app's records without children importing any of them. `check` runs first for every app (the merge is
# refused with every reason at once if any app objects: two open episodes, two Philomena profiles...), then `move`
# repoints the app's records from the merged child to the survivor inside the merge's transaction and returns
# what it moved ({"missing episodes": 2}), for the audit event. `fields` names every ForeignKey to Child the mover
# handles ("episodes.MissingEpisode.child"): a test checks that together they cover every one in the project.


@dataclass(frozen=True)
class MergeMover:
    fields: tuple[str, ...]
    check: Callable[[int, int], list[str]]  # (merged_id, survivor_id) -> reasons the merge cannot go ahead
    move: Callable[[int, int, Any], dict[str, int]]  # (merged_id, survivor_id, acting_user) -> counts moved


_merge_movers: dict[str, MergeMover] = {}


def register_merge_mover(app_label: str, mover: MergeMover) -> None:
    _merge_movers[app_label] = mover


def merge_movers() -> dict[str, MergeMover]:
    return dict(_merge_movers)


def moved_fields() -> set[str]:
    return {name for mover in _merge_movers.values() for name in mover.fields}


def repoint(field: str, merged_id: int, survivor_id: int) -> int:
    """Point every row whose `field` ("episodes.MissingEpisode.child") is the merged child at the survivor. A row
    that keeps when it last changed (`updated_at`) is stamped now: `update()` skips `auto_now`, and a system that
    syncs through the API with `updated_since` must see the row move to the surviving record."""
    label, name = field.rsplit(".", 1)
    model = apps.get_model(label)
    changes: dict[str, object] = {f"{name}_id": survivor_id}
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        changes["updated_at"] = timezone.now()
    return model._base_manager.filter(**{f"{name}_id": merged_id}).update(**changes)


def no_problems(merged_id: int, survivor_id: int) -> list[str]:
    return []


def repointing_mover(moves: dict[str, str], check: Callable[[int, int], list[str]] = no_problems) -> MergeMover:
    """A mover that repoints each field in `moves` (field -> what its rows are, for the counts) to the survivor,
    for an app whose records need nothing more than that (and, optionally, a check first)."""

    def move(merged_id: int, survivor_id: int, acting_user: Any) -> dict[str, int]:
        return {what: repoint(field, merged_id, survivor_id) for field, what in moves.items()}

    return MergeMover(fields=tuple(moves), check=check, move=move)


# --- Alerts other apps say are due for a child ------------------------------------------------------------


@dataclass(frozen=True)
class DueFromApp:
    """An alert an app above children says is due for the child: the risk app raises it (once per dedupe key)
    on its alert mechanism, for the coordinator. `kind` is one of risk's alert kinds; `detail` is plain words
    that name no other child."""

    kind: str
    dedupe_key: str
    detail: str


# Given the child's id and now: the alerts the app says are due (the network's cross-border links, say).
AlertSource = Callable[[int, datetime], list[DueFromApp]]
_alert_sources: dict[str, AlertSource] = {}


def register_alert_source(app_label: str, source: AlertSource) -> None:
    _alert_sources[app_label] = source


def alerts_due_from_apps(child_id: int, now: datetime) -> list[DueFromApp]:
    return [due for source in _alert_sources.values() for due in source(child_id, now)]
