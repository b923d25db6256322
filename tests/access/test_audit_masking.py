"""No name, place, free text or encrypted value ever reaches AuditEvent.changes: one rule, the audit module's.

Two halves, both driven by data so a new model or action is covered without editing the checks:
- every model of the case apps declares each free-text field as masked (an EncryptedTextField, or listed in
  the model's AUDIT_MASKED_FIELDS) or it is listed in PLAIN_TEXT below with why it is safe in the trail;
- every action that files `changes` runs with a marker planted in each name, place and free-text argument:
  no marker may appear in any event's changes, and each free-text field an event names must be masked.
"""

import datetime as dt
import json
from collections.abc import Callable

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone

from access.audit import SENSITIVE_MARK, sensitive_fields
from access.models import AuditEvent
from episodes.actions import record_return, report_missing, update_episode_details
from episodes.codes import EpisodeType, FoundBy, MissingFrom, RiskGrade
from interviews.actions import record_interview, record_offer
from interviews.codes import ConsentToShare, Outcome
from interviews.models import ReturnInterview
from network import actions as network
from network.codes import Confidence, LinkSource, PersonKind, PlaceKind
from philomena.actions import save_profile
from returns.actions import end_care_episode, record_care_episode
from risk.actions import make_referral, record_screening
from risk.codes import ReferralTo, ScreeningKind, ScreeningLevel

# The apps whose records are about children: each free-text field of their models is decided on below.
CASE_APPS = ["children", "episodes", "interviews", "network", "philomena", "returns", "risk", "sharing"]

# Free-text fields left readable in the audit trail, each with why that is safe.
PLAIN_TEXT = {
    "children.child.la_child_id": "the council's own record number, as the event's child_id is Homeward's",
    "episodes.missingepisode.police_reference": "the police force's reference number for the report",
    "episodes.missingepisode.imported_from": "the name of the return a period was imported from (SSDA903)",
    "interviews.interviewfactor.code": "a code from Homeward's lists of push and pull factors",
    "risk.alert.dedupe_key": "built by Homeward from the alert's kind and record ids",
    "risk.alert.detail": "written by Homeward's triggers from counts and dates, never typed",
    "risk.alert.resolved_reason": "written by Homeward's triggers (risk.triggers.RESOLVED_BY_RETURN), never typed",
    "philomena.profilephoto.sha256": "a hash of the stored photo, to show it was not changed",
    "philomena.profileversion.height": "a short physical description police look for, not a name or place",
    "philomena.profileversion.build": "a short physical description police look for, not a name or place",
    "philomena.profileversion.hair": "a short physical description police look for, not a name or place",
    "philomena.profileversion.eyes": "a short physical description police look for, not a name or place",
    "sharing.emergencyaccess.asked_for": "built by Homeward from the Homeward or council ID typed, never a name",
}

SECRET = "Zebedee"  # planted in every name, place and free-text argument; never in the trail


def _case_models() -> list[type[models.Model]]:
    return [model for app in CASE_APPS for model in apps.get_app_config(app).get_models()]


def _free_text_fields(model: type[models.Model]) -> list[str]:
    """Text a person types: character and text fields without a fixed list of choices."""
    return [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField) and not field.choices
    ]


def _plain_allowed(model: type[models.Model], name: str) -> bool:
    return f"{model._meta.label_lower}.{name}" in PLAIN_TEXT


@pytest.mark.parametrize("model", _case_models(), ids=lambda model: model._meta.label_lower)
def test_every_free_text_field_of_a_case_model_is_masked_or_known_to_be_safe(model):
    hidden = sensitive_fields(model)
    unknown = [name for name in _free_text_fields(model) if name not in hidden and not _plain_allowed(model, name)]
    assert unknown == [], (
        f"{model._meta.label}: add {unknown} to AUDIT_MASKED_FIELDS (or to PLAIN_TEXT with why it is safe)"
    )


def test_plain_text_lists_only_fields_that_exist_and_are_not_masked():
    for entry in PLAIN_TEXT:
        app_model, name = entry.rsplit(".", 1)
        model = apps.get_model(app_model)
        assert name in _free_text_fields(model) and name not in sensitive_fields(model), entry


# --- Actions, with the marker planted --------------------------------------------------------------


def _report(world):
    now = timezone.now()
    return report_missing(
        acting_user=world.users.coordinator,
        child=world.child,
        episode_type=EpisodeType.MISSING,
        missing_from=MissingFrom.HOME,
        last_seen_at=now - dt.timedelta(hours=5),
        last_seen_place=f"{SECRET} bus station",
        reported_at=now - dt.timedelta(hours=4),
        reported_by=f"{SECRET} (mother)",
        police_force=world.police_north,
        police_reference="wp-2026-000001",
        risk_grade=RiskGrade.MEDIUM,
        circumstances=f"Left with {SECRET}",
    )


def _return(world):
    episode = _report(world)
    return record_return(
        episode,
        returned_at=timezone.now() - dt.timedelta(hours=2),
        found_place=f"{SECRET} takeaway",
        found_by=FoundBy.SELF,
        expected_version=episode.version,
        acting_user=world.users.police,
        found_with=f"{SECRET} and friends",
        harm_on_return=f"{SECRET} bruise",
    )


def episode_reported_and_changed(world):
    episode = _report(world)
    update_episode_details(
        episode,
        expected_version=episode.version,
        acting_user=world.users.coordinator,
        last_seen_place=f"{SECRET} park",
        reported_by=f"{SECRET} (carer)",
        circumstances=f"Seen with {SECRET} again",
    )


def episode_returned(world):
    _return(world)


def interview_offered_and_recorded(world):
    episode = _return(world)
    interview = ReturnInterview.objects.get(episodes=episode)
    interview = record_offer(
        interview,
        outcome=Outcome.ACCEPTED,
        offered_at=timezone.now() - dt.timedelta(hours=1),
        offered_by=f"{SECRET} Practitioner",
        expected_version=interview.version,
        acting_user=world.users.coordinator,
    )
    record_interview(
        interview,
        completed_at=timezone.now() - dt.timedelta(minutes=10),
        episode_ids=[episode.pk],
        consent_to_share=ConsentToShare.YES,
        expected_version=interview.version,
        acting_user=world.users.coordinator,
        where_stayed=f"{SECRET} flat",
        who_with=f"{SECRET} cousin",
        harm_suffered=f"{SECRET} harm",
        disclosure_details=f"{SECRET} said",
        childs_wishes=f"{SECRET} wishes",
        actions_agreed=f"{SECRET} actions",
        narrative=f"{SECRET} narrative",
    )


def network_recorded_linked_and_ended(world):
    user = world.users.coordinator
    person = network.add_person(
        acting_user=user,
        kind=PersonKind.ADULT,
        display_name=f"{SECRET} Tee",
        aliases=f"{SECRET} T",
        description=f"{SECRET} tall",
        vehicles=f"{SECRET} van",
        phone_numbers="07700 900999",
    )
    place = network.add_place(
        acting_user=user,
        kind=PlaceKind.SHOP,
        name=f"{SECRET} Chicken Palace",
        address=f"1 {SECRET} Street",
        postcode="NM9 9ZZ",
        latitude="53.123457",
        longitude="-2.765433",
    )
    link_arguments = {
        "acting_user": user,
        "child": world.child,
        "source": LinkSource.SEEN_WITH,
        "linked_on": timezone.localdate(),
        "confidence": Confidence.CONFIRMED,
        "notes": f"{SECRET} bought her food",
    }
    person_link = network.link_child_to_person(person=person, **link_arguments)
    network.link_child_to_place(place=place, **link_arguments)
    network.end_person_link(
        person_link, acting_user=user, expected_version=person_link.version, reason=f"{SECRET} was wrong"
    )
    return ["07700 900999", "NM9 9ZZ", "53.123457", "-2.765433"]


def philomena_profile_saved_twice(world):
    content = {"hair": "Brown", "phone_numbers": "07700 900888", "associates": f"{SECRET} crew", "notes": SECRET}
    save_profile(world.child, acting_user=world.users.social_worker, **content)
    save_profile(
        world.child,
        acting_user=world.users.social_worker,
        expected_version=1,
        places_frequented=f"{SECRET} arcade",
        notes=f"{SECRET} again",
    )
    return ["07700 900888"]


def care_episode_recorded_and_ended(world):
    episode = record_care_episode(
        acting_user=world.users.social_worker,
        child=world.child,
        decom=dt.date(2025, 6, 1),
        rne="S",
        legal_status="C2",
        cin="N1",
        place="U4",
        place_provider="PR1",
        home_post="NM8 8YY",
        pl_post="NM7 7XX",
    )
    end_care_episode(
        episode,
        acting_user=world.users.social_worker,
        expected_version=episode.version,
        dec=dt.date(2025, 9, 1),
        rec="E11",
    )
    return ["NM8 8YY", "NM7 7XX"]


def risk_screened_and_referred(world):
    record_screening(
        world.child,
        screened_at=timezone.now() - dt.timedelta(hours=1),
        kind=ScreeningKind.CSE,
        level=ScreeningLevel.LOW,
        review_date=timezone.localdate() + dt.timedelta(days=30),
        acting_user=world.users.coordinator,
        notes=f"{SECRET} notes",
    )
    make_referral(world.child, to=ReferralTo.MASH, reason=f"{SECRET} reason", acting_user=world.users.coordinator)


SCENARIOS: list[Callable] = [
    episode_reported_and_changed,
    episode_returned,
    interview_offered_and_recorded,
    network_recorded_linked_and_ended,
    philomena_profile_saved_twice,
    care_episode_recorded_and_ended,
    risk_screened_and_referred,
]


def _model_of(event: AuditEvent) -> type[models.Model] | None:
    for model in _case_models():
        if model._meta.model_name == event.object_type:
            return model
    return None


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.__name__)
def test_no_planted_value_reaches_the_audit_changes(world, scenario):
    planted = [SECRET, *(scenario(world) or [])]
    events = [event for event in AuditEvent.objects.order_by("id") if event.changes]
    assert events, "the scenario filed no changes to check"
    for event in events:
        text = json.dumps(event.changes)
        for value in planted:
            assert value not in text, f"{value!r} reached the changes of {event.object_type}: {event.summary}"
        model = _model_of(event)
        if model is None:
            continue
        typed = [name for name in _free_text_fields(model) if name in event.changes and not _plain_allowed(model, name)]
        for name in typed:
            assert all(value in (None, "", SENSITIVE_MARK) for value in event.changes[name]), (
                f"{model._meta.label}.{name} reached the trail unmasked"
            )
