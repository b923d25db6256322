"""Meeting actions in the task inbox (core.inbox) and the notifications they bring: the owner's own task and the
team view of the council that called the meeting; the owner told when given an action and when it falls due, the
chair when the meeting's actions are overdue, at the day boundaries, once each; outsiders and other councils hear
and see nothing."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core.inbox import MINE, TEAM, inbox_page
from meetings.actions import add_action, complete_action
from notifications.codes import NotificationKind
from notifications.models import Notification
from notifications.tasks import meeting_actions_due

# A fixed clock, well after the planted action's real due date (which falls outside the look-back from here).
NOON = timezone.make_aware(dt.datetime(2031, 3, 12, 12, 0))
TODAY = timezone.localdate(NOON)


def _meeting_tasks(user, now, scope=MINE):
    return list(inbox_page(user, now, scope=scope, kind="meeting_action").tasks)


def told(kind) -> list[str]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


@pytest.fixture
def due_today(planted):
    users = planted.users
    return add_action(
        planted.meeting,
        what="Ring the placement",
        owner=users.social_worker,
        due_on=TODAY,
        child=planted.child,
        acting_user=users.coordinator,
    )


def test_the_owner_sees_their_action_and_the_council_its_team_view(planted, due_today):
    users, now = planted.users, timezone.now()
    mine = _meeting_tasks(users.social_worker, now)
    assert [task.reference for task in mine] == [
        f"meeting-action:{planted.action.pk}",
        f"meeting-action:{due_today.pk}",
    ]
    assert mine[0].overdue and mine[0].link == reverse("meetings:action", args=[planted.action.pk])
    assert mine[0].subject == planted.child.full_name and mine[0].owner == ""
    team = _meeting_tasks(users.coordinator, now, TEAM)
    assert {task.reference for task in team} == {task.reference for task in mine}
    assert {task.owner for task in team} == {str(users.social_worker)}
    # The chair owns no action: nothing of their own; other councils and agencies see none of these.
    assert _meeting_tasks(users.coordinator, now) == []
    assert _meeting_tasks(users.coordinator_south, now, TEAM) == []
    assert _meeting_tasks(users.police, now) == []
    complete_action(planted.action, expected_version=planted.action.version, acting_user=users.social_worker)
    assert [task.reference for task in _meeting_tasks(users.social_worker, now)] == [f"meeting-action:{due_today.pk}"]


def test_the_task_is_overdue_from_the_day_after_it_is_due(planted, due_today):
    owner = planted.users.social_worker
    end_of_day = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(23, 59)))
    next_morning = timezone.make_aware(dt.datetime.combine(TODAY + dt.timedelta(days=1), dt.time(0, 1)))
    [task] = [t for t in _meeting_tasks(owner, end_of_day) if t.reference == f"meeting-action:{due_today.pk}"]
    assert not task.overdue and task.due == timezone.make_aware(dt.datetime.combine(TODAY, dt.time.min)) + dt.timedelta(
        days=1
    )
    [task] = [t for t in _meeting_tasks(owner, next_morning) if t.reference == f"meeting-action:{due_today.pk}"]
    assert task.overdue


def test_the_owner_hears_when_given_an_action_but_not_of_their_own(planted):
    users = planted.users
    assert told(NotificationKind.ACTION_ASSIGNED) == [users.social_worker.username]  # the planted action
    add_action(
        planted.meeting, what="Chair the review", owner=users.coordinator, due_on=TODAY, acting_user=users.coordinator
    )
    assert told(NotificationKind.ACTION_ASSIGNED) == [users.social_worker.username]
    [notification] = Notification.objects.filter(kind=NotificationKind.ACTION_ASSIGNED)
    assert notification.link == reverse("meetings:action", args=[planted.action.pk])
    assert planted.child.first_name not in notification.message and "Visit" not in notification.message


def test_due_and_overdue_at_their_day_boundaries_once_each(planted, due_today):
    users = planted.users
    add_action(
        planted.meeting,
        what="Write to the school",
        owner=users.social_worker,
        due_on=TODAY + dt.timedelta(days=1),
        acting_user=users.coordinator,
    )
    day_before = timezone.make_aware(dt.datetime.combine(TODAY - dt.timedelta(days=1), dt.time(23, 59)))
    assert meeting_actions_due(day_before) == (0, 0)
    start_of_day = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(0, 0)))
    assert meeting_actions_due(start_of_day) == (1, 0)  # due today: the owner hears; nothing is overdue yet
    assert meeting_actions_due(NOON) == (0, 0)  # once
    assert told(NotificationKind.ACTION_DUE) == [users.social_worker.username]
    assert told(NotificationKind.ACTIONS_OVERDUE) == []
    next_day = start_of_day + dt.timedelta(days=1)
    # Tomorrow: the second action falls due (its owner hears) and the first is overdue (the chair hears, once).
    assert meeting_actions_due(next_day) == (1, 1)
    assert meeting_actions_due(next_day + dt.timedelta(hours=6)) == (0, 0)
    assert told(NotificationKind.ACTIONS_OVERDUE) == [users.coordinator.username]
    [to_chair] = Notification.objects.filter(kind=NotificationKind.ACTIONS_OVERDUE)
    assert to_chair.link == reverse("meetings:detail", args=[planted.meeting.pk])
    # Nobody else, and no other council, heard anything about these actions.
    heard = set(Notification.objects.values_list("recipient__username", flat=True))
    assert heard <= {users.social_worker.username, users.coordinator.username}


def test_a_closed_action_is_not_chased(planted, due_today):
    complete_action(due_today, expected_version=due_today.version, acting_user=planted.users.social_worker)
    assert meeting_actions_due(NOON + dt.timedelta(days=3)) == (0, 0)
