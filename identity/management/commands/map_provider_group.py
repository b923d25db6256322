"""`manage.py map_provider_group GROUP --agency council:211 --role coordinator [--remove]`: members of the identity
provider's GROUP hold the role at the agency (or, with --remove, no longer do), audited."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from access.models import Role
from identity.actions import add_group_mapping, remove_group_mapping
from identity.management.commands._agency import agency_from, describe
from identity.models import GroupMapping


class Command(BaseCommand):
    help = "Map an identity provider group to a role at an agency (single sign-on)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("group")
        parser.add_argument("--agency", required=True, help="KIND:CODE, such as council:211")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--remove", action="store_true")

    def handle(self, *args, group: str, agency: str, role: str, remove: bool, **options) -> None:
        target = agency_from(agency)
        if remove:
            mapping = GroupMapping.objects.filter(group=group, agency=target, role=role).first()
            if mapping is None:
                raise CommandError(f"{group} does not give {role} at {target}.")
            remove_group_mapping(mapping, acting_user=None)
            self.stdout.write(f"{group} no longer gives {role} at {target}.")
            return
        try:
            add_group_mapping(acting_user=None, group=group, agency=target, role=role)
        except ValidationError as exc:
            raise CommandError(describe(exc)) from exc
        self.stdout.write(f"Members of {group} hold {role} at {target}.")
