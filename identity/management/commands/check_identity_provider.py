"""`manage.py check_identity_provider`: ask the identity provider whether it still vouches for each person who
signs on through it; deactivate those it refuses and bring roles in line with groups (identity/checks.py). Run it
every 15 minutes from cron or a systemd timer."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from identity.checks import check_all


class Command(BaseCommand):
    help = "Check every single sign-on account with the identity provider (deactivates those it has disabled)"

    def handle(self, *args, **options) -> None:
        if not settings.HOMEWARD_OIDC_ENABLED:
            raise CommandError("Single sign-on is not set up (OIDC_RP_CLIENT_ID is not set).")
        result = check_all()
        self.stdout.write(result.describe())
        if result.failed:
            raise CommandError("Some accounts could not be checked: see above.")
