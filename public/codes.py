"""The public app's fixed lists: a page's state, what a professional's concern may become, and its choices."""

from django.db import models


class ConcernOutcome(models.TextChoices):
    OPEN = "open", "Waiting for triage"
    REFERRED = "referred", "Referred"
    CLOSED = "closed", "Closed"


class ReferTo(models.TextChoices):
    SOCIAL_CARE = "social_care", "Children's social care (assessment)"
    EARLY_HELP = "early_help", "Early help"
    POLICE = "police", "Police"
    EXPLOITATION_TEAM = "exploitation_team", "Exploitation team"
    MISSING_COORDINATOR = "missing_coordinator", "Missing children's coordinator"


class CloseReason(models.TextChoices):
    NO_FURTHER_ACTION = "no_further_action", "No further action: not a safeguarding concern"
    ALREADY_KNOWN = "already_known", "Already known and being acted on"
    DUPLICATE = "duplicate", "Duplicate of another concern"
    NOT_GENUINE = "not_genuine", "Not a genuine concern"
    OUTSIDE_AREA = "outside_area", "Child lives outside the area: passed to their council"


class ReporterRole(models.TextChoices):
    EDUCATION = "education", "School, college or nursery"
    HEALTH = "health", "Health (school nurse, GP surgery, pharmacy)"
    YOUTH = "youth", "Youth club, sports club or activity"
    FAITH = "faith", "Faith group"
    BUSINESS = "business", "Shop, taxi, hotel, takeaway or other business"
    HOUSING = "housing", "Housing or accommodation provider"
    VOLUNTARY = "voluntary", "Charity or voluntary group"
    MEMBER_OF_PUBLIC = "public", "Member of the public"
    OTHER = "other", "Something else"


class MissingNow(models.TextChoices):
    YES = "yes", "Yes, the child is missing now"
    NO = "no", "No"
    NOT_KNOWN = "not_known", "I do not know"
