"""The rules of sharing, withdrawing, emergency access and its review: field-named errors, nothing written on
refusal, and one audit event in the same transaction that never holds the free text."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from access.models import AuditEvent
from core.errors import ConflictError
from episodes.shareable import EPISODE_SUMMARY
from interviews.shareable import FULL_INTERVIEW, INTERVIEW_SUMMARY
from network.shareable import POLICE_INTELLIGENCE
from sharing.actions import request_emergency_access, review_emergency_access, withdraw_share
from sharing.codes import ChildConsent, LawfulBasis
from sharing.models import EmergencyAccess, Share
from tests.factories import EpisodeFactory

REASON = "Found at A&E at 2am, carers not answering"


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


def refused(make, *args, **kwargs) -> dict:
    before = (Share.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as excinfo:
        make(*args, **kwargs)
    assert (Share.objects.count(), AuditEvent.objects.count()) == before
    return errors_of(excinfo)


# --- Sharing --------------------------------------------------------------------------------------


def test_a_share_is_recorded_and_audited_without_its_free_text(world, records, make_share):
    share = make_share(
        "full_interview",
        to_agency=world.health,
        lawful_basis=LawfulBasis.OTHER,
        lawful_basis_other="SECRET-BASIS words",
        purpose="SECRET-PURPOSE words",
    )
    assert share.shared_by == world.users.coordinator and share.from_agency == world.north
    assert share.interview == records.interview and share.episode is None and share.person is None
    event = AuditEvent.objects.order_by("-id").first()
    assert event.action == AuditEvent.Action.CREATE and event.object_type == "share"
    assert event.child_id == world.child.pk
    assert event.changes["what"] == [None, "full_interview"]
    assert event.changes["to_agency"] == [None, world.health.pk]
    assert event.changes["lawful_basis"] == [None, "other"]
    assert event.changes["child_consent"] == [None, "not_sought_with_reason"]
    assert "Northmoor Health Trust" in event.summary
    text = f"{event.summary} {event.changes}"
    for secret in ("SECRET-BASIS", "SECRET-PURPOSE", "Seeking consent"):
        assert secret not in text
    # The free text is stored encrypted.
    with connection.cursor() as cursor:
        cursor.execute("SELECT purpose, lawful_basis_other FROM sharing_share WHERE id = %s", [share.pk])
        stored = cursor.fetchone()
    assert all(value.startswith("enc1:") and "SECRET" not in value for value in stored)


def test_other_lawful_basis_needs_text(world, records, make_share):
    assert "lawful_basis_other" in refused(make_share, "episode_summary", to_agency=world.health, lawful_basis="other")
    share = make_share(
        "episode_summary", to_agency=world.health, lawful_basis="other", lawful_basis_other="A court order"
    )
    assert share.lawful_basis_text == "Other: A court order"


def test_other_text_is_dropped_for_a_coded_basis(world, records, make_share):
    share = make_share("episode_summary", to_agency=world.health, lawful_basis_other="ignored")
    assert share.lawful_basis_other == ""


@pytest.mark.parametrize(
    ("consent", "reason", "basis", "field"),
    [
        (ChildConsent.REFUSED, "", LawfulBasis.CHILDREN_ACT_S47, "child_consent_reason"),
        (ChildConsent.NOT_SOUGHT, "", LawfulBasis.CHILDREN_ACT_S47, "child_consent_reason"),
        (ChildConsent.REFUSED, "At risk of serious harm", LawfulBasis.CONSENT, "child_consent"),
        (ChildConsent.NOT_CAPABLE, "", LawfulBasis.CONSENT, "child_consent"),
        ("maybe", "", LawfulBasis.CHILDREN_ACT_S17, "child_consent"),
    ],
)
def test_consent_rules(world, records, make_share, consent, reason, basis, field):
    errors = refused(
        make_share,
        "episode_summary",
        to_agency=world.health,
        child_consent=consent,
        child_consent_reason=reason,
        lawful_basis=basis,
    )
    assert field in errors


@pytest.mark.parametrize(
    ("consent", "basis"),
    [
        (ChildConsent.GIVEN, LawfulBasis.CONSENT),
        (ChildConsent.NOT_CAPABLE, LawfulBasis.VITAL_INTERESTS),
        (ChildConsent.GIVEN, LawfulBasis.CHILDREN_ACT_S17),
    ],
)
def test_consent_answers_that_need_no_reason(world, records, make_share, consent, basis):
    share = make_share(
        "episode_summary", to_agency=world.health, child_consent=consent, child_consent_reason="", lawful_basis=basis
    )
    assert share.child_consent == consent


def test_purpose_recipient_and_expiry_are_checked(world, records, make_share):
    errors = refused(make_share, "episode_summary", purpose="  ", expires_at=timezone.now() - dt.timedelta(hours=1))
    assert set(errors) >= {"purpose", "recipient", "expires_at"}
    errors = refused(make_share, "episode_summary", to_agency=world.health, to_user=world.users.health)
    assert "recipient" in errors


@pytest.mark.parametrize(
    "recipient",
    ["north", "south", "police_south", "other_school"],  # own council; unrelated council, force and school
)
def test_only_sensible_agencies_receive(world, records, make_share, recipient):
    assert refused(make_share, "episode_summary", to_agency=getattr(world, recipient)) == {
        "recipient": ["Choose a recipient from the list"]
    }


@pytest.mark.parametrize("recipient", ["police_south", "other_school_dsl", "analyst", "admin", "coordinator"])
def test_only_sensible_people_receive(world, records, make_share, recipient):
    assert "recipient" in refused(make_share, "episode_summary", to_user=getattr(world.users, recipient))


def test_school_receives_only_about_its_pupils(world, records, make_share):
    # Riley (placed in Northmoor) is not at Northmoor Academy: the school and its lead are not offered.
    episode = EpisodeFactory(child=world.placed_child, police_force=world.police_north, created_by=world.users.police)
    for recipient in ({"to_agency": world.school}, {"to_user": world.users.school_dsl}):
        errors = refused(make_share, "episode_summary", child=world.placed_child, episode=episode, **recipient)
        assert errors == {"recipient": ["Choose a recipient from the list"]}
    make_share("episode_summary", child=world.placed_child, episode=episode, to_agency=world.south)


def test_the_item_must_match_what_and_the_child(world, records, make_share):
    assert "what" in refused(make_share, "episode_summary", to_agency=world.health, episode=None)
    assert "what" in refused(
        make_share, "interview_summary", to_agency=world.health, interview=None, episode=records.episode
    )
    assert "what" in refused(make_share, "episode_summary", to_agency=world.health, child=world.placed_child)
    assert "what" in refused(make_share, "gossip", to_agency=world.health)


@pytest.mark.parametrize("name", ["police", "school_dsl", "health", "other_practitioner", "coordinator_south", "admin"])
def test_who_may_share_episodes_and_interviews(world, records, make_share, name):
    user = getattr(world.users, name)
    assert "what" in refused(make_share, "episode_summary", acting_user=user, to_agency=world.health)
    assert "what" in refused(make_share, "full_interview", acting_user=user, to_agency=world.health)


def test_practitioner_shares_their_interview_with_the_social_workers_council_only(world, records, make_share):
    practitioner = world.users.practitioner
    world.child.social_worker = world.users.social_worker
    world.child.save()
    share = make_share("full_interview", acting_user=practitioner, to_user=world.users.social_worker)
    assert share.to_user == world.users.social_worker
    make_share("interview_summary", acting_user=practitioner, to_agency=world.north)
    assert "recipient" in refused(make_share, "interview_summary", acting_user=practitioner, to_agency=world.health)
    assert "recipient" in refused(
        make_share, "interview_summary", acting_user=practitioner, to_user=world.users.manager
    )
    assert "what" in refused(make_share, "episode_summary", acting_user=practitioner, to_agency=world.north)
    assert "what" in refused(
        make_share,
        "full_interview",
        acting_user=practitioner,
        to_agency=world.north,
        interview=records.other_interview,
    )


def test_police_share_only_intelligence_their_force_recorded(world, records, make_share):
    police = world.users.police
    share = make_share("police_intelligence", acting_user=police, person=records.person, to_agency=world.north)
    assert share.person == records.person
    links = make_share("police_intelligence", acting_user=police, to_user=world.users.social_worker)
    assert links.person is None
    # Another force's police, and the council, cannot share it.
    assert "what" in refused(
        make_share,
        "police_intelligence",
        acting_user=world.users.coordinator,
        person=records.person,
        to_agency=world.health,
    )
    world.child.placement_council = world.south  # so Southvale Police is a force that covers the child
    world.child.save()
    assert "what" in refused(
        make_share,
        "police_intelligence",
        acting_user=world.users.police_south,
        person=records.person,
        to_agency=world.north,
    )


def test_the_same_item_is_not_shared_twice_with_the_same_recipient(world, records, make_share):
    make_share("episode_summary", to_agency=world.health)
    assert refused(make_share, "episode_summary", to_agency=world.health) == {
        "recipient": ["This is already shared with this recipient"]
    }
    make_share("episode_summary", to_user=world.users.health)  # a different recipient


def test_database_refuses_a_share_whose_item_does_not_match(world, records):
    base = {
        "child": world.child,
        "to_agency": world.health,
        "shared_at": timezone.now(),
        "shared_by": world.users.coordinator,
        "from_agency": world.north,
        "lawful_basis": "consent",
        "child_consent": "given",
        "purpose": "x",
    }
    for bad in (
        {"what": EPISODE_SUMMARY},
        {"what": EPISODE_SUMMARY, "interview": records.interview},
        {"what": FULL_INTERVIEW, "episode": records.episode},
        {"what": POLICE_INTELLIGENCE, "episode": records.episode},
        {"what": INTERVIEW_SUMMARY, "interview": records.interview, "person": records.person},
        {"what": EPISODE_SUMMARY, "episode": records.episode, "to_user": world.users.health},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Share.objects.create(**base, **bad)


# --- Withdrawing ----------------------------------------------------------------------------------


def test_withdrawal_needs_a_reason_and_is_audited_without_it(world, records, make_share):
    share = make_share("episode_summary", to_agency=world.health)
    with pytest.raises(ValidationError) as excinfo:
        withdraw_share(share, reason=" ", expected_version=share.version, acting_user=world.users.coordinator)
    assert "reason" in errors_of(excinfo)
    done = withdraw_share(
        share, reason="SECRET-WITHDRAWAL", expected_version=share.version, acting_user=world.users.coordinator
    )
    assert done.withdrawn_by == world.users.coordinator and done.status == "withdrawn"
    event = AuditEvent.objects.order_by("-id").first()
    assert event.action == AuditEvent.Action.UPDATE and event.summary == "Share withdrawn"
    assert "SECRET-WITHDRAWAL" not in str(event.changes)


def test_who_may_withdraw(world, records, make_share):
    share = make_share("episode_summary", to_agency=world.health)
    for name in ("health", "police", "coordinator_south", "school_dsl"):
        with pytest.raises(ValidationError):
            withdraw_share(share, reason="No", expected_version=1, acting_user=getattr(world.users, name))
    # A colleague at the child's council may.
    withdraw_share(share, reason="Done", expected_version=1, acting_user=world.users.manager)
    with pytest.raises(ValidationError):
        withdraw_share(share, reason="Again", expected_version=2, acting_user=world.users.manager)


def test_police_intelligence_is_withdrawn_by_its_force(world, records, make_share):
    share = make_share("police_intelligence", acting_user=world.users.police, to_agency=world.north)
    with pytest.raises(ValidationError):
        withdraw_share(share, reason="No", expected_version=1, acting_user=world.users.coordinator)
    other_officer = type(world.users.police).objects.create(username="police.north2", agency=world.police_north)
    other_officer.role_assignments.create(role="police")
    withdraw_share(share, reason="Operation over", expected_version=1, acting_user=other_officer)


def test_a_stale_withdrawal_is_a_conflict(world, records, make_share):
    share = make_share("episode_summary", to_agency=world.health)
    with pytest.raises(ConflictError):
        withdraw_share(share, reason="Old page", expected_version=7, acting_user=world.users.coordinator)


# --- Emergency access -----------------------------------------------------------------------------


def test_emergency_access_is_audited_with_its_own_action(world, records):
    access = request_emergency_access(acting_user=world.users.police_south, child_id=world.child.pk, reason=REASON)
    event = AuditEvent.objects.order_by("-id").first()
    assert event.action == AuditEvent.Action.BREAK_GLASS == "break_glass"
    assert event.child_id == world.child.pk and event.object_id == str(access.pk)
    assert "A&E" not in f"{event.summary} {event.changes}"


def test_emergency_access_by_council_child_id(world, records):
    access = request_emergency_access(
        acting_user=world.users.health, la_child_id="n000123", council=world.north, reason=REASON
    )
    assert access.child == world.child


def test_emergency_access_for_no_such_child_is_kept_and_audited_but_grants_nothing(world):
    access = request_emergency_access(acting_user=world.users.health, child_id=999999, reason=REASON)
    assert access.child is None and access.expires_at is None and not access.is_active()
    event = AuditEvent.objects.order_by("-id").first()
    assert event.action == AuditEvent.Action.BREAK_GLASS and event.child_id is None


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"reason": REASON}, "child_id"),
        ({"reason": REASON, "la_child_id": "N000123"}, "council"),
        ({"child_id": 1, "reason": ""}, "reason"),
        ({"child_id": 1, "reason": "urgent"}, "reason"),
    ],
)
def test_emergency_access_needs_an_identifier_and_a_reason(world, kwargs, field):
    with pytest.raises(ValidationError) as excinfo:
        request_emergency_access(acting_user=world.users.health, **kwargs)
    assert field in errors_of(excinfo)
    assert not EmergencyAccess.objects.exists()


@pytest.mark.parametrize("name", ["school_dsl", "practitioner", "analyst", "admin"])
def test_only_responding_roles_use_emergency_access(world, name):
    with pytest.raises(ValidationError):
        request_emergency_access(acting_user=getattr(world.users, name), child_id=world.child.pk, reason=REASON)
    assert not EmergencyAccess.objects.exists()


def test_review_needs_a_note_another_person_and_the_right_reviewer(world, records):
    access = request_emergency_access(acting_user=world.users.police_south, child_id=world.child.pk, reason=REASON)
    with pytest.raises(ValidationError) as excinfo:
        review_emergency_access(access, note="", acting_user=world.users.coordinator)
    assert "note" in errors_of(excinfo)
    for name in ("coordinator_south", "social_worker", "police"):
        with pytest.raises(ValidationError):
            review_emergency_access(access, note="Fine", acting_user=getattr(world.users, name))
    done = review_emergency_access(access, note="SECRET-NOTE checked with the officer", acting_user=world.users.admin)
    assert done.reviewed_by == world.users.admin
    event = AuditEvent.objects.order_by("-id").first()
    assert event.summary == "Emergency access reviewed" and "SECRET-NOTE" not in str(event.changes)
    with pytest.raises(ValidationError):
        review_emergency_access(access, note="Again", acting_user=world.users.coordinator)


def test_nobody_reviews_their_own_emergency_access(world, records):
    access = request_emergency_access(acting_user=world.users.coordinator_south, child_id=world.child.pk, reason=REASON)
    # coordinator_south reviews uses on Southvale's children, but not their own use.
    access.child = world.placed_child
    EmergencyAccess.objects.filter(pk=access.pk).update(child=world.placed_child)
    with pytest.raises(ValidationError):
        review_emergency_access(access, note="Mine", acting_user=world.users.coordinator_south)
