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


# Push and pull factors that point to exploitation (issue 14). They are not disclosures: each raises a screening
# *prompt* for the coordinator (risk: an alert "screening suggested", never a verdict) and counts in the child's
# weight in the network ranking (network.patterns). Defined here, below both apps, so that risk and network (which
# may not import each other) read the one list; risk.codes.EXPLOITATION_FACTORS is this set. Why each is in it:
EXPLOITATION_FACTORS: frozenset[tuple[str, str]] = frozenset(
    {
        # Adults offering gifts, money or somewhere to stay: the "offer" at the heart of grooming for sexual and
        # criminal exploitation (gifts and money create a debt the child is later made to repay).
        (FactorKind.PULL, PullFactor.ADULTS_GIFTS),
        # Drugs or alcohol drawing the child away: supplied to create dependency and debt, and the trade county
        # lines recruits children into.
        (FactorKind.PULL, PullFactor.DRUGS_ALCOHOL),
        # Gangs or groups: the usual route into criminal exploitation (county lines, running, holding).
        (FactorKind.PULL, PullFactor.GANGS),
        # A boyfriend, girlfriend or partner the child goes missing to be with: the "boyfriend model" of sexual
        # exploitation, often an older person; the screening asks about their age and control.
        (FactorKind.PULL, PullFactor.RELATIONSHIP),
    }
)
# Not in it: friends and family (the commonest reasons for going missing, with no sign of exploitation on their
# own) and every push factor (conflict, abuse, neglect, bullying, the placement, mental health, school, rules):
# they say why a child leaves, not who draws them, and have their own pathways (child protection, health).


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
