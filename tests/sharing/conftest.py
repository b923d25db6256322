"""Records the sharing tests share, on top of the `world`: two episodes and a completed return interview for
Jordan (the Northmoor child) with a planted string in every free-text field, and police-only intelligence
about a person linked to Jordan, recorded by Northmoor Police."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from core.encryption import encrypted_fields
from episodes.codes import FoundBy
from interviews.codes import ConsentToShare, Disclosure, FactorKind, Outcome, PullFactor, PushFactor
from interviews.models import InterviewFactor, ReturnInterview
from network import actions as network_actions
from network.codes import Confidence, LinkSource, PersonKind
from sharing.actions import share_record
from sharing.codes import ChildConsent, LawfulBasis
from tests.factories import EpisodeFactory, InterviewFactory

# Planted in every free-text field of the interview: none of them may reach anyone without the right.
PLANTED = "PLANTEDSECRET"
INTELLIGENCE = "PLANTEDINTEL"


def planted(field: str) -> str:
    return f"{PLANTED}-{field}"


@pytest.fixture
def records(world):
    users = world.users
    now = timezone.now()
    episode = EpisodeFactory(
        child=world.child,
        police_force=world.police_north,
        created_by=users.police,
        police_reference="WP-2026-000201",
        last_seen_at=now - dt.timedelta(days=4),
        returned_at=now - dt.timedelta(days=3),
        found_place="Home",
        found_by=FoundBy.POLICE,
    )
    other_episode = EpisodeFactory(
        child=world.child,
        police_force=world.police_north,
        created_by=users.police,
        police_reference="WP-2026-000202",
        last_seen_at=now - dt.timedelta(days=40),
        returned_at=now - dt.timedelta(days=39),
        found_place="Home",
        found_by=FoundBy.POLICE,
    )
    interview = InterviewFactory(
        child=world.child,
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
        **{name: planted(name) for name in encrypted_fields(ReturnInterview)},
    )
    for kind, code in (
        (FactorKind.PUSH, PushFactor.CONFLICT),
        (FactorKind.PULL, PullFactor.FRIENDS),
        (FactorKind.DISCLOSURE, Disclosure.CCE),
    ):
        InterviewFactor.objects.create(interview=interview, kind=kind, code=code)
    other_interview = InterviewFactory(
        child=world.child, provider=world.provider, covering=[other_episode], narrative=planted("other")
    )
    person = network_actions.add_person(
        acting_user=users.police,
        kind=PersonKind.ADULT,
        display_name=f"{INTELLIGENCE} subject",
        description=f"{INTELLIGENCE} description",
        police_only=True,
    )
    link = network_actions.link_child_to_person(
        acting_user=users.police,
        child=world.child,
        person=person,
        source=LinkSource.SEEN_WITH,
        linked_on=timezone.localdate() - dt.timedelta(days=5),
        confidence=Confidence.CONFIRMED,
        notes=f"{INTELLIGENCE} link notes",
    )
    return SimpleNamespace(
        episode=episode,
        other_episode=other_episode,
        interview=interview,
        other_interview=other_interview,
        person=person,
        link=link,
    )


@pytest.fixture
def make_share(world, records):
    """make_share(what, to_agency=..., to_user=..., acting_user=coordinator, **overrides) -> Share."""

    def make(what: str, *, acting_user=None, **overrides):
        item = {}
        if what == "episode_summary":
            item = {"episode": records.episode}
        elif what in ("interview_summary", "full_interview"):
            item = {"interview": records.interview}
        fields = {
            "acting_user": acting_user or world.users.coordinator,
            "child": world.child,
            "what": what,
            "lawful_basis": LawfulBasis.CHILDREN_ACT_S47,
            "child_consent": ChildConsent.NOT_SOUGHT,
            "child_consent_reason": "Seeking consent would put the child at risk",
            "purpose": "So the school can support Jordan on their return",
            **item,
            **overrides,
        }
        return share_record(**fields)

    return make
