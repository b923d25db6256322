"""Stored partnership reports: the PDFs the scheduled job produces, one per council, kind and period.

The PDF is kept in the database (a few tens of kilobytes of aggregate figures) rather than in private file
storage: the row and its file are written in one transaction, so a report is either stored whole or not at
all, the unique constraint below makes the job idempotent with no orphaned files to clean up, every web
server reads it without a shared disk, and it is backed up and restored with the data it was made from.
"""

from django.db import models

from access.models import Agency, AgencyKind
from reports.periods import Period, ReportKind


class StoredReport(models.Model):
    council = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", limit_choices_to={"kind": AgencyKind.COUNCIL}
    )
    kind = models.CharField(max_length=10, choices=ReportKind.choices)
    period_start = models.DateField(help_text="The first day of the period's first month")
    generated_at = models.DateTimeField()
    suppression = models.PositiveSmallIntegerField(
        help_text="HOMEWARD_SMALL_NUMBER_SUPPRESSION when it was generated (0: counts not suppressed)"
    )
    pdf = models.BinaryField()
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["council__name", "-period_start", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["council", "kind", "period_start"], name="stored_report_once_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.council.name}: {self.period.title}"

    @property
    def period(self) -> Period:
        return Period(self.kind, self.period_start)
