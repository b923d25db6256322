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
