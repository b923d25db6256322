"""Producing partnership reports: on demand (a person downloads one), and stored by the scheduled job.

Every production is audited. A report holds aggregate figures only, so its audit event names the council and
the period, never a child. Storing is idempotent: one report per council, kind and period (a database
constraint), so the job can run any number of times, or twice at once, without making a second.
"""

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from access.audit import record_event
from access.models import Agency, AgencyKind, AuditEvent, User
from reports.content import build_content
from reports.models import StoredReport
from reports.pdf import build_pdf
from reports.periods import Period, due_periods, is_complete

logger = logging.getLogger(__name__)
COMMAND = "manage.py generate_report"
SCHEDULED = "Homeward's scheduled job"


def _check_period(period: Period) -> None:
    if not is_complete(period):
        raise ValidationError({"period": "That period has not ended yet: choose one that has"})


def produce_report(council: Agency, period: Period, *, acting_user: User | None) -> bytes:
    """The report as PDF bytes, built from the figures as they stand now, for a person to download (the caller
    has checked they may see the council's reports: reports.scoping.report_councils) or, with no acting user,
    for `manage.py generate_report`."""
    _check_period(period)
    content = build_content(council, period, timezone.now())
    pdf = build_pdf(content, produced_by=str(acting_user) if acting_user else COMMAND)
    with transaction.atomic():
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.VIEW,
            object_type="partnership-report",
            summary=f"Partnership report produced: {council.name}, {period.title}",
        )
    return pdf


def store_report(council: Agency, period: Period) -> tuple[StoredReport, bool]:
    """Store the council's report for the period unless it is stored already; return it and whether it is new."""
    _check_period(period)
    lookup = {"council": council, "kind": period.kind, "period_start": period.start}
    existing = StoredReport.objects.filter(**lookup).first()
    if existing is not None:
        return existing, False
    content = build_content(council, period, timezone.now())
    pdf = build_pdf(content, produced_by=SCHEDULED)
    try:
        with transaction.atomic():
            report = StoredReport.objects.create(
                **lookup,
                generated_at=content.generated_at,
                suppression=content.suppression,
                pdf=pdf,
                size=len(pdf),
            )
            record_event(
                actor=None,
                action=AuditEvent.Action.CREATE,
                obj=report,
                summary=f"Partnership report stored: {council.name}, {period.title}",
            )
    except IntegrityError:  # another run stored it meanwhile
        return StoredReport.objects.get(**lookup), False
    return report, True


def store_due_reports(today: dt.date | None = None) -> list[StoredReport]:
    """Store every council's reports for the periods due (last month, the last reporting year) that are not
    stored yet; return the new ones. One council's failure does not stop the others'."""
    created = []
    for council in Agency.objects.filter(kind=AgencyKind.COUNCIL).order_by("name"):
        for period in due_periods(today):
            try:
                report, new = store_report(council, period)
            except Exception:
                logger.exception("Could not store the %s report for council %s", period.code, council.pk)
                continue
            if new:
                created.append(report)
    return created


def reports_due(today: dt.date | None = None) -> bool:
    """Whether some council lacks a report for a due period (the scheduler then queues the job)."""
    councils = Agency.objects.filter(kind=AgencyKind.COUNCIL).count()
    for period in due_periods(today):
        stored = StoredReport.objects.filter(kind=period.kind, period_start=period.start).count()
        if stored < councils:
            return True
    return False


def record_stored_report_downloaded(report: StoredReport, *, viewer: User) -> None:
    with transaction.atomic():
        record_event(
            actor=viewer,
            action=AuditEvent.Action.VIEW,
            obj=report,
            summary=f"Partnership report downloaded: {report}",
        )
