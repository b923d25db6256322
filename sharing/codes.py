"""Coded lists for shares: the lawful basis and the child's consent. What is shared (`Share.what`) is registered by
the app that owns each kind (`<app>/shareable.py`, in the kernel's registry `access.share_kinds`)."""

from django.db import models


class LawfulBasis(models.TextChoices):
    CONSENT = "consent", "Consent"
    CHILDREN_ACT_S17 = "children_act_s17", "Children Act 1989, section 17 (child in need)"
    CHILDREN_ACT_S47 = "children_act_s47", "Children Act 1989, section 47 (enquiries about significant harm)"
    CRIME_PREVENTION = "crime_prevention", "Prevention or detection of crime"
    VITAL_INTERESTS = "vital_interests", "Vital interests"
    OTHER = "other", "Other"


LAWFUL_BASIS_HINTS = {
    LawfulBasis.CONSENT: "The child (or whoever can consent for them) agreed to this share",
    LawfulBasis.CRIME_PREVENTION: (
        "Data Protection Act 2018, Schedule 2 paragraph 2; Crime and Disorder Act 1998, section 115"
    ),
    LawfulBasis.VITAL_INTERESTS: "To protect someone's life, when consent cannot be sought in time",
}


class ChildConsent(models.TextChoices):
    GIVEN = "given", "The child agreed"
    REFUSED = "refused", "The child refused"
    NOT_SOUGHT = "not_sought_with_reason", "Consent was not sought"
    NOT_CAPABLE = "not_capable", "The child is not able to consent"


# The child's consent answers that need a reason in words.
CONSENT_NEEDS_REASON = (ChildConsent.REFUSED, ChildConsent.NOT_SOUGHT)
