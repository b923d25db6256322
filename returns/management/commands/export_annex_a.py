"""Write Ofsted ILACS Annex A list 8 (children in care, with the missing columns) for one council."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from access.audit import record_event
from access.models import AuditEvent
from returns.annex_a import build_list8, write_csv, write_xlsx
from returns.management.commands._common import acting_user, council_by_code, day, writable_file


class Command(BaseCommand):
    help = "Write Annex A list 8 (children in care on a day, with their missing episodes) as Excel or CSV."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--council", required=True, help="The council's three-digit LA code")
        parser.add_argument("--on", help="The day the list is for (yyyy-mm-dd or dd/mm/yyyy); today if not given")
        parser.add_argument("--out", required=True, help="The file to write, such as annex-a.xlsx")
        parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx", help="xlsx (default) or csv")
        parser.add_argument("--user", help="The username of the person running the export, for the audit trail")

    def handle(self, *args, **options) -> None:
        council = council_by_code(options["council"])
        on = day(options.get("on"), timezone.localdate())
        user = acting_user(options.get("user"), council)
        out = writable_file(options["out"])

        rows = build_list8(council, on)
        with transaction.atomic():
            (write_xlsx if options["format"] == "xlsx" else write_csv)(rows, out)
            record_event(
                actor=user,
                action=AuditEvent.Action.CREATE,
                obj=council,
                summary="Annex A export",
                changes={"list": [None, "8"], "on": [None, on.isoformat()], "rows": [None, len(rows)]},
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Annex A list 8 for {council.name} ({council.code}) on {on:%d/%m/%Y}: "
                f"{len(rows)} children in care, written to {out}"
            )
        )
