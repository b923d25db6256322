"""`manage.py generate_synthetic --children N --seed S [--if-empty] [--now ISO]`: load synthetic data."""

from datetime import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from analytics.rollups import rebuild as rebuild_rollups
from children.models import Child
from risk.triggers import raise_recent_alerts
from synthetic.generator import GenerationReport, generate
from synthetic.network import raise_cross_border_alerts


def refuse_in_production(what: str) -> None:
    if settings.HOMEWARD_ENV == "production":
        raise CommandError(f"Refusing to {what}: HOMEWARD_ENV is production. Synthetic data never goes there.")


def parse_now(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--now {value!r} is not an ISO 8601 date and time, such as 2026-03-01T12:00:00Z") from exc
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def format_report(report: GenerationReport) -> list[str]:
    width = max(len(label) for label in report.rows)
    lines = [f"  {label:<{width}}  {count:>10,}" for label, count in report.rows.items()]
    lines.append(f"  {'total':<{width}}  {report.total_rows:>10,}")
    lines.append(
        f"{report.total_rows:,} rows in {report.seconds:.2f} s: {report.rows_per_second:,.0f} rows per second "
        f"(seed {report.seed}, now {report.now:%Y-%m-%d %H:%M} UTC, {report.open_episodes} episodes still open)"
    )
    return lines


class Command(BaseCommand):
    help = "Generate synthetic councils, children, missing episodes and return interviews (never real people)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--children", type=int, required=True, help="How many children to generate (1 or more)")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed: the same seed gives the same data")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when the database already holds any child"
        )
        parser.add_argument(
            "--now",
            help="Generate as if it were this moment (ISO 8601, e.g. 2026-03-01T12:00:00Z); default: the current time",
        )

    def handle(self, *args, **options) -> None:
        refuse_in_production("generate synthetic data")
        children = options["children"]
        if children < 1:
            raise CommandError(f"--children must be 1 or more (got {children}).")
        now = parse_now(options["now"])
        if options["if_empty"] and Child.objects.exists():
            self.stdout.write(
                f"The database already holds {Child.objects.count():,} children: "
                "no synthetic data generated (--if-empty)."
            )
            return

        def progress(done: int, wanted: int) -> None:
            if options["verbosity"] >= 2:
                self.stderr.write(f"  {done:,} of {wanted:,} children written")

        self.stdout.write(f"Generating {children:,} synthetic children (seed {options['seed']})…")
        report = generate(children, options["seed"], now=now, progress=progress)
        rebuild_rollups()  # the generator bulk-writes without the actions: recount the dashboard's roll-ups
        alerts = raise_recent_alerts()  # and raise the alerts the actions' jobs would have raised
        cross_border = raise_cross_border_alerts(now)  # and the planted cross-border groups' alerts
        self.stdout.write(self.style.SUCCESS("Synthetic data generated:"))
        for line in format_report(report):
            self.stdout.write(line)
        self.stdout.write(f"Risk alerts raised for recent episodes: {alerts}")
        self.stdout.write(f"Cross-border alerts raised for recent links: {cross_border}")
