"""The auditor's pages (search the audit trail, one child's trail, CSV exports) and the coordinator's subject
access export. Deny by default: a non-auditor gets 403 on every audit page, an auditor asking for a child outside
their council gets 404, and every look at the audit trail is itself audited."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from access.audit import record_event
from access.http import AuthenticatedHttpRequest
from access.models import AuditEvent, User
from children.models import Child
from children.scoping import get_child_for_user
from core.forms import submitted
from core.pages import crumb
from core.searches import SearchEnded, save_search, saved_criteria
from governance import subject_access
from governance.actions import record_subject_access_export
from governance.audit_trail import AuditFilters, csv_lines, rows, search
from governance.forms import AuditSearchForm
from governance.scoping import can_export_subject_access, get_child_for_auditor, is_auditor

EXPORT_FORMATS = {"json": "application/json", "html": "text/html; charset=utf-8"}


def _require_auditor(user: User) -> None:
    if not is_auditor(user):
        raise PermissionDenied("Only auditors can read the audit trail.")


def _record_look(user: User, action: str, filters: AuditFilters, count: int) -> None:
    """Audit the auditor: what they searched for (a child by its record number, never by name) and how much."""
    child_id = filters.children[0] if filters.children and len(filters.children) == 1 else None
    what = "searched" if action == AuditEvent.Action.AUDIT_VIEWED else "exported as CSV"
    with transaction.atomic():
        record_event(
            actor=user,
            action=action,
            object_type="audit-trail",
            child_id=child_id,
            summary=f"Audit trail {what} ({filters.describe()}): {count} events",
        )


def _csv_response(user: User, filters: AuditFilters, name: str) -> StreamingHttpResponse:
    events = search(user, filters)
    _record_look(user, AuditEvent.Action.AUDIT_EXPORTED, filters, events.count())
    response = StreamingHttpResponse(csv_lines(events), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{timezone.localdate():%Y-%m-%d}.csv"'
    return response


AUDIT_SEARCH = "audit-trail"
AUDIT_FIELDS = (
    "child",
    "username",
    "date_from_0",
    "date_from_1",
    "date_from_2",
    "date_to_0",
    "date_to_1",
    "date_to_2",
    "action",
)


def audit_search(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """Search the trail by child, person, dates and action; POSTed, so a child's ID never lands in a URL, then
    answered with a redirect to the saved search's results (core.searches), or with the CSV download."""
    user = request.user
    _require_auditor(user)
    form = AuditSearchForm(submitted(request), user=user)
    if request.method == "POST" and form.is_valid():
        if request.POST.get("export") == "csv":
            return _csv_response(user, form.filters(), "audit-trail")
        token = save_search(user, AUDIT_SEARCH, {name: request.POST.get(name, "") for name in AUDIT_FIELDS})
        return redirect("governance:audit-results", token)
    return _audit_search_page(request, form)


def audit_results(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    """A saved search of the trail, run afresh for the auditor who opens it (Back, reload, or a colleague)."""
    user = request.user
    _require_auditor(user)
    try:
        criteria = saved_criteria(user, AUDIT_SEARCH, token)
    except SearchEnded:
        return _audit_search_page(request, AuditSearchForm(user=user), ended=True)
    form = AuditSearchForm(criteria, user=user)
    if not form.is_valid():  # the child it named is no longer in this auditor's reach
        return _audit_search_page(request, form)
    filters = form.filters()
    events = search(user, filters)
    total = events.count()
    results = rows(list(events[: settings.HOMEWARD_AUDIT_PAGE_LIMIT]))
    _record_look(user, AuditEvent.Action.AUDIT_VIEWED, filters, total)
    return _audit_search_page(request, form, results=results, total=total)


def _audit_search_page(request: AuthenticatedHttpRequest, form: AuditSearchForm, **context) -> HttpResponse:
    return render(
        request,
        "governance/audit_search.html",
        {"form": form, "results": None, "total": 0, "limit": settings.HOMEWARD_AUDIT_PAGE_LIMIT, **context},
    )


def child_audit(request: AuthenticatedHttpRequest, child_id: int) -> HttpResponseBase:
    """Who viewed or changed one child's record: when, from where, and what changed."""
    user = request.user
    _require_auditor(user)
    child = get_child_for_auditor(user, child_id)
    filters = AuditFilters(children=(child.pk,))
    if request.method == "POST":
        return _csv_response(user, filters, f"audit-trail-child-{child.pk}")
    events = search(user, filters)
    total = events.count()
    results = rows(list(events[: settings.HOMEWARD_AUDIT_PAGE_LIMIT]))
    _record_look(user, AuditEvent.Action.AUDIT_VIEWED, filters, total)
    return render(
        request,
        "governance/child_audit.html",
        {
            "child": child,
            "results": results,
            "total": total,
            "limit": settings.HOMEWARD_AUDIT_PAGE_LIMIT,
            "breadcrumbs": [crumb("Audit trail", "governance:audit")],
        },
    )


def _subject_access_child(user: User, child_id: int) -> Child:
    child = get_child_for_user(user, child_id)  # 404 for a child the user may not see
    if not can_export_subject_access(user, child):
        raise PermissionDenied("Only the coordinator of the child's council can produce a subject access export.")
    return child


def subject_access_page(request: AuthenticatedHttpRequest, child_id: int) -> HttpResponse:
    """What a subject access export of this child holds, and the buttons to produce it."""
    child = _subject_access_child(request.user, child_id)
    return render(
        request,
        "governance/subject_access.html",
        {
            "child": child,
            "withheld": subject_access.WITHHELD_NOTES,
            "breadcrumbs": [crumb(child.full_name, "children:detail", child.pk)],
        },
    )


@require_POST
def subject_access_download(request: AuthenticatedHttpRequest, child_id: int) -> HttpResponse:
    user = request.user
    child = _subject_access_child(user, child_id)
    file_format = request.POST.get("format", "json")
    if file_format not in EXPORT_FORMATS:
        file_format = "json"
    record = subject_access.build_record(child, requested_by=f"{user.get_full_name() or user.username} ({user.agency})")
    content = subject_access.to_json(record) if file_format == "json" else subject_access.to_html(record)
    record_subject_access_export(child, acting_user=user, file_format=file_format)
    response = HttpResponse(content, content_type=EXPORT_FORMATS[file_format])
    response["Content-Disposition"] = (
        f'attachment; filename="subject-access-{child.pk}-{timezone.localdate():%Y-%m-%d}.{file_format}"'
    )
    return response
