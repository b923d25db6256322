"""Sensitive free text is encrypted at rest, readable through the application, and rotates without loss."""

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from core.encryption import PREFIX
from interviews.models import ReturnInterview
from tests.factories import InterviewFactory

NARRATIVE = "She stayed at a flat on Canal Street with two older men."


def raw_narrative(interview_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT narrative FROM interviews_returninterview WHERE id = %s", [interview_id])
        return cursor.fetchone()[0]


@pytest.fixture
def interview(world):
    return InterviewFactory(child=world.child, narrative=NARRATIVE, disclosure_details="Given a phone")


def test_stored_encrypted_read_back_in_clear(interview):
    stored = raw_narrative(interview.pk)
    assert stored.startswith(PREFIX)
    assert "Canal Street" not in stored
    assert ReturnInterview.objects.get(pk=interview.pk).narrative == NARRATIVE


def test_empty_text_stays_empty(world):
    interview = InterviewFactory(child=world.child)
    assert raw_narrative(interview.pk) == ""


def test_rotate_keys_moves_every_value_to_the_new_key(interview, settings, capsys):
    old_key = settings.HOMEWARD_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.HOMEWARD_ENCRYPTION_KEYS = [new_key, old_key]
    before = raw_narrative(interview.pk)
    call_command("rotate_keys")
    assert "interviews.ReturnInterview: re-encrypted 1 rows; 0 left on an old key" in capsys.readouterr().out
    after = raw_narrative(interview.pk)
    assert after != before
    settings.HOMEWARD_ENCRYPTION_KEYS = [new_key]  # the old key is retired: nothing is lost
    assert ReturnInterview.objects.get(pk=interview.pk).narrative == NARRATIVE
    call_command("rotate_keys", "--check")
    assert "interviews.ReturnInterview: 0 rows not on the primary key" in capsys.readouterr().out


def test_plain_text_from_before_encryption_is_encrypted_by_rotation(interview, capsys):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE interviews_returninterview SET narrative = %s WHERE id = %s", ["Legacy", interview.pk])
    call_command("rotate_keys")
    assert raw_narrative(interview.pk).startswith(PREFIX)
    assert ReturnInterview.objects.get(pk=interview.pk).narrative == "Legacy"
