"""Coded lists for missing episodes."""

from django.db import models


class EpisodeType(models.TextChoices):
    """The DfE's two kinds of period, used by the SSDA903 return and the SSD."""

    MISSING = "M", "Missing: whereabouts not known"
    AWAY = "A", "Away from placement without authorisation: whereabouts known"


class MissingFrom(models.TextChoices):
    HOME = "home", "Home"
    PLACEMENT = "placement", "Care placement"
    SCHOOL = "school", "School"
    OTHER = "other", "Somewhere else"


class RiskGrade(models.TextChoices):
    NO_APPARENT_RISK = "no_apparent_risk", "No apparent risk"
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


RISK_ORDER: dict[str, int] = {RiskGrade.NO_APPARENT_RISK: 0, RiskGrade.LOW: 1, RiskGrade.MEDIUM: 2, RiskGrade.HIGH: 3}


class FoundBy(models.TextChoices):
    POLICE = "police", "Police"
    CARER = "carer", "Parent or carer"
    PROFESSIONAL = "professional", "Another professional"
    SELF = "self", "Returned by themselves"
    OTHER = "other", "Someone else"


# How each risk grade shows as a GOV.UK tag (core's `{% risk_tag %}`): high red, medium orange, low and no
# apparent risk grey.
RISK_TAG_CLASSES = {
    "high": "govuk-tag--red",
    "medium": "govuk-tag--orange",
    "low": "govuk-tag--grey",
    "no_apparent_risk": "govuk-tag--grey",
}


class LogEntryKind(models.TextChoices):
    """What an entry in the episode log records, while the child is missing."""

    SIGHTING = "sighting", "Possible sighting"
    CALL = "call", "Call to or from the child"
    FAMILY_CONTACT = "family_contact", "Contact with family or carers"
    PLACEMENT_CONTACT = "placement_contact", "Contact with the placement"
    POLICE_UPDATE = "police_update", "Police update"
    ACTION = "action", "Action taken"
