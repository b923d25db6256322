"""Who sees which child, episode and interview: the default rules of domain.md, as one table."""

import datetime as dt

import pytest
from django.http import Http404
from django.utils import timezone

from children.scoping import children_for, get_child_for_user
from episodes.scoping import can_edit_episode, can_report_missing, episodes_for
from interviews.scoping import can_work_interview, interviews_for
from tests.factories import EpisodeFactory, InterviewFactory

# user -> the children (by fixture name) they may see with the episodes below in place.
CHILDREN_SEEN = {
    "coordinator": {"child", "placed_child"},  # own council's child, and the child placed in its area
    "social_worker": {"child", "placed_child"},
    "manager": {"child", "placed_child"},
    "coordinator_south": {"placed_child", "south_child"},  # responsible for both
    "police": {"child", "placed_child"},  # living in the force area
    "police_south": {"south_child", "child"},  # its own area, plus the child whose episode it holds
    "school_dsl": {"child"},  # its pupil only
    "other_school_dsl": {"south_child"},
    "practitioner": {"child"},  # assigned an interview for this child only
    "other_practitioner": set(),
    "health": set(),  # sees only what is shared (a later issue)
    "analyst": set(),  # aggregate figures only
    "admin": set(),  # users and reference data, no case records
}

EPISODES_SEEN = {
    "coordinator": {"north_episode", "placed_episode"},
    "social_worker": {"north_episode", "placed_episode"},
    "manager": {"north_episode", "placed_episode"},
    "coordinator_south": {"placed_episode", "south_force_episode"},
    "police": {"north_episode", "placed_episode"},
    "police_south": {"south_force_episode"},
    "school_dsl": set(),
    "other_school_dsl": set(),
    "practitioner": {"north_episode"},
    "other_practitioner": set(),
    "health": set(),
    "analyst": set(),
    "admin": set(),
}


@pytest.fixture
def records(world):
    users = world.users
    now = timezone.now()
    north_episode = EpisodeFactory(
        child=world.child,
        police_force=world.police_north,
        created_by=users.police,
        last_seen_at=now - dt.timedelta(days=3),
        returned_at=now - dt.timedelta(days=2),
    )
    placed_episode = EpisodeFactory(child=world.placed_child, police_force=world.police_north, created_by=users.police)
    # The Northmoor child went missing once in Southvale's area: that force holds that episode.
    south_force_episode = EpisodeFactory(
        child=world.south_child, police_force=world.police_south, created_by=users.police_south
    )
    travelling = EpisodeFactory(
        child=world.child,
        police_force=world.police_south,
        created_by=users.police_south,
        last_seen_at=now - dt.timedelta(days=10),
        returned_at=now - dt.timedelta(days=9),
    )
    interview = InterviewFactory(
        child=world.child, assigned_to=users.practitioner, provider=world.provider, covering=[north_episode]
    )
    return {
        "north_episode": north_episode,
        "placed_episode": placed_episode,
        "south_force_episode": south_force_episode,
        "travelling": travelling,
        "interview": interview,
    }


def names(world, queryset, candidates):
    ids = set(queryset.values_list("pk", flat=True))
    return {name for name, obj in candidates.items() if obj.pk in ids}


@pytest.mark.parametrize("username", sorted(CHILDREN_SEEN))
def test_children_visible(world, records, username):
    user = getattr(world.users, username)
    candidates = {"child": world.child, "placed_child": world.placed_child, "south_child": world.south_child}
    assert names(world, children_for(user), candidates) == CHILDREN_SEEN[username]


@pytest.mark.parametrize("username", sorted(EPISODES_SEEN))
def test_episodes_visible(world, records, username):
    user = getattr(world.users, username)
    candidates = {k: v for k, v in records.items() if k != "interview"}
    expected = set(EPISODES_SEEN[username])
    # The Northmoor child's episode in Southvale's area: Northmoor's council sees it (its child) and so does
    # Southvale Police (its area); Northmoor Police does not.
    if username in {"coordinator", "social_worker", "manager", "police_south"}:
        expected.add("travelling")
    assert names(world, episodes_for(user), candidates) == expected


def test_interviews_visible_to_council_and_assigned_practitioner_only(world, records):
    interview = records["interview"]
    for username in ("coordinator", "social_worker", "manager", "practitioner"):
        assert interviews_for(getattr(world.users, username)).filter(pk=interview.pk).exists(), username
    for username in (
        "coordinator_south",
        "police",
        "police_south",
        "school_dsl",
        "other_practitioner",
        "health",
        "analyst",
        "admin",
    ):
        assert not interviews_for(getattr(world.users, username)).filter(pk=interview.pk).exists(), username


def test_inaccessible_child_is_404_not_403(world):
    with pytest.raises(Http404):
        get_child_for_user(world.users.coordinator, world.south_child.pk)
    with pytest.raises(Http404):
        get_child_for_user(world.users.coordinator, "not-a-number")


def test_inactive_user_sees_nothing(world, records):
    world.users.coordinator.is_active = False
    assert not children_for(world.users.coordinator).exists()


def test_who_may_act(world, records):
    users = world.users
    assert can_report_missing(users.coordinator) and can_report_missing(users.police)
    assert not any(can_report_missing(u) for u in (users.school_dsl, users.analyst, users.admin, users.practitioner))
    placed = records["placed_episode"]
    assert can_edit_episode(users.police, placed)  # the force that holds it
    assert can_edit_episode(users.coordinator_south, placed)  # the responsible council
    assert not can_edit_episode(users.police_south, placed)
    interview = records["interview"]
    assert can_work_interview(users.practitioner, interview)
    assert can_work_interview(users.coordinator, interview)
    assert not can_work_interview(users.other_practitioner, interview)
    assert not can_work_interview(users.social_worker, interview)


# --- Shares and emergency access (the sharing app) extend the table above, read only ---------------


def test_a_share_adds_exactly_its_item_for_its_recipient(world, records):
    from sharing.actions import share_record

    share_record(
        acting_user=world.users.coordinator,
        child=world.child,
        what="episode_summary",
        episode=records["north_episode"],
        to_agency=world.health,
        lawful_basis="children_act_s17",
        child_consent="given",
        purpose="Health visitor follow-up",
    )
    health = world.users.health
    candidates = {"child": world.child, "placed_child": world.placed_child, "south_child": world.south_child}
    assert names(world, children_for(health), candidates) == {"child"}
    episodes = {k: v for k, v in records.items() if k != "interview"}
    assert names(world, episodes_for(health), episodes) == {"north_episode"}
    assert not interviews_for(health).exists()
    # Everyone else's view is unchanged.
    for username, expected in CHILDREN_SEEN.items():
        if username != "health":
            assert names(world, children_for(getattr(world.users, username)), candidates) == expected, username


def test_emergency_access_adds_the_child_its_episodes_and_interviews(world, records):
    from sharing.actions import request_emergency_access

    user = world.users.police_south
    request_emergency_access(acting_user=user, child_id=world.placed_child.pk, reason="Found in our area at 3am")
    assert children_for(user).filter(pk=world.placed_child.pk).exists()
    assert episodes_for(user).filter(pk=records["placed_episode"].pk).exists()
    assert not can_edit_episode(user, records["placed_episode"])
    assert get_child_for_user(user, world.placed_child.pk) == world.placed_child
