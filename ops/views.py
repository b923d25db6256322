"""/ops/live, /ops/ready and /ops/metrics: for the load balancer, the monitoring and whoever is on call.

Live and ready need no sign-in (a load balancer has none) and say only whether things work; the figures behind
them, and the metrics, need the bearer token in HOMEWARD_METRICS_TOKEN (404 when none is set: deny by default).
None of them touches case data or writes to the audit trail, so a probe every few seconds costs nothing.
"""

import hmac

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from ops.checks import database, service_checks
from ops.metrics import render_metrics


def has_metrics_token(request: HttpRequest) -> bool:
    expected = settings.HOMEWARD_METRICS_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


@login_not_required
@require_GET
def live(request: HttpRequest) -> HttpResponse:
    """The process answers (no database): restart it if not."""
    return JsonResponse({"status": "live"})


@login_not_required
@require_GET
def ready(request: HttpRequest) -> HttpResponse:
    """200 while the database answers; 503 otherwise. The service checks are reported, never fatal."""
    db = database()
    checks = [db, *(service_checks() if db.ok else [])]
    status = "ready" if all(check.ok for check in checks) else ("degraded" if db.ok else "unavailable")
    detailed = has_metrics_token(request)
    body = {
        "status": status,
        "checks": {
            check.name: (
                {"ok": check.ok, "value": check.value, "detail": check.detail}
                if detailed
                else ("ok" if check.ok else "warning")
            )
            for check in checks
        },
    }
    response = JsonResponse(body, status=200 if db.ok else 503)
    if not db.ok:
        response["Retry-After"] = str(settings.HOMEWARD_RETRY_AFTER_SECONDS)
    return response


@login_not_required
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not has_metrics_token(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return HttpResponse(render_metrics(), content_type="text/plain; version=0.0.4; charset=utf-8")
