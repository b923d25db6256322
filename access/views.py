"""Pages that belong to signing in, rather than to case work."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse


def locked_out(request: HttpRequest, credentials: dict | None = None, *args, **kwargs) -> HttpResponse:
    """Shown (HTTP 429) when django-axes has locked a username after repeated failed sign-ins."""
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    response = TemplateResponse(request, "core/locked_out.html", {"cooloff_minutes": minutes}, status=429)
    return response.render()
