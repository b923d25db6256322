"""The return interview (interviews:detail) and its work: assigning, the offer, and the write-up."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from access.models import AuditEvent, Role
from interviews.actions import assign_interview
from interviews.codes import Outcome
from interviews.models import InterviewFactor
from tests.factories import UserFactory
from tests.web.helpers import (
    assert_redirects_to_sign_in,
    assert_summary_mentions,
    audit_count,
    date_time_boxes,
    minute,
    page_title,
)

CONFLICT = "Someone else changed this record after you opened it"
NARRATIVE = "She stayed at a flat above the takeaway with two men she met online."


def page(name: str, interview) -> str:
    return reverse(f"interviews:{name}", args=[interview.pk])


def bump_version(world, interview) -> None:
    """Someone else changes the interview after the user opened the form."""
    assign_interview(
        interview,
        practitioner=world.users.other_practitioner,
        expected_version=interview.version,
        acting_user=world.users.coordinator,
    )


def accept(case) -> None:
    interview = case.interview
    interview.offered_at = minute(case.episode.returned_at + dt.timedelta(hours=2))
    interview.offered_by = "Sam Practitioner"
    interview.outcome = Outcome.ACCEPTED
    interview.save()


# --- The interview page --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["detail", "assign", "offer", "record"])
def test_anonymous_user_is_sent_to_sign_in(client, world, case, name):
    assert_redirects_to_sign_in(client.get(page(name, case.interview)), page(name, case.interview))


@pytest.mark.parametrize("user", ["coordinator", "social_worker", "manager", "practitioner"])
def test_insiders_see_the_interview(client, world, case, user):
    client.force_login(getattr(world.users, user))
    response = client.get(page("detail", case.interview))
    assert response.status_code == 200
    html = response.content.decode()
    assert page_title("Return interview: Jordan Example") in html
    assert "Safe Return Partnership" in html
    assert str(world.users.practitioner) in html
    assert '<strong class="govuk-tag govuk-tag--yellow">Due</strong>' in html
    assert reverse("episodes:detail", args=[case.episode.pk]) in html


@pytest.mark.parametrize(
    "user",
    ["coordinator_south", "police", "police_south", "school_dsl", "other_practitioner", "analyst", "admin", "health"],
)
def test_outsiders_get_404_on_every_interview_page(client, world, case, user):
    client.force_login(getattr(world.users, user))
    for name in ("detail", "assign", "offer", "record"):
        response = client.get(page(name, case.interview))
        assert response.status_code == 404, name
        assert b"Jordan" not in response.content
        assert client.post(page(name, case.interview), {"version": "1"}).status_code in (404, 405)
    case.interview.refresh_from_db()
    assert case.interview.version == 1


def test_viewing_the_interview_is_audited(client, world, case):
    client.force_login(world.users.practitioner)
    client.get(page("detail", case.interview))
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
    assert (event.object_type, event.object_id, event.child_id) == (
        "returninterview",
        str(case.interview.pk),
        world.child.pk,
    )


def test_buttons_follow_what_the_user_may_do(client, world, case):
    client.force_login(world.users.coordinator)
    html = client.get(page("detail", case.interview)).content.decode()
    assert page("assign", case.interview) in html and page("offer", case.interview) in html
    assert page("record", case.interview) not in html  # not accepted yet
    client.force_login(world.users.practitioner)
    html = client.get(page("detail", case.interview)).content.decode()
    assert page("offer", case.interview) in html and page("assign", case.interview) not in html
    client.force_login(world.users.social_worker)
    html = client.get(page("detail", case.interview)).content.decode()
    assert page("offer", case.interview) not in html and page("assign", case.interview) not in html


def test_completed_interview_shows_its_content_with_factor_labels(client, world, case):
    accept(case)
    interview = case.interview
    interview.completed_at = minute(timezone.now() - dt.timedelta(hours=1))
    interview.narrative = NARRATIVE
    interview.consent_to_share = "yes"
    interview.save()
    InterviewFactor.objects.create(interview=interview, kind="push", code="conflict")
    InterviewFactor.objects.create(interview=interview, kind="disclosure", code="cse")
    client.force_login(world.users.coordinator)
    html = client.get(page("detail", interview)).content.decode()
    for text in ("Conflict at home or in the placement", "Signs of child sexual exploitation", NARRATIVE):
        assert text in html
    assert "Yes, the child agreed" in html
    assert '<strong class="govuk-tag govuk-tag--green">Completed</strong>' in html


# --- Assign --------------------------------------------------------------------------------------


def test_assign_lists_the_provider_practitioners(client, world, case):
    UserFactory(agency=world.provider, roles=[Role.RHI_PRACTITIONER], is_active=False, first_name="Gone")
    client.force_login(world.users.coordinator)
    response = client.get(page("assign", case.interview))
    assert response.status_code == 200
    choices = dict(response.context["form"].fields["assigned_to"].choices)
    assert set(choices) == {str(world.users.practitioner.pk), str(world.users.other_practitioner.pk), "nobody"}


def test_assign_a_practitioner(client, world, case):
    client.force_login(world.users.coordinator)
    response = client.post(
        page("assign", case.interview), {"assigned_to": str(world.users.other_practitioner.pk), "version": "1"}
    )
    assert response.status_code == 302
    case.interview.refresh_from_db()
    assert case.interview.assigned_to == world.users.other_practitioner
    assert AuditEvent.objects.filter(summary="Return interview assigned").count() == 1
    assert "Interview assigned to" in client.get(response["Location"]).content.decode()


def test_unassign(client, world, case):
    client.force_login(world.users.coordinator)
    client.post(page("assign", case.interview), {"assigned_to": "nobody", "version": "1"})
    case.interview.refresh_from_db()
    assert case.interview.assigned_to is None


@pytest.mark.parametrize("user", ["practitioner", "social_worker", "manager"])
def test_only_a_coordinator_assigns(client, world, case, user):
    client.force_login(getattr(world.users, user))
    assert client.get(page("assign", case.interview)).status_code == 403
    response = client.post(page("assign", case.interview), {"assigned_to": "nobody", "version": "1"})
    assert response.status_code == 403
    case.interview.refresh_from_db()
    assert case.interview.assigned_to == world.users.practitioner


@pytest.mark.parametrize("choice", ["", "999999"])
def test_bad_assignment_writes_nothing(client, world, case, choice):
    client.force_login(world.users.coordinator)
    before = audit_count()
    response = client.post(page("assign", case.interview), {"assigned_to": choice, "version": "1"})
    assert response.status_code == 200
    assert_summary_mentions(response, "Select a practitioner")
    assert audit_count() == before


def test_stale_assignment_is_a_conflict(client, world, case):
    client.force_login(world.users.coordinator)
    bump_version(world, case.interview)
    response = client.post(page("assign", case.interview), {"assigned_to": "nobody", "version": "1"})
    assert response.status_code == 409
    assert_summary_mentions(response, CONFLICT)
    case.interview.refresh_from_db()
    assert case.interview.assigned_to == world.users.other_practitioner


# --- The offer -----------------------------------------------------------------------------------


def offer_answers(case, **overrides) -> dict:
    data = {
        "outcome": "accepted",
        **date_time_boxes("offered_at", minute(case.episode.returned_at + dt.timedelta(hours=3))),
        "offered_by": "Sam Practitioner",
        "not_offered_reason": "",
        "version": "1",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("user", ["coordinator", "practitioner"])
def test_offer_form_for_the_coordinator_and_assigned_practitioner(client, world, case, user):
    client.force_login(getattr(world.users, user))
    response = client.get(page("offer", case.interview))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Offered, waiting for an answer" in html
    assert 'name="outcome" type="radio" value=""' in html


@pytest.mark.parametrize("user", ["social_worker", "manager"])
def test_others_who_see_the_interview_may_not_record_the_offer(client, world, case, user):
    client.force_login(getattr(world.users, user))
    assert client.get(page("offer", case.interview)).status_code == 403
    assert client.post(page("offer", case.interview), offer_answers(case)).status_code == 403
    case.interview.refresh_from_db()
    assert case.interview.outcome == ""


def test_record_an_accepted_offer(client, world, case):
    client.force_login(world.users.practitioner)
    response = client.post(page("offer", case.interview), offer_answers(case))
    assert response.status_code == 302
    case.interview.refresh_from_db()
    assert case.interview.outcome == Outcome.ACCEPTED
    assert case.interview.offered_in_time is True
    assert AuditEvent.objects.filter(summary="Return interview offer recorded").count() == 1


def test_offered_and_waiting_posts_an_empty_outcome(client, world, case):
    client.force_login(world.users.practitioner)
    response = client.post(page("offer", case.interview), offer_answers(case, outcome=""))
    assert response.status_code == 302
    case.interview.refresh_from_db()
    assert case.interview.outcome == ""
    assert case.interview.offered_at is not None
    assert case.interview.status() == "offered"
    # The form opens again with "waiting" chosen.
    html = client.get(page("offer", case.interview)).content.decode()
    assert 'value="" checked' in html


def test_not_offered_with_a_reason(client, world, case):
    client.force_login(world.users.coordinator)
    data = offer_answers(case, outcome="not_offered", not_offered_reason="Child moved out of the area")
    data.update({f"offered_at_{i}": "" for i in range(4)})
    data["offered_by"] = ""
    assert client.post(page("offer", case.interview), data).status_code == 302
    case.interview.refresh_from_db()
    assert case.interview.outcome == Outcome.NOT_OFFERED
    event = AuditEvent.objects.get(summary="Return interview offer recorded")
    assert "Child moved" not in str(event.changes)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"outcome": None}, "Select what happened to the offer"),
        ({"outcome": "maybe"}, "Select what happened to the offer"),
        ({"offered_at_0": "", "offered_at_1": "", "offered_at_2": "", "offered_at_3": ""}, "Enter when the interview"),
        ({"offered_by": ""}, "Enter who offered the interview"),
        ({"outcome": "not_offered"}, "Enter why the interview was not offered"),
        (date_time_boxes("offered_at", timezone.now() + dt.timedelta(days=1)), "The time of the offer must be now"),
        (date_time_boxes("offered_at", timezone.now() - dt.timedelta(days=10)), "after the child returned"),
    ],
)
def test_bad_offer_writes_nothing(client, world, case, overrides, message):
    client.force_login(world.users.practitioner)
    data = offer_answers(case, **overrides)
    data = {key: value for key, value in data.items() if value is not None}
    before = audit_count()
    response = client.post(page("offer", case.interview), data)
    assert response.status_code == 200
    assert_summary_mentions(response, message)
    case.interview.refresh_from_db()
    assert (case.interview.outcome, case.interview.offered_at, case.interview.version) == ("", None, 1)
    assert audit_count() == before


def test_stale_offer_is_a_conflict(client, world, case):
    client.force_login(world.users.coordinator)
    bump_version(world, case.interview)
    response = client.post(page("offer", case.interview), offer_answers(case))
    assert response.status_code == 409
    assert_summary_mentions(response, CONFLICT)
    case.interview.refresh_from_db()
    assert case.interview.outcome == ""


# --- The write-up --------------------------------------------------------------------------------


def interview_answers(case, **overrides) -> dict:
    data = {
        **date_time_boxes("completed_at", minute(timezone.now() - dt.timedelta(hours=1))),
        "episode_ids": [str(case.episode.pk)],
        "push_factors": ["conflict", "placement"],
        "pull_factors": ["adults_gifts"],
        "disclosures": ["cse"],
        "where_stayed": "A flat above the takeaway",
        "who_with": "Two adult men",
        "harm_suffered": "",
        "disclosure_details": "Given alcohol and a phone",
        "childs_wishes": "To move placement",
        "actions_agreed": "Referral to the exploitation team",
        "consent_to_share": "yes",
        "narrative": NARRATIVE,
        "version": "1",
    }
    data.update(overrides)
    return data


def test_record_page_asks_for_acceptance_first(client, world, case):
    client.force_login(world.users.practitioner)
    response = client.get(page("record", case.interview))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Record that the child accepted the interview before writing it up" in html
    assert 'name="narrative"' not in html


def test_record_form_offers_the_childs_returned_episodes_and_ticks_those_covered(client, world, case):
    accept(case)
    client.force_login(world.users.coordinator)
    response = client.get(page("record", case.interview))
    html = response.content.decode()
    assert f'name="episode_ids" type="checkbox" value="{case.episode.pk}" checked' in html
    assert "Signs of child criminal exploitation" in html


def test_record_the_interview(client, world, case):
    accept(case)
    client.force_login(world.users.practitioner)
    response = client.post(page("record", case.interview), interview_answers(case))
    assert response.status_code == 302
    case.interview.refresh_from_db()
    interview = case.interview
    assert interview.completed_by == world.users.practitioner
    assert sorted(interview.factor_codes("push")) == ["conflict", "placement"]
    assert interview.factor_codes("disclosure") == ["cse"]
    assert interview.narrative == NARRATIVE
    event = AuditEvent.objects.get(summary="Return interview recorded")
    assert "takeaway" not in str(event.changes) and "[sensitive]" in str(event.changes)
    html = client.get(response["Location"]).content.decode()
    assert "The interview was recorded" in html
    assert "Adults offering gifts, money or somewhere to stay" in html


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"push_factors": ["conflict", "martians"]}, "Choose push factors from the list"),
        ({"disclosures": ["cse"], "disclosure_details": ""}, "Describe what the child disclosed"),
        ({"consent_to_share": ""}, "Select whether the child agreed to sharing"),
        ({"episode_ids": []}, "Choose at least one episode the interview covers"),
        ({"episode_ids": ["999999"]}, "Choose only this child's episodes that have a return recorded"),
        ({"completed_at_3": ""}, "The date of the interview must include a time, such as 21:30"),
        (date_time_boxes("completed_at", timezone.now() + dt.timedelta(days=2)), "The interview time must be now"),
    ],
)
def test_bad_interview_record_writes_nothing(client, world, case, overrides, message):
    accept(case)
    client.force_login(world.users.practitioner)
    before = audit_count()
    response = client.post(page("record", case.interview), interview_answers(case, **overrides))
    assert response.status_code == 200
    assert_summary_mentions(response, message)
    case.interview.refresh_from_db()
    assert case.interview.completed_at is None and case.interview.narrative == ""
    assert not InterviewFactor.objects.exists()
    assert audit_count() == before


def test_recording_before_acceptance_is_refused(client, world, case):
    client.force_login(world.users.practitioner)
    response = client.post(page("record", case.interview), interview_answers(case))
    assert_summary_mentions(response, "Record that the child accepted the interview before writing it up")
    case.interview.refresh_from_db()
    assert case.interview.completed_at is None


def test_stale_interview_record_is_a_conflict(client, world, case):
    accept(case)
    client.force_login(world.users.coordinator)
    bump_version(world, case.interview)
    response = client.post(page("record", case.interview), interview_answers(case))
    assert response.status_code == 409
    assert_summary_mentions(response, CONFLICT)
    case.interview.refresh_from_db()
    assert case.interview.completed_at is None
    assert NARRATIVE.encode() not in AuditEvent.objects.values_list("changes", flat=True).__str__().encode()


# --- Every error at once (issue 15) ---------------------------------------------------------------


def test_an_offer_before_the_return_is_named_with_the_other_errors_at_once(client, world, case):
    """The check that compares two answers (the offer against the return) shows with the form's own errors."""
    client.force_login(world.users.practitioner)
    data = offer_answers(case, **date_time_boxes("offered_at", timezone.now() - dt.timedelta(days=10)))
    del data["outcome"]
    before = audit_count()
    response = client.post(page("offer", case.interview), data)
    assert response.status_code == 200
    assert_summary_mentions(response, "Select what happened to the offer")
    assert_summary_mentions(response, "The offer must be made after the child returned")
    case.interview.refresh_from_db()
    assert (case.interview.outcome, case.interview.offered_at, case.interview.version) == ("", None, 1)
    assert audit_count() == before


def test_an_interview_before_its_offer_is_named_with_the_other_errors_at_once(client, world, case):
    accept(case)
    client.force_login(world.users.practitioner)
    earlier = minute(case.interview.offered_at - dt.timedelta(hours=1))
    data = interview_answers(case, **date_time_boxes("completed_at", earlier), consent_to_share="perhaps")
    before = audit_count()
    response = client.post(page("record", case.interview), data)
    assert response.status_code == 200
    assert_summary_mentions(response, "The interview must take place after it was offered")
    assert_summary_mentions(response, "Select whether the child agreed to sharing")
    case.interview.refresh_from_db()
    assert case.interview.completed_at is None and case.interview.narrative == ""
    assert audit_count() == before


def test_an_answer_that_does_not_parse_keeps_only_its_own_error(client, world, case):
    """31 February cannot be compared with anything: its field says what is wrong with it, once."""
    client.force_login(world.users.practitioner)
    data = offer_answers(case, offered_at_0="31", offered_at_1="2", offered_at_2="2026")
    response = client.post(page("offer", case.interview), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "must be a real date" in html
    assert "after the child returned" not in html
