"""Coded lists for shares: what is shared (the kinds themselves are the kernel's, `access.share_kinds`), the
lawful basis, and the child's consent."""

from django.db import models

from access.share_kinds import ShareWhat

WHAT_HINTS: dict[str, str] = {
    ShareWhat.EPISODE_SUMMARY: "The report, risk grades and return of one missing episode",
    ShareWhat.INTERVIEW_SUMMARY: (
        "When it was offered and held, the outcome, the coded push and pull factors and disclosures, and consent. "
        "Not what the child said in their own words."
    ),
    ShareWhat.FULL_INTERVIEW: "Everything recorded, including what the child said and the interview notes",
    ShareWhat.POLICE_INTELLIGENCE: "Police-held information about a person of concern, or the child's links",
}


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
