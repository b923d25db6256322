"""`manage.py add_user USERNAME --first-name … --last-name … --agency council:211 --role coordinator`: add a local
account (password and authenticator app), audited; prints its first password and enrolment code once."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from access.models import Role
from identity.actions import create_user
from identity.management.commands._agency import agency_from, describe


class Command(BaseCommand):
    help = "Add a user with a first password and a two-factor enrolment code (printed once)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--first-name", required=True)
        parser.add_argument("--last-name", required=True)
        parser.add_argument("--agency", required=True, help="KIND:CODE, such as council:211")
        parser.add_argument("--role", action="append", required=True, choices=Role.values, help="repeat for more")
        parser.add_argument("--email", default="")
        parser.add_argument("--job-title", default="")

    def handle(self, *args, **options) -> None:
        try:
            account = create_user(
                acting_user=None,
                username=options["username"],
                first_name=options["first_name"],
                last_name=options["last_name"],
                agency=agency_from(options["agency"]),
                roles=options["role"],
                email=options["email"],
                job_title=options["job_title"],
            )
        except ValidationError as exc:
            raise CommandError(describe(exc)) from exc
        self.stdout.write(
            f"Added {account.user.username}. First password: {account.password}  Enrolment code: "
            f"{account.enrolment_code}\nGive both to them yourself (in person or by phone, not by email)."
        )
