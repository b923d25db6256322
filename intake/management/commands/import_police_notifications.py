"""`manage.py import_police_notifications FILE --user USERNAME [--dry-run] [--import-valid-rows]`."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from access.models import User
from intake.actions import check_rows, import_notifications
from intake.models import Source
from intake.parsing import FileError, reader_for
from intake.scoping import import_force

SHOWN_ERRORS = 50


class Command(BaseCommand):
    help = (
        "Import a file of police notifications (CSV or JSON Lines, docs/integration.md) as USER, for their force. "
        "Every row is checked first; with any error nothing is written unless --import-valid-rows."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--user", required=True, help="The police or MASH user the import acts as")
        parser.add_argument("--dry-run", action="store_true", help="Check every row and write nothing")
        parser.add_argument(
            "--import-valid-rows", action="store_true", help="Import the valid rows; quarantine those with errors"
        )

    def _bar(self, label: str, total: int | None):
        def report(done: int) -> None:
            if total:
                width = 30
                filled = width * done // total
                self.stderr.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending="")
            else:
                self.stderr.write(f"\r{label} {done} rows", ending="")
            self.stderr.flush()

        return report

    def handle(self, *args, file: str, user: str, dry_run: bool, import_valid_rows: bool, **options) -> None:
        acting = User.objects.filter(username=user, is_active=True).first()
        if acting is None:
            raise CommandError(f"There is no active user {user!r}")
        force = import_force(acting)
        if force is None:
            raise CommandError(f"{user!r} imports for no police force (police or MASH users only)")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"There is no file {file!r}")

        def rows():
            with path.open("rb") as stream:
                yield from reader_for(path.name, stream)

        try:
            checked = check_rows(rows(), force=force, progress=self._bar("Checking", None))
            self.stderr.write("")
            result = import_notifications(
                rows,
                acting_user=acting,
                force=force,
                source=Source.COMMAND,
                import_valid_rows=import_valid_rows,
                dry_run=dry_run,
                checked=checked,
                progress=self._bar("Importing", checked.rows),
            )
        except FileError as exc:
            raise CommandError(str(exc)) from None
        self.stderr.write("")
        for line in result.error_lines()[:SHOWN_ERRORS]:
            self.stdout.write(line)
        if result.error_rows > 0 and len(result.errors) > SHOWN_ERRORS:
            self.stdout.write(f"... and more: {result.error_rows} rows have errors")
        self.stdout.write(f"{result.rows} rows checked, {result.error_rows} with errors")
        if not result.written:
            self.stdout.write("Nothing was written" + (" (dry run)." if dry_run else "."))
            if result.error_rows and not dry_run:
                sys.exit(1)
            return
        for name, count in sorted(result.counts.items()):
            self.stdout.write(f"{name}: {count}")
