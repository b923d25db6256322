"""The one "child changed" hook (children.changes): subscribers hear of every change, at the moment they asked
for, and no action names them."""

import pytest
from django.db import transaction

from access.models import Role
from children import changes
from children.actions import add_child
from children.codes import Ethnicity, LegalStatus, LivingArrangement, Sex
from tests.factories import ChildFactory, UserFactory


@pytest.fixture
def heard(monkeypatch):
    """Subscribe a recorder at both moments, and forget it afterwards."""
    monkeypatch.setattr(changes, "_subscribers", dict(changes._subscribers))
    heard: dict[str, list[int]] = {"in_transaction": [], "on_commit": []}
    changes.subscribe("test: in", heard["in_transaction"].append, when="in_transaction")
    changes.subscribe("test: commit", heard["on_commit"].append, when="on_commit")
    return heard


def test_the_dashboard_and_the_risk_triggers_subscribe():
    assert {"dashboard roll-ups", "risk triggers"} <= set(changes._subscribers)


@pytest.mark.django_db
def test_in_transaction_subscribers_run_at_once_and_on_commit_ones_after_commit(
    world, heard, django_capture_on_commit_callbacks
):
    child = ChildFactory(responsible_council=world.north)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        changes.child_changed(child.pk)
        assert heard == {"in_transaction": [child.pk], "on_commit": []}
    assert heard == {"in_transaction": [child.pk], "on_commit": [child.pk]}


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_is_never_heard_after_commit(world, heard):
    child = ChildFactory(responsible_council=world.north)
    with pytest.raises(RuntimeError), transaction.atomic():
        changes.child_changed(child.pk)
        raise RuntimeError("the action failed")
    assert heard["on_commit"] == []


@pytest.mark.django_db
def test_adding_a_child_fires_the_hook(world, heard, django_capture_on_commit_callbacks):
    coordinator = UserFactory(agency=world.north, roles=[Role.COORDINATOR])
    with django_capture_on_commit_callbacks(execute=True):
        child = add_child(
            acting_user=coordinator,
            la_child_id="N900001",
            first_name="Sam",
            last_name="Hooktest",
            date_of_birth="2012-03-04",
            sex=Sex.MALE,
            ethnicity=Ethnicity.WBRI,
            legal_status=LegalStatus.LOOKED_AFTER,
            living_arrangement=LivingArrangement.FOSTER_CARE,
            responsible_council=world.north,
            placement_council=world.north,
        )
    assert heard == {"in_transaction": [child.pk], "on_commit": [child.pk]}


@pytest.mark.django_db
def test_a_deferred_block_tells_each_subscriber_once_per_child_on_flush(
    world, heard, monkeypatch, django_capture_on_commit_callbacks
):
    many: list[list[int]] = []
    singles: list[int] = []
    changes.subscribe("test: many", singles.append, when="in_transaction", many=many.append)
    first, second = ChildFactory(responsible_council=world.north), ChildFactory(responsible_council=world.north)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        with changes.deferred() as pending:
            for child in (first, second, first):
                changes.child_changed(child.pk)
            with changes.deferred() as inner:  # joins the outer block
                changes.child_changed(second.pk)
            assert inner is pending
            assert heard["in_transaction"] == [] and many == []
            assert pending.flush() == 2
            assert many == [sorted([first.pk, second.pk])]
            assert heard["in_transaction"] == [first.pk, second.pk]  # the one-at-a-time subscriber, once each
            changes.child_changed(first.pk)
        assert heard["in_transaction"] == [first.pk, second.pk, first.pk]  # flushed on leaving the block
        assert singles == [first.pk]  # one child: the one-at-a-time form
        assert heard["on_commit"] == []
    assert sorted(heard["on_commit"]) == sorted([first.pk, second.pk, first.pk])


@pytest.mark.django_db
def test_a_deferred_block_left_by_an_exception_tells_no_one(world, heard):
    child = ChildFactory(responsible_council=world.north)
    with pytest.raises(RuntimeError), transaction.atomic(), changes.deferred():
        changes.child_changed(child.pk)
        raise RuntimeError("the import failed")
    assert heard == {"in_transaction": [], "on_commit": []}


def test_a_deferred_block_needs_a_transaction():
    with pytest.raises(RuntimeError, match=r"inside transaction\.atomic"), changes.deferred():
        pass
