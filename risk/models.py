"""Alerts raised by the risk triggers, exploitation screenings and referrals.

An alert is raised once per child and cause (its `dedupe_key`), however often the child's record is
evaluated, and stays until someone records a decision on it. Screenings are never overwritten: each is
a new row and the latest is the child's current one. A referral's status changes are kept as rows too.
Free text (a decision's reason, screening notes, a referral's reason) is encrypted at rest and only
ever recorded in the audit trail as "changed".
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from access.models import Role
from children.models import Child
from core.encryption import EncryptedTextField
from episodes.models import MissingEpisode
from interviews.models import ReturnInterview
from risk.codes import (
    OPEN_REFERRAL_STATUSES,
    AlertDecision,
    AlertKind,
    ExploitationFlag,
    Indicator,
    IndicatorTiming,
    ReferralStatus,
    ReferralTo,
    ScreeningKind,
    ScreeningLevel,
)


class AlertQuerySet(models.QuerySet["Alert"]):
    def unacknowledged(self) -> "AlertQuerySet":
        """Still waiting for a decision: nobody has acknowledged it and it has not resolved itself."""
        return self.filter(acknowledged_at__isnull=True, resolved_at__isnull=True)


class Alert(models.Model):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="alerts")
    kind = models.CharField(max_length=30, choices=AlertKind.choices)
    episode = models.ForeignKey(MissingEpisode, null=True, blank=True, on_delete=models.PROTECT, related_name="alerts")
    interview = models.ForeignKey(
        ReturnInterview, null=True, blank=True, on_delete=models.PROTECT, related_name="alerts"
    )
    threshold_hours = models.PositiveIntegerField(
        null=True, blank=True, help_text="For a missing-duration alert: the escalation time passed"
    )
    dedupe_key = models.CharField(
        max_length=100, help_text="What raised it, such as duration:<episode>:24; one alert per child and key"
    )
    detail = models.CharField(max_length=200, blank=True, help_text="Why it was raised, in words (no free text)")
    raised_at = models.DateTimeField()
    for_role = models.CharField(
        max_length=30, choices=Role.choices, help_text="Whose My work it lands on, to acknowledge"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(max_length=30, choices=AlertDecision.choices, blank=True)
    decision_reason = EncryptedTextField(blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_alerts",
        help_text="The colleague the decision was handed to; nobody: whoever holds `for_role`",
    )
    resolved_at = models.DateTimeField(
        null=True, blank=True, help_text="When the alert stopped being true by itself (the child was found...)"
    )
    resolved_reason = models.CharField(max_length=200, blank=True, help_text="Why it resolved itself, in words")
    version = models.PositiveIntegerField(default=1, help_text="Bumped on every change; guards against lost updates")
    updated_at = models.DateTimeField(
        auto_now=True, help_text="When it was raised or last changed (decided, handed on, resolved): the API's sync"
    )

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["raised_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["child", "dedupe_key"], name="alert_once_per_child_and_cause"),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True) | ~Q(decision=""), name="acknowledged_alert_has_decision"
            ),
        ]
        indexes = [
            models.Index(fields=["child", "acknowledged_at"]),
            models.Index(fields=["for_role", "acknowledged_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.title} for child {self.child_id}"

    @property
    def title(self) -> str:
        if self.kind == AlertKind.MISSING_DURATION and self.threshold_hours:
            return f"Missing for over {self.threshold_hours} hours"
        return AlertKind(self.kind).label

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None

    @property
    def is_open(self) -> bool:
        return not self.is_acknowledged and not self.is_resolved


class Screening(models.Model):
    """One exploitation screening of a child. A new screening is a new row; the latest is current."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="screenings")
    screened_at = models.DateTimeField()
    screened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=ScreeningKind.choices)
    level = models.CharField(max_length=10, choices=ScreeningLevel.choices)
    learning_disability = models.BooleanField(default=False)
    review_date = models.DateField(null=True, blank=True)
    notes = EncryptedTextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-screened_at", "-pk"]
        indexes = [models.Index(fields=["child", "screened_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} screening, {self.get_level_display()}"

    def indicator_codes(self, timing: str) -> list[str]:
        return [row.code for row in self.indicators.all() if row.timing == timing]

    def flag_codes(self) -> list[str]:
        return [row.flag for row in self.flags.all()]

    def flag_labels(self) -> list[str]:
        return [ExploitationFlag(code).label for code in self.flag_codes()]


class ScreeningIndicator(models.Model):
    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(max_length=40, choices=Indicator.choices)
    timing = models.CharField(max_length=10, choices=IndicatorTiming.choices)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["screening", "code"], name="indicator_once_per_screening")]

    def __str__(self) -> str:
        return f"{self.code} ({self.timing})"


class ScreeningFlag(models.Model):
    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="flags")
    flag = models.CharField(max_length=20, choices=ExploitationFlag.choices)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["screening", "flag"], name="flag_once_per_screening")]

    def __str__(self) -> str:
        return self.flag


class ReferralQuerySet(models.QuerySet["Referral"]):
    def open(self) -> "ReferralQuerySet":
        return self.filter(status__in=OPEN_REFERRAL_STATUSES)


class Referral(models.Model):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="referrals")
    to = models.CharField("referred to", max_length=20, choices=ReferralTo.choices)
    made_at = models.DateTimeField()
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = EncryptedTextField()
    status = models.CharField(max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.MADE)
    status_changed_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-made_at", "-pk"]
        indexes = [models.Index(fields=["child", "status"])]

    def __str__(self) -> str:
        return f"Referral to {self.get_to_display()} ({self.get_status_display().lower()})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REFERRAL_STATUSES


class ReferralStatusChange(models.Model):
    """The history of a referral's status; the first row is the referral being made."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(max_length=10, choices=ReferralStatus.choices)
    previous_status = models.CharField(max_length=10, choices=ReferralStatus.choices, blank=True)
    note = EncryptedTextField(blank=True)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} at {self.changed_at:%d %b %Y %H:%M}"
