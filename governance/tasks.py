"""The retention job (django-tasks, run by `manage.py db_worker`); `manage.py run_scheduler` queues it daily."""

import logging

from django_tasks import task

from governance.retention import run_retention

logger = logging.getLogger(__name__)


@task()
def apply_retention() -> dict:
    """Anonymise every child past their retention date; return the run's summary (counts only)."""
    report = run_retention(dry_run=False, triggered_by="schedule")
    logger.info("Retention: %d children anonymised, %d skipped", len(report.anonymised), len(report.skipped))
    return report.summary()
