"""Who may open which dashboard and the data quality list: the analytics app's rules, built on the kernel
(`access.scoping`).

The dashboard shows aggregate figures only, never a name: a council's, for its analysts, coordinators and
team managers (the children it is responsible for, optionally with those placed in its area); a police
force's, for its analysts and police staff (the episodes the force holds); and the regional view across
every council on this Homeward, for users given the per-user permission below (a grant to a few named
people, not a job role: `manage.py regional_access grant USERNAME`). The data quality list names records
to fix (by council child ID) and links to them: the coordinator's, for their council's children.
"""

from access.models import AgencyKind, Role, User
from access.scoping import can_see_cases

DASHBOARD_COUNCIL_ROLES = (Role.ANALYST, Role.COORDINATOR, Role.TEAM_MANAGER)
DASHBOARD_POLICE_ROLES = (Role.ANALYST, Role.POLICE)
REGIONAL_DASHBOARD_PERMISSION = "analytics.view_regional_dashboard"
DASHBOARD_SCOPES = ("council", "police", "regional")


def dashboard_scopes(user: User) -> list[str]:
    """The dashboards the user may open: "council" or "police" (their own agency's), and "regional"."""
    if not (user.is_authenticated and user.is_active):
        return []
    scopes = []
    if user.agency is not None:
        kind = user.agency.kind
        if kind == AgencyKind.COUNCIL and user.has_role(*DASHBOARD_COUNCIL_ROLES):
            scopes.append("council")
        if kind == AgencyKind.POLICE and user.has_role(*DASHBOARD_POLICE_ROLES):
            scopes.append("police")
    if user.has_perm(REGIONAL_DASHBOARD_PERMISSION):
        scopes.append("regional")
    return scopes


def can_view_dashboard(user: User, scope: str) -> bool:
    return scope in dashboard_scopes(user)


DATA_QUALITY_ROLES = (Role.COORDINATOR, Role.TEAM_MANAGER, Role.ANALYST)


def can_view_data_quality(user: User) -> bool:
    """The data quality list of the user's council: its coordinator, team managers (both correct records from
    its links) and analysts (who need it to trust the figures; they see child IDs only, no links)."""
    return (
        can_see_cases(user)
        and user.has_role(*DATA_QUALITY_ROLES)
        and user.agency is not None
        and user.agency.kind == AgencyKind.COUNCIL
    )


def can_view_reports(user: User) -> bool:
    """Whether the user may see any council's partnership reports (the reports pages answer 403 otherwise): they
    hold exactly a council dashboard's figures, so the council and regional dashboard users."""
    return bool({"council", "regional"} & set(dashboard_scopes(user)))
