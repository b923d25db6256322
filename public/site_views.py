"""The public site: no sign-in, every page with the quick exit. Nothing from a concern is ever shown here."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from access.middleware import client_ip
from core.forms import submitted
from public.actions import submit_concern
from public.forms import ConcernForm
from public.markup import render as render_markup
from public.protection import HONEYPOT_FIELD, form_token_problem, issue_form_token, over_rate_limit
from public.scoping import get_public_council, get_published_page, public_councils, published_pages


def _site(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    context = {"quick_exit_url": settings.HOMEWARD_QUICK_EXIT_URL, **context}
    return render(request, f"public/site/{template}", context, status=status)


@login_not_required
@require_http_methods(["GET", "HEAD"])
def index(request: HttpRequest) -> HttpResponse:
    return _site(request, "index.html", {"councils": public_councils()})


@login_not_required
@require_http_methods(["GET", "HEAD"])
def council_home(request: HttpRequest, code: str) -> HttpResponse:
    council = get_public_council(code)
    return _site(request, "council.html", {"council": council, "pages": published_pages(council)})


@login_not_required
@require_http_methods(["GET", "HEAD"])
def page(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    council = get_public_council(code)
    shown = get_published_page(council, slug).published_version
    assert shown is not None  # published_pages: only pages with a published version
    return _site(
        request,
        "page.html",
        {"council": council, "title": shown.title, "summary": shown.summary, "body": render_markup(shown.body)},
    )


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def concern(request: HttpRequest, code: str) -> HttpResponse:
    """The concern form. Posts are counted per address first (the rate limit), then checked for the token and the
    honeypot, then validated; a refused post keeps the answers and gets a fresh token."""
    council = get_public_council(code)
    data = submitted(request)
    if data is not None and over_rate_limit(client_ip(request)):
        return _site(request, "too_many.html", {"council": council}, status=429)
    form = ConcernForm(data)
    if data is not None:
        if data.get(HONEYPOT_FIELD):
            return redirect("public:concern-sent", code=council.code)  # answered as sent; nothing is kept
        problem = form_token_problem(data.get("started", ""))
        valid = form.is_valid()
        if problem:
            form.add_error(None, problem)
        elif valid and form.call_action(submit_concern, council, **form.action_fields()) is not None:
            return redirect("public:concern-sent", code=council.code)
        fresh = data.copy()  # the form's data: a fresh token, the answers kept
        fresh["started"] = issue_form_token()
        form.data = fresh
    else:
        form.initial["started"] = issue_form_token()
    return _site(request, "concern.html", {"council": council, "form": form}, status=form.status_code)


@login_not_required
@require_http_methods(["GET", "HEAD"])
def concern_sent(request: HttpRequest, code: str) -> HttpResponse:
    return _site(request, "concern_sent.html", {"council": get_public_council(code)})


def _fixed_page(template: str):
    @login_not_required
    @require_http_methods(["GET", "HEAD"])
    def view(request: HttpRequest) -> HttpResponse:
        return _site(request, template, {"councils": public_councils()})

    view.__name__ = template.removesuffix(".html").replace("-", "_")
    return view


cookies = _fixed_page("cookies.html")
privacy = _fixed_page("privacy.html")
accessibility = _fixed_page("accessibility.html")
