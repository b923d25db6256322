"""Single sign-on through the identity provider (OpenID Connect): who a person is there, what their groups give
them in Homeward, and keeping their Homeward account in step (created at first sign-on, roles and agency from the
group mappings every time, deactivated when the provider stops vouching for them).

Pages never call this directly: `identity.backends.ProviderBackend` (sign-on) and `identity.checks` (the periodic
check) do. Tokens are never audited or logged; the audit trail records what changed and why.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from access.audit import record_event
from access.models import Agency, AuditEvent, User
from identity.actions import USERNAME_PATTERN, _set_roles, set_active
from identity.models import GroupMapping, ProviderAccount


class SignOnRefused(Exception):
    """The person may not sign in through the provider; the message says why, in words they can act on."""


@dataclass(frozen=True)
class ProviderIdentity:
    """What the provider says about a person, from the verified id token and the userinfo answer."""

    issuer: str
    subject: str
    username: str
    first_name: str
    last_name: str
    email: str
    groups: tuple[str, ...]
    mfa_evidence: str  # "" unless the provider asserted multi-factor sign-in


def identity_from_claims(claims: dict) -> ProviderIdentity:
    """Read the claims Homeward uses. Entra ID sends `preferred_username` (the UPN), Keycloak the username."""
    if "_claim_names" in claims and settings.HOMEWARD_OIDC_GROUPS_CLAIM in claims.get("_claim_names", {}):
        raise SignOnRefused(
            "You are in too many groups for the identity provider to send them. Ask your administrator to send only "
            "the groups assigned to Homeward's application."
        )
    groups = claims.get(settings.HOMEWARD_OIDC_GROUPS_CLAIM) or []
    if isinstance(groups, str):
        groups = [groups]
    username = str(claims.get("preferred_username") or claims.get("email") or "").strip().lower()
    if not re.fullmatch(USERNAME_PATTERN, username):
        raise SignOnRefused("The identity provider sent no username Homeward can use. Ask your administrator.")
    return ProviderIdentity(
        issuer=str(claims.get("iss", "")),
        subject=str(claims.get("sub", "")),
        username=username,
        first_name=str(claims.get("given_name", ""))[:150],
        last_name=str(claims.get("family_name", ""))[:150],
        email=str(claims.get("email", ""))[:254],
        groups=tuple(sorted({str(group) for group in groups})),
        mfa_evidence=mfa_evidence(claims),
    )


def mfa_evidence(claims: dict) -> str:
    """What in the id token shows multi-factor sign-in at the provider ("amr: mfa", "acr: gold"), or ""."""
    amr = claims.get("amr") or []
    amr = [amr] if isinstance(amr, str) else [str(value) for value in amr]
    accepted = [value for value in amr if value in settings.HOMEWARD_OIDC_MFA_AMR]
    if accepted:
        return f"amr: {', '.join(accepted)}"
    acr = str(claims.get("acr", ""))
    if acr and acr in settings.HOMEWARD_OIDC_MFA_ACR:
        return f"acr: {acr}"
    return ""


NO_ROLE = "Your account at the identity provider is in no group that gives a role in Homeward. Ask your administrator."


def grants_for(groups: tuple[str, ...]) -> tuple[Agency, list[str]]:
    """The agency and roles the group mappings give these groups; SignOnRefused for none, or for several
    agencies (a person belongs to one agency in Homeward)."""
    mappings = list(GroupMapping.objects.filter(group__in=groups).select_related("agency"))
    if not mappings:
        raise SignOnRefused(NO_ROLE)
    agencies = {mapping.agency for mapping in mappings}
    if len(agencies) > 1:
        names = ", ".join(sorted(str(agency) for agency in agencies))
        raise SignOnRefused(
            f"Your groups at the identity provider give you roles at more than one agency ({names}). "
            "Ask your administrator: a person belongs to one agency in Homeward."
        )
    return agencies.pop(), sorted({mapping.role for mapping in mappings})


def _sync_grants(user: User, agency: Agency, roles: list[str], *, why: str) -> None:
    """Give the account the agency and roles its groups give it, audited when anything changed."""
    before = {"agency": str(user.agency) if user.agency_id else None, "roles": sorted(user.roles)}
    after = {"agency": str(agency), "roles": roles}
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if not changes:
        return
    user.agency = agency
    user.version += 1
    user.save(update_fields=["agency", "version"])
    _set_roles(user, roles)
    record_event(
        actor=None,
        action=AuditEvent.Action.UPDATE,
        obj=user,
        summary=f"Account {user.username}: agency and roles from the identity provider's groups ({why})",
        changes=changes,
    )


def sign_on(identity: ProviderIdentity, *, refresh_token: str = "", refresh_expires_in: int | None = None) -> User:
    """The Homeward account of the person the provider has just signed in: made at their first sign-on, with the
    agency and roles their groups give; reactivated if the provider's refusal had deactivated it. One transaction,
    audited. SignOnRefused for no role, a deactivated account, or a username a local account already uses."""
    agency, roles = grants_for(identity.groups)
    now = timezone.now()
    with transaction.atomic():
        link = (
            ProviderAccount.objects.select_for_update(no_key=True)
            .select_related("user")
            .filter(issuer=identity.issuer, subject=identity.subject)
            .first()
        )
        if link is None:
            user = _first_sign_on(identity, agency, roles)
            link = ProviderAccount(user=user, issuer=identity.issuer, subject=identity.subject)
        else:
            user = User.objects.select_for_update(no_key=True).get(pk=link.user_id)
            if not user.is_active:
                if link.disabled_by_provider_at is None:
                    raise SignOnRefused("This account is not active. Ask your administrator.")
                user = set_active(
                    user,
                    acting_user=None,
                    expected_version=user.version,
                    active=True,
                    reason="the identity provider signed them in again",
                )
                link.disabled_by_provider_at = None
            _sync_grants(user, agency, roles, why="at sign-on")
        link.refresh_token = refresh_token
        link.refresh_expires_at = now + dt.timedelta(seconds=refresh_expires_in) if refresh_expires_in else None
        link.last_signed_in_at = now
        link.save()
    return user


def _first_sign_on(identity: ProviderIdentity, agency: Agency, roles: list[str]) -> User:
    if User.objects.filter(username__iexact=identity.username).exists():
        raise SignOnRefused(
            f"A Homeward account with the username {identity.username} already signs in with a password. Ask your "
            "administrator to rename or deactivate it before you sign in through your organisation's account."
        )
    user = User(
        username=identity.username,
        first_name=identity.first_name,
        last_name=identity.last_name,
        email=identity.email,
        agency=agency,
    )
    user.set_unusable_password()  # signs in through the provider only
    user.save()
    _set_roles(user, roles)
    record_event(
        actor=None,
        action=AuditEvent.Action.CREATE,
        obj=user,
        summary=f"Account {user.username} made at first single sign-on, at {agency} ({', '.join(roles)})",
        changes={"agency": [None, str(agency)], "roles": [None, roles], "is_active": [None, True]},
    )
    return user


def deactivate_for_provider(link: ProviderAccount, *, why: str) -> None:
    """The provider no longer vouches for the person: deactivate the account (sessions end, API tokens revoked),
    remembered so that a later successful sign-on reactivates it. Audited with the reason."""
    with transaction.atomic():
        user = User.objects.select_for_update(no_key=True).get(pk=link.user_id)
        if user.is_active:
            set_active(user, acting_user=None, expected_version=user.version, active=False, reason=why)
        ProviderAccount.objects.filter(pk=link.pk).update(
            disabled_by_provider_at=timezone.now(), refresh_token="", refresh_expires_at=None
        )


def sync_after_check(link: ProviderAccount, claims: dict) -> None:
    """Bring the account's agency and roles in line with the groups the provider sends now; with no Homeward role
    left, deactivate it."""
    try:
        identity = identity_from_claims(claims)
        agency, roles = grants_for(identity.groups)
    except SignOnRefused as refused:
        deactivate_for_provider(link, why=f"at the provider check: {refused}")
        return
    with transaction.atomic():
        user = User.objects.select_for_update(no_key=True).get(pk=link.user_id)
        _sync_grants(user, agency, roles, why="at the provider check")
