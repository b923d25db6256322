"""Persons of concern, places, and the links that tie children to them.

Everything identifying beyond a short display label is an EncryptedTextField: encrypted at rest, never
searched on, and recorded in the audit trail only as "changed". `police_only` marks police intelligence:
such a record (and every link to it) is visible only to police users of the force that recorded it
(see `network.scoping.persons_for`, `places_for` and `child_links_for`).

Links are never deleted: ending a link records when, by whom and why, and the link stays in the history.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from access.models import Agency
from children.models import Child
from core.encryption import EncryptedTextField
from episodes.models import MissingEpisode
from interviews.models import ReturnInterview
from network.codes import Confidence, LinkSource, PersonKind, PlaceKind, Relationship


class PersonOfConcern(models.Model):
    """An adult or peer linked to children: named in an interview, seen with or found with them."""

    owning_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", help_text="The agency that recorded this person"
    )
    kind = models.CharField(max_length=10, choices=PersonKind.choices)
    display_name = models.CharField(
        max_length=200, help_text="A short label for lists and search, such as a first name or nickname"
    )
    aliases = EncryptedTextField(blank=True)
    description = EncryptedTextField(blank=True)
    vehicles = EncryptedTextField(blank=True)
    phone_numbers = EncryptedTextField(blank=True)
    born_about = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The year the person was born, about: from an approximate age"
    )
    police_only = models.BooleanField(
        default=False, help_text="Police intelligence: visible only to police users of the recording force"
    )
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # A duplicate merged into another record (network.actions.merge_persons / merge_places): kept, never listed or
    # found again; its page redirects to the survivor. The reason is free text: encrypted, audited only as given.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_records"
    )
    merged_at = models.DateTimeField(null=True, blank=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    merge_reason = EncryptedTextField(blank=True)

    # The label names someone: the audit trail records that it changed, never what it says
    # (the encrypted fields are masked too).
    AUDIT_MASKED_FIELDS = ("display_name", "born_about")

    class Meta:
        verbose_name = "person of concern"
        verbose_name_plural = "persons of concern"
        ordering = ["display_name", "id"]
        indexes = [
            models.Index(fields=["display_name"]),
            models.Index(fields=["owning_agency", "police_only"]),
        ]

    def __str__(self) -> str:
        return self.display_name


class Place(models.Model):
    """A place children are linked to: last seen at, found at, or named."""

    owning_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", help_text="The agency that recorded this place"
    )
    kind = models.CharField(max_length=30, choices=PlaceKind.choices)
    name = models.CharField(max_length=200, help_text="A short label, such as 'Chicken Palace takeaway'")
    address = EncryptedTextField(blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    police_only = models.BooleanField(
        default=False, help_text="Police intelligence: visible only to police users of the recording force"
    )
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # A duplicate merged into another record (network.actions.merge_persons / merge_places): kept, never listed or
    # found again; its page redirects to the survivor. The reason is free text: encrypted, audited only as given.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_records"
    )
    merged_at = models.DateTimeField(null=True, blank=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    merge_reason = EncryptedTextField(blank=True)

    # Where the place is goes into the audit trail only as "changed" (the address is encrypted, so masked too).
    AUDIT_MASKED_FIELDS = ("name", "postcode", "latitude", "longitude")

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["name"]),
            models.Index(fields=["postcode"]),
            models.Index(fields=["owning_agency", "police_only"]),
        ]

    def __str__(self) -> str:
        return self.name


class ChildLink(models.Model):
    """What ties a child to a person or a place: the source, the date, how sure, and who said so."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=20, choices=LinkSource.choices)
    linked_on = models.DateField(help_text="When the child was with the person or at the place")
    confidence = models.CharField(max_length=10, choices=Confidence.choices)
    episode = models.ForeignKey(MissingEpisode, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    interview = models.ForeignKey(ReturnInterview, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    notes = EncryptedTextField(blank=True)
    police_only = models.BooleanField(default=False)
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    end_reason = EncryptedTextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class ChildPersonLink(ChildLink):
    person = models.ForeignKey(PersonOfConcern, on_delete=models.PROTECT, related_name="child_links")
    relationship = models.CharField(
        max_length=20,
        choices=Relationship.choices,
        default=Relationship.ADULT_OF_CONCERN,
        help_text="What the person is to the child: a family member or carer not of concern adds nothing to rankings",
    )

    class Meta:
        ordering = ["-linked_on", "-id"]
        indexes = [
            models.Index(fields=["child", "linked_on"]),
            models.Index(fields=["person", "linked_on"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "person", "source", "linked_on"],
                condition=Q(ended_at__isnull=True),
                name="child_person_link_once_while_active",
            )
        ]

    def __str__(self) -> str:
        return f"Child {self.child_id} - person {self.person_id} ({self.get_source_display()})"


class ChildPlaceLink(ChildLink):
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="child_links")

    class Meta:
        ordering = ["-linked_on", "-id"]
        indexes = [
            models.Index(fields=["child", "linked_on"]),
            models.Index(fields=["place", "linked_on"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "place", "source", "linked_on"],
                condition=Q(ended_at__isnull=True),
                name="child_place_link_once_while_active",
            )
        ]

    def __str__(self) -> str:
        return f"Child {self.child_id} - place {self.place_id} ({self.get_source_display()})"


class RegisterIdentifier(models.Model):
    """A blind index of one exact identifier of a person or place in the partnership register.

    `digest` is a keyed hash (HMAC-SHA256, `network.identifiers`) of the normalised identifier: a phone
    number, a vehicle registration, a name or alias, an address. The identifier itself stays encrypted on its
    record; the digest lets a user who types the same identifier find the record, and nothing else. Rows are
    rebuilt from the record whenever it is saved through `network.actions` (and by
    `manage.py reindex_network_register`, after the key changes)."""

    class Kind(models.TextChoices):
        PHONE = "phone", "Phone number"
        VEHICLE = "vehicle", "Vehicle registration"
        NAME = "name", "Name or alias"
        ADDRESS = "address", "Address"

    person = models.ForeignKey(
        PersonOfConcern, null=True, blank=True, on_delete=models.CASCADE, related_name="identifiers"
    )
    place = models.ForeignKey(Place, null=True, blank=True, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    digest = models.CharField(max_length=64)

    # A keyed hash of an identifier: never written to the audit trail, even as a hash.
    AUDIT_MASKED_FIELDS = ("digest",)

    class Meta:
        indexes = [models.Index(fields=["kind", "digest"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, place__isnull=True) | Q(person__isnull=True, place__isnull=False),
                name="register_identifier_of_one_record",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {'person' if self.person_id else 'place'}"


class NotDuplicate(models.Model):
    """A pair of persons or of places an authorised user decided are not the same (network.actions.
    dismiss_duplicate): never proposed as duplicates again. The pair is stored lowest id first."""

    first_person = models.ForeignKey(PersonOfConcern, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    second_person = models.ForeignKey(
        PersonOfConcern, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    first_place = models.ForeignKey(Place, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    second_place = models.ForeignKey(Place, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    reason = EncryptedTextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(first_person__isnull=False, second_person__isnull=False, first_place__isnull=True)
                | Q(first_place__isnull=False, second_place__isnull=False, first_person__isnull=True),
                name="not_duplicate_one_pair",
            ),
            models.UniqueConstraint(fields=["first_person", "second_person"], name="not_duplicate_persons_once"),
            models.UniqueConstraint(fields=["first_place", "second_place"], name="not_duplicate_places_once"),
        ]

    def __str__(self) -> str:
        if self.first_person_id:
            return f"Persons {self.first_person_id} and {self.second_person_id} are not duplicates"
        return f"Places {self.first_place_id} and {self.second_place_id} are not duplicates"
