"""can_view_profile and can_edit_profile: council case roles of the child's councils see and edit; police
of the child's area (or holding an episode) only see; nobody else either."""

import pytest

from philomena.scoping import can_edit_profile, can_view_profile
from tests.factories import EpisodeFactory

COUNCIL = ["coordinator", "social_worker", "manager"]
NOBODY = ["school_dsl", "other_school_dsl", "practitioner", "other_practitioner", "health", "analyst", "admin"]


@pytest.mark.parametrize("username", COUNCIL)
def test_council_case_roles_see_and_edit_their_childrens_profiles(world, username):
    user = getattr(world.users, username)
    for child in (world.child, world.placed_child):  # responsible for one, the other placed in its area
        assert can_view_profile(user, child) and can_edit_profile(user, child)
    assert not can_view_profile(user, world.south_child)
    assert not can_edit_profile(user, world.south_child)


def test_the_responsible_council_keeps_the_profile_of_a_child_placed_elsewhere(world):
    assert can_edit_profile(world.users.coordinator_south, world.placed_child)
    assert not can_view_profile(world.users.coordinator_south, world.child)


def test_police_view_the_profiles_of_children_in_their_area_but_never_edit(world):
    police = world.users.police
    for child in (world.child, world.placed_child):
        assert can_view_profile(police, child)
        assert not can_edit_profile(police, child)
    assert not can_view_profile(police, world.south_child)
    assert not can_view_profile(world.users.police_south, world.child)


def test_police_holding_an_episode_view_the_profile_of_a_child_from_elsewhere(world):
    EpisodeFactory(child=world.south_child, police_force=world.police_north, created_by=world.users.police)
    assert can_view_profile(world.users.police, world.south_child)
    assert not can_edit_profile(world.users.police, world.south_child)


@pytest.mark.parametrize("username", NOBODY)
def test_other_roles_neither_see_nor_edit(world, username):
    user = getattr(world.users, username)
    for child in (world.child, world.placed_child, world.south_child):
        assert not can_view_profile(user, child)
        assert not can_edit_profile(user, child)


def test_an_inactive_user_is_refused(world):
    user = world.users.coordinator
    user.is_active = False
    assert not can_view_profile(user, world.child)
    assert not can_edit_profile(user, world.child)
