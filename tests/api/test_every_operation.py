"""Every operation's real answers against the OpenAPI document: each permission matrix entry of the API, as an
allowed user (its 200 or 201) and as a denied one (its 403 or 404), checked against the schema the operation
declares for that status; plus the statuses the document adds for every operation (304 and 405)."""

import json

import pytest
from django.test import Client

from access.tokens import issue_token
from tests.api.schema_check import errors
from tests.permission_matrix import MATRIX, USERS
from tests.test_permission_matrix import _resolve, _url, matrix, matrix_records, writable  # noqa: F401 - the fixtures

API_ENTRIES = [entry for entry in MATRIX if entry.is_api]


@pytest.fixture
def document(db):
    return Client().get("/api/v1/openapi.json").json()


def _template(entry) -> tuple[str, str]:
    method, path = entry.key.split(" ", 1)
    return method.lower(), path


def _call(entry, records, user, who):
    method, _ = _template(entry)
    headers = {"Authorization": f"Bearer {issue_token(who)}"}
    url = _url(entry, records)
    if entry.body is None:
        return getattr(Client(), method)(url, headers=headers)
    body = json.dumps({name: _resolve(value, records) for name, value in entry.body.items()})
    return getattr(Client(), method)(url, body, content_type="application/json", headers=headers)


def _check(document, entry, response):
    method, path = _template(entry)
    declared = document["paths"][path][method]["responses"]
    status = str(response.status_code)
    assert status in declared, f"{entry.key} answered {status}, which its schema does not document"
    schema = declared[status].get("content", {}).get("application/json", {}).get("schema")
    if schema is not None:
        problems = errors(response.json(), schema, document)
        assert not problems, (entry.key, status, problems)


@pytest.mark.parametrize("entry", API_ENTRIES, ids=[entry.key for entry in API_ENTRIES])
def test_allowed_and_denied_answers_match_the_schema(writable, document, entry):  # noqa: F811 - the fixture
    allowed = sorted(entry.allowed)
    denied = [user for user in USERS if user not in entry.allowed]
    for user in [*allowed[:1], *denied[:1]]:
        response = _call(entry, writable, user, getattr(writable.users, user))
        assert response.status_code == entry.expected(user), (entry.key, user, response.content[:300])
        _check(document, entry, response)


def test_every_get_has_an_etag_and_answers_304_to_it(matrix, document):  # noqa: F811 - the fixture
    headers = {"Authorization": f"Bearer {issue_token(matrix.users.coordinator)}"}
    for entry in API_ENTRIES:
        method, path = _template(entry)
        if method != "get" or "coordinator" not in entry.allowed:
            continue
        first = Client().get(_url(entry, matrix), headers=headers)
        assert first.status_code == 200 and first["ETag"], entry.key
        again = Client().get(_url(entry, matrix), headers={**headers, "If-None-Match": first["ETag"]})
        assert again.status_code == 304 and again.content == b"", entry.key
        assert "304" in document["paths"][path]["get"]["responses"]
        stale = Client().get(_url(entry, matrix), headers={**headers, "If-None-Match": '"not-this-one"'})
        assert stale.status_code == 200


def test_a_wrong_method_is_405_as_documented(matrix, document):  # noqa: F811 - the fixture
    headers = {"Authorization": f"Bearer {issue_token(matrix.users.coordinator)}"}
    response = Client().get(f"/api/v1/alerts/{matrix.alert.pk}/decision", headers=headers)
    assert response.status_code == 405
    assert "POST" in response["Allow"]
    assert "405" in document["paths"]["/api/v1/alerts/{id}/decision"]["post"]["responses"]
    response = Client().delete(f"/api/v1/children/{matrix.child.pk}", headers=headers)
    assert response.status_code == 405
