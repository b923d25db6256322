"""The network pages: insiders 200, outsiders 403 or 404, anonymous users sent to sign in, police-only
intelligence in no council page, and reads of child-identifying pages audited."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from access.models import AuditEvent
from network import actions
from network.models import ChildPersonLink, PersonOfConcern, Place

from .conftest import POLICE_ONLY_NAME, POLICE_ONLY_PLACE, SOUTH_POLICE_ONLY_NAME

INSIDERS = ["coordinator", "social_worker", "manager", "police"]
OUTSIDERS = ["school_dsl", "practitioner", "health", "analyst", "admin"]


def _pages(world, net):
    """Every page, for a user of the north council or force."""
    return [
        reverse("network:graph"),
        reverse("network:graph") + "?days=30",
        reverse("network:persons"),
        reverse("network:person-add"),
        reverse("network:person", args=[net.council_person.pk]),
        reverse("network:places"),
        reverse("network:place-add"),
        reverse("network:place", args=[net.council_place.pk]),
        reverse("network:child", args=[world.child.pk]),
        reverse("network:link-person", args=[world.child.pk]),
        reverse("network:link-place", args=[world.child.pk]),
        reverse("network:end-person-link", args=[net.council_link.pk]),
        reverse("network:end-place-link", args=[net.place_link.pk]),
        reverse("network:hotspots"),
        reverse("network:missing-together"),
    ]


@pytest.fixture
def together(world, net):
    """Two north children found together, so the pattern pages have rows."""
    from tests.factories import EpisodeFactory

    start = timezone.now() - dt.timedelta(days=5)
    for child in (world.child, world.placed_child):
        EpisodeFactory(
            child=child,
            police_force=world.police_north,
            created_by=world.users.police,
            last_seen_at=start,
            returned_at=start + dt.timedelta(hours=6),
            last_seen_place="Northtown bus station",
            found_place="Chicken Palace takeaway, Eastgate Street",
        )


@pytest.mark.parametrize("role", INSIDERS)
def test_insiders_get_every_page(client, world, net, together, role):
    client.force_login(getattr(world.users, role))
    for url in _pages(world, net):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Content-Security-Policy" in response.headers


@pytest.mark.parametrize("role", OUTSIDERS)
def test_outsiders_are_refused(client, world, net, role):
    client.force_login(getattr(world.users, role))
    for url in _pages(world, net):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("network:person-add"), {"kind": "adult", "display_name": "X"}).status_code == 403
    assert not PersonOfConcern.objects.filter(display_name="X").exists()


def test_anonymous_users_are_sent_to_sign_in(client, world, net):
    for url in _pages(world, net):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


def test_records_out_of_scope_are_404(client, world, net):
    client.force_login(world.users.coordinator_south)
    for url in [
        reverse("network:person", args=[net.council_person.pk]),
        reverse("network:person", args=[net.police_only_person.pk]),
        reverse("network:place", args=[net.police_only_place.pk]),
        reverse("network:child", args=[world.child.pk]),
        reverse("network:link-person", args=[world.child.pk]),
        reverse("network:end-person-link", args=[net.council_link.pk]),
        reverse("network:end-person-link", args=[net.police_link_to_council_person.pk]),
        reverse("network:person-add") + f"?child={world.child.pk}",
    ]:
        assert client.get(url).status_code == 404, url
    client.force_login(world.users.police_south)
    assert client.get(reverse("network:person", args=[net.police_only_person.pk])).status_code == 404


def test_police_only_names_appear_in_no_council_page(client, world, net, together):
    for role in ["coordinator", "social_worker", "manager"]:
        client.force_login(getattr(world.users, role))
        for url in _pages(world, net):
            body = client.get(url).content.decode()
            for secret in (POLICE_ONLY_NAME, POLICE_ONLY_PLACE, SOUTH_POLICE_ONLY_NAME, "Police only"):
                assert secret not in body, (role, url, secret)
    client.force_login(world.users.coordinator_south)
    for url in [reverse("network:graph"), reverse("network:persons"), reverse("network:places")]:
        body = client.get(url).content.decode()
        assert POLICE_ONLY_NAME not in body and "Dee" not in body


def test_police_see_their_own_intelligence_but_not_another_forces(client, world, net, together):
    client.force_login(world.users.police)
    assert POLICE_ONLY_NAME in client.get(reverse("network:persons")).content.decode()
    network_page = client.get(reverse("network:graph")).content.decode()
    assert POLICE_ONLY_NAME in network_page and SOUTH_POLICE_ONLY_NAME not in network_page
    detail = client.get(reverse("network:person", args=[net.police_only_person.pk])).content.decode()
    assert "Subject of an ongoing police operation" in detail
    client.force_login(world.users.police_south)
    assert POLICE_ONLY_NAME not in client.get(reverse("network:persons")).content.decode()


def test_the_network_view_is_an_accessible_svg_with_tables_and_no_inline_style_or_script(client, world, net, together):
    client.force_login(world.users.police)
    body = client.get(reverse("network:graph")).content.decode()
    assert '<svg class="hw-net-svg"' in body and "network/network.css" in body
    assert re.search(r'<a class="hw-net-link" href="/network/persons/\d+/" aria-label="Person: ', body)
    assert "<title>Child: Jordan Example" in body
    assert body.count("<table") >= 3
    assert "style=" not in body
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body) is None
    assert "<circle" in body and "<rect" in body and "<polygon" in body  # shapes, not colour alone
    # Labels are wrapped whole under their nodes, a line a <tspan>, never cut short.
    assert '<tspan x="' in body and "…</tspan>" not in body
    labels = re.findall(r'<text class="hw-net-label"[^>]*>(.*?)</text>', body)
    assert "Jordan Example" in [" ".join(re.findall(r"<tspan[^>]*>(.*?)</tspan>", label)) for label in labels]


def test_child_identifying_pages_are_audited(client, world, net, together):
    client.force_login(world.users.coordinator)
    before = AuditEvent.objects.count()
    client.get(reverse("network:person", args=[net.council_person.pk]))
    event = AuditEvent.objects.latest("id")
    assert event.action == AuditEvent.Action.VIEW and event.object_type == "personofconcern"
    assert world.child.pk in event.changes["children_shown"][1]
    client.get(reverse("network:child", args=[world.child.pk]))
    event = AuditEvent.objects.latest("id")
    assert event.action == AuditEvent.Action.VIEW and event.child_id == world.child.pk
    client.get(reverse("network:graph"))
    event = AuditEvent.objects.latest("id")
    assert event.summary.startswith("Network") and world.child.pk in event.changes["children_shown"][1]
    client.get(reverse("network:missing-together"))
    event = AuditEvent.objects.latest("id")
    assert set(event.changes["children_shown"][1]) == {world.child.pk, world.placed_child.pk}
    assert AuditEvent.objects.count() == before + 4


def test_missing_together_and_hotspot_pages_show_the_pattern(client, world, net, together):
    client.force_login(world.users.coordinator)
    body = client.get(reverse("network:missing-together")).content.decode()
    assert "Jordan Example" in body and "Riley Sample" in body and "Found together" in body
    body = client.get(reverse("network:hotspots")).content.decode()
    assert "Northtown bus station" in body and "Chicken Palace takeaway, Eastgate Street" in body


def test_record_a_person_from_a_child_and_link_them(client, world, net):
    client.force_login(world.users.coordinator)
    response = client.post(
        reverse("network:person-add") + f"?child={world.child.pk}",
        {"kind": "peer", "display_name": "Girl called Bee", "aliases": "B", "police_only": "on"},
    )
    person = PersonOfConcern.objects.get(display_name="Girl called Bee")
    assert not person.police_only  # the box is not offered to a council user, and is ignored
    assert response.status_code == 302
    assert response.url == reverse("network:link-person", args=[world.child.pk]) + f"?person={person.pk}"
    page = client.get(response.url).content.decode()
    assert f'<option value="{person.pk}" selected>' in page
    today = timezone.localdate()
    response = client.post(
        reverse("network:link-person", args=[world.child.pk]),
        {
            "person": person.pk,
            "source": "seen_with",
            "linked_on_0": today.day,
            "linked_on_1": today.month,
            "linked_on_2": today.year,
            "confidence": "probable",
            "relationship": "peer",
            "notes": "Seen at the park",
        },
    )
    assert response.status_code == 302 and response.url == reverse("network:child", args=[world.child.pk])
    link = ChildPersonLink.objects.get(person=person)
    assert link.child == world.child and link.recorded_by == world.users.coordinator
    assert link.relationship == "peer"
    page = client.get(response.url).content.decode()
    assert "Girl called Bee" in page and "Peer (another young person)" in page


def test_a_relative_is_recorded_as_family_and_the_page_explains_each_score(client, world, net, together):
    client.force_login(world.users.coordinator)
    aunt = actions.add_person(acting_user=world.users.coordinator, kind="adult", display_name="Aunt Jo")
    today = timezone.localdate()
    form = {
        "person": aunt.pk,
        "source": "found_with",
        "linked_on_0": today.day,
        "linked_on_1": today.month,
        "linked_on_2": today.year,
        "confidence": "confirmed",
    }
    response = client.post(reverse("network:link-person", args=[world.child.pk]), form)
    assert response.status_code == 200 and "Select what the person is to the child" in response.content.decode()
    response = client.post(
        reverse("network:link-person", args=[world.child.pk]), {**form, "relationship": "family_carer"}
    )
    assert response.status_code == 302
    assert ChildPersonLink.objects.get(person=aunt).relationship == "family_carer"
    body = client.get(reverse("network:graph")).content.decode()
    ranking = body.split("Persons of concern ranked", 1)[1].split("Places ranked", 1)[0]
    assert "Aunt Jo" not in ranking  # a relative not of concern is not ranked
    assert "Older male known as Dee" in ranking and "How the score was made" in ranking
    assert f"{world.child.full_name}: weight " in ranking and "x confirmed 1 x adult of concern 1 = " in ranking


def test_link_form_errors_are_shown_on_the_fields(client, world, net):
    client.force_login(world.users.coordinator)
    response = client.post(
        reverse("network:link-place", args=[world.child.pk]),
        {
            "place": net.police_only_place.pk,
            "source": "",
            "linked_on_0": "31",
            "linked_on_1": "2",
            "linked_on_2": "2026",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "Choose the place" in body and "Select how the child is linked" in body
    assert "The date they were together must be a real date" in body
    assert POLICE_ONLY_PLACE not in body


def test_police_record_police_only_intelligence_through_the_page(client, world):
    client.force_login(world.users.police)
    response = client.post(
        reverse("network:place-add"),
        {"kind": "hotel", "name": "Budget Inn room 9", "postcode": "nm1 2ab", "police_only": "on"},
    )
    place = Place.objects.get(name="Budget Inn room 9")
    assert response.status_code == 302 and place.police_only and place.postcode == "NM1 2AB"
    response = client.post(reverse("network:place-add"), {"kind": "hotel", "name": "X", "latitude": "north"})
    assert response.status_code == 200 and "Enter the latitude as a number" in response.content.decode()


def test_end_a_link_through_the_page_and_a_stale_form_is_a_conflict(client, world, net):
    client.force_login(world.users.coordinator)
    url = reverse("network:end-person-link", args=[net.council_link.pk])
    response = client.post(url, {"reason": "Entered on the wrong child", "version": net.council_link.version + 1})
    assert response.status_code == 409
    response = client.post(url, {"reason": "Entered on the wrong child", "version": net.council_link.version})
    assert response.status_code == 302
    net.council_link.refresh_from_db()
    assert net.council_link.ended_at is not None
    assert client.get(url).status_code == 302  # already ended: back to the child
    body = client.get(reverse("network:child", args=[world.child.pk])).content.decode()
    assert "Ended" in body


def test_searches_are_posted_and_audited_without_the_words(client, world, net):
    client.force_login(world.users.coordinator)
    response = client.post(reverse("network:persons"), {"q": "dee"})
    body = response.content.decode()
    assert response.status_code == 200 and "Older male known as Dee" in body and "1 person found" in body
    event = AuditEvent.objects.latest("id")
    assert event.action == AuditEvent.Action.SEARCH and "dee" not in (event.summary + str(event.changes)).lower()
    body = client.post(reverse("network:places"), {"q": "nm4"}).content.decode()
    assert "Chicken Palace takeaway" in body
    assert POLICE_ONLY_NAME not in client.post(reverse("network:persons"), {"q": "viper"}).content.decode()
    client.force_login(world.users.analyst)
    assert client.post(reverse("network:persons"), {"q": "dee"}).status_code == 403
