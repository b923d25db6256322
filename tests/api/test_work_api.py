"""/tasks, /alerts and /notifications: the same inbox, decisions and notifications as the pages, scoped."""

import datetime as dt

from django.utils import timezone

from access.models import Role
from access.tokens import issue_token
from notifications.actions import notify
from notifications.codes import NotificationKind
from risk.codes import AlertKind
from risk.models import Alert
from tests.api.conftest import ApiClient
from tests.factories import InterviewFactory


def client_for(user) -> ApiClient:
    return ApiClient(issue_token(user))


def an_alert(world) -> Alert:
    return Alert.objects.create(
        child=world.child,
        kind=AlertKind.HIGH_RISK,
        dedupe_key="api",
        detail="Graded high",
        raised_at=timezone.now() - dt.timedelta(hours=30),
        for_role=Role.COORDINATOR,
    )


def test_tasks_with_counts_and_the_team_view(world):
    alert = an_alert(world)
    interview = InterviewFactory(child=world.child, provider=world.provider, due_by=timezone.now())
    answer = client_for(world.users.coordinator).get("/tasks")
    assert answer.status_code == 200
    body = answer.json()
    assert (body["count"], body["overdue"]) == (2, 2)
    assert [item["reference"] for item in body["items"]] == [f"alert:{alert.pk}", f"return-interview:{interview.pk}"]
    assert all(item["can_hand_on"] for item in body["items"])
    assert "Jordan" not in answer.content.decode()
    assert client_for(world.users.social_worker).get("/tasks", {"view": "team"}).status_code == 403
    assert client_for(world.users.manager).get("/tasks", {"view": "team"}).json()["count"] == 2
    refused = client_for(world.users.coordinator).get("/tasks", {"kind": "no_such_kind"})
    assert refused.status_code == 400 and "kind" in refused.content.decode()
    assert client_for(world.users.coordinator_south).get("/tasks").json()["count"] == 0


def test_deciding_an_alert_with_its_version(world):
    alert = an_alert(world)
    api = client_for(world.users.coordinator)
    # Handed on first: to a holder of its role at the child's council only, at the version read.
    manager = world.users.manager.pk
    assert api.post(f"/alerts/{alert.pk}/assign", {"assigned_to": manager, "version": 1}).status_code == 400
    coordinator = world.users.coordinator.pk
    assert api.post(f"/alerts/{alert.pk}/assign", {"assigned_to": coordinator, "version": 9}).status_code == 409
    handed = api.post(f"/alerts/{alert.pk}/assign", {"assigned_to": coordinator, "version": 1})
    assert handed.status_code == 200 and handed.json()["assigned_to"]["id"] == coordinator
    assert handed.json()["version"] == 2
    stale = api.post(f"/alerts/{alert.pk}/decision", {"decision": "no_further_action", "version": 99})
    assert stale.status_code == 409
    no_reason = api.post(f"/alerts/{alert.pk}/decision", {"decision": "no_further_action", "version": 2})
    assert no_reason.status_code == 400 and "reason" in no_reason.content.decode()
    done = api.post(f"/alerts/{alert.pk}/decision", {"decision": "strategy_discussion_held", "version": 2})
    assert done.status_code == 200 and done.json()["status"] == "acknowledged"
    assert api.get("/alerts", {"status": "open"}).json()["count"] == 0
    assert client_for(world.users.coordinator_south).get(f"/alerts/{alert.pk}").status_code == 404


def test_notifications_are_the_callers_own(world):
    [mine] = notify(NotificationKind.CHILD_MISSING, [world.users.coordinator], about="api", link="/")
    api = client_for(world.users.coordinator)
    assert api.get("/notifications", {"unread": "true"}).json()["count"] == 1
    read = api.post(f"/notifications/{mine.pk}/read")
    assert read.status_code == 200 and read.json()["read_at"]
    assert api.get("/notifications", {"unread": "true"}).json()["count"] == 0
    other = client_for(world.users.social_worker)
    assert other.get(f"/notifications/{mine.pk}").status_code == 404
    assert other.post(f"/notifications/{mine.pk}/read").status_code == 404


def test_the_episode_log_through_the_api(world, open_episode):
    api = client_for(world.users.police)
    when = (timezone.now() - dt.timedelta(minutes=10)).isoformat()
    added = api.post(
        f"/episodes/{open_episode.pk}/log", {"kind": "police_update", "occurred_at": when, "note": "Checked"}
    )
    assert added.status_code == 201 and added.json()["recorded_by_agency"]["name"] == "Northmoor Police"
    future = (timezone.now() + dt.timedelta(days=1)).isoformat()
    refused = api.post(f"/episodes/{open_episode.pk}/log", {"kind": "call", "occurred_at": future, "note": "Later"})
    assert refused.status_code == 400 and "occurred_at" in refused.content.decode()
    assert [e["note"] for e in api.get(f"/episodes/{open_episode.pk}/log").json()] == ["Checked"]


def test_tasks_page_by_number_keeping_their_filters_and_declare_no_cursor(world, settings):
    """Tasks are worked out when asked for, not stored: they page by number (no sync cursor to promise), and the
    next page keeps the kind and view asked for."""
    settings.HOMEWARD_API_PAGE_SIZE = 1
    for hours in (1, 2, 3):
        InterviewFactory(child=world.child, provider=world.provider, due_by=timezone.now() - dt.timedelta(hours=hours))
    an_alert(world)
    api = client_for(world.users.coordinator)
    kind = next(c["kind"] for c in api.get("/tasks").json()["counts"] if c["kind"] != "alerts" and c["total"] == 3)
    first = api.get("/tasks", {"kind": kind}).json()
    assert "next_cursor" not in first and first["count"] == 3 and first["previous"] is None
    second = api.get(first["next"].split("/api/v1", 1)[1]).json()
    assert second["count"] == 3 and f"kind={kind}" in first["next"] and "view=mine" in first["next"]
    assert second["items"][0]["reference"] != first["items"][0]["reference"]
    assert f"kind={kind}" in second["previous"]
    schema = ApiClient(None).get("/openapi.json").json()["components"]["schemas"]["TaskPage"]["properties"]
    assert "next_cursor" not in schema
