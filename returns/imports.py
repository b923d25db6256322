"""The SSDA903 import as the Returns page runs it: an upload is recorded (`queue_import`), then imported by a
background job (`returns.tasks.run_import` calls `run_queued_import`), and the coordinator reads the outcome.

Both steps are safe to repeat: a job that has finished is left as it is, and the import itself is idempotent
(`returns.ssda903_import`). The uploaded files are kept, encrypted, only until the job has run."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from access.audit import record_event
from access.models import AuditEvent, User
from returns.models import ReturnImport
from returns.scoping import import_council_for
from returns.ssda903_import import import_ssda903

MAX_ERRORS_KEPT = 1000  # a file with every row wrong still shows the first thousand problems


def queue_import(*, acting_user: User, header: str, episodes: str, missing: str) -> ReturnImport:
    """Record an upload of the council's three SSDA903 files, to be imported by the job."""
    council = import_council_for(acting_user)
    if council is None:
        raise PermissionDenied("Only the council's coordinator can import its SSDA903 return.")
    with transaction.atomic():
        job = ReturnImport.objects.create(
            council=council,
            uploaded_by=acting_user,
            uploaded_at=timezone.now(),
            header=header,
            episodes=episodes,
            missing=missing,
        )
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.CREATE,
            obj=job,
            summary="SSDA903 files uploaded for import",
            changes={
                "lines": [None, {"Header": _lines(header), "Episodes": _lines(episodes), "Missing": _lines(missing)}]
            },
        )
    return job


def _lines(text: str) -> int:
    return max(0, len(text.splitlines()) - 1)


def run_queued_import(import_id: int) -> ReturnImport:
    """Import one upload (the job's work). Run twice, the second run finds it finished and does nothing."""
    with transaction.atomic():
        job = ReturnImport.objects.select_for_update().select_related("council", "uploaded_by").get(pk=import_id)
        if job.finished:
            return job
        result = import_ssda903(
            acting_user=job.uploaded_by,
            council=job.council,
            header=job.header,
            episodes=job.episodes,
            missing=job.missing,
        )
        job.status = ReturnImport.Status.DONE if result.ok else ReturnImport.Status.FAILED
        job.counts = result.counts
        job.errors = [error.as_dict() for error in result.errors[:MAX_ERRORS_KEPT]]
        job.header = job.episodes = job.missing = ""
        job.finished_at = timezone.now()
        job.save()
    return job
