"""Whose partnership reports a user may produce and download: the reports app's lookups, built on the kernel
(`access.scoping`) and the dashboard's rules (`analytics.scoping`), whose figures the reports hold.

A council's monthly and annual reports hold exactly the council dashboard's figures, so exactly the people
who may see that council's dashboard may produce and download them: the council's own dashboard users (its
analysts, coordinators and team managers) and holders of the regional dashboard permission (whose regional
view can be narrowed to any council).
"""

from django.db.models import QuerySet

from access.models import Agency, AgencyKind, User
from access.scoping import get_or_404
from analytics.scoping import dashboard_scopes
from reports.models import StoredReport


def report_councils(user: User) -> QuerySet:
    """The councils whose partnership reports the user may produce and download (none: the pages are 403)."""
    scopes = dashboard_scopes(user)
    councils = Agency.objects.filter(kind=AgencyKind.COUNCIL).order_by("name")
    if "regional" in scopes:
        return councils
    if "council" in scopes and user.agency_id is not None:
        return councils.filter(pk=user.agency_id)
    return councils.none()


def stored_reports_for(user: User) -> QuerySet[StoredReport]:
    """The stored partnership reports of the councils whose reports the user may see."""
    return StoredReport.objects.filter(council__in=report_councils(user)).select_related("council")


def get_stored_report_for_user(user: User, report_id: object) -> StoredReport:
    return get_or_404(stored_reports_for(user), report_id)
