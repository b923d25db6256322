"""The meetings app's tasks in the inbox (core.inbox): open meeting actions. A user's own are the open actions
they own (`selectors.open_actions_for`); the team view of a coordinator or manager shows the open actions of the
meetings their council called that they may see (`scoping.actions_for`). An action is due by the end of its due
day and overdue from the day after."""

from datetime import datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from access.models import Role, User
from access.scoping import can_see_cases
from children.scoping import children_for
from core.encryption import encrypted_fields
from core.inbox import TEAM, Task, TaskCount, TaskSource
from meetings.models import MeetingAction
from meetings.scoping import MEETING_ORGANISER_ROLES, actions_for
from meetings.selectors import open_actions_for

# The roles that work cases, and so may be given an action (not analysts, administrators, auditors or editors).
ACTION_OWNER_ROLES = (
    Role.COORDINATOR,
    Role.SOCIAL_WORKER,
    Role.TEAM_MANAGER,
    Role.RHI_PRACTITIONER,
    Role.POLICE,
    Role.SCHOOL_DSL,
    Role.HEALTH,
    Role.MASH,
)


def applies(user: User, scope: str) -> bool:
    if scope == TEAM:
        return user.has_role(*MEETING_ORGANISER_ROLES)
    return can_see_cases(user) and user.has_role(*ACTION_OWNER_ROLES)


def actions_waiting(user: User, scope: str) -> QuerySet[MeetingAction]:
    if scope == TEAM:
        return actions_for(user).open().filter(meeting__council_id=user.agency_id)
    return open_actions_for(user)


def due_at(action: MeetingAction) -> datetime:
    """The end of the action's due day, local time: it is overdue from the next day."""
    return timezone.make_aware(datetime.combine(action.due_on + timedelta(days=1), time.min))


def count(user: User, now: datetime, scope: str) -> TaskCount:
    today = timezone.localdate(now)
    totals = actions_waiting(user, scope).aggregate(total=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
    return TaskCount(totals["total"], totals["overdue"])


def fetch(user: User, now: datetime, scope: str, limit: int) -> list[Task]:
    rows = list(
        actions_waiting(user, scope)
        .select_related("meeting", "child", "owner")
        .defer(*encrypted_fields(MeetingAction))  # the status note is not shown here
        .order_by("due_on", "pk")[:limit]
    )
    # The child's name only where the user may see the child (an owner from another agency may not); else the
    # meeting's kind and date. One query for the page, however many rows.
    child_ids = {row.child_id for row in rows if row.child_id is not None}
    named = set(children_for(user).filter(pk__in=child_ids).values_list("pk", flat=True)) if child_ids else set()
    today = timezone.localdate(now)
    return [
        Task(
            kind="meeting_action",
            title=f"Meeting action: {action.what}",
            subject=action.child.full_name if action.child and action.child_id in named else str(action.meeting),
            due=due_at(action),
            overdue=action.due_on < today,
            link=reverse("meetings:action", args=[action.pk]),
            owner=str(action.owner) if scope == TEAM else "",
            reference=f"meeting-action:{action.pk}",
        )
        for action in rows
    ]


SOURCES = [
    TaskSource(name="meeting_action", label="Meeting actions", applies=applies, count=count, fetch=fetch, order=30),
]
