"""Issue an API token for a user and print it once, on its own line, so a script can capture it."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from access.models import Agency, AgencyKind, ApiScope, User
from access.tokens import issue_token


class Command(BaseCommand):
    help = (
        "Issue a bearer token for the Homeward API. The token is printed once on stdout and only its "
        "digest is stored; keep it somewhere safe."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="The user the token acts as")
        parser.add_argument(
            "--police-force",
            metavar="CODE",
            help="Issue a token that may only push this police force's notifications (scope "
            "police-notifications:write; the two-digit force code, which must be the user's force)",
        )
        parser.add_argument(
            "--revoke-existing", action="store_true", help="Revoke the user's earlier tokens before issuing this one"
        )

    def handle(self, *args, username: str, revoke_existing: bool, police_force: str | None = None, **options) -> None:
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"There is no user with the username {username!r}. No token was issued.") from None
        if not user.is_active:
            raise CommandError(f"The user {username!r} is inactive. No token was issued.")
        force = None
        if police_force:
            force = Agency.objects.filter(kind=AgencyKind.POLICE, code=police_force).first()
            if force is None or user.agency_id != force.pk:
                raise CommandError(
                    f"{username!r} does not belong to police force {police_force!r}. No token was issued."
                )
        scopes = [ApiScope.POLICE_NOTIFICATIONS_WRITE.value] if force is not None else None
        token = issue_token(user, revoke_existing=revoke_existing, scopes=scopes)
        self.stdout.write(token)
        self.stderr.write(f"Token issued for {username}. It is shown only this once: store it securely.")
