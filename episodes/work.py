"""The episodes app's tasks in the inbox (core.inbox): children missing now (due at the first escalation time,
so the longest missing come first), and children newly over the repeat missing threshold (to consider a missing
review). Scoped by `episodes_for` and `children_for`."""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Window
from django.urls import reverse

from access.models import Role, User
from access.scoping import EPISODE_EDITOR_ROLES
from children.models import Child
from children.scoping import children_for
from core.encryption import encrypted_fields
from core.formatting import duration_text
from core.inbox import MINE, TEAM, Task, TaskCount, TaskSource
from episodes.models import MissingEpisode
from episodes.scoping import episodes_among, episodes_for

TEAM_ROLES = (Role.COORDINATOR, Role.TEAM_MANAGER)


def applies(user: User, scope: str) -> bool:
    if scope == TEAM:
        return user.has_role(*TEAM_ROLES)
    return user.has_role(*EPISODE_EDITOR_ROLES)


def _first_escalation() -> timedelta:
    return timedelta(hours=min(settings.HOMEWARD_MISSING_ESCALATION_HOURS))


def missing_now(user: User, scope: str) -> QuerySet[MissingEpisode]:
    """Open episodes. A social worker's own are their allocated children's; the coordinator, managers and police
    watch every child missing in their council or force."""
    episodes = MissingEpisode.objects.open()
    if scope == MINE and not user.has_role(Role.COORDINATOR, Role.TEAM_MANAGER, Role.POLICE):
        episodes = episodes.filter(child__social_worker=user)
    return episodes_among(user, episodes)


def count_missing(user: User, now: datetime, scope: str) -> TaskCount:
    overdue_since = now - _first_escalation()
    totals = missing_now(user, scope).aggregate(
        total=Count("pk"), overdue=Count("pk", filter=Q(last_seen_at__lte=overdue_since))
    )
    return TaskCount(totals["total"], totals["overdue"])


def fetch_missing(user: User, now: datetime, scope: str, limit: int) -> list[Task]:
    # Not the episode's free text (decrypted on loading): the task shows the child and the time only.
    rows = (
        missing_now(user, scope)
        .select_related("child")
        .defer(*encrypted_fields(MissingEpisode))
        .order_by("last_seen_at", "pk")[:limit]
    )
    return [
        Task(
            kind="missing_now",
            title=f"Missing for {duration_text(now - episode.last_seen_at)}: keep the episode log",
            subject=episode.child.full_name,
            due=episode.last_seen_at + _first_escalation(),
            overdue=now - episode.last_seen_at >= _first_escalation(),
            link=reverse("episodes:detail", args=[episode.pk]),
            owner="",
            reference=f"episode:{episode.pk}",
        )
        for episode in rows
    ]


def children_newly_over_repeat_threshold(user: User, now: datetime, scope: str = TEAM) -> QuerySet[Child]:
    """Children with at least HOMEWARD_REPEAT_MISSING_COUNT episodes (by time last seen) in the last
    HOMEWARD_REPEAT_MISSING_WINDOW_DAYS days whose latest episode began in the last
    HOMEWARD_REPEAT_MISSING_RECENT_DAYS days: the ones a coordinator has not yet had time to act on.

    Only the episodes the user may see count. Each child gets `episodes_in_window`, `latest_seen_at` and
    `latest_episode_id`, in one query over the children with a recent episode.
    """
    window_start = now - timedelta(days=settings.HOMEWARD_REPEAT_MISSING_WINDOW_DAYS)
    recent_start = now - timedelta(days=settings.HOMEWARD_REPEAT_MISSING_RECENT_DAYS)
    visible = episodes_for(user).filter(child=OuterRef("pk")).order_by()
    in_window = (
        visible.filter(last_seen_at__gte=window_start, last_seen_at__lte=now)
        .values("child")
        .annotate(count=Count("pk"))
        .values("count")
    )
    latest = visible.filter(last_seen_at__lte=now).order_by("-last_seen_at", "-pk")
    # Only a child with a visible episode in the recent days can qualify: narrowing to them first keeps the
    # per-child counts to a few hundred children, not the whole council's.
    recent = episodes_among(
        user, MissingEpisode.objects.filter(last_seen_at__gte=recent_start, last_seen_at__lte=now)
    ).values("child_id")
    children = children_for(user).filter(pk__in=recent)
    if scope == MINE and not user.has_role(Role.COORDINATOR, Role.TEAM_MANAGER):
        children = children.filter(social_worker=user)
    return (
        children.annotate(
            episodes_in_window=Subquery(in_window),
            latest_seen_at=Subquery(latest.values("last_seen_at")[:1]),
            latest_episode_id=Subquery(latest.values("pk")[:1]),
        )
        .filter(
            episodes_in_window__gte=settings.HOMEWARD_REPEAT_MISSING_COUNT,
            latest_seen_at__gte=recent_start,
        )
        .order_by("-latest_seen_at", "last_name", "first_name", "pk")
    )


def applies_repeat(user: User, scope: str) -> bool:
    if scope == TEAM:
        return user.has_role(*TEAM_ROLES)
    return user.has_role(Role.COORDINATOR, Role.SOCIAL_WORKER, Role.TEAM_MANAGER)


def count_repeat(user: User, now: datetime, scope: str) -> TaskCount:
    return TaskCount(children_newly_over_repeat_threshold(user, now, scope).count(), 0)


def fetch_repeat(user: User, now: datetime, scope: str, limit: int) -> list[Task]:
    return _repeat_tasks(list(_repeat_rows(user, now, scope)[:limit]))


def count_and_fetch_repeat(user: User, now: datetime, scope: str, limit: int) -> tuple[TaskCount, list[Task]]:
    """The count and the first rows in one query (the count over every row, as a window, before the limit):
    the children's per-child counts are the costly part, and counting then fetching would run them twice."""
    rows: list[Any] = list(_repeat_rows(user, now, scope).annotate(waiting=Window(Count("pk")))[:limit])
    return TaskCount(rows[0].waiting if rows else 0, 0), _repeat_tasks(rows)


def _repeat_rows(user: User, now: datetime, scope: str) -> QuerySet[Child]:
    """children_newly_over_repeat_threshold with only what a task shows (the name, not the whole record)."""
    return children_newly_over_repeat_threshold(user, now, scope).only("pk", "first_name", "last_name")


def _repeat_tasks(rows: list[Any]) -> list[Task]:
    # Children with the annotations of children_newly_over_repeat_threshold (episodes_in_window, latest_episode_id).
    return [
        Task(
            kind="repeat_missing",
            title=f"{child.episodes_in_window} episodes in {settings.HOMEWARD_REPEAT_MISSING_WINDOW_DAYS} days: "
            "consider a missing review meeting",
            subject=child.full_name,
            due=None,
            overdue=False,
            link=reverse("episodes:detail", args=[child.latest_episode_id]),
            reference=f"child:{child.pk}",
        )
        for child in rows
    ]


SOURCES = [
    TaskSource(
        name="missing_now",
        label="Children missing now",
        applies=applies,
        count=count_missing,
        fetch=fetch_missing,
        order=10,
    ),
    TaskSource(
        name="repeat_missing",
        label="Children newly over the repeat missing threshold",
        applies=applies_repeat,
        count=count_repeat,
        fetch=fetch_repeat,
        order=60,
        count_and_fetch=count_and_fetch_repeat,
    ),
]
