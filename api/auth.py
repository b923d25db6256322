"""Bearer-token authentication: the API's only way in. There is no session or cookie auth on the API,
which is why its views can be CSRF-exempt: a browser never sends the token by itself."""

from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from access.models import ApiToken, User

LAST_USED_GRANULARITY = timedelta(minutes=1)
MAX_TOKEN_LENGTH = 200


class ApiRequest(HttpRequest):
    """A request the bearer token let in: django-ninja sets `auth` to what `ApiTokenAuth.authenticate` returned
    (a `User`) before the route runs, and refuses the request with 401 when it returned None."""

    auth: User


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`, as issued by `manage.py create_api_token`."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        if not token or len(token) > MAX_TOKEN_LENGTH:
            return None
        api_token = (
            ApiToken.objects.select_related("user", "user__agency")
            .filter(digest=ApiToken.digest_of(token), revoked_at__isnull=True)
            .first()
        )
        if api_token is None or not api_token.user.is_active:
            return None
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at >= LAST_USED_GRANULARITY:
            # A plain UPDATE: at most one write a minute per token, and no lost-update race with revocation.
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        return api_token.user
