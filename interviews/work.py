"""The interviews app's tasks in the inbox (core.inbox): return interviews to offer before the 72-hour deadline,
and interviews offered or accepted still to record. Scoped by `interviews_for`; a practitioner's rows open the
interview itself.

An offer due more than `HOMEWARD_LONG_OVERDUE_DAYS` ago is too late to make: it is left out of the list and its
count, and given apart (`fetch_long_overdue_offers`, longest overdue first) with a link that closes it as not
offered, with a reason (the offer page, with "Not offered" chosen)."""

from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from access.models import Role, User
from access.scoping import COUNCIL_CASE_ROLES
from core.inbox import TEAM, Task, TaskCount, TaskSource, long_overdue_before
from interviews.codes import Outcome
from interviews.models import ReturnInterview
from interviews.scoping import (
    INTERVIEW_FREE_TEXT_FIELDS,
    can_assign_interview,
    can_work_interview,
    interviews_among,
)

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
    return interviews_among(user, _scoped(user, scope, ReturnInterview.objects.awaiting_offer()))


def to_record(user: User, scope: str) -> QuerySet[ReturnInterview]:
    """Offered and waiting for the child's answer, or accepted and not yet written up."""
    waiting = ReturnInterview.objects.open().exclude(offered_at__isnull=True, outcome="")
    return interviews_among(user, _scoped(user, scope, waiting))


def _owner(interview: ReturnInterview) -> str:
    return str(interview.assigned_to) if interview.assigned_to_id else "Not assigned"


def _task(
    user: User, interview: ReturnInterview, kind: str, title: str, due, overdue: bool, close_link: str = ""
) -> Task:
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
        close_link=close_link,
        close_label="Close as not offered" if close_link else "",
    )


def count_to_offer(user: User, now: datetime, scope: str) -> TaskCount:
    """One query: the offers still to make (and how many of them are overdue), and the long-overdue ones apart."""
    cutoff = long_overdue_before(now)
    totals = to_offer(user, scope).aggregate(
        total=Count("pk", filter=Q(due_by__gte=cutoff)),
        overdue=Count("pk", filter=Q(due_by__gte=cutoff, due_by__lt=now)),
        long_overdue=Count("pk", filter=Q(due_by__lt=cutoff)),
    )
    return TaskCount(totals["total"], totals["overdue"], totals["long_overdue"])


def fetch_to_offer(user: User, now: datetime, scope: str, limit: int) -> list[Task]:
    rows = (
        to_offer(user, scope)
        .filter(due_by__gte=long_overdue_before(now))
        .select_related("child", "assigned_to")
        .defer(*INTERVIEW_FREE_TEXT_FIELDS)
        .order_by("due_by", "pk")[:limit]
    )
    return [_task(user, i, "interview_offer", "Offer a return interview", i.due_by, i.due_by < now) for i in rows]


def fetch_long_overdue_offers(user: User, now: datetime, scope: str, limit: int) -> list[Task]:
    """Offers due before `long_overdue_before(now)`, longest overdue first, each with the link that closes it as
    not offered (for whoever may work the interview; the others see it to hand on or to ask)."""
    rows = (
        to_offer(user, scope)
        .filter(due_by__lt=long_overdue_before(now))
        .select_related("child", "assigned_to")
        .defer(*INTERVIEW_FREE_TEXT_FIELDS)
        .order_by("due_by", "pk")[:limit]
    )
    return [
        _task(
            user,
            i,
            "interview_offer",
            "Close the return interview as not offered",
            i.due_by,
            True,
            close_link=(
                f"{reverse('interviews:offer', args=[i.pk])}?outcome={Outcome.NOT_OFFERED}"
                if can_work_interview(user, i)
                else ""
            ),
        )
        for i in rows
    ]


def count_to_record(user: User, now: datetime, scope: str) -> TaskCount:
    return TaskCount(to_record(user, scope).count(), 0)


def fetch_to_record(user: User, now: datetime, scope: str, limit: int) -> list[Task]:
    rows = (
        to_record(user, scope)
        .select_related("child", "assigned_to")
        .defer(*INTERVIEW_FREE_TEXT_FIELDS)
        .order_by("due_by", "pk")[:limit]
    )
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
        fetch_long_overdue=fetch_long_overdue_offers,
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
