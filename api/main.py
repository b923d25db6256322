"""The one Homeward API: every operation needs a bearer token (deny by default) and reaches case data only
through each app's scoped lookups (`<app>/scoping.py`)."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from api.auth import ApiTokenAuth
from api.children import router as children_router
from api.episodes import router as episodes_router
from api.errors import StrictJsonParser, install_error_handlers
from api.intake import router as intake_router
from api.interviews import router as interviews_router
from api.meetings import actions_router as meeting_actions_router
from api.meetings import router as meetings_router
from api.network import person_links_router, persons_router, picture_router, place_links_router, places_router
from api.notifications import router as notifications_router
from api.philomena import router as philomena_router
from api.rendering import PreciseJSONRenderer, with_etag
from api.risk import alerts_router, referrals_router, screenings_router
from api.risk_changes import router as risk_changes_router
from api.sharing import router as shares_router
from api.work import tasks_router

DESCRIPTION = """
Homeward's REST API for the multi-agency response to children who go missing.

* **Authentication**: every operation needs `Authorization: Bearer <token>`; a token is issued with
  `manage.py create_api_token <username>`. A missing, unknown or revoked token, or an inactive user, gets 401.
* **Scope**: you see exactly what the same user sees in the web pages. A record outside your scope is 404,
  the same as one that does not exist; an action you may not take on a record you can see is 403.
* **Times** are ISO 8601 with a UTC offset (`2026-03-01T14:30:00+00:00` or `...Z`). Times without an offset
  are refused (400), never guessed.
* **Changes** carry the record's `version`; if someone changed the record since you read it the answer is 409
  and nothing is written.
* **Errors**: `{"detail": "...", "errors": [{"field": "...", "message": "..."}]}`; unknown body fields and
  unknown query parameters are refused. Ids and versions in a body are JSON numbers (`true` or `"7"` are
  refused), text may not contain a NUL character (`\\u0000`), and times are between the years 1900 and 2999.
* **Audit**: every read of case data is recorded in the audit trail.
* **Caching**: every 200 answer to a GET has an `ETag`; send it back in `If-None-Match` and, if nothing you may see
  has changed, the answer is 304 with no body.
* **Sync**: every list takes `updated_since`; with it (or a `cursor`) the list is ordered by when each record last
  changed, then id, and `next` carries an opaque `cursor` (see docs/api.md).
"""

NOT_MODIFIED = {"description": "Not modified: the ETag sent in If-None-Match still matches (no body)"}
WRONG_METHOD = {
    "description": "Method not allowed: the path has no operation for the method sent (the Allow header lists "
    "those it has; plain-text body)",
    "content": {"text/plain": {"schema": {"type": "string"}}},
}
ETAG_HEADER = {"ETag": {"description": "A strong validator of this answer", "schema": {"type": "string"}}}


class HomewardApi(NinjaAPI):
    """ninja with ETags on every GET answer, and the statuses ninja itself answers (304, 405) in the schema."""

    def create_response(
        self,
        request: HttpRequest,
        data: Any,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        response = super().create_response(request, data, status=status, temporal_response=temporal_response)
        return with_etag(request, response)

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """Built once per process (issue 13: rebuilding it on every request of the document cost tens of
        milliseconds of CPU); the routes are fixed at import, so it never changes."""
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        cache: dict[str, OpenAPISchema] = self.__dict__.setdefault("_schema_cache", {})
        if path_prefix not in cache:
            cache[path_prefix] = self._build_openapi_schema(path_prefix)
        return cache[path_prefix]

    def _build_openapi_schema(self, path_prefix: str) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix)
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                responses = operation["responses"]
                if method == "get" and 200 in responses:
                    responses[200].setdefault("headers", {}).update(ETAG_HEADER)
                    responses[304] = NOT_MODIFIED
                responses[405] = WRONG_METHOD
                operation["responses"] = dict(sorted(responses.items(), key=lambda item: int(item[0])))
        return schema


api = HomewardApi(
    title="Homeward API",
    version="1",
    description=DESCRIPTION.strip(),
    urls_namespace="api",
    auth=ApiTokenAuth(),
    parser=StrictJsonParser(),
    renderer=PreciseJSONRenderer(),
)
install_error_handlers(api)
api.add_router("/children", children_router)
api.add_router("/episodes", episodes_router)
api.add_router("/return-interviews", interviews_router)
api.add_router("/meetings", meetings_router)
api.add_router("/meeting-actions", meeting_actions_router)
api.add_router("/risk-changes", risk_changes_router)
api.add_router("/alerts", alerts_router)
api.add_router("/screenings", screenings_router)
api.add_router("/referrals", referrals_router)
api.add_router("/persons", persons_router)
api.add_router("/places", places_router)
api.add_router("/person-links", person_links_router)
api.add_router("/place-links", place_links_router)
api.add_router("/partnership-picture", picture_router)
api.add_router("/shares", shares_router)
api.add_router("/philomena-profiles", philomena_router)
api.add_router("/police-notifications", intake_router)
api.add_router("/tasks", tasks_router)
api.add_router("/notifications", notifications_router)
