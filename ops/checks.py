"""What /ops/ready and /ops/metrics report: the database, the job worker, the queue, and the safeguarding clocks.

Only the database decides readiness (HTTP 503 takes this web process out of the load balancer). The others are
about the service as a whole, not this process: a dead worker does not stop pages being served, and pulling every
web process out of rotation because of it would turn a partial fault into a full outage. They are reported as
"warning" for the runbook (docs/operations.md) and as metrics for alerting. No figure here names anyone.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Min
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from access.audit import unsealed_events
from core.worker import live_worker_ids, stuck_tasks
from interviews.models import ReturnInterview
from risk.models import Alert

UNSEALED_GRACE_SECONDS = 60


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    value: float | None = None  # the number the check is about (seconds, a count)
    detail: str = ""


def database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return Check("database", False, detail=type(exc).__name__)
    return Check("database", True)


def service_checks() -> list[Check]:
    """The checks after the database's; call only when the database answered."""
    now = timezone.now()
    queued = DBTaskResult.objects.ready()
    oldest_queued = queued.aggregate(oldest=Min("enqueued_at"))["oldest"]
    queue_age = (now - oldest_queued).total_seconds() if oldest_queued else 0.0
    oldest_alert = Alert.objects.unacknowledged().aggregate(oldest=Min("raised_at"))["oldest"]
    alert_age = (now - oldest_alert).total_seconds() if oldest_alert else 0.0
    overdue = ReturnInterview.objects.overdue(now).count()
    workers = len(live_worker_ids(now))
    stuck = len(stuck_tasks(now))
    unsealed = unsealed_events(older_than_seconds=UNSEALED_GRACE_SECONDS)
    return [
        Check("worker_heartbeat", workers > 0, workers, "live workers"),
        Check("queue_depth", queued.count() <= settings.HOMEWARD_READY_MAX_QUEUE, queued.count(), "tasks waiting"),
        Check("queue_oldest_seconds", queue_age <= settings.HOMEWARD_READY_MAX_QUEUE_AGE_SECONDS, queue_age),
        Check("stuck_tasks", stuck == 0, stuck, "tasks RUNNING under a dead worker"),
        Check("failed_tasks_last_hour", True, _failed_since(now - timedelta(hours=1))),
        Check("oldest_unacknowledged_alert_seconds", alert_age <= settings.HOMEWARD_READY_ALERT_AGE_SECONDS, alert_age),
        Check("overdue_return_interviews", True, overdue, "not offered within the due time"),
        Check("unsealed_audit_events", unsealed == 0, unsealed, f"older than {UNSEALED_GRACE_SECONDS} s"),
    ]


def _failed_since(since) -> int:
    return DBTaskResult.objects.filter(status=TaskResultStatus.FAILED, finished_at__gte=since).count()
