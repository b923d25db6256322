"""/episodes: reporting, reading, correcting, re-grading and closing missing episodes through the API."""

import datetime as dt

import pytest
from django.utils import timezone

from access.models import AuditEvent
from episodes.codes import RiskGrade
from episodes.models import MissingEpisode
from interviews.models import ReturnInterview
from tests.api.conftest import (
    EPISODE_INSIDERS,
    EPISODE_OUTSIDERS,
    assert_not_found,
    assert_reveals_nothing,
    field_errors,
    last_audit_id,
)
from tests.factories import EpisodeFactory

EPISODE_FIELDS = {
    "id",
    "version",
    "child",
    "status",
    "episode_type",
    "missing_from",
    "last_seen_at",
    "last_seen_place",
    "reported_at",
    "reported_by",
    "police_force",
    "police_reference",
    "risk_grade",
    "circumstances",
    "returned_at",
    "found_place",
    "found_by",
    "found_with",
    "harm_on_return",
    "prevention_interview_done",
    "created_at",
    "updated_at",
}
DETAIL_FIELDS = EPISODE_FIELDS | {"risk_grade_history", "found_with_children"}
REFUSED_REPORTERS = ["analyst", "admin", "school_dsl", "practitioner", "other_practitioner", "health"]


def iso(moment: dt.datetime) -> str:
    return moment.isoformat()


def parse(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


def report_body(world, **overrides) -> dict:
    now = timezone.now()
    body = {
        "child": world.child.pk,
        "episode_type": "M",
        "missing_from": "home",
        "last_seen_at": iso(now - dt.timedelta(hours=5)),
        "last_seen_place": "Bus station, Northmoor",
        "reported_at": iso(now - dt.timedelta(hours=4)),
        "reported_by": "Mother",
        "police_force": world.police_north.pk,
        "police_reference": "wp-2026-000001",
        "risk_grade": "medium",
        "circumstances": "Left after an argument at home",
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not ...}


def return_body(**overrides) -> dict:
    body = {
        "returned_at": iso(timezone.now() - dt.timedelta(hours=1)),
        "found_place": "Friend's house, Northmoor",
        "found_by": "police",
        "found_with": "Two friends",
        "harm_on_return": "",
        "prevention_interview_done": True,
        "version": 1,
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not ...}


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


# --- Reporting missing --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", EPISODE_INSIDERS)
def test_insider_reports_a_child_missing(world, api_as, who):
    client = api_as(who)
    before = last_audit_id()
    response = client.post("/episodes", report_body(world))
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == DETAIL_FIELDS
    episode = MissingEpisode.objects.get()
    assert body["id"] == episode.pk
    assert body["version"] == 1
    assert body["status"] == "open"
    assert body["child"] == {"id": world.child.pk, "la_child_id": "N000123"}
    assert body["police_force"]["id"] == world.police_north.pk
    assert body["police_reference"] == "WP-2026-000001"
    assert body["risk_grade"] == "medium"
    assert body["returned_at"] is None
    assert body["found_by"] is None
    assert [h["grade"] for h in body["risk_grade_history"]] == ["medium"]
    assert body["risk_grade_history"][0]["previous_grade"] is None
    assert episode.created_by == getattr(world.users, who)
    assert episode.circumstances == "Left after an argument at home"
    created = AuditEvent.objects.filter(
        pk__gt=before, action=AuditEvent.Action.CREATE, object_type="missingepisode"
    ).get()
    assert created.object_id == str(episode.pk)
    assert created.channel == "api"


@pytest.mark.parametrize("who", REFUSED_REPORTERS)
def test_roles_that_cannot_report_are_403(world, api_as, snapshot_counts, who):
    before = snapshot_counts()
    response = api_as(who).post("/episodes", report_body(world))
    assert response.status_code == 403
    assert_reveals_nothing(response)
    assert snapshot_counts() == before


@pytest.mark.parametrize("who", ["coordinator_south", "police_south"])
def test_reporting_a_child_outside_scope_reveals_nothing(world, api_as, snapshot_counts, who):
    before = snapshot_counts()
    client = api_as(who)
    force = world.police_south.pk
    hidden = client.post("/episodes", report_body(world, child=world.child.pk, police_force=force))
    missing = client.post("/episodes", report_body(world, child=987654, police_force=force))
    assert hidden.status_code == missing.status_code == 400
    assert hidden.json() == missing.json()
    assert field_errors(hidden) == {"child": ["Choose a child whose record you can see"]}
    assert_reveals_nothing(hidden)
    assert snapshot_counts() == before


@pytest.mark.parametrize("force", ["north", "school", "nonexistent"])
def test_police_force_must_be_a_police_force(world, api_as, snapshot_counts, force):
    before = snapshot_counts()
    agency_id = 987654 if force == "nonexistent" else getattr(world, force).pk
    response = api_as("coordinator").post("/episodes", report_body(world, police_force=agency_id))
    assert response.status_code == 400
    assert field_errors(response) == {"police_force": ["Choose a police force"]}
    assert snapshot_counts() == before


def test_police_report_to_their_own_force(world, api_as, snapshot_counts):
    before = snapshot_counts()
    response = api_as("police").post("/episodes", report_body(world, police_force=world.police_south.pk))
    assert response.status_code == 400
    assert "police_force" in field_errors(response)
    assert snapshot_counts() == before


def test_council_may_report_to_any_force(world, api_as):
    response = api_as("coordinator").post(
        "/episodes", report_body(world, child=world.placed_child.pk, police_force=world.police_south.pk)
    )
    assert response.status_code == 201, response.content


BAD_REPORTS = [
    ("missing field", {"last_seen_place": ...}, "last_seen_place"),
    ("missing child", {"child": ...}, "child"),
    ("unknown code", {"risk_grade": "extreme"}, "risk_grade"),
    ("unknown episode type", {"episode_type": "X"}, "episode_type"),
    ("unknown extra field", {"child_name": "Someone"}, "child_name"),
    ("naive datetime", {"last_seen_at": "2026-01-01T10:00:00"}, "last_seen_at"),
    ("date only", {"reported_at": "2026-01-01"}, "reported_at"),
    ("not a datetime", {"reported_at": "yesterday"}, "reported_at"),
    ("time in future", {"last_seen_at": "future", "reported_at": "future"}, "last_seen_at"),
    ("reported before last seen", {"reported_at": "before"}, "reported_at"),
    ("blank place", {"last_seen_place": "   "}, "last_seen_place"),
    ("place too long", {"last_seen_place": "x" * 301}, "last_seen_place"),
    ("id not a number", {"child": "Jordan"}, "child"),
    ("null reference", {"police_reference": None}, "police_reference"),
]


@pytest.mark.parametrize(("case", "overrides", "field"), BAD_REPORTS, ids=[c[0] for c in BAD_REPORTS])
def test_bad_reports_are_400_naming_the_field_and_write_nothing(world, api_as, snapshot_counts, case, overrides, field):
    now = timezone.now()
    overrides = dict(overrides)
    if overrides.get("last_seen_at") == "future":
        overrides["last_seen_at"] = iso(now + dt.timedelta(hours=2))
        overrides["reported_at"] = iso(now + dt.timedelta(hours=3))
    if overrides.get("reported_at") == "before":
        overrides["reported_at"] = iso(now - dt.timedelta(hours=6))
    before = snapshot_counts()
    response = api_as("coordinator").post("/episodes", report_body(world, **overrides))
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"]
    assert field in field_errors(response), body
    assert snapshot_counts() == before


def test_malformed_json_is_400(world, api_as, snapshot_counts):
    before = snapshot_counts()
    for raw in ['{"child": 1,', "", "null", "[1, 2]", '"text"']:
        response = api_as("coordinator").post("/episodes", raw=raw)
        assert response.status_code == 400, raw
        assert response.json()["errors"], raw
    response = api_as("coordinator").post("/episodes", raw='{"child": ')
    assert field_errors(response).keys() == {"body"}
    assert "not valid JSON" in response.json()["detail"]
    assert snapshot_counts() == before


def test_naive_datetime_error_explains_what_to_send(world, api_as):
    response = api_as("coordinator").post("/episodes", report_body(world, last_seen_at="2026-01-01T10:00:00"))
    message = field_errors(response)["last_seen_at"][0]
    assert "UTC offset" in message
    assert "+00:00" in message


def test_offsets_other_than_utc_are_understood(world, api_as):
    now = timezone.now().astimezone(dt.timezone(dt.timedelta(hours=1)))
    body = report_body(
        world, last_seen_at=iso(now - dt.timedelta(hours=5)), reported_at=iso(now - dt.timedelta(hours=4))
    )
    response = api_as("coordinator").post("/episodes", body)
    assert response.status_code == 201
    episode = MissingEpisode.objects.get()
    assert episode.last_seen_at == parse(body["last_seen_at"])
    assert parse(response.json()["last_seen_at"]) == parse(body["last_seen_at"])


def test_second_open_episode_is_400(world, api_as, open_episode, snapshot_counts):
    before = snapshot_counts()
    response = api_as("coordinator").post("/episodes", report_body(world, police_reference="WP-2026-000002"))
    assert response.status_code == 400
    assert "already has an open missing episode" in field_errors(response)["child"][0]
    assert snapshot_counts() == before


def test_duplicate_police_reference_is_400(world, api_as, open_episode, snapshot_counts):
    before = snapshot_counts()
    body = report_body(world, child=world.placed_child.pk, police_reference=open_episode.police_reference.lower())
    response = api_as("coordinator").post("/episodes", body)
    assert response.status_code == 400
    assert "already used" in field_errors(response)["police_reference"][0]
    assert snapshot_counts() == before


# --- Reading ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", EPISODE_INSIDERS)
def test_insider_reads_the_episode_with_history(world, api_as, open_episode, who):
    response = api_as(who).get(f"/episodes/{open_episode.pk}")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == DETAIL_FIELDS
    assert body["id"] == open_episode.pk
    assert body["version"] == open_episode.version
    assert body["police_reference"] == "WP-2026-004512"
    assert body["last_seen_place"] == open_episode.last_seen_place
    assert parse(body["last_seen_at"]) == open_episode.last_seen_at
    assert body["risk_grade_history"] == [
        {
            "grade": "medium",
            "previous_grade": None,
            "reason": "",
            "changed_at": body["risk_grade_history"][0]["changed_at"],
            "changed_by": {"id": world.users.police.pk, "name": world.users.police.get_full_name()},
        }
    ]


@pytest.mark.parametrize("who", EPISODE_OUTSIDERS)
def test_outsider_cannot_read_the_episode(world, api_as, open_episode, who):
    assert_not_found(api_as(who).get(f"/episodes/{open_episode.pk}"))


@pytest.mark.parametrize("who", EPISODE_INSIDERS)
def test_insider_lists_the_episode(world, api_as, open_episode, who):
    response = api_as(who).get("/episodes")
    assert ids(response) == [open_episode.pk]
    assert set(response.json()["items"][0]) == EPISODE_FIELDS


@pytest.mark.parametrize("who", EPISODE_OUTSIDERS)
def test_outsider_lists_nothing(world, api_as, open_episode, who):
    response = api_as(who).get("/episodes")
    assert response.json() == {"count": 0, "next": None, "previous": None, "next_cursor": None, "items": []}


def test_practitioner_sees_only_the_episodes_of_their_interviews(world, api_as, interview, returned_episode):
    open_ = EpisodeFactory(child=world.child, police_force=world.police_north, created_by=world.users.police)
    assert ids(api_as("practitioner").get("/episodes")) == [returned_episode.pk]
    assert api_as("practitioner").get(f"/episodes/{returned_episode.pk}").status_code == 200
    assert_not_found(api_as("practitioner").get(f"/episodes/{open_.pk}"))


@pytest.fixture
def episodes(world):
    """Three Northmoor episodes over a week and one Southvale one, for the filters."""
    now = timezone.now()
    make = EpisodeFactory
    old = make(
        child=world.child,
        police_force=world.police_north,
        created_by=world.users.police,
        last_seen_at=now - dt.timedelta(days=7),
        returned_at=now - dt.timedelta(days=6),
        risk_grade=RiskGrade.LOW,
        police_reference="WP-OLD",
    )
    current = make(
        child=world.child,
        police_force=world.police_north,
        created_by=world.users.police,
        last_seen_at=now - dt.timedelta(hours=3),
        risk_grade=RiskGrade.HIGH,
        police_reference="WP-NOW",
    )
    placed = make(
        child=world.placed_child,
        police_force=world.police_south,
        created_by=world.users.police_south,
        last_seen_at=now - dt.timedelta(days=2),
        returned_at=now - dt.timedelta(days=1),
        risk_grade=RiskGrade.MEDIUM,
        police_reference="SV-1",
    )
    south = make(child=world.south_child, police_force=world.police_south, created_by=world.users.police_south)
    return {"old": old, "current": current, "placed": placed, "south": south, "now": now}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["current", "placed", "old"]),
        ({"status": "open"}, ["current"]),
        ({"status": "returned"}, ["placed", "old"]),
        ({"risk_grade": "high"}, ["current"]),
        ({"risk_grade": "no_apparent_risk"}, []),
        ({"police_force": "{police_south}"}, ["placed"]),
        ({"child": "{placed_child}"}, ["placed"]),
        ({"child": "{south_child}"}, []),
        ({"last_seen_from": "{days_ago_3}"}, ["current", "placed"]),
        ({"last_seen_to": "{days_ago_3}"}, ["old"]),
        ({"last_seen_from": "{days_ago_8}", "last_seen_to": "{days_ago_1}"}, ["placed", "old"]),
        ({"status": "open", "risk_grade": "low"}, []),
    ],
)
def test_list_filters_return_exactly_the_expected_episodes(world, api_as, episodes, params, expected):
    now = episodes["now"]
    values = {
        "police_south": world.police_south.pk,
        "placed_child": world.placed_child.pk,
        "south_child": world.south_child.pk,
        "days_ago_1": iso(now - dt.timedelta(days=1)),
        "days_ago_3": iso(now - dt.timedelta(days=3)),
        "days_ago_8": iso(now - dt.timedelta(days=8)),
    }
    params = {k: v.format(**values) for k, v in params.items()}
    assert ids(api_as("coordinator").get("/episodes", params)) == [episodes[name].pk for name in expected]


def test_police_list_only_their_forces_episodes(world, api_as, episodes):
    assert ids(api_as("police").get("/episodes")) == [episodes["current"].pk, episodes["old"].pk]
    # Most recently last seen first: Casey (10 hours ago) before Riley (2 days ago).
    assert ids(api_as("police_south").get("/episodes")) == [episodes["south"].pk, episodes["placed"].pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "missing"}, "status"),
        ({"last_seen_from": "2026-01-01T00:00:00"}, "last_seen_from"),
        ({"last_seen_to": "last week"}, "last_seen_to"),
        ({"risk_grade": "HIGH"}, "risk_grade"),
        ({"staus": "open"}, "staus"),
        # An identifier in a query string lands in server and proxy logs: find the child with POST
        # /children/search (which matches police references) and list their episodes by `child`.
        ({"police_reference": "WP-OLD"}, "police_reference"),
    ],
)
def test_bad_list_filters_are_400(world, api_as, params, field):
    response = api_as("coordinator").get("/episodes", params)
    assert response.status_code == 400
    assert field in field_errors(response)


def test_episode_reads_are_audited(world, api_as, open_episode):
    client = api_as("police")
    before = last_audit_id()
    client.get("/episodes", {"status": "open", "child": world.child.pk})
    client.get(f"/episodes/{open_episode.pk}")
    listing, detail = AuditEvent.objects.filter(pk__gt=before).exclude(action=AuditEvent.Action.API_CALL).order_by("id")
    assert listing.action == detail.action == AuditEvent.Action.API_READ
    assert listing.object_type == "episode-list"
    assert listing.summary == "API list read: page 1, 1 of 1; filtered by child, status"
    assert "WP-2026" not in listing.summary
    assert (detail.object_type, detail.object_id, detail.child_id) == (
        "missingepisode",
        str(open_episode.pk),
        world.child.pk,
    )
    assert "Jordan" not in detail.summary


# --- Correcting details (PATCH) -----------------------------------------------------------------------


@pytest.mark.parametrize("who", EPISODE_INSIDERS)
def test_insider_corrects_details(world, api_as, open_episode, who):
    client = api_as(who)
    before = last_audit_id()
    response = client.patch(
        f"/episodes/{open_episode.pk}", {"version": 1, "last_seen_place": "Northmoor bus station", "circumstances": "x"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == DETAIL_FIELDS
    assert body["version"] == 2
    assert body["last_seen_place"] == "Northmoor bus station"
    open_episode.refresh_from_db()
    assert (open_episode.version, open_episode.last_seen_place) == (2, "Northmoor bus station")
    assert open_episode.reported_by == "Foster carer"  # left out: kept
    event = AuditEvent.objects.exclude(action=AuditEvent.Action.API_CALL).get(pk__gt=before)
    assert event.action == AuditEvent.Action.UPDATE
    assert set(event.changes) == {"last_seen_place", "circumstances"}


def test_correcting_the_time_last_seen_keeps_the_instant(world, api_as, open_episode):
    summer = dt.timezone(dt.timedelta(hours=1))
    new_time = (open_episode.last_seen_at - dt.timedelta(minutes=30)).astimezone(summer)
    response = api_as("police").patch(f"/episodes/{open_episode.pk}", {"version": 1, "last_seen_at": iso(new_time)})
    assert response.status_code == 200, response.content
    open_episode.refresh_from_db()
    assert open_episode.last_seen_at == new_time
    assert parse(response.json()["last_seen_at"]) == new_time


@pytest.mark.parametrize("who", EPISODE_OUTSIDERS)
def test_outsider_cannot_correct(world, api_as, open_episode, snapshot_counts, who):
    before = snapshot_counts()
    assert_not_found(api_as(who).patch(f"/episodes/{open_episode.pk}", {"version": 1, "last_seen_place": "X"}))
    assert snapshot_counts() == before


def test_stale_version_is_409_and_writes_nothing(world, api_as, open_episode, snapshot_counts):
    before = snapshot_counts()
    response = api_as("police").patch(f"/episodes/{open_episode.pk}", {"version": 7, "last_seen_place": "Park"})
    assert response.status_code == 409
    assert "changed this record" in response.json()["detail"]
    assert snapshot_counts() == before
    open_episode.refresh_from_db()
    assert open_episode.last_seen_place != "Park"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"version": 1, "last_seen_place": None}, "last_seen_place"),
        ({"version": 1, "reported_at": "2026-01-01T00:00:00Z"}, "reported_at"),
        ({"version": 1, "risk_grade": "high"}, "risk_grade"),
        ({"version": 1, "last_seen_at": "2026-01-01T00:00:00"}, "last_seen_at"),
        ({"version": 1, "last_seen_at": "future"}, "last_seen_at"),
        ({"version": 1, "missing_from": "moon"}, "missing_from"),
        ({"version": 1, "last_seen_place": " "}, "last_seen_place"),
        ({"last_seen_place": "Park"}, "version"),
        ({"version": 1}, None),
        ({"version": "one", "last_seen_place": "Park"}, "version"),
    ],
)
def test_bad_corrections_are_400(world, api_as, open_episode, snapshot_counts, body, field):
    if body.get("last_seen_at") == "future":
        body = {**body, "last_seen_at": iso(timezone.now() + dt.timedelta(hours=3))}
    before = snapshot_counts()
    response = api_as("coordinator").patch(f"/episodes/{open_episode.pk}", body)
    assert response.status_code == 400, response.content
    assert field in field_errors(response)
    assert snapshot_counts() == before


def test_correcting_to_a_duplicate_police_reference_is_400(world, api_as, open_episode, snapshot_counts):
    other = EpisodeFactory(child=world.placed_child, police_force=world.police_north, created_by=world.users.police)
    before = snapshot_counts()
    response = api_as("police").patch(f"/episodes/{other.pk}", {"version": 1, "police_reference": "wp-2026-004512"})
    assert response.status_code == 400
    assert "police_reference" in field_errors(response)
    assert snapshot_counts() == before


def test_visible_but_not_editable_is_403(world, api_as, interview, returned_episode, snapshot_counts):
    client = api_as("practitioner")
    before = snapshot_counts()
    path = f"/episodes/{returned_episode.pk}"
    assert client.patch(path, {"version": 2, "last_seen_place": "X"}).status_code == 403
    assert client.post(f"{path}/risk-grade", {"version": 2, "grade": "high", "reason": "x"}).status_code == 403
    assert client.post(f"{path}/return", return_body(version=2)).status_code == 403
    assert snapshot_counts() == before


# --- Risk grade ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", EPISODE_INSIDERS)
def test_insider_changes_the_risk_grade(world, api_as, open_episode, who):
    response = api_as(who).post(
        f"/episodes/{open_episode.pk}/risk-grade", {"grade": "high", "reason": "Seen with adults", "version": 1}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["risk_grade"] == "high"
    assert body["version"] == 2
    assert [(h["previous_grade"], h["grade"]) for h in body["risk_grade_history"]] == [
        (None, "medium"),
        ("medium", "high"),
    ]
    assert body["risk_grade_history"][1]["reason"] == "Seen with adults"
    open_episode.refresh_from_db()
    assert open_episode.risk_grade == RiskGrade.HIGH
    assert AuditEvent.objects.filter(summary="Risk grade changed", object_id=str(open_episode.pk)).exists()


@pytest.mark.parametrize("who", EPISODE_OUTSIDERS)
def test_outsider_cannot_change_the_grade(world, api_as, open_episode, snapshot_counts, who):
    before = snapshot_counts()
    response = api_as(who).post(
        f"/episodes/{open_episode.pk}/risk-grade", {"grade": "high", "reason": "x", "version": 1}
    )
    assert_not_found(response)
    assert snapshot_counts() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"grade": "medium", "reason": "Same", "version": 1}, "grade"),
        ({"grade": "critical", "reason": "x", "version": 1}, "grade"),
        ({"grade": "high", "reason": "  ", "version": 1}, "reason"),
        ({"grade": "high", "version": 1}, "reason"),
        ({"grade": "high", "reason": "x", "version": 1, "changed_at": "2026-01-01T00:00:00Z"}, "changed_at"),
    ],
)
def test_bad_grade_changes_are_400(world, api_as, open_episode, snapshot_counts, body, field):
    before = snapshot_counts()
    response = api_as("police").post(f"/episodes/{open_episode.pk}/risk-grade", body)
    assert response.status_code == 400, response.content
    assert field in field_errors(response)
    assert snapshot_counts() == before


def test_grade_change_with_stale_version_is_409(world, api_as, open_episode, snapshot_counts):
    before = snapshot_counts()
    response = api_as("police").post(
        f"/episodes/{open_episode.pk}/risk-grade", {"grade": "low", "reason": "x", "version": 2}
    )
    assert response.status_code == 409
    assert snapshot_counts() == before


def test_returned_episode_grade_cannot_change(world, api_as, returned_episode, snapshot_counts):
    before = snapshot_counts()
    response = api_as("police").post(
        f"/episodes/{returned_episode.pk}/risk-grade",
        {"grade": "high", "reason": "x", "version": returned_episode.version},
    )
    assert response.status_code == 400
    assert "returned" in field_errors(response)["grade"][0]
    assert snapshot_counts() == before


# --- Return -------------------------------------------------------------------------------------------


def test_coordinator_records_the_return_and_gets_the_interview(world, api_as, open_episode):
    client = api_as("coordinator")
    before = last_audit_id()
    response = client.post(f"/episodes/{open_episode.pk}/return", return_body())
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == DETAIL_FIELDS | {"return_interview_id"}
    assert body["status"] == "returned"
    assert body["found_by"] == "police"
    assert body["prevention_interview_done"] is True
    assert body["version"] == 2
    interview = ReturnInterview.objects.get(episodes=open_episode)
    assert body["return_interview_id"] == interview.pk
    open_episode.refresh_from_db()
    assert not open_episode.is_open
    assert open_episode.found_with == "Two friends"
    summaries = set(
        AuditEvent.objects.filter(pk__gt=before)
        .exclude(action=AuditEvent.Action.API_CALL)
        .values_list("summary", flat=True)
    )
    assert {"Return recorded", "Return interview opened"} <= summaries


def test_a_second_return_extends_the_open_interview(world, api_as, interview, returned_episode):
    episode = EpisodeFactory(
        child=world.child,
        police_force=world.police_north,
        created_by=world.users.police,
        last_seen_at=timezone.now() - dt.timedelta(hours=5),
    )
    body = api_as("coordinator").post(f"/episodes/{episode.pk}/return", return_body()).json()
    assert body["return_interview_id"] == interview.pk
    assert set(interview.episodes.values_list("pk", flat=True)) == {returned_episode.pk, episode.pk}


def test_police_record_the_return_without_seeing_the_interview(world, api_as, open_episode):
    response = api_as("police").post(f"/episodes/{open_episode.pk}/return", return_body())
    assert response.status_code == 200
    assert response.json()["return_interview_id"] is None
    assert ReturnInterview.objects.filter(episodes=open_episode).exists()


@pytest.mark.parametrize("who", EPISODE_OUTSIDERS)
def test_outsider_cannot_record_the_return(world, api_as, open_episode, snapshot_counts, who):
    before = snapshot_counts()
    assert_not_found(api_as(who).post(f"/episodes/{open_episode.pk}/return", return_body()))
    assert snapshot_counts() == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"returned_at": "before_last_seen"}, "returned_at"),
        ({"returned_at": "future"}, "returned_at"),
        ({"returned_at": "2026-01-01T10:00:00"}, "returned_at"),
        ({"returned_at": ...}, "returned_at"),
        ({"found_by": "neighbour"}, "found_by"),
        ({"found_place": ""}, "found_place"),
        ({"found_place": ...}, "found_place"),
        ({"interview_due": "2026-01-01T00:00:00Z"}, "interview_due"),
        ({"prevention_interview_done": "perhaps"}, "prevention_interview_done"),
    ],
)
def test_bad_returns_are_400_and_write_nothing(world, api_as, open_episode, snapshot_counts, overrides, field):
    now = timezone.now()
    if overrides.get("returned_at") == "before_last_seen":
        overrides = {"returned_at": iso(open_episode.last_seen_at - dt.timedelta(minutes=1))}
    if overrides.get("returned_at") == "future":
        overrides = {"returned_at": iso(now + dt.timedelta(hours=2))}
    before = snapshot_counts()
    response = api_as("police").post(f"/episodes/{open_episode.pk}/return", return_body(**overrides))
    assert response.status_code == 400, response.content
    assert field in field_errors(response)
    assert snapshot_counts() == before


def test_return_with_stale_version_is_409(world, api_as, open_episode, snapshot_counts):
    before = snapshot_counts()
    response = api_as("police").post(f"/episodes/{open_episode.pk}/return", return_body(version=3))
    assert response.status_code == 409
    assert snapshot_counts() == before


def test_return_cannot_be_recorded_twice(world, api_as, returned_episode, snapshot_counts):
    before = snapshot_counts()
    response = api_as("police").post(
        f"/episodes/{returned_episode.pk}/return", return_body(version=returned_episode.version)
    )
    assert response.status_code == 400
    assert "already been recorded" in field_errors(response)["returned_at"][0]
    assert snapshot_counts() == before


def test_unknown_episode_ids_are_404_for_everyone(world, api_as):
    for path in ["/episodes/987654", "/episodes/0", "/episodes/99999999999999999999"]:
        assert_not_found(api_as("coordinator").get(path))
