"""The partnership reports pages: produce a council's monthly or annual report as a PDF, and list and download
the reports the scheduled job stored.

Who may: exactly those who may see the council's dashboard (reports.scoping.report_councils). Anyone else gets
a 403; a stored report of a council the person may not see answers 404. Every production and download is
audited; the PDFs are sent as attachments and never cached.
"""

import re

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render

from access.http import AuthenticatedHttpRequest
from access.models import Agency, User
from analytics.scoping import can_view_reports
from reports.actions import produce_report, record_stored_report_downloaded
from reports.forms import ReportForm
from reports.periods import Period, ReportKind
from reports.scoping import get_stored_report_for_user, report_councils, stored_reports_for

DENIED = "Partnership reports are for those who may see the council's dashboard."


def _councils(user: User):
    if not can_view_reports(user):
        raise PermissionDenied(DENIED)
    return report_councils(user)


def _forms(councils, bound: ReportForm | None = None) -> list[ReportForm]:
    forms = []
    for kind in ReportKind.values:
        if bound is not None and bound.report_kind == kind:
            forms.append(bound)
        else:
            forms.append(ReportForm(None, kind=kind, councils=councils))
    return forms


def _page(request: AuthenticatedHttpRequest, councils, bound: ReportForm | None = None) -> HttpResponse:
    monthly, annual = _forms(councils, bound)
    return render(
        request,
        "reports/index.html",
        {"monthly": monthly, "annual": annual, "councils": councils, "single": councils.count() == 1},
    )


def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _page(request, _councils(request.user))


def filename(council: Agency, period: Period) -> str:
    """A file name made only of letters, digits and hyphens: council code, kind and period."""
    code = re.sub(r"[^A-Za-z0-9]+", "-", council.code).strip("-") or str(council.pk)
    return f"homeward-partnership-report-{code}-{period.kind}-{period.code}.pdf"


def pdf_response(pdf: bytes, name: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


def download(request: AuthenticatedHttpRequest) -> HttpResponse:
    councils = _councils(request.user)
    kind = request.GET.get("kind", "")
    if kind not in ReportKind.values:
        return HttpResponseBadRequest("Choose a monthly or an annual report on the reports page.")
    form = ReportForm(request.GET, kind=kind, councils=councils)
    if not form.is_valid():
        return _page(request, councils, form)
    council, period = form.chosen()
    pdf = produce_report(council, period, acting_user=request.user)
    return pdf_response(pdf, filename(council, period))


def stored(request: AuthenticatedHttpRequest) -> HttpResponse:
    councils = _councils(request.user)
    reports = stored_reports_for(request.user).defer("pdf")
    return render(request, "reports/stored.html", {"reports": reports, "single": councils.count() == 1})


def stored_download(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    _councils(request.user)
    report = get_stored_report_for_user(request.user, report_id)
    record_stored_report_downloaded(report, viewer=request.user)
    return pdf_response(bytes(report.pdf), filename(report.council, report.period))
