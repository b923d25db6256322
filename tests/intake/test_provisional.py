"""Provisional records (issue 12): a child the police reported whom Homeward did not know gets a record for the
responsible council; its coordinator lists them, confirms one (correcting the council child ID, where the child
lives and the placement council, at the version they read) or goes to the merge page with the record the child
already has. Deny by default, scoped to the council, audited."""

import pytest
from django.test import Client
from django.urls import reverse

from access.models import AuditEvent
from analytics.quality import problems_for
from children.actions import merge_children, update_child
from children.models import Child
from core.errors import ConflictError
from intake.actions import confirm_provisional_child
from intake.models import ProvisionalChild
from tests.factories import ChildFactory
from tests.intake.conftest import make_provisional


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _confirm(client: Client, provisional: ProvisionalChild, world, **changes) -> object:
    answers = {
        "choice": "confirm",
        "la_child_id": "N007001",
        "living_arrangement": "foster_care",
        "placement_council": world.south.pk,
        "version": provisional.child.version,
        **changes,
    }
    return client.post(reverse("intake:provisional", args=[provisional.pk]), answers)


def test_the_coordinator_confirms_a_provisional_record_with_the_councils_own_details(world):
    provisional = make_provisional(world)
    assert provisional.child.la_child_id == "P41-41-PROV-1"
    coordinator = _client(world.users.coordinator)
    listed = coordinator.get(reverse("intake:provisional-list"))
    assert listed.status_code == 200
    assert reverse("intake:provisional", args=[provisional.pk]) in listed.content.decode()
    page = coordinator.get(reverse("intake:provisional", args=[provisional.pk]))
    assert page.status_code == 200 and "Sam Newland" in page.content.decode()
    assert AuditEvent.objects.filter(
        actor=world.users.coordinator, action=AuditEvent.Action.VIEW, child_id=provisional.child_id
    ).exists()

    done = _confirm(coordinator, provisional, world)
    assert done.status_code == 302 and done["Location"] == reverse("children:detail", args=[provisional.child_id])
    child = Child.objects.get(pk=provisional.child_id)
    assert (child.la_child_id, child.living_arrangement, child.placement_council) == (
        "N007001",
        "foster_care",
        world.south,
    )
    assert child.version == provisional.child.version + 1
    confirmed = ProvisionalChild.objects.get(pk=provisional.pk)
    assert confirmed.confirmed_by == world.users.coordinator and confirmed.confirmed_at is not None
    changed = AuditEvent.objects.get(child_id=child.pk, summary="Child's record changed")
    assert changed.changes["la_child_id"] == ["P41-41-PROV-1", "N007001"]
    assert AuditEvent.objects.filter(
        child_id=child.pk, summary="Provisional record from a police report confirmed by the council"
    ).exists()
    # Confirmed: off the list, and its page is gone (a second confirmation cannot happen).
    assert (
        reverse("intake:provisional", args=[provisional.pk])
        not in coordinator.get(reverse("intake:provisional-list")).content.decode()
    )
    assert coordinator.get(reverse("intake:provisional", args=[provisional.pk])).status_code == 404


def test_a_colleagues_change_since_the_page_was_loaded_is_a_conflict_not_an_overwrite(world):
    provisional = make_provisional(world)
    loaded = provisional.child.version
    update_child(
        provisional.child, expected_version=loaded, acting_user=world.users.coordinator, living_arrangement="home"
    )
    response = _confirm(_client(world.users.coordinator), provisional, world, version=loaded)
    assert response.status_code == 409
    assert "Someone else changed this record after you opened it" in response.content.decode()
    child = Child.objects.get(pk=provisional.child_id)
    assert child.la_child_id == "P41-41-PROV-1" and child.living_arrangement == "home"
    assert ProvisionalChild.objects.get(pk=provisional.pk).confirmed_at is None


def test_confirming_twice_is_a_conflict(world):
    provisional = make_provisional(world)
    version = provisional.child.version
    confirm_provisional_child(
        provisional,
        la_child_id="N007001",
        living_arrangement="home",
        placement_council=world.north,
        expected_version=version,
        acting_user=world.users.coordinator,
    )
    with pytest.raises(ConflictError):
        confirm_provisional_child(
            provisional,
            la_child_id="N007002",
            living_arrangement="home",
            placement_council=world.north,
            expected_version=version + 1,
            acting_user=world.users.coordinator,
        )
    assert Child.objects.get(pk=provisional.child_id).la_child_id == "N007001"


def test_the_child_id_must_be_the_councils_own_and_not_another_childs(world):
    provisional = make_provisional(world)
    coordinator = _client(world.users.coordinator)
    taken = _confirm(coordinator, provisional, world, la_child_id=world.child.la_child_id)
    assert taken.status_code == 200
    assert "la_child_id" in taken.context["confirm_form"].errors
    placeholder = _confirm(coordinator, provisional, world, la_child_id="P41-41-PROV-1")
    assert "la_child_id" in placeholder.context["confirm_form"].errors
    blank = _confirm(coordinator, provisional, world, la_child_id="  ")
    assert "la_child_id" in blank.context["confirm_form"].errors
    assert ProvisionalChild.objects.get(pk=provisional.pk).confirmed_at is None
    assert Child.objects.get(pk=provisional.child_id).la_child_id == "P41-41-PROV-1"


@pytest.mark.parametrize(
    ("user", "status"),
    [("coordinator_south", 404), ("social_worker", 403), ("police", 403), ("manager", 403), ("analyst", 403)],
)
def test_only_the_responsible_councils_coordinator_may_open_or_confirm_it(world, user, status):
    provisional = make_provisional(world)
    client = _client(getattr(world.users, user))
    assert client.get(reverse("intake:provisional", args=[provisional.pk])).status_code == status
    assert _confirm(client, provisional, world).status_code == status
    assert ProvisionalChild.objects.get(pk=provisional.pk).confirmed_at is None
    listed = client.get(reverse("intake:provisional-list"))
    if status == 404:  # another council's coordinator has a list, without this record
        assert listed.status_code == 200
        assert reverse("intake:provisional", args=[provisional.pk]) not in listed.content.decode()
    else:
        assert listed.status_code == 403


def test_the_coordinator_goes_to_the_merge_page_with_the_childs_existing_record(world):
    existing = ChildFactory(
        first_name="Sam",
        last_name="Newland-Smith",
        date_of_birth="2012-06-05",  # day and month transposed by the police
        responsible_council=world.north,
        la_child_id="N005555",
    )
    provisional = make_provisional(world)
    coordinator = _client(world.users.coordinator)
    page = coordinator.get(reverse("intake:provisional", args=[provisional.pk])).content.decode()
    merge_url = reverse("children:merge", args=[existing.pk, provisional.child_id])
    assert merge_url in page  # offered as a likely match
    chosen = coordinator.post(
        reverse("intake:provisional", args=[provisional.pk]), {"choice": "merge", "existing": "N005555"}
    )
    assert chosen.status_code == 302 and chosen["Location"] == merge_url
    unknown = coordinator.post(
        reverse("intake:provisional", args=[provisional.pk]),
        {"choice": "merge", "existing": world.south_child.la_child_id},
    )
    assert "existing" in unknown.context["merge_form"].errors
    # Merged into the existing record: the provisional one is confirmed by the merge and leaves the list.
    merge_children(
        survivor=existing,
        merged=Child.objects.get(pk=provisional.child_id),
        survivor_version=existing.version,
        merged_version=Child.objects.get(pk=provisional.child_id).version,
        reason="The police did not know the council's record",
        acting_user=world.users.coordinator,
    )
    assert ProvisionalChild.objects.get(pk=provisional.pk).confirmed_at is not None
    assert coordinator.get(reverse("intake:provisional", args=[provisional.pk])).status_code == 404


def test_the_data_quality_list_shows_unconfirmed_provisional_records(world):
    provisional = make_provisional(world)
    groups = {group.slug: group for group in problems_for(world.users.coordinator)}
    items = groups["unconfirmed-provisional"].items
    assert [(item.child_ref, item.fix_url) for item in items] == [
        ("P41-41-PROV-1", reverse("intake:provisional", args=[provisional.pk]))
    ]
    # The council's analyst sees the child ID, no link; the other council sees nothing.
    analyst_items = {group.slug: group for group in problems_for(world.users.analyst)}["unconfirmed-provisional"]
    assert [(item.child_ref, item.fix_url) for item in analyst_items.items] == [("P41-41-PROV-1", "")]
    south = {group.slug: group for group in problems_for(world.users.coordinator_south)}
    assert south["unconfirmed-provisional"].items == []
    confirm_provisional_child(
        provisional,
        la_child_id="N007001",
        living_arrangement="home",
        placement_council=world.north,
        expected_version=provisional.child.version,
        acting_user=world.users.coordinator,
    )
    assert {group.slug: group for group in problems_for(world.users.coordinator)}["unconfirmed-provisional"].items == []
