"""What the retention job did: one row per run, and one per child it anonymised (so it never does it twice)."""

from django.db import models

from children.models import Child


class RetentionRun(models.Model):
    """One run of the retention rules (`apply_retention`), with what it changed and the rules it used."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    triggered_by = models.CharField(max_length=20, help_text="schedule (the daily job) or command")
    rules = models.JSONField(default=dict, help_text="Years from date of birth, by legal status, as set")
    children_anonymised = models.PositiveIntegerField(default=0)
    children_skipped = models.PositiveIntegerField(
        default=0, help_text="Past their date but left for now (a missing episode still open)"
    )
    records = models.JSONField(default=dict, help_text="Records cleared or deleted, by kind")
    api_tokens_deleted = models.PositiveIntegerField(default=0)
    devices_deleted = models.PositiveIntegerField(default=0)
    files_deleted = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"Retention run {self.started_at:%Y-%m-%d %H:%M}: {self.children_anonymised} children anonymised"


class AnonymisedChild(models.Model):
    """A child whose record the retention rules anonymised: the marker that keeps the job idempotent."""

    child = models.OneToOneField(Child, on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey(RetentionRun, on_delete=models.PROTECT, related_name="children")
    anonymised_at = models.DateTimeField()
    rule = models.CharField(max_length=40, help_text="The legal status rule that applied")
    retention_date = models.DateField()

    class Meta:
        ordering = ["anonymised_at", "pk"]
        verbose_name_plural = "anonymised children"

    def __str__(self) -> str:
        return f"Child {self.child_id} anonymised {self.anonymised_at:%Y-%m-%d}"
