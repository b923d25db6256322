"""Background jobs (django-tasks, run by `manage.py db_worker`) that evaluate the risk triggers.

Every action that changes what is known about a child fires `children.changes.child_changed`; once the
change commits, `enqueue_evaluation` queues `evaluate_child` for that child (risk subscribes in
`RiskConfig.ready`). The duration triggers depend on the
clock rather than on a change, so `manage.py run_scheduler` queues `sweep_open_episodes` every
HOMEWARD_TRIGGER_SWEEP_MINUTES. Both are safe to run any number of times: an alert is raised once.
"""

import logging

from django_tasks import task

from children.models import Child
from episodes.models import MissingEpisode
from risk import triggers

logger = logging.getLogger(__name__)


@task()
def evaluate_child(child_id: int) -> int:
    """Evaluate every trigger for one child; return how many alerts were raised."""
    child = Child.objects.filter(pk=child_id).first()
    if child is None:
        return 0
    return len(triggers.evaluate_child(child))


@task()
def sweep_open_episodes() -> int:
    """Evaluate every child who is missing now; return how many alerts were raised."""
    child_ids = sorted(set(MissingEpisode.objects.open().values_list("child_id", flat=True)))
    raised = 0
    for child in Child.objects.filter(pk__in=child_ids).order_by("pk"):
        raised += len(triggers.evaluate_child(child))
    logger.info("Trigger sweep: %d children missing now, %d alerts raised", len(child_ids), raised)
    return raised


def enqueue_evaluation(child_id: int) -> None:
    """Queue the child's trigger evaluation. Subscribed to run after the change commits; if queuing fails
    (the change has committed by then) the error is logged, not raised: the scheduled sweep evaluates every
    missing child again within HOMEWARD_TRIGGER_SWEEP_MINUTES."""
    evaluate_child.enqueue(child_id)
