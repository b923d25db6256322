"""`manage.py create_demo_users`: one demo user per role at the first synthetic council (idempotent)."""

from django.core.management.base import BaseCommand, CommandError

from access.models import Role
from synthetic.demo import DEMO_PASSWORD, DemoSetupError, create_demo_users
from synthetic.management.commands.generate_synthetic import refuse_in_production


class Command(BaseCommand):
    help = "Create one demo user per role at the first synthetic council; re-running keeps what is there."

    def handle(self, *args, **options) -> None:
        refuse_in_production("create demo users")
        try:
            result = create_demo_users()
        except DemoSetupError as exc:
            raise CommandError(str(exc)) from exc
        header = ("Role", "Username", "Password", "Authenticator key", "Agency", "Status")
        table = [
            (
                user.role_label,
                user.username,
                DEMO_PASSWORD,
                user.totp_secret or "(their own)",
                user.agency,
                "new" if user.created else "already there",
            )
            for user in result.users
        ]
        widths = [max(len(row[i]) for row in [header, *table]) for i in range(len(header))]
        for row in [header, tuple("-" * w for w in widths), *table]:
            self.stdout.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
        if any(not user.created for user in result.users):
            self.stdout.write("Users already there keep their password (the demo password unless someone changed it).")
        self.stdout.write(
            "Two-factor sign-in: after the password, enter the code from an authenticator app set up with the key "
            "above, or run `manage.py demo_totp <username>` to print the current code (no phone needed)."
        )
        username = {user.role: user.username for user in result.users}
        self.stdout.write(
            f"Return interviews assigned to {username[Role.RHI_PRACTITIONER]}: {result.interviews_assigned}; "
            f"children allocated to {username[Role.SOCIAL_WORKER]}: {result.children_allocated} "
            "(none when they already had some)."
        )
        shown = result.showcase
        self.stdout.write(
            f"Showcase records made through the actions: {shown.profiles} Philomena profiles, {shown.screenings} "
            f"screenings, {shown.referrals} referrals, {shown.shares} shares (none when already there)."
        )
        council = result.users[0].agency
        self.stdout.write(
            f"Public pages: {result.public.pages} published for {council} at /help/, and {result.public.concerns} "
            "concerns from the public in its MASH queue (none when already there)."
        )
        self.stdout.write(
            f"Single sign-on: {result.group_mappings} identity provider group mappings added for the demo council "
            "(none when already there), and demo.sso.social_worker, an account made by single sign-on; "
            f"{username[Role.ADMINISTRATOR]} sees them under Administration."
        )
        self.stdout.write(
            f"Meetings called, with their actions (some overdue): {result.meetings} (none when already there)."
        )
        self.stdout.write(
            f"API and webhooks: a system client with a token and a webhook subscription, and "
            f"{result.webhook_deliveries} deliveries queued (none when already there); "
            f"{username[Role.ADMINISTRATOR]} sees them under Administration, API credentials and Webhooks."
        )
        self.stdout.write(
            f"SSDA903 imports on the Returns page: {result.return_imports} (one imported, one refused with its "
            "errors; none when already there)."
        )
        self.stdout.write(
            f"Children recorded twice, misspelt, for the data quality list's likely duplicates: {result.duplicates} "
            "(none when already there); the coordinator reviews and merges them."
        )
        self.stdout.write(
            f"Police notifications imported (three in the match queue, under Police notifications; one made a "
            f"provisional record for the coordinator to confirm): {result.police_notifications} (none when already "
            "there)."
        )
        self.stdout.write(
            f"Placements recorded for children in care, each with the placement before it: {result.placements} "
            "(none when already there)."
        )
        inbox = result.inbox
        self.stdout.write(
            f"My work, episode logs and notifications: {inbox.log_entries} log entries, {inbox.alerts_handed_on} "
            f"alert handed on, {inbox.alerts_resolved} alerts resolved themselves, {inbox.notifications} "
            "notifications (none when already there)."
        )
