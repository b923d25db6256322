"""Issuing API tokens. The token itself is returned once and never stored: only its SHA-256 digest is kept."""

import secrets

from django.db import transaction
from django.utils import timezone

from access.audit import record_event
from access.models import ApiToken, AuditEvent, User

PREFIX_LENGTH = 8


def issue_token(user: User, *, revoke_existing: bool = False) -> str:
    """Create a bearer token for `user` and return it; optionally revoke the user's earlier tokens first.

    The audit event records that a token was issued (and how many were revoked), never the token or its prefix.
    """
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        revoked = 0
        if revoke_existing:
            revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        api_token = ApiToken.objects.create(user=user, digest=ApiToken.digest_of(token), prefix=token[:PREFIX_LENGTH])
        summary = "API token issued"
        if revoke_existing:
            summary += f"; {revoked} earlier token{'s' if revoked != 1 else ''} revoked"
        record_event(
            actor=user,
            action=AuditEvent.Action.TOKEN,
            obj=api_token,
            summary=summary,
            changes={"revoked_tokens": [None, revoked]} if revoke_existing else {},
        )
    return token
