"""Single sign-on records: which identity-provider groups give which Homeward role at which agency, and the link
between a Homeward account and the person at the identity provider."""

from django.conf import settings
from django.db import models

from access.models import Agency, Role
from core.encryption import EncryptedTextField


class GroupMapping(models.Model):
    """Members of the identity provider's `group` hold `role` at `agency` in Homeward.

    `group` is what the provider puts in the groups claim: an object ID in Microsoft Entra ID (groups are sent by
    ID), a group path or name in Keycloak. An administrator of the agency keeps these; a person's roles and agency
    are worked out from them at every single sign-on and provider check.
    """

    group = models.CharField(max_length=200)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="group_mappings")
    role = models.CharField(max_length=30, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["group", "role"]
        constraints = [
            models.UniqueConstraint(fields=["group", "agency", "role"], name="group_mapping_once"),
        ]

    def __str__(self) -> str:
        return f"{self.group} → {self.get_role_display()} at {self.agency}"


class ProviderAccount(models.Model):
    """A Homeward account signed in through the identity provider: who they are there (issuer and subject, which
    never change), and the refresh token with which `check_identity_provider` asks whether the provider still
    vouches for them. The token is encrypted at rest and never audited or logged."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="provider_account")
    issuer = models.CharField(max_length=300)
    subject = models.CharField(max_length=255)
    refresh_token = EncryptedTextField(blank=True)
    refresh_expires_at = models.DateTimeField(null=True, blank=True)
    last_signed_in_at = models.DateTimeField(null=True, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    # Set when the provider refused the person (so Homeward deactivated them); a later successful single sign-on
    # reactivates only an account deactivated this way, never one an administrator deactivated.
    disabled_by_provider_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="provider_subject_once")]

    def __str__(self) -> str:
        return f"Provider account of user {self.user_id}"
