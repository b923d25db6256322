"""Retention rules: which children's records have passed their date, and running the anonymisation.

A child's record is kept for a number of years from their date of birth that depends on their legal status
(settings, docs/security.md gives the defaults and their legal basis):

* looked after, care leaver, or any child with an episode of care: HOMEWARD_RETENTION_YEARS_LOOKED_AFTER (75);
* child protection plan: HOMEWARD_RETENTION_YEARS_CHILD_PROTECTION (25);
* child in need: HOMEWARD_RETENTION_YEARS_CHILD_IN_NEED (25);
* anyone else: HOMEWARD_RETENTION_YEARS_OTHER (25).

On the anniversary itself (or later) the record is anonymised by `governance.actions.anonymise_child`; a
29 February birthday counts from 1 March in other years. A child with a missing episode still open is left
for now and counted as skipped. Each child is anonymised once (`AnonymisedChild`), so the daily job is
idempotent. `run_retention(dry_run=True)` only reports what it would do, and writes nothing.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from access.audit import record_event
from access.models import ApiToken, AuditEvent
from accounts.models import AuthenticatorDevice
from children.codes import LegalStatus
from children.models import Child
from episodes.models import MissingEpisode
from governance.actions import anonymise_child, records_to_clear
from governance.models import AnonymisedChild, RetentionRun
from returns.models import CareEpisode

LOOKED_AFTER = "looked_after"
RULE_LABELS = {
    LOOKED_AFTER: "looked after or care leaver",
    LegalStatus.CHILD_PROTECTION: "child protection plan",
    LegalStatus.CHILD_IN_NEED: "child in need",
    "other": "other children",
}


def rules() -> dict[str, int]:
    """Years from date of birth, by rule, as configured now."""
    return {
        LOOKED_AFTER: settings.HOMEWARD_RETENTION_YEARS_LOOKED_AFTER,
        LegalStatus.CHILD_PROTECTION.value: settings.HOMEWARD_RETENTION_YEARS_CHILD_PROTECTION,
        LegalStatus.CHILD_IN_NEED.value: settings.HOMEWARD_RETENTION_YEARS_CHILD_IN_NEED,
        "other": settings.HOMEWARD_RETENTION_YEARS_OTHER,
    }


def rule_for(child: Child, *, in_care: bool) -> str:
    if in_care or child.legal_status in (LegalStatus.LOOKED_AFTER, LegalStatus.CARE_LEAVER):
        return LOOKED_AFTER
    if child.legal_status in (LegalStatus.CHILD_PROTECTION, LegalStatus.CHILD_IN_NEED):
        return str(child.legal_status)
    return "other"


def years_after(day: dt.date, years: int) -> dt.date:
    """The anniversary `years` after `day` (a 29 February counts from 1 March in other years)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)


@dataclass(frozen=True)
class DueChild:
    child: Child
    rule: str
    years: int
    retention_date: dt.date
    open_episode: bool

    @property
    def rule_label(self) -> str:
        return RULE_LABELS[self.rule]


def due_children(today: dt.date) -> list[DueChild]:
    """Children on or past their retention date and not yet anonymised (with those to skip marked)."""
    configured = rules()
    youngest_due = years_after(today, -min(configured.values()))  # nobody younger can be due
    candidates = (
        Child.objects.filter(date_of_birth__lte=youngest_due)
        .exclude(pk__in=AnonymisedChild.objects.values("child_id"))
        .annotate(
            in_care=Exists(CareEpisode.objects.filter(child=OuterRef("pk"))),
            open_episode=Exists(MissingEpisode.objects.open().filter(child=OuterRef("pk"))),
        )
        .order_by("date_of_birth", "pk")
    )
    due = []
    for child in candidates:
        rule = rule_for(child, in_care=child.in_care)
        date = years_after(child.date_of_birth, configured[rule])
        if date <= today:
            due.append(DueChild(child, rule, configured[rule], date, child.open_episode))
    return due


@dataclass
class RetentionReport:
    dry_run: bool
    today: dt.date
    rules: dict[str, int]
    anonymised: list[DueChild] = field(default_factory=list)
    skipped: list[DueChild] = field(default_factory=list)
    records: dict[str, int] = field(default_factory=dict)
    per_child: dict[int, dict[str, int]] = field(default_factory=dict)
    api_tokens_deleted: int = 0
    devices_deleted: int = 0
    files_deleted: int = 0
    run: RetentionRun | None = None

    def summary(self) -> dict:
        """JSON-ready, for the job's result and the command's output."""
        return {
            "dry_run": self.dry_run,
            "today": self.today.isoformat(),
            "rules": self.rules,
            "children_anonymised": len(self.anonymised),
            "children_skipped": len(self.skipped),
            "records": self.records,
            "api_tokens_deleted": self.api_tokens_deleted,
            "devices_deleted": self.devices_deleted,
            "files_deleted": self.files_deleted,
            "run_id": self.run.pk if self.run else None,
        }


def _add(total: dict[str, int], counts: dict[str, int]) -> None:
    for key, value in counts.items():
        total[key] = total.get(key, 0) + value


def _inactive_users_tokens():
    return ApiToken.objects.filter(user__is_active=False)


def _inactive_users_devices():
    return AuthenticatorDevice.objects.filter(user__is_active=False)


def run_retention(*, dry_run: bool, today: dt.date | None = None, triggered_by: str = "command") -> RetentionReport:
    """Apply the retention rules now (or, with dry_run, say what would be done and write nothing)."""
    today = today or timezone.localdate()
    report = RetentionReport(dry_run=dry_run, today=today, rules=rules())
    due = due_children(today)
    report.skipped = [item for item in due if item.open_episode]
    to_do = [item for item in due if not item.open_episode]
    if dry_run:
        for item in to_do:
            counts = records_to_clear(item.child)
            report.per_child[item.child.pk] = counts
            _add(report.records, counts)
        report.anonymised = to_do
        report.api_tokens_deleted = _inactive_users_tokens().count()
        report.devices_deleted = _inactive_users_devices().count()
        return report
    run = RetentionRun.objects.create(started_at=timezone.now(), triggered_by=triggered_by, rules=report.rules)
    for item in to_do:
        result = anonymise_child(
            item.child,
            rule=item.rule,
            rule_label=item.rule_label,
            years=item.years,
            retention_date=item.retention_date,
            run=run,
        )
        report.per_child[item.child.pk] = result.records
        _add(report.records, result.records)
        report.files_deleted += result.files_deleted
        report.anonymised.append(item)
    with transaction.atomic():
        report.api_tokens_deleted, _ = _inactive_users_tokens().delete()
        report.devices_deleted, _ = _inactive_users_devices().delete()
        run.finished_at = timezone.now()
        run.children_anonymised = len(report.anonymised)
        run.children_skipped = len(report.skipped)
        run.records = report.records
        run.api_tokens_deleted = report.api_tokens_deleted
        run.devices_deleted = report.devices_deleted
        run.files_deleted = report.files_deleted
        run.save()
        record_event(
            actor=None,
            action=AuditEvent.Action.RETENTION,
            obj=run,
            summary=(
                f"Retention run: {run.children_anonymised} children anonymised, {run.children_skipped} skipped "
                f"(episode open); {run.api_tokens_deleted} API tokens and {run.devices_deleted} two-factor devices "
                "of deactivated users deleted"
            ),
            changes={"records": [None, report.records]},
        )
    report.run = run
    return report


def retention_due_today(today: dt.date | None = None) -> bool:
    """Whether no retention run has started yet today (the scheduler queues the job once a day)."""
    today = today or timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    return not RetentionRun.objects.filter(started_at__gte=start).exists()
