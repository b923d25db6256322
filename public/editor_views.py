"""The content editor's pages: the council's public pages, editing with preview, versions and unpublishing."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from access.http import AuthenticatedHttpRequest
from access.models import User
from core.forms import submitted
from core.pages import crumb
from public.actions import save_page, unpublish_page
from public.forms import PageForm, UnpublishForm
from public.markup import problems_in
from public.markup import render as render_markup
from public.models import PublicPage
from public.scoping import edits_public_pages, get_page_for_editor, pages_for_editor


def _require_editor(user: User) -> None:
    if not edits_public_pages(user):
        raise PermissionDenied("Only a council's content editors manage its public pages.")


def _crumbs() -> list[dict[str, str]]:
    return [crumb("Public pages", "public:editor-pages")]


def pages(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    _require_editor(user)
    today = timezone.localdate()
    listed = pages_for_editor(user).order_by("order", "slug")
    return render(request, "public/staff/pages.html", {"pages": listed, "today": today, "council": user.agency})


def new_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_editor(request.user)
    return _edit(request, None)


def edit_page(request: AuthenticatedHttpRequest, page_id: int) -> HttpResponse:
    _require_editor(request.user)
    return _edit(request, get_page_for_editor(request.user, page_id))


def _initial(page: PublicPage | None) -> dict:
    if page is None:
        return {"order": 10, "review_by": timezone.localdate().replace(year=timezone.localdate().year + 1)}
    latest = page.latest_version
    assert latest is not None  # save_page writes a version with every page
    return {
        "title": latest.title,
        "summary": latest.summary,
        "body": latest.body,
        "slug": page.slug,
        "order": page.order,
        "review_by": page.review_by,
        "version": page.version,
    }


def _edit(request: AuthenticatedHttpRequest, page: PublicPage | None) -> HttpResponse:
    """One form, three buttons: preview (nothing saved), save as a draft, and save and publish."""
    user = request.user
    form = PageForm(submitted(request), initial=_initial(page))
    intent = request.POST.get("intent", "")
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if intent == "preview":
            preview = {"title": data["title"], "summary": data["summary"], "body": render_markup(data["body"])}
            for problem in problems_in(data["body"]):
                form.add_error("body", problem)
        else:
            saved = form.call_action(
                save_page,
                page,
                council=user.agency,
                publish=intent == "publish",
                acting_user=user,
                expected_version=data.get("version"),
                **{name: data[name] for name in ("title", "summary", "body", "slug", "order", "review_by")},
            )
            if saved is not None:
                assert saved.latest_version is not None  # save_page just wrote one
                done = "published" if intent == "publish" else "saved as a draft"
                messages.success(
                    request, f"{saved.latest_version.title} {done} (version {saved.latest_version.number})"
                )
                return redirect("public:editor-edit", saved.pk)
    context: dict[str, object] = {"form": form, "page": page, "preview": preview, "breadcrumbs": _crumbs()}
    if page is not None:
        context["unpublish_form"] = UnpublishForm(initial={"version": page.version})
    return render(request, "public/staff/edit.html", context, status=form.status_code)


@require_POST
def unpublish(request: AuthenticatedHttpRequest, page_id: int) -> HttpResponse:
    user = request.user
    _require_editor(user)
    page = get_page_for_editor(user, page_id)
    form = UnpublishForm(request.POST)
    if form.is_valid():
        done = form.call_action(unpublish_page, page, expected_version=form.cleaned_data["version"], acting_user=user)
        if done is not None:
            assert done.latest_version is not None  # save_page writes a version with every page
            messages.success(request, f"{done.latest_version.title} is no longer on the public site")
            return redirect("public:editor-edit", page.pk)
    context = {"form": PageForm(initial=_initial(page)), "page": page, "unpublish_form": form, "breadcrumbs": _crumbs()}
    return render(request, "public/staff/edit.html", context, status=form.status_code)


def versions(request: AuthenticatedHttpRequest, page_id: int) -> HttpResponse:
    user = request.user
    _require_editor(user)
    page = get_page_for_editor(user, page_id)
    return render(
        request,
        "public/staff/versions.html",
        {
            "page": page,
            "versions": page.versions.select_related("saved_by"),
            "breadcrumbs": [*_crumbs(), crumb(str(page), "public:editor-edit", page.pk)],
        },
    )


def version(request: AuthenticatedHttpRequest, page_id: int, number: int) -> HttpResponse:
    user = request.user
    _require_editor(user)
    page = get_page_for_editor(user, page_id)
    shown = page.versions.select_related("saved_by").filter(number=number).first()
    if shown is None:
        raise Http404("No such version of this page")
    return render(
        request,
        "public/staff/version.html",
        {
            "page": page,
            "shown": shown,
            "body": render_markup(shown.body),
            "breadcrumbs": [
                *_crumbs(),
                crumb(str(page), "public:editor-edit", page.pk),
                crumb("Versions", "public:editor-versions", page.pk),
            ],
        },
    )
