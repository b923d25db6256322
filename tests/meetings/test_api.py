"""/api/v1/meetings and /api/v1/meeting-actions: scoped like the pages, answers match the OpenAPI document."""

import pytest

from access.models import AuditEvent
from meetings.codes import ActionStatus
from tests.api.conftest import ApiClient
from tests.api.schema_check import errors, response_schema
from tests.meetings.conftest import MARK


@pytest.fixture
def document(db):
    return ApiClient().get("/openapi.json").json()


def test_the_meeting_reads_like_the_page(planted, api_as, document):
    response = api_as("coordinator").get(f"/meetings/{planted.meeting.pk}")
    assert response.status_code == 200
    body = response.json()
    assert not errors(body, response_schema(document, "/api/v1/meetings/{id}", "get", 200), document)
    assert body["kind"] == "strategy_discussion"
    assert body["from_alert"] == planted.alert.pk
    assert [c["child"]["la_child_id"] for c in body["children"]] == ["N000123"]
    assert body["children"][0]["decisions"] == MARK.decision
    assert [a["overdue"] for a in body["actions"]] == [True]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.API_READ, object_type="meeting").exists()


def test_an_invited_agency_without_the_child_sees_the_meeting_not_the_child(planted, api_as):
    body = api_as("other_practitioner").get(f"/meetings/{planted.meeting.pk}").json()
    assert body["children"] == [] and body["children_not_shown"] == 1
    assert body["actions"] == []
    assert MARK.decision not in str(body)


@pytest.mark.parametrize("who", ["coordinator_south", "analyst", "other_school_dsl", "police_south"])
def test_outsiders_get_404_and_empty_lists(planted, api_as, who):
    client = api_as(who)
    assert client.get(f"/meetings/{planted.meeting.pk}").status_code == 404
    assert client.get(f"/meeting-actions/{planted.action.pk}").status_code == 404
    assert client.get("/meetings").json()["count"] == 0
    assert client.get("/meeting-actions").json()["count"] == 0


def test_the_owner_completes_an_action_and_a_stale_version_is_409(planted, api_as, document):
    owner = api_as("social_worker")
    listed = owner.get("/meeting-actions", {"owner": planted.users.social_worker.pk, "status": "open"}).json()
    assert [item["id"] for item in listed["items"]] == [planted.action.pk]
    done = owner.post(f"/meeting-actions/{planted.action.pk}/status", {"status": "done", "version": 1})
    assert done.status_code == 200, done.content
    assert not errors(
        done.json(), response_schema(document, "/api/v1/meeting-actions/{id}/status", "post", 200), document
    )
    assert done.json()["status"] == ActionStatus.DONE
    again = api_as("coordinator").post(
        f"/meeting-actions/{planted.action.pk}/status", {"status": "cancelled", "note": "x", "version": 1}
    )
    assert again.status_code == 409


def test_cancelling_needs_a_note_and_others_may_not_close(planted, api_as):
    url = f"/meeting-actions/{planted.action.pk}/status"
    refused = api_as("coordinator").post(url, {"status": "cancelled", "version": 1})
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "note"
    assert api_as("police").post(url, {"status": "done", "version": 1}).status_code == 403
    assert api_as("coordinator").post(url, {"status": "open", "version": 1}).status_code == 400
