"""`manage.py generate_national [--children 700000 --years 10 --seed N]`: the national-scale synthetic set."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from synthetic.management.commands.generate_synthetic import format_report, parse_now, refuse_in_production
from synthetic.national import NATIONAL_COUNCILS, NATIONAL_FORCES, NATIONAL_YEARS, generate_national


class Command(BaseCommand):
    help = (
        "Generate a national-scale synthetic data set (invented councils and forces of England and Wales, "
        "years of missing episodes), COPY it into PostgreSQL with its facts and roll-ups. Never real people."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--children", type=int, default=700_000, help="Children to generate (default 700,000)")
        parser.add_argument("--years", type=int, default=NATIONAL_YEARS, help="Years of history (default 10)")
        parser.add_argument("--councils", type=int, default=NATIONAL_COUNCILS)
        parser.add_argument("--forces", type=int, default=NATIONAL_FORCES)
        parser.add_argument("--seed", type=int, default=2026, help="Random seed: the same seed gives the same data")
        parser.add_argument("--now", help="Generate as if it were this moment (ISO 8601); default: now")

    def handle(self, *args, **options) -> None:
        refuse_in_production("generate synthetic data")
        if options["children"] < 1 or options["years"] < 2:
            raise CommandError("--children must be 1 or more and --years 2 or more.")
        if not 1 <= options["forces"] <= options["councils"] <= 999:
            raise CommandError("--forces must be between 1 and --councils, and --councils at most 999.")

        def progress(done: int, wanted: int) -> None:
            self.stderr.write(f"  {done:,} of {wanted:,} children written")

        self.stdout.write(
            f"Generating {options['children']:,} children over {options['years']} years for "
            f"{options['councils']} councils and {options['forces']} forces on {connection.vendor}…"
        )
        report = generate_national(
            options["children"],
            options["seed"],
            years=options["years"],
            councils=options["councils"],
            forces=options["forces"],
            now=parse_now(options["now"]),
            progress=progress if options["verbosity"] >= 1 else None,
        )
        for line in format_report(report):
            self.stdout.write(line)
        phases = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in report.phases.items())
        self.stdout.write(f"Phases: {phases}. The facts and roll-ups are current.")
        self.stdout.write(self.style.SUCCESS("National synthetic data generated."))
