"""The child: who they are, who is responsible for them and where they live."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from access.models import Agency, AgencyKind
from children.codes import Ethnicity, LegalStatus, LivingArrangement, Placement, Sex
from children.matching import name_key
from core.encryption import EncryptedTextField
from core.validation import validate_urn

# A UPN is a check letter then 12 digits, or 11 digits then a letter (temporary UPN); I, O and S
# are never used as the letter. UN1-UN5 record why a UPN is not known (DfE codes).
UPN_PATTERN = re.compile(r"^(?:[A-HJ-NP-RT-Z]\d{12}|[A-HJ-NP-RT-Z]\d{11}[A-HJ-NP-RT-Z]|UN[1-5])$")


def validate_upn(value: str) -> None:
    if value and not UPN_PATTERN.fullmatch(value):
        raise ValidationError(
            "Enter a UPN as a letter (not I, O or S) and 12 digits, or 11 digits and a letter, or UN1 to UN5",
            code="invalid_upn",
        )


class Child(models.Model):
    la_child_id = models.CharField(
        "council child ID", max_length=30, help_text="The council's own identifier, used in statutory returns"
    )
    upn = models.CharField("UPN", max_length=13, blank=True, validators=[validate_upn])
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices)
    gender_identity = models.CharField(max_length=100, blank=True)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, default=Ethnicity.NOBT)
    legal_status = models.CharField(max_length=20, choices=LegalStatus.choices, default=LegalStatus.NOT_KNOWN)
    responsible_council = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="children_responsible_for",
        limit_choices_to={"kind": AgencyKind.COUNCIL},
    )
    living_arrangement = models.CharField(max_length=20, choices=LivingArrangement.choices)
    placement_council = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="children_living_in_area",
        limit_choices_to={"kind": AgencyKind.COUNCIL},
        help_text="The council whose area the child lives in",
    )
    placement_postcode = models.CharField(max_length=8, blank=True)
    # The current placement (children.actions.change_placement keeps these, the council and the postcode in step
    # with the open row of the child's PlacementHistory).
    placement_provider = models.CharField("placement provider", max_length=200, blank=True)
    placement_urn = models.CharField(
        "placement Ofsted URN", max_length=8, blank=True, validators=[validate_urn], db_index=True
    )
    placement_type = models.CharField("placement type", max_length=3, blank=True, choices=Placement.choices)
    placement_from = models.DateField("placed since", null=True, blank=True)
    school = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pupils",
        limit_choices_to={"kind": AgencyKind.SCHOOL},
    )
    social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="allocated_children"
    )
    # SSDA903 header: asked of looked-after girls aged 12 or more; null until recorded.
    mother = models.BooleanField("is a mother", null=True, blank=True)
    mother_child_dob = models.DateField("her child's date of birth", null=True, blank=True)
    # Phonetic keys of the names (children.matching.name_key), kept by save(): Find a child matches them.
    first_name_key = models.CharField(max_length=4, blank=True, editable=False)
    last_name_key = models.CharField(max_length=4, blank=True, editable=False)
    # A record found to be a duplicate is merged into the surviving one (children.actions.merge_children): its
    # episodes, interviews, links and shares move there; the record itself stays, marked, with its audit trail.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_records", editable=False
    )
    merged_at = models.DateTimeField(null=True, blank=True, editable=False)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    merge_reason = EncryptedTextField(blank=True, editable=False, help_text="Why the two records are one child")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Who the child is goes into the audit trail only as "changed": the event's child_id says whose record.
    AUDIT_MASKED_FIELDS = (
        "first_name",
        "last_name",
        "preferred_name",
        "upn",
        "date_of_birth",
        "gender_identity",
        "placement_postcode",
        "placement_provider",  # where the child lives says who they are
        "placement_urn",
        "first_name_key",  # the names' sound-alike keys say as much as the names
        "last_name_key",
    )

    class Meta:
        verbose_name_plural = "children"
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(fields=["responsible_council", "la_child_id"], name="child_id_unique_per_council")
        ]
        indexes = [
            models.Index(fields=["last_name", "first_name"]),
            models.Index(fields=["date_of_birth"]),
            models.Index(fields=["placement_council"]),
            models.Index(fields=["first_name_key"]),
            models.Index(fields=["last_name_key"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        self.set_name_keys()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"first_name", "last_name"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "first_name_key", "last_name_key"}
        super().save(*args, **kwargs)

    def set_name_keys(self) -> None:
        """Keep the phonetic keys in step with the names (called by save; call it before a bulk_create)."""
        self.first_name_key = name_key(self.first_name)
        self.last_name_key = name_key(self.last_name)

    @property
    def is_merged(self) -> bool:
        return self.merged_into_id is not None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def placed_out_of_area(self) -> bool:
        return self.placement_council_id != self.responsible_council_id

    def age_on(self, day) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class PlacementHistory(models.Model):
    """One placement of the child: where they lived from `started_on` to `ended_on` (open while current).

    Written only by children.actions.change_placement (the old row gets its end date, the new one opens); the open
    row matches the child's current placement fields. Children placed at the same setting (the same URN, or the
    same postcode where there is no URN) are grouped by the same-placement pattern (network.patterns)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="placements")
    provider = models.CharField("placement provider", max_length=200, blank=True)
    urn = models.CharField("Ofsted URN", max_length=8, blank=True, validators=[validate_urn], db_index=True)
    placement_type = models.CharField(max_length=3, blank=True, choices=Placement.choices)
    council = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", limit_choices_to={"kind": AgencyKind.COUNCIL}
    )
    postcode = models.CharField(max_length=8, blank=True)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    AUDIT_MASKED_FIELDS = ("provider", "urn", "postcode")

    class Meta:
        ordering = ["-started_on", "-pk"]
        verbose_name_plural = "placement history"
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=models.Q(ended_on__isnull=True), name="one_open_placement_per_child"
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
                name="placement_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"Placement from {self.started_on:%d/%m/%Y}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None

    @property
    def setting_key(self) -> str:
        """The setting this placement is at: its URN, or provider and postcode where there is none ("" if neither)."""
        return placement_key(self.urn, self.provider, self.postcode)


def placement_key(urn: str, provider: str, postcode: str) -> str:
    """Which setting a placement is at, for grouping: "urn:SC999001", or "at:<provider>|<postcode>" normalised, or
    "" where neither a URN nor both a provider and a postcode are known."""
    if urn:
        return f"urn:{urn.strip().upper()}"
    name = " ".join(provider.lower().split())
    code = "".join(postcode.upper().split())
    return f"at:{name}|{code}" if name and code else ""
