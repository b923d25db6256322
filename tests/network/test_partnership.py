"""The cross-border picture: police and MASH see the network across every council in their force area; a child
their own role does not reach is a counted, anonymous node that reveals no name, id or link."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from access.models import AgencyKind, AuditEvent, Role
from network import actions
from network.codes import Confidence, LinkSource, PersonKind, Relationship
from network.partnership import partnership_picture
from tests.factories import AgencyFactory, ChildFactory, UserFactory

LINK = {"source": LinkSource.SEEN_WITH, "confidence": Confidence.CONFIRMED}


@pytest.fixture
def area(world, net):
    """Eastmoor, a second council in the Northmoor force's area, whose child lives in Southvale (so Northmoor's
    police do not reach her), linked with Jordan (Northmoor) and Casey (Southvale) to the same adult, Dee."""
    east = AgencyFactory(kind=AgencyKind.COUNCIL, name="Eastmoor Council", code="903", police_force=world.police_north)
    east_coordinator = UserFactory(username="coord.east", agency=east, roles=[Role.COORDINATOR])
    hidden = ChildFactory(
        first_name="Hidden", last_name="Eastmoorchild", responsible_council=east, placement_council=world.south
    )
    today = timezone.localdate()
    for user, child in ((east_coordinator, hidden), (world.users.coordinator_south, world.south_child)):
        actions.link_child_to_person(acting_user=user, child=child, person=net.council_person, linked_on=today, **LINK)
    aunt = actions.add_person(acting_user=east_coordinator, kind=PersonKind.ADULT, display_name="Aunt Mo")
    actions.link_child_to_person(
        acting_user=east_coordinator,
        child=hidden,
        person=aunt,
        linked_on=today,
        relationship=Relationship.FAMILY_CARER,
        **LINK,
    )
    mash = UserFactory(username="mash.east", agency=east, roles=[Role.MASH])
    return east, hidden, mash


def _row(picture, name):
    return next(row for row in picture.persons if row.record is not None and row.record.display_name == name)


def test_police_see_the_whole_group_with_other_councils_children_counted(world, net, area):
    picture = partnership_picture(world.users.police)
    dee = _row(picture, "Older male known as Dee")
    assert picture.persons[0] is dee  # the adult linking the most children ranks first
    assert dee.children == 4  # Jordan, Riley (police-only link, the force's own), Hidden, Casey
    assert {name for _, name in dee.named} == {world.child.full_name, world.placed_child.full_name}
    assert [group.label for group in dee.anonymous] == ["1 child of Eastmoor Council", "1 child of Southvale Council"]
    assert dee.anonymous_score > 0
    assert "Aunt Mo" not in {str(row.record) for row in picture.persons}  # family adds nothing
    assert "Eastmoor Council" in picture.councils and "Northmoor Council" in picture.councils


def test_the_anonymous_nodes_reveal_nothing_on_the_page(client, world, net, area):
    _, hidden, mash = area
    for user in (world.users.police, mash):
        client.force_login(user)
        response = client.get(reverse("network:partnership"))
        assert response.status_code == 200
        body = response.content.decode()
        assert "1 child of Eastmoor Council" in body
        assert "Hidden" not in body and "Eastmoorchild" not in body
        hrefs = set(re.findall(r'href="([^"]+)"', body))
        assert reverse("network:child", args=[hidden.pk]) not in hrefs
        assert not any(f"/{hidden.pk}/" in href and "children" in href for href in hrefs)
    # MASH's own role reaches no child: every child is anonymous, and police-only intelligence is not shown.
    assert world.child.full_name not in body and net.police_only_person.display_name not in body
    event = AuditEvent.objects.filter(summary="Cross-border picture viewed").latest("pk")
    assert event.changes == {}  # MASH was shown no child by name


def test_another_force_sees_its_own_area_and_not_this_forces_intelligence(world, net, area):
    picture = partnership_picture(world.users.police_south)
    dee = _row(picture, "Older male known as Dee")
    # Hidden lives in Southvale, so Southvale's police reach her; Jordan is counted (Riley's link is the
    # Northmoor force's police-only intelligence, so Southvale does not see it at all).
    assert {name for _, name in dee.named} == {world.south_child.full_name, "Hidden Eastmoorchild"}
    assert [group.label for group in dee.anonymous] == ["1 child of Northmoor Council"]
    assert dee.children == 3
    shown = {str(row.record) for row in picture.persons}
    assert net.police_only_person.display_name not in shown


def test_only_police_and_mash_open_the_picture(client, world, area):
    for user in (world.users.coordinator, world.users.school_dsl, world.users.analyst):
        client.force_login(user)
        assert client.get(reverse("network:partnership")).status_code == 403
    assert partnership_picture(world.users.coordinator).persons == []


def test_children_last_seen_together_across_councils_weigh_more_and_are_counted(client, world, net, area):
    """Jordan (Northmoor) and Hidden (Eastmoor) were last seen at Northtown bus station an hour apart: the picture
    shows them together, Hidden counted by council, and Dee's score rises by their co-occurrence."""
    from tests.factories import EpisodeFactory

    _, hidden, mash = area
    before = _row(partnership_picture(world.users.police), "Older male known as Dee").score
    seen = timezone.now() - timezone.timedelta(days=2)
    for child, at, force in (
        (world.child, seen, world.police_north),
        (hidden, seen + timezone.timedelta(hours=1), world.police_south),  # Hidden lives in Southvale
    ):
        EpisodeFactory(
            child=child,
            police_force=force,
            created_by=world.users.police,
            last_seen_at=at,
            reported_at=at + timezone.timedelta(minutes=30),
            returned_at=at + timezone.timedelta(hours=3),
            last_seen_place="Northtown bus station",
        )
    picture = partnership_picture(world.users.police)
    assert _row(picture, "Older male known as Dee").score > before
    group = next(g for g in picture.together if "Last seen together" in g["reasons"])
    assert group["named"] == [(world.child.pk, world.child.full_name)]
    assert [hidden.label for hidden in group["anonymous"]] == ["1 child of Eastmoor Council"]
    client.force_login(mash)
    body = client.get(reverse("network:partnership")).content.decode()
    assert "Children missing together" in body and "Last seen together" in body
    assert "Hidden" not in body and world.child.full_name not in body
    together = partnership_picture(mash).together
    assert [[h.label for h in g["anonymous"]] for g in together if not g["named"]] == [
        ["1 child of Eastmoor Council", "1 child of Northmoor Council"]
    ]


def test_the_region_picture_reaches_every_council_of_the_region_with_the_same_anonymity(client, world, net, area):
    """A person linked only to Casey (Southvale, another force) is in the region's picture of Northmoor's police
    and exploitation team once both forces are in the North West, counted, never named; not in the force area's."""
    from access.models import Region
    from network.partnership import REGION, region_of
    from tests.api.conftest import ApiClient

    south = world.users.coordinator_south
    regional = actions.add_person(acting_user=south, kind=PersonKind.ADULT, display_name="Regional Adult Rex")
    actions.link_child_to_person(
        acting_user=south, child=world.south_child, person=regional, linked_on=timezone.localdate(), **LINK
    )
    police = world.users.police
    mace = UserFactory(username="mace.region", agency=world.north, roles=[Role.EXPLOITATION])

    def names(picture):
        return {str(row.record) for row in picture.persons}

    assert region_of(police) == "" and partnership_picture(police, area=REGION).persons == []
    client.force_login(mace)
    assert "The region" not in client.get(reverse("network:partnership")).content.decode()
    from access.tokens import issue_token

    assert ApiClient(issue_token(mace)).get("/partnership-picture?area=region").status_code == 400
    for force in (world.police_north, world.police_south):
        force.region = Region.NORTH_WEST
        force.save()
    assert region_of(mace) == "north-west"  # Northmoor Council has none of its own: its force's
    assert "Regional Adult Rex" not in names(partnership_picture(police))
    picture = partnership_picture(police, area=REGION)
    row = next(row for row in picture.persons if str(row.record) == "Regional Adult Rex")
    assert row.named == [] and [group.label for group in row.anonymous] == ["1 child of Southvale Council"]
    assert "Southvale Council" in picture.councils and "Northmoor Council" in picture.councils
    body = client.get(reverse("network:partnership") + "?area=region").content.decode()
    assert "Cross-border picture: North West" in body and "Regional Adult Rex" in body
    assert world.south_child.full_name not in body and world.child.full_name not in body
    assert AuditEvent.objects.filter(actor=mace, summary="Cross-border picture of the region viewed").exists()
    assert "Regional Adult Rex" not in client.get(reverse("network:partnership") + "?area=nowhere").content.decode()
    answer = ApiClient(issue_token(mace)).get("/partnership-picture?area=region").json()
    assert answer["area"] == "region" and answer["region"] == "North West"
    rex = next(row for row in answer["persons"] if row["label"] == "Regional Adult Rex")
    assert rex["named_children"] == [] and rex["anonymous"] == [{"council": "Southvale Council", "count": 1}]
    # A council of another region, covered by one of these forces, is left out; a council's own region counts.
    world.south.region = Region.WALES
    world.south.save()
    assert "Regional Adult Rex" not in names(partnership_picture(police, area=REGION))
