"""Found-with links (episodes.EpisodeFoundWith) make two children "found together" (issue 14), within the caller's
scope only."""

import datetime as dt

from django.utils import timezone

from episodes.codes import FoundBy
from episodes.models import EpisodeFoundWith, MissingEpisode
from episodes.scoping import episodes_for
from network.patterns import FOUND, children_missing_together
from tests.factories import EpisodeFactory


def returned(world, child, force, hours_ago, place):
    seen = timezone.now() - dt.timedelta(hours=hours_ago)
    return EpisodeFactory(
        child=child,
        police_force=force,
        created_by=world.users.police,
        last_seen_at=seen,
        returned_at=seen + dt.timedelta(hours=6),
        found_place=place,
        found_by=FoundBy.POLICE,
    )


def test_a_found_with_link_makes_a_pair_found_together(world):
    # Found at different (generic) places, so only the link ties them.
    first = returned(world, world.child, world.police_north, 30, "Returned home")
    returned(world, world.placed_child, world.police_north, 28, "Placement")
    assert children_missing_together(MissingEpisode.objects.all()).pairs == []
    EpisodeFoundWith.objects.create(
        episode=first, other_child=world.placed_child, recorded_by=world.users.coordinator, recorded_at=timezone.now()
    )
    EpisodeFoundWith.objects.create(
        episode=first, unknown_count=2, recorded_by=world.users.coordinator, recorded_at=timezone.now()
    )
    pairs = children_missing_together(MissingEpisode.objects.all()).pairs
    assert [(p.child_a, p.child_b, p.reasons) for p in pairs] == [
        (min(world.child.pk, world.placed_child.pk), max(world.child.pk, world.placed_child.pk), {FOUND})
    ]


def test_a_link_to_a_child_outside_the_scope_makes_no_pair(world):
    first = returned(world, world.child, world.police_north, 30, "Returned home")
    returned(world, world.south_child, world.police_south, 28, "Returned home")
    EpisodeFoundWith.objects.create(
        episode=first, other_child=world.south_child, recorded_by=world.users.police, recorded_at=timezone.now()
    )
    assert children_missing_together(episodes_for(world.users.coordinator)).pairs == []
    assert len(children_missing_together(MissingEpisode.objects.all()).pairs) == 1
