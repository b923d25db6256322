"""Likely duplicates in the partnership register (issue 14): proposed by key with their reasons, merged by an
authorised user with every link kept, audited, atomic, and never naming another council's children."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from access.models import AuditEvent
from core.errors import ConflictError
from network import actions, duplicates
from network.codes import Confidence, LinkSource, PersonKind, PlaceKind
from network.models import ChildPersonLink, NotDuplicate, PersonOfConcern, Place, RegisterIdentifier
from network.scoping import partnership_persons_for, persons_for

LINK = {"source": LinkSource.SEEN_WITH, "confidence": Confidence.CONFIRMED}
REASON = "Same phone and nickname MERGE-REASON-TEXT"


def _days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def _person(user, name, **fields):
    return actions.add_person(acting_user=user, kind=PersonKind.ADULT, display_name=name, **fields)


def _pairs(proposals):
    return {(p.first.pk, p.second.pk): p.reason_list for p in proposals}


def _pair(a, b):
    return tuple(sorted((a.pk, b.pk)))


@pytest.fixture
def twice(world, net):
    """Dee recorded by Northmoor Council (net.council_person, linked to Jordan) and again by Northmoor Police, with
    the same phone number written differently, linked to Jordan on the same day by the same source, and to the
    Southvale child placed in Northmoor."""
    police = world.users.police
    again = _person(police, "Deeman", phone_numbers="+44 7700 900123", vehicles="", approximate_age=24)
    link_day = net.council_link.linked_on
    same = actions.link_child_to_person(acting_user=police, child=world.child, person=again, linked_on=link_day, **LINK)
    other = actions.link_child_to_person(
        acting_user=police, child=world.placed_child, person=again, linked_on=_days_ago(10), **LINK
    )
    return again, same, other


# --- Proposals ---------------------------------------------------------------------------------------------


def test_a_shared_phone_number_is_proposed_with_its_reason(world, net, twice):
    again, _, _ = twice
    found = _pairs(duplicates.person_proposals(world.users.police))
    assert found[_pair(net.council_person, again)] == [duplicates.SAME_PHONE]


def test_the_same_name_is_proposed_only_with_birth_years_close_together(world, net):
    coordinator = world.users.coordinator
    first = _person(coordinator, "Jay Smith", approximate_age=30)
    close = _person(coordinator, "J Smith", aliases="jay smith", approximate_age=32)
    far = _person(coordinator, "Jay  Smith", approximate_age=60)
    unknown = _person(coordinator, "JAY SMITH")
    different = _person(coordinator, "Kay Smith", approximate_age=30)
    found = _pairs(duplicates.person_proposals(coordinator))
    assert found[_pair(first, close)] == [duplicates.SAME_NAME]
    for other in (far, unknown, different):
        assert _pair(first, other) not in found
    assert _pair(close, far) not in found


def test_places_at_one_postcode_with_a_similar_address_or_the_same_address_are_proposed(world, net):
    coordinator = world.users.coordinator
    place = net.council_place  # 12 Eastgate Street, Northtown, NM4 7AB
    similar = actions.add_place(
        acting_user=coordinator,
        kind=PlaceKind.TAKEAWAY,
        name="Chicken Palace",
        address="12 Eastgate St, Northtown",
        postcode="NM47AB",
    )
    same_address = actions.add_place(
        acting_user=coordinator, kind=PlaceKind.OTHER, name="Flat above", address="12 EASTGATE STREET northtown"
    )
    neighbour = actions.add_place(
        acting_user=coordinator, kind=PlaceKind.OTHER, name="Park", address="Riverside Park gates", postcode="NM4 7AB"
    )
    found = _pairs(duplicates.place_proposals(coordinator))
    assert found[_pair(place, similar)] == [duplicates.SIMILAR_AT_POSTCODE]
    assert found[_pair(place, same_address)] == [duplicates.SAME_ADDRESS]
    assert _pair(place, neighbour) not in found and _pair(similar, neighbour) not in found


def test_proposals_are_only_of_records_the_user_may_merge(world, net, twice):
    again, _, _ = twice
    pair = _pair(net.council_person, again)
    # Northmoor's coordinator sees the police record (linked to a child in their caseload): proposed to them.
    assert pair in _pairs(duplicates.person_proposals(world.users.coordinator))
    # A social worker may not merge; Southvale's coordinator does not see these records in full.
    assert duplicates.person_proposals(world.users.social_worker) == []
    assert pair not in _pairs(duplicates.person_proposals(world.users.coordinator_south))
    # Police-only intelligence is never paired with a record every agency sees.
    secret = _person(world.users.police, "Deeman two", phone_numbers="07700900123", police_only=True)
    police_pairs = _pairs(duplicates.person_proposals(world.users.police))
    assert _pair(secret, net.council_person) not in police_pairs and _pair(secret, again) not in police_pairs


def test_a_pair_marked_not_a_duplicate_is_not_proposed_again(world, net, twice):
    again, _, _ = twice
    police = world.users.police
    actions.dismiss_duplicate(first=again, second=net.council_person, reason="Brothers", acting_user=police)
    assert _pair(net.council_person, again) not in _pairs(duplicates.person_proposals(police))
    decision = NotDuplicate.objects.get()
    assert (decision.first_person_id, decision.second_person_id) == _pair(net.council_person, again)
    events = AuditEvent.objects.filter(summary__contains="not a duplicate")
    assert events.count() == 2
    assert all("Brothers" not in str(event.changes) for event in events)
    with pytest.raises(ValidationError):
        actions.dismiss_duplicate(
            first=again, second=net.council_person, reason="x", acting_user=world.users.social_worker
        )


# --- Merging -----------------------------------------------------------------------------------------------


def _merge(world, survivor, merged, user=None, **overrides):
    return actions.merge_persons(
        survivor=survivor,
        merged=merged,
        survivor_version=overrides.pop("survivor_version", survivor.version),
        merged_version=overrides.pop("merged_version", merged.version),
        reason=overrides.pop("reason", REASON),
        acting_user=user or world.users.police,
    )


def test_a_merge_moves_every_link_keeps_the_history_and_reindexes(world, net, twice):
    dee, (again, same, other) = net.council_person, twice
    kept = _merge(world, dee, again)
    links = ChildPersonLink.objects.filter(person=kept)
    # Jordan was linked to both on the same day by the same source: one active link, both in the history.
    jordan = links.filter(child=world.child, linked_on=same.linked_on)
    assert jordan.count() == 2 and jordan.filter(ended_at__isnull=True).count() == 1
    assert ChildPersonLink.objects.get(pk=same.pk).ended_at is not None
    assert links.filter(pk=other.pk, ended_at__isnull=True).exists()
    assert not ChildPersonLink.objects.filter(person=again).exists()
    # The merged name is an alias of the survivor, and the survivor is found by it; the merged record is not.
    kept.refresh_from_db()
    assert "Deeman" in kept.aliases and kept.version == 2
    found = actions.find_persons(acting_user=world.users.coordinator_south, name="deeman", approximate_age=25)
    assert [f.record.pk for f in found] == [dee.pk]
    assert not RegisterIdentifier.objects.filter(person=again).exists()
    gone = PersonOfConcern.objects.get(pk=again.pk)
    assert gone.merged_into_id == dee.pk and gone.merged_at is not None and gone.merged_by == world.users.police
    assert again.pk not in persons_for(world.users.police).values_list("pk", flat=True)
    assert again.pk not in partnership_persons_for(world.users.coordinator).values_list("pk", flat=True)


def test_a_merge_is_audited_on_both_records_without_the_reason(world, net, twice):
    again, _, _ = twice
    _merge(world, net.council_person, again)
    events = AuditEvent.objects.filter(action=AuditEvent.Action.MERGE)
    assert {(e.object_id, e.summary) for e in events} == {
        (str(again.pk), f"Person {again.pk} merged into person {net.council_person.pk} as a duplicate"),
        (str(net.council_person.pk), f"Duplicate person {again.pk} merged into this one"),
    }
    gone = events.get(object_id=str(again.pk))
    assert gone.changes["merged_into"] == [None, net.council_person.pk]
    assert gone.changes["links to children"] == [None, 2]
    assert all("MERGE-REASON-TEXT" not in str(e.changes) and "7700" not in str(e.changes) for e in events)


def test_a_stale_version_is_a_conflict_and_writes_nothing(world, net, twice):
    again, _, _ = twice
    before = AuditEvent.objects.count()
    with pytest.raises(ConflictError):
        _merge(world, net.council_person, again, merged_version=again.version + 1)
    assert PersonOfConcern.objects.get(pk=again.pk).merged_into_id is None
    assert ChildPersonLink.objects.filter(person=again).count() == 2
    assert AuditEvent.objects.count() == before


def test_an_error_midway_writes_nothing(world, net, twice, monkeypatch):
    again, _, _ = twice
    before = AuditEvent.objects.count()

    def broken(person):
        raise RuntimeError("index unavailable")

    monkeypatch.setattr(actions, "index_person", broken)
    with pytest.raises(RuntimeError):
        _merge(world, net.council_person, again)
    assert PersonOfConcern.objects.get(pk=again.pk).merged_into_id is None
    assert ChildPersonLink.objects.filter(person=again).count() == 2
    assert ChildPersonLink.objects.filter(person=net.council_person, ended_at__isnull=False).count() == 0
    assert RegisterIdentifier.objects.filter(person=again).exists()
    assert PersonOfConcern.objects.get(pk=net.council_person.pk).version == net.council_person.version
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    "who", ["social_worker", "manager", "school_dsl", "coordinator_south", "police_south", "analyst"]
)
def test_only_an_authorised_user_who_sees_both_records_may_merge(world, net, twice, who):
    again, _, _ = twice
    with pytest.raises(ValidationError):
        _merge(world, net.council_person, again, user=getattr(world.users, who))
    assert PersonOfConcern.objects.get(pk=again.pk).merged_into_id is None


def test_refused_merges_name_the_field(world, net, twice):
    again, _, _ = twice
    with pytest.raises(ValidationError) as refused:
        _merge(world, net.council_person, net.council_person, reason="")
    assert set(refused.value.message_dict) == {"survivor", "reason"}
    secret = _person(world.users.police, "Deeman two", police_only=True)
    with pytest.raises(ValidationError, match="Police-only"):
        _merge(world, again, secret)
    _merge(world, net.council_person, again)
    with pytest.raises(ValidationError, match="merged already"):
        _merge(world, PersonOfConcern.objects.get(pk=net.council_person.pk), PersonOfConcern.objects.get(pk=again.pk))


def test_places_merge_fills_in_what_the_survivor_lacked(world, net):
    coordinator = world.users.coordinator
    bare = actions.add_place(acting_user=coordinator, kind=PlaceKind.TAKEAWAY, name="Chicken Palace")
    link = actions.link_child_to_place(
        acting_user=coordinator, child=world.child, place=bare, linked_on=_days_ago(5), **LINK
    )
    kept = actions.merge_places(
        survivor=bare,
        merged=net.council_place,
        survivor_version=bare.version,
        merged_version=net.council_place.version,
        reason="Same takeaway",
        acting_user=coordinator,
    )
    kept.refresh_from_db()
    assert kept.postcode == "NM4 7AB" and kept.address.startswith("12 Eastgate")
    assert kept.child_links.count() == 2 and kept.child_links.filter(pk=link.pk).exists()
    found = actions.find_places(acting_user=world.users.coordinator_south, address="12 Eastgate Street, Northtown")
    assert [f.record.pk for f in found] == [bare.pk]
    assert Place.objects.get(pk=net.council_place.pk).merged_into_id == bare.pk


# --- Pages ---------------------------------------------------------------------------------------------------


def test_the_duplicates_page_lists_the_pair_for_an_insider_only(client, world, net, twice):
    again, _, _ = twice
    client.force_login(world.users.police)
    page = client.get(reverse("network:duplicates"))
    assert page.status_code == 200
    compare = reverse("network:compare-persons", args=_pair(net.council_person, again))
    assert compare.encode() in page.content and b"Same phone number" in page.content
    for outsider, status in (("social_worker", 403), ("school_dsl", 403), ("analyst", 403)):
        client.force_login(getattr(world.users, outsider))
        assert client.get(reverse("network:duplicates")).status_code == status
        assert client.get(compare).status_code == status
    client.force_login(world.users.coordinator_south)
    assert client.get(compare).status_code == 404


def test_compare_and_merge_through_the_page(client, world, net, twice):
    dee, (again, _, _) = net.council_person, twice
    client.force_login(world.users.police)
    url = reverse("network:compare-persons", args=[dee.pk, again.pk])
    page = client.get(url)
    assert page.status_code == 200 and world.child.full_name.encode() in page.content
    # Errors are named per field.
    refused = client.post(url, {"decision": "merge", "first_version": dee.version, "second_version": again.version})
    assert refused.status_code == 200
    assert b"Choose the record to keep" in refused.content and b"Enter the reason" in refused.content
    stale = client.post(
        url,
        {
            "decision": "merge",
            "survivor": dee.pk,
            "reason": REASON,
            "first_version": 9,
            "second_version": again.version,
        },
    )
    assert stale.status_code == 409
    merged = client.post(
        url,
        {
            "decision": "merge",
            "survivor": dee.pk,
            "reason": REASON,
            "first_version": dee.version,
            "second_version": again.version,
        },
    )
    assert merged.status_code == 302 and merged.url == reverse("network:person", args=[dee.pk])
    # The merged record's page leads to the survivor; the pair is no longer compared.
    old = client.get(reverse("network:person", args=[again.pk]))
    assert old.status_code == 302 and old.url == reverse("network:person", args=[dee.pk])
    assert client.get(url).status_code == 404


def test_not_a_duplicate_through_the_page(client, world, net, twice):
    again, _, _ = twice
    client.force_login(world.users.coordinator)
    url = reverse("network:compare-persons", args=[net.council_person.pk, again.pk])
    answer = client.post(
        url,
        {
            "decision": "not-duplicate",
            "reason": "Different men",
            "first_version": net.council_person.version,
            "second_version": again.version,
        },
    )
    assert answer.status_code == 302 and answer.url == reverse("network:duplicates")
    assert NotDuplicate.objects.count() == 1


def test_the_compare_page_counts_other_councils_children_and_never_names_them(client, world, net, twice):
    again, _, _ = twice
    south = world.users.coordinator_south
    actions.link_child_to_person(
        acting_user=south, child=world.south_child, person=again, linked_on=_days_ago(3), **LINK
    )
    client.force_login(world.users.coordinator)
    page = client.get(reverse("network:compare-persons", args=[net.council_person.pk, again.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert world.south_child.full_name not in text and world.south_child.la_child_id not in text
    assert reverse("network:child", args=[world.south_child.pk]) not in text
    assert "other child you cannot see" in text or "other children you cannot see" in text
