"""`manage.py apply_retention [--dry-run]`: anonymise children past their retention date now, or say who would be."""

from django.core.management.base import BaseCommand, CommandParser

from governance.retention import RULE_LABELS, run_retention


class Command(BaseCommand):
    help = "Apply the retention rules now (the scheduler queues this daily); --dry-run prints what it would do"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Print what would be done; change nothing")

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        report = run_retention(dry_run=dry_run, triggered_by="command")
        rules = ", ".join(f"{RULE_LABELS[rule]} {years} years" for rule, years in report.rules.items())
        verb = "Would anonymise" if dry_run else "Anonymised"
        self.stdout.write(f"Retention rules (years from date of birth): {rules}")
        for item in report.anonymised:
            counts = ", ".join(f"{what} {n}" for what, n in report.per_child.get(item.child.pk, {}).items())
            self.stdout.write(
                f"{verb} child {item.child.pk} ({item.rule_label}, retention date {item.retention_date:%d/%m/%Y}): "
                f"{counts}"
            )
        for item in report.skipped:
            self.stdout.write(
                f"Skipped child {item.child.pk} (retention date {item.retention_date:%d/%m/%Y}): a missing episode is "
                "still open"
            )
        summary = report.summary()
        deleted = "to delete" if dry_run else "deleted"
        self.stdout.write(
            f"{verb} {summary['children_anonymised']} children; skipped {summary['children_skipped']}; "
            f"API tokens of deactivated users {deleted}: {summary['api_tokens_deleted']}; "
            f"two-factor devices of deactivated users {deleted}: {summary['devices_deleted']}"
            + ("" if dry_run else f"; files deleted: {summary['files_deleted']}")
        )
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
