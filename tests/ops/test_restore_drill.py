"""The restore drill restores a real backup into a fresh PostgreSQL database and proves it (docs/operations.md)."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from access.audit import seal_pending_events
from tests.factories import InterviewFactory

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump and pg_restore: PostgreSQL only")

DRILL_DB = "homeward_ops_drill"


@pytest.fixture
def records(world, open_episode):
    """Committed records with encrypted text and audit events, as a backup would find them."""
    interview = InterviewFactory(child=world.child, covering=[open_episode])
    interview.not_offered_reason = "Encrypted at rest: only the right keys open it"
    interview.save()
    with connection.cursor() as cursor:
        cursor.execute("SELECT not_offered_reason FROM interviews_returninterview WHERE id = %s", [interview.pk])
        assert cursor.fetchone()[0].startswith("enc1:")  # stored encrypted
    seal_pending_events()
    return interview


@pytest.mark.django_db(transaction=True)
def test_the_drill_restores_and_proves_the_data_the_chain_and_the_keys(records, tmp_path):
    out = io.StringIO()
    call_command("restore_drill", target_db=DRILL_DB, backup_dir=str(tmp_path / "backup"), stdout=out)
    text = out.getvalue()
    assert "Audit chain intact" in text
    assert "Row counts match the backup" in text
    assert "encrypted values decrypted" in text
    assert "Restore drill passed" in text
    assert (tmp_path / "backup" / "encryption_keys").stat().st_mode & 0o077 == 0  # the owner's alone


@pytest.mark.django_db(transaction=True)
def test_the_drill_fails_when_the_keys_in_the_backup_are_wrong(records, tmp_path, settings):
    """A backup without the right keys is a backup whose sensitive text is lost: the drill must say so."""
    real = settings.HOMEWARD_ENCRYPTION_KEYS
    settings.HOMEWARD_ENCRYPTION_KEYS = ["x4KMp_Sz-fTxsjpvSbdbRzm0uA06b5yX8-xbqjz8BCg="]  # not the key the data used
    try:
        with pytest.raises(CommandError, match=r"cannot be read with the backed-up keys|cannot be decrypted"):
            call_command("restore_drill", target_db=DRILL_DB, backup_dir=str(tmp_path / "b"), stdout=io.StringIO())
    finally:
        settings.HOMEWARD_ENCRYPTION_KEYS = real
