"""The sharing pages: share, the share, withdraw, shared with my agency; every page has an insider, an outsider
(404 for a record they cannot see, 403 for an action their role does not allow) and an anonymous user."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from access.models import AuditEvent
from sharing.models import Share
from tests.factories import EpisodeFactory
from tests.web.helpers import assert_redirects_to_sign_in, error_summary

from .conftest import INTELLIGENCE, PLANTED


def _share_form(what: str, recipient: str, **extra) -> dict:
    return {
        "what": what,
        "recipient": recipient,
        "lawful_basis": "children_act_s47",
        "child_consent": "not_sought_with_reason",
        "child_consent_reason": "Asking would put them at risk",
        "purpose": "So the school nurse can follow up",
        **extra,
    }


# --- Share ------------------------------------------------------------------------------------------


def test_share_page_offers_the_childs_items_and_sensible_recipients(client, world, records):
    client.force_login(world.users.coordinator)
    response = client.get(reverse("sharing:share", args=[world.child.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    for value in (
        f"episode_summary:{records.episode.pk}",
        f"episode_summary:{records.other_episode.pk}",
        f"interview_summary:{records.interview.pk}",
        f"full_interview:{records.interview.pk}",
    ):
        assert f'value="{value}"' in body
    assert f'value="agency:{world.health.pk}"' in body and f'value="agency:{world.school.pk}"' in body
    assert f'value="user:{world.users.school_dsl.pk}"' in body
    for outsider in (world.north, world.south, world.other_school, world.police_south):
        assert f'value="agency:{outsider.pk}"' not in body
    assert f'value="user:{world.users.other_school_dsl.pk}"' not in body
    # The "other" lawful basis box is always shown, not revealed: no aria-expanded on a radio (ARIA forbids it).
    assert 'id="id_lawful_basis_other"' in body and "aria-controls" not in body.split("<main", 1)[1]
    assert PLANTED not in body


def test_share_page_opened_from_an_episode_offers_that_episode(client, world, records):
    client.force_login(world.users.coordinator)
    url = reverse("sharing:share", args=[world.child.pk]) + f"?episode={records.episode.pk}"
    body = client.get(url).content.decode()
    assert f'value="episode_summary:{records.episode.pk}" checked' in body
    assert f"episode_summary:{records.other_episode.pk}" not in body
    assert "interview_summary" not in body


def test_sharing_through_the_page(client, world, records):
    client.force_login(world.users.coordinator)
    url = reverse("sharing:share", args=[world.child.pk])
    response = client.post(url, _share_form(f"interview_summary:{records.interview.pk}", f"agency:{world.health.pk}"))
    share = Share.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("sharing:detail", args=[share.pk])
    assert (
        share.what == "interview_summary" and share.interview == records.interview and share.to_agency == world.health
    )
    assert share.expires_at is None


def test_share_until_a_date_runs_to_the_end_of_that_day(client, world, records):
    client.force_login(world.users.coordinator)
    day = timezone.localdate() + dt.timedelta(days=7)
    form = _share_form(
        f"episode_summary:{records.episode.pk}",
        f"user:{world.users.school_dsl.pk}",
        expires_on_0=str(day.day),
        expires_on_1=str(day.month),
        expires_on_2=str(day.year),
    )
    client.post(reverse("sharing:share", args=[world.child.pk]), form)
    share = Share.objects.get()
    assert timezone.localtime(share.expires_at).date() == day + dt.timedelta(days=1)
    assert share.to_user == world.users.school_dsl
    # The end date is inclusive and is shown as entered, never as the midnight after it.
    entered = f"{day.day} {day:%B %Y}"
    midnight = f"{(day + dt.timedelta(days=1)).day} {day + dt.timedelta(days=1):%B %Y} at 12:00am"
    for page in (reverse("sharing:detail", args=[share.pk]), reverse("children:detail", args=[world.child.pk])):
        body = client.get(page).content.decode()
        assert f"Until {entered}" in body or f">{entered}<" in body, page
        assert midnight not in body, page
    client.force_login(world.users.school_dsl)
    body = client.get(reverse("sharing:received")).content.decode()
    assert entered in body and midnight not in body


def test_share_errors_are_named_on_their_fields(client, world, records):
    client.force_login(world.users.coordinator)
    url = reverse("sharing:share", args=[world.child.pk])
    form = _share_form(f"episode_summary:{records.episode.pk}", f"agency:{world.health.pk}", lawful_basis="other")
    response = client.post(url, form)
    assert response.status_code == 200
    assert error_summary(response) == ["Enter the lawful basis for sharing"]
    assert response.context["form"].errors.keys() == {"lawful_basis_other"}
    response = client.post(url, {**form, "lawful_basis": "consent", "lawful_basis_other": ""})
    assert list(response.context["form"].errors) == ["child_consent"]
    response = client.post(url, {"purpose": ""})
    assert {"what", "recipient", "lawful_basis", "child_consent", "purpose"} <= set(response.context["form"].errors)
    response = client.post(url, {**form, "recipient": f"agency:{world.police_south.pk}"})
    assert "recipient" in response.context["form"].errors
    assert not Share.objects.exists()


@pytest.mark.parametrize("name", ["school_dsl", "police_south"])
def test_share_page_refuses_roles_that_cannot_share(client, world, records, name):
    # Southvale Police hold an episode of Jordan's (so see Jordan) but recorded no intelligence about them.
    EpisodeFactory(child=world.child, police_force=world.police_south, created_by=world.users.police_south)
    client.force_login(getattr(world.users, name))
    assert client.get(reverse("children:detail", args=[world.child.pk])).status_code == 200
    assert client.get(reverse("sharing:share", args=[world.child.pk])).status_code == 403


@pytest.mark.parametrize("name", ["coordinator_south", "police_south", "health", "other_practitioner", "admin"])
def test_share_page_is_404_for_a_child_the_user_cannot_see(client, world, records, name):
    client.force_login(getattr(world.users, name))
    response = client.get(reverse("sharing:share", args=[world.child.pk]))
    assert response.status_code == 404
    assert b"Jordan" not in response.content


def test_practitioner_and_police_share_what_they_own(client, world, records):
    client.force_login(world.users.practitioner)
    body = client.get(reverse("sharing:share", args=[world.child.pk])).content.decode()
    assert f"full_interview:{records.interview.pk}" in body and "episode_summary" not in body
    assert f'value="agency:{world.north.pk}"' in body and f'value="agency:{world.health.pk}"' not in body
    client.force_login(world.users.police)
    body = client.get(reverse("sharing:share", args=[world.child.pk])).content.decode()
    assert f"police_intelligence:{records.person.pk}" in body and "police_intelligence:links" in body
    assert "full_interview:" not in body and "episode_summary:" not in body


def test_share_buttons_appear_for_those_who_may_share(client, world, records):
    client.force_login(world.users.coordinator)
    share_url = reverse("sharing:share", args=[world.child.pk])
    assert (
        f"{share_url}?episode={records.episode.pk}"
        in client.get(reverse("episodes:detail", args=[records.episode.pk])).content.decode()
    )
    assert (
        f"{share_url}?interview={records.interview.pk}"
        in client.get(reverse("interviews:detail", args=[records.interview.pk])).content.decode()
    )
    assert share_url in client.get(reverse("children:detail", args=[world.child.pk])).content.decode()
    client.force_login(world.users.police)
    body = client.get(reverse("episodes:detail", args=[records.episode.pk])).content.decode()
    assert f"{share_url}?episode=" not in body


def test_anonymous_users_are_sent_to_sign_in(client, world, records, make_share):
    share = make_share("episode_summary", to_agency=world.health)
    for url in (
        reverse("sharing:share", args=[world.child.pk]),
        reverse("sharing:detail", args=[share.pk]),
        reverse("sharing:withdraw", args=[share.pk]),
        reverse("sharing:received"),
        reverse("sharing:break-glass"),
        reverse("sharing:break-glass-result", args=[1]),
        reverse("sharing:break-glass-review"),
        reverse("sharing:break-glass-mark-reviewed", args=[1]),
    ):
        assert_redirects_to_sign_in(client.get(url), url)
        assert_redirects_to_sign_in(client.post(url, {}), url)


# --- The share, and withdrawing it ------------------------------------------------------------------


def test_the_share_page_for_the_council_and_the_recipient(client, world, records, make_share):
    share = make_share("episode_summary", to_agency=world.health, purpose="Nurse to check on Jordan")
    url = reverse("sharing:detail", args=[share.pk])
    for name in ("coordinator", "social_worker", "health"):
        client.force_login(getattr(world.users, name))
        response = client.get(url)
        assert response.status_code == 200, name
        body = response.content.decode()
        assert "Nurse to check on Jordan" in body
        assert reverse("episodes:detail", args=[records.episode.pk]) in body
    assert AuditEvent.objects.filter(action="view", object_type="share", object_id=str(share.pk)).count() == 3


@pytest.mark.parametrize("name", ["coordinator_south", "police_south", "other_school_dsl", "school_dsl", "admin"])
def test_the_share_page_is_404_for_outsiders(client, world, records, make_share, name):
    share = make_share("episode_summary", to_agency=world.health, purpose="Nurse to check on Jordan")
    client.force_login(getattr(world.users, name))
    response = client.get(reverse("sharing:detail", args=[share.pk]))
    assert response.status_code == 404
    assert b"Nurse to check" not in response.content


def test_withdrawing_through_the_page(client, world, records, make_share):
    share = make_share("episode_summary", to_agency=world.health)
    url = reverse("sharing:withdraw", args=[share.pk])
    client.force_login(world.users.health)
    assert client.get(url).status_code == 403
    client.force_login(world.users.coordinator_south)
    assert client.get(url).status_code == 404
    client.force_login(world.users.coordinator)
    assert client.get(url).status_code == 200
    response = client.post(url, {"version": share.version, "reason": ""})
    assert error_summary(response) == ["Enter why you are withdrawing the share"]
    response = client.post(url, {"version": share.version, "reason": "Shared in error"})
    assert response.status_code == 302
    share.refresh_from_db()
    assert share.status == "withdrawn"
    # Withdrawn: the recipient can no longer open the share or the episode.
    client.force_login(world.users.health)
    assert client.get(reverse("sharing:detail", args=[share.pk])).status_code == 404
    assert client.get(reverse("episodes:detail", args=[records.episode.pk])).status_code == 404
    client.force_login(world.users.coordinator)
    assert client.get(url).status_code == 403  # nothing left to withdraw


def test_a_stale_withdrawal_page_is_a_conflict(client, world, records, make_share):
    share = make_share("episode_summary", to_agency=world.health)
    client.force_login(world.users.coordinator)
    response = client.post(reverse("sharing:withdraw", args=[share.pk]), {"version": 9, "reason": "x"})
    assert response.status_code == 409


def test_police_intelligence_is_shown_to_its_recipient_and_its_force_only(client, world, records, make_share):
    share = make_share(
        "police_intelligence", acting_user=world.users.police, person=records.person, to_user=world.users.health
    )
    url = reverse("sharing:detail", args=[share.pk])
    for name in ("health", "police"):
        client.force_login(getattr(world.users, name))
        body = client.get(url).content.decode()
        assert f"{INTELLIGENCE} description" in body and f"{INTELLIGENCE} link notes" in body, name
    # The child's council sees that it was shared, not what it said.
    client.force_login(world.users.coordinator)
    response = client.get(url)
    assert response.status_code == 200
    assert INTELLIGENCE not in response.content.decode()


def test_the_links_share_holds_only_what_existed_when_shared(world, records, make_share):
    from network.shareable import shared_intelligence

    share = make_share("police_intelligence", acting_user=world.users.police, to_agency=world.north)
    assert [link.pk for link in shared_intelligence(share).person_links] == [records.link.pk]
    Share.objects.filter(pk=share.pk).update(shared_at=timezone.now() - dt.timedelta(days=30))
    share.refresh_from_db()
    assert shared_intelligence(share).person_links == []


# --- The child record and Shared with my agency ---------------------------------------------------


def test_the_child_record_shows_who_it_was_shared_with(client, world, records, make_share):
    make_share("episode_summary", to_agency=world.health)
    make_share("full_interview", to_user=world.users.school_dsl)
    client.force_login(world.users.coordinator)
    body = client.get(reverse("children:detail", args=[world.child.pk])).content.decode()
    assert "Shared with" in body and "Northmoor Health Trust" in body and str(world.users.school_dsl) in body
    assert "Children Act 1989, section 47" in body


def test_the_recipient_sees_what_was_shared_with_them_and_identifiers_only(client, world, records, make_share):
    share = make_share("episode_summary", to_agency=world.health)
    world.child.placement_postcode = "NM4 7AB"
    world.child.save()
    client.force_login(world.users.health)
    body = client.get(reverse("children:detail", args=[world.child.pk])).content.decode()
    assert "Shared with you" in body and reverse("sharing:detail", args=[share.pk]) in body
    assert "Jordan" in body and "N000123" in body
    assert "NM4 7AB" not in body and "Care and placement" not in body
    assert "Shared with</h2>" not in body
    assert reverse("episodes:report", args=[world.child.pk]) not in body


def test_shared_with_my_agency(client, world, records, make_share):
    share = make_share("episode_summary", to_agency=world.health)
    make_share("episode_summary", to_agency=world.school)
    url = reverse("sharing:received")
    client.force_login(world.users.health)
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("sharing:detail", args=[share.pk]) in body and body.count("Missing episode summary") == 1
    assert '<a class="govuk-service-navigation__link" href="/sharing/received/"' in body
    event = AuditEvent.objects.order_by("-id").first()
    assert event.object_type == "share-list" and event.changes["children_shown"] == [None, [world.child.pk]]
    client.force_login(world.users.other_school_dsl)
    assert "Jordan" not in client.get(url).content.decode()


@pytest.mark.parametrize("name", ["analyst", "admin"])
def test_shared_with_my_agency_is_for_roles_that_receive(client, world, name):
    client.force_login(getattr(world.users, name))
    response = client.get(reverse("sharing:received"))
    assert response.status_code == 403
    assert b"/sharing/received/" not in client.get("/").content


def test_a_practitioners_share_is_seen_by_them_and_the_council_not_their_colleagues(client, world, records, make_share):
    share = make_share("full_interview", acting_user=world.users.practitioner, to_agency=world.north)
    url = reverse("sharing:detail", args=[share.pk])
    for name, status in (("practitioner", 200), ("coordinator", 200), ("other_practitioner", 404), ("police", 404)):
        client.force_login(getattr(world.users, name))
        assert client.get(url).status_code == status, name
