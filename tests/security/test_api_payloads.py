"""Hostile and malformed API bodies (issue 4). Every free-text field of every API write (found from the
operations' body schemas, so a new field is covered as soon as it exists) takes HTML, SQL, Unicode tricks and
very long text and either stores it exactly or refuses it with a 400 naming the field; a NUL byte is always
refused (PostgreSQL cannot store one). Broken JSON, wrong types, unknown fields, deep nesting, huge bodies,
impossible dates and ids get a 400 naming the problem, never a 500, and nothing is written."""

import datetime as dt
import json
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from access.models import Role
from access.tokens import issue_token
from api.main import api as ninja_api
from children.models import Child
from episodes.models import EpisodeLogEntry, MissingEpisode
from interviews.actions import record_offer
from interviews.codes import Outcome
from interviews.models import ReturnInterview
from meetings.actions import add_action, call_meeting
from meetings.codes import MeetingKind
from meetings.models import MeetingAction
from risk.codes import AlertKind
from risk.models import Alert
from sharing.actions import share_record
from sharing.codes import ChildConsent, LawfulBasis
from sharing.models import Share
from tests.factories import ChildFactory, EpisodeFactory
from tests.security.test_csrf import _row_counts

NUL = "before\x00after"
LONG = "x" * 100_000
HOSTILE = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE children_child; --",
    "' OR '1'='1",
    "\u202egnp.exe\u202c and \u200f\u2066isolated\u2069 \U0001f600 e\u0301 \ufeff",
    LONG,
)
# Fields an action puts in a canonical form: stored as that form of what was sent, never otherwise changed.
NORMALISED = {
    "police_reference": lambda value: value.strip().upper(),
    "upn": lambda value: value.strip().upper(),
    "placement_postcode": lambda value: " ".join(value.upper().split()),
}
RAW_MARKUP = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")


def _body_schemas() -> dict[str, Any]:
    """Each API write's body schema, by "METHOD /api/v1/path"."""
    schemas = {}
    for prefix, router in ninja_api._routers:
        for route, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for model in operation.models:
                    if getattr(model, "__ninja_param_source__", None) == "body":
                        for method in operation.methods:
                            schemas[f"{method} /api/v1{prefix}{route}"] = model.model_fields["payload"].annotation
    return schemas


# Reads that take their words in a body so that names stay out of URLs: searched, not stored (tested below).
SEARCHES = {
    "POST /api/v1/children/search",
    # The partnership register: identifiers compared with keyed hashes (tests below and tests/network).
    "POST /api/v1/persons/find",
    "POST /api/v1/places/find",
}
# A police force's batch of notifications: free-form rows, each checked by intake's parser (tests/intake names the
# row and field of every error and fuzzes the rows with hypothesis), pushed only by the force's own staff.
POLICE_BATCHES = {"POST /api/v1/police-notifications"}
SCHEMAS = {key: schema for key, schema in _body_schemas().items() if key not in SEARCHES | POLICE_BATCHES}
TEXT_FIELDS = [
    (key, name) for key, schema in SCHEMAS.items() for name, f in schema.model_fields.items() if f.annotation is str
]


@pytest.fixture
def records(world, interview):
    """An open episode (Riley, placed in Northmoor), Jordan's assigned interview, and a Northmoor child with no
    episode to report missing."""
    episode = EpisodeFactory(child=world.placed_child, police_force=world.police_north, created_by=world.users.police)
    reportable = ChildFactory(responsible_council=world.north, placement_council=world.north)
    token = issue_token(world.users.coordinator)
    return SimpleNamespace(world=world, episode=episode, interview=interview, reportable=reportable, token=token)


def _valid_body(key: str, records) -> tuple[str, dict]:
    """The path and a body the coordinator may send for `key`; each text field is then replaced in turn."""
    world, episode, interview = records.world, records.episode, records.interview
    now = timezone.now()
    if key == "POST /api/v1/episodes":
        return "/api/v1/episodes", {
            "child": records.reportable.pk,
            "episode_type": "M",
            "missing_from": "placement",
            "last_seen_at": (now - dt.timedelta(hours=3)).isoformat(),
            "last_seen_place": "Town centre",
            "reported_at": (now - dt.timedelta(hours=2)).isoformat(),
            "reported_by": "Foster carer",
            "police_force": world.police_north.pk,
            "risk_grade": "medium",
        }
    if key == "PATCH /api/v1/episodes/{id}":
        return f"/api/v1/episodes/{episode.pk}", {"version": episode.version}
    if key == "POST /api/v1/episodes/{id}/risk-grade":
        return f"/api/v1/episodes/{episode.pk}/risk-grade", {
            "grade": "high",
            "reason": "Seen with older males",
            "version": episode.version,
        }
    if key == "POST /api/v1/episodes/{id}/return":
        return f"/api/v1/episodes/{episode.pk}/return", {
            "returned_at": now.isoformat(),
            "found_place": "Home",
            "found_by": "police",
            "version": episode.version,
        }
    if key == "POST /api/v1/return-interviews/{id}/assign":
        return f"/api/v1/return-interviews/{interview.pk}/assign", {
            "practitioner": world.users.practitioner.pk,
            "version": interview.version,
        }
    if key == "POST /api/v1/return-interviews/{id}/offer":
        return f"/api/v1/return-interviews/{interview.pk}/offer", {
            "offered_at": now.isoformat(),
            "offered_by": "Sam Tester",
            "version": interview.version,
        }
    if key == "POST /api/v1/return-interviews/{id}/interview":
        # The child accepted the interview first (the API refuses to write up one not accepted).
        interview = record_offer(
            interview,
            outcome=Outcome.ACCEPTED,
            offered_at=now - dt.timedelta(hours=1),
            offered_by="Sam Tester",
            expected_version=interview.version,
            acting_user=world.users.coordinator,
        )
        records.interview = interview
        return f"/api/v1/return-interviews/{interview.pk}/interview", {
            "completed_at": now.isoformat(),
            "episode_ids": list(interview.episodes.values_list("pk", flat=True)),
            "consent_to_share": "yes",
            "version": interview.version,
        }
    if key == "POST /api/v1/meeting-actions/{id}/status":
        action = _meeting_action(records)
        return f"/api/v1/meeting-actions/{action.pk}/status", {"status": "done", "note": "", "version": action.version}
    if key == "POST /api/v1/children":
        return "/api/v1/children", {
            "la_child_id": "PAYLOAD-1",
            "first_name": "Sam",
            "last_name": "Payload",
            "date_of_birth": "2012-05-01",
            "sex": "U",
            "ethnicity": "NOBT",
            "legal_status": "looked_after",
            "responsible_council": world.north.pk,
            "living_arrangement": "foster_care",
            "placement_council": world.north.pk,
        }
    if key == "PATCH /api/v1/children/{id}":
        return f"/api/v1/children/{world.child.pk}", {"version": Child.objects.get(pk=world.child.pk).version}
    if key == "POST /api/v1/alerts/{id}/decision":
        return f"/api/v1/alerts/{_alert(records).pk}/decision", {"decision": "other", "reason": "Checked"}
    if key == "POST /api/v1/alerts/{id}/assign":
        alert = _alert(records)
        body = {"assigned_to": world.users.coordinator.pk, "version": alert.version}
        return f"/api/v1/alerts/{alert.pk}/assign", body
    if key == "POST /api/v1/episodes/{id}/log":
        return f"/api/v1/episodes/{episode.pk}/log", {
            "kind": "sighting",
            "occurred_at": now.isoformat(),
            "note": "Seen at the station",
        }
    if key == "POST /api/v1/shares":
        return "/api/v1/shares", {
            "child": world.placed_child.pk,
            "what": "episode_summary",
            "episode": episode.pk,
            "to_agency": world.police_north.pk,
            "lawful_basis": "children_act_s47",
            "child_consent": "not_sought_with_reason",
            "child_consent_reason": "It would put the child at risk",
            "purpose": "Payload check",
        }
    if key == "POST /api/v1/shares/{id}/withdraw":
        share = _share(records)
        return f"/api/v1/shares/{share.pk}/withdraw", {"reason": "No longer needed", "version": share.version}
    raise AssertionError(f"no valid body for {key}: add one here")


def _alert(records) -> Alert:
    """An alert on Jordan for the coordinator to decide (made once per test)."""
    if getattr(records, "alert", None) is None:
        records.alert = Alert.objects.create(
            child=records.world.child,
            kind=AlertKind.HIGH_RISK,
            dedupe_key="payload-check",
            detail="Graded high",
            raised_at=timezone.now(),
            for_role=Role.COORDINATOR,
        )
    return records.alert


def _share(records) -> Share:
    """A share of Riley's open episode with Northmoor Police, made by the coordinator (once per test)."""
    if getattr(records, "share", None) is None:
        world = records.world
        records.share = share_record(
            acting_user=world.users.coordinator,
            child=world.placed_child,
            what="episode_summary",
            episode=records.episode,
            to_agency=world.police_north,
            lawful_basis=LawfulBasis.CHILDREN_ACT_S47,
            child_consent=ChildConsent.GIVEN,
            purpose="Payload check",
        )
    return records.share


def _meeting_action(records) -> MeetingAction:
    """An open action of a strategy discussion about Jordan that the coordinator chairs (made once per test)."""
    if getattr(records, "meeting_action", None) is None:
        world = records.world
        meeting = call_meeting(
            kind=MeetingKind.STRATEGY_DISCUSSION,
            held_at=timezone.now(),
            online=True,
            chair=world.users.coordinator,
            children=[world.child],
            agencies=[world.north],
            acting_user=world.users.coordinator,
        )
        records.meeting_action = add_action(
            meeting,
            what="Payload check",
            owner=world.users.social_worker,
            due_on=timezone.localdate(),
            acting_user=world.users.coordinator,
        )
    return records.meeting_action


def test_every_api_write_has_a_valid_body(records):
    for key in SCHEMAS:
        _valid_body(key, records)


def _send(records, method: str, path: str, body) -> object:
    """Send `body` (JSON-encoded unless already text) as the coordinator, with the token made before counting."""
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return getattr(Client(), method.lower())(
        path, data=data, content_type="application/json", headers={"Authorization": f"Bearer {records.token}"}
    )


def _fields(response) -> set:
    return {entry["field"] for entry in response.json().get("errors") or []}


def _stored(key: str, field: str, records, response) -> object:
    """Where the field landed: the episode or interview (through the model, so decrypted), or the grade change."""
    if key.startswith("POST /api/v1/return-interviews") or key.startswith("PATCH /api/v1/return"):
        return getattr(ReturnInterview.objects.get(pk=records.interview.pk), field)
    if key.startswith("POST /api/v1/meeting-actions"):
        return getattr(MeetingAction.objects.get(pk=records.meeting_action.pk), f"status_{field}")
    if key.endswith("/log"):
        return EpisodeLogEntry.objects.get(pk=response.json()["id"]).note
    if key.endswith("/risk-grade"):
        return MissingEpisode.objects.get(pk=records.episode.pk).risk_changes.latest("pk").reason
    if key == "POST /api/v1/children":
        return getattr(Child.objects.get(pk=response.json()["id"]), field)
    if key == "PATCH /api/v1/children/{id}":
        return getattr(Child.objects.get(pk=records.world.child.pk), field)
    if key.startswith("POST /api/v1/alerts"):
        return getattr(Alert.objects.get(pk=records.alert.pk), f"decision_{field}")
    if key == "POST /api/v1/shares":
        return getattr(Share.objects.get(pk=response.json()["id"]), field)
    if key.endswith("/withdraw"):
        return Share.objects.get(pk=records.share.pk).withdrawal_reason
    pk = response.json()["id"] if key == "POST /api/v1/episodes" else records.episode.pk
    return getattr(MissingEpisode.objects.get(pk=pk), field)


def _page(key: str, records, response) -> str:
    if "return-interviews" in key:
        url = reverse("interviews:detail", args=[records.interview.pk])
    elif "meeting-actions" in key:
        url = reverse("meetings:action", args=[records.meeting_action.pk])
    elif "children" in key:
        pk = response.json()["id"]
        url = reverse("children:detail", args=[pk])
    elif "alerts" in key:
        url = reverse("risk:acknowledge", args=[records.alert.pk])
    elif "shares" in key:
        url = reverse("sharing:detail", args=[response.json()["id"]])
    else:
        pk = response.json()["id"] if key == "POST /api/v1/episodes" else records.episode.pk
        url = reverse("episodes:detail", args=[pk])
    client = Client()
    client.force_login(records.world.users.coordinator)
    page = client.get(url)
    assert page.status_code == 200
    return page.content.decode()


@pytest.mark.parametrize(("key", "field"), TEXT_FIELDS, ids=[f"{k}-{f}" for k, f in TEXT_FIELDS])
@pytest.mark.parametrize("value", HOSTILE, ids=["script", "img", "drop", "or", "unicode", "long"])
def test_hostile_text_is_stored_exactly_or_refused_by_name(records, key, field, value):
    method, path = key.split(" ", 1)
    path, body = _valid_body(key, records)
    body[field] = value
    if key.endswith("/offer") and field == "not_offered_reason":
        body = {"outcome": "not_offered", "not_offered_reason": value, "version": body["version"]}
    if key == "POST /api/v1/shares" and field == "lawful_basis_other":
        body["lawful_basis"] = "other"  # kept only with the basis "other" (sharing.actions.share_record)
    response = _send(records, method, path, body)
    if response.status_code == 400:
        assert field in _fields(response), response.json()
        return
    assert response.status_code in {200, 201}, response.content[:500]
    assert NORMALISED.get(field, str)(value) == _stored(key, field, records, response)
    html = _page(key, records, response)
    for markup in RAW_MARKUP:
        assert markup not in html


@pytest.mark.parametrize(("key", "field"), TEXT_FIELDS, ids=[f"{k}-{f}" for k, f in TEXT_FIELDS])
def test_a_nul_byte_is_refused_by_name_and_nothing_is_written(records, key, field):
    method, _ = key.split(" ", 1)
    path, body = _valid_body(key, records)
    body[field] = NUL
    before = _row_counts()
    response = _send(records, method, path, body)
    assert response.status_code == 400, response.content[:500]
    assert field in _fields(response)
    assert _row_counts() == before


# --- malformed bodies ------------------------------------------------------------------------------------------

DEEP = "[" * 100_000 + "]" * 100_000
MALFORMED = {
    "not json": ("{not json", "body"),
    "truncated": ('{"version": 1', "body"),
    "an array": ("[1, 2]", "body"),
    "a string": ('"text"', "body"),
    "null": ("null", "body"),
    "deeply nested": (DEEP, "body"),
    "deeply nested object": ('{"version": ' + "{" * 50_000 + "}" * 50_000 + "}", None),
    "invalid utf-8": (b'{"version": "\xff\xfe"}', "body"),
    "lone surrogate": ('{"version": 1, "x": "\\ud800"}', None),
}


@pytest.mark.parametrize("key", list(SCHEMAS))
@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_malformed_body_is_a_clear_400(records, key, case):
    method, _ = key.split(" ", 1)
    path, _body = _valid_body(key, records)
    raw, field = MALFORMED[case]
    before = _row_counts()
    response = _send(records, method, path, raw)
    assert response.status_code == 400, response.content[:300]
    assert response.json()["detail"]
    if field:
        assert field in _fields(response)
    assert _row_counts() == before


def _wrong_type(value: object) -> list:
    if isinstance(value, bool):
        return ["yes", 2]
    if isinstance(value, int):
        return ["abc", 1.5, [1], {"a": 1}, True, -1, 2**64]
    if isinstance(value, str):
        return [123, ["a"], {"a": "b"}, True]
    if isinstance(value, list):
        return ["1", [["x"]], [-1], [2**64], {"a": 1}]
    return [["x"]]


@pytest.mark.parametrize("key", list(SCHEMAS))
def test_wrong_types_unknown_fields_and_impossible_values_name_the_field(records, key):
    method, _ = key.split(" ", 1)
    path, body = _valid_body(key, records)
    before = _row_counts()
    for field, value in body.items():
        for wrong in _wrong_type(value):
            response = _send(records, method, path, {**body, field: wrong})
            assert response.status_code in {400, 404}, (field, wrong, response.status_code, response.content[:300])
            if response.status_code == 400:
                assert field in _fields(response) or None in _fields(response), (field, wrong, response.json())
    for name in ("unknown", "id", "child_id", "created_by", "__proto__"):
        if name in body:
            continue
        response = _send(records, method, path, {**body, name: 1})
        assert response.status_code == 400 and name in _fields(response), (name, response.content[:300])
    for field, value in body.items():
        if isinstance(value, str) and "T" in value and value[:4].isdigit():
            for impossible in (
                "0000-01-01T00:00:00Z",
                "0001-01-01T00:00:00+14:00",
                "9999-12-31T23:59:59-14:00",
                "10000-01-01T00:00:00Z",
                "2026-02-30T10:00:00Z",
                "2026-01-01T25:00:00Z",
                "2026-01-01",
                "2026-01-01T10:00:00",
                "",
            ):
                response = _send(records, method, path, {**body, field: impossible})
                assert response.status_code == 400, (field, impossible, response.status_code, response.content[:300])
                assert field in _fields(response) or None in _fields(response), (field, impossible, response.json())
    assert _row_counts() == before


def test_a_body_over_the_upload_limit_is_refused(records, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    path, body = _valid_body("PATCH /api/v1/episodes/{id}", records)
    body["circumstances"] = "y" * (2 * 1024 * 1024)
    before = _row_counts()
    response = _send(records, "PATCH", path, body)
    assert response.status_code in {400, 413}, response.status_code
    assert _row_counts() == before


def test_query_parameters_refuse_a_nul_byte_and_wrong_types(records):
    user = records.world.users.coordinator
    client = Client()
    headers = {"Authorization": f"Bearer {issue_token(user)}"}
    for path, params in (
        ("/api/v1/episodes", {"police_reference": NUL}),
        ("/api/v1/episodes", {"child": "abc"}),
        ("/api/v1/episodes", {"child": str(2**64)}),
        ("/api/v1/episodes", {"last_seen_from": "9999-12-31T23:59:59-14:00"}),
        ("/api/v1/episodes", {"page": "-1"}),
        ("/api/v1/return-interviews", {"assigned_to": str(2**70)}),
        ("/api/v1/return-interviews", {"due_before": "0001-01-01T00:00:00+14:00"}),
        # An offset ISO 8601 allows and PostgreSQL does not (±15:59 at most): the same instant in UTC is asked.
        ("/api/v1/return-interviews", {"due_before": "2956-05-07T02:37:58.902-17:31"}),
        ("/api/v1/episodes", {"last_seen_from": "2026-05-07T02:37:58+23:59"}),
        ("/api/v1/children", {"page": "1e9"}),
    ):
        response = client.get(path, params, headers=headers)
        assert response.status_code in {200, 400}, (path, params, response.status_code)
        if response.status_code == 400:
            assert set(params) & _fields(response), (path, params, response.json())


def test_every_search_body_is_known():
    assert set(_body_schemas()) >= SEARCHES


@pytest.mark.parametrize("value", (*HOSTILE, NUL), ids=["script", "img", "drop", "or", "unicode", "long", "nul"])
def test_hostile_search_text_finds_nothing_or_is_refused_by_name(records, value):
    """Search words are matched as data, never as SQL: hostile text finds no child (or, too long or with a NUL,
    is refused naming `text`), and nothing but the audit of the search is written."""
    before = _row_counts()
    response = _send(records, "POST", "/api/v1/children/search", {"text": value})
    if response.status_code == 400:
        assert "text" in _fields(response), response.json()
        assert _row_counts() == before
        return
    assert response.status_code == 200, response.content[:500]
    assert response.json()["items"] == []
    after = _row_counts()
    assert {k: v for k, v in after.items() if "audit" not in k.lower()} == {
        k: v for k, v in before.items() if "audit" not in k.lower()
    }


@pytest.mark.parametrize("value", (*HOSTILE, NUL), ids=["script", "img", "drop", "or", "unicode", "long", "nul"])
@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/persons/find", "phone"),
        ("/api/v1/persons/find", "vehicle"),
        ("/api/v1/persons/find", "name"),
        ("/api/v1/places/find", "postcode"),
        ("/api/v1/places/find", "address"),
    ],
)
def test_hostile_register_searches_find_nothing_or_are_refused_by_name(records, path, field, value):
    """The register's identifiers are hashed, never put in SQL: hostile text finds nothing or is refused naming
    the field (or, for a name, the age it needs), and nothing but the audit of the search is written."""
    before = _row_counts()
    body = {field: value, **({"approximate_age": 30} if field == "name" else {})}
    response = _send(records, "POST", path, body)
    if response.status_code == 400:
        assert _fields(response) & {field, None, "__all__"}, response.json()
        assert _row_counts() == before
        return
    assert response.status_code == 200, response.content[:500]
    assert response.json()["items"] == []
    after = _row_counts()
    assert {k: v for k, v in after.items() if "audit" not in k.lower()} == {
        k: v for k, v in before.items() if "audit" not in k.lower()
    }
