"""GET /children, POST /children/search and GET /children/{id}: scoped exactly like the pages, every read
audited, and no name or identifier ever in a URL."""

import datetime as dt

import pytest

from access.models import AuditEvent
from children.actions import change_placement
from children.codes import LegalStatus
from tests.api.conftest import CHILD_OUTSIDERS, assert_not_found, assert_reveals_nothing, field_errors, last_audit_id
from tests.factories import ChildFactory, EpisodeFactory

CHILD_FIELDS = {
    "id",
    "version",
    "la_child_id",
    "upn",
    "first_name",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "sex",
    "gender_identity",
    "ethnicity",
    "legal_status",
    "living_arrangement",
    "responsible_council",
    "placement_council",
    "placed_out_of_area",
    "placement_postcode",
    "placement_provider",
    "placement_urn",
    "placement_type",
    "placement_from",
    "school",
    "social_worker",
    "created_at",
    "updated_at",
}


def ids(response) -> list[int]:
    return [item["id"] for item in response.json()["items"]]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("coordinator", ["child", "placed_child"]),
        ("social_worker", ["child", "placed_child"]),
        ("manager", ["child", "placed_child"]),
        ("coordinator_south", ["south_child", "placed_child"]),
        ("police", ["child", "placed_child"]),
        ("police_south", ["south_child"]),
        ("school_dsl", ["child"]),
        ("other_school_dsl", ["south_child"]),
        ("practitioner", []),
        ("analyst", []),
        ("admin", []),
        ("health", []),
    ],
)
def test_list_is_scoped_like_the_pages(world, api_as, who, expected):
    response = api_as(who).get("/children")
    assert response.status_code == 200
    wanted = [getattr(world, name) for name in expected]
    # Ordered by last name, first name: Example, Outside, Sample.
    assert ids(response) == [c.pk for c in sorted(wanted, key=lambda c: (c.last_name, c.first_name))]
    assert response.json()["count"] == len(expected)
    if "child" not in expected:
        assert_reveals_nothing(response)


def test_insider_reads_the_child_with_exact_fields(world, api_as):
    response = api_as("coordinator").get(f"/children/{world.placed_child.pk}")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == CHILD_FIELDS
    assert body["id"] == world.placed_child.pk
    assert body["la_child_id"] == "S000456"
    assert body["first_name"] == "Riley"
    assert body["date_of_birth"] == "2010-09-01"
    assert body["legal_status"] == "looked_after"
    assert body["responsible_council"] == {
        "id": world.south.pk,
        "kind": "council",
        "code": "902",
        "name": "Southvale Council",
    }
    assert body["placement_council"] == {
        "id": world.north.pk,
        "kind": "council",
        "code": "901",
        "name": "Northmoor Council",
    }
    assert body["placed_out_of_area"] is True
    assert body["school"] is None
    assert body["social_worker"] is None


def test_child_at_home_in_area_is_not_placed_out_of_area(world, api_as):
    body = api_as("coordinator").get(f"/children/{world.child.pk}").json()
    assert body["placed_out_of_area"] is False
    assert body["school"]["name"] == "Northmoor Academy"


def test_school_sees_its_pupils_identifiers_but_not_their_care_record(world, api_as):
    world.child.social_worker = world.users.social_worker
    world.child.save()
    for body in (
        api_as("school_dsl").get(f"/children/{world.child.pk}").json(),
        api_as("school_dsl").get("/children").json()["items"][0],
    ):
        assert body["la_child_id"] == "N000123" and body["school"]["name"] == "Northmoor Academy"
        for field in (
            "legal_status",
            "living_arrangement",
            "placement_council",
            "placed_out_of_area",
            "placement_postcode",
            "placement_provider",
            "placement_urn",
            "placement_type",
            "placement_from",
            "social_worker",
        ):
            assert body[field] is None, field


def test_placement_is_carried_for_the_care_record_and_withheld_from_a_school(world, api_as):
    change_placement(
        world.child,
        acting_user=world.users.coordinator,
        expected_version=world.child.version,
        started_on=dt.date(2026, 1, 5),
        placement_council=world.north,
        living_arrangement="childrens_home",
        provider="Synthetic Oak House (example)",
        urn="SC999001",
        placement_type="K2",
        postcode="NM4 7AB",
    )
    body = api_as("coordinator").get(f"/children/{world.child.pk}").json()
    assert body["placement_provider"] == "Synthetic Oak House (example)"
    assert (body["placement_urn"], body["placement_type"], body["placement_from"]) == ("SC999001", "K2", "2026-01-05")
    school = api_as("school_dsl").get(f"/children/{world.child.pk}").text
    assert "SC999001" not in school and "Oak House" not in school


def test_allocated_social_worker_is_named(world, api_as):
    world.child.social_worker = world.users.social_worker
    world.child.save()
    body = api_as("coordinator").get(f"/children/{world.child.pk}").json()
    assert body["social_worker"] == {
        "id": world.users.social_worker.pk,
        "name": world.users.social_worker.get_full_name(),
    }


@pytest.mark.parametrize("who", CHILD_OUTSIDERS)
def test_outsider_gets_404_and_learns_nothing(world, api_as, who):
    assert_not_found(api_as(who).get(f"/children/{world.child.pk}"))


def test_missing_and_out_of_scope_children_look_the_same(world, api_as):
    client = api_as("coordinator_south")
    out_of_scope = client.get(f"/children/{world.child.pk}")
    missing = client.get("/children/999999")
    assert (out_of_scope.status_code, out_of_scope.json()) == (missing.status_code, missing.json())


def test_assigned_practitioner_sees_the_child(world, api_as, interview):
    assert api_as("practitioner").get(f"/children/{world.child.pk}").status_code == 200
    assert ids(api_as("practitioner").get("/children")) == [world.child.pk]
    assert_not_found(api_as("other_practitioner").get(f"/children/{world.child.pk}"))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"legal_status": "looked_after"}, ["child", "placed_child"]),
        ({"legal_status": "cin"}, []),
        ({"responsible_council": "{south}"}, ["placed_child"]),
        ({"responsible_council": "{north}"}, ["child"]),
        ({"has_open_episode": "true"}, ["child"]),
        ({"has_open_episode": "false"}, ["placed_child"]),
    ],
)
def test_filters(world, api_as, open_episode, params, expected):
    params = {k: v.format(north=world.north.pk, south=world.south.pk) for k, v in params.items()}
    response = api_as("coordinator").get("/children", params)
    assert response.status_code == 200, response.content
    assert set(ids(response)) == {getattr(world, name).pk for name in expected}


def test_has_open_episode_counts_only_episodes_the_caller_can_see(world, api_as):
    # Riley (Southvale's child placed in Northmoor) is missing, reported to Southvale's force.
    EpisodeFactory(child=world.placed_child, police_force=world.police_south, created_by=world.users.police_south)
    # Northmoor police see Riley (she lives in their area) but not Southvale's episode.
    assert ids(api_as("police").get("/children", {"has_open_episode": "true"})) == []
    assert set(ids(api_as("police_south").get("/children", {"has_open_episode": "true"}))) == {world.placed_child.pk}
    # The council sees every episode of its children.
    assert ids(api_as("coordinator").get("/children", {"has_open_episode": "true"})) == [world.placed_child.pk]
    # The school sees no episodes at all, so none of its pupils "has an open episode".
    assert ids(api_as("school_dsl").get("/children", {"has_open_episode": "true"})) == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"legal_status": "orphan"}, "legal_status"),
        ({"has_open_episode": "maybe"}, "has_open_episode"),
        ({"page": "0"}, "page"),
        ({"responsible_council": "north"}, "responsible_council"),
        ({"surname": "Example"}, "surname"),
    ],
)
def test_bad_filters_are_400_naming_the_parameter(world, api_as, params, field):
    response = api_as("coordinator").get("/children", params)
    assert response.status_code == 400
    assert field in field_errors(response)


def test_pagination_is_deterministic_with_links(world, api_as, settings):
    settings.HOMEWARD_API_PAGE_SIZE = 2
    for n in range(3):
        ChildFactory(first_name="Same", last_name="Name", responsible_council=world.north, la_child_id=f"N9{n}")
    client = api_as("coordinator")
    first = client.get("/children", {"legal_status": "looked_after"}).json()
    assert first["count"] == 5
    assert first["previous"] is None
    assert "page=2" in first["next"]
    assert "legal_status=looked_after" in first["next"]
    second = client.get("/children", {"legal_status": "looked_after", "page": 2}).json()
    third = client.get("/children", {"legal_status": "looked_after", "page": 3}).json()
    assert third["next"] is None
    assert "page=2" in third["previous"]
    seen = [i["id"] for page in (first, second, third) for i in page["items"]]
    assert len(seen) == len(set(seen)) == 5
    same = [i["id"] for page in (first, second, third) for i in page["items"] if i["last_name"] == "Name"]
    assert same == sorted(same)  # ties broken by id
    beyond = client.get("/children", {"page": 9}).json()
    assert beyond["items"] == []
    assert beyond["count"] == 5


def test_reads_are_audited_without_personal_data(world, api_as):
    client = api_as("coordinator")
    before = last_audit_id()
    client.get("/children", {"legal_status": "looked_after"})
    client.post("/children/search", {"text": "Jordan"})
    client.get(f"/children/{world.child.pk}")
    events = list(AuditEvent.objects.filter(pk__gt=before).exclude(action=AuditEvent.Action.API_CALL).order_by("id"))
    assert [e.action for e in events] == [AuditEvent.Action.API_READ] * 3
    listing, search, detail = events
    assert listing.object_type == "child-list"
    assert listing.child_id is None
    assert listing.channel == "api"
    assert listing.actor == world.users.coordinator
    assert "2 of 2" in listing.summary
    assert "filtered by legal_status" in listing.summary
    assert search.object_type == "child-search"
    assert search.child_id is None
    assert search.summary == "API list read: page 1, 1 of 1; filtered by text"
    assert detail.object_type == "child"
    assert detail.object_id == str(world.child.pk)
    assert detail.child_id == world.child.pk
    for event in events:
        text = f"{event.summary} {event.changes} {event.path}"
        for word in ("Jordan", "Example", "N000123"):
            assert word not in text


def test_refused_reads_write_no_api_read_event(world, api_as):
    client = api_as("coordinator_south")
    before = AuditEvent.objects.filter(action=AuditEvent.Action.API_READ).count()
    client.get(f"/children/{world.child.pk}")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.API_READ).count() == before


# --- POST /children/search: the words travel in the body ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("jord", ["child"]),
        ("sample", ["placed_child"]),
        ("Riley Sample", ["placed_child"]),
        ("  riley   SAMPLE ", ["placed_child"]),
        ("Riley Example", []),
        ("Casey", []),  # exists, but not in Northmoor's scope
        ("n000123", ["child"]),
        ("S000789", []),
        ("2010-09-01", ["placed_child"]),
        ("04/03/2011", ["child"]),
        ("wp-2026-004512", ["child"]),  # the police reference of `open_episode`
    ],
)
def test_search_matches_like_the_find_a_child_page(world, api_as, open_episode, text, expected):
    response = api_as("coordinator").post("/children/search", {"text": text})
    assert response.status_code == 200, response.content
    assert ids(response) == [getattr(world, name).pk for name in expected]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("coordinator", ["child"]),
        ("police", ["child"]),
        ("school_dsl", ["child"]),
        ("coordinator_south", []),
        ("police_south", []),
        ("other_school_dsl", []),
        ("practitioner", []),
        ("analyst", []),
        ("admin", []),
        ("health", []),
    ],
)
def test_search_is_scoped_like_the_list(world, api_as, who, expected):
    response = api_as(who).post("/children/search", {"text": "Jordan Example"})
    assert response.status_code == 200
    assert ids(response) == [getattr(world, name).pk for name in expected]
    if not expected:
        assert_reveals_nothing(response)


def test_search_shows_the_care_record_only_to_those_who_see_it(world, api_as):
    (school_view,) = api_as("school_dsl").post("/children/search", {"text": "N000123"}).json()["items"]
    assert school_view["first_name"] == "Jordan"
    assert school_view["legal_status"] is None and school_view["social_worker"] is None
    (council_view,) = api_as("coordinator").post("/children/search", {"text": "N000123"}).json()["items"]
    assert council_view["legal_status"] == "looked_after"
    assert set(council_view) == CHILD_FIELDS


def test_search_pages_like_the_list_and_keeps_the_words_out_of_the_links(world, api_as, settings):
    settings.HOMEWARD_API_PAGE_SIZE = 2
    for n in range(3):
        ChildFactory(first_name="Same", last_name="Name", responsible_council=world.north, la_child_id=f"N9{n}")
    client = api_as("coordinator")
    first = client.post("/children/search", {"text": "same name"}).json()
    assert first["count"] == 3
    assert first["next"].endswith("/api/v1/children/search?page=2")
    response = client.client.post(
        first["next"], data='{"text": "same name"}', content_type="application/json", headers=client._headers()
    )
    second = response.json()
    assert second["next"] is None
    assert second["previous"].endswith("/api/v1/children/search?page=1")
    seen = [i["id"] for page in (first, second) for i in page["items"]]
    assert seen == sorted(seen) and len(seen) == 3


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "x" * 101}, "text"),
        ({"text": "Jordan", "date_of_birth": "2011-03-04"}, "date_of_birth"),
        ([], "body"),
    ],
)
def test_bad_search_is_400_naming_the_field(world, api_as, body, field):
    response = api_as("coordinator").post("/children/search", body)
    assert response.status_code == 400
    assert field in field_errors(response)


@pytest.mark.parametrize("params", [{"q": "Jordan"}, {"la_child_id": "N000123"}, {"date_of_birth": "2011-03-04"}])
def test_identifiers_are_not_taken_in_query_strings(world, api_as, params):
    """The list no longer filters by name or identifier: a client still sending them is told, not ignored."""
    response = api_as("coordinator").get("/children", params)
    assert response.status_code == 400
    assert field_errors(response) == {next(iter(params)): ["Unknown query parameter"]}
    search = api_as("coordinator").client.post(
        "/api/v1/children/search?text=Jordan",
        data='{"text": "Jordan"}',
        content_type="application/json",
        headers=api_as("coordinator")._headers(),
    )
    assert search.status_code == 400
    assert field_errors(search) == {"text": ["Unknown query parameter"]}


def test_search_needs_a_token(world, anonymous):
    response = anonymous.post("/children/search", {"text": "Jordan"})
    assert response.status_code == 401
    assert_reveals_nothing(response)


def test_legal_status_codes_match_the_model(world, api_as):
    codes = set(LegalStatus.values)
    schema = api_as("coordinator").get("/openapi.json").json()
    legal_status = schema["components"]["schemas"]["ChildOut"]["properties"]["legal_status"]
    enums = [option["enum"] for option in legal_status.get("anyOf", [legal_status]) if "enum" in option]
    assert set(enums[0]) == codes
