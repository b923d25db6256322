"""System checks: a misconfigured trigger setting stops `runserver`, `migrate` and the worker at start."""

from django.conf import settings
from django.core import checks

from access.models import Role


@checks.register()
def check_escalation_role(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    from access.scoping import COUNCIL_CASE_ROLES

    role = settings.HOMEWARD_ESCALATION_ROLE
    if role not in COUNCIL_CASE_ROLES:
        allowed = ", ".join(str(r) for r in COUNCIL_CASE_ROLES)
        known = "" if role in Role.values else " (not a role Homeward knows)"
        return [
            checks.Error(
                f"HOMEWARD_ESCALATION_ROLE={role!r}{known}: the duration escalations must go to a council case role",
                hint=f"Use one of {allowed}.",
                id="risk.E001",
            )
        ]
    return []
