"""`manage.py bulk_add_users FILE.csv --out CREDENTIALS.csv`: add everyone in the CSV file, or nobody (each refusal
named by row and column); writes their first passwords and enrolment codes to --out (or prints them)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from access.models import Agency
from identity.bulk import BulkAddRefused, bulk_add_users, credentials_csv


class Command(BaseCommand):
    help = "Add users from a CSV file (all or nothing); see docs/administration.md for the columns"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--out", type=Path, help="write the new sign-in details here (CSV) instead of printing")

    def handle(self, *args, file: Path, out: Path | None, **options) -> None:
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"{file} cannot be read: {exc.strerror}") from exc
        try:
            added = bulk_add_users(data, acting_user=None, agencies=Agency.objects.all())
        except BulkAddRefused as refused:
            raise CommandError("Nobody was added:\n" + "\n".join(refused.problems)) from refused
        details = credentials_csv(added)
        if out is None:
            self.stdout.write(details, ending="")
        else:
            out.write_text(details, encoding="utf-8")
            out.chmod(0o600)
            self.stdout.write(f"Added {len(added)} users; their sign-in details are in {out} (readable by you only).")
