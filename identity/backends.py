"""The sign-on backend: mozilla-django-oidc's authorisation code flow (with PKCE and a nonce), plus what Homeward
needs on top: the id token's issuer and audience checked, the person's groups mapped to an agency and roles
(`identity.provider.sign_on`), their multi-factor sign-in at the provider noted, and deactivated accounts kept
out of existing sessions."""

import logging

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from requests import RequestException

from access.models import User
from identity.models import ProviderAccount
from identity.provider import SignOnRefused, deactivate_for_provider, identity_from_claims, sign_on

LOGGER = logging.getLogger(__name__)
REFUSAL_ATTRIBUTE = "identity_sign_on_refused"  # set on the request: why sign-on was refused, for the page


def check_issuer_and_audience(payload: dict) -> None:
    """The id token must come from the configured issuer, be meant for Homeward and carry an expiry (PyJWT checks
    the expiry's value and the signature; mozilla-django-oidc checks neither issuer nor audience)."""
    if payload.get("iss") != settings.OIDC_OP_ISSUER:
        raise SuspiciousOperation("The id token's issuer is not the configured identity provider.")
    audience = payload.get("aud")
    audiences = [audience] if isinstance(audience, str) else list(audience or [])
    if settings.OIDC_RP_CLIENT_ID not in audiences:
        raise SuspiciousOperation("The id token is not meant for Homeward (audience).")
    if len(audiences) > 1 and payload.get("azp") != settings.OIDC_RP_CLIENT_ID:
        raise SuspiciousOperation("The id token is not meant for Homeward (authorised party).")
    if "exp" not in payload or not payload.get("sub"):
        raise SuspiciousOperation("The id token has no expiry or no subject.")


def is_single_sign_on(request, credentials: dict | None) -> bool:
    """For django-axes: an authentication with no username is the provider's callback (it carries a nonce)."""
    return bool(credentials and "username" not in credentials and "nonce" in credentials)


class ProviderBackend(OIDCAuthenticationBackend):
    def __init__(self, *args, **kwargs) -> None:
        if settings.HOMEWARD_OIDC_ENABLED:
            super().__init__(*args, **kwargs)
        self.UserModel = User
        self.token_info: dict = {}

    def authenticate(self, request, **kwargs):
        if not settings.HOMEWARD_OIDC_ENABLED or request is None or "nonce" not in kwargs:
            return None  # a password sign-in, or single sign-on switched off
        return super().authenticate(request, **kwargs)

    def get_token(self, payload: dict) -> dict:
        self.token_info = super().get_token(payload)  # kept for its refresh token
        return self.token_info

    def verify_token(self, token, **kwargs) -> dict:
        payload = super().verify_token(token, **kwargs)
        check_issuer_and_audience(payload)
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        try:
            userinfo = self.get_userinfo(access_token, id_token, payload)
        except RequestException as exc:
            # The provider took back what it had just issued: it no longer vouches for this person.
            link = ProviderAccount.objects.filter(issuer=payload.get("iss"), subject=payload.get("sub")).first()
            if link is not None:
                deactivate_for_provider(link, why="the identity provider refused its userinfo at sign-on")
            return self._refuse("The identity provider would not confirm who you are. Ask your administrator.", exc)
        if str(userinfo.get("sub")) != str(payload.get("sub")):
            raise SuspiciousOperation("The userinfo answer is about someone other than the id token's subject.")
        # The signed id token wins over userinfo (Entra ID sends groups and amr in the id token only).
        claims = {**userinfo, **payload}
        try:
            user = sign_on(
                identity_from_claims(claims),
                refresh_token=str(self.token_info.get("refresh_token") or ""),
                refresh_expires_in=_seconds(self.token_info.get("refresh_expires_in")),
            )
        except SignOnRefused as refused:
            return self._refuse(str(refused), refused)
        user.provider_mfa_evidence = identity_from_claims(claims).mfa_evidence
        return user

    def _refuse(self, message: str, cause: Exception) -> None:
        LOGGER.info("Single sign-on refused: %s", type(cause).__name__)
        setattr(self.request, REFUSAL_ATTRIBUTE, message)
        return None

    def get_user(self, user_id):
        """As Django's ModelBackend: a deactivated account's sessions sign out at their next request."""
        user = User.objects.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


def _seconds(value: str | float | None) -> int | None:
    try:
        return int(value) if value not in (None, "", 0) else None
    except (TypeError, ValueError):
        return None
