"""`manage.py export_child_record <child id> --out FILE`: a subject access export of one child (audited).

JSON by default; HTML (to read or print) when FILE ends in .html or with --format html.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from children.models import Child
from governance import subject_access
from governance.actions import record_subject_access_export


class Command(BaseCommand):
    help = "Export everything held about one child (subject access), other children's names redacted"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("child_id", type=int, help="The child's Homeward record number")
        parser.add_argument("--out", required=True, type=Path, help="The file to write")
        parser.add_argument("--format", choices=["json", "html"], help="Default: from the file's extension, else json")

    def handle(self, *args, child_id: int, out: Path, format: str | None = None, **options) -> None:
        child = Child.objects.filter(pk=child_id).first()
        if child is None:
            raise CommandError(f"No child with record number {child_id}.")
        file_format = format or ("html" if out.suffix.lower() in (".html", ".htm") else "json")
        record = subject_access.build_record(child, requested_by="manage.py export_child_record")
        content = subject_access.to_json(record) if file_format == "json" else subject_access.to_html(record)
        try:
            out.write_text(content, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Could not write {out}: {exc}") from exc
        record_subject_access_export(child, acting_user=None, file_format=file_format)
        self.stdout.write(f"Wrote the subject access export of child {child.pk} ({file_format.upper()}) to {out}")
