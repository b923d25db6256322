"""Queue the trigger sweep on a schedule: django-tasks runs jobs but has no scheduler of its own.

Each run also seals into the audit chain any event whose after-commit sealing failed (access/audit.py).
It also queues the daily jobs the apps register (`core.scheduling`): the daily retention job
(`governance.tasks.apply_retention`) once a day, the first time it runs on a day when no retention run has
started yet, in the loop and with `--once` alike; and the partnership reports job
(`reports.tasks.store_partnership_reports`) at most once a day, on a day when some council lacks last month's
or the last reporting year's stored report (from day HOMEWARD_REPORTS_DAY of each month).

Run one beside `manage.py db_worker` (which runs what this queues). `--once` queues a single sweep and
exits, for cron or a systemd timer instead of the loop.
"""

import time
from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from access.audit import seal_pending_events
from core.scheduling import DailyJob, daily_jobs, sweep_jobs
from risk.tasks import sweep_open_episodes


class Command(BaseCommand):
    help = "Queue the sweep of open episodes every HOMEWARD_TRIGGER_SWEEP_MINUTES (--once: queue one and exit)"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._queued_on: dict[str, date] = {}  # each daily job's name: the day it was last queued

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Queue a single sweep and exit")

    def handle(self, *args, once: bool = False, **options) -> None:
        if once:
            try:
                self._queue()
            except DatabaseError as exc:
                raise CommandError(f"Could not queue the trigger sweep: {exc}") from exc
            return
        minutes = settings.HOMEWARD_TRIGGER_SWEEP_MINUTES
        self.stdout.write(f"Queuing the trigger sweep every {minutes} minutes")
        next_run = time.monotonic()
        while True:
            close_old_connections()  # a long-lived process: drop a connection the database has closed
            try:
                self._queue()
            except DatabaseError as exc:  # keep going: the next sweep covers this one
                self.stderr.write(f"Could not queue the trigger sweep ({exc}); trying again in {minutes} minutes")
            next_run += minutes * 60
            time.sleep(max(0.0, next_run - time.monotonic()))

    def _queue(self) -> None:
        sealed = seal_pending_events()  # the safety net for events whose after-commit sealing failed
        if sealed:
            self.stdout.write(f"Sealed {sealed} audit events left unsealed")
        result = sweep_open_episodes.enqueue()
        self.stdout.write(f"Queued the trigger sweep (job {result.id})")
        for name, task in sweep_jobs().items():  # the apps' own clock-driven sweeps (core.scheduling)
            self.stdout.write(f"Queued {name} (job {task.enqueue().id})")
        for job in daily_jobs():
            self._queue_daily(job)

    def _queue_daily(self, job: DailyJob) -> None:
        """At most once a day, an app's daily job (core.scheduling): on a day it has work, and not yet queued."""
        today = timezone.localdate()
        if self._queued_on.get(job.name) == today or not job.is_due(today):
            return
        result = job.task.enqueue()
        self._queued_on[job.name] = today
        self.stdout.write(f"Queued {job.name} (job {result.id})")
