"""The job worker that keeps going: django-tasks' database worker, made to survive what a council's server sees.

Issue 13 found that `manage.py db_worker` exits on any database restart, and the task it was running stays
RUNNING for ever, so risk alerts and escalations for missing children silently stop. `manage.py run_worker`
runs the same worker loop with three additions:

- **Outages**: a database error outside a task (claiming, or recording a result) is logged, the connections
  are dropped, and the loop starts again after a back-off (1, 2, 4 … up to 30 seconds). It never exits on one.
- **Heartbeat**: a thread records `WorkerHeartbeat.beat_at` every HOMEWARD_WORKER_HEARTBEAT_SECONDS, on its own
  connection, so /ops/ready and the metrics can tell a live worker from a dead one.
- **Orphans**: a task left RUNNING by a worker with no heartbeat for HOMEWARD_WORKER_DEAD_SECONDS (killed,
  its machine gone), or by this worker when an outage interrupted it, is put back in the queue and run again.
  Homeward's tasks are idempotent (an alert is raised once per child and cause; retention and reports skip
  what is done). A task that has been started HOMEWARD_TASK_MAX_ATTEMPTS times is marked failed instead, so a
  task that kills its worker cannot loop for ever.
"""

import logging
import os
import socket
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection, connections, transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from core.models import WorkerHeartbeat

logger = logging.getLogger("homeward.worker")

MAX_BACKOFF_SECONDS = 30.0


def beat(worker_id: str) -> None:
    """Record that this worker is alive (one row per worker, updated in place)."""
    now = timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(beat_at=now)
    if not updated:
        WorkerHeartbeat.objects.create(
            worker_id=worker_id, hostname=socket.gethostname()[:100], pid=os.getpid(), started_at=now, beat_at=now
        )


def live_worker_ids(now=None) -> set[str]:
    """The workers whose last heartbeat is within HOMEWARD_WORKER_DEAD_SECONDS."""
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.HOMEWARD_WORKER_DEAD_SECONDS)
    return set(WorkerHeartbeat.objects.filter(beat_at__gte=cutoff).values_list("worker_id", flat=True))


def stuck_tasks(now=None):
    """Tasks marked RUNNING whose worker is no longer alive (and that started before the dead-worker time)."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.HOMEWARD_WORKER_DEAD_SECONDS)
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).filter(
        Q(started_at__lt=cutoff) | Q(started_at__isnull=True)
    )
    alive = live_worker_ids(now)
    return [task for task in running if not task.worker_ids or task.worker_ids[-1] not in alive]


def requeue(task: DBTaskResult, why: str) -> bool:
    """Put a RUNNING task back in the queue (or fail it after too many attempts). True if this call did it.

    The update is conditional on the task still being RUNNING under the same worker, so two workers sweeping
    at once requeue it once."""
    attempts = len(task.worker_ids)
    still_as_seen = DBTaskResult.objects.filter(pk=task.pk, status=TaskResultStatus.RUNNING, worker_ids=task.worker_ids)
    if attempts >= settings.HOMEWARD_TASK_MAX_ATTEMPTS:
        done = still_as_seen.update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            exception_class_path="core.worker.TaskAbandoned",
            traceback=f"Started {attempts} times and never finished: {why}. Not run again.",
        )
        if done:
            logger.error("Task %s (%s) failed: started %d times, %s", task.pk, task.task_path, attempts, why)
        return bool(done)
    done = still_as_seen.update(status=TaskResultStatus.READY, started_at=None)
    if done:
        logger.warning("Task %s (%s) queued again: %s", task.pk, task.task_path, why)
    return bool(done)


def requeue_stuck_tasks() -> int:
    """Requeue every task a dead worker left RUNNING; return how many."""
    return sum(requeue(task, "its worker stopped while running it") for task in stuck_tasks())


class ResilientWorker(Worker):
    """django-tasks-db's Worker that rides out database outages, beats, and requeues orphaned tasks."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.current_task_id = None
        self._stop_beating = threading.Event()

    def run_task(self, db_task_result: DBTaskResult) -> None:
        self.current_task_id = db_task_result.pk
        try:
            super().run_task(db_task_result)
        finally:
            self.current_task_id = None

    def run(self) -> None:
        self._beat_once()  # registered before it claims anything; then the thread keeps it fresh
        beater = threading.Thread(target=self._beat_forever, name="heartbeat", daemon=True)
        beater.start()
        backoff = 1.0
        try:
            while self.running:
                try:
                    self._requeue_my_interrupted_tasks()
                    super().run()
                    return  # batch mode or max tasks reached
                except DatabaseError as exc:
                    logger.warning("Database unavailable (%s); trying again in %.0f s", exc, backoff)
                    connections.close_all()
                    time.sleep(backoff)
                    backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
                else:
                    backoff = 1.0
        finally:
            self._stop_beating.set()

    def _requeue_my_interrupted_tasks(self) -> None:
        """A task this worker was running when the database went away is still RUNNING under its id: queue it."""
        for task in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING):  # a handful at most
            if task.worker_ids and task.worker_ids[-1] == self.worker_id and task.pk != self.current_task_id:
                requeue(task, "this worker (by its id) was cut off or restarted while running it")

    def _beat_once(self) -> None:
        try:
            with transaction.atomic():
                beat(self.worker_id)
            requeue_stuck_tasks()
        except DatabaseError as exc:
            logger.warning("Heartbeat failed (%s); trying again shortly", exc)
            connection.close()

    def _beat_forever(self) -> None:
        """On the thread's own connection, every HOMEWARD_WORKER_HEARTBEAT_SECONDS until the worker stops."""
        try:
            while not self._stop_beating.wait(settings.HOMEWARD_WORKER_HEARTBEAT_SECONDS):
                self._beat_once()
        finally:
            connection.close()
