"""Where events come from: the domain apps' own announcements (Django's model signals for a record created,
episodes.signals.episode_returned for a return). The domain apps import nothing from here; each event is
emitted once its change commits, so a rolled-back change is never announced. A failure to queue is logged
(robust on_commit), never raised into the change that has already committed."""

from django.db import transaction
from django.db.models.signals import post_save

from episodes.models import MissingEpisode, RiskGradeChange
from episodes.signals import episode_returned
from interviews.models import ReturnInterview
from risk.models import Alert
from webhooks.events import emit
from webhooks.models import EventKind


def _later(event: str, object_type: str, object_id: int, data: dict) -> None:
    def emit_event() -> None:  # a plain function: Django logs a robust callback's failure by its name
        emit(event, object_type, object_id, data)

    transaction.on_commit(emit_event, robust=True)


def episode_saved(sender: type, instance: MissingEpisode, created: bool, raw: bool = False, **kwargs: object) -> None:
    if created and not raw:
        data = {"episode_id": instance.pk, "child_id": instance.child_id}
        _later(EventKind.EPISODE_REPORTED, "episode", instance.pk, data)


def risk_change_saved(
    sender: type, instance: RiskGradeChange, created: bool, raw: bool = False, **kwargs: object
) -> None:
    # The first grade is given with the report (episode.reported); later ones are changes.
    if created and not raw and instance.previous_grade:
        episode = instance.episode
        data = {"episode_id": episode.pk, "child_id": episode.child_id, "risk_change_id": instance.pk}
        _later(EventKind.RISK_CHANGED, "risk_change", instance.pk, data)


def episode_found(sender: type, *, episode: MissingEpisode, **kwargs: object) -> None:
    _later(EventKind.FOUND, "episode", episode.pk, {"episode_id": episode.pk, "child_id": episode.child_id})


def interview_saved(
    sender: type, instance: ReturnInterview, created: bool, raw: bool = False, **kwargs: object
) -> None:
    if created and not raw:
        data = {"interview_id": instance.pk, "child_id": instance.child_id}
        _later(EventKind.INTERVIEW_DUE, "interview", instance.pk, data)
        interview_id, due_by = instance.pk, instance.due_by

        def check_overdue_at_due_time() -> None:
            _check_overdue_at_due_time(interview_id, due_by)

        transaction.on_commit(check_overdue_at_due_time, robust=True)


def _check_overdue_at_due_time(interview_id: int, due_by) -> None:
    from webhooks.models import WebhookSubscription
    from webhooks.tasks import check_overdue

    subscribed = WebhookSubscription.objects.filter(active=True).values_list("events", flat=True)
    if not any(EventKind.INTERVIEW_OVERDUE in events for events in subscribed):
        return
    check_overdue.using(run_after=due_by).enqueue(interview_id)


def alert_saved(sender: type, instance: Alert, created: bool, raw: bool = False, **kwargs: object) -> None:
    if created and not raw:
        data = {"alert_id": instance.pk, "child_id": instance.child_id}
        if instance.episode_id:
            data["episode_id"] = instance.episode_id
        _later(EventKind.ALERT_RAISED, "alert", instance.pk, data)


def connect() -> None:
    post_save.connect(episode_saved, sender=MissingEpisode, dispatch_uid="webhooks.episode_saved")
    post_save.connect(risk_change_saved, sender=RiskGradeChange, dispatch_uid="webhooks.risk_change_saved")
    post_save.connect(interview_saved, sender=ReturnInterview, dispatch_uid="webhooks.interview_saved")
    post_save.connect(alert_saved, sender=Alert, dispatch_uid="webhooks.alert_saved")
    episode_returned.connect(episode_found, dispatch_uid="webhooks.episode_found")
