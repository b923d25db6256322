"""Return home interviews: offered within 72 hours of return, covering one or more episodes."""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from access.models import Agency
from children.models import Child
from core.encryption import EncryptedTextField
from episodes.models import MissingEpisode
from interviews.codes import FACTOR_CODES, ConsentToShare, FactorKind, Outcome


class InterviewStatus(models.TextChoices):
    DUE = "due", "Due"
    OVERDUE = "overdue", "Overdue"
    OFFERED = "offered", "Offered"
    ACCEPTED = "accepted", "Accepted, interview to do"
    COMPLETED = "completed", "Completed"
    CLOSED = "closed", "Closed without interview"


class InterviewQuerySet(models.QuerySet["ReturnInterview"]):
    def awaiting_offer(self) -> "InterviewQuerySet":
        """No offer and no outcome yet: the 72-hour clock is still running (or has run out)."""
        return self.filter(offered_at__isnull=True, outcome="")

    def due(self, now: datetime) -> "InterviewQuerySet":
        return self.awaiting_offer().filter(due_by__gte=now)

    def overdue(self, now: datetime) -> "InterviewQuerySet":
        return self.awaiting_offer().filter(due_by__lt=now)

    def open(self) -> "InterviewQuerySet":
        """Still needs work: no outcome, or accepted and not yet written up."""
        return self.filter(Q(outcome="") | Q(outcome=Outcome.ACCEPTED, completed_at__isnull=True))


class ReturnInterview(models.Model):
    """The offer of an independent return interview, its outcome, and what the child said.

    What the child said is held in EncryptedTextFields: encrypted at rest, never searchable, and only
    ever recorded in the audit trail as "changed".
    """

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="return_interviews")
    episodes = models.ManyToManyField(MissingEpisode, related_name="return_interviews")
    due_by = models.DateTimeField(help_text="The child's return plus the statutory 72 hours")
    provider = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_interviews"
    )
    offered_at = models.DateTimeField(null=True, blank=True)
    offered_by = models.CharField(max_length=200, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    not_offered_reason = EncryptedTextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    where_stayed = EncryptedTextField(blank=True)
    who_with = EncryptedTextField(blank=True)
    harm_suffered = EncryptedTextField(blank=True)
    disclosure_details = EncryptedTextField(blank=True)
    childs_wishes = EncryptedTextField(blank=True)
    actions_agreed = EncryptedTextField(blank=True)
    consent_to_share = models.CharField(max_length=20, choices=ConsentToShare.choices, blank=True)
    narrative = EncryptedTextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InterviewQuerySet.as_manager()

    # Set in memory on loaded interviews, never stored: the fields this reader may not see (redact_interview in
    # interviews/scoping.py), and whether it is past its deadline (the My work page).
    withheld_fields: list[str]
    is_overdue: bool

    # Who offered the interview is a name: the audit trail records that it changed (what the child said is
    # encrypted, so masked too).
    AUDIT_MASKED_FIELDS = ("offered_by",)

    class Meta:
        ordering = ["due_by"]
        indexes = [
            models.Index(fields=["due_by"]),
            models.Index(fields=["assigned_to", "due_by"]),
            # My work's interviews to offer and to record (interviews/work.py): the few still open among a
            # council's many closed ones, found without reading the wide rows (encrypted text) of the rest.
            # PostgreSQL answers the counts from these alone (the included columns); SQLite keeps plain ones.
            models.Index(
                fields=["due_by"],
                include=["child", "assigned_to"],
                condition=Q(offered_at__isnull=True, outcome=""),
                name="interview_awaiting_offer",
            ),
            models.Index(
                fields=["due_by"],
                include=["child", "assigned_to"],
                condition=(Q(outcome="") | Q(outcome=Outcome.ACCEPTED, completed_at__isnull=True))
                & ~Q(offered_at__isnull=True, outcome=""),
                name="interview_to_record",
            ),
        ]

    def __str__(self) -> str:
        return f"Return interview due {timezone.localtime(self.due_by):%d %b %Y %H:%M}"

    def status(self, now: datetime | None = None) -> str:
        if self.completed_at:
            return InterviewStatus.COMPLETED
        if self.outcome == Outcome.ACCEPTED:
            return InterviewStatus.ACCEPTED
        if self.outcome:
            return InterviewStatus.CLOSED
        if self.offered_at:
            return InterviewStatus.OFFERED
        return InterviewStatus.OVERDUE if (now or timezone.now()) > self.due_by else InterviewStatus.DUE

    def status_label(self) -> str:
        return InterviewStatus(self.status()).label

    @property
    def offered_in_time(self) -> bool | None:
        return None if self.offered_at is None else self.offered_at <= self.due_by

    def factor_codes(self, kind: str) -> list[str]:
        return [f.code for f in self.factors.all() if f.kind == kind]

    def factor_labels(self, kind: str) -> list[str]:
        labels = dict(FACTOR_CODES[kind].choices)
        return [labels[code] for code in self.factor_codes(kind)]


class InterviewFactor(models.Model):
    """One coded push factor, pull factor or disclosure recorded in an interview."""

    interview = models.ForeignKey(ReturnInterview, on_delete=models.CASCADE, related_name="factors")
    kind = models.CharField(max_length=20, choices=FactorKind.choices)
    code = models.CharField(max_length=30)

    class Meta:
        ordering = ["kind", "code"]
        constraints = [models.UniqueConstraint(fields=["interview", "kind", "code"], name="factor_once_per_interview")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.code}"
