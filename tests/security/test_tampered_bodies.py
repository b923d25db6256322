"""Tampered form fields and API bodies (issue 4): a submission that names a record the user cannot reach (another
council's child or episode, a practitioner who is not the provider's, a police force that is not one, another
council's social worker, someone else's episode to share) is refused with an error on that field, says nothing
about the other record, and writes nothing."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from access.models import AgencyKind, Role
from access.tokens import issue_token
from episodes.models import MissingEpisode
from interviews.models import ReturnInterview
from sharing.models import Share
from tests.factories import AgencyFactory, EpisodeFactory, UserFactory
from tests.security.test_csrf import _row_counts
from tests.web.test_child_add import answers as child_answers
from tests.web.test_report_missing import answers as report_answers

SOUTH_WORDS = (b"Casey", b"Outside", b"S000789")


@pytest.fixture
def south_episode(world):
    return EpisodeFactory(
        child=world.south_child,
        police_force=world.police_south,
        created_by=world.users.police_south,
        police_reference="WP-2026-SOUTH1",
        circumstances="SOUTH-SECRET",
    )


def _web(world, who: str = "coordinator") -> Client:
    client = Client()
    client.force_login(getattr(world.users, who))
    return client


def _api(world, who: str = "coordinator"):
    token = issue_token(getattr(world.users, who))

    def send(method: str, path: str, body: dict):
        return getattr(Client(), method)(
            f"/api/v1{path}",
            json.dumps(body),
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )

    return send


def _errors(response) -> dict:
    return {entry["field"]: entry["message"] for entry in response.json().get("errors") or []}


# --- web forms -------------------------------------------------------------------------------------------------


def test_assigning_someone_who_is_not_the_providers_practitioner_is_refused(world, interview):
    client = _web(world)
    url = reverse("interviews:assign", args=[interview.pk])
    for outsider in (world.users.police, world.users.coordinator_south, world.users.health):
        before = _row_counts()
        response = client.post(url, {"assigned_to": str(outsider.pk), "version": str(interview.version)})
        assert response.status_code == 200
        assert "assigned_to" in response.context["form"].errors
        assert _row_counts() == before
    assert ReturnInterview.objects.get(pk=interview.pk).assigned_to == world.users.practitioner


def test_adding_a_child_for_another_council_or_with_its_social_worker_is_refused(world):
    south_worker = UserFactory(username="sw.south", agency=world.south, roles=[Role.SOCIAL_WORKER])
    client = _web(world)
    for field, value in (
        ("responsible_council", world.south.pk),
        ("social_worker", south_worker.pk),
        ("school", world.provider.pk),  # an agency that is not a school
    ):
        before = _row_counts()
        response = client.post(reverse("children:add"), child_answers(world, **{field: str(value)}))
        assert response.status_code == 200, field
        assert field in response.context["form"].errors, field
        assert _row_counts() == before


def test_reporting_to_an_agency_that_is_not_a_police_force_is_refused(world):
    client = _web(world)
    before = _row_counts()
    response = client.post(
        reverse("episodes:report", args=[world.child.pk]), report_answers(world, police_force=str(world.school.pk))
    )
    assert response.status_code == 200
    assert "police_force" in response.context["form"].errors
    assert _row_counts() == before


def test_sharing_another_councils_episode_is_refused_and_reveals_nothing(world, south_episode):
    client = _web(world)
    url = reverse("sharing:share", args=[world.child.pk])
    page = client.get(url, {"episode": south_episode.pk})
    assert page.status_code == 200
    assert not any(word in page.content for word in SOUTH_WORDS)
    before = _row_counts()
    answers = {
        "recipient": f"agency:{world.school.pk}",
        "lawful_basis": "children_act_s47",
        "child_consent": "not_sought_with_reason",
        "child_consent_reason": "Risk",
        "purpose": "Tampered",
    }
    response = client.post(
        url + f"?episode={south_episode.pk}",
        {
            "what": f"episode_summary:{south_episode.pk}",
            "recipient": f"agency:{world.school.pk}",
            "lawful_basis": "children_act_s47",
            "child_consent": "not_sought_with_reason",
            "child_consent_reason": "Risk",
            "purpose": "Tampered",
        },
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"what"}
    assert not any(word in response.content for word in SOUTH_WORDS)
    assert _row_counts() == before
    assert not Share.objects.exists()
    # The same answers naming Jordan's own episode are accepted: only the tampered item was refused.
    own = EpisodeFactory(child=world.child, police_force=world.police_north, created_by=world.users.police)
    accepted = client.post(url, {**answers, "what": f"episode_summary:{own.pk}"})
    assert accepted.status_code == 302
    assert Share.objects.get().episode == own


def test_the_network_refuses_another_forces_police_only_person(world):
    from network.actions import add_person
    from network.codes import PersonKind

    south_intel = add_person(
        acting_user=world.users.police_south, kind=PersonKind.ADULT, display_name="South subject", police_only=True
    )
    client = _web(world, "police")
    before = _row_counts()
    response = client.post(
        reverse("network:link-person", args=[world.child.pk]),
        {"person": str(south_intel.pk), "source": "seen_with", "confidence": "confirmed"},
    )
    assert response.status_code in {200, 404}
    if response.status_code == 200:
        assert "person" in response.context["form"].errors
    assert b"South subject" not in response.content
    assert _row_counts() == before


# --- API bodies ------------------------------------------------------------------------------------------------


def test_api_reporting_another_councils_child_is_refused_like_one_that_does_not_exist(world):
    send = _api(world)
    body = {
        "episode_type": "M",
        "missing_from": "home",
        "last_seen_at": "2026-01-01T10:00:00Z",
        "last_seen_place": "Park",
        "reported_at": "2026-01-01T11:00:00Z",
        "reported_by": "Carer",
        "police_force": world.police_north.pk,
        "risk_grade": "low",
    }
    before = _row_counts()
    other = send("post", "/episodes", {**body, "child": world.south_child.pk})
    missing = send("post", "/episodes", {**body, "child": 9_999_999})
    assert other.status_code == missing.status_code == 400
    assert _errors(other) == _errors(missing) and "child" in _errors(other)
    not_police = send("post", "/episodes", {**body, "child": world.child.pk, "police_force": world.school.pk})
    assert not_police.status_code == 400 and "police_force" in _errors(not_police)
    assert _row_counts() == before


def test_api_assigning_someone_who_is_not_the_providers_practitioner_is_refused(world, interview):
    send = _api(world)
    other_provider = AgencyFactory(kind=AgencyKind.RHI_PROVIDER, name="Elsewhere RHI", local_authority=world.south)
    elsewhere = UserFactory(username="rhi.elsewhere", agency=other_provider, roles=[Role.RHI_PRACTITIONER])
    before = _row_counts()
    for outsider in (world.users.police, world.users.coordinator_south, elsewhere):
        response = send(
            "post",
            f"/return-interviews/{interview.pk}/assign",
            {"practitioner": outsider.pk, "version": interview.version},
        )
        assert response.status_code == 400, outsider
        assert "practitioner" in _errors(response)
    assert _row_counts() == before


def test_api_interview_covering_another_childs_episode_is_refused(world, interview, south_episode):
    from interviews.actions import record_offer
    from interviews.codes import Outcome

    interview = record_offer(
        interview,
        outcome=Outcome.ACCEPTED,
        offered_at=timezone.now() - dt.timedelta(hours=1),
        offered_by="Sam",
        expected_version=interview.version,
        acting_user=world.users.coordinator,
    )
    send = _api(world)
    before = _row_counts()
    response = send(
        "post",
        f"/return-interviews/{interview.pk}/interview",
        {
            "completed_at": timezone.now().isoformat(),
            "episode_ids": [south_episode.pk],
            "consent_to_share": "yes",
            "version": interview.version,
        },
    )
    assert response.status_code == 400
    assert "episode_ids" in _errors(response)
    assert not any(word in response.content for word in (*SOUTH_WORDS, b"SOUTH-SECRET"))
    assert _row_counts() == before
    assert MissingEpisode.objects.get(pk=south_episode.pk).version == south_episode.version
