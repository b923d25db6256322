"""The OpenAPI document is valid, complete, and tells the truth about what the API sends."""

import datetime as dt

import pytest
from django.utils import timezone

from episodes.codes import RiskGrade
from interviews.codes import Disclosure
from tests.api.conftest import ApiClient
from tests.api.schema_check import errors, resolve, response_schema

PATHS = {
    "/api/v1/children": {"get", "post"},
    "/api/v1/children/search": {"post"},
    "/api/v1/children/{id}": {"get", "patch"},
    "/api/v1/episodes": {"get", "post"},
    "/api/v1/episodes/{id}": {"get", "patch"},
    "/api/v1/episodes/{id}/risk-grade": {"post"},
    "/api/v1/episodes/{id}/return": {"post"},
    "/api/v1/return-interviews": {"get"},
    "/api/v1/return-interviews/{id}": {"get"},
    "/api/v1/return-interviews/{id}/assign": {"post"},
    "/api/v1/return-interviews/{id}/offer": {"post"},
    "/api/v1/return-interviews/{id}/interview": {"post"},
    "/api/v1/meetings": {"get"},
    "/api/v1/meetings/{id}": {"get"},
    "/api/v1/meeting-actions": {"get"},
    "/api/v1/meeting-actions/{id}": {"get"},
    "/api/v1/meeting-actions/{id}/status": {"post"},
    "/api/v1/risk-changes": {"get"},
    "/api/v1/risk-changes/{id}": {"get"},
    "/api/v1/alerts": {"get"},
    "/api/v1/alerts/{id}": {"get"},
    "/api/v1/alerts/{id}/decision": {"post"},
    "/api/v1/screenings": {"get"},
    "/api/v1/screenings/{id}": {"get"},
    "/api/v1/referrals": {"get"},
    "/api/v1/referrals/{id}": {"get"},
    "/api/v1/persons": {"get"},
    "/api/v1/persons/{id}": {"get"},
    "/api/v1/persons/find": {"post"},
    "/api/v1/partnership-picture": {"get"},
    "/api/v1/places/find": {"post"},
    "/api/v1/places": {"get"},
    "/api/v1/places/{id}": {"get"},
    "/api/v1/person-links": {"get"},
    "/api/v1/person-links/{id}": {"get"},
    "/api/v1/place-links": {"get"},
    "/api/v1/place-links/{id}": {"get"},
    "/api/v1/shares": {"get", "post"},
    "/api/v1/shares/{id}": {"get"},
    "/api/v1/shares/{id}/withdraw": {"post"},
    "/api/v1/philomena-profiles/{child_id}": {"get"},
    "/api/v1/police-notifications": {"post"},
    "/api/v1/episodes/{id}/log": {"get", "post"},
    "/api/v1/tasks": {"get"},
    "/api/v1/alerts/{id}/assign": {"post"},
    "/api/v1/notifications": {"get"},
    "/api/v1/notifications/{id}": {"get"},
    "/api/v1/notifications/{id}/read": {"post"},
}


@pytest.fixture
def document(db):
    response = ApiClient().get("/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_document_is_openapi_3_with_every_path(document):
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Homeward API"
    assert document["info"]["version"] == "1"
    assert {path: set(ops) for path, ops in document["paths"].items()} == PATHS


def test_every_operation_needs_the_bearer_token(document):
    schemes = document["components"]["securitySchemes"]
    assert list(schemes.values()) == [{"type": "http", "scheme": "bearer"}]
    name = next(iter(schemes))
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation["security"] == [{name: []}], (method, path)
            assert "401" in operation["responses"], (method, path)


def test_codes_and_time_rules_are_documented(document):
    schemas = document["components"]["schemas"]
    assert schemas["ReportIn"]["properties"]["risk_grade"]["enum"] == list(RiskGrade.values)
    disclosures = resolve(schemas["InterviewIn"]["properties"]["disclosures"]["items"], document)
    assert disclosures["enum"] == list(Disclosure.values)
    last_seen = schemas["ReportIn"]["properties"]["last_seen_at"]
    assert last_seen["format"] == "date-time"
    assert "without an offset are refused" in last_seen["description"]
    for name in (
        "ReportIn",
        "EpisodeChangeIn",
        "RiskGradeIn",
        "ReturnIn",
        "AssignIn",
        "OfferIn",
        "InterviewIn",
        "CloseActionIn",
    ):
        assert schemas[name]["additionalProperties"] is False, name
    assert "version" in schemas["EpisodeChangeIn"]["required"]


def test_docs_page_is_served(db):
    response = ApiClient().get("/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content


def test_the_checker_is_not_vacuous(document):
    schema = response_schema(document, "/api/v1/episodes/{id}", "get", 200)
    assert errors({"id": "seven"}, schema, document)
    assert any("not declared" in e for e in errors({"surprise": 1}, {"type": "object", "properties": {}}, document))
    assert errors("2026-01-01T10:00:00", {"type": "string", "format": "date-time"}, document)
    assert not errors("2026-01-01T10:00:00+00:00", {"type": "string", "format": "date-time"}, document)


@pytest.fixture
def busy_world(world, interview, returned_episode):
    """Records in every state, so optional fields are both null and filled somewhere in the answers."""
    from tests.factories import EpisodeFactory

    EpisodeFactory(
        child=world.child,
        police_force=world.police_north,
        created_by=world.users.police,
        last_seen_at=timezone.now() - dt.timedelta(hours=2),
    )
    world.child.social_worker = world.users.social_worker
    world.child.save()
    return world


def test_every_get_answer_matches_its_declared_schema(busy_world, api_as, document, interview, returned_episode):
    world = busy_world
    client = api_as("coordinator")
    reads = {
        ("/api/v1/children", "/children"),
        ("/api/v1/children/{id}", f"/children/{world.child.pk}"),
        ("/api/v1/children/{id}", f"/children/{world.placed_child.pk}"),
        ("/api/v1/episodes", "/episodes"),
        ("/api/v1/episodes/{id}", f"/episodes/{returned_episode.pk}"),
        ("/api/v1/return-interviews", "/return-interviews"),
        ("/api/v1/return-interviews/{id}", f"/return-interviews/{interview.pk}"),
    }
    for template, path in sorted(reads):
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.json()
        if "items" in body:
            assert body["items"], f"{path} returned no items to check"
        problems = errors(body, response_schema(document, template, "get", 200), document)
        assert not problems, (path, problems)


def test_write_answers_match_their_declared_schemas(world, api_as, document, interview):
    client = api_as("coordinator")
    now = timezone.now()
    created = client.post(
        "/episodes",
        {
            "child": world.placed_child.pk,
            "episode_type": "A",
            "missing_from": "placement",
            "last_seen_at": (now - dt.timedelta(hours=3)).isoformat(),
            "last_seen_place": "Children's home",
            "reported_at": (now - dt.timedelta(hours=2)).isoformat(),
            "reported_by": "Residential worker",
            "police_force": world.police_north.pk,
            "risk_grade": "low",
        },
    )
    assert created.status_code == 201
    assert not errors(created.json(), response_schema(document, "/api/v1/episodes", "post", 201), document)
    returned = client.post(
        f"/episodes/{created.json()['id']}/return",
        {
            "returned_at": (now - dt.timedelta(hours=1)).isoformat(),
            "found_place": "Town centre",
            "found_by": "self",
            "version": 1,
        },
    )
    assert returned.status_code == 200
    assert not errors(returned.json(), response_schema(document, "/api/v1/episodes/{id}/return", "post", 200), document)
    assigned = client.post(f"/return-interviews/{interview.pk}/assign", {"practitioner": None, "version": 2})
    schema = response_schema(document, "/api/v1/return-interviews/{id}/assign", "post", 200)
    assert not errors(assigned.json(), schema, document)


def test_error_answers_match_their_declared_schemas(world, api_as, document, open_episode):
    client = api_as("coordinator")
    cases = [
        (client.get("/episodes", {"status": "lost"}), "/api/v1/episodes", "get", 400),
        (ApiClient().get("/episodes"), "/api/v1/episodes", "get", 401),
        (client.get("/episodes/987654"), "/api/v1/episodes/{id}", "get", 404),
        (api_as("analyst").post("/episodes", {}), "/api/v1/episodes", "post", 400),
        (
            client.post(f"/episodes/{open_episode.pk}/risk-grade", {"grade": "low", "reason": "x", "version": 9}),
            "/api/v1/episodes/{id}/risk-grade",
            "post",
            409,
        ),
    ]
    for response, path, method, status in cases:
        assert response.status_code == status, (path, response.content)
        assert not errors(response.json(), response_schema(document, path, method, status), document)


def test_the_document_is_built_once_per_process(db, monkeypatch):
    """Issue 13: the schema was rebuilt on every request (23 requests a second at most)."""
    import ninja.main

    from api.main import api

    builds = []
    real_get_schema = ninja.main.get_schema
    monkeypatch.setattr(ninja.main, "get_schema", lambda **kwargs: builds.append(1) or real_get_schema(**kwargs))
    api.__dict__.pop("_schema_cache", None)
    first = ApiClient().get("/openapi.json").json()
    second = ApiClient().get("/openapi.json").json()
    assert first == second and "/api/v1/children/{id}" in first["paths"]
    assert len(builds) == 1
