"""The sharing app's tasks in the inbox (core.inbox): shares received and not yet acknowledged. A share to an
agency is one task for each of its receiving users until one of them acknowledges it for the agency."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from access.models import User
from access.scoping import receives_shares
from core.inbox import MINE, Task, TaskCount, TaskSource
from sharing.models import Share
from sharing.scoping import to_acknowledge_by


def applies(user: User, scope: str) -> bool:
    return scope == MINE and receives_shares(user)


def to_acknowledge(user: User) -> QuerySet[Share]:
    return to_acknowledge_by(user)


def _acknowledge_time() -> timedelta:
    return timedelta(hours=settings.HOMEWARD_SHARE_ACKNOWLEDGE_HOURS)


def count(user: User, now: datetime, scope: str) -> TaskCount:
    late = now - _acknowledge_time()
    totals = to_acknowledge(user).aggregate(total=Count("pk"), overdue=Count("pk", filter=Q(shared_at__lt=late)))
    return TaskCount(totals["total"], totals["overdue"])


def fetch(user: User, now: datetime, scope: str, limit: int) -> list[Task]:
    rows = to_acknowledge(user).select_related("child", "from_agency").order_by("shared_at", "pk")[:limit]
    return [
        Task(
            kind="share",
            title=f"Acknowledge what {share.from_agency.name} shared: {share.get_what_display().lower()}",
            subject=share.child.full_name,
            due=share.shared_at + _acknowledge_time(),
            overdue=share.shared_at + _acknowledge_time() < now,
            link=reverse("sharing:detail", args=[share.pk]),
            reference=f"share:{share.pk}",
        )
        for share in rows
    ]


SOURCES = [
    TaskSource(name="share", label="Shares to acknowledge", applies=applies, count=count, fetch=fetch, order=40),
]
