"""Records the page tests share, built on the `world` fixture in tests/conftest.py."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from episodes.codes import FoundBy
from tests.factories import EpisodeFactory, InterviewFactory
from tests.web.helpers import minute


def returned_episode(child, police_force, created_by, *, last_seen_ago: dt.timedelta, away_for: dt.timedelta, **extra):
    last_seen = minute(timezone.now() - last_seen_ago)
    return EpisodeFactory(
        child=child,
        police_force=police_force,
        created_by=created_by,
        last_seen_at=last_seen,
        returned_at=last_seen + away_for,
        found_place="Home",
        found_by=FoundBy.POLICE,
        **extra,
    )


@pytest.fixture
def case(world):
    """Jordan (a Northmoor child): one returned episode with a return interview assigned to the
    Northmoor practitioner, offer not yet made."""
    episode = returned_episode(
        world.child,
        world.police_north,
        world.users.police,
        last_seen_ago=dt.timedelta(days=2),
        away_for=dt.timedelta(hours=20),
        police_reference="WP-2026-R00100",  # outside the factory sequence (WP-2026-nnnnnn)
    )
    interview = InterviewFactory(
        child=world.child,
        provider=world.provider,
        assigned_to=world.users.practitioner,
        due_by=episode.returned_at + dt.timedelta(hours=72),
        covering=[episode],
    )
    return SimpleNamespace(episode=episode, interview=interview)
