"""The partnership reports job (django-tasks, run by `manage.py db_worker`); `manage.py run_scheduler` queues it
when a council lacks a due report (in practice on day HOMEWARD_REPORTS_DAY of each month)."""

import logging

from django_tasks import task

from reports.actions import store_due_reports

logger = logging.getLogger(__name__)


@task()
def store_partnership_reports() -> int:
    """Store last month's and the last reporting year's report for every council that lacks them; return how
    many were stored."""
    created = store_due_reports()
    logger.info("Partnership reports: %d stored", len(created))
    return len(created)
