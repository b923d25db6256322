"""Queue the trigger sweep on a schedule: django-tasks runs jobs but has no scheduler of its own.

It also queues the daily retention job (`governance.tasks.apply_retention`) once a day, the first time it
runs on a day when no retention run has started yet, in the loop and with `--once` alike; and the partnership
reports job (`reports.tasks.store_partnership_reports`) at most once a day, on a day when some council lacks
last month's or the last reporting year's stored report (from day HOMEWARD_REPORTS_DAY of each month).

Run one beside `manage.py db_worker` (which runs what this queues). `--once` queues a single sweep and
exits, for cron or a systemd timer instead of the loop.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from governance.retention import retention_due_today
from governance.tasks import apply_retention
from reports.actions import reports_due
from reports.tasks import store_partnership_reports
from risk.tasks import sweep_open_episodes


class Command(BaseCommand):
    help = "Queue the sweep of open episodes every HOMEWARD_TRIGGER_SWEEP_MINUTES (--once: queue one and exit)"

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
        result = sweep_open_episodes.enqueue()
        self.stdout.write(f"Queued the trigger sweep (job {result.id})")
        self._queue_retention()
        self._queue_reports()

    def _queue_retention(self) -> None:
        """Once a day, the retention job (governance app): when no retention run has started today yet."""
        today = timezone.localdate()
        if getattr(self, "_retention_queued_on", None) == today or not retention_due_today(today):
            return
        result = apply_retention.enqueue()
        self._retention_queued_on = today
        self.stdout.write(f"Queued the daily retention job (job {result.id})")

    def _queue_reports(self) -> None:
        """At most once a day, the partnership reports job (reports app): when a council lacks a due report."""
        today = timezone.localdate()
        if getattr(self, "_reports_queued_on", None) == today or not reports_due(today):
            return
        result = store_partnership_reports.enqueue()
        self._reports_queued_on = today
        self.stdout.write(f"Queued the partnership reports job (job {result.id})")
