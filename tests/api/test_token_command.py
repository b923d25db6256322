"""manage.py create_api_token: the token is printed once, only its digest is kept, and the issue is audited."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from access.models import ApiToken, AuditEvent
from tests.api.conftest import ApiClient


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("create_api_token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_prints_just_the_token_and_stores_only_its_digest(world):
    out, err = run("coord.north")
    lines = out.splitlines()
    assert len(lines) == 1
    token = lines[0]
    assert len(token) >= 40
    stored = ApiToken.objects.get()
    assert stored.user == world.users.coordinator
    assert stored.digest == ApiToken.digest_of(token)
    assert stored.prefix == token[:8]
    assert stored.revoked_at is None
    assert token not in err
    assert ApiClient(token).get("/children").status_code == 200


def test_issue_is_audited_without_the_token(world):
    out, _ = run("police.north")
    token = out.strip()
    event = AuditEvent.objects.get(action=AuditEvent.Action.TOKEN)
    assert event.actor == world.users.police
    assert event.object_type == "apitoken"
    assert event.channel == "command"
    recorded = f"{event.summary} {event.changes} {event.object_id} {event.path}"
    assert token not in recorded
    assert token[:8] not in recorded


def test_each_run_issues_a_new_token_and_keeps_the_old_ones(world):
    first = run("coord.north")[0].strip()
    second = run("coord.north")[0].strip()
    assert first != second
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 2
    assert ApiClient(first).get("/children").status_code == 200


def test_revoke_existing_revokes_only_that_users_earlier_tokens(world):
    old = run("coord.north")[0].strip()
    someone_else = run("police.north")[0].strip()
    new = run("coord.north", "--revoke-existing")[0].strip()
    assert ApiClient(old).get("/children").status_code == 401
    assert ApiClient(new).get("/children").status_code == 200
    assert ApiClient(someone_else).get("/children").status_code == 200
    event = AuditEvent.objects.filter(action=AuditEvent.Action.TOKEN).last()
    assert "1 earlier token revoked" in event.summary


def test_unknown_user_is_a_clear_error(world):
    with pytest.raises(CommandError, match="no user with the username 'nobody'"):
        run("nobody")
    assert not ApiToken.objects.exists()


def test_inactive_user_gets_no_token(world):
    world.users.analyst.is_active = False
    world.users.analyst.save()
    with pytest.raises(CommandError, match="inactive"):
        run("analyst.north")
    assert not ApiToken.objects.exists()
