"""The episodes and meetings apps' announcements, turned into notifications inside the same transaction (so a
report that rolls back tells nobody)."""

from django.urls import reverse

from meetings.models import MeetingAction
from notifications import recipients
from notifications.actions import notify
from notifications.codes import NotificationKind


def _tell(kind: str, episode, acting_user) -> None:
    notify(
        kind,
        recipients.about_episode(episode, acting_user=acting_user),
        about=f"episode:{episode.pk}",
        link=reverse("episodes:detail", args=[episode.pk]),
        child_id=episode.child_id,
    )


def notify_missing(sender, *, episode, acting_user, **kwargs) -> None:
    _tell(NotificationKind.CHILD_MISSING, episode, acting_user)


def notify_found(sender, *, episode, acting_user, **kwargs) -> None:
    _tell(NotificationKind.CHILD_FOUND, episode, acting_user)


def notify_action_added(sender, *, action: MeetingAction, acting_user, **kwargs) -> None:
    """A meeting gave someone an action: its owner hears at once (a neutral sentence and the action's page)."""
    notify(
        NotificationKind.ACTION_ASSIGNED,
        recipients.about_meeting_action(action, acting_user=acting_user),
        about=f"meeting-action:{action.pk}",
        link=reverse("meetings:action", args=[action.pk]),
        child_id=action.child_id,
    )
