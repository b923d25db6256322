"""/return-interviews: listing by status, assigning, recording the offer and the interview itself."""

import datetime as dt

import pytest
from django.utils import timezone

from access.models import AuditEvent, Role
from interviews.actions import record_offer
from interviews.codes import Outcome
from interviews.models import ReturnInterview
from tests.api.conftest import (
    INTERVIEW_INSIDERS,
    INTERVIEW_OUTSIDERS,
    assert_not_found,
    assert_reveals_nothing,
    field_errors,
    last_audit_id,
)
from tests.factories import AgencyFactory, EpisodeFactory, InterviewFactory, UserFactory

SUMMARY_FIELDS = {
    "id",
    "version",
    "child",
    "episode_ids",
    "status",
    "due_by",
    "provider",
    "assigned_to",
    "offered_at",
    "offered_by",
    "offered_in_time",
    "outcome",
    "completed_at",
    "completed_by",
    "consent_to_share",
    "created_at",
    "updated_at",
}
SENSITIVE_FIELDS = {
    "not_offered_reason",
    "where_stayed",
    "who_with",
    "harm_suffered",
    "disclosure_details",
    "childs_wishes",
    "actions_agreed",
    "narrative",
}
DETAIL_FIELDS = SUMMARY_FIELDS | SENSITIVE_FIELDS | {"push_factors", "pull_factors", "disclosures"}
NARRATIVE = "Stayed at a flat above the takeaway with an older man called Dex"


def iso(moment: dt.datetime) -> str:
    return moment.isoformat()


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


@pytest.fixture
def accepted(world, interview):
    """The interview after the practitioner offered it and the child accepted."""
    return record_offer(
        interview,
        outcome=Outcome.ACCEPTED,
        offered_at=timezone.now() - dt.timedelta(hours=10),
        offered_by="Practitioner by phone",
        expected_version=interview.version,
        acting_user=world.users.practitioner,
    )


def write_up_body(episode, version, **overrides) -> dict:
    body = {
        "completed_at": iso(timezone.now() - dt.timedelta(hours=2)),
        "episode_ids": [episode.pk],
        "push_factors": ["conflict", "placement"],
        "pull_factors": ["friends"],
        "disclosures": ["cce"],
        "where_stayed": "A flat in town",
        "who_with": "An older man",
        "harm_suffered": "None visible",
        "disclosure_details": "Asked to carry a parcel",
        "childs_wishes": "To stay with the foster carer",
        "actions_agreed": "Referral to the exploitation team",
        "consent_to_share": "yes",
        "narrative": NARRATIVE,
        "version": version,
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not ...}


def offer_body(version=2, **overrides) -> dict:
    body = {
        "outcome": "accepted",
        "offered_at": iso(timezone.now() - dt.timedelta(hours=3)),
        "offered_by": "Practitioner, by phone",
        "version": version,
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not ...}


# --- Reading ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", INTERVIEW_INSIDERS)
def test_insider_reads_the_interview(world, api_as, interview, returned_episode, who):
    response = api_as(who).get(f"/return-interviews/{interview.pk}")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == DETAIL_FIELDS
    assert body["id"] == interview.pk
    assert body["version"] == interview.version == 2
    assert body["child"] == {"id": world.child.pk, "la_child_id": "N000123"}
    assert body["episode_ids"] == [returned_episode.pk]
    assert body["status"] == "due"
    assert body["provider"]["id"] == world.provider.pk
    assert body["assigned_to"] == {"id": world.users.practitioner.pk, "name": world.users.practitioner.get_full_name()}
    assert dt.datetime.fromisoformat(body["due_by"]) == returned_episode.returned_at + dt.timedelta(hours=72)
    assert body["outcome"] is None
    assert body["offered_in_time"] is None
    assert body["push_factors"] == body["pull_factors"] == body["disclosures"] == []


@pytest.mark.parametrize("who", INTERVIEW_OUTSIDERS)
def test_outsider_cannot_read_the_interview(world, api_as, interview, who):
    assert_not_found(api_as(who).get(f"/return-interviews/{interview.pk}"))


@pytest.mark.parametrize("who", INTERVIEW_INSIDERS)
def test_insider_lists_the_interview_without_sensitive_content(world, api_as, interview, who):
    response = api_as(who).get("/return-interviews")
    assert ids(response) == [interview.pk]
    assert set(response.json()["items"][0]) == SUMMARY_FIELDS


@pytest.mark.parametrize("who", INTERVIEW_OUTSIDERS)
def test_outsider_lists_nothing(world, api_as, interview, who):
    response = api_as(who).get("/return-interviews")
    assert response.json() == {"count": 0, "next": None, "previous": None, "next_cursor": None, "items": []}
    assert_reveals_nothing(response)


@pytest.fixture
def interviews(world, interview):
    """One interview in every state, all visible to Northmoor's coordinator, plus one in Southvale."""
    now = timezone.now()
    make = InterviewFactory
    return {
        "due": interview,
        "overdue": make(child=world.placed_child, due_by=now - dt.timedelta(hours=5)),
        "offered": make(
            child=world.child, due_by=now - dt.timedelta(hours=30), offered_at=now - dt.timedelta(hours=40)
        ),
        "accepted": make(
            child=world.child,
            due_by=now - dt.timedelta(days=3),
            offered_at=now - dt.timedelta(days=4),
            outcome=Outcome.ACCEPTED,
        ),
        "completed": make(
            child=world.placed_child,
            due_by=now - dt.timedelta(days=10),
            offered_at=now - dt.timedelta(days=11),
            outcome=Outcome.ACCEPTED,
            completed_at=now - dt.timedelta(days=9),
        ),
        "closed": make(
            child=world.child,
            due_by=now - dt.timedelta(days=20),
            outcome=Outcome.NOT_OFFERED,
            not_offered_reason="Moved abroad",
        ),
        "south": make(child=world.south_child, due_by=now - dt.timedelta(hours=1)),
        "now": now,
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["closed", "completed", "accepted", "offered", "overdue", "due"]),
        ({"status": "due"}, ["due"]),
        ({"status": "overdue"}, ["overdue"]),
        ({"status": "offered"}, ["offered"]),
        ({"status": "accepted"}, ["accepted"]),
        ({"status": "completed"}, ["completed"]),
        ({"status": "closed"}, ["closed"]),
        ({"child": "{placed_child}"}, ["completed", "overdue"]),
        ({"child": "{south_child}"}, []),
        ({"assigned_to": "{practitioner}"}, ["due"]),
        ({"due_before": "{now}"}, ["closed", "completed", "accepted", "offered", "overdue"]),
        ({"due_after": "{now}"}, ["due"]),
        ({"due_after": "{days_ago_5}", "due_before": "{now}"}, ["accepted", "offered", "overdue"]),
        ({"status": "overdue", "child": "{child}"}, []),
    ],
)
def test_list_filters_return_exactly_the_expected_interviews(world, api_as, interviews, params, expected):
    values = {
        "placed_child": world.placed_child.pk,
        "south_child": world.south_child.pk,
        "child": world.child.pk,
        "practitioner": world.users.practitioner.pk,
        "now": iso(interviews["now"]),
        "days_ago_5": iso(interviews["now"] - dt.timedelta(days=5)),
    }
    params = {k: v.format(**values) for k, v in params.items()}
    response = api_as("coordinator").get("/return-interviews", params)
    assert ids(response) == [interviews[name].pk for name in expected]
    for item in response.json()["items"]:
        assert item["status"] == next(name for name in expected if interviews[name].pk == item["id"])


def test_practitioner_lists_only_their_assigned_interviews(world, api_as, interviews):
    assert ids(api_as("practitioner").get("/return-interviews")) == [interviews["due"].pk]
    assert ids(api_as("practitioner").get("/return-interviews", {"status": "overdue"})) == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "late"}, "status"),
        ({"due_before": "2026-01-01T00:00:00"}, "due_before"),
        ({"assigned_to": "me"}, "assigned_to"),
        ({"overdue": "true"}, "overdue"),
    ],
)
def test_bad_list_filters_are_400(world, api_as, params, field):
    response = api_as("coordinator").get("/return-interviews", params)
    assert response.status_code == 400
    assert field in field_errors(response)


def test_interview_reads_are_audited(world, api_as, interview):
    client = api_as("practitioner")
    before = last_audit_id()
    client.get("/return-interviews", {"status": "due"})
    client.get(f"/return-interviews/{interview.pk}")
    listing, detail = AuditEvent.objects.filter(pk__gt=before).exclude(action=AuditEvent.Action.API_CALL).order_by("id")
    assert listing.action == detail.action == AuditEvent.Action.API_READ
    assert listing.object_type == "return-interview-list"
    assert listing.summary == "API list read: page 1, 1 of 1; filtered by status"
    assert (detail.object_type, detail.object_id, detail.child_id) == (
        "returninterview",
        str(interview.pk),
        world.child.pk,
    )


# --- Assigning ----------------------------------------------------------------------------------------


def test_coordinator_assigns_and_unassigns(world, api_as, interview):
    client = api_as("coordinator")
    before = last_audit_id()
    response = client.post(
        f"/return-interviews/{interview.pk}/assign", {"practitioner": world.users.other_practitioner.pk, "version": 2}
    )
    assert response.status_code == 200, response.content
    assert response.json()["assigned_to"]["id"] == world.users.other_practitioner.pk
    assert response.json()["version"] == 3
    interview.refresh_from_db()
    assert interview.assigned_to == world.users.other_practitioner
    assert AuditEvent.objects.filter(pk__gt=before, summary="Return interview assigned").count() == 1

    response = client.post(f"/return-interviews/{interview.pk}/assign", {"practitioner": None, "version": 3})
    assert response.status_code == 200
    assert response.json()["assigned_to"] is None
    interview.refresh_from_db()
    assert interview.assigned_to is None


@pytest.mark.parametrize("who", ["social_worker", "manager", "practitioner"])
def test_those_who_see_but_may_not_assign_get_403(world, api_as, interview, snapshot_counts, who):
    before = snapshot_counts()
    response = api_as(who).post(
        f"/return-interviews/{interview.pk}/assign", {"practitioner": world.users.other_practitioner.pk, "version": 2}
    )
    assert response.status_code == 403
    assert snapshot_counts() == before


@pytest.mark.parametrize("who", INTERVIEW_OUTSIDERS)
def test_outsider_cannot_assign(world, api_as, interview, snapshot_counts, who):
    before = snapshot_counts()
    response = api_as(who).post(
        f"/return-interviews/{interview.pk}/assign", {"practitioner": world.users.other_practitioner.pk, "version": 2}
    )
    assert_not_found(response)
    assert snapshot_counts() == before


def test_practitioners_from_elsewhere_look_like_nobody(world, api_as, interview, snapshot_counts):
    south_provider = AgencyFactory(kind="rhi_provider", name="South Provider", code="SP", local_authority=world.south)
    elsewhere = UserFactory(username="rhi.south", agency=south_provider, roles=[Role.RHI_PRACTITIONER])
    client = api_as("coordinator")
    before = snapshot_counts()
    answers = [
        client.post(f"/return-interviews/{interview.pk}/assign", {"practitioner": user_id, "version": 2})
        for user_id in (elsewhere.pk, world.users.coordinator_south.pk, world.users.social_worker.pk, 987654)
    ]
    assert {a.status_code for a in answers} == {400}
    assert len({a.content for a in answers}) == 1
    assert set(field_errors(answers[0])) == {"practitioner"}
    assert snapshot_counts() == before


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"practitioner": 1, "version": 1}, 409, None),
        ({"version": 2}, 400, "practitioner"),
        ({"practitioner": None}, 400, "version"),
        ({"practitioner": None, "version": 2, "note": "x"}, 400, "note"),
        ({"practitioner": "rhi.north", "version": 2}, 400, "practitioner"),
        ({"assigned_to": None, "version": 2}, 400, "assigned_to"),
    ],
)
def test_bad_assignments(world, api_as, interview, snapshot_counts, body, status, field):
    if body.get("practitioner") == 1:
        body = {**body, "practitioner": world.users.practitioner.pk}
    before = snapshot_counts()
    response = api_as("coordinator").post(f"/return-interviews/{interview.pk}/assign", body)
    assert response.status_code == status, response.content
    if field:
        assert field in field_errors(response)
    assert snapshot_counts() == before


# --- The offer ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["practitioner", "coordinator"])
def test_offer_accepted_is_recorded(world, api_as, interview, who):
    client = api_as(who)
    before = last_audit_id()
    response = client.post(f"/return-interviews/{interview.pk}/offer", offer_body(2))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "accepted"
    assert body["outcome"] == "accepted"
    assert body["offered_in_time"] is True
    assert body["version"] == 3
    interview.refresh_from_db()
    assert interview.outcome == Outcome.ACCEPTED
    assert interview.offered_by == "Practitioner, by phone"
    assert AuditEvent.objects.filter(pk__gt=before, summary="Return interview offer recorded").count() == 1


def test_offer_awaiting_answer_and_not_offered(world, api_as, interview):
    client = api_as("coordinator")
    response = client.post(f"/return-interviews/{interview.pk}/offer", offer_body(2, outcome=None))
    assert response.status_code == 200
    assert response.json()["status"] == "offered"
    response = client.post(
        f"/return-interviews/{interview.pk}/offer",
        {"outcome": "not_offered", "not_offered_reason": "Child moved to Scotland", "version": 3},
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "closed"
    assert response.json()["not_offered_reason"] == "Child moved to Scotland"


@pytest.mark.parametrize("who", ["social_worker", "manager", "other_practitioner"])
def test_those_who_may_not_work_the_interview_cannot_record_the_offer(world, api_as, interview, snapshot_counts, who):
    before = snapshot_counts()
    response = api_as(who).post(f"/return-interviews/{interview.pk}/offer", offer_body(2))
    assert response.status_code == (404 if who == "other_practitioner" else 403)
    assert snapshot_counts() == before


@pytest.mark.parametrize("who", INTERVIEW_OUTSIDERS)
def test_outsider_cannot_record_the_offer(world, api_as, interview, snapshot_counts, who):
    before = snapshot_counts()
    assert_not_found(api_as(who).post(f"/return-interviews/{interview.pk}/offer", offer_body(2)))
    assert snapshot_counts() == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"outcome": "maybe"}, "outcome"),
        ({"outcome": "not_offered", "offered_at": ..., "offered_by": ...}, "not_offered_reason"),
        ({"offered_at": "2026-01-01T10:00:00"}, "offered_at"),
        ({"offered_at": "future"}, "offered_at"),
        ({"offered_at": "before_return"}, "offered_at"),
        ({"offered_at": ...}, "offered_at"),
        ({"offered_by": ""}, "offered_by"),
        ({"offered_via": "phone"}, "offered_via"),
        ({"version": ...}, "version"),
    ],
)
def test_bad_offers_are_400_and_write_nothing(
    world, api_as, interview, returned_episode, snapshot_counts, overrides, field
):
    if overrides.get("offered_at") == "future":
        overrides = {"offered_at": iso(timezone.now() + dt.timedelta(hours=2))}
    if overrides.get("offered_at") == "before_return":
        overrides = {"offered_at": iso(returned_episode.returned_at - dt.timedelta(hours=1))}
    before = snapshot_counts()
    response = api_as("practitioner").post(f"/return-interviews/{interview.pk}/offer", offer_body(**overrides))
    assert response.status_code == 400, response.content
    assert field in field_errors(response)
    assert snapshot_counts() == before


def test_offer_with_stale_version_is_409(world, api_as, interview, snapshot_counts):
    before = snapshot_counts()
    response = api_as("practitioner").post(f"/return-interviews/{interview.pk}/offer", offer_body(1))
    assert response.status_code == 409
    assert snapshot_counts() == before


# --- The interview ------------------------------------------------------------------------------------


def test_practitioner_records_the_interview(world, api_as, accepted, returned_episode):
    client = api_as("practitioner")
    before = last_audit_id()
    response = client.post(
        f"/return-interviews/{accepted.pk}/interview", write_up_body(returned_episode, accepted.version)
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == DETAIL_FIELDS
    assert body["status"] == "completed"
    assert body["push_factors"] == ["conflict", "placement"]
    assert body["pull_factors"] == ["friends"]
    assert body["disclosures"] == ["cce"]
    assert body["narrative"] == NARRATIVE
    assert body["consent_to_share"] == "yes"
    assert body["completed_by"]["id"] == world.users.practitioner.pk
    assert body["episode_ids"] == [returned_episode.pk]
    accepted.refresh_from_db()
    assert accepted.completed_at is not None
    assert accepted.narrative == NARRATIVE
    assert sorted(accepted.factor_codes("push")) == ["conflict", "placement"]
    event = AuditEvent.objects.get(pk__gt=before, summary="Return interview recorded")
    assert event.changes["narrative"] == ["", "[sensitive]"]  # it was empty, then written: never the words
    # What the child said never reaches the audit trail.
    for row in AuditEvent.objects.all():
        assert "Dex" not in f"{row.summary} {row.changes}"
    # ...and lists never carry it.
    assert "Dex" not in client.get("/return-interviews").content.decode()


def test_interview_may_cover_several_episodes(world, api_as, accepted, returned_episode):
    second = EpisodeFactory(
        child=world.child,
        police_force=world.police_north,
        created_by=world.users.police,
        last_seen_at=timezone.now() - dt.timedelta(hours=16),
        returned_at=timezone.now() - dt.timedelta(hours=15),
    )
    body = write_up_body(returned_episode, accepted.version, episode_ids=[returned_episode.pk, second.pk])
    response = api_as("coordinator").post(f"/return-interviews/{accepted.pk}/interview", body)
    assert response.status_code == 200, response.content
    assert response.json()["episode_ids"] == sorted([returned_episode.pk, second.pk])


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"push_factors": ["boredom"]}, "push_factors"),
        ({"disclosures": ["cse", "aliens"]}, "disclosures"),
        ({"disclosure_details": ""}, "disclosure_details"),
        ({"episode_ids": []}, "episode_ids"),
        ({"episode_ids": "other_child"}, "episode_ids"),
        ({"episode_ids": ...}, "episode_ids"),
        ({"completed_at": "2026-01-01T10:00:00"}, "completed_at"),
        ({"completed_at": "future"}, "completed_at"),
        ({"completed_at": "before_offer"}, "completed_at"),
        ({"consent_to_share": "perhaps"}, "consent_to_share"),
        ({"consent_to_share": ...}, "consent_to_share"),
        ({"mood": "calm"}, "mood"),
    ],
)
def test_bad_interviews_are_400_and_write_nothing(
    world, api_as, accepted, returned_episode, snapshot_counts, overrides, field
):
    now = timezone.now()
    if overrides.get("episode_ids") == "other_child":
        other = EpisodeFactory(
            child=world.placed_child,
            police_force=world.police_north,
            created_by=world.users.police,
            returned_at=now - dt.timedelta(hours=1),
        )
        overrides = {"episode_ids": [other.pk]}
    if overrides.get("completed_at") == "future":
        overrides = {"completed_at": iso(now + dt.timedelta(hours=2))}
    if overrides.get("completed_at") == "before_offer":
        overrides = {"completed_at": iso(accepted.offered_at - dt.timedelta(hours=1))}
    before = snapshot_counts()
    response = api_as("practitioner").post(
        f"/return-interviews/{accepted.pk}/interview", write_up_body(returned_episode, accepted.version, **overrides)
    )
    assert response.status_code == 400, response.content
    assert field in field_errors(response)
    assert snapshot_counts() == before


def test_interview_before_acceptance_is_400(world, api_as, interview, returned_episode, snapshot_counts):
    before = snapshot_counts()
    response = api_as("practitioner").post(
        f"/return-interviews/{interview.pk}/interview", write_up_body(returned_episode, interview.version)
    )
    assert response.status_code == 400
    assert "outcome" in field_errors(response)
    assert snapshot_counts() == before


def test_interview_with_stale_version_is_409(world, api_as, accepted, returned_episode, snapshot_counts):
    before = snapshot_counts()
    response = api_as("practitioner").post(
        f"/return-interviews/{accepted.pk}/interview", write_up_body(returned_episode, accepted.version - 1)
    )
    assert response.status_code == 409
    assert snapshot_counts() == before


@pytest.mark.parametrize("who", ["social_worker", "manager"])
def test_those_who_see_but_may_not_work_cannot_record_the_interview(
    world, api_as, accepted, returned_episode, snapshot_counts, who
):
    before = snapshot_counts()
    response = api_as(who).post(
        f"/return-interviews/{accepted.pk}/interview", write_up_body(returned_episode, accepted.version)
    )
    assert response.status_code == 403
    assert snapshot_counts() == before


@pytest.mark.parametrize("who", INTERVIEW_OUTSIDERS)
def test_outsider_cannot_record_the_interview(world, api_as, accepted, returned_episode, snapshot_counts, who):
    before = snapshot_counts()
    response = api_as(who).post(
        f"/return-interviews/{accepted.pk}/interview", write_up_body(returned_episode, accepted.version)
    )
    assert_not_found(response)
    assert "Dex" not in response.content.decode()
    assert snapshot_counts() == before


def test_the_status_codes_match_the_model():
    assert {s for s, _ in ReturnInterview._meta.get_field("outcome").choices} == set(Outcome.values)
