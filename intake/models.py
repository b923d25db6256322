"""Police notifications (missing, update, found), the police case they belong to, the match queue, import
batches and the API's idempotency keys. Case records (children, episodes) are written only through their apps'
actions; this app records what arrived and what became of it."""

from django.conf import settings
from django.db import models

from access.models import Agency, User
from children.models import Child
from core.encryption import EncryptedTextField
from episodes.models import MissingEpisode


class Kind(models.TextChoices):
    MISSING = "missing", "Missing"
    UPDATE = "update", "Update"
    FOUND = "found", "Found"


class Status(models.TextChoices):
    APPLIED = "applied", "Applied to the episode"
    QUEUED = "queued", "In the match queue: a person must choose the child"
    WAITING = "waiting", "Waiting for the missing report of the same police reference"
    SUPERSEDED = "superseded", "Recorded, not applied: older than what is already known"
    QUARANTINED = "quarantined", "Quarantined: the row has errors to correct"


class Source(models.TextChoices):
    API = "api", "Push (API)"
    COMMAND = "command", "Command"
    UPLOAD = "upload", "Upload page"


class PoliceCase(models.Model):
    """One (force, police reference): the episode it became and how recent the facts applied to it are."""

    police_force = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    police_reference = models.CharField(max_length=40)
    episode = models.ForeignKey(MissingEpisode, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    facts_as_of = models.DateTimeField(null=True, blank=True, help_text="The event time of the latest applied")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["police_force", "police_reference"], name="police_case_unique_reference")
        ]

    def __str__(self) -> str:
        return f"{self.police_force.code}/{self.police_reference}"


class ImportBatch(models.Model):
    """One file or push: what was checked, what was written, the errors found."""

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        CHECKING = "checking", "Checking rows"
        NEEDS_DECISION = "needs_decision", "Errors found: nothing written"
        IMPORTING = "importing", "Importing"
        DONE = "done", "Done"
        FAILED = "failed", "Failed: nothing written"

    police_force = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    filename = models.CharField(max_length=200, blank=True)
    stored_path = models.CharField(max_length=300, blank=True, help_text="The uploaded file in private storage")
    state = models.CharField(max_length=20, choices=State.choices, default=State.QUEUED)
    import_valid_rows = models.BooleanField(default=False, help_text="Import the valid rows, quarantine the rest")
    rows_checked = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    rows_with_errors = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True, help_text="Outcome: number of notifications")
    errors = models.JSONField(default=list, blank=True, help_text="The first errors: row, field, message")
    failure = models.CharField(max_length=300, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.get_state_display()})"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED, self.State.NEEDS_DECISION)


class Notification(models.Model):
    """One notification as it arrived (its fields, encrypted), and what became of it."""

    police_force = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    police_reference = models.CharField(max_length=40, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, blank=True)
    event_at = models.DateTimeField(null=True, blank=True)
    nhs_number = models.CharField(max_length=10, blank=True, db_index=True, help_text="Learned on confirmation")
    digest = models.CharField(max_length=64, help_text="SHA-256 of the notification's fields: the same one twice")
    data = EncryptedTextField(help_text="The notification's fields as JSON (for a quarantined row: as it came)")
    status = models.CharField(max_length=20, choices=Status.choices)
    outcome = models.CharField(max_length=300, blank=True)
    errors = models.JSONField(default=list, blank=True, help_text="A quarantined row's errors: [field, message]")
    row_number = models.PositiveIntegerField(null=True, blank=True)
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(PoliceCase, null=True, blank=True, on_delete=models.PROTECT, related_name="notifications")
    child = models.ForeignKey(Child, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    proposed_children = models.ManyToManyField(Child, blank=True, related_name="+")
    match_reason = models.CharField(max_length=300, blank=True)
    received_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["event_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["police_force", "digest"],
                condition=~models.Q(status="quarantined"),
                name="notification_once_per_force",
            )
        ]
        indexes = [models.Index(fields=["police_force", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.police_reference} ({self.get_status_display()})"


class ProvisionalChild(models.Model):
    """A child's record a person created from a police notification, for the responsible council to confirm."""

    child = models.OneToOneField(Child, on_delete=models.PROTECT, related_name="+")
    notification = models.ForeignKey(Notification, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Provisional record {self.child_id}"


class IdempotencyRecord(models.Model):
    """An API write's `Idempotency-Key`: a retry with the same key gets the first answer back."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    request_digest = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once_per_user")]

    def __str__(self) -> str:
        return f"Idempotency key for {self.user_id}"
