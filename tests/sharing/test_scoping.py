"""A share grants its recipient read access to exactly the shared item and the child's identifiers, nothing
more, and only while it runs; emergency access grants the record, episodes and interview summaries for a time."""

import datetime as dt

import pytest
from django.utils import timezone

from access.models import Role
from children.scoping import (
    caseload_children_for,
    children_for,
    children_in_full_for,
    children_with_record_for,
    sees_full_child_record,
)
from episodes.models import MissingEpisode
from episodes.scoping import can_edit_episode, episodes_among, episodes_for
from interviews.models import ReturnInterview
from interviews.scoping import (
    ALL_INTERVIEW_FIELDS,
    INTERVIEW_FREE_TEXT_FIELDS,
    INTERVIEW_SUMMARY_FIELDS,
    can_work_interview,
    interviews_among,
    interviews_for,
    redact_interview,
    visible_interview_fields,
)
from network.scoping import child_links_for, persons_for
from risk.scoping import can_refer
from sharing.actions import request_emergency_access, withdraw_share
from sharing.models import EmergencyAccess, Share
from tests.factories import UserFactory

REASON = "Found at A&E at 2am, carers not answering"


def _sees(queryset, obj) -> bool:
    return queryset.filter(pk=obj.pk).exists()


def test_without_shares_the_defaults_hold(world, records):
    users = world.users
    for name in ("health", "school_dsl", "police", "other_practitioner"):
        user = getattr(users, name)
        assert not _sees(interviews_for(user), records.interview), name
    assert not _sees(children_for(users.health), world.child)
    assert not _sees(episodes_for(users.school_dsl), records.episode)


def test_episode_share_grants_that_episode_and_the_childs_identifiers_only(world, records, make_share):
    health = world.users.health
    make_share("episode_summary", to_agency=world.health)
    assert _sees(children_for(health), world.child)
    assert _sees(episodes_for(health), records.episode)
    assert not _sees(episodes_for(health), records.other_episode)
    assert not interviews_for(health).exists()
    assert not _sees(children_for(health), world.placed_child)
    # Identifiers, not the whole record; and nothing to act on.
    assert not sees_full_child_record(health, world.child)
    assert not _sees(caseload_children_for(health), world.child)
    assert not _sees(children_with_record_for(health), world.child)


def test_interview_summary_share_shows_no_free_text(world, records, make_share):
    health = world.users.health
    make_share("interview_summary", to_agency=world.health)
    assert _sees(interviews_for(health), records.interview)
    assert not _sees(interviews_for(health), records.other_interview)
    assert not episodes_for(health).exists()
    visible = visible_interview_fields(health, records.interview)
    assert visible == INTERVIEW_SUMMARY_FIELDS
    assert not visible & INTERVIEW_FREE_TEXT_FIELDS
    redacted = redact_interview(health, interviews_for(health).get(pk=records.interview.pk))
    assert redacted.narrative is None and redacted.disclosure_details is None
    assert set(redacted.withheld_fields) == INTERVIEW_FREE_TEXT_FIELDS
    assert redacted.outcome == "accepted"


def test_full_interview_share_shows_everything(world, records, make_share):
    health = world.users.health
    make_share("full_interview", to_user=health)
    assert visible_interview_fields(health, records.interview) == ALL_INTERVIEW_FIELDS
    assert visible_interview_fields(health, records.other_interview) == frozenset()
    assert redact_interview(health, records.interview).withheld_fields == []


def test_police_see_no_interview_content_unless_shared(world, records, make_share):
    police = world.users.police
    assert visible_interview_fields(police, records.interview) == frozenset()
    make_share("interview_summary", to_agency=world.police_north)
    assert visible_interview_fields(police, records.interview) == INTERVIEW_SUMMARY_FIELDS
    make_share("full_interview", to_agency=world.police_north)
    assert visible_interview_fields(police, records.interview) == ALL_INTERVIEW_FIELDS


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("coordinator", ALL_INTERVIEW_FIELDS),
        ("social_worker", ALL_INTERVIEW_FIELDS),
        ("manager", ALL_INTERVIEW_FIELDS),
        ("practitioner", ALL_INTERVIEW_FIELDS),
        ("other_practitioner", frozenset()),
        ("coordinator_south", frozenset()),
        ("police", frozenset()),
        ("police_south", frozenset()),
        ("school_dsl", frozenset()),
        ("health", frozenset()),
        ("analyst", frozenset()),
        ("admin", frozenset()),
    ],
)
def test_who_sees_which_interview_fields_by_default(world, records, name, expected):
    assert visible_interview_fields(getattr(world.users, name), records.interview) == expected


def test_police_intelligence_share_reaches_the_child_but_no_episode_or_interview(world, records, make_share):
    share = make_share(
        "police_intelligence", acting_user=world.users.police, person=records.person, to_user=world.users.health
    )
    health = world.users.health
    assert _sees(children_for(health), world.child)
    assert not episodes_for(health).exists() and not interviews_for(health).exists()
    assert share.person == records.person
    # The council does not get police-only intelligence through its own network pages by a share to health.
    assert not _sees(persons_for(world.users.coordinator), records.person)


def test_withdrawal_removes_access_at_once(world, records, make_share):
    health = world.users.health
    share = make_share("episode_summary", to_agency=world.health)
    assert _sees(episodes_for(health), records.episode)
    withdraw_share(share, reason="Sent in error", expected_version=share.version, acting_user=world.users.coordinator)
    assert not _sees(episodes_for(health), records.episode)
    assert not _sees(children_for(health), world.child)


def test_expiry_removes_access_at_once(world, records, make_share):
    health = world.users.health
    share = make_share("episode_summary", to_agency=world.health, expires_at=timezone.now() + dt.timedelta(days=2))
    assert _sees(episodes_for(health), records.episode)
    Share.objects.filter(pk=share.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert not _sees(episodes_for(health), records.episode)
    assert not _sees(children_for(health), world.child)


def test_agency_share_reaches_only_the_role_that_receives_there(world, records, make_share):
    make_share("interview_summary", acting_user=world.users.practitioner, to_agency=world.north)
    school_admin = UserFactory(agency=world.school, roles=[Role.ADMINISTRATOR])
    # The council's analyst and administrator hold no role that receives shares.
    for user in (world.users.analyst, world.users.admin):
        assert not _sees(interviews_for(user), records.interview)
        assert not _sees(children_for(user), world.child)
    make_share("episode_summary", to_agency=world.school)
    assert not _sees(episodes_for(school_admin), records.episode)
    assert _sees(episodes_for(world.users.school_dsl), records.episode)
    assert not _sees(episodes_for(world.users.other_school_dsl), records.episode)


def test_named_user_share_reaches_that_user_only(world, records, make_share):
    make_share("episode_summary", to_user=world.users.practitioner)
    assert _sees(episodes_for(world.users.practitioner), records.episode)
    assert not _sees(episodes_for(world.users.other_practitioner), records.episode)


def test_school_dsl_sees_shared_items_about_pupils_only(world, records, make_share):
    dsl = world.users.school_dsl
    # Written directly (the action refuses it): a share to the school about a child who is not its pupil.
    Share.objects.create(
        child=world.south_child,
        what="police_intelligence",
        to_agency=world.school,
        shared_at=timezone.now(),
        shared_by=world.users.police_south,
        from_agency=world.police_south,
        lawful_basis="vital_interests",
        child_consent="not_capable",
        purpose="Test",
    )
    assert not _sees(children_for(dsl), world.south_child)
    make_share("episode_summary", to_agency=world.school)
    assert _sees(episodes_for(dsl), records.episode)
    world.child.school = world.other_school
    world.child.save()
    assert not _sees(episodes_for(dsl), records.episode)
    assert not _sees(episodes_for(world.users.other_school_dsl), records.episode)


def _direct_share(world, what, *, to_agency, **item):
    """A share written directly, to a recipient the share page would not offer (another force)."""
    return Share.objects.create(
        child=world.child,
        what=what,
        to_agency=to_agency,
        shared_at=timezone.now(),
        shared_by=world.users.coordinator,
        from_agency=world.north,
        lawful_basis="crime_prevention",
        child_consent="not_capable",
        purpose="Test",
        **item,
    )


def test_a_share_gives_no_right_to_act(world, records):
    police_south = world.users.police_south
    _direct_share(world, "episode_summary", to_agency=world.police_south, episode=records.episode)
    _direct_share(world, "full_interview", to_agency=world.police_south, interview=records.interview)
    assert _sees(episodes_for(police_south), records.episode)
    assert _sees(interviews_for(police_south), records.interview)
    assert not can_edit_episode(police_south, records.episode)
    assert not can_work_interview(police_south, records.interview)
    assert not can_refer(police_south, world.child)
    assert not _sees(caseload_children_for(police_south), world.child)
    assert not sees_full_child_record(police_south, world.child)


def test_emergency_access_grants_the_record_episodes_and_interview_summaries(world, records):
    user = world.users.police_south
    assert not _sees(children_for(user), world.child)
    access = request_emergency_access(acting_user=user, child_id=world.child.pk, reason=REASON)
    assert access.is_active() and access.child == world.child
    assert _sees(children_in_full_for(user), world.child)
    assert _sees(children_with_record_for(user), world.child)
    assert {records.episode.pk, records.other_episode.pk} <= set(episodes_for(user).values_list("pk", flat=True))
    assert _sees(interviews_for(user), records.interview) and _sees(interviews_for(user), records.other_interview)
    assert visible_interview_fields(user, records.interview) == INTERVIEW_SUMMARY_FIELDS
    assert not _sees(caseload_children_for(user), world.child)
    assert not child_links_for(user).persons.filter(child=world.child).exists()
    assert not _sees(children_for(user), world.placed_child)


def test_emergency_access_ends_when_it_expires(world, records):
    user = world.users.health
    access = request_emergency_access(acting_user=user, child_id=world.child.pk, reason=REASON)
    assert _sees(episodes_for(user), records.episode)
    EmergencyAccess.objects.filter(pk=access.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert not _sees(children_for(user), world.child)
    assert not _sees(episodes_for(user), records.episode)
    assert not _sees(interviews_for(user), records.interview)


def test_emergency_access_lasts_the_configured_time(world, records, settings):
    settings.HOMEWARD_BREAK_GLASS_MINUTES = 15
    access = request_emergency_access(acting_user=world.users.health, child_id=world.child.pk, reason=REASON)
    assert dt.timedelta(minutes=14) < access.expires_at - timezone.now() <= dt.timedelta(minutes=15)


def test_inactive_users_lose_shares_and_emergency_access(world, records, make_share):
    health = world.users.health
    make_share("episode_summary", to_agency=world.health)
    request_emergency_access(acting_user=health, child_id=world.placed_child.pk, reason=REASON)
    health.is_active = False
    assert not children_for(health).exists() and not episodes_for(health).exists()


def test_grant_by_grant_lookups_hold_the_same_rows_as_the_scoped_ones(world, records, make_share):
    """My work finds episodes and interviews grant by grant (a UNION, access.scoping.combine_each): for every kind
    of user, with shares and emergency access in play, exactly the rows of episodes_for and interviews_for."""
    make_share("episode_summary", to_agency=world.health)
    make_share("interview_summary", to_agency=world.health)
    request_emergency_access(acting_user=world.users.police_south, child_id=world.child.pk, reason=REASON)
    subsets = {
        "every": (MissingEpisode.objects.all(), ReturnInterview.objects.all()),
        "open": (MissingEpisode.objects.open(), ReturnInterview.objects.open()),
        "awaiting": (MissingEpisode.objects.returned(), ReturnInterview.objects.awaiting_offer()),
    }
    for name in vars(world.users):
        user = getattr(world.users, name)
        for subset, (episodes, interviews) in subsets.items():
            assert set(episodes_among(user, episodes).values_list("pk", flat=True)) == set(
                episodes_for(user).filter(pk__in=episodes.values("pk")).values_list("pk", flat=True)
            ), (name, subset)
            assert set(interviews_among(user, interviews).values_list("pk", flat=True)) == set(
                interviews_for(user).filter(pk__in=interviews.values("pk")).values_list("pk", flat=True)
            ), (name, subset)
    health = world.users.health
    assert list(episodes_among(health, MissingEpisode.objects.all()).values_list("pk", flat=True)) == [
        records.episode.pk
    ]
