"""Write a council's SSDA903 return (Header.csv, Episodes.csv, Missing.csv) after Homeward's checks."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from access.audit import record_event
from access.models import AuditEvent
from returns.management.commands._common import acting_user, collection_year, council_by_code, writable_dir
from returns.ssda903 import build_return, collector_paused, write_csv
from returns.validation import validate_return


class Command(BaseCommand):
    help = (
        "Write the SSDA903 Header, Episodes and Missing tables for one council and collection year, "
        "after checking the DfE rules that touch missing periods. Refuses to write while any check fails, "
        "unless --allow-failures is given."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", required=True, help="The year the collection starts: 2025 for 2025/26")
        parser.add_argument("--council", required=True, help="The council's three-digit LA code")
        parser.add_argument("--out", required=True, help="The directory to write the three CSV files to")
        parser.add_argument(
            "--allow-failures", action="store_true", help="Write the files even when checks fail (and list them)"
        )
        parser.add_argument("--user", help="The username of the person running the export, for the audit trail")

    def handle(self, *args, **options) -> None:
        year = collection_year(options["year"])
        council = council_by_code(options["council"])
        user = acting_user(options.get("user"), council)
        out = writable_dir(options["out"])

        with collector_paused():  # a one-off process: the collector's scans of the growing heap are pure cost
            ssda = build_return(council, year)
        failures = validate_return(ssda)
        if failures:
            self.stdout.write(f"{len(failures)} check(s) failed for {council.name} {ssda.year.label}:")
            for failure in failures:
                self.stdout.write(f"  {failure}")
            if not options["allow_failures"]:
                raise CommandError(
                    f"{len(failures)} check(s) failed: nothing was written. Correct the records, "
                    "or give --allow-failures to write the files anyway."
                )
        with transaction.atomic():
            paths = write_csv(ssda.tables(), out)
            record_event(
                actor=user,
                action=AuditEvent.Action.CREATE,
                obj=council,
                summary="SSDA903 export",
                changes={
                    "year": [None, ssda.year.label],
                    "rows": [None, {name: len(rows) for name, rows in ssda.tables().items()}],
                    "failures": [None, len(failures)],
                },
            )
        counts = ", ".join(
            f"{path.name} ({len(rows)} rows)" for path, rows in zip(paths, ssda.tables().values(), strict=True)
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"SSDA903 {ssda.year.label} for {council.name} ({council.code}): wrote {counts} to {out}"
            )
        )
