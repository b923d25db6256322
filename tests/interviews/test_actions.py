"""Return interview rules, through the actions: offer, outcome, the interview itself, assignment."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from access.models import AuditEvent
from core.errors import ConflictError
from episodes.actions import record_return
from episodes.codes import FoundBy
from interviews.actions import assign_interview, record_interview, record_offer
from interviews.codes import ConsentToShare, Disclosure, FactorKind, Outcome, PullFactor, PushFactor
from interviews.models import InterviewStatus, ReturnInterview


@pytest.fixture
def returned(world, open_episode):
    """The open episode, returned two hours ago, with its interview."""
    record_return(
        open_episode,
        returned_at=timezone.now() - dt.timedelta(hours=2),
        found_place="Home",
        found_by=FoundBy.SELF,
        expected_version=open_episode.version,
        acting_user=world.users.police,
    )
    open_episode.refresh_from_db()
    return open_episode


@pytest.fixture
def interview(returned):
    return ReturnInterview.objects.get(episodes=returned)


def offer(interview, user, **overrides):
    fields = {
        "outcome": Outcome.ACCEPTED,
        "offered_at": timezone.now() - dt.timedelta(hours=1),
        "offered_by": "Sam Practitioner",
        "expected_version": interview.version,
        "acting_user": user,
    }
    fields.update(overrides)
    return record_offer(interview, **fields)


def write_up(interview, user, episodes, **overrides):
    fields = {
        "completed_at": timezone.now() - dt.timedelta(minutes=10),
        "episode_ids": [e.pk for e in episodes],
        "consent_to_share": ConsentToShare.YES,
        "expected_version": interview.version,
        "acting_user": user,
        "push_factors": [PushFactor.CONFLICT],
        "pull_factors": [PullFactor.FRIENDS, PullFactor.ADULTS_GIFTS],
        "disclosures": [Disclosure.CCE],
        "disclosure_details": "Was given a phone and asked to carry packages",
        "narrative": "Stayed with older friends in a flat in town.",
    }
    fields.update(overrides)
    return record_interview(interview, **fields)


def test_new_interview_is_due_and_becomes_overdue(interview):
    assert interview.status() == InterviewStatus.DUE
    assert interview.status(now=interview.due_by + dt.timedelta(seconds=1)) == InterviewStatus.OVERDUE
    assert ReturnInterview.objects.due(timezone.now()).filter(pk=interview.pk).exists()
    assert not ReturnInterview.objects.overdue(timezone.now()).exists()


def test_offer_accepted_then_interview_recorded(world, interview, returned):
    offered = offer(interview, world.users.coordinator)
    assert offered.status() == InterviewStatus.ACCEPTED
    assert offered.offered_in_time is True
    done = write_up(offered, world.users.coordinator, [returned])
    assert done.status() == InterviewStatus.COMPLETED
    assert set(done.factor_codes(FactorKind.PULL)) == {PullFactor.FRIENDS, PullFactor.ADULTS_GIFTS}
    assert done.completed_by == world.users.coordinator


def test_interview_audit_never_holds_the_childs_words(world, interview, returned):
    done = write_up(offer(interview, world.users.coordinator), world.users.coordinator, [returned])
    event = AuditEvent.objects.filter(summary="Return interview recorded").get()
    assert event.object_id == str(done.pk)
    assert event.changes["narrative"] == ["", "[sensitive]"]  # that it was empty, then written: never the words
    assert "older friends" not in str(event.changes)
    assert event.changes["disclosures"] == [[], [Disclosure.CCE]]


def test_not_offered_needs_a_reason(world, interview):
    with pytest.raises(ValidationError) as excinfo:
        offer(interview, world.users.coordinator, outcome=Outcome.NOT_OFFERED, offered_at=None, offered_by="")
    assert "not_offered_reason" in excinfo.value.message_dict
    closed = offer(
        interview,
        world.users.coordinator,
        outcome=Outcome.NOT_OFFERED,
        offered_at=None,
        offered_by="",
        not_offered_reason="Child moved to a secure unit out of the country",
    )
    assert closed.status() == InterviewStatus.CLOSED


def test_offer_before_return_is_refused(world, interview, returned):
    with pytest.raises(ValidationError) as excinfo:
        offer(interview, world.users.coordinator, offered_at=returned.returned_at - dt.timedelta(minutes=5))
    assert "after the child returned" in excinfo.value.message_dict["offered_at"][0]


def test_offer_in_future_and_unknown_outcome_are_refused(world, interview):
    with pytest.raises(ValidationError) as excinfo:
        offer(interview, world.users.coordinator, outcome="maybe", offered_at=timezone.now() + dt.timedelta(days=2))
    assert set(excinfo.value.message_dict) == {"outcome", "offered_at"}
    interview.refresh_from_db()
    assert interview.version == 1


def test_interview_needs_acceptance_first(world, interview, returned):
    with pytest.raises(ValidationError) as excinfo:
        write_up(interview, world.users.coordinator, [returned])
    assert "accepted" in excinfo.value.message_dict["outcome"][0]


def test_interview_refuses_other_childrens_episodes_and_unknown_codes(world, interview, returned):
    from tests.factories import EpisodeFactory

    other = EpisodeFactory(
        child=world.placed_child,
        police_force=world.police_north,
        created_by=world.users.police,
        returned_at=timezone.now() - dt.timedelta(hours=1),
    )
    accepted = offer(interview, world.users.coordinator)
    with pytest.raises(ValidationError) as excinfo:
        write_up(accepted, world.users.coordinator, [returned, other], push_factors=["aliens"])
    assert "episodes" in excinfo.value.message_dict
    assert "aliens" in excinfo.value.message_dict["push_factors"][0]
    accepted.refresh_from_db()
    assert accepted.completed_at is None
    assert not accepted.factors.exists()


def test_disclosures_need_details(world, interview, returned):
    accepted = offer(interview, world.users.coordinator)
    with pytest.raises(ValidationError) as excinfo:
        write_up(accepted, world.users.coordinator, [returned], disclosure_details="")
    assert "disclosure_details" in excinfo.value.message_dict


def test_concurrent_offer_is_a_conflict(world, interview):
    offer(interview, world.users.coordinator)
    with pytest.raises(ConflictError):
        offer(interview, world.users.practitioner, outcome=Outcome.DECLINED)
    interview.refresh_from_db()
    assert interview.outcome == Outcome.ACCEPTED


def test_assign_only_to_a_practitioner_of_the_provider(world, interview):
    with pytest.raises(ValidationError):
        assign_interview(
            interview, practitioner=world.users.police, expected_version=1, acting_user=world.users.coordinator
        )
    assigned = assign_interview(
        interview, practitioner=world.users.practitioner, expected_version=1, acting_user=world.users.coordinator
    )
    assert assigned.assigned_to == world.users.practitioner
    assert AuditEvent.objects.filter(summary="Return interview assigned").get().changes == {
        "assigned_to": [None, world.users.practitioner.pk]
    }
