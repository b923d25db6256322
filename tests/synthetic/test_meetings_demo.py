"""The demo has meetings with actions, some overdue, made once through the meetings app's actions, and each
demo user sees their part of them."""

import io

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from access.models import User
from meetings.codes import ActionStatus, MeetingKind
from meetings.models import Meeting, MeetingAction
from tests.synthetic.test_showcase import demo  # noqa: F401 - the demo fixture, shared


def test_the_demo_has_meetings_with_overdue_actions(client, demo):  # noqa: F811
    assert "Meetings called, with their actions" in demo
    assert set(Meeting.objects.values_list("kind", flat=True)) == {
        MeetingKind.STRATEGY_DISCUSSION,
        MeetingKind.MISSING_REVIEW,
        MeetingKind.MACE_PANEL,
    }
    today = timezone.localdate()
    assert MeetingAction.objects.overdue(today).exists()
    assert {ActionStatus.DONE, ActionStatus.CANCELLED} <= set(MeetingAction.objects.values_list("status", flat=True))
    assert Meeting.objects.get(kind=MeetingKind.MACE_PANEL).children.count() >= 2
    count = MeetingAction.objects.count()
    call_command("create_demo_users", stdout=io.StringIO())  # idempotent
    assert MeetingAction.objects.count() == count

    social_worker = User.objects.get(username="demo.social_worker")
    client.force_login(social_worker)
    page = client.get(reverse("meetings:list")).content.decode()
    assert "Agree a safety plan with the carers" in page and "Overdue" in page
    client.force_login(User.objects.get(username="demo.school_dsl"))
    strategy = Meeting.objects.get(kind=MeetingKind.STRATEGY_DISCUSSION)
    assert client.get(reverse("meetings:pack", args=[strategy.pk])).status_code == 200
