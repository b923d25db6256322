"""Write one council's partnership report to a file:

    manage.py generate_report --council 901 --kind monthly --period 2025-01 --out january.pdf
    manage.py generate_report --council 901 --kind annual --period 2025 --out 2024-25.pdf

--council is the council's code (its LA code); an annual report's period is the year it ends in (31 March).
The production is audited (the command line as the channel, no person as actor)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from access.models import Agency, AgencyKind
from reports.actions import produce_report
from reports.periods import ReportKind, is_complete, parse


class Command(BaseCommand):
    help = "Write a council's monthly or annual partnership report (PDF) to a file"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--council", required=True, help="The council's code (its LA code), such as 901")
        parser.add_argument("--kind", required=True, choices=ReportKind.values)
        parser.add_argument("--period", required=True, help="YYYY-MM (monthly) or YYYY, the year ending 31 March")
        parser.add_argument("--out", required=True, help="The file to write")

    def handle(self, *args, council: str, kind: str, period: str, out: str, **options) -> None:
        found = Agency.objects.filter(kind=AgencyKind.COUNCIL, code=council).first()
        if found is None:
            known = ", ".join(
                Agency.objects.filter(kind=AgencyKind.COUNCIL).order_by("code").values_list("code", flat=True)
            )
            raise CommandError(f"No council has the code {council!r}. Council codes: {known or 'none'}")
        try:
            chosen = parse(kind, period)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if not is_complete(chosen):
            raise CommandError(f"{chosen.label} has not ended yet: a report covers finished months only")
        path = Path(out)
        if not path.parent.is_dir():
            raise CommandError(f"The folder {path.parent} does not exist")
        pdf = produce_report(found, chosen, acting_user=None)
        path.write_bytes(pdf)
        title = chosen.title[0].lower() + chosen.title[1:]  # "annual report: the year to 31 March 2026"
        self.stdout.write(f"Wrote {found.name}'s {title} to {path} ({len(pdf):,} bytes)")
