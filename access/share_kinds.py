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


INTERVIEW_SHARES = (ShareWhat.INTERVIEW_SUMMARY, ShareWhat.FULL_INTERVIEW)
