"""Stored reports on a schedule: which periods are due, idempotency, the job, and run_scheduler queuing it."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from access.models import AuditEvent
from reports.actions import reports_due, store_due_reports, store_report
from reports.models import StoredReport
from reports.periods import annual, due_periods, monthly
from reports.tasks import store_partnership_reports
from tests.reports.helpers import pdf_text
from tests.risk.conftest import run_worker  # noqa: F401 (a fixture)

REPORTS_TASK = "reports.tasks.store_partnership_reports"


@pytest.mark.parametrize(
    "today, day, month, year_ending",
    [
        (dt.date(2025, 2, 1), 1, dt.date(2025, 1, 1), 2024),
        (dt.date(2025, 4, 1), 1, dt.date(2025, 3, 1), 2025),  # the year to March is due with March's report
        (dt.date(2025, 3, 31), 1, dt.date(2025, 2, 1), 2024),
        (dt.date(2025, 4, 4), 5, dt.date(2025, 2, 1), 2024),  # before HOMEWARD_REPORTS_DAY: February stays latest
        (dt.date(2025, 4, 5), 5, dt.date(2025, 3, 1), 2025),
        (dt.date(2025, 1, 2), 1, dt.date(2024, 12, 1), 2024),
    ],
)
def test_the_due_periods(settings, today, day, month, year_ending):
    settings.HOMEWARD_REPORTS_DAY = day
    assert due_periods(today) == [monthly(month), annual(year_ending)]


@pytest.mark.django_db
def test_storing_is_idempotent_one_per_council_kind_and_period(report_data):
    world = report_data.world
    today = dt.date(2025, 4, 2)
    assert reports_due(today)
    created = store_due_reports(today)
    assert len(created) == 4  # two councils, March 2025 and the year to March 2025
    assert not reports_due(today)
    assert store_due_reports(today) == []
    _report, new = store_report(world.north, monthly(dt.date(2025, 3, 1)))
    assert not new and StoredReport.objects.count() == 4
    stored = StoredReport.objects.get(council=world.north, kind="annual", period_start=dt.date(2024, 4, 1))
    assert bytes(stored.pdf).startswith(b"%PDF-") and stored.size == len(bytes(stored.pdf))
    assert "Missing episodes 6 1 +5" in pdf_text(bytes(stored.pdf))
    assert "by Homeward's scheduled job" in pdf_text(bytes(stored.pdf))
    events = AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, object_type="storedreport")
    assert events.count() == 4 and all(event.actor is None for event in events)


@pytest.mark.django_db
def test_one_councils_failure_does_not_stop_the_others(report_data, monkeypatch):
    from reports import actions

    real = actions.build_content

    def failing(council, period, now):
        if council == report_data.world.south:
            raise RuntimeError("boom")
        return real(council, period, now)

    monkeypatch.setattr(actions, "build_content", failing)
    created = store_due_reports(dt.date(2025, 2, 3))
    assert {report.council for report in created} == {report_data.world.north}
    assert reports_due(dt.date(2025, 2, 3))


@pytest.mark.django_db
def test_the_task_can_be_called_directly(world):
    assert store_partnership_reports.call() == 4
    assert store_partnership_reports.call() == 0


@pytest.mark.django_db(transaction=True)
def test_the_scheduler_queues_the_job_once_and_the_worker_stores_the_reports(world, run_worker):  # noqa: F811
    out = io.StringIO()
    call_command("run_scheduler", once=True, stdout=out)
    assert "Queued the partnership reports job" in out.getvalue()
    assert DBTaskResult.objects.filter(task_path=REPORTS_TASK).count() == 1
    run_worker()
    job = DBTaskResult.objects.get(task_path=REPORTS_TASK)
    assert job.status == TaskResultStatus.SUCCESSFUL
    assert job.task_result.return_value == 4
    assert StoredReport.objects.count() == 4
    assert {(r.kind, r.period_start) for r in StoredReport.objects.all()} == {(p.kind, p.start) for p in due_periods()}
    # Every due report is stored: the next run queues the sweep, not the reports job.
    out = io.StringIO()
    call_command("run_scheduler", once=True, stdout=out)
    assert "partnership reports" not in out.getvalue()
    assert DBTaskResult.objects.filter(task_path=REPORTS_TASK).count() == 1
