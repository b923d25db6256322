"""The auditor's audit trail pages: who may read them, what they show, the CSV export, and the audit of the audit."""

import csv
import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from access.audit import first_broken_event, record_event, seal_pending_events
from access.models import AuditEvent, Role
from access.tokens import issue_token
from governance.audit_trail import CSV_COLUMNS
from tests.factories import TEST_PASSWORD, UserFactory

SEARCH = reverse("governance:audit")
ALL_WORLD_USERS = [
    "coordinator",
    "social_worker",
    "manager",
    "coordinator_south",
    "police",
    "police_south",
    "school_dsl",
    "other_school_dsl",
    "practitioner",
    "other_practitioner",
    "health",
    "analyst",
    "admin",
]


def child_page(child) -> str:
    return reverse("governance:child-audit", args=[child.pk])


@pytest.fixture
def trail(client, world):
    """Real events, through the pages: the Northmoor coordinator and a Southvale coordinator look at children,
    a police officer reads a child through the API, and someone fails to sign in with a formula as username."""
    client.force_login(world.users.coordinator)
    assert client.get(f"/children/{world.child.pk}/").status_code == 200
    assert client.get(f"/children/{world.placed_child.pk}/").status_code == 200
    client.force_login(world.users.coordinator_south)
    assert client.get(f"/children/{world.south_child.pk}/").status_code == 200
    assert client.get(f"/children/{world.placed_child.pk}/").status_code == 200
    token = issue_token(world.users.police)
    client.logout()
    client.get(f"/api/v1/children/{world.child.pk}", headers={"Authorization": f"Bearer {token}"})
    client.post(reverse("login"), {"username": '=HYPERLINK("http://x")', "password": "wrong"})
    client.logout()
    seal_pending_events()  # as each request's commit would (the test runs inside one transaction)


def search(client, **data):
    """Post a search of the trail; a search (not a download) is answered with a redirect to its results page
    (Post/Redirect/Get), which this follows."""
    payload = {"child": "", "username": "", "action": ""} | data
    return client.post(SEARCH, payload, follow="export" not in data)


def parse_csv(response) -> list[dict[str, str]]:
    content = b"".join(response.streaming_content).decode()
    reader = csv.reader(io.StringIO(content))
    header = next(reader)
    assert header == CSV_COLUMNS
    return [dict(zip(header, row, strict=True)) for row in reader]


# --- Who may read the trail ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ALL_WORLD_USERS)
def test_everyone_but_auditors_is_refused(client, world, trail, who):
    client.force_login(getattr(world.users, who))
    for response in (
        client.get(SEARCH),
        search(client),
        client.get(child_page(world.child)),
        client.post(child_page(world.child)),
    ):
        assert response.status_code == 403
        assert b"N000123" not in response.content and b"coord.north" not in response.content


def test_an_auditor_sees_the_search_page_and_the_menu_item(client, world, auditors):
    client.force_login(auditors.north)
    response = client.get(SEARCH)
    assert response.status_code == 200
    assert b"Audit trail" in response.content
    assert f'href="{SEARCH}"'.encode() in response.content
    home = client.get("/")
    assert b"As an auditor you can search the audit trail" in home.content


def test_signed_out_visitors_go_to_sign_in(client, world):
    response = client.get(SEARCH)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- One child's trail ------------------------------------------------------------------------------


def test_the_childs_trail_shows_who_viewed_it_when_and_from_where(client, world, auditors, trail):
    client.force_login(auditors.north)
    response = client.get(child_page(world.child))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Who viewed or changed the record of child N000123" in content
    assert "coord.north" in content and "Northmoor Council" in content
    assert "police.north" in content and "Read through the API" in content
    assert "127.0.0.1" in content and ">web" in content and ">api" in content
    assert "Jordan" not in content  # the auditor reads the trail, not the child's record
    views = AuditEvent.objects.filter(child_id=world.child.pk, action=AuditEvent.Action.VIEW)
    assert views.count() == 1


def test_viewing_the_trail_is_itself_audited(client, world, auditors, trail):
    client.force_login(auditors.north)
    client.get(child_page(world.child))
    event = AuditEvent.objects.filter(action=AuditEvent.Action.AUDIT_VIEWED).get()
    assert event.actor == auditors.north
    assert event.child_id == world.child.pk
    assert "audit trail searched" in event.summary.lower()
    search(client, username="coord.north")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.AUDIT_VIEWED).count() == 2
    assert first_broken_event() is None


def test_an_auditor_of_another_council_learns_nothing_of_the_child(client, world, auditors, trail):
    client.force_login(auditors.south)
    assert client.get(child_page(world.child)).status_code == 404
    assert client.post(child_page(world.child)).status_code == 404
    response = search(client, child="N000123")
    assert response.status_code == 200
    assert "No child with that ID in your council" in response.content.decode()
    everything = search(client).content.decode()
    assert f"(record {world.child.pk})" not in everything
    assert "police.north" not in everything  # Northmoor's people's events about Northmoor's own children
    # coord.north's view of the child Southvale placed in Northmoor is about a Southvale child: that one shows.
    assert f"(record {world.placed_child.pk})" in everything
    # ...but Southvale's own people's events, and events about Southvale's children, are there.
    assert "coord.south" in everything
    assert f"(record {world.south_child.pk})" in everything


def test_the_placing_and_the_hosting_council_both_see_a_placed_childs_trail(client, world, auditors, trail):
    for auditor in (auditors.north, auditors.south):
        client.force_login(auditor)
        content = client.get(child_page(world.placed_child)).content.decode()
        assert "coord.north" in content and "coord.south" in content


def test_a_police_auditor_sees_their_forces_people_only(client, world, auditors, trail):
    client.force_login(auditors.police)
    content = search(client).content.decode()
    assert "police.north" in content
    assert "coord.north" not in content and "coord.south" not in content
    assert client.get(child_page(world.child)).status_code == 404


# --- Searching ---------------------------------------------------------------------------------------


def test_the_search_and_its_csv_are_posted_so_no_identifier_reaches_a_url(client, world, auditors, trail):
    """Issue 4: a child's ID or a username typed into the search never goes in a URL (server and proxy logs,
    browser history). One posted form holds the filters; Search and Download as CSV are its two buttons."""
    client.force_login(auditors.north)
    page = client.get(SEARCH).content.decode()
    forms = re.findall(r"<form\b[^>]*>.*?</form>", page, flags=re.DOTALL)
    search_form = next(form for form in forms if 'name="child"' in form)
    assert 'method="post"' in search_form.split(">", 1)[0]
    assert 'name="csrfmiddlewaretoken"' in search_form
    assert 'name="export" value="csv"' in search_form  # the CSV posts the same filters
    # Posted to /governance/audit/ with no query string (also from a results page, whose address differs).
    assert re.findall(r'action="([^"]*)"', search_form.split(">", 1)[0]) == [SEARCH]

    # Filters in a query string (an old bookmark, a hand-made link) are not a search: nothing found, nothing shown.
    before = AuditEvent.objects.filter(action=AuditEvent.Action.AUDIT_VIEWED).count()
    ignored = client.get(SEARCH, {"child": "N000123", "username": "coord.north", "export": "csv"})
    assert ignored.status_code == 200 and ignored["Content-Type"].startswith("text/html")
    assert "Audit events found" not in ignored.content.decode() and "N000123" not in ignored.content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.AUDIT_VIEWED).count() == before

    found = search(client, child="N000123", username="coord.north").content.decode()
    assert "Audit events found" in found
    assert "N000123" not in " ".join(re.findall(r'(?:href|action|src)="([^"]*)"', found))
    looked = AuditEvent.objects.filter(action=AuditEvent.Action.AUDIT_VIEWED).latest("id")
    assert looked.path.startswith(f"{SEARCH}results/") and looked.child_id == world.child.pk
    assert "N000123" not in looked.path
    # The audit of the audit names the child by record number (child_id), never by the council's ID.
    assert "one child" in looked.summary and "N000123" not in looked.summary
    exported = search(client, child="N000123", export="csv")
    assert exported["Content-Type"].startswith("text/csv")
    event = AuditEvent.objects.filter(action=AuditEvent.Action.AUDIT_EXPORTED).get()
    assert event.path == SEARCH and "N000123" not in event.summary


def test_search_by_child_id_user_action_and_dates(client, world, auditors, trail):
    client.force_login(auditors.north)
    by_child = search(client, child="n000123").content.decode()  # the council's ID, any case
    assert "coord.north" in by_child and "police.north" in by_child
    assert f"(record {world.placed_child.pk})" not in by_child
    by_record_number = search(client, child=str(world.child.pk)).content.decode()
    assert "police.north" in by_record_number

    by_user = search(client, username="COORD.NORTH").content.decode()
    assert "coord.north" in by_user and "police.north" not in by_user

    by_action = search(client, action=AuditEvent.Action.API_READ).content.decode()
    assert "police.north" in by_action and ">coord.north" not in by_action

    today = timezone.localdate()
    boxes = lambda name, day: {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}  # noqa: E731
    yesterday = today - dt.timedelta(days=1)
    none_yesterday = search(client, **boxes("date_from", yesterday), **boxes("date_to", yesterday)).content.decode()
    assert "No events match" in none_yesterday
    assert "coord.north" in search(client, **boxes("date_from", today), **boxes("date_to", today)).content.decode()
    backwards = search(client, **boxes("date_from", today), **boxes("date_to", yesterday))
    assert "The &#x27;to&#x27; date must be the same as or after" in backwards.content.decode()


def test_the_page_shows_which_fields_changed_never_their_values(client, world, auditors):
    record_event(
        actor=world.users.coordinator,
        action=AuditEvent.Action.UPDATE,
        obj=world.child,
        child_id=world.child.pk,
        summary="Child's record changed",
        changes={"preferred_name": ["", "Jojo"], "placement_postcode": ["NM1 1AA", "NM9 9ZZ"]},
    )
    client.force_login(auditors.north)
    content = client.get(child_page(world.child)).content.decode()
    assert "placement_postcode, preferred_name" in content
    assert "Jojo" not in content and "NM9 9ZZ" not in content


# --- CSV ----------------------------------------------------------------------------------------------


def test_the_csv_export_parses_back_to_the_events_shown(client, world, auditors, trail):
    client.force_login(auditors.north)
    response = search(client, child="N000123", export="csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="audit-trail-')
    rows = parse_csv(response)
    expected = AuditEvent.objects.filter(child_id=world.child.pk)  # including the export's own event
    assert {int(row["event_id"]) for row in rows} == set(expected.values_list("pk", flat=True))
    assert [int(r["event_id"]) for r in rows] == sorted((int(r["event_id"]) for r in rows), reverse=True)
    view = next(row for row in rows if row["action"] == AuditEvent.Action.VIEW)
    event = AuditEvent.objects.get(pk=view["event_id"])
    assert view["actor_username"] == "coord.north"
    assert view["actor_agency"] == "Northmoor Council"
    assert view["action_label"] == "Viewed"
    assert view["child_id"] == str(world.child.pk)
    assert view["council_child_id"] == "N000123"
    assert view["channel"] == "web" and view["ip_address"] == "127.0.0.1"
    assert view["path"] == f"/children/{world.child.pk}/"
    assert view["event_hash"] == event.hash
    assert dt.datetime.fromisoformat(view["occurred_at"]) == event.occurred_at
    exported = AuditEvent.objects.get(action=AuditEvent.Action.AUDIT_EXPORTED)
    assert exported.actor == auditors.north and exported.child_id == world.child.pk
    assert f"{len(rows) - 1} events" in exported.summary  # counted before it was written


def test_the_childs_csv_and_formula_cells_are_made_safe(client, world, auditors, trail):
    client.force_login(auditors.north)
    rows = parse_csv(client.post(child_page(world.child)))
    assert rows and all(row["child_id"] == str(world.child.pk) for row in rows)
    # A failed sign-in's summary carries what was typed as the username: never a live formula in a spreadsheet.
    record_event(actor=auditors.north, action=AuditEvent.Action.SEARCH, summary='=HYPERLINK("http://x")')
    mine = parse_csv(search(client, username="auditor.north", action=AuditEvent.Action.SEARCH, export="csv"))
    assert mine[0]["summary"] == '\'=HYPERLINK("http://x")'


def test_sign_in_through_the_form_then_the_trail_shows_it(client, world, auditors):
    from tests.two_factor import current_code, totp_device

    device = totp_device(world.users.coordinator)
    client.post(reverse("login"), {"username": "coord.north", "password": TEST_PASSWORD})
    client.post(reverse("accounts:two-factor"), {"code": current_code(device)})
    client.force_login(auditors.north)
    content = search(client, username="coord.north").content.decode()
    assert "Signed in" in content and "Two-factor code accepted" in content


def test_a_search_of_the_trail_has_a_results_page_for_the_agencys_auditors_only(client, world, auditors, trail):
    """Post/Redirect/Get: the results page is named by an opaque token; another auditor of the same agency may
    open it (a link sent to a colleague), another agency's auditor cannot tell it exists."""
    client.force_login(auditors.north)
    response = client.post(SEARCH, {"child": "N000123", "username": "", "action": ""})
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"{SEARCH}results/") and "N000123" not in location
    assert "Audit events found" in client.get(location).content.decode()
    colleague = UserFactory(username="auditor.north2", agency=world.north, roles=[Role.AUDITOR])
    client.force_login(colleague)
    assert "Audit events found" in client.get(location).content.decode()
    client.force_login(auditors.south)
    assert client.get(location).status_code == 404
    client.force_login(world.users.coordinator)
    assert client.get(location).status_code == 403
