"""Notifications: one row per person told about something (always shown in Homeward), one delivery per channel
it also goes out by (e-mail or text message), each person's choice of channel per kind, and their mobile number.

Idempotent by construction: a notification is unique per recipient and `dedupe_key` (what it is about, such as
`child_missing:<episode>`), a delivery unique per notification and channel; a delivery is claimed under a row
lock before it is sent and marked sent after, and its `reference` (sent to GOV.UK Notify) lets a retry after a
crash ask Notify whether the message already went (docs/adr/0014-notification-delivery.md).
"""

from django.conf import settings
from django.db import models

from notifications.codes import Channel, DeliveryStatus, NotificationKind


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    dedupe_key = models.CharField(max_length=100, help_text="What it is about; one notification per recipient")
    message = models.CharField(max_length=300, help_text="A neutral sentence: never case detail")
    link = models.CharField(max_length=300, help_text="The path in Homeward it opens (ids only)")
    created_at = models.DateTimeField(db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="notification_once_per_recipient")
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for user {self.recipient_id}"


class Delivery(models.Model):
    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    claimed_until = models.DateTimeField(null=True, blank=True, help_text="A worker holds it until then")
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    provider_id = models.CharField(max_length=100, blank=True, help_text="GOV.UK Notify's id for the message")
    last_error = models.CharField(max_length=300, blank=True, help_text="Why the last attempt failed (no content)")

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["notification", "channel"], name="delivery_once_per_channel")]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"{self.get_channel_display()} for notification {self.notification_id}: {self.status}"

    @property
    def reference(self) -> str:
        """The idempotency key sent with the message: one per notification (so per recipient) and channel."""
        return f"homeward-{self.notification_id}-{self.channel}"


class NotificationPreference(models.Model):
    """How one user wants one kind of notification: in Homeward only, or also by e-mail or text message."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.channel}"


class ContactDetails(models.Model):
    """The mobile number text messages go to (the e-mail address is the user's own)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mobile_number = models.CharField(max_length=20, blank=True)
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"Contact details of user {self.user_id}"
