"""The API credentials page (issue 17): an administrator registers a system client or issues a person a token,
with scopes and an expiry; the token is shown once; the list shows each token's scopes, agency, expiry and last
use; revoking a token stops it at once; every step is audited; and another agency's tokens are out of reach."""

import datetime as dt
import re

from django.utils import timezone

from access.models import ApiClient as SystemClient
from access.models import ApiToken, AuditEvent, Role
from access.tokens import create_client, issue_token
from tests.api.conftest import ApiClient
from tests.factories import UserFactory

PAGE = "/administration/api-credentials/"


def _shown_token(html: str) -> str | None:
    found = re.search(r'data-testid="new-token">([^<]+)<', html)
    return found.group(1) if found else None


def _row(html: str, prefix: str) -> str:
    """The table row of the token whose prefix is given, as text."""
    for row in re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', html, re.S):
        if f"<code>{prefix}…</code>" in row:
            return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))
    raise AssertionError(f"no row for {prefix}")


def test_a_system_client_is_registered_with_scopes_and_expiry_and_its_token_is_shown_once(world, client):
    client.force_login(world.users.admin)
    expires = timezone.localdate() + dt.timedelta(days=90)
    response = client.post(
        PAGE,
        {
            "form": "client",
            "client-client_name": "Northmoor CMS",
            "client-role": Role.COORDINATOR,
            "client-name": "Nightly load",
            "client-scopes": ["children:read", "episodes:read"],
            "client-expires_on": expires.strftime("%d/%m/%Y"),
        },
        follow=True,
    )
    html = response.content.decode()
    token = _shown_token(html)
    assert token, "the new token is shown"
    assert _shown_token(client.get(PAGE).content.decode()) is None  # once only

    system = SystemClient.objects.get(name="Northmoor CMS")
    stored = ApiToken.objects.get(client=system)
    assert (system.agency, stored.agency, system.service_user.roles) == (world.north, world.north, {Role.COORDINATOR})
    assert sorted(stored.scopes) == ["children:read", "episodes:read"]
    assert timezone.localtime(stored.expires_at).date() == expires
    assert token not in str(stored.__dict__)  # only the digest is kept
    row = _row(html, stored.prefix)
    assert "Northmoor CMS (system)" in row and world.north.name in row
    assert "children:read, episodes:read" in row and expires.strftime("%-d %b %Y") in row and "Never" in row

    api = ApiClient(token)
    assert api.get("/children").status_code == 200
    assert api.get("/return-interviews").status_code == 403  # no interviews:read
    used = _row(client.get(PAGE).content.decode(), stored.prefix)
    assert "Never" not in used and timezone.localtime().strftime("%-d %b %Y") in used  # last used, to the minute

    audited = AuditEvent.objects.filter(actor=world.users.admin)
    assert audited.filter(action=AuditEvent.Action.CREATE, object_id=str(system.pk)).exists()
    assert audited.filter(action=AuditEvent.Action.TOKEN).exists()
    assert not AuditEvent.objects.filter(summary__contains=token).exists()


def test_a_person_is_issued_a_token_and_bad_input_names_each_field(world, client):
    client.force_login(world.users.admin)
    refused = client.post(PAGE, {"form": "person", "person-person": "", "person-expires_on": "31/2/2027"})
    assert refused.status_code == 400
    html = refused.content.decode()
    for message in ("Choose a person", "Choose at least one thing the token may do", "Enter a date such as 31/3/2027"):
        assert message in html, message
    assert not ApiToken.objects.exists()

    response = client.post(
        PAGE,
        {
            "form": "person",
            "person-person": world.users.analyst.pk,
            "person-scopes": ["children:read"],
            "person-expires_on": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
        },
        follow=True,
    )
    token = _shown_token(response.content.decode())
    assert token and ApiToken.objects.get().user == world.users.analyst
    assert ApiClient(token).get("/children").status_code == 200


def test_revoking_a_token_stops_it_at_once_and_is_audited(world, client):
    token = issue_token(world.users.coordinator, scopes=["children:read"], acting_user=world.users.admin)
    stored = ApiToken.objects.get()
    assert ApiClient(token).get("/children").status_code == 200
    client.force_login(world.users.admin)
    assert client.get(f"{PAGE}{stored.pk}/revoke/").status_code == 405  # a change is a POST
    assert client.post(f"{PAGE}{stored.pk}/revoke/").status_code == 302
    assert ApiClient(token).get("/children").status_code == 401
    stored.refresh_from_db()
    assert stored.revoked_at is not None
    assert AuditEvent.objects.filter(
        actor=world.users.admin, action=AuditEvent.Action.TOKEN_REVOKED, object_id=str(stored.pk)
    ).exists()
    assert "Revoked" in _row(client.get(PAGE).content.decode(), stored.prefix)


def test_another_agencys_tokens_are_neither_listed_nor_revocable(world, client):
    south_admin = UserFactory(username="admin.south", agency=world.south, roles=[Role.ADMINISTRATOR])
    token = issue_token(world.users.coordinator, scopes=["children:read"], acting_user=world.users.admin)
    stored = ApiToken.objects.get()
    client.force_login(south_admin)
    assert f"<code>{stored.prefix}…</code>" not in client.get(PAGE).content.decode()
    assert client.post(f"{PAGE}{stored.pk}/revoke/").status_code == 404
    assert ApiClient(token).get("/children").status_code == 200
    client.force_login(world.users.coordinator)
    assert client.get(PAGE).status_code == 403


def test_revoking_a_system_client_stops_its_tokens_and_its_account_and_is_audited(world, client):
    system = create_client(
        name="Northmoor CMS", agency=world.north, role=Role.COORDINATOR, acting_user=world.users.admin
    )
    token = issue_token(system.service_user, client=system, scopes=["children:read"], acting_user=world.users.admin)
    assert ApiClient(token).get("/children").status_code == 200
    south_admin = UserFactory(username="admin.south", agency=world.south, roles=[Role.ADMINISTRATOR])
    client.force_login(south_admin)
    assert client.post(f"{PAGE}clients/{system.pk}/revoke/").status_code == 404  # another agency's client
    client.force_login(world.users.admin)
    assert client.get(f"{PAGE}clients/{system.pk}/revoke/").status_code == 405
    response = client.post(f"{PAGE}clients/{system.pk}/revoke/", follow=True)
    assert "Northmoor CMS was revoked" in response.content.decode()
    assert ApiClient(token).get("/children").status_code == 401
    system.refresh_from_db()
    system.service_user.refresh_from_db()
    assert system.revoked_at is not None and not system.service_user.is_active
    assert ApiToken.objects.get(client=system).revoked_at is not None
    assert AuditEvent.objects.filter(
        actor=world.users.admin,
        action=AuditEvent.Action.UPDATE,
        object_id=str(system.pk),
        summary="System client revoked",
    ).exists()
    assert f"clients/{system.pk}/revoke/" not in client.get(PAGE).content.decode()  # nothing left to revoke
