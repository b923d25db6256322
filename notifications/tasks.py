"""Background jobs (django-tasks, run by `manage.py db_worker`): sending each delivery, the sweep that notices
return interview deadlines and stalled deliveries (queued by `run_scheduler` every HOMEWARD_TRIGGER_SWEEP_MINUTES),
and the coordinators' daily digest. Each is safe to run any number of times."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from access.models import Role, User
from core.inbox import inbox_page
from interviews.models import ReturnInterview
from meetings.models import MeetingAction
from notifications import recipients
from notifications.actions import notify
from notifications.codes import DeliveryStatus, NotificationKind
from notifications.delivery import send_delivery
from notifications.models import Delivery

logger = logging.getLogger(__name__)


def _requeue(delivery_id: int, run_after: datetime) -> None:
    deliver.using(run_after=run_after).enqueue(delivery_id)


@task()
def deliver(delivery_id: int) -> str:
    """Send one delivery at most once (notifications.delivery)."""
    return send_delivery(delivery_id, requeue=_requeue)


def interview_deadlines(now: datetime) -> tuple[int, int]:
    """Tell the practitioner and the coordinator about each interview not yet offered that is within
    HOMEWARD_INTERVIEW_WARNING_HOURS of its deadline (from exactly that many hours before it, up to and including
    the deadline), and about each whose deadline has passed (strictly after it), once each. Deadlines older than
    HOMEWARD_ALERT_LOOKBACK_DAYS (imported history) are left alone."""
    warning = timedelta(hours=settings.HOMEWARD_INTERVIEW_WARNING_HOURS)
    lookback = now - timedelta(days=settings.HOMEWARD_ALERT_LOOKBACK_DAYS)
    waiting = ReturnInterview.objects.awaiting_offer().select_related("child", "assigned_to")
    soon = waiting.filter(due_by__gte=now, due_by__lte=now + warning)
    overdue = waiting.filter(due_by__lt=now, due_by__gte=lookback)
    told = [0, 0]
    for index, (kind, interviews) in enumerate(
        ((NotificationKind.INTERVIEW_DUE_SOON, soon), (NotificationKind.INTERVIEW_OVERDUE, overdue))
    ):
        for interview in interviews.order_by("due_by", "pk"):
            made = notify(
                kind,
                recipients.about_interview_deadline(interview),
                about=f"interview:{interview.pk}:{interview.due_by:%Y%m%d%H%M}",
                link=reverse("interviews:detail", args=[interview.pk]),
                child_id=interview.child_id,
            )
            told[index] += len(made)
    return told[0], told[1]


def meeting_actions_due(now: datetime) -> tuple[int, int]:
    """Tell each open meeting action's owner once its due day has come (due today or overdue), and each meeting's
    chair once its actions are overdue (again only when a later-due action falls overdue). Actions due before
    HOMEWARD_ALERT_LOOKBACK_DAYS are left alone. A new due date is news again: it is part of what is told."""
    today = timezone.localdate(now)
    oldest = today - timedelta(days=settings.HOMEWARD_ALERT_LOOKBACK_DAYS)
    waiting = MeetingAction.objects.open().filter(due_on__gte=oldest).select_related("owner", "meeting__chair")
    owners = chairs = 0
    for action in waiting.filter(due_on__lte=today).order_by("due_on", "pk"):
        owners += len(
            notify(
                NotificationKind.ACTION_DUE,
                recipients.about_meeting_action(action, acting_user=None),
                about=f"meeting-action:{action.pk}:due:{action.due_on:%Y%m%d}",
                link=reverse("meetings:action", args=[action.pk]),
                child_id=action.child_id,
            )
        )
    latest_overdue: dict[int, MeetingAction] = {}
    for action in waiting.filter(due_on__lt=today).order_by("due_on", "pk"):
        latest_overdue[action.meeting_id] = action  # the latest-due overdue action of each meeting
    for meeting_id, action in sorted(latest_overdue.items()):
        chairs += len(
            notify(
                NotificationKind.ACTIONS_OVERDUE,
                recipients.about_overdue_actions(action.meeting),
                about=f"meeting:{meeting_id}:overdue:{action.due_on:%Y%m%d}",
                link=reverse("meetings:detail", args=[meeting_id]),
            )
        )
    return owners, chairs


def stalled_deliveries(now: datetime) -> int:
    """Queue again every delivery a job should be sending but is not: a retry whose time has come, a claim whose
    worker died (its lease ran out), a delivery whose job was never queued (a lost on-commit)."""
    lease = timedelta(seconds=settings.HOMEWARD_NOTIFY_LEASE_SECONDS)
    stalled = Delivery.objects.filter(
        Q(status=DeliveryStatus.RETRYING, next_attempt_at__lte=now)
        | Q(status=DeliveryStatus.SENDING, claimed_until__lte=now)
        | Q(status=DeliveryStatus.PENDING, notification__created_at__lte=now - lease)
    )
    ids = list(stalled.values_list("pk", flat=True))
    for delivery_id in ids:
        deliver.enqueue(delivery_id)
    return len(ids)


@task()
def sweep_notifications() -> dict:
    """The clock-driven notifications: interview deadlines, meeting actions due and overdue, and deliveries to pick
    up again."""
    now = timezone.now()
    soon, overdue = interview_deadlines(now)
    actions_due, actions_overdue = meeting_actions_due(now)
    stalled = stalled_deliveries(now)
    logger.info(
        "Notification sweep: %d due-soon, %d overdue, %d actions due, %d chairs told of overdue actions, "
        "%d deliveries queued again",
        soon,
        overdue,
        actions_due,
        actions_overdue,
        stalled,
    )
    return {
        "due_soon": soon,
        "overdue": overdue,
        "actions_due": actions_due,
        "actions_overdue": actions_overdue,
        "requeued": stalled,
    }


def daily_digests(now: datetime) -> int:
    """Each coordinator with work waiting hears once a day that their summary is ready (counts stay in Homeward)."""
    coordinators = User.objects.filter(is_active=True, agency__isnull=False, role_assignments__role=Role.COORDINATOR)
    told = 0
    for coordinator in coordinators.distinct().order_by("pk"):
        if inbox_page(coordinator, now, size=1).total:
            told += len(
                notify(
                    NotificationKind.DAILY_DIGEST,
                    [coordinator],
                    about=f"{timezone.localdate(now):%Y-%m-%d}",
                    link=reverse("core:my-work"),
                )
            )
    return told


@task()
def send_daily_digests() -> int:
    return daily_digests(timezone.now())
