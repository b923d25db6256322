"""The few records the page shell keeps for itself."""

from django.conf import settings
from django.db import models

from core.encryption import EncryptedTextField


class SavedSearch(models.Model):
    """A search someone posted, kept for a short while under an opaque id so that its results have an address.

    Searches are posted because their words are often a child's name, which must never reach a URL or an
    access log. Answering the POST with the results broke Back and reload ("Confirm form resubmission"); so
    the POST saves the criteria here (encrypted) and redirects to `…/results/<token>/` (Post/Redirect/Get).
    The token is random and says nothing; it opens only for users of the agency whose user made it (a
    colleague the link is sent to), each of whom sees only what their own access allows; it ends after
    HOMEWARD_SAVED_SEARCH_HOURS.
    """

    token = models.CharField(max_length=43, unique=True)
    kind = models.CharField(max_length=40, help_text="Which search: the page that runs it")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("access.Agency", on_delete=models.CASCADE, related_name="+")
    criteria = EncryptedTextField(help_text="What was searched for, as JSON")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.kind} search {self.pk}"


class WorkerHeartbeat(models.Model):
    """A job worker's sign of life (core/worker.py): /ops/ready, the metrics and the orphaned-task sweep read it."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=100)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"worker {self.worker_id} on {self.hostname}"
