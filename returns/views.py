"""The Returns page: a council's SSDA903 checks and downloads, Annex A list 8 and the SSD's missing table, for
its coordinator and analysts, without a command line."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from access.http import AuthenticatedHttpRequest
from access.models import Agency, User
from children.scoping import children_for
from returns.exports import RETURN_FILES, annex_a_day, build_download, record_download
from returns.forms import ReturnDownloadForm, ReturnImportForm, ReturnYearForm, current_collection_year
from returns.imports import queue_import
from returns.models import ReturnImport
from returns.scoping import import_council_for, return_council_for
from returns.ssda903 import CollectionYear, build_return
from returns.tasks import enqueue_import
from returns.validation import RULES, validate_return


def _council(user: User) -> Agency:
    council = return_council_for(user)
    if council is None:
        raise PermissionDenied("The statutory returns are for the council's coordinator and analysts.")
    return council


def returns_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Pick a year (not identifying: a GET) and see the checks of every DfE rule, and the downloads."""
    user = request.user
    council = _council(user)
    form = ReturnYearForm(request.GET or {"year": current_collection_year()})
    if not form.is_valid():
        return render(request, "returns/returns.html", {"form": form, "council": council})
    return _page(request, council, CollectionYear(form.cleaned_data["year"]))


@require_POST
def download(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One file of the return. An SSDA903 table while checks fail is refused unless the user accepts that."""
    user = request.user
    council = _council(user)
    form = ReturnDownloadForm(request.POST)
    if not form.is_valid():
        return render(request, "returns/returns.html", {"form": form, "council": council}, status=400)
    key, year = form.cleaned_data["file"], CollectionYear(form.cleaned_data["year"])
    ssda = build_return(council, year)
    failures = validate_return(ssda)
    if failures and RETURN_FILES[key].checked and not form.cleaned_data["accept_failures"]:
        form.add_error(
            "accept_failures",
            f"{len(failures)} check{'s' if len(failures) != 1 else ''} of the DfE rules fail: correct the records, "
            "or tick the box to download the file anyway",
        )
        return _page(request, council, year, download_form=form, status=400)
    file = build_download(key, council, year, ssda)
    record_download(acting_user=user, council=council, year=year, key=key, rows=file.rows, failures=len(failures))
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.name}"'
    response["Cache-Control"] = "no-store"
    return response


def _page(
    request: AuthenticatedHttpRequest,
    council: Agency,
    year: CollectionYear,
    *,
    download_form: ReturnDownloadForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    ssda = build_return(council, year)
    failures = validate_return(ssda)
    # A failure links to the child's record for whoever may open it (an analyst sees figures, not records).
    openable = set(children_for(user).filter(pk__in={f.child_pk for f in failures}).values_list("pk", flat=True))
    rows = [
        {"failure": failure, "rule": RULES.get(failure.rule), "openable": failure.child_pk in openable}
        for failure in failures
    ]
    return render(
        request,
        "returns/returns.html",
        {
            "form": ReturnYearForm(initial={"year": year.year}),
            "download_form": download_form or ReturnDownloadForm(initial={"year": year.year}),
            "council": council,
            "year": year,
            "failures": rows,
            "counts": {name: len(table) for name, table in ssda.tables().items()},
            "files": RETURN_FILES.values(),
            "annex_a_day": annex_a_day(year),
            "can_import": import_council_for(user) is not None,
        },
        status=status,
    )


def _import_council(user: User) -> Agency:
    council = import_council_for(user)
    if council is None:
        raise PermissionDenied("Only the council's coordinator can import its SSDA903 return.")
    return council


def import_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload the council's SSDA903 Header, Episodes and Missing files; a background job imports them."""
    user = request.user
    council = _import_council(user)
    form = ReturnImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = queue_import(acting_user=user, **form.cleaned_data)
        enqueue_import(job)
        return redirect("returns:import-detail", import_id=job.pk)
    imports = ReturnImport.objects.filter(council=council).select_related("uploaded_by")[:20]
    status = 400 if request.method == "POST" else 200
    return render(request, "returns/import.html", {"form": form, "council": council, "imports": imports}, status=status)


def import_detail(request: AuthenticatedHttpRequest, import_id: int) -> HttpResponse:
    """One upload: waiting, imported (what was added) or refused (every error by file, row and column)."""
    council = _import_council(request.user)
    job = get_object_or_404(ReturnImport.objects.select_related("uploaded_by"), pk=import_id, council=council)
    return render(request, "returns/import_detail.html", {"job": job, "council": council})
