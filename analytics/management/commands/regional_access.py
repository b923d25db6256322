"""`manage.py regional_access grant|revoke USERNAME` or `list`: who may open the regional dashboard.

Regional access is a per-user permission (analytics.view_regional_dashboard), not a role: it is given to a
few named people, on top of whatever role they hold. Each grant and revocation is audited.
"""

from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Q

from access.audit import record_event
from access.models import AuditEvent, User


def regional_permission() -> Permission:
    return Permission.objects.get(content_type__app_label="analytics", codename="view_regional_dashboard")


class Command(BaseCommand):
    help = "Grant or revoke the regional dashboard for a user, or list who has it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["grant", "revoke", "list"])
        parser.add_argument("username", nargs="?")

    def handle(self, *args, **options) -> None:
        permission = regional_permission()
        if options["action"] == "list":
            holders = User.objects.filter(
                Q(user_permissions=permission) | Q(groups__permissions=permission) | Q(is_superuser=True),
                is_active=True,
            ).distinct()
            for user in holders.order_by("username"):
                self.stdout.write(f"{user.username}{' (superuser)' if user.is_superuser else ''}")
            return
        if not options["username"]:
            raise CommandError(f"Give the username to {options['action']}.")
        named = User.objects.filter(username=options["username"]).first()
        if named is None:
            raise CommandError(f"No user is called {options['username']!r}.")
        granting = options["action"] == "grant"
        with transaction.atomic():
            if granting:
                named.user_permissions.add(permission)
            else:
                named.user_permissions.remove(permission)
            record_event(
                actor=None,
                action=AuditEvent.Action.UPDATE,
                obj=named,
                summary=f"Regional dashboard {'granted' if granting else 'revoked'}",
                changes={"regional_dashboard": [not granting, granting]},
            )
        self.stdout.write(
            self.style.SUCCESS(f"Regional dashboard {'granted to' if granting else 'revoked from'} {named}.")
        )
