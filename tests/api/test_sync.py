"""Sync (api.reading.list_page): `updated_since` and the opaque cursor over (when changed, id), on every list."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from access.models import Role
from api.reading import encode_cursor
from children.actions import update_child
from risk.actions import acknowledge_alert, assign_alert
from risk.codes import AlertDecision, AlertKind
from risk.models import Alert
from tests.api.conftest import field_errors
from tests.factories import ChildFactory

LISTS = [
    "/children",
    "/episodes",
    "/return-interviews",
    "/meetings",
    "/meeting-actions",
    "/risk-changes",
    "/alerts",
    "/screenings",
    "/referrals",
    "/persons",
    "/places",
    "/person-links",
    "/place-links",
    "/shares",
    "/notifications",
]


@pytest.fixture
def many_children(world, settings):
    settings.HOMEWARD_API_PAGE_SIZE = 2
    return [
        ChildFactory(responsible_council=world.north, placement_council=world.north, la_child_id=f"SYNC{n}")
        for n in range(5)
    ]


def _ids(pages):
    return [item["id"] for page in pages for item in page["items"]]


def _follow(client, path, params):
    pages = [client.get(path, params).json()]
    while pages[-1]["next_cursor"]:
        pages.append(client.get(path, {**params, "cursor": pages[-1]["next_cursor"]}).json())
    return pages


def test_sync_pages_in_change_order_and_reaches_every_record(world, api_as, many_children):
    client = api_as("coordinator")
    since = "1900-01-01T00:00:00+00:00"
    pages = _follow(client, "/children", {"updated_since": since})
    everyone = client.get("/children").json()["count"]
    assert len(_ids(pages)) == everyone == pages[0]["count"]
    assert len(set(_ids(pages))) == everyone
    changed = [item["updated_at"] for page in pages for item in page["items"]]
    assert changed == sorted(changed)
    assert pages[0]["previous"] is None
    assert "cursor=" in pages[0]["next"]


def test_a_record_changed_during_sync_comes_again_later_and_none_is_missed(world, api_as, many_children):
    client = api_as("coordinator")
    first = client.get("/children", {"updated_since": "1900-01-01T00:00:00Z"}).json()
    seen_first = first["items"][0]["id"]
    child = many_children[0].__class__.objects.get(pk=seen_first)
    update_child(child, expected_version=child.version, acting_user=world.users.coordinator, preferred_name="Sam")
    rest = _follow(client, "/children", {"updated_since": "1900-01-01T00:00:00Z", "cursor": first["next_cursor"]})
    ids = _ids([first, *rest])
    assert ids.count(seen_first) == 2
    assert set(ids) == {item["id"] for item in client.get("/children", {"page": 1}).json()["items"]} | set(ids)


def test_updated_since_keeps_only_later_changes(world, api_as, many_children):
    client = api_as("coordinator")
    later = timezone.now() + dt.timedelta(seconds=1)
    assert client.get("/children", {"updated_since": later.isoformat()}).json()["count"] == 0
    child = many_children[2]
    since = timezone.now().isoformat()
    update_child(child, expected_version=1, acting_user=world.users.coordinator, preferred_name="Kit")
    assert [item["id"] for item in client.get("/children", {"updated_since": since}).json()["items"]] == [child.pk]


# Nonsense, empty, cut short, JSON of the wrong shape, a null time, a time that is not one.
NOT_CURSORS = [
    "nonsense",
    "",
    encode_cursor(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), 1)[:-3],
    "eyJhIjoxfQ",
    "W251bGwsMV0",
    "WyJ4IiwxXQ",
]


@pytest.mark.parametrize("cursor", NOT_CURSORS)
def test_a_cursor_this_api_did_not_give_is_a_400(world, api_as, cursor):
    response = api_as("coordinator").get("/episodes", {"cursor": cursor})
    assert response.status_code == 400, response.content
    assert "cursor" in field_errors(response)


def test_page_numbers_and_cursors_do_not_mix(world, api_as):
    response = api_as("coordinator").get("/children", {"updated_since": "2020-01-01T00:00:00Z", "page": 2})
    assert response.status_code == 400
    assert list(field_errors(response)) == ["page"]


def test_updated_since_needs_an_offset(world, api_as):
    response = api_as("coordinator").get("/alerts", {"updated_since": "2020-01-01T00:00:00"})
    assert response.status_code == 400
    assert list(field_errors(response)) == ["updated_since"]


# My work computed when asked, not a set of records (docs/api.md, "Sync"): the one list without `updated_since`.
UNSYNCED = {"/tasks"}


def test_the_lists_checked_here_are_every_list_the_document_declares(db):
    """A list added to the API later is a list here too: every GET whose answer is a page of `items` is in LISTS
    (and takes `updated_since` and `cursor`, as the document says) or is the one list documented as not syncing."""
    document = Client().get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    declared = {}
    for path, operations in document["paths"].items():
        answer = operations.get("get", {}).get("responses", {}).get("200", {})
        reference = answer.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
        if "items" in schemas.get(reference.rsplit("/", 1)[-1], {}).get("properties", {}):
            declared[path.removeprefix("/api/v1")] = {p["name"] for p in operations["get"].get("parameters", [])}
    assert sorted(declared) == sorted([*LISTS, *UNSYNCED])
    for path, parameters in declared.items():
        assert ({"updated_since", "cursor"} <= parameters) is (path not in UNSYNCED), path


@pytest.mark.parametrize("path", LISTS)
def test_every_list_syncs(world, api_as, path):
    response = api_as("coordinator").get(path, {"updated_since": "1900-01-01T00:00:00Z"})
    assert response.status_code == 200, response.content
    assert set(response.json()) == {"count", "next", "previous", "next_cursor", "items"}


def test_an_alert_syncs_and_its_etag_changes_whenever_it_changes(world, api_as):
    """Issue 17: an alert has `updated_at`, set when it is raised and each time it is decided, handed on or
    resolves itself, so a client following `updated_since` sees every change, and the alert's ETag follows it."""
    alert = Alert.objects.create(
        child=world.child,
        kind=AlertKind.HIGH_RISK,
        dedupe_key="sync",
        detail="Graded high",
        raised_at=timezone.now() - dt.timedelta(days=3),
        for_role=Role.COORDINATOR,
    )
    client = api_as("coordinator")
    token = client._headers()["Authorization"]
    first = Client().get(f"/api/v1/alerts/{alert.pk}", headers={"Authorization": token})
    assert first.status_code == 200 and first.json()["updated_at"]
    unchanged = Client().get(
        f"/api/v1/alerts/{alert.pk}", headers={"Authorization": token, "If-None-Match": first["ETag"]}
    )
    assert unchanged.status_code == 304

    since = timezone.now().isoformat()
    assert client.get("/alerts", {"updated_since": since}).json()["count"] == 0
    alert = assign_alert(
        alert, assignee=world.users.coordinator, expected_version=alert.version, acting_user=world.users.coordinator
    )
    handed_on = client.get("/alerts", {"updated_since": since}).json()
    assert [item["id"] for item in handed_on["items"]] == [alert.pk]  # a hand-on is a change a client must see
    changed = Client().get(
        f"/api/v1/alerts/{alert.pk}", headers={"Authorization": token, "If-None-Match": first["ETag"]}
    )
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]

    since = timezone.now().isoformat()
    acknowledge_alert(
        alert,
        decision=AlertDecision.NO_FURTHER_ACTION,
        reason="Reviewed",
        expected_version=alert.version,
        acting_user=world.users.coordinator,
    )
    decided = client.get("/alerts", {"updated_since": since}).json()["items"]
    assert [item["id"] for item in decided] == [alert.pk]
    assert dt.datetime.fromisoformat(decided[0]["updated_at"]) >= dt.datetime.fromisoformat(since)
