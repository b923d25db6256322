"""Coded lists for notifications: what happened, how it reaches someone, and how far its delivery got."""

from django.db import models

from access.models import Role


class NotificationKind(models.TextChoices):
    CHILD_MISSING = "child_missing", "A child is reported missing"
    CHILD_FOUND = "child_found", "A missing child is found"
    INTERVIEW_DUE_SOON = "interview_due_soon", "A return interview is 24 hours from its deadline"
    INTERVIEW_OVERDUE = "interview_overdue", "A return interview's deadline has passed"
    ACTION_ASSIGNED = "action_assigned", "A meeting gives you an action"
    ACTION_DUE = "action_due", "An action you own is due"
    ACTIONS_OVERDUE = "actions_overdue", "A meeting you chaired has overdue actions"
    DAILY_DIGEST = "daily_digest", "Daily summary of your work"


class Channel(models.TextChoices):
    IN_APP = "in_app", "In Homeward only"
    EMAIL = "email", "E-mail and in Homeward"
    TEXT = "text", "Text message and in Homeward"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    RETRYING = "retrying", "Failed, will try again"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Not sent"


# The neutral sentence each kind of message says: never a name, a place or anything about the case. The link
# opens the record in Homeward, behind sign-in, where the reader's own access decides what they see.
MESSAGES = {
    NotificationKind.CHILD_MISSING: "A child you work with has been reported missing.",
    NotificationKind.CHILD_FOUND: "A child you work with who was missing has been found or has returned.",
    NotificationKind.INTERVIEW_DUE_SOON: "A return home interview you are responsible for is due within 24 hours.",
    NotificationKind.INTERVIEW_OVERDUE: "A return home interview you are responsible for is past its deadline.",
    NotificationKind.ACTION_ASSIGNED: "A meeting has given you an action.",
    NotificationKind.ACTION_DUE: "An action you own is due.",
    NotificationKind.ACTIONS_OVERDUE: "A meeting you chaired has actions that are overdue.",
    NotificationKind.DAILY_DIGEST: "Your daily summary of work in Homeward is ready.",
}

# Text messages reach a phone at any hour: offered to the roles that respond to a missing child out of hours.
TEXT_ROLES = (Role.COORDINATOR, Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.POLICE)

# What each kind is sent as until the user chooses: urgent news by e-mail, the rest in Homeward.
DEFAULT_CHANNELS: dict[str, str] = {
    NotificationKind.CHILD_MISSING: Channel.EMAIL,
    NotificationKind.CHILD_FOUND: Channel.EMAIL,
    NotificationKind.INTERVIEW_DUE_SOON: Channel.EMAIL,
    NotificationKind.INTERVIEW_OVERDUE: Channel.EMAIL,
    NotificationKind.ACTION_ASSIGNED: Channel.EMAIL,
    NotificationKind.ACTION_DUE: Channel.EMAIL,
    NotificationKind.ACTIONS_OVERDUE: Channel.EMAIL,
    NotificationKind.DAILY_DIGEST: Channel.EMAIL,
}
