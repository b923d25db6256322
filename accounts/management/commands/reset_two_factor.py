"""`manage.py reset_two_factor <username>`: remove a user's authenticator (a lost or replaced phone), audited,
and issue them an enrolment code.

At their next sign-in they set up an authenticator app again, which asks for that code first. The same action
(`accounts.two_factor.reset_two_factor`) is behind the administrator's page (identity app).
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from access.models import User
from accounts.two_factor import reset_two_factor


class Command(BaseCommand):
    help = "Remove a user's two-factor authenticator and issue an enrolment code to set one up again"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        try:
            removed, code, expires_at = reset_two_factor(user, actor=None)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"Removed {removed} authenticator(s) of {username}: they set one up at their next sign-in.")
        if not code:
            self.stdout.write(f"{username} is deactivated, so no enrolment code was issued.")
            return
        self.stdout.write(
            f"Enrolment code for {user.username}: {code}\n"
            f"Give it to them yourself (in person or by phone, not by email). It works once, until "
            f"{timezone.localtime(expires_at):%d/%m/%Y %H:%M}; any earlier code no longer works."
        )
