"""Structured logs: one JSON object a line, each carrying the request id, and no personal data.

`RequestIdMiddleware` gives every request an id (a well-formed incoming `X-Request-ID` from the proxy, or a new
one), answers it in the `X-Request-ID` header and puts it on every log line written while the request runs, so
one request's lines can be found across the web server, the proxy and the error tracker. `JsonFormatter`
(LOG_FORMAT=json, the default in production) writes the lines.

What a line may carry is fixed here: the time, level, logger, message, request id, and the request's method,
route (the URL pattern, such as `children/<int:pk>/`, never the query string), status and duration. Never a name,
a username, an address or what anyone typed: searches are posted (core.searches) and never reach a URL.
"""

import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse

request_id_var: ContextVar[str] = ContextVar("request_id", default="")
_WELL_FORMED_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
ACCESS_LOG = logging.getLogger("homeward.request")

# The extra fields a log call may add (logger.info(..., extra={...})); anything else is dropped.
ALLOWED_EXTRA = ("method", "route", "status", "duration_ms", "worker_id", "task")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class OutageNoiseFilter(logging.Filter):
    """Drop Django's "Service Unavailable" record (a full traceback) for each 503 of an outage: core.outage logs
    one line for each instead, so an outage of a few seconds is a few hundred lines, not a few hundred thousand."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.name == "django.request" and getattr(record, "status_code", None) == 503)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or request_id_var.get(),
        }
        line.update({key: getattr(record, key) for key in ALLOWED_EXTRA if hasattr(record, key)})
        if record.exc_info:
            line["exception"] = record.exc_info[0].__name__ if record.exc_info[0] else ""
        return json.dumps(line, default=str)


def route_of(request: HttpRequest) -> str:
    """The URL pattern that answered (ids as placeholders), or "unmatched"."""
    match = getattr(request, "resolver_match", None)
    return match.route if match is not None and match.route else "unmatched"


class RequestIdMiddleware:
    """First in the list: the id exists before anything else logs, and the access line is written last."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _WELL_FORMED_ID.fullmatch(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            ACCESS_LOG.info(
                "request",
                extra={
                    "method": request.method,
                    "route": route_of(request),
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_id_var.reset(token)
