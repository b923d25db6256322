"""Request-wide security plumbing: deny-by-default sign-in, and who/where for the audit trail."""

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse

from access.audit import AuditContext, reset_context, set_context


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, for the audit trail and sign-in throttling.

    Behind HOMEWARD_TRUSTED_PROXIES proxies, each appending the address it saw to X-Forwarded-For, the client is
    that many entries from the right: entries further left were written by the client and prove nothing. A
    header that is missing, too short or not an address falls back to the connection's own address; a
    malformed value is never passed on (it would fail the audit row's address field: a 500).
    """
    trusted = settings.HOMEWARD_TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "") if trusted else ""
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if len(hops) >= trusted > 0:
        address = _valid_address(hops[-trusted])
        if address:
            return address
    return _valid_address(request.META.get("REMOTE_ADDR", ""))


def _valid_address(value: str) -> str | None:
    """The address in `value` ("192.0.2.1", "192.0.2.1:5000", "[2001:db8::1]:443"), or None if it is not one."""
    value = value.strip()
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # an IPv4 address with a port
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


# A strict Content Security Policy: no inline script or style anywhere, nothing from other origins.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)
# Swagger UI (the API's documentation page) sets inline styles; it holds no case data.
API_DOCS_POLICY = CONTENT_SECURITY_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not set: CSP, no caching of case pages, permissions."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = API_DOCS_POLICY if request.path.startswith("/api/v1/docs") else CONTENT_SECURITY_POLICY
        response.setdefault("Content-Security-Policy", policy)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if not request.path.startswith(settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/static/"):
            # Case data must not linger in browser or proxy caches on shared machines.
            response.setdefault("Cache-Control", "no-store")
        return response


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        channel = "api" if request.path.startswith("/api/") else "web"
        token = set_context(AuditContext(channel=channel, ip_address=client_ip(request), path=request.path))
        try:
            return self.get_response(request)
        finally:
            reset_context(token)


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Every page needs a signed-in user unless its view is marked @login_not_required.

    The API is the exception: it authenticates each request by bearer token and denies by default.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
