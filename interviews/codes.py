"""Coded lists for return home interviews: outcomes, push and pull factors, disclosures."""

from django.db import models


class Outcome(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined by the child"
    NO_CONTACT = "no_contact", "Could not make contact"
    NOT_OFFERED = "not_offered", "Not offered"


class FactorKind(models.TextChoices):
    PUSH = "push", "Push factor"
    PULL = "pull", "Pull factor"
    DISCLOSURE = "disclosure", "Disclosure"


class PushFactor(models.TextChoices):
    CONFLICT = "conflict", "Conflict at home or in the placement"
    VIOLENCE_ABUSE = "violence_abuse", "Violence or abuse at home"
    NEGLECT = "neglect", "Neglect"
    BULLYING = "bullying", "Bullying"
    PLACEMENT = "placement", "Unhappy with the placement"
    MENTAL_HEALTH = "mental_health", "Mental health or emotional wellbeing"
    SCHOOL = "school", "Problems at school"
    BOUNDARIES = "boundaries", "Rules or boundaries set by carers"
    OTHER = "other", "Other push factor"


class PullFactor(models.TextChoices):
    FRIENDS = "friends", "Wanting to be with friends"
    RELATIONSHIP = "relationship", "A boyfriend, girlfriend or partner"
    FAMILY = "family", "Wanting to see family"
    ADULTS_GIFTS = "adults_gifts", "Adults offering gifts, money or somewhere to stay"
    DRUGS_ALCOHOL = "drugs_alcohol", "Drugs or alcohol"
    GANGS = "gangs", "Gangs or groups"
    OTHER = "other", "Other pull factor"


class Disclosure(models.TextChoices):
    CSE = "cse", "Signs of child sexual exploitation"
    CCE = "cce", "Signs of child criminal exploitation"
    COUNTY_LINES = "county_lines", "County lines"
    TRAFFICKING = "trafficking", "Trafficking or modern slavery"
    PHYSICAL_ABUSE = "physical_abuse", "Physical abuse"
    SEXUAL_ABUSE = "sexual_abuse", "Sexual abuse or assault"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    SELF_HARM = "self_harm", "Self-harm or suicidal thoughts"
    SUBSTANCE_MISUSE = "substance_misuse", "Drug or alcohol misuse"
    ONLINE_HARM = "online_harm", "Online grooming or harm"
    RADICALISATION = "radicalisation", "Radicalisation"


FACTOR_CODES: dict[str, type[models.TextChoices]] = {
    FactorKind.PUSH: PushFactor,
    FactorKind.PULL: PullFactor,
    FactorKind.DISCLOSURE: Disclosure,
}


class ConsentToShare(models.TextChoices):
    YES = "yes", "Yes, the child agreed"
    NO = "no", "No, the child did not agree"
    NOT_ASKED = "not_asked", "Not asked"


# How each status of a return interview (ReturnInterview.status()) shows as a GOV.UK tag (core's
# `{% interview_status_tag %}`).
INTERVIEW_STATUS_TAG_CLASSES = {
    "due": "govuk-tag--yellow",
    "overdue": "govuk-tag--red",
    "offered": "govuk-tag--purple",
    "accepted": "govuk-tag--teal",
    "completed": "govuk-tag--green",
    "closed": "govuk-tag--grey",
}
