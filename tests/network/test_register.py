"""The partnership register: a user of one council finds a person or place recorded by another agency by an
exact identifier, links their own child to that one record, and never sees the other agency's children."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from access.models import AuditEvent
from network import actions
from network.codes import Confidence, LinkSource, PersonKind, PlaceKind
from network.models import RegisterIdentifier
from network.patterns import PERSON, build_network
from network.scoping import child_links_for, network_episodes_for, persons_for

LINK = {"source": LinkSource.SEEN_WITH, "confidence": Confidence.CONFIRMED}


@pytest.fixture
def dee(world, net):
    """Dee, recorded by the north council with a phone, a car and an age, and linked to the north's child."""
    person = net.council_person
    person.born_about = timezone.localdate().year - 25
    person.save(update_fields=["born_about"])
    return person


def _found(results):
    return [item.record.pk for item in results]


def test_another_council_finds_the_person_by_each_exact_identifier(world, dee):
    south = world.users.coordinator_south
    assert dee not in persons_for(south)  # not linked to a south child, not recorded by the south
    assert _found(actions.find_persons(acting_user=south, phone="+44 7700 900123")) == [dee.pk]
    assert _found(actions.find_persons(acting_user=south, vehicle="ab12cde")) == [dee.pk]
    by_alias = actions.find_persons(acting_user=south, name="d-man", approximate_age=27)
    assert _found(by_alias) == [dee.pk] and by_alias[0].matched == ["Name or alias"]
    both = actions.find_persons(acting_user=south, phone="07700900123", vehicle="AB12 CDE")
    assert both[0].matched == ["Phone number", "Vehicle registration"]
    # Not exact, or an age too far apart: nothing.
    assert actions.find_persons(acting_user=south, phone="07700 900124") == []
    assert actions.find_persons(acting_user=south, name="dee", approximate_age=40) == []
    assert actions.find_persons(acting_user=south, name="older male", approximate_age=25) == []


def test_a_name_needs_an_age_and_something_must_be_given(world, dee):
    south = world.users.coordinator_south
    with pytest.raises(ValidationError) as refused:
        actions.find_persons(acting_user=south, name="Dee")
    assert "approximate_age" in refused.value.message_dict
    with pytest.raises(ValidationError):
        actions.find_persons(acting_user=south)
    with pytest.raises(ValidationError):
        actions.find_persons(acting_user=world.users.school_dsl, phone="07700900123")


def test_police_only_intelligence_is_found_only_by_its_own_force(world, net):
    police_only = net.police_only_person
    police_only.phone_numbers = "07700 900999"
    police_only.save()
    actions.index_person(police_only)
    assert _found(actions.find_persons(acting_user=world.users.police, phone="07700900999")) == [police_only.pk]
    for other in (world.users.coordinator, world.users.coordinator_south, world.users.police_south):
        assert actions.find_persons(acting_user=other, phone="07700900999") == []
        with pytest.raises(ValidationError):
            actions.link_child_to_person(
                acting_user=other,
                child=world.south_child,
                person=police_only,
                linked_on=timezone.localdate(),
                **LINK,
            )


def test_linking_to_the_found_record_makes_one_record_and_hides_the_other_councils_children(world, dee):
    south = world.users.coordinator_south
    link = actions.link_child_to_person(
        acting_user=south, child=world.south_child, person=dee, linked_on=timezone.localdate(), **LINK
    )
    assert link.person_id == dee.pk
    assert dee in persons_for(south)
    # The south sees its own child's link to Dee, never the north's child.
    assert set(child_links_for(south).persons.filter(person=dee).values_list("child_id", flat=True)) == {
        world.south_child.pk
    }
    # The north police force's view sees one record with the whole group: Dee's score is not split.
    police = world.users.police
    links = child_links_for(police)
    network = build_network(links.persons, links.places, network_episodes_for(police))
    entry = next(e for e in network.ranked(PERSON) if e.pk == dee.pk)
    assert world.child.pk in entry.children


def test_places_are_found_by_postcode_or_address(world, net):
    south = world.users.coordinator_south
    assert _found(actions.find_places(acting_user=south, postcode="NM47AB")) == [net.council_place.pk]
    found = actions.find_places(acting_user=south, address="12 Eastgate Street,  NORTHTOWN")
    assert _found(found) == [net.council_place.pk] and found[0].matched == ["Address"]
    assert actions.find_places(acting_user=south, address="12 Eastgate Street") == []
    with pytest.raises(ValidationError):
        actions.find_places(acting_user=south, postcode="not a postcode")


def test_searches_are_audited_without_the_identifiers(world, dee):
    actions.find_persons(acting_user=world.users.coordinator_south, phone="07700 900123")
    event = AuditEvent.objects.filter(action=AuditEvent.Action.SEARCH).latest("pk")
    assert event.summary == "Partnership register searched for a person"
    assert event.changes == {"searched_by": [None, ["phone"]], "found": [None, [dee.pk]]}
    assert "900123" not in str(event.changes)


def test_the_index_is_keyed_and_rebuilt_by_the_command(world, dee, settings):
    assert RegisterIdentifier.objects.filter(person=dee, kind="phone").count() == 1
    settings.HOMEWARD_REGISTER_KEY = "another key"
    assert actions.find_persons(acting_user=world.users.coordinator_south, phone="07700900123") == []
    out = io.StringIO()
    call_command("reindex_network_register", stdout=out)
    assert out.getvalue().startswith("Indexed ")
    assert _found(actions.find_persons(acting_user=world.users.coordinator_south, phone="07700900123")) == [dee.pk]


def test_the_find_page_offers_the_record_to_link_and_shows_no_other_child(client, world, dee):
    client.force_login(world.users.coordinator_south)
    url = reverse("network:find-person", args=[world.south_child.pk])
    assert client.get(url).status_code == 200
    body = client.post(url, {"phone": "07700 900123"}, follow=True).content.decode()
    assert "Older male known as Dee" in body and "Northmoor Council" in body
    assert world.child.full_name not in body and world.child.first_name not in body
    link_url = reverse("network:link-person", args=[world.south_child.pk])
    assert f"{link_url}?person={dee.pk}" in body
    form = client.get(f"{link_url}?person={dee.pk}").content.decode()
    assert f'<option value="{dee.pk}" selected>' in form
    today = timezone.localdate() - dt.timedelta(days=1)
    response = client.post(
        link_url,
        {
            "person": dee.pk,
            "relationship": "adult_of_concern",
            "source": "seen_with",
            "linked_on_0": today.day,
            "linked_on_1": today.month,
            "linked_on_2": today.year,
            "confidence": "confirmed",
        },
    )
    assert response.status_code == 302
    detail = client.get(reverse("network:person", args=[dee.pk])).content.decode()
    assert world.south_child.full_name in detail and world.child.full_name not in detail
    # Nothing found, and a name without an age, on the page.
    assert "None found" in client.post(url, {"phone": "0123 456 7890"}, follow=True).content.decode()
    assert "Enter the approximate age with the name" in client.post(url, {"name": "Dee"}, follow=True).content.decode()


def test_a_person_not_found_is_not_offered_by_the_link_form(client, world, dee):
    client.force_login(world.users.coordinator_south)
    link_url = reverse("network:link-person", args=[world.south_child.pk])
    assert f'value="{dee.pk}"' not in client.get(f"{link_url}?person={dee.pk}").content.decode()


def test_place_find_page(client, world, net):
    client.force_login(world.users.coordinator_south)
    url = reverse("network:find-place", args=[world.south_child.pk])
    body = client.post(url, {"postcode": "nm4 7ab"}, follow=True).content.decode()
    assert "Chicken Palace takeaway" in body and world.child.full_name not in body


def test_recording_a_person_with_an_age(world):
    person = actions.add_person(
        acting_user=world.users.coordinator_south,
        kind=PersonKind.ADULT,
        display_name="Jay",
        approximate_age=30,
        phone_numbers="07700 900555\n@jay_on_social",
    )
    assert person.born_about == timezone.localdate().year - 30
    assert set(RegisterIdentifier.objects.filter(person=person).values_list("kind", flat=True)) == {"phone", "name"}
    with pytest.raises(ValidationError):
        actions.add_person(
            acting_user=world.users.coordinator, kind=PersonKind.ADULT, display_name="X", approximate_age=4
        )
    place = actions.add_place(acting_user=world.users.coordinator, kind=PlaceKind.HOTEL, name="Hotel", address="1 Road")
    assert RegisterIdentifier.objects.filter(place=place, kind="address").count() == 1


def test_the_find_pages_echo_hostile_text_escaped(client, world):
    client.force_login(world.users.coordinator)
    hostile = '<script>alert("x")</script>'
    for name, field in (("network:find-person", "name"), ("network:find-place", "address")):
        body = client.post(
            reverse(name, args=[world.child.pk]), {field: hostile, "approximate_age": "25"}, follow=True
        ).content.decode()
        assert hostile not in body and "&lt;script&gt;" in body


def test_a_find_is_posted_then_redirected_to_an_opaque_address_that_back_and_reload_show_again(client, world, dee):
    """Issue 15 (Post/Redirect/Get): the identifiers searched for are saved under an opaque token, the POST is
    answered with a redirect to the page with that token, and reloading it shows the results again; nothing
    identifying is in the URL, and the token opens for the user's own agency only."""
    client.force_login(world.users.coordinator_south)
    url = reverse("network:find-person", args=[world.south_child.pk])
    response = client.post(url, {"phone": "07700 900123"})
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"{url}?search=") and "07700" not in location and "900123" not in location
    for _ in range(2):  # Back and reload: a GET, the same results
        again = client.get(location)
        assert again.status_code == 200
        assert "Older male known as Dee" in again.content.decode()
        assert 'value="07700 900123"' in again.content.decode()
    client.force_login(world.users.coordinator)  # another council
    assert client.get(location.replace(str(world.south_child.pk), str(world.child.pk))).status_code == 404
