"""A strategy discussion about Jordan (Northmoor) with planted markers in everything the pack may hold: the
episode's circumstances, what Jordan said in the return interview, the screening notes and police-only
intelligence, plus an episode summary shared with Jordan's school. Each agency's copy must hold exactly its part."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from access.models import Role
from episodes.codes import FoundBy
from interviews.codes import ConsentToShare, Outcome
from meetings.actions import add_action, call_meeting, record_discussion
from meetings.codes import MeetingKind
from network import actions as network_actions
from network.codes import Confidence, LinkSource, PersonKind
from risk.actions import record_screening
from risk.codes import AlertKind, ScreeningKind, ScreeningLevel
from risk.models import Alert
from sharing.actions import share_record
from sharing.codes import ChildConsent, LawfulBasis
from tests.api.conftest import api_as  # noqa: F401 - the API tests' fixture, shared
from tests.factories import EpisodeFactory, InterviewFactory

MARK = SimpleNamespace(
    episode="PACK-MARK-EPISODE",
    interview="PACK-MARK-CHILD-SAID",
    screening="PACK-MARK-SCREENING",
    intelligence="PACK-MARK-INTEL",
    discussion="PACK-MARK-DISCUSSION",
    decision="PACK-MARK-DECISION",
    action="PACK-MARK-ACTION",
    other_child="Riley",
)


@pytest.fixture
def planted(world):
    users, now = world.users, timezone.now()
    child = world.child
    episode = EpisodeFactory(
        child=child,
        police_force=world.police_north,
        created_by=users.police,
        last_seen_at=now - dt.timedelta(days=4),
        returned_at=now - dt.timedelta(days=3),
        found_place="Home",
        found_by=FoundBy.POLICE,
        circumstances=MARK.episode,
    )
    interview = InterviewFactory(
        child=child,
        provider=world.provider,
        assigned_to=users.practitioner,
        due_by=episode.returned_at + dt.timedelta(hours=72),
        offered_at=episode.returned_at + dt.timedelta(hours=10),
        offered_by="Sam Tester",
        outcome=Outcome.ACCEPTED,
        completed_at=episode.returned_at + dt.timedelta(hours=30),
        completed_by=users.practitioner,
        consent_to_share=ConsentToShare.YES,
        covering=[episode],
        narrative=MARK.interview,
    )
    record_screening(
        child,
        screened_at=now - dt.timedelta(hours=2),
        kind=ScreeningKind.CCE,
        level=ScreeningLevel.MEDIUM,
        acting_user=users.coordinator,
        review_date=timezone.localdate() + dt.timedelta(days=30),
        notes=MARK.screening,
    )
    person = network_actions.add_person(
        acting_user=users.police,
        kind=PersonKind.ADULT,
        display_name=f"Subject {MARK.intelligence}",
        description=MARK.intelligence,
        police_only=True,
    )
    network_actions.link_child_to_person(
        acting_user=users.police,
        child=child,
        person=person,
        notes=MARK.intelligence,
        source=LinkSource.SEEN_WITH,
        linked_on=timezone.localdate() - dt.timedelta(days=3),
        confidence=Confidence.CONFIRMED,
    )
    share_record(
        acting_user=users.coordinator,
        child=child,
        what="episode_summary",
        episode=episode,
        to_agency=world.school,
        lawful_basis=LawfulBasis.CHILDREN_ACT_S47,
        child_consent=ChildConsent.NOT_SOUGHT,
        child_consent_reason="Seeking consent would put the child at risk",
        purpose="Safeguarding at school",
    )
    alert = Alert.objects.create(
        child=child,
        kind=AlertKind.HIGH_RISK,
        episode=episode,
        dedupe_key=f"test:{episode.pk}",
        detail="Graded high",
        raised_at=now - dt.timedelta(days=3),
        for_role=Role.COORDINATOR,
    )
    meeting = call_meeting(
        kind=MeetingKind.STRATEGY_DISCUSSION,
        held_at=now + dt.timedelta(days=1),
        place="Northmoor House, room 2",
        chair=users.coordinator,
        children=[child],
        agencies=[world.north, world.police_north, world.school, world.provider, world.health],
        people=[users.social_worker],
        from_alert=alert,
        acting_user=users.coordinator,
    )
    record_discussion(
        meeting.children.get(),
        discussion=MARK.discussion,
        decisions=MARK.decision,
        expected_version=1,
        acting_user=users.coordinator,
    )
    action = add_action(
        meeting,
        what=f"Visit the family {MARK.action}",
        owner=users.social_worker,
        due_on=timezone.localdate() - dt.timedelta(days=2),
        child=child,
        acting_user=users.coordinator,
    )
    return SimpleNamespace(
        world=world,
        users=users,
        child=child,
        episode=episode,
        interview=interview,
        alert=alert,
        meeting=meeting,
        action=action,
        person=person,
    )
