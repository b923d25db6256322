"""An episode summary share shows the episode without its free text: the circumstances, who the child was found
with and harm on return (every encrypted field of the episode) and the reasons for its risk grades stay with the
child's council, the police force holding the report, the return interview practitioner and emergency access
(episodes.scoping.redact_episodes)."""

import pytest
from django.urls import reverse

from access.tokens import issue_token
from episodes.models import MissingEpisode
from episodes.scoping import EPISODE_FREE_TEXT_FIELDS, RISK_CHANGE_REASONS, redact_episode, redact_episodes
from sharing.actions import request_emergency_access
from tests.api.conftest import ApiClient

EPISODE_TEXT = {name: f"EPISODESECRET-{name}" for name in sorted(EPISODE_FREE_TEXT_FIELDS)}


RISK_REASON = "EPISODESECRET-risk-reason"


@pytest.fixture
def episode(records):
    MissingEpisode.objects.filter(pk=records.episode.pk).update(**EPISODE_TEXT)
    records.episode.risk_changes.update(reason=RISK_REASON)
    return MissingEpisode.objects.get(pk=records.episode.pk)


def test_the_free_text_is_every_encrypted_field_of_the_episode():
    assert set(EPISODE_TEXT) == {"circumstances", "found_with", "harm_on_return"}


@pytest.mark.parametrize("who", ["coordinator", "social_worker", "manager", "police"])
def test_own_roles_read_the_whole_episode(world, episode, who):
    shown = redact_episode(getattr(world.users, who), MissingEpisode.objects.get(pk=episode.pk))
    assert shown.withheld_fields == []
    assert {name: getattr(shown, name) for name in EPISODE_TEXT} == EPISODE_TEXT


def test_episode_summary_share_withholds_the_free_text(world, episode, make_share):
    make_share("episode_summary", to_agency=world.school)
    school = world.users.school_dsl
    (shown,) = redact_episodes(school, MissingEpisode.objects.filter(pk=episode.pk))
    assert shown.withheld_fields == sorted([*EPISODE_TEXT, RISK_CHANGE_REASONS])
    assert all(getattr(shown, name) is None for name in EPISODE_TEXT)
    assert shown.last_seen_place and shown.risk_grade  # the summary itself is there


def test_emergency_access_reads_the_whole_episode(world, episode, make_share):
    make_share("episode_summary", to_agency=world.health)
    health = world.users.health
    assert redact_episode(health, MissingEpisode.objects.get(pk=episode.pk)).withheld_fields != []
    request_emergency_access(acting_user=health, reason="Found at A&E", child_id=world.child.pk)
    assert redact_episode(health, MissingEpisode.objects.get(pk=episode.pk)).withheld_fields == []


def test_a_redacted_episode_cannot_be_saved_over_the_real_one(world, episode, make_share):
    make_share("episode_summary", to_agency=world.school)
    shown = redact_episode(world.users.school_dsl, MissingEpisode.objects.get(pk=episode.pk))
    with pytest.raises(Exception):  # noqa: B017 - the NOT NULL constraint, whichever database raises it
        shown.save()


def test_the_page_shows_the_school_a_summary(client, world, episode, make_share):
    make_share("episode_summary", to_agency=world.school)
    client.force_login(world.users.school_dsl)
    page = client.get(reverse("episodes:detail", args=[episode.pk])).content.decode()
    assert "This is a summary" in page
    assert episode.last_seen_place in page and episode.police_reference in page
    assert "EPISODESECRET" not in page
    client.force_login(world.users.coordinator)
    page = client.get(reverse("episodes:detail", args=[episode.pk])).content.decode()
    assert "This is a summary" not in page
    assert all(text in page for text in [*EPISODE_TEXT.values(), RISK_REASON])


def test_the_api_answers_null_for_the_withheld_text(world, episode, make_share):
    make_share("episode_summary", to_agency=world.school)
    school = ApiClient(issue_token(world.users.school_dsl))
    detail = school.get(f"/episodes/{episode.pk}").json()
    (listed,) = school.get("/episodes").json()["items"]
    for body in (detail, listed):
        assert {name: body[name] for name in EPISODE_TEXT} == dict.fromkeys(EPISODE_TEXT)
        assert body["last_seen_place"] == episode.last_seen_place
    assert [change["reason"] for change in detail["risk_grade_history"]] == [None]
    assert [change["grade"] for change in detail["risk_grade_history"]] == [episode.risk_grade]
    police = ApiClient(issue_token(world.users.police)).get(f"/episodes/{episode.pk}").json()
    assert {name: police[name] for name in EPISODE_TEXT} == EPISODE_TEXT
    assert [change["reason"] for change in police["risk_grade_history"]] == [RISK_REASON]
