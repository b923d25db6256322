"""Bodies naming another agency's records (a child, a police force, a practitioner, an episode) are refused as
input, with exactly the answer a record that does not exist gets: nothing is written and nothing tells the
caller whether the record exists."""

import datetime as dt

import pytest
from django.utils import timezone

from access.models import AgencyKind, Role
from episodes.codes import FoundBy
from tests.api.conftest import assert_reveals_nothing
from tests.api.test_episodes_api import iso, report_body
from tests.factories import AgencyFactory, EpisodeFactory, UserFactory

NO_SUCH_ID = 987654321


def _refused_alike(client, method: str, path: str, elsewhere: dict, missing: dict, snapshot_counts) -> dict:
    before = snapshot_counts()
    first = client.send(method, path, elsewhere)
    second = client.send(method, path, missing)
    assert first.status_code == second.status_code == 400, (first.content, second.content)
    assert first.json() == second.json()
    assert snapshot_counts() == before
    assert_reveals_nothing(first)
    return first.json()


def test_reporting_another_councils_child_looks_like_no_child(world, api_as, snapshot_counts):
    # Casey is Southvale's child, living in Southvale: Northmoor's coordinator may not report her missing.
    answer = _refused_alike(
        api_as("coordinator"),
        "post",
        "/episodes",
        report_body(world, child=world.south_child.pk),
        report_body(world, child=NO_SUCH_ID),
        snapshot_counts,
    )
    assert [e["field"] for e in answer["errors"]] == ["child"]


def test_police_cannot_report_to_another_force(world, api_as, snapshot_counts):
    school_id = world.school.pk  # an agency that exists but is not a police force
    answer = _refused_alike(
        api_as("coordinator"),
        "post",
        "/episodes",
        report_body(world, police_force=school_id),
        report_body(world, police_force=NO_SUCH_ID),
        snapshot_counts,
    )
    assert [e["field"] for e in answer["errors"]] == ["police_force"]
    before = snapshot_counts()
    response = api_as("police").post("/episodes", report_body(world, police_force=world.police_south.pk))
    assert response.status_code == 400
    assert snapshot_counts() == before


def test_assigning_a_practitioner_from_elsewhere_looks_like_no_practitioner(world, api_as, interview, snapshot_counts):
    elsewhere = AgencyFactory(
        kind=AgencyKind.RHI_PROVIDER, name="Southvale Return Service", code="SRS", local_authority=world.south
    )
    outsider = UserFactory(username="rhi.south", agency=elsewhere, roles=[Role.RHI_PRACTITIONER])
    _refused_alike(
        api_as("coordinator"),
        "post",
        f"/return-interviews/{interview.pk}/assign",
        {"practitioner": outsider.pk, "version": interview.version},
        {"practitioner": NO_SUCH_ID, "version": interview.version},
        snapshot_counts,
    )


def test_writing_up_another_childs_episode_looks_like_no_episode(world, api_as, interview, snapshot_counts):
    now = timezone.now()
    offered = api_as("coordinator").post(
        f"/return-interviews/{interview.pk}/offer",
        {
            "outcome": "accepted",
            "offered_at": iso(now - dt.timedelta(hours=10)),
            "offered_by": "Sam",
            "version": interview.version,
        },
    )
    assert offered.status_code == 200, offered.content
    interview.refresh_from_db()
    south_episode = EpisodeFactory(
        child=world.south_child,
        police_force=world.police_south,
        created_by=world.users.police_south,
        last_seen_at=now - dt.timedelta(days=3),
        returned_at=now - dt.timedelta(days=2),
        found_place="Home",
        found_by=FoundBy.POLICE,
    )
    body = {"completed_at": iso(now - dt.timedelta(hours=1)), "consent_to_share": "yes", "version": interview.version}
    answer = _refused_alike(
        api_as("practitioner"),
        "post",
        f"/return-interviews/{interview.pk}/interview",
        {**body, "episode_ids": [south_episode.pk]},
        {**body, "episode_ids": [NO_SUCH_ID]},
        snapshot_counts,
    )
    assert [e["field"] for e in answer["errors"]] == ["episode_ids"]


@pytest.mark.parametrize("who", ["coordinator_south", "police_south", "other_practitioner", "health"])
def test_another_agencys_record_in_the_path_is_404_like_no_record(world, api_as, interview, returned_episode, who):
    client = api_as(who)
    writes = [
        ("patch", "/episodes/{}", returned_episode.pk, {"version": 1, "last_seen_place": "X"}),
        ("post", "/episodes/{}/risk-grade", returned_episode.pk, {"grade": "high", "reason": "X", "version": 1}),
        ("post", "/return-interviews/{}/offer", interview.pk, {"outcome": "declined", "version": 1}),
    ]
    for method, path, pk, body in writes:
        seen = client.send(method, path.format(pk), body)
        missing = client.send(method, path.format(NO_SUCH_ID), body)
        assert seen.status_code == missing.status_code == 404
        assert seen.json() == missing.json() == {"detail": "Not found"}
