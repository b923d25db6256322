"""The upload page's background job (django-tasks, `manage.py db_worker`): check, then import, a stored file."""

import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from intake.files import FileError, open_stored_rows, remove_stored
from intake.models import ImportBatch

logger = logging.getLogger(__name__)


def _progress(batch_id: int, state: str):
    def report(rows: int) -> None:
        ImportBatch.objects.filter(pk=batch_id).update(rows_checked=rows, state=state)

    return report


@task()
def run_import(batch_id: int) -> str:
    """Check the file (progress shown as rows checked), then import it in one transaction. With errors, and the
    user not having chosen to import the valid rows, nothing is written and the page asks them."""
    from intake.actions import check_rows, import_notifications

    batch = ImportBatch.objects.select_related("police_force", "created_by").get(pk=batch_id)
    if batch.finished and batch.state != ImportBatch.State.NEEDS_DECISION:
        return batch.state
    try:
        checked = check_rows(
            open_stored_rows(batch), force=batch.police_force, progress=_progress(batch.pk, ImportBatch.State.CHECKING)
        )
        ImportBatch.objects.filter(pk=batch.pk).update(
            rows_total=checked.rows,
            rows_checked=checked.rows,
            rows_with_errors=checked.error_rows,
            errors=[list(error) for error in checked.errors],
        )
        if checked.error_rows and not batch.import_valid_rows:
            ImportBatch.objects.filter(pk=batch.pk).update(
                state=ImportBatch.State.NEEDS_DECISION, finished_at=timezone.now()
            )
            return ImportBatch.State.NEEDS_DECISION
        ImportBatch.objects.filter(pk=batch.pk).update(state=ImportBatch.State.IMPORTING)
        batch.refresh_from_db()
        result = import_notifications(
            lambda: open_stored_rows(batch),
            acting_user=batch.created_by,
            force=batch.police_force,
            source=batch.source,
            batch=batch,
            import_valid_rows=batch.import_valid_rows,
            checked=checked,
        )
    except FileError as exc:
        ImportBatch.objects.filter(pk=batch.pk).update(
            state=ImportBatch.State.FAILED, failure=str(exc)[:300], finished_at=timezone.now()
        )
        return ImportBatch.State.FAILED
    except Exception:
        logger.exception("Import %s failed; nothing was written", batch_id)
        with transaction.atomic():
            ImportBatch.objects.filter(pk=batch.pk).update(
                state=ImportBatch.State.FAILED,
                failure="The import stopped with an error: nothing was written. Try again, or ask for help.",
                finished_at=timezone.now(),
            )
        return ImportBatch.State.FAILED
    ImportBatch.objects.filter(pk=batch.pk).update(
        state=ImportBatch.State.DONE, counts=dict(result.counts), finished_at=timezone.now()
    )
    remove_stored(batch)
    return ImportBatch.State.DONE
