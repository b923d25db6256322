"""What the interviews app adds to the child's pages (children.hooks) and the episode's (episodes.hooks): the
return interviews the user may see."""

from datetime import datetime

from django.db.models import Min, QuerySet

from access.models import User
from core.encryption import encrypted_fields
from episodes.models import MissingEpisode
from interviews.models import ReturnInterview
from interviews.scoping import interviews_for


def chronology_entries(user: User, child_id: int, now: datetime) -> list[tuple[datetime, dict]]:
    """The child's return interviews the user may see, each at the first return it covers (else when opened)."""
    interviews = (
        interviews_for(user)
        .filter(child_id=child_id)
        .select_related("assigned_to")
        .annotate(first_return=Min("episodes__returned_at"))
        .defer(*encrypted_fields(ReturnInterview))  # the chronology shows none of the interview's free text
    )
    entries = []
    for interview in interviews:
        started = interview.first_return or interview.created_at
        entries.append((started, {"interview": interview, "started": started, "status": interview.status(now)}))
    return entries


def covering_interviews(user: User, episode: MissingEpisode) -> QuerySet[ReturnInterview]:
    """The return interviews the user may see that cover this episode."""
    return interviews_for(user).filter(episodes=episode)
