"""Prometheus metrics (prometheus-client): request latency by route, and the service figures of ops.checks.

The request histogram lives in each web process. Under gunicorn with several workers set PROMETHEUS_MULTIPROC_DIR
(make serve-prod does) so a scrape of any worker adds up every worker's figures. The database figures (queue
depth, failed jobs, overdue interviews…) are read at scrape time.
"""

import os
import time
from collections.abc import Callable, Iterator

from django.http import HttpRequest, HttpResponse
from prometheus_client import CollectorRegistry, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from core.logs import route_of

REQUEST_SECONDS = Histogram(
    "homeward_request_duration_seconds",
    "Time to answer a request, by route (URL pattern), method and status class",
    ["route", "method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10),
)


class RequestMetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        REQUEST_SECONDS.labels(route_of(request), request.method, f"{response.status_code // 100}xx").observe(
            time.perf_counter() - started
        )
        return response


class ServiceCollector(Collector):
    """The database-backed figures, read when Prometheus scrapes."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from ops.checks import database, service_checks  # the models load after the registry

        db = database()
        yield GaugeMetricFamily("homeward_database_up", "1 if the database answered", value=int(db.ok))
        if not db.ok:
            return
        for check in service_checks():
            yield GaugeMetricFamily(f"homeward_{check.name}", check.detail or check.name, value=check.value or 0)


def render_metrics() -> bytes:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REQUEST_SECONDS)
    registry.register(ServiceCollector())
    return generate_latest(registry)
