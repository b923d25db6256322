"""`manage.py issue_enrolment_code <username>`: a one-time, time-limited code the person needs to set up their
authenticator app at sign-in (so a password alone cannot). Prints the code once; only its hash is kept; audited."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from access.models import User
from accounts.two_factor import issue_enrolment_code


def issue_and_describe(user: User) -> str:
    """Issue the code and say it, for an administrator to pass on to the person (in person or by phone)."""
    try:
        code, expires_at = issue_enrolment_code(user)
    except ValidationError as exc:
        raise CommandError(" ".join(exc.messages)) from exc
    return (
        f"Enrolment code for {user.username}: {code}\n"
        f"Give it to them yourself (in person or by phone, not by email). It works once, until "
        f"{timezone.localtime(expires_at):%d/%m/%Y %H:%M}; any earlier code no longer works."
    )


class Command(BaseCommand):
    help = "Issue a user the one-time enrolment code that setting up two-factor sign-in asks for"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        self.stdout.write(issue_and_describe(user))
