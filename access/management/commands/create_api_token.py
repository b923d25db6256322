"""Issue an API token for a user and print it once, on its own line, so a script can capture it."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from access.models import User
from access.tokens import issue_token


class Command(BaseCommand):
    help = (
        "Issue a bearer token for the Homeward API. The token is printed once on stdout and only its "
        "digest is stored; keep it somewhere safe."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="The user the token acts as")
        parser.add_argument(
            "--revoke-existing", action="store_true", help="Revoke the user's earlier tokens before issuing this one"
        )

    def handle(self, *args, username: str, revoke_existing: bool, **options) -> None:
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"There is no user with the username {username!r}. No token was issued.") from None
        if not user.is_active:
            raise CommandError(f"The user {username!r} is inactive. No token was issued.")
        token = issue_token(user, revoke_existing=revoke_existing)
        self.stdout.write(token)
        self.stderr.write(f"Token issued for {username}. It is shown only this once: store it securely.")
