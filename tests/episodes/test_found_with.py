"""Who a child was found with, as structured links (issue 14): the action, what each reader sees, the picker on
the return form and its own page, and the API. A child the user may not see can neither be picked nor revealed."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from access.models import AuditEvent
from core.errors import ConflictError
from episodes.actions import record_found_with, record_return
from episodes.codes import FoundBy
from episodes.models import EpisodeFoundWith
from episodes.scoping import found_with_candidates, found_with_for
from tests.api.conftest import api_as, field_errors  # noqa: F401 (api_as: the fixture)
from tests.factories import ChildFactory, EpisodeFactory
from tests.web.helpers import date_time_boxes, error_summary, minute

NOW = timezone.now


def episode_of(world, child, *, hours_ago=10, returned=False, force=None):
    last_seen = NOW() - dt.timedelta(hours=hours_ago)
    return EpisodeFactory(
        child=child,
        police_force=force or world.police_north,
        created_by=world.users.police,
        last_seen_at=last_seen,
        returned_at=last_seen + dt.timedelta(hours=5) if returned else None,
        found_place="Bus station" if returned else "",
        found_by=FoundBy.POLICE if returned else "",
    )


def close(world, episode, user=None, **kwargs):
    return record_return(
        episode,
        returned_at=NOW() - dt.timedelta(hours=1),
        found_place="Bus station, Northmoor",
        found_by=FoundBy.POLICE,
        expected_version=episode.version,
        acting_user=user or world.users.coordinator,
        **kwargs,
    )


@pytest.fixture
def companions(world):
    """The placed child (Southvale's, living in Northmoor: Northmoor's coordinator sees them) and the Southvale
    child Northmoor may not see, both missing at the same time as Jordan."""
    return episode_of(world, world.placed_child), episode_of(world, world.south_child, force=world.police_south)


# --- The action ------------------------------------------------------------------------------------------


def test_the_return_records_links_to_children_and_an_unknown_count_audited_without_names(world, companions):
    episode = episode_of(world, world.child)
    close(
        world, episode, found_with="Two older girls", found_with_children=[world.placed_child.pk], found_with_unknown=2
    )
    links = EpisodeFoundWith.objects.filter(episode=episode)
    assert {(link.other_child_id, link.unknown_count) for link in links} == {(world.placed_child.pk, 0), (None, 2)}
    assert all(link.recorded_by == world.users.coordinator for link in links)
    event = AuditEvent.objects.get(summary="Return recorded")
    assert event.changes["found_with_children"] == [[], [world.placed_child.pk]]
    assert event.changes["found_with_unknown"] == [0, 2]
    assert world.placed_child.first_name not in str(event.changes)


def test_a_child_the_user_may_not_see_is_refused_like_one_that_does_not_exist(world, companions):
    episode = episode_of(world, world.child)
    messages = []
    for pk in (world.south_child.pk, 999_999):
        with pytest.raises(ValidationError) as refused:
            close(world, episode, found_with_children=[pk])
        message = refused.value.message_dict["found_with_children"][0]
        messages.append(message.replace(str(pk), "N"))
        assert world.south_child.first_name not in message
    assert messages[0] == messages[1]
    episode.refresh_from_db()
    assert episode.is_open and not EpisodeFoundWith.objects.exists()  # nothing written: the return is refused whole


def test_bad_counts_and_the_child_themselves_are_field_errors(world):
    episode = episode_of(world, world.child)
    with pytest.raises(ValidationError) as refused:
        close(world, episode, found_with_children=[world.child.pk, "x"], found_with_unknown=-1)
    errors = refused.value.message_dict
    assert any("themselves" in message for message in errors["found_with_children"])
    assert any("'x'" in message for message in errors["found_with_children"])
    assert "between 0 and" in errors["found_with_unknown"][0]


def test_changing_later_keeps_links_to_children_the_editor_may_not_see(world, companions):
    episode = companions[0]
    # Southvale's coordinator sees both Southvale children; Northmoor's sees only the placed one.
    close(world, episode, user=world.users.coordinator_south, found_with_children=[world.south_child.pk])
    episode.refresh_from_db()
    record_found_with(
        episode,
        found_with_children=[world.child.pk],
        found_with_unknown=1,
        expected_version=episode.version,
        acting_user=world.users.coordinator,
    )
    kept = set(EpisodeFoundWith.objects.filter(episode=episode).values_list("other_child_id", "unknown_count"))
    assert kept == {(world.south_child.pk, 0), (world.child.pk, 0), (None, 1)}
    event = AuditEvent.objects.get(summary="Found with changed")
    assert event.changes == {"found_with_children": [[], [world.child.pk]], "found_with_unknown": [0, 1]}
    with pytest.raises(ConflictError):
        record_found_with(
            episode,
            found_with_children=[],
            found_with_unknown=0,
            expected_version=1,
            acting_user=world.users.coordinator,
        )


def test_found_with_cannot_be_changed_before_the_return(world):
    episode = episode_of(world, world.child)
    with pytest.raises(ValidationError) as refused:
        record_found_with(
            episode,
            found_with_children=[],
            found_with_unknown=1,
            expected_version=1,
            acting_user=world.users.coordinator,
        )
    assert "return first" in refused.value.message_dict["found_with_children"][0]


# --- What each reader sees ---------------------------------------------------------------------------------


def test_readers_see_names_only_of_children_they_may_see_and_count_the_rest(world, companions):
    episode = companions[0]
    close(world, episode, user=world.users.coordinator_south, found_with_children=[world.south_child.pk])
    episode.refresh_from_db()
    record_found_with(
        episode,
        found_with_children=[world.child.pk],
        found_with_unknown=3,
        expected_version=episode.version,
        acting_user=world.users.coordinator,
    )
    north = found_with_for(world.users.coordinator, [episode])[episode.pk]
    assert [child.pk for child in north.children] == [world.child.pk]
    assert (north.not_shown, north.unknown) == (1, 3)
    south = found_with_for(world.users.coordinator_south, [episode])[episode.pk]
    assert [child.pk for child in south.children] == [world.south_child.pk]
    assert (south.not_shown, south.unknown) == (1, 3)


def test_the_picker_offers_only_visible_children_missing_at_the_same_time(world, companions):
    episode = episode_of(world, world.child)
    long_ago = ChildFactory(responsible_council=world.north, placement_council=world.north, la_child_id="N-OLD")
    EpisodeFactory(
        child=long_ago,
        police_force=world.police_north,
        created_by=world.users.police,
        last_seen_at=NOW() - dt.timedelta(days=60),
        returned_at=NOW() - dt.timedelta(days=59),
    )
    offered = {child.pk for child in found_with_candidates(world.users.coordinator, episode)}
    assert offered == {world.placed_child.pk}


# --- Pages ------------------------------------------------------------------------------------------------


def return_form(**overrides) -> dict:
    data = {
        **date_time_boxes("returned_at", minute(NOW() - dt.timedelta(hours=1))),
        "found_place": "Friend's flat, Northmoor",
        "found_by": "police",
        "found_with": "",
        "harm_on_return": "",
        "prevention_interview_done": "yes",
        "version": "1",
    }
    data.update(overrides)
    return data


def test_the_return_form_picks_children_and_refuses_a_hidden_one(client, world, companions):
    episode = episode_of(world, world.child)
    url = reverse("episodes:record-return", args=[episode.pk])
    client.force_login(world.users.coordinator)
    html = client.get(url).content.decode()
    assert world.placed_child.full_name in html
    assert world.south_child.full_name not in html and world.south_child.la_child_id not in html
    # The hidden child's council child ID is not found, with the same words as an ID nobody has.
    response = client.post(url, return_form(found_with_child_id=world.south_child.la_child_id))
    assert response.status_code == 200
    unknown_id = f"No child you can see has the council child ID {world.south_child.la_child_id}"
    assert unknown_id in str(error_summary(response))
    assert world.south_child.full_name not in response.content.decode()
    # A hidden child's id posted in the ticks is not one of the choices.
    response = client.post(url, return_form(found_with_children=[str(world.south_child.pk)]))
    assert "Pick from the children listed" in str(error_summary(response))
    response = client.post(url, return_form(found_with_children=[str(world.placed_child.pk)], found_with_unknown="1"))
    assert response.status_code == 302
    assert set(EpisodeFoundWith.objects.values_list("other_child_id", "unknown_count")) == {
        (world.placed_child.pk, 0),
        (None, 1),
    }


def test_a_child_is_added_by_council_child_id_and_shown_on_the_pages(client, world):
    other = ChildFactory(responsible_council=world.north, placement_council=world.north, la_child_id="N-FAR-1")
    episode = episode_of(world, world.child)
    client.force_login(world.users.coordinator)
    response = client.post(
        reverse("episodes:record-return", args=[episode.pk]), return_form(found_with_child_id="n-far-1")
    )
    assert response.status_code == 302
    assert EpisodeFoundWith.objects.get().other_child == other
    detail = client.get(reverse("episodes:detail", args=[episode.pk])).content.decode()
    assert other.full_name in detail
    record = client.get(reverse("children:detail", args=[world.child.pk])).content.decode()
    assert (
        f'Found with <a class="govuk-link" href="{reverse("children:detail", args=[other.pk])}">{other.full_name}</a>'
        in record
    )


def test_the_found_with_page_changes_the_links_and_counts_hidden_children(client, world, companions):
    episode = companions[0]
    close(world, episode, user=world.users.coordinator_south, found_with_children=[world.south_child.pk])
    url = reverse("episodes:found-with", args=[episode.pk])
    client.force_login(world.users.coordinator)
    html = client.get(url).content.decode()
    assert "1 other child you cannot see" in html
    assert world.south_child.full_name not in html
    record = client.get(reverse("children:detail", args=[world.placed_child.pk])).content.decode()
    assert "1 other child you cannot see" in record and world.south_child.full_name not in record
    episode.refresh_from_db()
    response = client.post(url, {"found_with_unknown": "2", "version": str(episode.version)})
    assert response.status_code == 302
    assert set(EpisodeFoundWith.objects.values_list("other_child_id", "unknown_count")) == {
        (world.south_child.pk, 0),
        (None, 2),
    }
    response = client.post(url, {"found_with_unknown": "-3", "version": str(episode.version + 1)})
    assert "cannot be less than 0" in str(error_summary(response))


def test_the_found_with_page_is_for_a_returned_episode_and_its_editors(client, world):
    episode = episode_of(world, world.child)
    client.force_login(world.users.coordinator)
    response = client.get(reverse("episodes:found-with", args=[episode.pk]))
    assert response.status_code == 302  # back to the episode: record the return first
    client.force_login(world.users.coordinator_south)
    assert client.get(reverse("episodes:found-with", args=[episode.pk])).status_code == 404


# --- API --------------------------------------------------------------------------------------------------


def api_return(**overrides) -> dict:
    body = {
        "returned_at": (NOW() - dt.timedelta(hours=1)).isoformat(),
        "found_place": "Friend's house",
        "found_by": "police",
        "version": 1,
    }
    return body | overrides


def test_the_api_records_found_with_ids_and_refuses_a_hidden_child(world, api_as, companions):  # noqa: F811
    episode = episode_of(world, world.child)
    client = api_as("coordinator")
    refused = client.post(f"/episodes/{episode.pk}/return", api_return(found_with_children=[world.south_child.pk]))
    assert refused.status_code == 400
    assert "that you can see" in field_errors(refused)["found_with_children"][0]
    assert world.south_child.first_name not in refused.content.decode()
    response = client.post(
        f"/episodes/{episode.pk}/return",
        api_return(found_with_children=[world.placed_child.pk], found_with_unknown=2),
    )
    assert response.status_code == 200, response.content
    found = response.json()["found_with_children"]
    assert found == {
        "children": [{"id": world.placed_child.pk, "la_child_id": world.placed_child.la_child_id}],
        "not_shown": 0,
        "unknown": 2,
    }
    assert client.post(f"/episodes/{episode.pk}/return", api_return(found_with_unknown=100, version=2)).status_code in (
        400,
        422,
    )


# --- Merging two records of one child ---------------------------------------------------------------------


def test_merging_two_records_folds_links_that_repeat_or_name_the_child_themselves(world):
    from children.actions import merge_children

    duplicate = ChildFactory(responsible_council=world.north, la_child_id="N000998")
    companion = ChildFactory(responsible_council=world.north, la_child_id="N000997")
    companions_episode = episode_of(world, companion, returned=True)
    duplicates_episode = episode_of(world, duplicate, returned=True, hours_ago=30)
    stamp = {"recorded_by": world.users.coordinator, "recorded_at": NOW()}
    for other in (world.child, duplicate):  # the companion was recorded as found with both records
        EpisodeFoundWith.objects.create(episode=companions_episode, other_child=other, **stamp)
    EpisodeFoundWith.objects.create(episode=duplicates_episode, other_child=world.child, **stamp)  # the two records
    EpisodeFoundWith.objects.create(episode=duplicates_episode, unknown_count=2, **stamp)

    merge_children(
        survivor=world.child,
        merged=duplicate,
        survivor_version=world.child.version,
        merged_version=duplicate.version,
        reason="The same child recorded twice",
        acting_user=world.users.coordinator,
    )

    assert list(EpisodeFoundWith.objects.filter(episode=companions_episode).values_list("other_child", flat=True)) == [
        world.child.pk
    ]
    kept = EpisodeFoundWith.objects.filter(episode=duplicates_episode)
    assert list(kept.values_list("other_child", "unknown_count")) == [(None, 2)]  # not "found with themselves"
    merge = AuditEvent.objects.filter(child_id=world.child.pk, changes__has_key="merged_from").get()
    assert merge.changes["found-with links folded"] == [None, 2]  # the repeat and the self-link, counted
