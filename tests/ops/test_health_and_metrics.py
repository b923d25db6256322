"""/ops/live, /ops/ready and /ops/metrics (issue 13), and the JSON logs: request ids, and no personal data."""

import json
import logging

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from core.logs import JsonFormatter, RequestIdFilter
from core.worker import beat
from risk.tasks import sweep_open_episodes

TOKEN = "metrics-token-for-tests-0123456789"


@pytest.fixture
def metrics_token(settings):
    settings.HOMEWARD_METRICS_TOKEN = TOKEN
    return {"Authorization": f"Bearer {TOKEN}"}


def _database_gone(execute, sql, params, many, context):
    raise OperationalError("could not connect to server: Connection refused")


def test_live_needs_no_database_and_no_sign_in(db):
    with connection.execute_wrapper(_database_gone):
        response = Client().get("/ops/live")
    assert response.status_code == 200
    assert response.json() == {"status": "live"}


def test_ready_is_ready_with_a_live_worker_and_an_empty_queue(world):
    beat("worker-1")
    response = Client().get("/ops/ready")
    assert response.status_code == 200
    assert response.json()["status"] == "ready"
    assert set(response.json()["checks"].values()) == {"ok"}  # no figures without the token


def test_ready_warns_but_stays_200_without_a_worker(world, metrics_token):
    sweep_open_episodes.enqueue()
    response = Client().get("/ops/ready", headers=metrics_token)
    assert response.status_code == 200  # a dead worker is no reason to take the web servers out of service
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["worker_heartbeat"] == {"ok": False, "value": 0, "detail": "live workers"}
    assert body["checks"]["queue_depth"]["value"] == 1


def test_ready_is_503_when_the_database_is_away(db):
    client = Client(raise_request_exception=False)
    with connection.execute_wrapper(_database_gone):
        response = client.get("/ops/ready")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json() == {"status": "unavailable", "checks": {"database": "warning"}}


def test_metrics_are_refused_without_the_token(db, settings):
    settings.HOMEWARD_METRICS_TOKEN = ""
    assert Client().get("/ops/metrics").status_code == 404  # no token configured: nobody
    settings.HOMEWARD_METRICS_TOKEN = TOKEN
    assert Client().get("/ops/metrics").status_code == 404
    assert Client().get("/ops/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404


def test_metrics_carry_latency_by_route_and_the_service_figures(world, metrics_token):
    client = Client()
    client.force_login(world.users.coordinator)
    client.get(f"/children/{world.child.pk}/")
    sweep_open_episodes.enqueue()
    body = Client().get("/ops/metrics", headers=metrics_token).content.decode()
    assert 'homeward_request_duration_seconds_count{method="GET",route="children/<int:child_id>/",status="2xx"}' in body
    assert "homeward_database_up 1.0" in body
    assert "homeward_queue_depth 1.0" in body
    for name in ("homeward_failed_tasks_last_hour", "homeward_overdue_return_interviews", "homeward_stuck_tasks"):
        assert name in body


# --- Logs -------------------------------------------------------------------------------------------------


@pytest.fixture
def json_log():
    """The JSON lines the console handler would write, captured."""
    lines: list[str] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Capture()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    access = logging.getLogger("homeward.request")
    level = access.level
    access.setLevel(logging.INFO)
    root.addHandler(handler)
    yield lines
    root.removeHandler(handler)
    access.setLevel(level)


def test_every_request_has_an_id_in_its_header_and_its_log_line(world, json_log):
    client = Client()
    client.force_login(world.users.coordinator)
    response = client.get(f"/children/{world.child.pk}/")
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    [line] = [json.loads(text) for text in json_log if '"homeward.request"' in text]
    assert line["request_id"] == request_id
    assert line["route"] == "children/<int:child_id>/"
    assert line["status"] == 200 and line["method"] == "GET" and line["duration_ms"] >= 0
    passed_on = client.get("/ops/live", headers={"X-Request-ID": "proxy-id-12345"})
    assert passed_on["X-Request-ID"] == "proxy-id-12345"
    forged = client.get("/ops/live", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert forged["X-Request-ID"] != "<script>alert(1)</script>"


def test_the_logs_hold_no_personal_data(world, json_log, settings):
    """Sign in with a wrong password, read the child's record, search for the child by name, read it through
    the API: not one log line carries the child's name, identifiers, date of birth, the username or an address."""
    settings.HOMEWARD_TRUSTED_PROXIES = 1
    client = Client(REMOTE_ADDR="192.0.2.44")
    client.post(reverse("login"), {"username": "coord.north", "password": "not the password"})
    client.force_login(world.users.coordinator)
    headers = {"X-Forwarded-For": "198.51.100.23"}
    client.get(f"/children/{world.child.pk}/", headers=headers)
    client.post("/children/search/", {"name": "Jordan Example", "query": "Jordan Example"}, headers=headers)
    client.get(f"/children/?q={world.child.la_child_id}", headers=headers)
    assert json_log, "nothing was logged"
    text = "\n".join(json_log)
    for personal in (
        "Jordan",
        "Example",
        "N000123",
        "A123456789012",
        "2011-03-04",
        "coord.north",
        "192.0.2.44",
        "198.51.100.23",
    ):
        assert personal not in text, f"{personal!r} reached the logs"
    for line in json_log:
        assert set(json.loads(line)) <= {
            "time",
            "level",
            "logger",
            "message",
            "request_id",
            "method",
            "route",
            "status",
            "duration_ms",
            "exception",
            "worker_id",
            "task",
        }
