"""`manage.py reset_two_factor <username>`: remove a user's authenticator (a lost or replaced phone), audited,
and issue them an enrolment code.

At their next sign-in they set up an authenticator app again, which asks for that code first.
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from access.audit import record_event
from access.models import AuditEvent, User
from accounts.management.commands.issue_enrolment_code import issue_and_describe
from accounts.models import AuthenticatorDevice


class Command(BaseCommand):
    help = "Remove a user's two-factor authenticator and issue an enrolment code to set one up again"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        with transaction.atomic():
            removed, _ = AuthenticatorDevice.objects.filter(user=user).delete()
            record_event(
                actor=None,
                action=AuditEvent.Action.TWO_FACTOR_RESET,
                obj=user,
                summary=f"Two-factor sign-in reset for {user.username} ({removed} authenticator removed)",
            )
            issued = issue_and_describe(user) if user.is_active else ""
        self.stdout.write(f"Removed {removed} authenticator(s) of {username}: they set one up at their next sign-in.")
        self.stdout.write(issued or f"{username} is deactivated, so no enrolment code was issued.")
