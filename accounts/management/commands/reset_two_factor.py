"""`manage.py reset_two_factor <username>`: remove a user's authenticator (a lost or replaced phone), audited.

At their next sign-in they set up an authenticator app again.
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from access.audit import record_event
from access.models import AuditEvent, User


class Command(BaseCommand):
    help = "Remove a user's two-factor authenticator so they set one up again at their next sign-in"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        with transaction.atomic():
            removed, _ = TOTPDevice.objects.filter(user=user).delete()
            record_event(
                actor=None,
                action=AuditEvent.Action.TWO_FACTOR_RESET,
                obj=user,
                summary=f"Two-factor sign-in reset for {user.username} ({removed} authenticator removed)",
            )
        self.stdout.write(f"Removed {removed} authenticator(s) of {username}: they set one up at their next sign-in.")
