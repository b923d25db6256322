"""The one Homeward API: every operation needs a bearer token (deny by default) and reaches case data only
through each app's scoped lookups (`<app>/scoping.py`)."""

from typing import Any

from ninja import NinjaAPI

from api.auth import ApiTokenAuth
from api.children import router as children_router
from api.episodes import router as episodes_router
from api.errors import StrictJsonParser, install_error_handlers
from api.interviews import router as interviews_router
from api.rendering import PreciseJSONRenderer

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
"""


class HomewardAPI(NinjaAPI):
    """The API, with its OpenAPI schema built once per process (issue 13: rebuilding it on every request of
    /api/v1/openapi.json cost tens of milliseconds of CPU). The routes are fixed at import, so it never changes."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict | None = None) -> Any:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        cache: dict[str, Any] = self.__dict__.setdefault("_schema_cache", {})
        if path_prefix not in cache:
            cache[path_prefix] = super().get_openapi_schema(path_prefix=path_prefix)
        return cache[path_prefix]


api = HomewardAPI(
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
