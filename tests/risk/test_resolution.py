"""Alerts resolve themselves when they stop being true (the child found, the episode closed), with the reason
recorded and audited, and stay in the child's history; duration escalations respect the look-back; and an alert
can be handed to a colleague (optimistic locking)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from access.models import AuditEvent, Role
from core.errors import ConflictError
from episodes.actions import record_return
from episodes.codes import FoundBy
from risk.actions import acknowledge_alert, assign_alert
from risk.codes import AlertDecision, AlertKind
from risk.models import Alert
from risk.triggers import evaluate_child
from tests.factories import ChildFactory, UserFactory
from tests.risk.conftest import episode


@pytest.fixture
def young(world):
    return ChildFactory(
        first_name="Sam",
        last_name="Young",
        responsible_council=world.north,
        placement_council=world.north,
        date_of_birth=timezone.localdate() - dt.timedelta(days=365 * 10),
    )


def found(world, missing):
    return record_return(
        missing,
        returned_at=timezone.now() - dt.timedelta(minutes=5),
        found_place="Home",
        found_by=FoundBy.POLICE,
        expected_version=missing.version,
        acting_user=world.users.police,
    )


def test_a_duration_escalation_and_a_young_child_alert_resolve_when_the_child_is_found(world, young):
    missing = episode(world, child=young, last_seen_at=timezone.now() - dt.timedelta(hours=30))
    evaluate_child(young)
    kinds = set(Alert.objects.unacknowledged().filter(child=young).values_list("kind", flat=True))
    assert kinds == {AlertKind.MISSING_DURATION, AlertKind.YOUNG_CHILD}
    found(world, missing)
    evaluate_child(young)  # what the queued job does once the return commits
    assert not Alert.objects.unacknowledged().filter(child=young).exists()
    resolved = Alert.objects.filter(child=young).order_by("kind")
    assert [(a.kind, a.is_resolved) for a in resolved] == [
        (AlertKind.MISSING_DURATION, True),
        (AlertKind.YOUNG_CHILD, True),
    ]
    duration = resolved[0]
    assert duration.resolved_reason.startswith("The child was found or came back on")
    assert resolved[1].resolved_reason.startswith("The missing episode closed on")
    events = AuditEvent.objects.filter(object_type="alert", summary__startswith="Alert resolved itself")
    assert events.count() == 2 and all(e.actor is None and e.child_id == young.pk for e in events)
    evaluate_child(young)  # again: nothing more happens, nothing is raised again
    assert events.count() == 2 and Alert.objects.filter(child=young).count() == 2


def test_a_resolved_alert_stays_in_history_and_cannot_be_decided(client, world, young):
    missing = episode(world, child=young, last_seen_at=timezone.now() - dt.timedelta(hours=30))
    evaluate_child(young)
    found(world, missing)
    evaluate_child(young)
    alert = Alert.objects.get(child=young, kind=AlertKind.YOUNG_CHILD)
    client.force_login(world.users.coordinator)
    page = client.get(reverse("risk:acknowledge", args=[alert.pk])).content.decode()
    assert "This alert resolved itself" in page and "Record decision" not in page
    record = client.get(reverse("children:detail", args=[young.pk])).content.decode()
    assert "Earlier alerts (2)" in record and "resolved itself on" in record
    with pytest.raises(Exception, match="resolved itself"):
        acknowledge_alert(
            alert, decision=AlertDecision.NO_FURTHER_ACTION, reason="x", acting_user=world.users.coordinator
        )


def test_a_decided_alert_is_not_resolved_afterwards(world, young):
    missing = episode(world, child=young, last_seen_at=timezone.now() - dt.timedelta(hours=3))
    evaluate_child(young)
    alert = Alert.objects.get(child=young, kind=AlertKind.YOUNG_CHILD)
    acknowledge_alert(alert, decision=AlertDecision.STRATEGY_DISCUSSION_HELD, acting_user=world.users.coordinator)
    found(world, missing)
    evaluate_child(young)
    alert.refresh_from_db()
    assert alert.is_acknowledged and not alert.is_resolved


def test_other_alerts_stay_open_after_the_return(world):
    from episodes.codes import RiskGrade

    missing = episode(world, last_seen_at=timezone.now() - dt.timedelta(hours=3), grade=RiskGrade.HIGH)
    evaluate_child(world.child)
    found(world, missing)
    evaluate_child(world.child)
    assert Alert.objects.get(child=world.child, kind=AlertKind.HIGH_RISK).is_open


def test_duration_escalations_respect_the_look_back(world):
    """An episode left open for months (loaded from history) raises no escalation for times long past; one whose
    72-hour mark passed within the look-back does."""
    episode(world, last_seen_at=timezone.now() - dt.timedelta(days=200))
    assert evaluate_child(world.child) == []
    episode(world, child=world.placed_child, last_seen_at=timezone.now() - dt.timedelta(days=20))
    raised = evaluate_child(world.placed_child)
    assert sorted(a.threshold_hours for a in raised if a.kind == AlertKind.MISSING_DURATION) == [24, 72]


def test_an_alert_is_handed_to_a_colleague_and_a_stale_form_is_a_conflict(client, world):
    alert = Alert.objects.create(
        child=world.child,
        kind=AlertKind.HIGH_RISK,
        dedupe_key="hand-on",
        raised_at=timezone.now(),
        for_role=Role.COORDINATOR,
    )
    colleague = UserFactory(username="coord2.north", agency=world.north, roles=[Role.COORDINATOR])
    client.force_login(world.users.manager)
    url = reverse("risk:assign", args=[alert.pk])
    page = client.get(url).content.decode()
    assert str(colleague) in page and str(world.users.coordinator_south) not in page
    response = client.post(url, {"assigned_to": str(colleague.pk), "version": "1"})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.assigned_to == colleague and alert.version == 2
    stale = client.post(url, {"assigned_to": "nobody", "version": "1"})
    assert stale.status_code == 409
    with pytest.raises(ConflictError):
        assign_alert(alert, assignee=None, expected_version=1, acting_user=world.users.manager)
    with pytest.raises(Exception, match="Choose an active"):
        assign_alert(alert, assignee=world.users.social_worker, expected_version=2, acting_user=world.users.manager)
    client.force_login(world.users.social_worker)
    assert client.get(url).status_code == 403
    client.force_login(world.users.coordinator_south)
    assert client.get(url).status_code == 404
