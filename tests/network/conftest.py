"""A small network on top of the shared `world`: persons and places recorded by the council and by both
police forces, some of them police-only intelligence, linked to the world's children."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from network import actions
from network.codes import Confidence, LinkSource, PersonKind, PlaceKind

POLICE_ONLY_NAME = "Viper Intelligence Subject"
SOUTH_POLICE_ONLY_NAME = "Southvale Covert Target"
POLICE_ONLY_PLACE = "Suspected Trap Flat Kestrel Road"


@pytest.fixture
def net(world):
    users = world.users
    today = timezone.localdate()
    council_person = actions.add_person(
        acting_user=users.coordinator,
        kind=PersonKind.ADULT,
        display_name="Older male known as Dee",
        aliases="Dee, D-Man",
        description="About 25, drives a grey hatchback",
        vehicles="Grey hatchback AB12 CDE",
        phone_numbers="07700 900123",
    )
    police_only_person = actions.add_person(
        acting_user=users.police,
        kind=PersonKind.ADULT,
        display_name=POLICE_ONLY_NAME,
        description="Subject of an ongoing police operation",
        police_only=True,
    )
    south_police_only_person = actions.add_person(
        acting_user=users.police_south,
        kind=PersonKind.ADULT,
        display_name=SOUTH_POLICE_ONLY_NAME,
        police_only=True,
    )
    council_place = actions.add_place(
        acting_user=users.coordinator,
        kind=PlaceKind.TAKEAWAY,
        name="Chicken Palace takeaway",
        address="12 Eastgate Street, Northtown",
        postcode="nm4 7ab",
    )
    police_only_place = actions.add_place(
        acting_user=users.police, kind=PlaceKind.TRAP_HOUSE_SUSPECTED, name=POLICE_ONLY_PLACE, police_only=True
    )
    link = {
        "source": LinkSource.SEEN_WITH,
        "linked_on": today - dt.timedelta(days=3),
        "confidence": Confidence.CONFIRMED,
    }
    council_link = actions.link_child_to_person(
        acting_user=users.coordinator, child=world.child, person=council_person, **link
    )
    police_only_link = actions.link_child_to_person(
        acting_user=users.police, child=world.child, person=police_only_person, **link
    )
    # A police-only link (set by the officer) to a person the council can see, for the placed child.
    police_link_to_council_person = actions.link_child_to_person(
        acting_user=users.police, child=world.placed_child, person=council_person, police_only=True, **link
    )
    south_link = actions.link_child_to_person(
        acting_user=users.police_south, child=world.south_child, person=south_police_only_person, **link
    )
    place_link = actions.link_child_to_place(
        acting_user=users.coordinator, child=world.child, place=council_place, **link
    )
    police_place_link = actions.link_child_to_place(
        acting_user=users.police, child=world.child, place=police_only_place, **link
    )
    return SimpleNamespace(
        council_person=council_person,
        police_only_person=police_only_person,
        south_police_only_person=south_police_only_person,
        council_place=council_place,
        police_only_place=police_only_place,
        council_link=council_link,
        police_only_link=police_only_link,
        police_link_to_council_person=police_link_to_council_person,
        south_link=south_link,
        place_link=place_link,
        police_place_link=police_place_link,
    )
