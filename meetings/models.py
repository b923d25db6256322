"""Multi-agency meetings about missing children, and the actions agreed at them.

A meeting is called by a council (its `council`), chaired by one of that council's staff, about one child (or,
for a MACE panel, several, with the persons and places that link them). Agencies and people are invited and
marked present or sending apologies. For each child the meeting records the discussion and the decisions
(encrypted free text, never in the audit trail); each action names what, who owns it (and their agency), when
it is due and its status. A meeting called from an alert keeps the alert (`from_alert`): the alert's decision
links to the meeting.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from access.models import Agency
from children.models import Child
from core.encryption import EncryptedTextField
from meetings.codes import ActionStatus, Attendance, MeetingKind
from network.models import PersonOfConcern, Place
from risk.models import Alert


class Meeting(models.Model):
    kind = models.CharField(max_length=30, choices=MeetingKind.choices)
    council = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", help_text="The council that called the meeting"
    )
    held_at = models.DateTimeField(help_text="When the meeting is (or was) held")
    place = models.CharField(max_length=200, blank=True, help_text="Where it is held; blank when online only")
    online = models.BooleanField(default=False)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=200, blank=True, help_text="Why it was called, in words (no free text)")
    from_alert = models.ForeignKey(
        Alert,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
        help_text="The alert it answers",
    )
    persons = models.ManyToManyField(PersonOfConcern, blank=True, related_name="+")
    places = models.ManyToManyField(Place, blank=True, related_name="+")
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-held_at", "-pk"]
        indexes = [models.Index(fields=["council", "held_at"])]
        constraints = [
            models.CheckConstraint(condition=~Q(place="") | Q(online=True), name="meeting_has_a_place_or_is_online")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {timezone.localtime(self.held_at):%d %b %Y}"

    @property
    def where(self) -> str:
        if self.place and self.online:
            return f"{self.place}, and online"
        return self.place or "Online"


class MeetingAgency(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agencies")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    attendance = models.CharField(max_length=10, choices=Attendance.choices, default=Attendance.INVITED)

    class Meta:
        ordering = ["agency__kind", "agency__name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "agency"], name="agency_once_per_meeting")]

    def __str__(self) -> str:
        return f"{self.agency} ({self.get_attendance_display().lower()})"


class MeetingPerson(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="people")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meeting_invitations")
    attendance = models.CharField(max_length=10, choices=Attendance.choices, default=Attendance.INVITED)

    class Meta:
        ordering = ["user__last_name", "user__first_name", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="person_once_per_meeting")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_attendance_display().lower()})"


class MeetingChild(models.Model):
    """One child discussed at a meeting: what was discussed and decided about them."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="children")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="meetings")
    discussion = EncryptedTextField(blank=True)
    decisions = EncryptedTextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "child"], name="child_once_per_meeting")]

    def __str__(self) -> str:
        return f"Child {self.child_id} at {self.meeting}"


class MeetingActionQuerySet(models.QuerySet["MeetingAction"]):
    def open(self) -> "MeetingActionQuerySet":
        return self.filter(status=ActionStatus.OPEN)

    def overdue(self, today: date) -> "MeetingActionQuerySet":
        return self.open().filter(due_on__lt=today)


class MeetingAction(models.Model):
    """Something a meeting agreed someone will do, by when; closed as done or cancelled (with a note)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    child = models.ForeignKey(
        Child,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_actions",
        help_text="Blank: the whole meeting's",
    )
    what = models.CharField(max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meeting_actions")
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    status_note = EncryptedTextField(blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # What is to be done may name people or places: the audit trail records that it was set, never what it says.
    AUDIT_MASKED_FIELDS = ("what",)

    objects = MeetingActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["owner", "status", "due_on"]), models.Index(fields=["meeting", "status"])]

    def __str__(self) -> str:
        return f"Action {self.pk} ({self.get_status_display().lower()}), due {self.due_on:%d %b %Y}"

    @property
    def is_open(self) -> bool:
        return self.status == ActionStatus.OPEN
