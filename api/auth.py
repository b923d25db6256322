"""Bearer-token authentication: the API's only way in. There is no session or cookie auth on the API,
which is why its views can be CSRF-exempt: a browser never sends the token by itself.

Each router names its area (`ScopedTokenAuth("episodes")`): a GET needs the token's `<area>:read` scope, any other
method `<area>:write` (an operation can name its own, as the POST search of children does). A token without the
scope gets 403; an unknown, revoked or expired token, an inactive user, a revoked system client, or a token whose
user has moved agency since it was issued gets 401. Every accepted call is audited (access.tokens.record_token_use).
"""

from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer

from access.models import ApiToken, User
from access.tokens import record_token_use

LAST_USED_GRANULARITY = timedelta(minutes=1)
MAX_TOKEN_LENGTH = 200
READ_METHODS = {"GET", "HEAD"}


class ApiRequest(HttpRequest):
    """A request the bearer token let in: django-ninja sets `auth` to what `ApiTokenAuth.authenticate` returned
    (a `User`) before the route runs, and refuses the request with 401 when it returned None."""

    auth: User


def valid_token(token: str) -> ApiToken | None:
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    api_token = (
        ApiToken.objects.select_related("user", "user__agency", "client")
        .filter(digest=ApiToken.digest_of(token), revoked_at__isnull=True)
        .first()
    )
    if api_token is None or not api_token.user.is_active or api_token.is_expired(timezone.now()):
        return None
    if api_token.client is not None and api_token.client.revoked_at is not None:
        return None
    if api_token.agency_id is not None and api_token.agency_id != api_token.user.agency_id:
        return None
    return api_token


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`, as issued by `manage.py create_api_token` or the credentials page.

    Without an area (the API's default) only a valid token is needed."""

    def __init__(self, area: str | None = None, access: str | None = None) -> None:
        super().__init__()
        self.area = area
        self.access = access

    def required_scope(self, request: HttpRequest) -> str | None:
        if self.area is None:
            return None
        access = self.access or ("read" if request.method in READ_METHODS else "write")
        return f"{self.area}:{access}"

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        api_token = valid_token(token)
        if api_token is None:
            return None
        scope = self.required_scope(request)
        if scope is not None and scope not in api_token.scopes:
            raise HttpError(403, f"This token does not have the scope {scope}")
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at >= LAST_USED_GRANULARITY:
            # A plain UPDATE: at most one write a minute per token, and no lost-update race with revocation.
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        record_token_use(api_token, method=request.method or "", path=request.path)
        return api_token.user


def scoped(area: str, access: str | None = None) -> ApiTokenAuth:
    return ApiTokenAuth(area, access)
