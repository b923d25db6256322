"""Field-level sensitivity: what the child said in a return interview (every free-text field, each planted with
a marker) reaches only the child's council, the assigned practitioner and those the full interview is shared
with. Every page and API response another user can reach, including summaries, lists, search results,
exports and error messages, leaves it out."""

import pytest
from django.urls import NoReverseMatch, reverse

from access.tokens import issue_token
from core.encryption import encrypted_fields
from interviews.models import ReturnInterview
from sharing.actions import request_emergency_access
from tests.api.conftest import ApiClient

from .conftest import PLANTED, planted

ENTITLED = ["coordinator", "social_worker", "manager", "practitioner"]
NOT_ENTITLED = [
    "coordinator_south",
    "police",
    "police_south",
    "school_dsl",
    "other_school_dsl",
    "other_practitioner",
    "health",
    "analyst",
    "admin",
]
FREE_TEXT = sorted(encrypted_fields(ReturnInterview))


def _optional(name: str, *args) -> list[str]:
    try:
        return [reverse(name, args=args)]
    except NoReverseMatch:
        return []


def _pages(world, records) -> list[str]:
    children = (world.child, world.placed_child, world.south_child)
    return [
        "/",
        *(reverse("children:detail", args=[child.pk]) for child in children),
        reverse("episodes:detail", args=[records.episode.pk]),
        reverse("episodes:detail", args=[records.other_episode.pk]),
        reverse("interviews:detail", args=[records.interview.pk]),
        reverse("interviews:detail", args=[records.other_interview.pk]),
        reverse("interviews:record", args=[records.interview.pk]),
        reverse("interviews:offer", args=[records.interview.pk]),
        reverse("sharing:received"),
        reverse("sharing:share", args=[world.child.pk]),
        reverse("network:child", args=[world.child.pk]),
        reverse("risk:alerts"),
        *_optional("analytics:dashboard"),
        *_optional("analytics:data-quality"),
        *_optional("returns:list"),
    ]


def _api_paths(world, records) -> list[str]:
    return [
        "/children",
        f"/children/{world.child.pk}",
        "/episodes",
        f"/episodes/{records.episode.pk}",
        "/return-interviews",
        f"/return-interviews/{records.interview.pk}",
        f"/return-interviews/{records.other_interview.pk}",
        f"/return-interviews?child={world.child.pk}",
    ]


def _everything_reachable(client, world, records, user) -> list[tuple[str, str]]:
    """(what, body) for every page and API answer the user can reach about Jordan, including error answers."""
    client.force_login(user)
    answers = [(url, client.get(url).content.decode()) for url in _pages(world, records)]
    answers.append(("search", client.post(reverse("children:search"), {"q": "Jordan"}, follow=True).content.decode()))
    for share in records.shares if hasattr(records, "shares") else []:
        url = reverse("sharing:detail", args=[share.pk])
        answers.append((url, client.get(url).content.decode()))
    api = ApiClient(issue_token(user))
    answers.extend((path, api.get(path).content.decode()) for path in _api_paths(world, records))
    # Error answers: a write the user may not make, and a malformed one.
    body = {"completed_at": "2026-01-01T10:00:00+00:00", "episode_ids": [], "consent_to_share": "yes", "version": 1}
    answers.append(
        ("api write", api.post(f"/return-interviews/{records.interview.pk}/interview", body).content.decode())
    )
    answers.append(
        ("api bad body", api.post(f"/return-interviews/{records.interview.pk}/interview", {"x": 1}).content.decode())
    )
    return answers


def _assert_nothing_planted(answers) -> None:
    for where, body in answers:
        assert PLANTED not in body, where


@pytest.mark.parametrize("name", NOT_ENTITLED)
def test_no_page_or_api_answer_carries_the_interview_free_text(client, world, records, name):
    _assert_nothing_planted(_everything_reachable(client, world, records, getattr(world.users, name)))


@pytest.mark.parametrize("name", ENTITLED)
def test_the_entitled_see_it_on_the_interview_page_and_in_the_api(client, world, records, name):
    user = getattr(world.users, name)
    client.force_login(user)
    body = client.get(reverse("interviews:detail", args=[records.interview.pk])).content.decode()
    for field in FREE_TEXT:
        if field != "not_offered_reason":  # shown only when the interview was not offered
            assert planted(field) in body, field
    answer = ApiClient(issue_token(user)).get(f"/return-interviews/{records.interview.pk}").json()
    assert all(answer[field] == planted(field) for field in FREE_TEXT)
    # Nowhere else: not the child record, not the episode, not My work, not search.
    for url in (
        "/",
        reverse("children:detail", args=[world.child.pk]),
        reverse("episodes:detail", args=[records.episode.pk]),
    ):
        assert PLANTED not in client.get(url).content.decode(), url
    assert PLANTED not in client.post(reverse("children:search"), {"q": "Jordan"}, follow=True).content.decode()


@pytest.mark.parametrize("name", ["health", "police", "school_dsl"])
def test_an_interview_summary_share_shows_the_summary_and_never_the_free_text(client, world, records, make_share, name):
    user = getattr(world.users, name)
    agency = {"health": world.health, "police": world.police_north, "school_dsl": world.school}[name]
    records.shares = [make_share("interview_summary", to_agency=agency)]
    answers = _everything_reachable(client, world, records, user)
    _assert_nothing_planted(answers)
    page = dict(answers)[reverse("interviews:detail", args=[records.interview.pk])]
    assert "Conflict at home or in the placement" in page and "Signs of child criminal exploitation" in page
    assert "This is a summary" in page
    answer = ApiClient(issue_token(user)).get(f"/return-interviews/{records.interview.pk}").json()
    assert all(answer[field] is None for field in FREE_TEXT)
    assert answer["outcome"] == "accepted" and answer["disclosures"] == ["cce"] and answer["consent_to_share"] == "yes"


def test_a_full_interview_share_shows_that_interview_only(client, world, records, make_share):
    health = world.users.health
    make_share("full_interview", to_agency=world.health)
    client.force_login(health)
    body = client.get(reverse("interviews:detail", args=[records.interview.pk])).content.decode()
    assert planted("narrative") in body and planted("disclosure_details") in body
    assert client.get(reverse("interviews:detail", args=[records.other_interview.pk])).status_code == 404
    api = ApiClient(issue_token(health))
    assert api.get(f"/return-interviews/{records.interview.pk}").json()["narrative"] == planted("narrative")
    assert api.get(f"/return-interviews/{records.other_interview.pk}").status_code == 404
    assert planted("other") not in api.get("/return-interviews").content.decode()


def test_emergency_access_shows_interview_summaries_only(client, world, records):
    user = world.users.police_south
    request_emergency_access(acting_user=user, child_id=world.child.pk, reason="Found at A&E at 2am, no carer")
    answers = _everything_reachable(client, world, records, user)
    _assert_nothing_planted(answers)
    assert "This is a summary" in dict(answers)[reverse("interviews:detail", args=[records.interview.pk])]


def test_the_schema_says_the_free_text_may_be_withheld(db):
    document = ApiClient().get("/openapi.json").json()
    properties = document["components"]["schemas"]["InterviewDetailOut"]["properties"]
    for field in FREE_TEXT:
        assert {"type": "null"} in properties[field]["anyOf"], field
        assert "null (never an empty string" in properties[field]["description"]
