"""`manage.py rebuild_rollups`: recount the dashboard's roll-ups from the case records.

Needed after anything that writes episodes or interviews without the actions (the synthetic generator, a bulk
import), or to repair the roll-ups when `check_rollups` finds a difference. Safe while people work: refreshes
from actions wait for it (PostgreSQL) and it sees everything they committed before it started.
"""

import time

from django.core.management.base import BaseCommand, CommandParser

from analytics.rollups import rebuild


class Command(BaseCommand):
    help = "Empty the dashboard's roll-ups and recount them from every episode and return interview."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="Print nothing but errors")

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()

        def progress(done: int, total: int) -> None:
            if options["verbosity"] >= 2:
                self.stderr.write(f"  {done:,} of {total:,} children")

        report = rebuild(progress=progress)
        if options["quiet"]:
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Roll-ups rebuilt from {report.children:,} children, {report.episodes:,} episodes and "
                f"{report.interviews:,} return interviews in {time.perf_counter() - started:.2f} s."
            )
        )
        for table, rows in report.rows.items():
            self.stdout.write(f"  {table}: {rows:,} rows")
