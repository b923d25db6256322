"""A worker killed mid-job: the real `db_worker` (a separate process, on its own database) is killed with SIGKILL
while GOV.UK Notify (the local fake) holds its message; after the lease runs out, `run_scheduler --once` and a
new worker pick the delivery up again, find the message by its reference and record it: one message, nothing
lost. The database is a scratch SQLite file the processes share (the test database lives in pytest's process)."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.notifications.fake_notify import API_KEY, EMAIL_TEMPLATE, TEXT_TEMPLATE

ROOT = Path(__file__).resolve().parents[2]
SETUP = """
from access.models import Agency, AgencyKind, Role, RoleAssignment, User
from notifications.actions import notify
council = Agency.objects.create(kind=AgencyKind.COUNCIL, name="Killtest Council", code="999")
user = User.objects.create_user("coord.kill", email="coord.kill@example.test", agency=council)
RoleAssignment.objects.create(user=user, role=Role.COORDINATOR)
notify("child_missing", [user], about="episode:1", link="/episodes/1/")
"""


def manage(env: dict, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, **kwargs
    )


def test_a_worker_killed_mid_send_runs_again_without_doubling(fake_notify, tmp_path):
    database = tmp_path / "killtest.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "HOMEWARD_NOTIFICATIONS_BACKEND": "notify",
        "HOMEWARD_NOTIFY_API_KEY": API_KEY,
        "HOMEWARD_NOTIFY_BASE_URL": fake_notify.url,
        "HOMEWARD_NOTIFY_EMAIL_TEMPLATE_ID": EMAIL_TEMPLATE,
        "HOMEWARD_NOTIFY_TEXT_TEMPLATE_ID": TEXT_TEMPLATE,
        "HOMEWARD_NOTIFY_LEASE_SECONDS": "1",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    assert manage(env, "migrate", "-v0").returncode == 0
    created = manage(env, "shell", "-c", SETUP)
    assert created.returncode == 0, created.stderr
    fake_notify.hold.clear()  # Notify takes the message and does not answer
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert fake_notify.received.wait(60), "the worker never sent the message"
        worker.send_signal(signal.SIGKILL)  # killed mid-job: the message went, the worker never recorded it
        worker.wait(30)
    finally:
        if worker.poll() is None:
            worker.kill()
    fake_notify.hold.set()
    with sqlite3.connect(database) as db:
        assert db.execute("select status, attempts from notifications_delivery").fetchall() == [("sending", 1)]
    time.sleep(1.5)  # the dead worker's lease runs out
    scheduled = manage(env, "run_scheduler", "--once")
    assert scheduled.returncode == 0, scheduled.stderr
    again = manage(env, "db_worker", "--batch", "--no-startup-delay", "--no-reload")
    assert again.returncode == 0, again.stderr
    with sqlite3.connect(database) as db:
        [(status, attempts, provider_id)] = db.execute(
            "select status, attempts, provider_id from notifications_delivery"
        ).fetchall()
    assert (status, attempts) == ("sent", 2)
    assert len(fake_notify.sent) == 1 and provider_id == fake_notify.sent[0]["id"]


pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
