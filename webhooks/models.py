"""Webhook subscriptions of system clients and the log of every delivery (with its attempts)."""

import uuid

from django.db import models

from access.models import ApiClient, User
from core.encryption import EncryptedTextField


class EventKind(models.TextChoices):
    EPISODE_REPORTED = "episode.reported", "Child reported missing"
    RISK_CHANGED = "episode.risk_changed", "Risk grade changed"
    FOUND = "episode.found", "Child found (returned)"
    INTERVIEW_DUE = "interview.due", "Return interview due"
    INTERVIEW_OVERDUE = "interview.overdue", "Return interview overdue"
    ALERT_RAISED = "alert.raised", "Alert raised"


class WebhookSubscription(models.Model):
    """Where a system client wants events sent, and which. The secret signs every delivery (HMAC-SHA256)."""

    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="webhook_subscriptions")
    url = models.URLField(max_length=500)
    events = models.JSONField(default=list, help_text="EventKind values")
    secret = EncryptedTextField()
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["client__name", "id"]

    def __str__(self) -> str:
        return f"{self.client} → {self.url}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    RETRYING = "retrying", "Failed; will be retried"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed; gave up"
    WITHHELD = "withheld", "Not sent: the client may no longer see the record"
    CANCELLED = "cancelled", "Not sent: the subscription or client ended"


class WebhookDelivery(models.Model):
    """One event for one subscription. A replay is a new delivery of the same event (same `event_id`)."""

    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.PROTECT, related_name="deliveries")
    event = models.CharField(max_length=30, choices=EventKind.choices)
    event_id = models.UUIDField(default=uuid.uuid4, help_text="The same for a replay, so receivers can drop repeats")
    object_type = models.CharField(max_length=20, help_text="episode, risk_change, interview or alert")
    object_id = models.BigIntegerField()
    data = models.JSONField(default=dict, help_text="The ids the payload carries: never case detail")
    occurred_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    replay_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="replays")
    replayed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # An event is queued once per subscription, however often its hook fires; replays are extra rows.
            models.UniqueConstraint(
                fields=["subscription", "event", "object_id"],
                condition=models.Q(replay_of__isnull=True),
                name="webhook_event_once_per_subscription",
            )
        ]
        indexes = [models.Index(fields=["subscription", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.event} #{self.object_id} to {self.subscription_id}"
