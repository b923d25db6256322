"""When the database is away: 503 with Retry-After, never a 500 (issue 13).

`handler500` (homeward/urls.py) is called with the exception being handled. A database that cannot be reached,
was restarted mid-request, is read-only or out of disk space is an outage, not a bug: the API answers
`503 {"detail": ...}` with `Retry-After`, pages a GOV.UK "Sorry, the service is unavailable" page, both without
touching the database. Anything else is a real 500: JSON for the API, the plain error page otherwise.
"""

import logging
import sys

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views import defaults

logger = logging.getLogger("homeward.outage")

READ_ONLY_SQLSTATE = "25006"  # PostgreSQL: cannot execute … in a read-only transaction


def is_outage(exc: BaseException | None) -> bool:
    """Whether an exception, or one it was raised from or while handling (Django turns a session that could not
    be saved into a 400), means the database is unavailable rather than that our code or the request is wrong."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        cause = getattr(exc, "__cause__", None)
        if isinstance(exc, DatabaseError) and getattr(cause, "sqlstate", None) == READ_ONLY_SQLSTATE:
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def unavailable_response(request: HttpRequest) -> HttpResponse:
    retry_after = str(settings.HOMEWARD_RETRY_AFTER_SECONDS)
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": "The service is unavailable for a moment. Nothing was lost; try again shortly."}, status=503
        )
    else:
        body = loader.render_to_string("core/service_unavailable.html", {"retry_after": retry_after})
        response = HttpResponse(body, status=503)
    response["Retry-After"] = retry_after
    response["Cache-Control"] = "no-store"
    return response


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A 400 that is really an outage (the session could not be saved: the database is read-only or away)."""
    if is_outage(exception):
        logger.warning("Database unavailable while saving the session: answered 503")
        return unavailable_response(request)
    return defaults.bad_request(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    exc = sys.exc_info()[1]
    if is_outage(exc):
        logger.warning("Database unavailable: answered 503 (%s)", type(exc).__name__)
        return unavailable_response(request)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Something went wrong on our side. It has been logged."}, status=500)
    return defaults.server_error(request)
