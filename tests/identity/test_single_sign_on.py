"""Single sign-on against a real OpenID Connect provider (tests/identity/oidc_provider.py, over HTTP): accounts made
and kept in step from the provider's groups, the provider's MFA in place of Homeward's code step, accounts
deactivated when the provider stops vouching for them, and forged or replayed sign-ins refused."""

import pytest
import requests
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from access.models import ApiToken, AuditEvent, Role, User
from access.tokens import issue_token
from accounts.two_factor import PROVIDER_MFA_SESSION_KEY
from identity.actions import remove_group_mapping, set_active
from identity.models import ProviderAccount
from tests.factories import UserFactory
from tests.identity.conftest import ANALYSTS, COORDINATORS, SOUTH_COORDINATORS, sign_on

pytestmark = pytest.mark.django_db


def _my_work(client: Client):
    return client.get(reverse("core:my-work"))


def test_first_sign_on_makes_the_account_from_the_groups(provider, mappings, world):
    provider.add_person("alex.lee@northmoor.example", [COORDINATORS, ANALYSTS, "/unrelated"], given_name="Alex")
    client = Client()
    response = sign_on(client, provider, "alex.lee@northmoor.example")
    assert response.status_code == 302
    user = User.objects.get(username="alex.lee@northmoor.example")
    assert user.agency == world.north
    assert user.roles == {Role.COORDINATOR, Role.ANALYST}
    assert user.first_name == "Alex" and not user.has_usable_password()
    link = ProviderAccount.objects.get(user=user)
    assert link.issuer == provider.issuer and link.refresh_token  # stored (encrypted) for the provider check
    created = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_type="user", object_id=str(user.pk))
    assert "first single sign-on" in created.summary and created.actor is None
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN, actor=user).exists()
    # The provider asserted no MFA ("pwd" only): Homeward's own code step still stands.
    assert _my_work(client)["Location"].startswith(reverse("accounts:two-factor"))
    # The token never reaches the audit trail.
    assert not AuditEvent.objects.filter(changes__icontains=link.refresh_token).exists()


def test_the_providers_mfa_is_accepted_in_place_of_homewards_code(provider, mappings):
    provider.add_person("mfa.user", [COORDINATORS], amr=["pwd", "mfa"])
    client = Client()
    response = sign_on(client, provider, "mfa.user", next_url=reverse("children:search"))
    assert response.status_code == 302 and response["Location"] == reverse("children:search")
    assert _my_work(client).status_code == 200
    verified = AuditEvent.objects.get(action=AuditEvent.Action.TWO_FACTOR_VERIFIED)
    assert verified.summary == "Two-factor sign-in done at the identity provider (amr: mfa)"


def test_an_acr_level_counts_only_when_configured(provider, mappings, settings):
    provider.add_person("gold.user", [COORDINATORS], acr="gold")
    client = Client()
    sign_on(client, provider, "gold.user")
    assert _my_work(client).status_code == 302  # "gold" means nothing until the council says so
    settings.HOMEWARD_OIDC_MFA_ACR = ["gold"]
    client = Client()
    sign_on(client, provider, "gold.user")
    assert _my_work(client).status_code == 200
    assert client.session[PROVIDER_MFA_SESSION_KEY] == User.objects.get(username="gold.user").pk


def test_no_mapped_group_means_no_account(provider, mappings):
    provider.add_person("stranger", ["/somewhere/else"])
    response = sign_on(Client(), provider, "stranger")
    assert response.status_code == 403
    assert "in no group that gives a role in Homeward" in response.content.decode()
    assert not User.objects.filter(username="stranger").exists()
    refused = AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN_FAILED, summary__contains="no group")
    assert refused.exists()


def test_groups_at_two_agencies_are_refused(provider, mappings):
    provider.add_person("two.hats", [COORDINATORS, SOUTH_COORDINATORS])
    response = sign_on(Client(), provider, "two.hats")
    assert response.status_code == 403
    assert "more than one agency (Northmoor Council, Southvale Council)" in response.content.decode()
    assert not User.objects.filter(username="two.hats").exists()


def test_roles_follow_the_groups_at_every_sign_on(provider, mappings):
    person = provider.add_person("changing", [COORDINATORS])
    sign_on(Client(), provider, "changing")
    user = User.objects.get(username="changing")
    person.groups = [ANALYSTS]
    sign_on(Client(), provider, "changing")
    user = User.objects.get(pk=user.pk)
    assert user.roles == {Role.ANALYST} and user.version == 2
    event = AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE, object_id=str(user.pk)).last()
    assert event.changes == {"roles": [["coordinator"], ["analyst"]]}


def test_a_person_disabled_at_the_provider_cannot_sign_on(provider, mappings):
    provider.add_person("gone", [COORDINATORS], enabled=False)
    response = sign_on(Client(), provider, "gone")  # the provider answers access_denied
    assert response.status_code == 403
    assert not User.objects.filter(username="gone").exists()


def test_the_provider_check_deactivates_a_person_the_provider_disabled(provider, mappings):
    provider.add_person("leaver", [COORDINATORS])
    staying = provider.add_person("stayer", [COORDINATORS])
    client = Client()
    sign_on(client, provider, "leaver")
    sign_on(Client(), provider, "stayer")
    leaver = User.objects.get(username="leaver")
    token = issue_token(leaver)
    provider.disable("leaver")
    staying.groups = [ANALYSTS]  # a change of groups is picked up by the check too
    out = _run_check()
    assert "2 account(s)" in out and "1 still active, 1 deactivated" in out
    leaver.refresh_from_db()
    assert not leaver.is_active
    assert ProviderAccount.objects.get(user=leaver).disabled_by_provider_at is not None
    assert ApiToken.objects.get(user=leaver).revoked_at is not None
    assert Client().get("/api/v1/children", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert _my_work(client)["Location"].startswith(reverse("login"))  # the open session ends
    event = AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE, object_id=str(leaver.pk)).last()
    assert "deactivated: the identity provider refused its refresh token (invalid_grant)" in event.summary
    assert User.objects.get(username="stayer").roles == {Role.ANALYST}
    # Enabled again at the provider: the next sign-on reactivates the account (audited).
    provider.people["leaver"].enabled = True
    assert sign_on(Client(), provider, "leaver").status_code == 302
    leaver.refresh_from_db()
    assert leaver.is_active
    assert "reactivated: the identity provider signed them in again" in (
        AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE, object_id=str(leaver.pk)).last().summary
    )


def _run_check() -> str:
    from io import StringIO

    out = StringIO()
    call_command("check_identity_provider", stdout=out)
    return out.getvalue()


def test_the_check_deactivates_someone_left_in_no_mapped_group(provider, mappings, world):
    provider.add_person("moved", [ANALYSTS])
    sign_on(Client(), provider, "moved")
    remove_group_mapping(mappings["analysts"], acting_user=world.users.admin)
    _run_check()
    assert not User.objects.get(username="moved").is_active


def test_an_expired_refresh_token_is_not_taken_for_a_disabled_person(provider, mappings):
    provider.refresh_lifetime = 1
    provider.add_person("idle", [COORDINATORS])
    sign_on(Client(), provider, "idle")
    ProviderAccount.objects.update(refresh_expires_at="2000-01-01T00:00:00Z")
    provider.expire_refresh_tokens()
    assert "1 with an expired refresh token" in _run_check()
    assert User.objects.get(username="idle").is_active


def test_an_unreachable_provider_changes_nothing(provider, mappings, settings):
    provider.add_person("steady", [COORDINATORS])
    sign_on(Client(), provider, "steady")
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/token"  # nothing listens there
    with pytest.raises(CommandError, match="could not be checked"):
        _run_check()
    assert User.objects.get(username="steady").is_active


def test_an_account_an_administrator_deactivated_stays_deactivated(provider, mappings, world):
    provider.add_person("suspended", [COORDINATORS])
    sign_on(Client(), provider, "suspended")
    user = User.objects.get(username="suspended")
    set_active(user, acting_user=world.users.admin, expected_version=user.version, active=False, reason="suspended")
    response = sign_on(Client(), provider, "suspended")
    assert response.status_code == 403 and "This account is not active" in response.content.decode()
    assert not User.objects.get(pk=user.pk).is_active


def test_userinfo_refused_at_sign_on_deactivates_a_known_person(provider, mappings):
    provider.add_person("revoked", [COORDINATORS])
    sign_on(Client(), provider, "revoked")
    provider.refuse_userinfo = True
    response = sign_on(Client(), provider, "revoked")
    assert response.status_code == 403 and "would not confirm who you are" in response.content.decode()
    assert not User.objects.get(username="revoked").is_active


def test_a_local_account_with_the_same_username_is_not_taken_over(provider, mappings, world):
    UserFactory(username="coord.twin", agency=world.north, roles=[Role.COORDINATOR])
    provider.add_person("coord.twin", [COORDINATORS])
    response = sign_on(Client(), provider, "coord.twin")
    assert response.status_code == 403 and "already signs in with a password" in response.content.decode()
    assert not ProviderAccount.objects.exists()


@pytest.mark.parametrize("tamper", ["audience", "signature", "issuer"])
def test_a_forged_id_token_is_refused(provider, mappings, tamper):
    provider.add_person("target", [COORDINATORS], amr=["mfa"])
    provider.tamper = tamper
    response = sign_on(Client(), provider, "target")
    assert response.status_code in {400, 403}
    assert not User.objects.filter(username="target").exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN).exists()


def test_a_replayed_callback_is_refused(provider, mappings):
    provider.add_person("replay", [COORDINATORS])
    client = Client()
    start = client.get(reverse("identity:sign-on"))
    provider.signing_in = "replay"
    callback = requests.get(start["Location"], allow_redirects=False, timeout=10).headers["Location"]
    path = callback.removeprefix("http://testserver")
    assert client.get(path).status_code == 302
    other = Client()  # another browser with the same code and state: no such state in its session
    assert other.get(path).status_code in {302, 400, 403}
    assert not other.session.get("_auth_user_id")
    client.logout()
    again = client.get(path)  # the same browser again: the state was used up
    assert again.status_code in {400, 403} and not client.session.get("_auth_user_id")


def test_sign_on_is_off_unless_configured(world):
    client = Client()
    assert client.get(reverse("identity:sign-on")).status_code == 404
    assert client.get(reverse("identity:sign-on-callback")).status_code == 404
    assert "Sign in with" not in client.get(reverse("login")).content.decode()


def test_the_sign_in_page_offers_single_sign_on_when_configured(provider):
    page = Client().get(reverse("login")).content.decode()
    assert "Sign in with Test Keycloak" in page and reverse("identity:sign-on") in page


def test_local_accounts_still_sign_in_with_a_password_and_code(provider, mappings, world):
    from tests.two_factor import current_code, totp_device

    device = totp_device(world.users.coordinator)
    client = Client()
    response = client.post(reverse("login"), {"username": "coord.north", "password": "correct-horse-battery-staple-42"})
    assert response.status_code == 302
    response = client.post(reverse("accounts:two-factor"), {"code": current_code(device)})
    assert response.status_code == 302 and _my_work(client).status_code == 200


def test_refused_sign_ons_do_not_lock_out_the_address(provider, mappings, settings):
    """Many people with no mapped group behind one council address must not lock everyone else out."""
    settings.AXES_FAILURE_LIMIT = 2
    provider.add_person("nobody", ["/unmapped"])
    for _ in range(4):
        assert sign_on(Client(), provider, "nobody").status_code == 403
    provider.add_person("somebody", [COORDINATORS])
    assert sign_on(Client(), provider, "somebody").status_code == 302
    # Password sign-in is still throttled as before.
    client = Client()
    for _ in range(3):
        client.post(reverse("login"), {"username": "coord.north", "password": "wrong-password-123"})
    response = client.post(reverse("login"), {"username": "coord.north", "password": "correct-horse-battery-staple-42"})
    assert response.status_code == 429


def test_a_refresh_without_groups_keeps_the_roles(provider, mappings):
    """Entra ID sends groups only in id tokens, and a refresh may bring no new id token: the person is still
    vouched for, and nothing is taken from them for want of a groups claim."""
    provider.add_person("entra.style", [COORDINATORS])
    sign_on(Client(), provider, "entra.style")
    provider.id_token_on_refresh = False
    assert "1 still active" in _run_check()
    assert User.objects.get(username="entra.style").roles == {Role.COORDINATOR}
    provider.disable("entra.style")
    assert "1 deactivated" in _run_check()
