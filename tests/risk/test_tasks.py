"""The triggers run as real background jobs: queued through django-tasks' database backend, run by
django-tasks-db's own worker (`db_worker --batch`), and queued by every action that changes a case."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from episodes.actions import change_risk_grade, record_return, report_missing, update_episode_details
from episodes.codes import EpisodeType, FoundBy, MissingFrom, RiskGrade
from interviews.actions import record_interview
from interviews.codes import ConsentToShare, Disclosure, Outcome
from interviews.models import ReturnInterview
from risk.codes import AlertKind
from risk.models import Alert
from risk.tasks import evaluate_child, sweep_open_episodes
from tests.risk.conftest import episode

EVALUATE = "risk.tasks.evaluate_child"
SWEEP = "risk.tasks.sweep_open_episodes"


def queued(task_path: str) -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=task_path).order_by("enqueued_at"))


def report_high_risk(world, recent):
    return report_missing(
        acting_user=world.users.police,
        child=world.child,
        episode_type=EpisodeType.MISSING,
        missing_from=MissingFrom.PLACEMENT,
        last_seen_at=recent - dt.timedelta(hours=2),
        last_seen_place="Railway station",
        reported_at=recent - dt.timedelta(hours=1),
        reported_by="Foster carer",
        police_force=world.police_north,
        risk_grade=RiskGrade.HIGH,
    )


# --- Through the real worker ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_queued_evaluation_run_by_the_worker_raises_the_alert(world, run_worker):
    high = episode(world, last_seen_at=timezone.now() - dt.timedelta(hours=3), grade=RiskGrade.HIGH)
    result = evaluate_child.enqueue(world.child.pk)
    assert not Alert.objects.exists()  # queued, not run
    run_worker()
    [alert] = Alert.objects.all()
    assert (alert.kind, alert.episode) == (AlertKind.HIGH_RISK, high)
    job = DBTaskResult.objects.get(id=result.id)
    assert job.status == TaskResultStatus.SUCCESSFUL
    assert job.task_result.return_value == 1


@pytest.mark.django_db(transaction=True)
def test_run_scheduler_once_queues_a_sweep_that_escalates_a_long_missing_child(world, run_worker):
    episode(world, last_seen_at=timezone.now() - dt.timedelta(hours=25))
    out = io.StringIO()
    call_command("run_scheduler", once=True, stdout=out)
    assert "Queued the trigger sweep" in out.getvalue()
    assert len(queued(SWEEP)) == 1
    run_worker()
    [alert] = Alert.objects.all()
    assert (alert.kind, alert.threshold_hours, alert.for_role) == (AlertKind.MISSING_DURATION, 24, "team_manager")
    assert queued(SWEEP)[0].status == TaskResultStatus.SUCCESSFUL
    # The next sweep finds nothing new: the escalation fired once.
    sweep_open_episodes.enqueue()
    run_worker()
    assert Alert.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_report_missing_high_risk_queues_on_commit_and_the_worker_raises_the_alert(world, run_worker, recent):
    """No test transaction here: the action really commits, on_commit really queues the job."""
    reported = report_high_risk(world, recent)
    [job] = queued(EVALUATE)
    assert job.task_result.args == [world.child.pk]
    run_worker()
    [alert] = Alert.objects.filter(kind=AlertKind.HIGH_RISK)
    assert alert.episode == reported


@pytest.mark.django_db(transaction=True)
def test_the_sweep_evaluates_only_children_missing_now(world, run_worker):
    episode(world, last_seen_at=timezone.now() - dt.timedelta(hours=25))
    episode(
        world,
        child=world.south_child,
        force=world.police_south,
        last_seen_at=timezone.now() - dt.timedelta(days=5),
        returned_after=dt.timedelta(hours=30),
        grade=RiskGrade.HIGH,
    )
    sweep_open_episodes.enqueue()
    run_worker()
    assert set(Alert.objects.values_list("child_id", flat=True)) == {world.child.pk}


# --- The on_commit wiring in each action --------------------------------------------------------------


def test_report_missing_queues_an_evaluation_only_when_it_commits(world, recent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        reported = report_high_risk(world, recent)
    assert queued(EVALUATE) == []  # nothing before the commit (other apps, e.g. webhooks, add their own callbacks)
    for callback in callbacks:
        callback()
    assert len(queued("notifications.tasks.deliver")) == 1  # and the coordinator's e-mail that the child is missing
    [job] = queued(EVALUATE)
    assert job.status == TaskResultStatus.READY
    assert job.task_result.args == [world.child.pk]
    # What the worker does with it: run the queued task with its own arguments.
    assert evaluate_child.call(*job.task_result.args) == 1
    [alert] = Alert.objects.all()
    assert (alert.kind, alert.episode) == (AlertKind.HIGH_RISK, reported)


def test_a_refused_action_queues_nothing(world, recent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report_high_risk(world, recent)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Exception, match="already"):
        report_high_risk(world, recent)  # a second open episode is refused
    assert callbacks == []
    assert len(queued(EVALUATE)) == 1


def test_every_episode_action_queues_an_evaluation(world, recent, django_capture_on_commit_callbacks):
    police = world.users.police
    with django_capture_on_commit_callbacks(execute=True):
        reported = report_high_risk(world, recent)
    with django_capture_on_commit_callbacks(execute=True):
        changed = change_risk_grade(
            reported, grade=RiskGrade.MEDIUM, reason="Seen safe", expected_version=reported.version, acting_user=police
        )
    with django_capture_on_commit_callbacks(execute=True):
        edited = update_episode_details(
            changed, expected_version=changed.version, acting_user=police, last_seen_place="Bus station"
        )
    with django_capture_on_commit_callbacks(execute=True):
        record_return(
            edited,
            returned_at=recent,
            found_place="Home",
            found_by=FoundBy.POLICE,
            expected_version=edited.version,
            acting_user=police,
        )
    jobs = queued(EVALUATE)
    assert len(jobs) == 4
    assert {tuple(job.task_result.args) for job in jobs} == {(world.child.pk,)}


def test_recording_an_interview_queues_an_evaluation_that_raises_the_disclosure_alert(
    world, recent, django_capture_on_commit_callbacks
):
    returned_episode = episode(world, last_seen_at=recent - dt.timedelta(days=2), returned_after=dt.timedelta(hours=5))
    interview = ReturnInterview.objects.create(
        child=world.child,
        due_by=returned_episode.returned_at + dt.timedelta(hours=72),
        provider=world.provider,
        offered_at=recent - dt.timedelta(hours=5),
        offered_by="Sam",
        outcome=Outcome.ACCEPTED,
    )
    interview.episodes.add(returned_episode)
    with django_capture_on_commit_callbacks(execute=True):
        record_interview(
            interview,
            completed_at=recent - dt.timedelta(hours=1),
            episode_ids=[returned_episode.pk],
            consent_to_share=ConsentToShare.YES,
            expected_version=interview.version,
            acting_user=world.users.practitioner,
            disclosures=[Disclosure.COUNTY_LINES],
            disclosure_details="Synthetic: asked to carry packages",
        )
    [job] = queued(EVALUATE)
    evaluate_child.call(*job.task_result.args)
    [alert] = Alert.objects.filter(kind=AlertKind.EXPLOITATION_DISCLOSED)
    assert alert.interview == interview


def test_a_failure_to_queue_is_logged_not_raised(
    world, recent, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    """The change has committed by then: the page must not fail, and the sweep catches the child up."""

    def broken(*args, **kwargs):
        raise RuntimeError("queue unavailable")

    monkeypatch.setattr("risk.tasks.enqueue_evaluation", broken)
    with django_capture_on_commit_callbacks(execute=True):
        reported = report_high_risk(world, recent)
    assert reported.pk
    assert "queue unavailable" in caplog.text


@pytest.mark.django_db(transaction=True)  # the loop closes stale connections, as a long-lived process must
def test_run_scheduler_queues_a_sweep_every_interval(world, settings, monkeypatch):
    settings.HOMEWARD_TRIGGER_SWEEP_MINUTES = 15
    clock, sleeps = [1000.0], []

    def fake_sleep(seconds):
        sleeps.append(seconds)
        clock[0] += seconds + 2  # each sweep takes a couple of seconds to queue: no drift builds up
        if len(sleeps) == 3:
            raise KeyboardInterrupt

    monkeypatch.setattr("risk.management.commands.run_scheduler.time.sleep", fake_sleep)
    monkeypatch.setattr("risk.management.commands.run_scheduler.time.monotonic", lambda: clock[0])
    with pytest.raises(KeyboardInterrupt):
        call_command("run_scheduler", stdout=io.StringIO())
    assert len(queued(SWEEP)) == 3
    assert sleeps == [900, 898, 898]
