"""The queries behind My work. Each starts from an access.scoping queryset, so a user only ever
sees their own case load, and each runs a fixed number of queries however many rows it returns."""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, OuterRef, Subquery

from access.models import Role, User
from access.scoping import COUNCIL_CASE_ROLES, EPISODE_EDITOR_ROLES
from children.models import Child
from children.scoping import children_for
from episodes.models import MissingEpisode
from episodes.scoping import episodes_for
from interviews.models import ReturnInterview
from interviews.scoping import interviews_for


def sees_missing_episodes(user: User) -> bool:
    """Council case roles and police watch open episodes and repeat missing children."""
    return user.has_role(*EPISODE_EDITOR_ROLES)


def sees_return_interviews(user: User) -> bool:
    return user.has_role(*COUNCIL_CASE_ROLES, Role.RHI_PRACTITIONER)


def open_episodes_longest_first(user: User) -> list[MissingEpisode]:
    """Episodes with no return yet, the child missing longest first."""
    return list(episodes_for(user).open().select_related("child", "police_force").order_by("last_seen_at", "pk"))


def interviews_due_and_overdue(user: User, now: datetime) -> list[ReturnInterview]:
    """Interviews with no offer and no outcome yet, against the 72-hour clock: overdue first.

    Ordering by the deadline puts the most overdue first, then the ones due soonest. Each interview
    gets `is_overdue` (its deadline passed before `now`).
    """
    interviews = list(
        interviews_for(user).awaiting_offer().select_related("child", "assigned_to").order_by("due_by", "pk")
    )
    for interview in interviews:
        interview.is_overdue = interview.due_by < now
    return interviews


def interviews_in_progress(user: User) -> list[ReturnInterview]:
    """Interviews offered and waiting for an answer, or accepted and not yet written up."""
    in_progress = interviews_for(user).open().exclude(offered_at__isnull=True, outcome="")
    return list(in_progress.select_related("child", "assigned_to").order_by("due_by", "pk"))


def children_newly_over_repeat_threshold(user: User, now: datetime) -> list[Child]:
    """Children with at least HOMEWARD_REPEAT_MISSING_COUNT episodes (by time last seen) in the last
    HOMEWARD_REPEAT_MISSING_WINDOW_DAYS days whose latest episode began in the last
    HOMEWARD_REPEAT_MISSING_RECENT_DAYS days: the ones a coordinator has not yet had time to act on.

    Only the episodes the user may see count. Each child gets `episodes_in_window` and `latest_episode`.
    Two queries: the children with their counts, then their latest episodes.
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
    children: list[Any] = list(  # children with the annotations below and their latest episode
        children_for(user)
        .annotate(
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
    latest_episodes = episodes_for(user).in_bulk([child.latest_episode_id for child in children])
    for child in children:
        child.latest_episode = latest_episodes.get(child.latest_episode_id)
    return children
