"""Missing episodes: from the report, through risk changes, to the child's return."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q

from access.models import Agency, AgencyKind
from children.models import Child
from core.encryption import EncryptedTextField
from episodes.codes import EpisodeType, FoundBy, LogEntryKind, MissingFrom, RiskGrade

if TYPE_CHECKING:
    from episodes.scoping import FoundWith


class EpisodeQuerySet(models.QuerySet["MissingEpisode"]):
    def open(self) -> "EpisodeQuerySet":
        return self.filter(returned_at__isnull=True)

    def returned(self) -> "EpisodeQuerySet":
        return self.filter(returned_at__isnull=False)


class MissingEpisode(models.Model):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="episodes")
    episode_type = models.CharField(max_length=1, choices=EpisodeType.choices)
    missing_from = models.CharField(max_length=20, choices=MissingFrom.choices)
    last_seen_at = models.DateTimeField()
    last_seen_place = models.CharField(max_length=300)
    reported_at = models.DateTimeField()
    reported_by = models.CharField(max_length=200, help_text="Who reported the child missing, and their relationship")
    police_force = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="episodes", limit_choices_to={"kind": AgencyKind.POLICE}
    )
    police_reference = models.CharField(max_length=40, blank=True)
    risk_grade = models.CharField(max_length=20, choices=RiskGrade.choices)
    circumstances = EncryptedTextField(blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    found_place = models.CharField(max_length=300, blank=True)
    found_by = models.CharField(max_length=20, choices=FoundBy.choices, blank=True)
    found_with = EncryptedTextField(blank=True, help_text="Who the child was with: often other children or adults")
    harm_on_return = EncryptedTextField(blank=True)
    prevention_interview_done = models.BooleanField(null=True, blank=True)
    imported_from = models.CharField(
        max_length=20,
        blank=True,
        help_text="Where a historic period was imported from (e.g. SSDA903); blank for an episode reported in "
        "Homeward. Imported history raises no alerts and opens no return interview.",
    )
    version = models.PositiveIntegerField(default=1, help_text="Bumped on every change; guards against lost updates")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EpisodeQuerySet.as_manager()

    # Set in memory on loaded episodes, never stored: the fields this reader may not see (redact_episodes in
    # episodes/scoping.py), and the API's link to the return interview the return opened.
    withheld_fields: list[str]
    return_interview_id: int | None
    found_with_seen: "FoundWith"  # who the child was found with, as the reader may see it (the API's detail)

    # Names and places go into the audit trail only as "changed" (encrypted fields are masked too).
    AUDIT_MASKED_FIELDS = ("last_seen_place", "found_place", "reported_by")

    class Meta:
        ordering = ["-last_seen_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=Q(returned_at__isnull=True), name="one_open_episode_per_child"
            ),
            models.UniqueConstraint(
                fields=["police_force", "police_reference"],
                condition=~Q(police_reference=""),
                name="police_reference_unique_per_force",
            ),
            models.CheckConstraint(
                condition=Q(returned_at__isnull=True) | Q(returned_at__gte=models.F("last_seen_at")),
                name="return_not_before_last_seen",
            ),
        ]
        indexes = [
            # A child's episodes in time order, carrying what the SSDA903 return and the trigger sweep read
            # (PostgreSQL answers them from the index alone: the table's rows are wide with encrypted text).
            models.Index(
                fields=["child", "last_seen_at"],
                include=["returned_at", "episode_type", "id"],
                name="episode_child_seen_cover",
            ),
            models.Index(fields=["returned_at"]),
            models.Index(fields=["police_force", "last_seen_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_episode_type_display().split(':')[0]} from {self.last_seen_at:%d %b %Y %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.returned_at is None


class RiskGradeChange(models.Model):
    """The history of an episode's police risk grade; the first row is the grade at report."""

    episode = models.ForeignKey(MissingEpisode, on_delete=models.CASCADE, related_name="risk_changes")
    grade = models.CharField(max_length=20, choices=RiskGrade.choices)
    previous_grade = models.CharField(max_length=20, choices=RiskGrade.choices, blank=True)
    reason = models.TextField(blank=True)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    AUDIT_MASKED_FIELDS = ("reason",)  # free text: the trail records only that a reason was given

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_grade_display()} at {self.changed_at:%d %b %Y %H:%M}"


class EpisodeLogEntry(models.Model):
    """One timed, attributed entry in the log kept while a child is missing: a sighting, a call, contact with the
    family or placement, a police update, an action taken. Append-only (a correction is a new entry). The note is
    free text, so it is encrypted and shown only to those who may read the episode in full
    (`episodes.scoping.log_entries_for`)."""

    episode = models.ForeignKey(MissingEpisode, on_delete=models.CASCADE, related_name="log_entries")
    kind = models.CharField(max_length=20, choices=LogEntryKind.choices)
    occurred_at = models.DateTimeField(help_text="When it happened (not when it was written down)")
    note = EncryptedTextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_by_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["occurred_at", "pk"]
        indexes = [models.Index(fields=["episode", "occurred_at"])]
        verbose_name_plural = "episode log entries"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.occurred_at:%d %b %Y %H:%M}"


class EpisodeFoundWith(models.Model):
    """Who a child was found with, as structured facts the patterns read (network.patterns: "found together"):
    either another child known to Homeward (`other_child`), or a count of children not known to us or not
    identified (`unknown_count`), never both. Written only by `episodes.actions.record_found_with` (and
    `record_return`, which calls it); the narrative stays in the episode's encrypted `found_with` text.

    The other child is picked from those the recording user may see (`children.scoping.children_for`); a reader
    sees their name only if they may see that child too, and otherwise only a count (`found_with_for`)."""

    episode = models.ForeignKey(MissingEpisode, on_delete=models.CASCADE, related_name="found_with_links")
    other_child = models.ForeignKey(Child, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    unknown_count = models.PositiveSmallIntegerField(
        default=0, help_text="Other children not known to Homeward, or not identified"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["episode", "pk"]
        verbose_name_plural = "episode found-with links"
        constraints = [
            models.CheckConstraint(
                condition=(Q(other_child__isnull=False) & Q(unknown_count=0))
                | (Q(other_child__isnull=True) & Q(unknown_count__gt=0)),
                name="found_with_child_or_unknown_count",
            ),
        ]
        indexes = [models.Index(fields=["other_child"])]

    def __str__(self) -> str:
        if self.other_child_id is None:
            return f"Found with {self.unknown_count} unknown"
        return f"Found with child {self.other_child_id}"
