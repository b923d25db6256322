"""The episode (episodes:detail) and its changes: risk grade, the return, and corrected details."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from access.models import AuditEvent
from episodes.actions import change_risk_grade
from episodes.models import MissingEpisode
from interviews.models import ReturnInterview
from tests.factories import EpisodeFactory
from tests.web.helpers import (
    assert_redirects_to_sign_in,
    assert_summary_mentions,
    audit_count,
    date_time_boxes,
    error_summary,
    minute,
    page_title,
)

CONFLICT = "Someone else changed this record after you opened it"


def page(name: str, episode) -> str:
    return reverse(f"episodes:{name}", args=[episode.pk])


def bump_version(world, episode) -> None:
    """Someone else changes the episode after the user opened the form."""
    change_risk_grade(
        episode,
        grade="high",
        reason="Seen with older males",
        expected_version=episode.version,
        acting_user=world.users.police,
    )


# --- The episode page -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["detail", "change-risk", "record-return", "edit"])
def test_anonymous_user_is_sent_to_sign_in(client, world, open_episode, name):
    assert_redirects_to_sign_in(client.get(page(name, open_episode)), page(name, open_episode))


@pytest.mark.parametrize("user", ["coordinator", "social_worker", "manager", "police"])
def test_insiders_see_the_episode_with_its_actions(client, world, open_episode, user):
    client.force_login(getattr(world.users, user))
    response = client.get(page("detail", open_episode))
    assert response.status_code == 200
    html = response.content.decode()
    assert page_title("Missing episode: Jordan Example") in html
    for text in ("WP-2026-004512", "Outside the corner shop, High Street", "Northmoor Police", "Risk grade history"):
        assert text in html
    for name in ("change-risk", "record-return", "edit"):
        assert page(name, open_episode) in html


@pytest.mark.parametrize(
    "user",
    [
        "coordinator_south",
        "police_south",
        "school_dsl",
        "other_school_dsl",
        "practitioner",
        "analyst",
        "admin",
        "health",
    ],
)
def test_outsiders_get_404_on_every_episode_page(client, world, open_episode, user):
    client.force_login(getattr(world.users, user))
    for name in ("detail", "change-risk", "record-return", "edit"):
        response = client.get(page(name, open_episode))
        assert response.status_code == 404, name
        assert b"Jordan" not in response.content
    for name in ("change-risk", "record-return", "edit"):
        assert client.post(page(name, open_episode), {"version": "1"}).status_code == 404
    open_episode.refresh_from_db()
    assert open_episode.version == 1


def test_viewing_the_episode_is_audited(client, world, open_episode):
    client.force_login(world.users.police)
    client.get(page("detail", open_episode))
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
    assert (event.object_type, event.object_id, event.child_id) == (
        "missingepisode",
        str(open_episode.pk),
        world.child.pk,
    )


def test_returned_episode_shows_return_history_and_interview_but_no_change_buttons(client, world, case):
    client.force_login(world.users.coordinator)
    response = client.get(page("detail", case.episode))
    html = response.content.decode()
    assert "Found or returned" in html and "Home" in html
    assert reverse("interviews:detail", args=[case.interview.pk]) in html
    assert page("record-return", case.episode) not in html
    assert page("change-risk", case.episode) not in html
    assert page("edit", case.episode) in html


def test_police_do_not_see_links_to_interviews(client, world, case):
    client.force_login(world.users.police)
    html = client.get(page("detail", case.episode)).content.decode()
    assert reverse("interviews:detail", args=[case.interview.pk]) not in html


def test_assigned_practitioner_sees_the_episode_but_may_not_change_it(client, world, case):
    client.force_login(world.users.practitioner)
    response = client.get(page("detail", case.episode))
    assert response.status_code == 200
    assert page("edit", case.episode) not in response.content.decode()
    for name in ("change-risk", "record-return", "edit"):
        assert client.get(page(name, case.episode)).status_code == 403
        assert client.post(page(name, case.episode), {"version": "1"}).status_code == 403


# --- Change the risk grade -----------------------------------------------------------------------


def test_change_risk_grade(client, world, open_episode):
    client.force_login(world.users.police)
    assert client.get(page("change-risk", open_episode)).status_code == 200
    response = client.post(
        page("change-risk", open_episode), {"grade": "high", "reason": "Seen with older males", "version": "1"}
    )
    assert response.status_code == 302
    assert response["Location"] == page("detail", open_episode)
    open_episode.refresh_from_db()
    assert open_episode.risk_grade == "high"
    assert open_episode.version == 2
    assert list(open_episode.risk_changes.values_list("grade", flat=True)) == ["medium", "high"]
    assert AuditEvent.objects.filter(summary="Risk grade changed").count() == 1
    html = client.get(response["Location"]).content.decode()
    assert "Risk grade changed to high" in html
    assert "Seen with older males" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"grade": "high", "reason": ""}, "Enter why the risk grade changed"),
        ({"grade": "extreme", "reason": "Because"}, "Select the new risk grade"),
        ({"reason": "Because"}, "Select the new risk grade"),
        ({"grade": "medium", "reason": "Because"}, "The risk grade is already medium"),
        ({"grade": "high", "reason": "Because", "version": "x"}, "This page was out of date"),
    ],
)
def test_bad_risk_change_writes_nothing(client, world, open_episode, data, message):
    client.force_login(world.users.coordinator)
    before = audit_count()
    response = client.post(page("change-risk", open_episode), {"version": "1", **data})
    assert response.status_code == 200
    assert_summary_mentions(response, message)
    open_episode.refresh_from_db()
    assert (open_episode.risk_grade, open_episode.version) == ("medium", 1)
    assert audit_count() == before


def test_stale_risk_change_is_a_conflict(client, world, open_episode):
    client.force_login(world.users.coordinator)
    bump_version(world, open_episode)
    before = audit_count()
    response = client.post(
        page("change-risk", open_episode), {"grade": "low", "reason": "Found nearby", "version": "1"}
    )
    assert response.status_code == 409
    assert_summary_mentions(response, CONFLICT)
    open_episode.refresh_from_db()
    assert open_episode.risk_grade == "high"
    assert open_episode.risk_changes.count() == 2
    assert audit_count() == before


# --- Record the return ---------------------------------------------------------------------------


def return_answers(**overrides) -> dict:
    data = {
        **date_time_boxes("returned_at", minute(timezone.now() - dt.timedelta(hours=1))),
        "found_place": "Friend's flat, Northmoor",
        "found_by": "police",
        "found_with": "Two older teenagers",
        "harm_on_return": "",
        "prevention_interview_done": "yes",
        "version": "1",
    }
    data.update(overrides)
    return data


def test_record_return_opens_the_interview_and_goes_to_it(client, world, open_episode, settings):
    client.force_login(world.users.coordinator)
    assert client.get(page("record-return", open_episode)).status_code == 200
    response = client.post(page("record-return", open_episode), return_answers())
    interview = ReturnInterview.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("interviews:detail", args=[interview.pk])
    open_episode.refresh_from_db()
    assert not open_episode.is_open
    assert open_episode.prevention_interview_done is True
    assert open_episode.found_with == "Two older teenagers"
    assert interview.due_by == open_episode.returned_at + dt.timedelta(hours=settings.HOMEWARD_RHI_DUE_HOURS)
    assert AuditEvent.objects.filter(summary="Return recorded").count() == 1
    html = client.get(response["Location"]).content.decode()
    assert "The return interview is due by" in html


@pytest.mark.parametrize(("answer", "stored"), [("no", False), ("not_known", None)])
def test_prevention_interview_answers_map_to_yes_no_not_known(client, world, open_episode, answer, stored):
    client.force_login(world.users.police)
    response = client.post(page("record-return", open_episode), return_answers(prevention_interview_done=answer))
    # Police cannot see return interviews: they go back to the episode.
    assert response["Location"] == page("detail", open_episode)
    open_episode.refresh_from_db()
    assert open_episode.prevention_interview_done is stored


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"found_place": ""}, "Enter where the child was found or returned to"),
        ({"found_by": ""}, "Select who found the child"),
        ({"found_by": "aliens"}, "Select who found the child"),
        ({"prevention_interview_done": ""}, "Select whether police carried out a prevention interview"),
        (date_time_boxes("returned_at", timezone.now() + dt.timedelta(days=1)), "The time of return must be now or"),
        (date_time_boxes("returned_at", timezone.now() - dt.timedelta(days=3)), "must be after the time last seen"),
    ],
)
def test_bad_return_writes_nothing(client, world, open_episode, overrides, message):
    client.force_login(world.users.coordinator)
    before = audit_count()
    response = client.post(page("record-return", open_episode), return_answers(**overrides))
    assert response.status_code == 200
    assert_summary_mentions(response, message)
    open_episode.refresh_from_db()
    assert open_episode.is_open
    assert not ReturnInterview.objects.exists()
    assert audit_count() == before


def test_stale_return_is_a_conflict(client, world, open_episode):
    client.force_login(world.users.coordinator)
    bump_version(world, open_episode)
    before = audit_count()
    response = client.post(page("record-return", open_episode), return_answers())
    assert response.status_code == 409
    assert_summary_mentions(response, CONFLICT)
    open_episode.refresh_from_db()
    assert open_episode.is_open
    assert audit_count() == before


# --- Edit the details ----------------------------------------------------------------------------


def details(episode, **overrides) -> dict:
    data = {
        "episode_type": episode.episode_type,
        "missing_from": episode.missing_from,
        **date_time_boxes("last_seen_at", episode.last_seen_at),
        "last_seen_place": episode.last_seen_place,
        "reported_by": episode.reported_by,
        "police_reference": episode.police_reference,
        "circumstances": episode.circumstances,
        "version": str(episode.version),
    }
    data.update(overrides)
    return data


def test_edit_form_is_filled_from_the_episode(client, world, open_episode):
    client.force_login(world.users.coordinator)
    html = client.get(page("edit", open_episode)).content.decode()
    assert 'value="Outside the corner shop, High Street"' in html
    assert 'value="WP-2026-004512"' in html
    assert 'name="version" value="1"' in html


def test_edit_details(client, world, open_episode):
    client.force_login(world.users.coordinator)
    response = client.post(
        page("edit", open_episode), details(open_episode, last_seen_place="Train station", episode_type="A")
    )
    assert response.status_code == 302
    open_episode.refresh_from_db()
    assert (open_episode.last_seen_place, open_episode.episode_type, open_episode.version) == ("Train station", "A", 2)
    event = AuditEvent.objects.get(summary="Episode details changed")
    assert event.changes["last_seen_place"] == ["[sensitive]", "[sensitive]"]  # places never enter the trail
    assert "The episode&#x27;s details were changed" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"last_seen_place": ""}, "Enter where the child was last seen"),
        ({"missing_from": "moon"}, "Select where the child was missing from"),
        ({"police_reference": "WP-2026-999999"}, "Police reference WP-2026-999999 is already used"),
    ],
)
def test_bad_edit_writes_nothing(client, world, open_episode, overrides, message):
    EpisodeFactory(
        child=world.placed_child,
        police_force=world.police_north,
        created_by=world.users.police,
        police_reference="WP-2026-999999",
    )
    client.force_login(world.users.coordinator)
    before = audit_count()
    response = client.post(page("edit", open_episode), details(open_episode, **overrides))
    assert response.status_code == 200
    assert_summary_mentions(response, message)
    open_episode.refresh_from_db()
    assert open_episode.version == 1
    assert audit_count() == before


def test_edit_last_seen_after_report_is_refused(client, world, open_episode):
    client.force_login(world.users.coordinator)
    later = minute(open_episode.reported_at + dt.timedelta(minutes=30))
    response = client.post(page("edit", open_episode), details(open_episode, **date_time_boxes("last_seen_at", later)))
    assert_summary_mentions(response, "The time last seen must be before the time reported")
    assert MissingEpisode.objects.get().version == 1


def test_stale_edit_is_a_conflict(client, world, open_episode):
    client.force_login(world.users.coordinator)
    stale = details(open_episode, last_seen_place="Train station")
    bump_version(world, open_episode)
    response = client.post(page("edit", open_episode), stale)
    assert response.status_code == 409
    assert_summary_mentions(response, CONFLICT)
    open_episode.refresh_from_db()
    assert open_episode.last_seen_place == "Outside the corner shop, High Street"


@pytest.mark.parametrize("name", ["change-risk", "record-return", "edit"])
def test_an_empty_post_shows_the_forms_errors_and_changes_nothing(client, world, open_episode, name):
    """A POST with no fields at all still binds the form: the page lists what is missing, nothing is saved."""
    client.force_login(world.users.coordinator)
    before = (open_episode.version, audit_count())
    response = client.post(page(name, open_episode), {})
    assert response.status_code == 200
    assert error_summary(response)
    open_episode.refresh_from_db()
    assert (open_episode.version, audit_count()) == before


def test_edit_names_last_seen_after_the_report_with_the_other_errors_at_once(client, world, open_episode):
    """Issue 15: the check comparing two times (last seen after the report) once appeared only after the form's own
    errors were fixed; every error shows at once, and nothing is written."""
    client.force_login(world.users.coordinator)
    later = minute(open_episode.reported_at + dt.timedelta(minutes=30))
    data = details(open_episode, last_seen_place="", **date_time_boxes("last_seen_at", later))
    before = audit_count()
    response = client.post(page("edit", open_episode), data)
    assert response.status_code == 200
    assert_summary_mentions(response, "Enter where the child was last seen")
    assert_summary_mentions(response, "The time last seen must be before the time reported")
    open_episode.refresh_from_db()
    assert open_episode.version == 1 and audit_count() == before
