"""Who may change which council a child belongs to: the hosting council of a placement corrects the record but
cannot make itself responsible; the responsible council hands responsibility on; a council with no part changes
nothing."""

import pytest
from django.core.exceptions import ValidationError

from children.actions import update_child
from tests.factories import ChildFactory


def _hosted_child(world):
    """A child of Northshire's placed in Southvale: both councils' coordinators may correct the record."""
    return ChildFactory(responsible_council=world.north, placement_council=world.south)


def test_the_hosting_council_cannot_make_itself_responsible(world):
    child = _hosted_child(world)
    with pytest.raises(ValidationError) as refused:
        update_child(
            child,
            expected_version=child.version,
            acting_user=world.users.coordinator_south,
            responsible_council_id=world.south.pk,
        )
    assert "Only the council responsible" in str(refused.value.message_dict["responsible_council"])
    child.refresh_from_db()
    assert (child.responsible_council_id, child.version) == (world.north.pk, 1)  # nothing written


def test_the_hosting_council_still_corrects_the_record(world):
    child = _hosted_child(world)
    changed = update_child(
        child, expected_version=child.version, acting_user=world.users.coordinator_south, preferred_name="Sam"
    )
    assert changed.preferred_name == "Sam" and changed.responsible_council_id == world.north.pk


def test_the_responsible_council_hands_responsibility_on(world):
    """Northshire makes Southvale responsible for a child living in Northshire (it stays the placement council)."""
    child = ChildFactory(responsible_council=world.north, placement_council=world.north)
    changed = update_child(
        child,
        expected_version=child.version,
        acting_user=world.users.coordinator,
        responsible_council_id=world.south.pk,
    )
    assert (changed.responsible_council_id, changed.placement_council_id) == (world.south.pk, world.north.pk)


def test_a_council_with_no_part_in_the_child_changes_nothing(world):
    child = ChildFactory(responsible_council=world.north, placement_council=world.north)
    with pytest.raises(ValidationError):
        update_child(
            child,
            expected_version=child.version,
            acting_user=world.users.coordinator_south,
            responsible_council_id=world.south.pk,
            placement_council_id=world.south.pk,
        )
    child.refresh_from_db()
    assert child.responsible_council_id == world.north.pk
