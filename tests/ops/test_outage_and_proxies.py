"""Outages answer 503 with Retry-After (JSON for the API, a GOV.UK page otherwise); the client address comes from
HOMEWARD_TRUSTED_PROXIES, and a malformed X-Forwarded-For never causes a 500 (issue 13)."""

import pytest
from django.db import OperationalError, connection
from django.test import Client, RequestFactory

from access.middleware import client_ip
from access.models import AuditEvent
from access.tokens import issue_token


def _database_gone(execute, sql, params, many, context):
    """What the driver raises when PostgreSQL has been restarted under a connection."""
    raise OperationalError("server closed the connection unexpectedly")


def test_a_page_during_an_outage_is_a_govuk_service_unavailable_page(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.users.coordinator)
    with connection.execute_wrapper(_database_gone):
        response = client.get(f"/children/{world.child.pk}/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"].startswith("text/html")
    assert b"Sorry, the service is unavailable" in response.content
    assert b"govuk-frontend.min.css" in response.content


def test_the_api_during_an_outage_answers_503_json(world):
    token = issue_token(world.users.coordinator)
    with connection.execute_wrapper(_database_gone):  # the token lookup itself fails: the database is away
        response = Client(raise_request_exception=False).get(
            f"/api/v1/children/{world.child.pk}", headers={"Authorization": f"Bearer {token}"}
        )
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json()["detail"].startswith("The service is unavailable")


def test_a_bug_in_the_api_is_a_json_500_not_an_html_page(world, monkeypatch):
    token = issue_token(world.users.coordinator)
    monkeypatch.setattr("api.children._out", lambda *args, **kwargs: 1 / 0)  # a bug, not an outage
    response = Client(raise_request_exception=False).get(
        f"/api/v1/children/{world.child.pk}", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 500
    assert response.json()["detail"].startswith("Something went wrong")


@pytest.mark.parametrize(
    ("trusted", "forwarded", "remote", "expected"),
    [
        (0, "203.0.113.7", "10.0.0.2", "10.0.0.2"),  # no proxies trusted: the header is the client's own words
        (1, "203.0.113.7", "10.0.0.2", "203.0.113.7"),
        (1, "6.6.6.6, 203.0.113.7", "10.0.0.2", "203.0.113.7"),  # a forged first entry is ignored
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.9", "10.0.0.2", "203.0.113.7"),
        (2, "203.0.113.7", "10.0.0.2", "10.0.0.2"),  # fewer entries than proxies: misconfigured, not trusted
        (1, "not-an-ip", "10.0.0.2", "10.0.0.2"),
        (1, "203.0.113.7:5100", "10.0.0.2", "203.0.113.7"),
        (1, "[2001:db8::1]:443", "10.0.0.2", "2001:db8::1"),
        (1, ",,, ", "10.0.0.2", "10.0.0.2"),
        (1, "203.0.113.7", "garbage", "203.0.113.7"),
        (0, "", "garbage", None),
    ],
)
def test_the_client_address_comes_from_the_trusted_proxies(settings, trusted, forwarded, remote, expected):
    settings.HOMEWARD_TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)
    assert client_ip(request) == expected


@pytest.mark.parametrize("header", ["not-an-ip", "1.2.3.4.5", "\x00", "a" * 5000, "::::", "[::1"])
def test_a_malformed_forwarded_header_never_causes_a_500(world, settings, header):
    settings.HOMEWARD_TRUSTED_PROXIES = 1
    client = Client(raise_request_exception=False)
    client.force_login(world.users.coordinator)
    response = client.get(f"/children/{world.child.pk}/", headers={"X-Forwarded-For": header})
    assert response.status_code == 200
    event = AuditEvent.objects.filter(child_id=world.child.pk, action=AuditEvent.Action.VIEW).latest("id")
    assert event.ip_address == "127.0.0.1"


def test_a_forged_address_does_not_reach_the_audit_trail(world, settings):
    settings.HOMEWARD_TRUSTED_PROXIES = 1
    client = Client()
    client.force_login(world.users.coordinator)
    client.get(f"/children/{world.child.pk}/", headers={"X-Forwarded-For": "6.6.6.6, 203.0.113.7"})
    event = AuditEvent.objects.filter(child_id=world.child.pk, action=AuditEvent.Action.VIEW).latest("id")
    assert event.ip_address == "203.0.113.7"


def test_a_session_that_cannot_be_saved_in_a_read_only_database_is_503_not_400(world):
    """Django turns a failed session save into 400 (SessionInterrupted); when the database refused it, it is an
    outage. The read-only refusal is PostgreSQL's own error class, raised by the driver."""
    import psycopg

    client = Client(raise_request_exception=False)
    client.force_login(world.users.coordinator)

    def read_only(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(("UPDATE", "INSERT")):
            try:
                raise psycopg.errors.ReadOnlySqlTransaction("cannot execute UPDATE in a read-only transaction")
            except psycopg.Error as exc:
                from django.db import InternalError

                raise InternalError(str(exc)) from exc
        return execute(sql, params, many, context)

    with connection.execute_wrapper(read_only):
        response = client.get("/ops/live")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
