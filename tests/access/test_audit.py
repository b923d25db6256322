"""The audit trail is append-only and tamper-evident, and verify_audit proves it."""

import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from access.audit import GENESIS_HASH, first_broken_event, record_event, seal_pending_events
from access.models import AuditEvent


@pytest.fixture
def chain(world):
    """Four events, sealed as they are once their transaction commits (here the test's own transaction)."""
    events = [
        record_event(
            actor=world.users.coordinator,
            action=AuditEvent.Action.VIEW,
            obj=world.child,
            child_id=world.child.pk,
            summary=f"Event {n}",
        )
        for n in range(4)
    ]
    seal_pending_events()
    return [AuditEvent.objects.get(pk=event.pk) for event in events]


def test_events_chain_to_each_other(chain):
    assert [event.sequence for event in chain] == [1, 2, 3, 4]
    assert chain[0].previous_hash == GENESIS_HASH
    for earlier, later in itertools.pairwise(chain):
        assert later.previous_hash == earlier.hash
    assert first_broken_event() is None


def test_verify_audit_passes_an_intact_chain(chain, capsys):
    call_command("verify_audit")
    assert "Audit chain intact: 4 events verified" in capsys.readouterr().out


def test_application_cannot_change_or_delete_events(chain):
    event = chain[1]
    event.summary = "Rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


def _tamper(sql: str, params: list) -> None:
    """Go round the application, as an attacker with database access would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")  # a superuser switching triggers off
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


def test_verify_audit_names_an_altered_event(chain):
    _tamper("UPDATE access_auditevent SET summary = %s WHERE id = %s", ["Nothing to see", chain[2].pk])
    with pytest.raises(CommandError, match=f"broken at event {chain[2].pk} .*altered"):
        call_command("verify_audit")


def test_verify_audit_names_the_event_after_a_removed_one(chain):
    _tamper("DELETE FROM access_auditevent WHERE id = %s", [chain[1].pk])
    with pytest.raises(CommandError, match=f"broken at event {chain[2].pk} .*removed"):
        call_command("verify_audit")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database-level refusal is PostgreSQL's trigger")
@pytest.mark.parametrize(
    "sql", ["UPDATE access_auditevent SET summary = 'x' WHERE id = %s", "DELETE FROM access_auditevent WHERE id = %s"]
)
def test_postgresql_itself_refuses_changes(chain, sql):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [chain[0].pk])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database-level refusal is PostgreSQL's trigger")
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE access_auditevent SET hash = repeat('a', 64) WHERE id = %s",  # re-sealing a sealed event
        "UPDATE access_auditevent SET sequence = NULL, hash = NULL, previous_hash = NULL WHERE id = %s",  # unsealing
    ],
)
def test_postgresql_refuses_to_reseal_or_unseal(chain, sql):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [chain[0].pk])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database-level refusal is PostgreSQL's trigger")
def test_postgresql_lets_sealing_through_only_with_the_contents_unchanged(world):
    event = record_event(actor=None, action=AuditEvent.Action.VIEW, object_type="unsealed")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE access_auditevent SET sequence = 99, previous_hash = %s, hash = %s, summary = 'x' WHERE id = %s",
            [GENESIS_HASH, "b" * 64, event.pk],
        )
    assert seal_pending_events() == 1  # the real sealing, contents untouched, goes through
    assert first_broken_event(seal=False) is None
