"""Who sees which person of concern, place and link: police-only intelligence stays with the recording force."""

import pytest
from django.http import Http404

from network.scoping import child_links_for, get_person_for_user, get_place_for_user, persons_for, places_for

# user -> persons (by fixture name) they may see.
PERSONS_SEEN = {
    "coordinator": {"council_person"},  # recorded by the council, linked to its child
    "social_worker": {"council_person"},  # linked to a child in the council's scope
    "manager": {"council_person"},
    "coordinator_south": set(),  # the placed child's only link to it is police-only
    "police": {"council_person", "police_only_person"},  # its own intelligence, and one linked to a child it sees
    "police_south": {"south_police_only_person"},  # never the other force's police-only person
    "school_dsl": set(),
    "other_school_dsl": set(),
    "practitioner": set(),
    "other_practitioner": set(),
    "health": set(),
    "analyst": set(),
    "admin": set(),
}
PLACES_SEEN = {
    "coordinator": {"council_place"},
    "social_worker": {"council_place"},
    "manager": {"council_place"},
    "coordinator_south": set(),
    "police": {"council_place", "police_only_place"},
    "police_south": set(),
    "school_dsl": set(),
    "other_school_dsl": set(),
    "practitioner": set(),
    "other_practitioner": set(),
    "health": set(),
    "analyst": set(),
    "admin": set(),
}
LINKS_SEEN = {
    "coordinator": {"council_link", "place_link"},
    "social_worker": {"council_link", "place_link"},
    "manager": {"council_link", "place_link"},
    "coordinator_south": set(),
    "police": {"council_link", "police_only_link", "police_link_to_council_person", "place_link", "police_place_link"},
    "police_south": {"south_link"},
    "school_dsl": set(),
    "other_school_dsl": set(),
    "practitioner": set(),
    "other_practitioner": set(),
    "health": set(),
    "analyst": set(),
    "admin": set(),
}


def _names(net, records, candidates):
    ids = {record.pk for record in records}
    return {name for name in candidates if getattr(net, name).pk in ids}


@pytest.mark.parametrize("role", sorted(PERSONS_SEEN))
def test_persons_places_and_links_each_role_sees(world, net, role):
    user = getattr(world.users, role)
    persons = ["council_person", "police_only_person", "south_police_only_person"]
    places = ["council_place", "police_only_place"]
    assert _names(net, persons_for(user), persons) == PERSONS_SEEN[role]
    assert _names(net, places_for(user), places) == PLACES_SEEN[role]
    links = child_links_for(user)
    person_links = ["council_link", "police_only_link", "police_link_to_council_person", "south_link"]
    place_links = ["place_link", "police_place_link"]
    seen = _names(net, links.persons, person_links) | _names(net, links.places, place_links)
    assert seen == LINKS_SEEN[role]


def test_police_only_is_never_visible_outside_the_recording_forces_police(world, net):
    outsiders = [name for name in PERSONS_SEEN if name != "police"]
    for role in outsiders:
        user = getattr(world.users, role)
        assert not persons_for(user).filter(pk=net.police_only_person.pk).exists(), role
        assert not places_for(user).filter(pk=net.police_only_place.pk).exists(), role
        assert not child_links_for(user).persons.filter(police_only=True, owning_agency=world.police_north).exists()


def test_single_record_lookups_answer_404_outside_scope(world, net):
    with pytest.raises(Http404):
        get_person_for_user(world.users.coordinator, net.police_only_person.pk)
    with pytest.raises(Http404):
        get_place_for_user(world.users.coordinator_south, net.council_place.pk)
    with pytest.raises(Http404):
        get_person_for_user(world.users.police, "not-a-number")
    assert get_person_for_user(world.users.police, net.police_only_person.pk) == net.police_only_person


def test_a_council_sees_a_person_it_recorded_before_any_link(world):
    from network import actions

    person = actions.add_person(acting_user=world.users.social_worker, kind="peer", display_name="Peer A")
    assert persons_for(world.users.coordinator).filter(pk=person.pk).exists()
    assert not persons_for(world.users.coordinator_south).filter(pk=person.pk).exists()
    assert not persons_for(world.users.police).filter(pk=person.pk).exists()


def test_inactive_or_agencyless_users_see_nothing(world, net):
    user = world.users.police
    user.is_active = False
    assert not persons_for(user).exists()
    assert not child_links_for(user).persons.exists()


def test_network_episodes_and_children_come_from_the_users_own_caseload(world, open_episode):
    from children.scoping import children_for
    from network.scoping import get_network_child_for_user, network_episodes_for

    assert list(network_episodes_for(world.users.coordinator)) == [open_episode]
    assert list(network_episodes_for(world.users.police)) == [open_episode]
    assert not network_episodes_for(world.users.police_south).exists()
    assert not network_episodes_for(world.users.school_dsl).exists()
    assert get_network_child_for_user(world.users.coordinator, world.child.pk) == world.child
    # The school sees its pupil's identifiers, but no persons, places or links.
    assert children_for(world.users.school_dsl).filter(pk=world.child.pk).exists()
    with pytest.raises(Http404):
        get_network_child_for_user(world.users.school_dsl, world.child.pk)
    with pytest.raises(Http404):
        get_network_child_for_user(world.users.coordinator_south, world.child.pk)
