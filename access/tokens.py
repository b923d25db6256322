"""Issuing and revoking API credentials: tokens for people and for system clients (the business rules of API
access, called by the `create_api_token` command and the administrator's credentials page).

The token itself is returned once and never stored: only its SHA-256 digest is kept. Every issue, revocation and
(in api.auth) use is audited; the audit records the token's id, never the token or its prefix."""

import secrets
from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from access.audit import record_event
from access.models import (
    ROLE_AGENCY_KINDS,
    Agency,
    ApiClient,
    ApiScope,
    ApiToken,
    AuditEvent,
    Role,
    RoleAssignment,
    User,
)

PREFIX_LENGTH = 8
ALL_SCOPES: tuple[str, ...] = tuple(ApiScope.values)


def _checked_scopes(scopes: Iterable[str] | None) -> list[str]:
    chosen = sorted(set(ALL_SCOPES if scopes is None else scopes))
    unknown = [scope for scope in chosen if scope not in ALL_SCOPES]
    if unknown:
        raise ValidationError({"scopes": f"Unknown scope: {', '.join(unknown)}"})
    if not chosen:
        raise ValidationError({"scopes": "Choose at least one scope"})
    return chosen


def issue_token(
    user: User,
    *,
    revoke_existing: bool = False,
    scopes: Iterable[str] | None = None,
    expires_at: datetime | None = None,
    name: str = "",
    client: ApiClient | None = None,
    acting_user: User | None = None,
) -> str:
    """Create a bearer token for `user` (or for `client`, whose service account `user` must be) and return it;
    optionally revoke the user's earlier tokens first. Without `scopes` the token has every scope."""
    chosen = _checked_scopes(scopes)
    if client is not None and client.service_user_id != user.pk:
        raise ValidationError("A system client's token belongs to its service account")
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": "The expiry must be in the future"})
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        revoked = 0
        if revoke_existing:
            revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        api_token = ApiToken.objects.create(
            user=user,
            client=client,
            name=name,
            scopes=chosen,
            agency=user.agency,
            expires_at=expires_at,
            created_by=acting_user,
            digest=ApiToken.digest_of(token),
            prefix=token[:PREFIX_LENGTH],
        )
        summary = f"API token issued{' to ' + client.name if client else ''}"
        if revoke_existing:
            summary += f"; {revoked} earlier token{'s' if revoked != 1 else ''} revoked"
        changes: dict = {"scopes": [None, chosen]}
        if revoke_existing:
            changes["revoked_tokens"] = [None, revoked]
        record_event(
            actor=acting_user or user,
            action=AuditEvent.Action.TOKEN,
            obj=api_token,
            summary=summary,
            changes=changes,
        )
    return token


def revoke_token(api_token: ApiToken, *, acting_user: User) -> None:
    """Revoke a token (idempotent: revoking a revoked token changes nothing and records nothing)."""
    with transaction.atomic():
        if not ApiToken.objects.filter(pk=api_token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now()):
            return
        record_event(
            actor=acting_user, action=AuditEvent.Action.TOKEN_REVOKED, obj=api_token, summary="API token revoked"
        )
    api_token.refresh_from_db()


def create_client(*, name: str, agency: Agency, role: str, acting_user: User) -> ApiClient:
    """Register a system client with a service account holding `role` at `agency` (the client then sees what a
    person with that role there sees). The service account has no usable password: it cannot sign in."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Enter the system's name"})
    if role not in ROLE_AGENCY_KINDS or role == Role.ADMINISTRATOR:
        raise ValidationError({"role": "Choose a case role for the system"})
    if agency.kind not in ROLE_AGENCY_KINDS[role]:
        raise ValidationError(
            {"role": f"{Role(role).label} must belong to a {', '.join(sorted(ROLE_AGENCY_KINDS[role]))}"}
        )
    if ApiClient.objects.filter(agency=agency, name__iexact=name).exists():
        raise ValidationError({"name": "Your agency already has a system client with this name"})
    with transaction.atomic():
        base = f"client-{slugify(name)[:40] or 'system'}"
        username, n = base, 1
        while User.objects.filter(username=username).exists():
            n += 1
            username = f"{base}-{n}"
        service_user = User(username=username, first_name=name[:150], agency=agency, job_title="System client")
        service_user.set_unusable_password()
        service_user.save()
        RoleAssignment.objects.create(user=service_user, role=role)
        client = ApiClient.objects.create(name=name, agency=agency, service_user=service_user, created_by=acting_user)
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.CREATE,
            obj=client,
            summary=f"System client registered with the role {Role(role).label}",
        )
    return client


def revoke_client(client: ApiClient, *, acting_user: User) -> None:
    """Switch a system client off: its tokens are revoked and its webhooks stop (they check the client)."""
    with transaction.atomic():
        if not ApiClient.objects.filter(pk=client.pk, revoked_at__isnull=True).update(revoked_at=timezone.now()):
            return
        for api_token in ApiToken.objects.filter(client=client, revoked_at__isnull=True):
            revoke_token(api_token, acting_user=acting_user)
        User.objects.filter(pk=client.service_user_id).update(is_active=False)
        record_event(actor=acting_user, action=AuditEvent.Action.UPDATE, obj=client, summary="System client revoked")
    client.refresh_from_db()


def record_token_use(api_token: ApiToken, *, method: str, path: str) -> None:
    """Every call with a token is audited: which token, which operation (the path holds only ids)."""
    with transaction.atomic():
        record_event(
            actor=api_token.user,
            action=AuditEvent.Action.API_CALL,
            obj=api_token,
            summary=f"{method} {path}"[:300],
        )


def register_client_with_token(
    *,
    name: str,
    agency: Agency,
    role: str,
    scopes: Iterable[str],
    expires_at: datetime,
    token_name: str,
    acting_user: User,
) -> tuple[ApiClient, str]:
    """A system client and its first token, together or not at all."""
    with transaction.atomic():
        client = create_client(name=name, agency=agency, role=role, acting_user=acting_user)
        token = issue_token(
            client.service_user,
            scopes=scopes,
            expires_at=expires_at,
            name=token_name,
            client=client,
            acting_user=acting_user,
        )
    return client, token
