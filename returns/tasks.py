"""The SSDA903 import job (django-tasks, run by `manage.py db_worker`), queued by the Returns import page."""

import logging
from functools import partial

from django.db import transaction
from django_tasks import task

from returns.imports import run_queued_import
from returns.models import ReturnImport

logger = logging.getLogger(__name__)


@task()
def run_import(import_id: int) -> str:
    """Import one upload; return its status."""
    job = run_queued_import(import_id)
    logger.info("SSDA903 import %d: %s, %s", job.pk, job.status, job.counts)
    return job.status


def enqueue_import(job: ReturnImport) -> None:
    """Queue the import once the upload has committed."""
    transaction.on_commit(partial(run_import.enqueue, job.pk))
