"""The navigation item the governance app adds (core.navigation): the audit trail, for auditors."""

from django.urls import reverse

from access.models import User
from governance.scoping import is_auditor


def navigation_items(user: User) -> list[tuple[str, str]]:
    return [("Audit trail", reverse("governance:audit"))] if is_auditor(user) else []
