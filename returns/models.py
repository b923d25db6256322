"""Episodes of care for looked-after children, as the SSDA903 return counts them.

One `CareEpisode` is one row of the return's Episodes table: a stretch of time with one legal status
and one placement. A new episode starts whenever either changes; consecutive episodes (each next
`decom` equal to the previous `dec`) make up one *period of care* (see `returns.periods`).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from children.models import Child
from core.encryption import EncryptedTextField
from returns.codes import (
    CareLegalStatus,
    CategoryOfNeed,
    Placement,
    PlacementProvider,
    ReasonEpisodeCeased,
    ReasonNewEpisode,
    ReasonPlaceChange,
)
from returns.formats import validate_postcode, validate_urn


class CareEpisodeQuerySet(models.QuerySet):
    def open(self) -> "CareEpisodeQuerySet":
        return self.filter(dec__isnull=True)

    def overlapping(self, first_day, last_day) -> "CareEpisodeQuerySet":
        """Episodes open on at least one day from first_day to last_day (both included)."""
        return self.filter(Q(dec__isnull=True) | Q(dec__gte=first_day), decom__lte=last_day)


class CareEpisode(models.Model):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="care_episodes")
    decom = models.DateField("date episode started")
    rne = models.CharField("reason for new episode", max_length=1, choices=ReasonNewEpisode.choices)
    legal_status = models.CharField(max_length=2, choices=CareLegalStatus.choices)
    cin = models.CharField("category of need", max_length=2, choices=CategoryOfNeed.choices)
    place = models.CharField("placement type", max_length=3, choices=Placement.choices)
    place_provider = models.CharField(
        "placement provider",
        max_length=3,
        choices=PlacementProvider.choices,
        blank=True,
        help_text="Blank for temporary (T0-T3) and other (Z11-Z14) placements, required otherwise",
    )
    dec = models.DateField("date episode ceased", null=True, blank=True)
    rec = models.CharField("reason episode ceased", max_length=3, choices=ReasonEpisodeCeased.choices, blank=True)
    reason_place_change = models.CharField(max_length=6, choices=ReasonPlaceChange.choices, blank=True)
    home_post = models.CharField("home postcode", max_length=8, blank=True, validators=[validate_postcode])
    pl_post = models.CharField("placement postcode", max_length=8, blank=True, validators=[validate_postcode])
    urn = models.CharField("Ofsted URN", max_length=8, blank=True, validators=[validate_urn])
    version = models.PositiveIntegerField(default=1, help_text="Bumped on every change; guards against lost updates")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CareEpisodeQuerySet.as_manager()

    # Where a child lives (and the home they are placed in) goes into the audit trail only as "changed".
    AUDIT_MASKED_FIELDS = ("home_post", "pl_post", "urn")

    class Meta:
        ordering = ["child_id", "decom", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dec__isnull=True) | Q(dec__gte=F("decom")), name="care_episode_ends_after_start"
            ),
            models.CheckConstraint(
                condition=(Q(dec__isnull=True) & Q(rec="")) | (Q(dec__isnull=False) & ~Q(rec="")),
                name="care_episode_reason_iff_ended",
            ),
            models.UniqueConstraint(
                fields=["child"], condition=Q(dec__isnull=True), name="one_open_care_episode_per_child"
            ),
        ]
        indexes = [
            models.Index(fields=["child", "decom"]),
            models.Index(fields=["decom"]),
            models.Index(fields=["dec"]),
        ]

    def __str__(self) -> str:
        end = f"{self.dec:%d/%m/%Y}" if self.dec else "open"
        return f"Care episode {self.legal_status}/{self.place} from {self.decom:%d/%m/%Y} to {end}"

    @property
    def is_open(self) -> bool:
        return self.dec is None


class ReturnImport(models.Model):
    """One upload of a council's SSDA903 files, imported by a background job (`returns.tasks.run_import`).

    The files are held (encrypted) only until the job has run; the result keeps the counts and the errors by
    file, row and column (child IDs and codes, never names)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        DONE = "done", "Imported"
        FAILED = "failed", "Not imported: the files have errors"

    council = models.ForeignKey(
        "access.Agency", on_delete=models.PROTECT, related_name="+", limit_choices_to={"kind": "council"}
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    header = EncryptedTextField(blank=True)
    episodes = EncryptedTextField(blank=True)
    missing = EncryptedTextField(blank=True)
    counts = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"SSDA903 import {self.pk} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
