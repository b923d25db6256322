"""The periodic provider check: does the identity provider still vouch for each person who signs on through it?

For every active account with a refresh token, Homeward asks the provider's token endpoint for new tokens (the
refresh token grant, RFC 6749 section 6). The provider refuses (`invalid_grant`) a person it has disabled or
deleted, or whose sessions it revoked: Homeward then deactivates the account (its sessions end at their next
request, its API tokens are revoked), audited. A new id token's groups update the agency and roles; no Homeward
role left deactivates too. A refresh token past the lifetime the provider gave it is not asked about (it would be
refused for age, not because the person was disabled): the next sign-on checks that person. A provider that
cannot be reached, or refuses Homeward itself (`invalid_client`), changes nothing: the check says so and the next
run tries again.

Run by `manage.py check_identity_provider` (from cron or a systemd timer, every 15 minutes) and as a daily job.
"""

from dataclasses import dataclass, field

import requests
from django.conf import settings
from django.utils import timezone

from identity.backends import ProviderBackend
from identity.models import ProviderAccount
from identity.provider import deactivate_for_provider, sync_after_check


@dataclass
class CheckResult:
    checked: int = 0
    still_vouched: int = 0
    deactivated: int = 0
    expired: int = 0
    failed: list[str] = field(default_factory=list)  # why the provider could not answer (never a token)

    def describe(self) -> str:
        text = (
            f"Checked {self.checked} account(s) at the identity provider: {self.still_vouched} still active, "
            f"{self.deactivated} deactivated, {self.expired} with an expired refresh token (checked at next sign-on)"
        )
        if self.failed:
            text += f"; {len(self.failed)} could not be checked: {'; '.join(sorted(set(self.failed)))}"
        return text


def accounts_to_check():
    return ProviderAccount.objects.filter(user__is_active=True).exclude(refresh_token="").select_related("user")


def check_all() -> CheckResult:
    result = CheckResult()
    if not settings.HOMEWARD_OIDC_ENABLED:
        return result
    backend = ProviderBackend()
    for link in accounts_to_check().iterator():
        if link.refresh_expires_at is not None and link.refresh_expires_at <= timezone.now():
            ProviderAccount.objects.filter(pk=link.pk).update(refresh_token="", refresh_expires_at=None)
            result.expired += 1
            continue
        result.checked += 1
        outcome = check_account(backend, link)
        if outcome == "deactivated":
            result.deactivated += 1
        elif outcome == "active":
            result.still_vouched += 1
        else:
            result.failed.append(outcome)
    return result


def check_account(backend: ProviderBackend, link: ProviderAccount) -> str:
    """ "active", "deactivated", or why the provider could not answer."""
    try:
        response = requests.post(
            settings.OIDC_OP_TOKEN_ENDPOINT,
            data={
                "grant_type": "refresh_token",
                "refresh_token": link.refresh_token,
                "client_id": settings.OIDC_RP_CLIENT_ID,
                "client_secret": settings.OIDC_RP_CLIENT_SECRET,
            },
            timeout=settings.OIDC_TIMEOUT,
        )
    except requests.RequestException as exc:
        return f"the identity provider could not be reached ({type(exc).__name__})"
    if response.status_code != 200:
        error = _error_code(response)
        if error == "invalid_grant":
            deactivate_for_provider(link, why="the identity provider refused its refresh token (invalid_grant)")
            return "deactivated"
        return f"the identity provider answered {response.status_code} {error}".strip()
    tokens = response.json()
    now = timezone.now()
    updates = {"last_checked_at": now}
    if tokens.get("refresh_token"):  # providers rotate refresh tokens: keep the newest
        link.refresh_token = tokens["refresh_token"]
        link.last_checked_at = now
        link.save(update_fields=["refresh_token", "last_checked_at"])
    else:
        ProviderAccount.objects.filter(pk=link.pk).update(**updates)
    claims = {}
    if tokens.get("id_token"):
        try:
            claims = backend.verify_token(tokens["id_token"])
        except Exception as exc:  # a bad token must not stop the other people's checks
            return f"the identity provider's new id token was refused ({type(exc).__name__})"
    try:
        userinfo = backend.get_userinfo(tokens.get("access_token"), tokens.get("id_token"), claims)
    except requests.RequestException as exc:
        status = getattr(getattr(exc, "response", None), "status_code", None)
        if status in (401, 403):
            deactivate_for_provider(link, why=f"the identity provider refused its userinfo ({status})")
            return "deactivated"
        return f"the identity provider's userinfo could not be read ({type(exc).__name__})"
    if any(str(answer.get("sub", link.subject)) != link.subject for answer in (claims, userinfo)):
        return "the identity provider answered about someone else"
    if settings.HOMEWARD_OIDC_GROUPS_CLAIM in claims or settings.HOMEWARD_OIDC_GROUPS_CLAIM in userinfo:
        sync_after_check(link, {**userinfo, **claims})
    # Else the provider sent no groups this time (Entra ID sends them in id tokens only, and may not send a new id
    # token on refresh): the person is still vouched for, and their roles are brought up to date at next sign-on.
    link.user.refresh_from_db(fields=["is_active"])
    return "active" if link.user.is_active else "deactivated"


def _error_code(response: requests.Response) -> str:
    try:
        return str(response.json().get("error", ""))[:60]
    except ValueError:
        return ""
