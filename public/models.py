"""Public pages a council manages (each save a version), and concerns people outside the partner agencies send in.

A page's `published_version` is what the public sees; the editor's latest save may be a newer draft. A concern's
free text and the names in it are encrypted at rest; nothing from a concern is ever shown on a public page.
"""

from django.conf import settings
from django.db import models

from access.models import Agency, AgencyKind
from children.models import Child
from core.encryption import EncryptedTextField
from public.codes import CloseReason, ConcernOutcome, MissingNow, ReferTo, ReporterRole


class PublicPage(models.Model):
    council = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="public_pages", limit_choices_to={"kind": AgencyKind.COUNCIL}
    )
    slug = models.SlugField(max_length=80, help_text="The last part of the page's address")
    order = models.PositiveIntegerField(default=10, help_text="Lower first in the list of pages")
    latest_version = models.ForeignKey(
        "PublicPageVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_version = models.ForeignKey(
        "PublicPageVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_by = models.DateField(help_text="When the page's content must next be checked")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["council", "order", "slug"]
        constraints = [models.UniqueConstraint(fields=["council", "slug"], name="public_page_slug_unique_per_council")]

    def __str__(self) -> str:
        return self.latest_version.title if self.latest_version else self.slug

    @property
    def is_published(self) -> bool:
        return self.published_version_id is not None

    @property
    def has_unpublished_changes(self) -> bool:
        return self.latest_version_id != self.published_version_id


class PublicPageVersion(models.Model):
    """One saved state of a page: what the editor wrote, who saved it and when. Never changed afterwards."""

    page = models.ForeignKey(PublicPage, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=120)
    summary = models.CharField(max_length=300)
    body = models.TextField(help_text="Markdown, rendered through an allow-list sanitiser")
    published = models.BooleanField(help_text="Whether saving this version published it")
    saved_at = models.DateTimeField()
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["page", "-number"]
        constraints = [models.UniqueConstraint(fields=["page", "number"], name="public_page_version_once")]

    def __str__(self) -> str:
        return f"{self.title} (version {self.number})"


class Concern(models.Model):
    """A concern about a child sent through a council's public form, waiting in its MASH queue."""

    council = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="public_concerns")
    received_at = models.DateTimeField(db_index=True)
    reporter_name = EncryptedTextField()
    reporter_role = models.CharField(max_length=20, choices=ReporterRole.choices)
    reporter_organisation = EncryptedTextField(blank=True)
    reporter_email = EncryptedTextField(blank=True)
    reporter_phone = EncryptedTextField(blank=True)
    child_name = EncryptedTextField(blank=True)
    child_age = models.CharField(max_length=40, blank=True, help_text="As the reporter put it: '14', 'about 13'")
    child_whereabouts = EncryptedTextField(blank=True, help_text="Where the child lives, goes to school or is seen")
    missing_now = models.CharField(max_length=10, choices=MissingNow.choices)
    worry = EncryptedTextField()
    outcome = models.CharField(max_length=10, choices=ConcernOutcome.choices, default=ConcernOutcome.OPEN)
    child = models.ForeignKey(Child, null=True, blank=True, on_delete=models.PROTECT, related_name="public_concerns")
    referred_to = models.CharField(max_length=30, choices=ReferTo.choices, blank=True)
    close_reason = models.CharField(max_length=30, choices=CloseReason.choices, blank=True)
    outcome_note = EncryptedTextField(blank=True)
    triaged_at = models.DateTimeField(null=True, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["received_at", "pk"]
        indexes = [models.Index(fields=["council", "outcome"])]

    def __str__(self) -> str:
        return f"Concern {self.pk} received {self.received_at:%d %b %Y %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.outcome == ConcernOutcome.OPEN


class ConcernAttempt(models.Model):
    """One post of a concern form, by a keyed hash of the sender's address (never the address): the rate limit."""

    address_digest = models.CharField(max_length=64, db_index=True)
    attempted_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.address_digest[:8]}… at {self.attempted_at:%H:%M:%S}"
