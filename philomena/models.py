"""Philomena profiles: what police need, held in advance, to find a child in care who goes missing.

A profile is never edited in place. Every save writes a new `ProfileVersion` holding the whole content;
the profile's `version` names the current one, and earlier versions stay readable (who knew what, when).
Photos are files outside any public path (philomena.storage); each version points at the photo it had,
so a new version saved without a new photo carries the current one forward. Free text that could harm the
child if it leaked (numbers, accounts, places, people, health) is encrypted at rest and only ever recorded
in the audit trail as "changed".
"""

import uuid

from django.conf import settings
from django.db import models

from children.codes import LegalStatus
from children.models import Child
from core.encryption import EncryptedTextField
from philomena.storage import get_private_storage


class PhotoType(models.TextChoices):
    JPEG = "image/jpeg", "JPG"
    PNG = "image/png", "PNG"


PHOTO_EXTENSIONS: dict[str, str] = {PhotoType.JPEG: "jpg", PhotoType.PNG: "png"}


class PhilomenaProfile(models.Model):
    child = models.OneToOneField(Child, on_delete=models.PROTECT, related_name="philomena_profile")
    version = models.PositiveIntegerField(
        default=1, help_text="The number of the current ProfileVersion; bumped by every save (guards lost updates)"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Philomena profile of child {self.child_id}"

    def current_version(self) -> "ProfileVersion":
        return self.versions.select_related("photo", "created_by").get(number=self.version)


def photo_upload_path(photo: "ProfilePhoto", filename: str) -> str:
    """A random name under the child's id: the uploaded file's own name (often the child's name) is never kept."""
    return f"philomena/{photo.profile.child_id}/{uuid.uuid4().hex}.{PHOTO_EXTENSIONS[photo.content_type]}"


class ProfilePhoto(models.Model):
    """A checked photo (JPEG or PNG, decoded and re-encoded without its metadata) in private storage."""

    profile = models.ForeignKey(PhilomenaProfile, on_delete=models.PROTECT, related_name="photos")
    image = models.FileField(storage=get_private_storage, upload_to=photo_upload_path, max_length=200)
    content_type = models.CharField(max_length=20, choices=PhotoType.choices)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size_bytes = models.PositiveIntegerField(help_text="The stored (re-encoded) file's size")
    sha256 = models.CharField(max_length=64, help_text="Of the stored file, to show it was not changed")
    taken_on = models.DateField("date taken", null=True, blank=True)
    uploaded_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"Photo {self.pk} of child {self.profile.child_id}"

    @property
    def extension(self) -> str:
        return PHOTO_EXTENSIONS[self.content_type]


class ProfileVersion(models.Model):
    """One saved state of a profile, complete in itself. Never changed after it is written."""

    profile = models.ForeignKey(PhilomenaProfile, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    # Description
    height = models.CharField(max_length=50, blank=True)
    build = models.CharField(max_length=100, blank=True)
    hair = models.CharField(max_length=200, blank=True)
    eyes = models.CharField(max_length=100, blank=True)
    distinguishing_marks = EncryptedTextField(blank=True)
    usual_clothing = EncryptedTextField("clothing usually worn", blank=True)
    # Contact and online
    phone_numbers = EncryptedTextField(blank=True)
    social_media = EncryptedTextField("social media accounts", blank=True)
    # Places and people
    places_frequented = EncryptedTextField("places the child goes", blank=True)
    associates = EncryptedTextField(blank=True)
    # Medical needs
    medication = EncryptedTextField(blank=True)
    medical_conditions = EncryptedTextField(blank=True)
    allergies = EncryptedTextField(blank=True)
    # History and anything else
    missing_history = EncryptedTextField("previous missing history", blank=True)
    notes = EncryptedTextField("other information for police", blank=True)

    photo = models.ForeignKey(ProfilePhoto, null=True, blank=True, on_delete=models.PROTECT, related_name="versions")
    changed_fields = models.JSONField(
        default=list, blank=True, help_text="Names of the fields (and 'photo') that differ from the version before"
    )
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["profile", "number"], name="profile_version_number_unique")]

    def __str__(self) -> str:
        return f"Version {self.number} of the Philomena profile of child {self.profile.child_id}"


# The content of a version, in the order the pages and the grab-pack show it.
SHORT_FIELDS = ["height", "build", "hair", "eyes"]
CONTENT_FIELDS = [
    *SHORT_FIELDS,
    "distinguishing_marks",
    "usual_clothing",
    "phone_numbers",
    "social_media",
    "places_frequented",
    "associates",
    "medication",
    "medical_conditions",
    "allergies",
    "missing_history",
    "notes",
]

# Philomena is the protocol for children in care: a new profile is started only for a child looked after.
# A profile already held stays viewable and editable if the child's legal status later changes.
PROFILE_LEGAL_STATUSES = (LegalStatus.LOOKED_AFTER,)


def profile_applies(child: Child) -> bool:
    return child.legal_status in PROFILE_LEGAL_STATUSES
