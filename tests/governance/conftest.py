"""Auditors for the shared `world`, and a child's full record (for subject access and retention tests)."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from access.models import Role
from episodes.codes import FoundBy, RiskGrade
from episodes.models import RiskGradeChange
from interviews.codes import Outcome
from network import actions as network
from network.codes import Confidence, LinkSource, PersonKind, PlaceKind
from risk.codes import AlertKind, ReferralStatus, ReferralTo, ScreeningKind, ScreeningLevel
from risk.models import Alert, Referral, ReferralStatusChange, Screening
from tests.factories import EpisodeFactory, InterviewFactory, UserFactory
from tests.returns.factories import CareEpisodeFactory

POLICE_ONLY_NAME = "Viper Intelligence Subject"
POLICE_ONLY_PLACE = "Suspected Trap Flat Kestrel Road"
NARRATIVE = "Jordan said they stayed with Riley Sample and Casey at a flat; riley sample bought them food."


@pytest.fixture
def auditors(world):
    return SimpleNamespace(
        north=UserFactory(username="auditor.north", agency=world.north, roles=[Role.AUDITOR]),
        south=UserFactory(username="auditor.south", agency=world.south, roles=[Role.AUDITOR]),
        police=UserFactory(username="auditor.police", agency=world.police_north, roles=[Role.AUDITOR]),
    )


@pytest.fixture
def full_record(world):
    """Jordan's record with something in every part: two returned episodes (one found with another child), a risk
    change, a return interview naming other children, an episode of care, an alert, a screening, a referral,
    links to a person and a place, and police-only intelligence about a person and a place."""
    users, child = world.users, world.child
    now = timezone.now()
    first = EpisodeFactory(
        child=child,
        police_force=world.police_north,
        created_by=users.police,
        last_seen_at=now - dt.timedelta(days=40),
        returned_at=now - dt.timedelta(days=39),
        found_place="Bus station",
        found_by=FoundBy.POLICE,
        found_with="Riley Sample and an older male",
        harm_on_return="Tired and hungry",
        circumstances="Left after an argument",
        risk_grade=RiskGrade.MEDIUM,
    )
    RiskGradeChange.objects.create(
        episode=first,
        grade=RiskGrade.HIGH,
        previous_grade=RiskGrade.MEDIUM,
        reason="Seen with Casey Outside near the trap flat",
        changed_at=first.reported_at + dt.timedelta(hours=2),
        changed_by=users.police,
    )
    second = EpisodeFactory(
        child=child,
        police_force=world.police_north,
        created_by=users.police,
        last_seen_at=now - dt.timedelta(days=10),
        returned_at=now - dt.timedelta(days=9, hours=20),
        found_place="Home",
        found_by=FoundBy.SELF,
    )
    interview = InterviewFactory(
        child=child,
        provider=world.provider,
        assigned_to=users.practitioner,
        due_by=first.returned_at + dt.timedelta(hours=72),
        offered_at=first.returned_at + dt.timedelta(hours=20),
        offered_by="Sam from Safe Return",
        outcome=Outcome.ACCEPTED,
        completed_at=first.returned_at + dt.timedelta(hours=50),
        completed_by=users.practitioner,
        where_stayed="A flat above the takeaway",
        who_with="Riley and an adult called Dee",
        narrative=NARRATIVE,
        childs_wishes="To stay at home",
        covering=[first],
    )
    care = CareEpisodeFactory(child=child, decom=dt.date(2024, 6, 1))
    alert = Alert.objects.create(
        child=child,
        kind=AlertKind.HIGH_RISK,
        episode=first,
        dedupe_key=f"high_risk:{first.pk}",
        detail="Graded high risk",
        raised_at=first.reported_at,
        for_role=Role.COORDINATOR,
    )
    screening = Screening.objects.create(
        child=child,
        screened_at=now - dt.timedelta(days=30),
        screened_by=users.coordinator,
        kind=ScreeningKind.CCE,
        level=ScreeningLevel.MEDIUM,
        notes="Concerns shared by Riley Sample's carer",
    )
    referral = Referral.objects.create(
        child=child,
        to=ReferralTo.EXPLOITATION_TEAM,
        made_at=now - dt.timedelta(days=29),
        made_by=users.coordinator,
        reason="Linked to older males",
        status_changed_at=now - dt.timedelta(days=29),
    )
    ReferralStatusChange.objects.create(
        referral=referral,
        status=ReferralStatus.MADE,
        changed_at=referral.made_at,
        changed_by=users.coordinator,
        note="Referred by phone",
    )
    link = {
        "source": LinkSource.SEEN_WITH,
        "linked_on": now.date() - dt.timedelta(days=39),
        "confidence": Confidence.CONFIRMED,
    }
    person = network.add_person(
        acting_user=users.coordinator,
        kind=PersonKind.ADULT,
        display_name="Older male known as Dee",
        aliases="Dee, D-Man",
        description="About 25, drives a grey hatchback",
        phone_numbers="07700 900123",
    )
    person_link = network.link_child_to_person(acting_user=users.coordinator, child=child, person=person, **link)
    place = network.add_place(
        acting_user=users.coordinator,
        kind=PlaceKind.TAKEAWAY,
        name="Chicken Palace takeaway",
        address="12 Eastgate Street, Northtown",
        postcode="NM4 7AB",
    )
    place_link = network.link_child_to_place(acting_user=users.coordinator, child=child, place=place, **link)
    secret_person = network.add_person(
        acting_user=users.police,
        kind=PersonKind.ADULT,
        display_name=POLICE_ONLY_NAME,
        description="Subject of an ongoing police operation",
        police_only=True,
    )
    secret_link = network.link_child_to_person(acting_user=users.police, child=child, person=secret_person, **link)
    secret_place = network.add_place(
        acting_user=users.police, kind=PlaceKind.TRAP_HOUSE_SUSPECTED, name=POLICE_ONLY_PLACE, police_only=True
    )
    network.link_child_to_place(acting_user=users.police, child=child, place=secret_place, **link)
    return SimpleNamespace(
        episodes=[first, second],
        interview=interview,
        care=care,
        alert=alert,
        screening=screening,
        referral=referral,
        person=person,
        person_link=person_link,
        place=place,
        place_link=place_link,
        secret_person=secret_person,
        secret_link=secret_link,
    )
