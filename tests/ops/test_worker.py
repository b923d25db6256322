"""The job worker keeps going (issue 13): tasks a dead worker left RUNNING run again, once; an outage does not
stop it. The outage test really cuts the worker's database connection (pg_terminate_backend) on PostgreSQL."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core.models import WorkerHeartbeat
from core.worker import beat, requeue_stuck_tasks, stuck_tasks
from risk.models import Alert
from risk.tasks import evaluate_child, sweep_open_episodes
from tests.risk.conftest import episode

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def run_worker():
    """`manage.py run_worker --batch`, then the signal handlers the worker installs put back."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield lambda: call_command("run_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def _claimed(task_id, worker_id: str, minutes_ago: int) -> DBTaskResult:
    """Mark a queued task as claimed by `worker_id` some minutes ago, as the worker's claim does."""
    row = DBTaskResult.objects.get(pk=task_id)
    row.status = TaskResultStatus.RUNNING
    row.started_at = timezone.now() - dt.timedelta(minutes=minutes_ago)
    row.worker_ids = [*row.worker_ids, worker_id]
    row.save()
    return row


@pytest.mark.django_db(transaction=True)  # the worker drops connections it finds inside a transaction
def test_a_task_left_running_by_a_dead_worker_runs_again_once(world, run_worker):
    episode(world, child=world.child, force=world.police_north, last_seen_at=timezone.now() - dt.timedelta(hours=30))
    task = evaluate_child.enqueue(world.child.pk)
    _claimed(task.id, "killed-worker", minutes_ago=5)
    assert [row.pk for row in stuck_tasks()] == [DBTaskResult.objects.get(pk=task.id).pk]

    assert requeue_stuck_tasks() == 1
    assert requeue_stuck_tasks() == 0  # once, however many workers sweep
    assert DBTaskResult.objects.get(pk=task.id).status == TaskResultStatus.READY
    run_worker()
    row = DBTaskResult.objects.get(pk=task.id)
    assert row.status == TaskResultStatus.SUCCESSFUL
    alerts = Alert.objects.filter(child=world.child).count()
    assert alerts >= 1

    # The dead worker had got as far as raising the alerts before it died: running again doubles nothing.
    evaluate_child.enqueue(world.child.pk)
    run_worker()
    assert Alert.objects.filter(child=world.child).count() == alerts


def test_a_task_of_a_live_worker_is_left_alone(db):
    task = sweep_open_episodes.enqueue()
    _claimed(task.id, "busy-worker", minutes_ago=5)
    beat("busy-worker")  # still beating: the task is long, not orphaned
    assert stuck_tasks() == []
    WorkerHeartbeat.objects.filter(worker_id="busy-worker").update(
        beat_at=timezone.now() - dt.timedelta(seconds=settings.HOMEWARD_WORKER_DEAD_SECONDS + 1)
    )
    assert len(stuck_tasks()) == 1


def test_a_task_that_keeps_killing_its_worker_is_failed_not_looped(db, settings):
    settings.HOMEWARD_TASK_MAX_ATTEMPTS = 2
    task = sweep_open_episodes.enqueue()
    _claimed(task.id, "first", minutes_ago=9)
    assert requeue_stuck_tasks() == 1
    _claimed(task.id, "second", minutes_ago=5)
    assert requeue_stuck_tasks() == 1
    row = DBTaskResult.objects.get(pk=task.id)
    assert row.status == TaskResultStatus.FAILED
    assert "Started 2 times" in row.traceback


@pytest.mark.django_db(transaction=True)
def test_the_worker_records_a_heartbeat(run_worker):
    run_worker()
    beat_row = WorkerHeartbeat.objects.get()
    assert timezone.now() - beat_row.beat_at < dt.timedelta(seconds=30)
    assert beat_row.pid == os.getpid()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="cuts a real PostgreSQL connection")
@pytest.mark.django_db(transaction=True)
def test_the_worker_survives_losing_its_database_connection(world):
    """The worker process runs against the test database; its connection is terminated by the server, as
    a PostgreSQL restart does. It must reconnect by itself and run the next task."""
    env = os.environ | {
        "DATABASE_URL": _url_of_test_database(),
        "HOMEWARD_WORKER_HEARTBEAT_SECONDS": "1",
        "DATABASE_CONN_MAX_AGE": "600",  # persistent connections, as in production: there is one to cut
        "PYTHONUNBUFFERED": "1",
    }
    worker = subprocess.Popen(  # our own manage.py
        [sys.executable, "manage.py", "run_worker", "--interval", "0.2", "--no-startup-delay", "--no-reload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        first = sweep_open_episodes.enqueue()
        _wait_for(lambda: DBTaskResult.objects.get(pk=first.id).status == TaskResultStatus.SUCCESSFUL)
        time.sleep(1.5)  # the heartbeat thread has its connection too
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()"
            )
            assert cursor.fetchall(), "the worker had no connection to cut"
        time.sleep(1.5)
        second = sweep_open_episodes.enqueue()
        _wait_for(lambda: DBTaskResult.objects.get(pk=second.id).status == TaskResultStatus.SUCCESSFUL)
        assert worker.poll() is None, "the worker exited"
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.communicate(timeout=20)


def _url_of_test_database() -> str:
    params = connection.settings_dict
    return f"postgres://{params['USER']}@{params['HOST']}:{params['PORT'] or 5432}/{params['NAME']}"


def _wait_for(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("timed out waiting for the worker")
