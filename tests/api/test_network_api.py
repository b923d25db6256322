"""The network API's own rules beyond the permission matrix: what a link says the person is to the child."""

import pytest
from django.utils import timezone

from network import actions
from network.codes import Confidence, LinkSource, PersonKind, Relationship

pytestmark = pytest.mark.django_db


def test_a_person_link_carries_its_relationship(world, api_as):
    coordinator = world.users.coordinator
    aunt = actions.add_person(acting_user=coordinator, kind=PersonKind.ADULT, display_name="Aunt")
    link = actions.link_child_to_person(
        acting_user=coordinator,
        child=world.child,
        person=aunt,
        source=LinkSource.FOUND_WITH,
        linked_on=timezone.localdate(),
        confidence=Confidence.CONFIRMED,
        relationship=Relationship.FAMILY_CARER,
    )
    client = api_as("coordinator")
    body = client.get(f"/person-links/{link.pk}").json()
    assert body["relationship"] == "family_carer" and body["person_id"] == aunt.pk
    listed = client.get("/person-links", {"child": world.child.pk}).json()["items"]
    assert [item["relationship"] for item in listed] == ["family_carer"]


def test_the_register_is_searched_across_the_partnership_without_the_other_childrens_ids(world, api_as):
    north = world.users.coordinator
    dee = actions.add_person(
        acting_user=north, kind=PersonKind.ADULT, display_name="Dee", phone_numbers="07700 900123", approximate_age=25
    )
    actions.link_child_to_person(
        acting_user=north,
        child=world.child,
        person=dee,
        source=LinkSource.SEEN_WITH,
        linked_on=timezone.localdate(),
        confidence=Confidence.CONFIRMED,
    )
    south = api_as("coordinator_south")
    response = south.post("/persons/find", {"phone": "+44 7700 900123"})
    assert response.status_code == 200
    (item,) = response.json()["items"]
    assert item["id"] == dee.pk and item["matched"] == ["Phone number"]
    assert item["owning_agency"]["name"] == "Northmoor Council"
    text = response.content.decode()
    assert set(item) == {"id", "kind", "display_name", "owning_agency", "police_only", "matched"}
    assert world.child.first_name not in text and "child" not in text
    by_name = south.post("/persons/find", {"name": "dee", "approximate_age": 27}).json()["items"]
    assert [i["id"] for i in by_name] == [dee.pk]
    assert south.post("/persons/find", {}).status_code == 400
    assert south.post("/persons/find", {"name": "dee"}).status_code == 400
    assert api_as("health").post("/persons/find", {"phone": "07700900123"}).json() == {"items": []}
    assert south.post("/places/find", {"postcode": "ZZ9 9ZZ"}).json() == {"items": []}


def test_the_picture_counts_the_children_a_user_may_not_see_and_names_no_one(world, api_as):
    from access.models import AgencyKind, Role
    from tests.factories import AgencyFactory, ChildFactory, UserFactory

    east = AgencyFactory(kind=AgencyKind.COUNCIL, name="Eastmoor Council", code="903", police_force=world.police_north)
    east_user = UserFactory(username="coord.east", agency=east, roles=[Role.COORDINATOR])
    hidden = ChildFactory(
        first_name="Hidden", la_child_id="HIDDEN9", responsible_council=east, placement_council=world.south
    )
    dee = actions.add_person(acting_user=world.users.coordinator, kind=PersonKind.ADULT, display_name="Dee")
    common = {"source": LinkSource.SEEN_WITH, "linked_on": timezone.localdate(), "confidence": Confidence.CONFIRMED}
    actions.link_child_to_person(acting_user=world.users.coordinator, child=world.child, person=dee, **common)
    actions.link_child_to_person(acting_user=east_user, child=hidden, person=dee, **common)
    response = api_as("police").get("/partnership-picture")
    assert response.status_code == 200
    (row,) = [r for r in response.json()["persons"] if r["id"] == dee.pk]
    assert row["children"] == 2 and row["named_children"] == [world.child.pk]
    assert row["anonymous"] == [{"council": "Eastmoor Council", "count": 1}]
    text = response.content.decode()
    assert "Hidden" not in text and "HIDDEN9" not in text and hidden.pk not in row["named_children"]
    assert api_as("coordinator").get("/partnership-picture").status_code == 403
