"""The dashboard (a council's, a force's, the region's), its downloads, and the data quality list.

Who may open which is decided in analytics.scoping (`dashboard_scopes`, `can_view_data_quality`); anyone else
gets a 403. The dashboard and its downloads show aggregate figures only and name no child; every view and
download is audited. The data quality list names records to correct by the council's child ID (never by
name) and audits which children it showed.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse

from access.audit import record_event
from access.http import AuthenticatedHttpRequest
from access.models import Agency, AuditEvent, User
from access.scoping import sees_case_work
from analytics import exports, quality
from analytics.dashboard import build_sections
from analytics.filters import DIMENSION_FILTERS, FilterForm, Filters, Scope
from analytics.scoping import can_view_data_quality, can_view_reports, dashboard_scopes
from analytics.tables import SPEC_BY_SLUG, build_table, specs_for, threshold

AUDIT_CHILD_IDS = 2000
SCOPE_TITLES = {"council": "Council dashboard", "police": "Police force dashboard", "regional": "Regional dashboard"}


def _scope_kind(user: User, regional: bool) -> str:
    scopes = dashboard_scopes(user)
    if regional:
        if "regional" not in scopes:
            raise PermissionDenied("The regional dashboard needs the regional dashboard permission.")
        return "regional"
    for kind in ("council", "police"):
        if kind in scopes:
            return kind
    raise PermissionDenied("Your role does not include the dashboard.")


def _scope(user: User, kind: str, form: FilterForm) -> Scope:
    options = form.scope_options()
    if kind == "regional":
        council_id = options.get("council_id")
        council = Agency.objects.filter(pk=council_id).first() if council_id is not None else None
        return Scope(kind, name=council.name if council else "All councils", **options)
    assert user.agency is not None  # a council or police dashboard is always the user's own agency's
    return Scope(kind, name=user.agency.name, agency_id=user.agency_id, **options)


def _audit(user: User, summary: str, object_type: str = "dashboard") -> None:
    with transaction.atomic():
        record_event(actor=user, action=AuditEvent.Action.VIEW, object_type=object_type, summary=summary)


def _names(kind: str) -> tuple[str, dict]:
    """The download view's name and its URL arguments for this dashboard."""
    return ("analytics:regional-download", {}) if kind == "regional" else ("analytics:download", {})


def _other_dashboards(user: User, kind: str) -> list[dict[str, str]]:
    links = []
    scopes = dashboard_scopes(user)
    if kind == "regional" and ({"council", "police"} & set(scopes)) and user.agency is not None:
        links.append({"text": f"Your {user.agency.name} dashboard", "href": reverse("analytics:dashboard")})
    if kind != "regional" and "regional" in scopes:
        links.append({"text": "The regional dashboard", "href": reverse("analytics:regional")})
    if can_view_data_quality(user):
        links.append({"text": "Data quality", "href": reverse("analytics:data-quality")})
    if kind != "police" and can_view_reports(user):
        links.append({"text": "Partnership reports (PDF)", "href": reverse("reports:index")})
    return links


def dashboard(request: AuthenticatedHttpRequest, regional: bool = False) -> HttpResponse:
    user = request.user
    try:
        kind = _scope_kind(user, regional)
    except PermissionDenied:
        if not regional and "regional" in dashboard_scopes(user):
            return redirect("analytics:regional")
        raise
    form = FilterForm(request.GET, scope_kind=kind)
    context = {
        "form": form,
        "title": SCOPE_TITLES[kind],
        "kind": kind,
        "other_dashboards": _other_dashboards(user, kind),
        "suppression": threshold(),
        "period_fields": [form["start"], form["end"]],
        "filter_fields": [form[name] for name in DIMENSION_FILTERS],
        "scope_fields": [form[name] for name in ("placed", "council") if name in form.fields],
    }
    if not form.is_valid():
        return render(request, "analytics/dashboard.html", context)
    scope, filters = _scope(user, kind, form), form.filters()
    view, kwargs = _names(kind)
    query = request.GET.urlencode()
    context.update(
        scope=scope,
        filters=filters,
        previous=filters.previous(),
        sections=build_sections(scope, filters, view, kwargs),
        workbook_url=reverse("analytics:regional-workbook" if kind == "regional" else "analytics:workbook")
        + (f"?{query}" if query else ""),
        described=filters.described(),
    )
    _audit(user, f"Dashboard viewed: {scope.name}, {filters.label}")
    return render(request, "analytics/dashboard.html", context)


def _download_setup(request: AuthenticatedHttpRequest, regional: bool) -> tuple[Scope, Filters] | HttpResponse:
    user = request.user
    kind = _scope_kind(user, regional)
    form = FilterForm(request.GET, scope_kind=kind)
    if not form.is_valid():
        return HttpResponseBadRequest("The period or a filter is not valid: go back to the dashboard and choose again.")
    return _scope(user, kind, form), form.filters()


def _file(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def download(request: AuthenticatedHttpRequest, slug: str, fmt: str, regional: bool = False) -> HttpResponse:
    setup = _download_setup(request, regional)
    if isinstance(setup, HttpResponse):
        return setup
    scope, filters = setup
    spec = SPEC_BY_SLUG.get(slug)
    if spec is None or spec not in specs_for(scope):
        return HttpResponse("No such table.", status=404, content_type="text/plain")
    table = build_table(spec, scope, filters)
    _audit(
        request.user,
        f"Dashboard table downloaded ({fmt}): {spec.title}; {scope.name}, {filters.label}",
        "dashboard-download",
    )
    name = f"{slug}-{filters.start:%Y-%m}-to-{filters.end:%Y-%m}"
    if fmt == "csv":
        return _file(exports.table_csv(table), exports.CSV_TYPE, f"{name}.csv")
    return _file(exports.workbook([table], scope, filters), exports.XLSX_TYPE, f"{name}.xlsx")


def workbook(request: AuthenticatedHttpRequest, regional: bool = False) -> HttpResponse:
    setup = _download_setup(request, regional)
    if isinstance(setup, HttpResponse):
        return setup
    scope, filters = setup
    tables = [build_table(spec, scope, filters) for spec in specs_for(scope)]
    _audit(request.user, f"Dashboard workbook downloaded: {scope.name}, {filters.label}", "dashboard-download")
    name = f"dashboard-{filters.start:%Y-%m}-to-{filters.end:%Y-%m}.xlsx"
    return _file(exports.workbook(tables, scope, filters), exports.XLSX_TYPE, name)


def data_quality(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not can_view_data_quality(user):
        raise PermissionDenied("The data quality list is for the council's coordinator, team managers and analysts.")
    groups = quality.problems_for(user)
    shown = sorted({item.child_id for group in groups for item in group.items})
    with transaction.atomic():
        record_event(
            actor=user,
            action=AuditEvent.Action.VIEW,
            object_type="data-quality",
            child_id=shown[0] if len(shown) == 1 else None,
            summary=f"Data quality list viewed ({sum(len(g.items) for g in groups)} items)",
            changes={"children_shown": [None, shown[:AUDIT_CHILD_IDS]]} if shown else {},
        )
    return render(
        request,
        "analytics/data_quality.html",
        {
            "groups": groups,
            "total": sum(len(group.items) for group in groups),
            "council": user.agency,
            "links": sees_case_work(user),  # an analyst opens no child's record: no links to one
        },
    )
