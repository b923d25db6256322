"""`manage.py add_agency --kind school --name "…" --code 100001 [--local-authority 211] [--police-force 44]`:
add an agency (the code checked against its kind's official format), audited."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from access.models import AgencyKind
from identity.actions import add_agency
from identity.management.commands._agency import agency_from, describe


class Command(BaseCommand):
    help = "Add an agency (a council, police force, school, health body, return interview provider or other)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kind", required=True, choices=AgencyKind.values)
        parser.add_argument("--name", required=True)
        parser.add_argument("--code", required=True)
        parser.add_argument("--local-authority", help="the council's LA code, for an agency in a council's area")
        parser.add_argument("--police-force", help="for a council: the force code of its police force area")

    def handle(self, *args, **options) -> None:
        council = agency_from(f"council:{options['local_authority']}") if options["local_authority"] else None
        force = agency_from(f"police:{options['police_force']}") if options["police_force"] else None
        try:
            agency = add_agency(
                acting_user=None,
                kind=options["kind"],
                name=options["name"],
                code=options["code"],
                local_authority=council,
                police_force=force,
            )
        except ValidationError as exc:
            raise CommandError(describe(exc)) from exc
        self.stdout.write(f"Added {agency} ({agency.get_kind_display()} {agency.code}).")
