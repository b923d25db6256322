"""The error pages (`handler404` in homeward/urls.py). An app adds what it offers on "Page not found" (sharing:
the way to ask for emergency access to a child's record) by registering a context function from its
`AppConfig.ready`, so the page lives in core and core knows no domain app."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.template import loader

# Given the request that found nothing, the template context an app adds to 404.html (empty: nothing to offer).
NotFoundContext = Callable[[HttpRequest], dict[str, Any]]

_not_found_context: dict[str, NotFoundContext] = {}


def register_not_found_context(app_label: str, context: NotFoundContext) -> None:
    _not_found_context[app_label] = context


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's "Page not found", with what the apps offer there."""
    context: dict[str, Any] = {"request_path": request.path}
    for extra in _not_found_context.values():
        context.update(extra(request))
    body = loader.get_template("404.html").render(context, request)
    return HttpResponseNotFound(body)
