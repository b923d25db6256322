"""Shares and emergency ("break-glass") access: the two ways a record reaches someone outside its default scope.

A share is a record in its own right: what (one episode's summary, one interview's summary or all of it, or
police intelligence about one person of concern or the child's links), to whom (an agency or one user),
when, by whom, the lawful basis and the child's consent. While it is active (not withdrawn, not expired) it
grants its recipient read access to exactly that item and the child's identifiers: `access.scoping` reads it.

Emergency access is a time-limited grant a user gives themselves, with a reason, to a child's record they
could not otherwise see. Every request is kept, including one that matched no child, for review.

Free text (the purpose, an "other" lawful basis, why consent was not sought, why a share was withdrawn, why
emergency access was needed, the reviewer's note) is encrypted at rest and never copied into the audit trail.
"""

import operator
from datetime import datetime
from functools import reduce

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from access import share_kinds
from access.models import Agency
from children.models import Child
from core.encryption import EncryptedTextField
from network.models import PersonOfConcern
from sharing.codes import ChildConsent, LawfulBasis

# Every app's shareable items and kinds (`<app>/shareable.py`, ADR 0016), loaded here rather than in an
# AppConfig.ready because the item columns and the constraint below are part of the Share model itself.
autodiscover_modules("shareable")


def share_item_matches_what() -> Q:
    """The check constraint generated from the registry: a share names its kind's item (required, or optional
    where the kind allows none) and no other item."""
    return reduce(
        operator.or_,
        (
            Q(
                what=kind.code,
                **({f"{kind.item}__isnull": False} if kind.item and kind.item_required else {}),
                **{f"{item.field}__isnull": True for item in share_kinds.items() if item.field != kind.item},
            )
            for kind in share_kinds.kinds()
        ),
    )


class ShareQuerySet(models.QuerySet):
    def active(self, now: datetime | None = None) -> "ShareQuerySet":
        """Not withdrawn and not expired: the shares that grant access now."""
        now = now or timezone.now()
        return self.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now), withdrawn_at__isnull=True)


class Share(models.Model):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="shares")
    what = models.CharField(max_length=30, choices=share_kinds.choices())
    # One nullable foreign key per registered shareable item (episode, interview, person...), added below the
    # class: exactly the item `what` names (see the check constraint); police intelligence with no person is the
    # child's links recorded by the sharing force up to `shared_at`.
    to_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="shares_received"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="shares_received"
    )
    shared_at = models.DateTimeField()
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", help_text="The sharer's agency when they shared"
    )
    lawful_basis = models.CharField(max_length=30, choices=LawfulBasis.choices)
    lawful_basis_other = EncryptedTextField(blank=True, help_text="The basis in words, when it is 'other'")
    child_consent = models.CharField(max_length=30, choices=ChildConsent.choices)
    child_consent_reason = EncryptedTextField(blank=True)
    purpose = EncryptedTextField()
    expires_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_reason = EncryptedTextField(blank=True)
    # Intelligence from a return interview: whether what the child said goes with it (withheld unless chosen),
    # and who at the force acknowledged it, when.
    include_childs_words = models.BooleanField(default=False)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    objects = ShareQuerySet.as_manager()

    class Meta:
        ordering = ["-shared_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=share_item_matches_what(), name="share_item_matches_what"),
            models.CheckConstraint(
                condition=Q(to_agency__isnull=False, to_user__isnull=True)
                | Q(to_agency__isnull=True, to_user__isnull=False),
                name="share_has_one_recipient",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True, withdrawn_by__isnull=True)
                | Q(withdrawn_at__isnull=False, withdrawn_by__isnull=False),
                name="share_withdrawal_names_who",
            ),
        ]
        indexes = [
            models.Index(fields=["to_agency", "withdrawn_at"]),
            models.Index(fields=["to_user", "withdrawn_at"]),
            models.Index(fields=["child", "shared_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_what_display()} about child {self.child_id}, shared {self.shared_at:%d %b %Y}"

    def is_active(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.withdrawn_at is None and (self.expires_at is None or self.expires_at > now)

    @property
    def status(self) -> str:
        if self.withdrawn_at is not None:
            return "withdrawn"
        return "active" if self.is_active() else "expired"

    @property
    def item(self) -> models.Model | None:
        """The record this share names (its kind's item column), or None."""
        return share_kinds.item_of(self)

    @property
    def item_id(self) -> int | None:
        return share_kinds.item_id_of(self)

    @property
    def recipient(self):
        return self.to_agency if self.to_agency_id else self.to_user

    @property
    def lawful_basis_text(self) -> str:
        if self.lawful_basis == LawfulBasis.OTHER:
            return f"Other: {self.lawful_basis_other}"
        return self.get_lawful_basis_display()


for _item in share_kinds.items():
    Share.add_to_class(
        _item.field,
        models.ForeignKey(_item.model, null=True, blank=True, on_delete=models.PROTECT, related_name="+"),
    )


class IntelligenceItem(models.Model):
    """One thing of concern a return interview named, passed to the police in an intelligence share: a person or
    place of concern already recorded (network), or a vehicle, phone number or address in words (encrypted)."""

    class Kind(models.TextChoices):
        PERSON = "person", "Person of concern"
        PLACE = "place", "Place"
        VEHICLE = "vehicle", "Vehicle"
        PHONE = "phone", "Phone number"
        ADDRESS = "address", "Address"

    share = models.ForeignKey(Share, on_delete=models.PROTECT, related_name="intelligence_items")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    person = models.ForeignKey(PersonOfConcern, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    place = models.ForeignKey("network.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    detail = EncryptedTextField(blank=True, help_text="The vehicle, phone number or address as the interview gave it")

    class Meta:
        ordering = ["share", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="person", person__isnull=False, place__isnull=True)
                | Q(kind="place", place__isnull=False, person__isnull=True)
                | (
                    Q(kind__in=["vehicle", "phone", "address"], person__isnull=True, place__isnull=True) & ~Q(detail="")
                ),
                name="intelligence_item_names_one_thing",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} in share {self.share_id}"


class EmergencyAccessQuerySet(models.QuerySet):
    def active(self, now: datetime | None = None) -> "EmergencyAccessQuerySet":
        return self.filter(child__isnull=False, expires_at__gt=now or timezone.now())

    def unreviewed(self) -> "EmergencyAccessQuerySet":
        return self.filter(reviewed_at__isnull=True)


class EmergencyAccess(models.Model):
    """One use of emergency ("break-glass") access: who, which child, why, until when, and its review."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="emergency_accesses")
    user_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(
        Child,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="emergency_accesses",
        help_text="Empty when no child matched what was asked for: nothing was granted",
    )
    asked_for = models.CharField(max_length=200, help_text="The identifier typed, as typed")
    reason = EncryptedTextField()
    requested_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_note = EncryptedTextField(blank=True)

    objects = EmergencyAccessQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "emergency accesses"
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(child__isnull=True, expires_at__isnull=True)
                | Q(child__isnull=False, expires_at__isnull=False),
                name="emergency_access_granted_only_for_a_child",
            ),
            models.CheckConstraint(
                condition=Q(reviewed_at__isnull=True, reviewed_by__isnull=True)
                | Q(reviewed_at__isnull=False, reviewed_by__isnull=False),
                name="emergency_access_review_names_who",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "child", "expires_at"]),
            models.Index(fields=["reviewed_at", "requested_at"]),
        ]

    def __str__(self) -> str:
        return f"Emergency access by {self.user_id} to child {self.child_id or '(none matched)'}"

    @property
    def granted(self) -> bool:
        return self.child_id is not None

    def is_active(self, now: datetime | None = None) -> bool:
        if not self.granted:
            return False
        assert self.expires_at is not None  # a grant always has its end
        return self.expires_at > (now or timezone.now())
