"""The cross-border alert: a coordinator's child linked to a person or place already linked to children of
another council raises an alert (on the risk app's mechanism) saying how many and whom to contact, never who."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from network import actions
from network.codes import Confidence, LinkSource, PersonKind, Relationship
from network.models import ChildPersonLink
from risk import tasks
from risk.models import Alert
from risk.triggers import evaluate_child

LINK = {"source": LinkSource.SEEN_WITH, "confidence": Confidence.CONFIRMED}


def _cross_border(child):
    return list(Alert.objects.filter(child=child, kind="cross_border_link"))


def test_linking_a_child_to_a_person_linked_elsewhere_alerts_both_coordinators(
    world, net, monkeypatch, django_capture_on_commit_callbacks
):
    told = []
    monkeypatch.setattr(tasks, "enqueue_evaluation", told.append)
    assert evaluate_child(world.child) == []  # the placed child's link is police-only: nothing crosses yet
    with django_capture_on_commit_callbacks(execute=True):
        actions.link_child_to_person(
            acting_user=world.users.coordinator_south,
            child=world.south_child,
            person=net.council_person,
            linked_on=timezone.localdate(),
            **LINK,
        )
    # The triggers are asked to look again at the linked child and at the other council's child.
    assert world.south_child.pk in told and world.child.pk in told
    for child in set(told):
        evaluate_child(world.child.__class__.objects.get(pk=child))
    (south_alert,) = _cross_border(world.south_child)
    assert south_alert.for_role == "coordinator"
    assert south_alert.detail == (
        "This child is linked to a person also linked to 1 child of another council. Contact Northmoor Council."
    )
    (north_alert,) = _cross_border(world.child)
    assert north_alert.detail == (
        "This child is linked to a person also linked to 1 child of another council. Contact Southvale Council."
    )
    for alert in (south_alert, north_alert):
        assert world.child.first_name not in alert.detail and world.south_child.first_name not in alert.detail
        assert re.findall(r"\d+", alert.detail) == ["1"]  # the count, and no id
    # Once per child and person, however often the triggers run.
    assert evaluate_child(world.south_child) == []


def test_the_alert_page_says_how_many_and_whom_to_contact_never_who(client, world, net):
    actions.link_child_to_person(
        acting_user=world.users.coordinator_south,
        child=world.south_child,
        person=net.council_person,
        linked_on=timezone.localdate(),
        **LINK,
    )
    evaluate_child(world.south_child)
    client.force_login(world.users.coordinator_south)
    body = client.get(reverse("risk:alerts")).content.decode()
    assert "Linked to children of another council" in body and "Contact Northmoor Council" in body
    assert world.child.full_name not in body and world.placed_child.full_name not in body


def _old_link(world, child, person, days, user, **extra):
    return ChildPersonLink.objects.create(
        child=child,
        person=person,
        linked_on=timezone.localdate() - dt.timedelta(days=days),
        owning_agency=user.agency,
        recorded_by=user,
        **{**LINK, **extra},
    )


@pytest.mark.parametrize("days", [31, 400])
def test_history_loaded_in_bulk_raises_nothing_for_long_past_links(world, days):
    person = actions.add_person(acting_user=world.users.coordinator, kind=PersonKind.ADULT, display_name="Old")
    _old_link(world, world.child, person, days, world.users.coordinator)
    _old_link(world, world.south_child, person, days + 5, world.users.coordinator_south)
    assert _cross_border(world.child) == [] and evaluate_child(world.child) == []
    assert evaluate_child(world.south_child) == []
    # A new link today to the same person does raise it: the group is live again.
    _old_link(world, world.south_child, person, 0, world.users.coordinator_south, source=LinkSource.FOUND_WITH)
    assert [a.kind for a in evaluate_child(world.south_child)] == ["cross_border_link"]


def test_family_police_only_and_same_council_links_raise_nothing(world, net):
    aunt = actions.add_person(acting_user=world.users.coordinator, kind=PersonKind.ADULT, display_name="Aunt")
    _old_link(world, world.child, aunt, 1, world.users.coordinator, relationship=Relationship.FAMILY_CARER)
    _old_link(world, world.south_child, aunt, 1, world.users.coordinator_south, relationship=Relationship.FAMILY_CARER)
    # Police-only intelligence: never surfaced to a coordinator this way.
    _old_link(world, world.south_child, net.police_only_person, 1, world.users.police_south)
    # Two children of the same council (the placed child is Southvale's, as is the south child).
    shared = actions.add_person(acting_user=world.users.coordinator_south, kind=PersonKind.PEER, display_name="Peer")
    _old_link(world, world.south_child, shared, 1, world.users.coordinator_south)
    _old_link(world, world.placed_child, shared, 1, world.users.coordinator_south)
    assert evaluate_child(world.child) == []
    assert evaluate_child(world.south_child) == []
