"""The kinds of share, as the kernel's relation of a user to a child needs them.

Which kind of share reaches which record is part of who may see a child's records (`access.scoping`), so the
kinds live here, below every domain app; `sharing.codes` holds their hints and the other coded lists of a share.
"""

from django.db import models


class ShareWhat(models.TextChoices):
    EPISODE_SUMMARY = "episode_summary", "Missing episode summary"
    INTERVIEW_SUMMARY = "interview_summary", "Return interview summary"
    FULL_INTERVIEW = "full_interview", "Full return interview"
    POLICE_INTELLIGENCE = "police_intelligence", "Police intelligence"
    # Persons, places, vehicles, phone numbers and addresses of concern a return interview named, passed to the
    # police force as structured intelligence (sharing.IntelligenceItem). It grants no access to the interview:
    # what the child said reaches the police only where the sharer chose to include it.
    INTERVIEW_INTELLIGENCE = "interview_intelligence", "Intelligence from a return interview"


INTERVIEW_SHARES = (ShareWhat.INTERVIEW_SUMMARY, ShareWhat.FULL_INTERVIEW)
