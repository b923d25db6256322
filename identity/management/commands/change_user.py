"""`manage.py change_user USERNAME [--agency KIND:CODE] [--role R …] [--first-name …] [--deactivate | --reactivate]`:
change an account as an administrator would on its page (the same actions, audited)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from access.models import Role, User
from identity.actions import set_active, update_user
from identity.management.commands._agency import agency_from, describe


class Command(BaseCommand):
    help = "Change a user's details, agency or roles, or deactivate or reactivate them"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--first-name")
        parser.add_argument("--last-name")
        parser.add_argument("--email")
        parser.add_argument("--job-title")
        parser.add_argument("--agency", help="KIND:CODE, such as council:211")
        parser.add_argument("--role", action="append", choices=Role.values, help="the roles they hold (replaces all)")
        status = parser.add_mutually_exclusive_group()
        status.add_argument("--deactivate", action="store_true")
        status.add_argument("--reactivate", action="store_true")
        parser.add_argument("--reason", default="", help="why, for the audit trail (with --deactivate/--reactivate)")

    def handle(self, *args, **options) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user {options['username']!r}.")
        fields = ("first_name", "last_name", "email", "job_title")
        try:
            if any(options[name] is not None for name in (*fields, "agency", "role")):
                user = update_user(
                    user,
                    acting_user=None,
                    expected_version=user.version,
                    agency=agency_from(options["agency"]) if options["agency"] else user.agency,
                    roles=options["role"] or sorted(user.roles),
                    **{name: options[name] if options[name] is not None else getattr(user, name) for name in fields},
                )
                self.stdout.write(f"Changed {user.username}.")
            if options["deactivate"] or options["reactivate"]:
                active = bool(options["reactivate"])
                user = set_active(
                    user, acting_user=None, expected_version=user.version, active=active, reason=options["reason"]
                )
                self.stdout.write(f"{user.username} is {'active' if user.is_active else 'deactivated'}.")
        except ValidationError as exc:
            raise CommandError(describe(exc)) from exc
