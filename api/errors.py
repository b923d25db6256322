"""How the API answers when something is wrong. Every error body has a `detail`; input errors add `errors`,
one entry per problem, each naming the body or query field it is about (null when it is about the whole request).

    400 {"detail": "...", "errors": [{"field": "returned_at", "message": "..."}]}
    401 {"detail": "..."}  (with WWW-Authenticate: Bearer)
    403 {"detail": "..."}
    404 {"detail": "Not found"}  (the same whether the record does not exist, is outside the caller's scope, or
                                 the id in the path is not a number at all)
    409 {"detail": "..."}  (the record changed since the caller read its version)
"""

import json
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from core.errors import ConflictError

AWARE_DATETIME_MESSAGE = (
    "Give the date and time in ISO 8601 with its UTC offset, such as 2026-03-01T14:30:00+00:00 or "
    "2026-03-01T14:30:00Z; times without an offset are refused"
)
UNAUTHORIZED_MESSAGE = "Send a valid API token in the header 'Authorization: Bearer <token>'"

# pydantic's wording, replaced where ours is clearer for someone fixing a request by hand.
_MESSAGES = {
    "missing": "This field is required",
    "extra_forbidden": "Unknown field: it is not part of this request, remove it",
    "timezone_aware": AWARE_DATETIME_MESSAGE,
    "datetime_parsing": AWARE_DATETIME_MESSAGE,
    "datetime_from_date_parsing": AWARE_DATETIME_MESSAGE,
    "datetime_type": AWARE_DATETIME_MESSAGE,
}


class MalformedBody(ValueError):
    """The request body is not valid JSON."""


class StrictJsonParser(Parser):
    """Keeps the JSON error so the 400 can say where the body is broken (ninja wraps it in an HttpError)."""

    def parse_body(self, request: HttpRequest) -> Any:
        try:
            return json.loads(request.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise MalformedBody(f"The request body is not valid JSON ({exc})") from exc
        except RecursionError as exc:
            raise MalformedBody("The request body is nested too deeply to read") from exc


def error_entry(field: str | None, message: str) -> dict[str, Any]:
    return {"field": field, "message": message}


def input_error_response(api: NinjaAPI, request: HttpRequest, errors: list[dict[str, Any]]) -> HttpResponse:
    detail = errors[0]["message"] if len(errors) == 1 else f"There are {len(errors)} problems with the request"
    if len(errors) == 1 and errors[0]["field"]:
        detail = f"{errors[0]['field']}: {detail}"
    return api.create_response(request, {"detail": detail, "errors": errors}, status=400)


def field_name(loc: tuple | list) -> tuple[str | None, str]:
    """Turn ninja's error location into the name a client knows, plus a prefix for list items.

    ninja reports ("body", "<parameter name>", "field", 2) for the body and ("query", "field") or
    ("path", "field") for the others.
    """
    parts = list(loc)
    source = parts.pop(0) if parts else None
    if source == "body" and parts:
        parts.pop(0)  # the view's parameter name, which the client never sees
    names = [str(p) for p in parts if not isinstance(p, int)]
    positions = [p for p in parts if isinstance(p, int)]
    prefix = "".join(f"item {p + 1}: " for p in positions)
    if not names:
        return ("body" if source == "body" else None), prefix
    return ".".join(names), prefix


def translate_ninja_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    result = []
    for error in errors:
        name, prefix = field_name(error.get("loc", ()))
        message = _MESSAGES.get(error.get("type", ""), error.get("msg", "Not valid"))
        if error.get("type") == "model_attributes_type" and name == "body":
            message = "The request body must be a JSON object"
        result.append(error_entry(name, f"{prefix}{message}" if prefix else message))
    return result


def translate_django_errors(exc: DjangoValidationError, renames: dict[str, str] | None = None) -> list[dict]:
    renames = renames or {}
    if hasattr(exc, "error_dict"):
        return [
            error_entry(None if name == NON_FIELD_ERRORS else renames.get(name, name), message)
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return [error_entry(None, message) for message in exc.messages]


class ActionValidationError(Exception):
    """An action's ValidationError, with its field names changed to the names the API body uses."""

    def __init__(self, error: DjangoValidationError, renames: dict[str, str]) -> None:
        super().__init__(str(error))
        self.errors = translate_django_errors(error, renames)


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(NinjaValidationError)
    def request_not_valid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        if any(tuple(error.get("loc", ()))[:1] == ("path",) for error in exc.errors):
            # A record id in the path that is not a number names no record: the same 404 as any unknown id.
            return not_found(request, Http404())
        return input_error_response(api, request, translate_ninja_errors(exc.errors))

    @api.exception_handler(DjangoValidationError)
    def action_refused(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return input_error_response(api, request, translate_django_errors(exc))

    @api.exception_handler(ActionValidationError)
    def action_refused_renamed(request: HttpRequest, exc: ActionValidationError) -> HttpResponse:
        return input_error_response(api, request, exc.errors)

    @api.exception_handler(ConflictError)
    def conflict(request: HttpRequest, exc: ConflictError) -> HttpResponse:
        return api.create_response(request, {"detail": str(exc)}, status=409)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, {"detail": "Not found"}, status=404)

    @api.exception_handler(AuthenticationError)
    def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = api.create_response(request, {"detail": UNAUTHORIZED_MESSAGE}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="homeward"'
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc.__cause__, MalformedBody):
            return input_error_response(api, request, [error_entry("body", str(exc.__cause__))])
        return api.create_response(request, {"detail": exc.message}, status=exc.status_code)
