"""The risk app's tasks in the inbox (core.inbox): alerts waiting for a decision. A user's own are those handed
to them, and those for a role they hold that nobody has been handed; the team view shows every open alert the
user may see (risk.scoping.alerts_for)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from access.models import Role, User
from access.scoping import COUNCIL_CASE_ROLES
from core.inbox import TEAM, Task, TaskCount, TaskSource
from risk.models import Alert
from risk.scoping import can_acknowledge_alert
from risk.selectors import open_alerts

TEAM_ROLES = (Role.COORDINATOR, Role.TEAM_MANAGER)


def applies(user: User, scope: str) -> bool:
    return user.has_role(*(TEAM_ROLES if scope == TEAM else COUNCIL_CASE_ROLES))


def alerts_to_decide(user: User, scope: str) -> QuerySet[Alert]:
    alerts = open_alerts(user)
    if scope == TEAM:
        return alerts
    return alerts.filter(Q(assigned_to=user) | Q(assigned_to__isnull=True, for_role__in=user.roles))


def _decision_time() -> timedelta:
    return timedelta(hours=settings.HOMEWARD_ALERT_DECISION_HOURS)


def count(user: User, now: datetime, scope: str) -> TaskCount:
    late = now - _decision_time()
    totals = alerts_to_decide(user, scope).aggregate(
        total=Count("pk"), overdue=Count("pk", filter=Q(raised_at__lt=late))
    )
    return TaskCount(totals["total"], totals["overdue"])


def fetch(user: User, now: datetime, scope: str, limit: int) -> list[Task]:
    # The alert, its child and who holds it: not the episode and interview open_alerts joins for other pages
    # (their free text, decrypted on loading, is not shown here).
    rows = (
        alerts_to_decide(user, scope)
        .select_related(None)
        .select_related("child", "assigned_to")
        .order_by("raised_at", "pk")[:limit]
    )
    return [
        Task(
            kind="alert",
            title=f"Decide on the alert: {alert.title}",
            subject=alert.child.full_name,
            due=alert.raised_at + _decision_time(),
            overdue=alert.raised_at + _decision_time() < now,
            link=reverse("risk:acknowledge", args=[alert.pk]),
            owner=str(alert.assigned_to) if alert.assigned_to_id else f"Any {Role(alert.for_role).label.lower()}",
            reassign_link=reverse("risk:assign", args=[alert.pk]) if can_reassign_alert(user, alert) else "",
            reference=f"alert:{alert.pk}",
        )
        for alert in rows
    ]


def can_reassign_alert(user: User, alert: Alert) -> bool:
    """Hand an open alert to a colleague: whoever may decide it, and the coordinator and managers of the child's
    council."""
    if not alert.is_open:
        return False
    councils = (alert.child.responsible_council_id, alert.child.placement_council_id)
    return can_acknowledge_alert(user, alert) or (user.has_role(*TEAM_ROLES) and user.agency_id in councils)


SOURCES = [
    TaskSource(name="alert", label="Alerts to decide", applies=applies, count=count, fetch=fetch, order=5),
]
