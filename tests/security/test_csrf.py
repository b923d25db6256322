"""CSRF (issue 4): every page that takes a POST refuses one without the CSRF token (403) and changes nothing,
whoever is signed in; the API, which has no session authentication, refuses a signed-in browser's cookies
altogether (401), so a cross-site page cannot drive it either. Every page is in the permission matrix
(tests/permission_matrix.py), so a new page is covered here as soon as it is in the table."""

import json
from typing import Any, cast

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import reverse

from access.models import AuditEvent
from tests.permission_matrix import MATRIX, Entry
from tests.security.test_tampered_ids import WRITE_BODIES, _is_record, record_arg


def _url(entry: Entry, writable) -> str:
    kwargs = {name: record_arg(writable, v) if _is_record(v) else v for name, v in entry.args.items()}
    return reverse(entry.key, kwargs=kwargs)


def _row_counts() -> dict[str, int]:
    """How many rows every table holds, and the newest audit event: a refused request changes neither."""
    counts = {model._meta.label: cast(Any, model).objects.count() for model in apps.get_models() if model._meta.managed}
    # Every API call is audited (api_call, issue 17), refused or not: that is the call's own record, not a write.
    audit = AuditEvent.objects.exclude(action=AuditEvent.Action.API_CALL)
    counts["access.AuditEvent"] = audit.count()
    counts["last audit event"] = audit.order_by("-id").values_list("id", flat=True).first() or 0
    return counts


def _poster(entry: Entry) -> str | None:
    """Someone who may use the page (so only the missing token can refuse them); None: signed out."""
    if entry.key in {"login", "accounts:two-factor", "accounts:enrol"}:
        return None
    return "coordinator" if "coordinator" in entry.allowed else sorted(entry.allowed)[0]


PAGES = [pytest.param(entry, id=entry.key) for entry in MATRIX if not entry.is_api and entry.allowed]


KNOWN_SECRET = "s" * 32  # a CSRF cookie the test plants, as the browser would hold it


CSRF_PAGE = "core/csrf_failure.html"


def _refused_for_csrf(response) -> bool:
    """Refused by the CSRF check: 403 with Homeward's own page (settings.CSRF_FAILURE_VIEW)."""
    return response.status_code == 403 and CSRF_PAGE in {template.name for template in response.templates}


@pytest.mark.parametrize("entry", PAGES)
def test_a_post_without_the_csrf_token_is_refused(writable, entry: Entry):
    client = Client(enforce_csrf_checks=True)
    user = _poster(entry)
    if user is not None:
        client.force_login(getattr(writable.users, user))
    client.cookies[settings.CSRF_COOKIE_NAME] = KNOWN_SECRET
    url = _url(entry, writable)
    before = _row_counts()
    response = client.post(url, {"version": "1", "reason": "cross-site", "username": "x", "password": "y"})
    assert _refused_for_csrf(response), f"{entry.key}: {response.status_code}"
    assert _row_counts() == before
    # The same request with the token is not refused for CSRF: the missing token was the only reason.
    with_token = client.post(url, {"csrfmiddlewaretoken": KNOWN_SECRET, "version": "1"})
    assert not _refused_for_csrf(with_token), entry.key


def test_a_post_with_a_wrong_csrf_token_is_refused(writable):
    client = Client(enforce_csrf_checks=True)
    client.force_login(writable.users.coordinator)
    url = reverse("episodes:change-risk", kwargs={"episode_id": writable.episode.pk})
    client.cookies[settings.CSRF_COOKIE_NAME] = KNOWN_SECRET
    before = _row_counts()
    response = client.post(url, {"csrfmiddlewaretoken": "x" * 32, "grade": "low", "reason": "r", "version": "1"})
    assert _refused_for_csrf(response)
    assert _row_counts() == before


@pytest.mark.parametrize("signed_in", [True, False], ids=["signed-in", "signed-out"])
def test_the_csrf_failure_page_is_a_govuk_page_that_echoes_nothing(writable, signed_in):
    """A form posted without a valid token (a session that expired with the page open, or another site's
    form) gets a GOV.UK page saying what to do next, never Django's plain page, and nothing of the request."""
    client = Client(enforce_csrf_checks=True)
    if signed_in:
        client.force_login(writable.users.coordinator)
    url = reverse("children:search") + "?ECHO-PATH-MARK=1"
    response = client.post(
        url,
        {"csrfmiddlewaretoken": "ECHO-TOKEN-MARK", "q": "N000123 Jordan"},
        headers={"referer": "https://elsewhere.example/ECHO-REFERER-MARK"},
    )
    assert response.status_code == 403
    assert [t.name for t in response.templates][:2] == [CSRF_PAGE, "core/base.html"]
    content = response.content.decode()
    assert '<h1 class="govuk-heading-l">Sorry, your form could not be sent</h1>' in content
    assert "Your session may have expired" in content and "Go back, reload the page and try again" in content
    assert '<body class="govuk-template__body' in content  # the whole GOV.UK page, header and all
    for echoed in ("ECHO-PATH-MARK", "ECHO-TOKEN-MARK", "ECHO-REFERER-MARK", "elsewhere.example", "N000123"):
        assert echoed not in content, echoed
    for reason in ("CSRF cookie not set", "CSRF token", "Referer", "Origin checking", "CSRF verification failed"):
        assert reason not in content, reason
    assert (
        "script-src" in response["Content-Security-Policy"]
        and "unsafe-inline" not in response["Content-Security-Policy"]
    )


API_WRITES = [pytest.param(entry, id=entry.key) for entry in MATRIX if entry.is_api and entry.write]
API_READS = [pytest.param(entry, id=entry.key) for entry in MATRIX if entry.is_api and not entry.write]


def _api_path(entry: Entry, writable) -> str:
    path = entry.key.split(" ", 1)[1]
    return path.format(**{name: getattr(writable, v).pk for name, v in entry.args.items()})


@pytest.mark.parametrize("entry", API_WRITES)
def test_the_api_refuses_a_session_cookie_for_a_write(writable, entry: Entry):
    """A signed-in browser's cookie is no way into the API: without a bearer token every write is 401."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(writable.users.coordinator)
    method = entry.key.split(" ")[0].lower()
    body = WRITE_BODIES.get(entry.key, {})
    before = _row_counts()
    response = getattr(client, method)(_api_path(entry, writable), json.dumps(body), content_type="application/json")
    assert response.status_code == 401, f"{entry.key}: {response.status_code}"
    assert _row_counts() == before


@pytest.mark.parametrize("entry", API_READS)
def test_the_api_refuses_a_session_cookie_for_a_read(writable, entry: Entry):
    client = Client()
    client.force_login(writable.users.coordinator)
    if entry.body is None:
        response = client.get(_api_path(entry, writable))
    else:  # a search: read by POST, so the words stay out of the URL
        response = client.post(_api_path(entry, writable), json.dumps(entry.body), content_type="application/json")
    assert response.status_code == 401, f"{entry.key}: {response.status_code}"
    assert b"Jordan" not in response.content and b"N000123" not in response.content
