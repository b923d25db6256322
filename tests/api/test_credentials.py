"""Token scopes, expiry, agency and system clients; every use audited."""

import datetime as dt

from django.utils import timezone

from access.models import ApiToken, AuditEvent, Role
from access.tokens import create_client, issue_token, revoke_client, revoke_token
from tests.api.conftest import ApiClient


def test_a_token_without_the_scope_gets_403_naming_it(world):
    client = ApiClient(issue_token(world.users.coordinator, scopes=["children:read"]))
    assert client.get("/children").status_code == 200
    assert client.post("/children/search", {"text": "Jordan"}).status_code == 200
    response = client.get("/episodes")
    assert response.status_code == 403
    assert "episodes:read" in response.json()["detail"]


def test_expired_revoked_or_moved_tokens_get_401(world):
    token = issue_token(world.users.coordinator, expires_at=timezone.now() + dt.timedelta(hours=1))
    assert ApiClient(token).get("/children").status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert ApiClient(token).get("/children").status_code == 401

    moved = issue_token(world.users.social_worker)
    type(world.users.social_worker).objects.filter(pk=world.users.social_worker.pk).update(agency=world.south)
    assert ApiClient(moved).get("/children").status_code == 401

    revoked = issue_token(world.users.manager)
    revoke_token(ApiToken.objects.get(user=world.users.manager), acting_user=world.users.admin)
    assert ApiClient(revoked).get("/children").status_code == 401


def test_a_system_client_sees_what_its_role_sees_and_every_use_is_audited(world):
    system = create_client(
        name="Northmoor CMS", agency=world.north, role=Role.COORDINATOR, acting_user=world.users.admin
    )
    token = issue_token(system.service_user, client=system, scopes=["children:read"], acting_user=world.users.admin)
    client = ApiClient(token)
    ids = {c["id"] for c in client.get("/children").json()["items"]}
    assert world.child.pk in ids and world.south_child.pk not in ids
    assert client.get(f"/children/{world.south_child.pk}").status_code == 404
    uses = AuditEvent.objects.filter(action=AuditEvent.Action.API_CALL, actor=system.service_user)
    assert uses.count() == 2
    assert not system.service_user.has_usable_password()
    revoke_client(system, acting_user=world.users.admin)
    assert client.get("/children").status_code == 401


def test_the_token_page_offers_the_task_and_notification_scopes_and_older_tokens_keep_only_theirs(world, client):
    """Issue 11/17: the administrator can grant `tasks:read`, `notifications:read` and `notifications:write`; a token
    issued before those scopes existed (or without them) is refused them: scopes are deny-by-default, never added
    to a token afterwards."""
    client.force_login(world.users.admin)
    html = client.get("/administration/api-credentials/").content.decode()
    for scope in ("tasks:read", "notifications:read", "notifications:write"):
        assert f'value="{scope}"' in html, scope
    older = ["children:read", "episodes:read", "interviews:read", "risk:read"]  # as granted before tasks existed
    token = ApiClient(issue_token(world.users.coordinator, scopes=older))
    assert token.get("/children").status_code == 200
    for path in ("/tasks", "/notifications"):
        refused = token.get(path)
        assert refused.status_code == 403, path
        assert path.strip("/") + ":read" in refused.json()["detail"]
    granted = ApiClient(issue_token(world.users.coordinator, scopes=["tasks:read", "notifications:read"]))
    assert granted.get("/tasks").status_code == 200 and granted.get("/notifications").status_code == 200
