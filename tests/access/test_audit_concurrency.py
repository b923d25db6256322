"""The audit chain holds no lock for the length of a transaction (issue 13), and is still complete.

These tests use real commits (transaction=True) and, on PostgreSQL, a second connection in a thread: one
transaction is held open while another commits beside it. Each waits at most a couple of seconds
(`lock_timeout`), so a regression fails with a lock timeout instead of hanging the suite.
"""

import threading
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction

from access import audit
from access.audit import first_broken_event, record_event, seal_pending_events, unsealed_events
from access.models import AuditEvent, Role
from core.concurrency import lock_at_version
from episodes.models import MissingEpisode
from risk.models import Alert, AlertKind

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row and advisory locks across connections are PostgreSQL's"
)


class OtherConnection:
    """Run `work` in a transaction on a new connection in a thread; hold it open until `release()`."""

    def __init__(self, work: Callable[[], None]) -> None:
        self.errors: list[BaseException] = []
        self._holding, self._release = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=self._run, args=(work,))
        self._thread.start()
        assert self._holding.wait(10), "the other transaction never started"

    def _run(self, work: Callable[[], None]) -> None:
        try:
            with transaction.atomic():
                work()
                self._holding.set()
                self._release.wait(10)
        except BaseException as exc:  # reported to the test through .errors
            self.errors.append(exc)
        finally:
            self._holding.set()
            connections.close_all()

    def release(self) -> list[BaseException]:
        self._release.set()
        self._thread.join(10)
        return self.errors


def _lock_timeout(seconds: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = '{seconds}s'")


@pytest.mark.django_db(transaction=True)
def test_events_are_sealed_into_the_chain_when_their_transaction_commits(world):
    with transaction.atomic():
        event = record_event(actor=world.users.coordinator, action=AuditEvent.Action.VIEW, obj=world.child)
        second = record_event(actor=world.users.police, action=AuditEvent.Action.VIEW, obj=world.child)
        assert AuditEvent.objects.get(pk=event.pk).hash is None  # not yet: the chain is sealed at commit
    sealed = AuditEvent.objects.filter(pk__in=[event.pk, second.pk]).order_by("sequence")
    assert [row.pk for row in sealed] == [event.pk, second.pk]
    assert all(row.hash and row.previous_hash for row in sealed)
    assert unsealed_events() == 0
    assert first_broken_event(seal=False) is None


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_leaves_no_event_and_no_gap(world):
    record_event(actor=None, action=AuditEvent.Action.VIEW, object_type="before")
    with pytest.raises(RuntimeError), transaction.atomic():
        record_event(actor=None, action=AuditEvent.Action.VIEW, object_type="rolled-back")
        raise RuntimeError("the change failed")
    record_event(actor=None, action=AuditEvent.Action.VIEW, object_type="after")
    assert list(AuditEvent.objects.order_by("sequence").values_list("object_type", "sequence")) == [
        ("before", 1),
        ("after", 2),
    ]
    assert first_broken_event(seal=False) is None


@pytest.mark.django_db(transaction=True)
def test_an_event_whose_sealing_never_ran_is_sealed_by_the_sweep(world, monkeypatch):
    """The process died after its transaction committed and before sealing: the event is there, and the
    scheduler's sweep (or verify_audit) seals it into the chain."""
    monkeypatch.setattr(audit, "_seal_after_commit", lambda: None)
    with transaction.atomic():
        event = record_event(actor=world.users.coordinator, action=AuditEvent.Action.VIEW, obj=world.child)
    assert unsealed_events() == 1
    monkeypatch.undo()
    assert seal_pending_events() == 1
    assert AuditEvent.objects.get(pk=event.pk).sequence is not None
    call_command("verify_audit")


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_an_open_transaction_does_not_hold_up_another_writers_audit(world):
    """Before issue 13 every event took one advisory lock until its transaction ended: every request queued."""
    other = OtherConnection(
        lambda: record_event(actor=world.users.police, action=AuditEvent.Action.VIEW, obj=world.child)
    )
    try:
        with transaction.atomic():
            _lock_timeout(2)
            mine = record_event(actor=world.users.coordinator, action=AuditEvent.Action.VIEW, obj=world.child)
        assert AuditEvent.objects.get(pk=mine.pk).sequence is not None  # sealed while the other is still open
    finally:
        errors = other.release()
    assert errors == []
    assert unsealed_events() == 0  # the other one sealed itself when it committed
    assert first_broken_event(seal=False) is None


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_worker_raising_an_alert_does_not_wait_for_a_locked_episode(world, open_episode):
    """Issue 13's deadlock: the return endpoint locks the episode (version check) and writes audit; the job
    worker inserts an alert on that episode and writes audit, and its foreign-key check at commit needs a
    key-share lock on the episode row. With FOR NO KEY UPDATE and no chain lock inside transactions, neither
    waits for the other."""

    def return_endpoint() -> None:
        episode = lock_at_version(MissingEpisode, open_episode.pk, open_episode.version)
        record_event(actor=world.users.police, action=AuditEvent.Action.UPDATE, obj=episode, child_id=world.child.pk)

    other = OtherConnection(return_endpoint)
    try:
        with transaction.atomic():
            _lock_timeout(2)
            alert = Alert.objects.create(
                child=world.child,
                episode=open_episode,
                kind=AlertKind.values[0],
                dedupe_key="issue-13-deadlock",
                for_role=Role.COORDINATOR,
                raised_at=open_episode.reported_at,
            )
            record_event(actor=None, action=AuditEvent.Action.CREATE, obj=alert, child_id=world.child.pk)
        # committed (the deferred foreign-key check included) while the episode is still locked
    finally:
        errors = other.release()
    assert errors == []
    assert first_broken_event() is None
