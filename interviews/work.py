"""The interviews app's tasks in the inbox (core.inbox): return interviews to offer before the 72-hour deadline,
and interviews offered or accepted still to record. Scoped by `interviews_for`; a practitioner's rows open the
interview itself."""

from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from access.models import Role, User
from access.scoping import COUNCIL_CASE_ROLES
from core.inbox import TEAM, Task, TaskCount, TaskSource
from interviews.models import ReturnInterview
from interviews.scoping import can_assign_interview, interviews_for

TEAM_ROLES = (Role.COORDINATOR, Role.TEAM_MANAGER)


def applies(user: User, scope: str) -> bool:
    if scope == TEAM:
        return user.has_role(*TEAM_ROLES)
    return user.has_role(*COUNCIL_CASE_ROLES, Role.RHI_PRACTITIONER)


def _own(user: User) -> Q:
    """A user's own interviews: assigned to them; the child's allocated social worker's; and, for the
    coordinator, every one nobody has been assigned yet (the coordinator holds the 72-hour clock)."""
    own = Q(assigned_to=user) | Q(child__social_worker=user)
    if user.has_role(Role.COORDINATOR):
        own |= Q(assigned_to__isnull=True)
    return own


def _scoped(user: User, scope: str, queryset: QuerySet) -> QuerySet:
    return queryset if scope == TEAM else queryset.filter(_own(user))


def to_offer(user: User, scope: str) -> QuerySet[ReturnInterview]:
    return _scoped(user, scope, interviews_for(user).awaiting_offer())


def to_record(user: User, scope: str) -> QuerySet[ReturnInterview]:
    """Offered and waiting for the child's answer, or accepted and not yet written up."""
    return _scoped(user, scope, interviews_for(user).open().exclude(offered_at__isnull=True, outcome=""))


def _owner(interview: ReturnInterview) -> str:
    return str(interview.assigned_to) if interview.assigned_to_id else "Not assigned"


def _task(user: User, interview: ReturnInterview, kind: str, title: str, due, overdue: bool) -> Task:
    return Task(
        kind=kind,
        title=title,
        subject=interview.child.full_name,
        due=due,
        overdue=overdue,
        link=reverse("interviews:detail", args=[interview.pk]),
        owner=_owner(interview),
        reassign_link=(
            reverse("interviews:assign", args=[interview.pk]) if can_assign_interview(user, interview) else ""
        ),
        reference=f"return-interview:{interview.pk}",
    )


def count_to_offer(user: User, now: datetime, scope: str) -> TaskCount:
    totals = to_offer(user, scope).aggregate(total=Count("pk"), overdue=Count("pk", filter=Q(due_by__lt=now)))
    return TaskCount(totals["total"], totals["overdue"])


def fetch_to_offer(user: User, now: datetime, scope: str, limit: int) -> list[Task]:
    rows = to_offer(user, scope).select_related("child", "assigned_to").order_by("due_by", "pk")[:limit]
    return [_task(user, i, "interview_offer", "Offer a return interview", i.due_by, i.due_by < now) for i in rows]


def count_to_record(user: User, now: datetime, scope: str) -> TaskCount:
    return TaskCount(to_record(user, scope).count(), 0)


def fetch_to_record(user: User, now: datetime, scope: str, limit: int) -> list[Task]:
    rows = to_record(user, scope).select_related("child", "assigned_to").order_by("due_by", "pk")[:limit]
    return [
        _task(
            user,
            i,
            "interview_record",
            "Write up the return interview" if i.outcome else "Record the child's answer to the offer",
            None,
            False,
        )
        for i in rows
    ]


SOURCES = [
    TaskSource(
        name="interview_offer",
        label="Return interviews to offer",
        applies=applies,
        count=count_to_offer,
        fetch=fetch_to_offer,
        order=20,
    ),
    TaskSource(
        name="interview_record",
        label="Return interviews to record",
        applies=applies,
        count=count_to_record,
        fetch=fetch_to_record,
        order=30,
    ),
]
