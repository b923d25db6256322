"""Recording persons and places and linking children: the rules, the audit trail, and no sensitive text in it."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from access.models import AuditEvent
from core.errors import ConflictError
from network import actions
from network.codes import Confidence, LinkSource, PersonKind, PlaceKind
from network.models import ChildPersonLink, PersonOfConcern
from tests.factories import ChildFactory, EpisodeFactory

from .conftest import POLICE_ONLY_NAME


def _link_kwargs(**overrides):
    return {
        "source": LinkSource.FOUND_WITH,
        "linked_on": timezone.localdate() - dt.timedelta(days=1),
        "confidence": Confidence.PROBABLE,
        **overrides,
    }


def _errors(excinfo) -> dict:
    return excinfo.value.message_dict


def test_add_person_owned_by_the_agency_encrypted_and_audited_without_its_words(world):
    person = actions.add_person(
        acting_user=world.users.coordinator,
        kind=PersonKind.ADULT,
        display_name="Man called Tee",
        aliases="Tee, T",
        phone_numbers="07700 900456",
        vehicles="Black van",
    )
    assert person.owning_agency == world.north
    assert not person.police_only
    with connection.cursor() as cursor:
        cursor.execute("SELECT aliases, phone_numbers FROM network_personofconcern WHERE id = %s", [person.pk])
        aliases, phones = cursor.fetchone()
    assert aliases.startswith("enc1:") and phones.startswith("enc1:")
    event = AuditEvent.objects.get(object_type="personofconcern", object_id=str(person.pk))
    assert event.action == AuditEvent.Action.CREATE and event.actor == world.users.coordinator
    text = json.dumps(event.changes) + event.summary
    for secret in ("Tee", "07700", "Black van"):
        assert secret not in text
    assert event.changes["aliases"] == [None, "[sensitive]"]
    assert event.changes["kind"] == [None, "adult"]


def test_add_person_field_errors(world):
    with pytest.raises(ValidationError) as excinfo:
        actions.add_person(acting_user=world.users.coordinator, kind="giant", display_name="  ")
    assert set(_errors(excinfo)) == {"kind", "display_name"}
    assert not PersonOfConcern.objects.exists()


def test_only_police_record_police_only_intelligence(world):
    with pytest.raises(ValidationError) as excinfo:
        actions.add_person(acting_user=world.users.coordinator, kind="adult", display_name="X", police_only=True)
    assert "police_only" in _errors(excinfo)
    person = actions.add_person(acting_user=world.users.police, kind="adult", display_name="X", police_only=True)
    assert person.police_only and person.owning_agency == world.police_north


@pytest.mark.parametrize("role", ["school_dsl", "practitioner", "health", "analyst", "admin"])
def test_roles_without_network_access_cannot_record(world, role):
    with pytest.raises(ValidationError):
        actions.add_person(acting_user=getattr(world.users, role), kind="adult", display_name="X")
    with pytest.raises(ValidationError):
        actions.add_place(acting_user=getattr(world.users, role), kind="shop", name="Shop")


def test_add_place_normalises_the_postcode_and_checks_coordinates(world):
    place = actions.add_place(
        acting_user=world.users.police,
        kind=PlaceKind.HOTEL,
        name="Station Hotel",
        postcode="nm47ab",
        latitude="53.4807591",
        longitude="-2.2426",
    )
    assert place.postcode == "NM4 7AB"
    assert str(place.latitude) == "53.480759"
    with pytest.raises(ValidationError) as excinfo:
        actions.add_place(
            acting_user=world.users.police, kind="palace", name="", postcode="12345", latitude="91", longitude=""
        )
    assert set(_errors(excinfo)) == {"kind", "name", "postcode", "latitude"}
    with pytest.raises(ValidationError) as excinfo:
        actions.add_place(acting_user=world.users.police, kind="shop", name="Shop", latitude="53.1")
    assert set(_errors(excinfo)) == {"longitude"}


def test_link_inherits_police_only_from_the_person(world, net):
    assert net.police_only_link.police_only
    assert not net.council_link.police_only
    assert net.police_link_to_council_person.police_only  # set by the officer


def test_link_only_a_child_the_user_can_see(world, net):
    with pytest.raises(ValidationError) as excinfo:
        actions.link_child_to_person(
            acting_user=world.users.coordinator, child=world.south_child, person=net.council_person, **_link_kwargs()
        )
    assert set(_errors(excinfo)) == {"child"}


def test_link_only_a_person_the_user_can_see(world, net):
    with pytest.raises(ValidationError) as excinfo:
        actions.link_child_to_person(
            acting_user=world.users.coordinator,
            child=world.child,
            person=net.police_only_person,
            **_link_kwargs(),
        )
    assert set(_errors(excinfo)) == {"person"}
    with pytest.raises(ValidationError) as excinfo:
        actions.link_child_to_place(
            acting_user=world.users.police_south, child=world.south_child, place=net.police_only_place, **_link_kwargs()
        )
    assert set(_errors(excinfo)) == {"place"}


def test_link_checks_codes_dates_and_the_episode(world, net, open_episode):
    other_child = ChildFactory(responsible_council=world.north)
    other_episode = EpisodeFactory(child=other_child, police_force=world.police_north, created_by=world.users.police)
    with pytest.raises(ValidationError) as excinfo:
        actions.link_child_to_person(
            acting_user=world.users.coordinator,
            child=world.child,
            person=net.council_person,
            source="rumour",
            linked_on=timezone.localdate() + dt.timedelta(days=2),
            confidence="certain",
            episode=other_episode,
        )
    assert set(_errors(excinfo)) == {"source", "linked_on", "confidence", "episode"}
    with pytest.raises(ValidationError) as excinfo:
        actions.link_child_to_person(
            acting_user=world.users.coordinator,
            child=world.child,
            person=net.council_person,
            **_link_kwargs(linked_on=dt.date(2000, 1, 1)),
        )
    assert "linked_on" in _errors(excinfo)
    link = actions.link_child_to_person(
        acting_user=world.users.coordinator,
        child=world.child,
        person=net.council_person,
        episode=open_episode,
        notes="Said he bought her food",
        **_link_kwargs(),
    )
    assert link.episode == open_episode
    event = AuditEvent.objects.get(object_type="childpersonlink", object_id=str(link.pk))
    assert event.child_id == world.child.pk
    assert event.changes["notes"] == [None, "[sensitive]"]
    assert "food" not in json.dumps(event.changes)


def test_the_same_link_twice_is_refused(world, net):
    with pytest.raises(ValidationError) as excinfo:
        actions.link_child_to_person(
            acting_user=world.users.coordinator,
            child=world.child,
            person=net.council_person,
            source=net.council_link.source,
            linked_on=net.council_link.linked_on,
            confidence=Confidence.POSSIBLE,
        )
    assert set(_errors(excinfo)) == {"person"}


def test_ending_a_link_keeps_it_and_audits_it(world, net):
    link = net.council_link
    ended = actions.end_person_link(
        link, acting_user=world.users.social_worker, expected_version=link.version, reason="Wrong child recorded"
    )
    assert ended.ended_at is not None and ended.ended_by == world.users.social_worker
    assert ChildPersonLink.objects.filter(pk=link.pk).exists()
    event = AuditEvent.objects.filter(object_type="childpersonlink", object_id=str(link.pk)).last()
    assert event.action == AuditEvent.Action.UPDATE
    assert "Wrong child" not in json.dumps(event.changes)
    # The same link can now be recorded again (only active links must be unique).
    actions.link_child_to_person(
        acting_user=world.users.coordinator,
        child=world.child,
        person=net.council_person,
        source=link.source,
        linked_on=link.linked_on,
        confidence=link.confidence,
    )
    with pytest.raises(ValidationError):
        actions.end_person_link(ended, acting_user=world.users.coordinator, expected_version=ended.version, reason="x")


def test_ending_a_link_needs_a_reason_the_current_version_and_sight_of_it(world, net):
    link = net.police_only_link
    with pytest.raises(ValidationError) as excinfo:
        actions.end_person_link(link, acting_user=world.users.coordinator, expected_version=link.version, reason="x")
    assert "__all__" in _errors(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        actions.end_person_link(link, acting_user=world.users.police, expected_version=link.version, reason=" ")
    assert set(_errors(excinfo)) == {"reason"}
    with pytest.raises(ConflictError):
        actions.end_person_link(link, acting_user=world.users.police, expected_version=link.version + 1, reason="x")
    place_link = actions.end_place_link(
        net.police_place_link, acting_user=world.users.police, expected_version=1, reason="Closed down"
    )
    assert not place_link.is_active


def test_no_audit_event_ever_holds_a_persons_name(world, net):
    for event in AuditEvent.objects.all():
        assert POLICE_ONLY_NAME not in json.dumps(event.changes) + event.summary


def test_a_link_says_what_the_person_is_to_the_child(world, net):
    from network.codes import Relationship

    coordinator, today = world.users.coordinator, timezone.localdate()
    peer = actions.add_person(acting_user=coordinator, kind=PersonKind.PEER, display_name="Bee")
    common = {"source": LinkSource.SEEN_WITH, "linked_on": today, "confidence": Confidence.CONFIRMED}
    # Left blank, the relationship follows the person's kind.
    assert net.council_link.relationship == Relationship.ADULT_OF_CONCERN
    link = actions.link_child_to_person(acting_user=coordinator, child=world.child, person=peer, **common)
    assert link.relationship == Relationship.PEER
    aunt = actions.add_person(acting_user=coordinator, kind=PersonKind.ADULT, display_name="Aunt")
    link = actions.link_child_to_person(
        acting_user=coordinator, child=world.child, person=aunt, relationship=Relationship.FAMILY_CARER, **common
    )
    assert link.relationship == Relationship.FAMILY_CARER
    event = AuditEvent.objects.filter(object_id=str(link.pk), summary__startswith="Child linked").get()
    assert event.changes["relationship"] == [None, "family_carer"]
    with pytest.raises(ValidationError) as refused:
        actions.link_child_to_person(
            acting_user=coordinator, child=world.child, person=aunt, relationship="uncle", **common
        )
    assert "relationship" in refused.value.message_dict
