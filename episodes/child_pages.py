"""What the episodes app adds to the child's pages (children.hooks): finding a child by an episode's police
reference, the child's episodes in their chronology (with who the child was found with), and "Report a child
missing"."""

from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet

from access.models import User
from children.hooks import ReportMissing
from core.encryption import encrypted_fields
from episodes.models import MissingEpisode
from episodes.scoping import can_report_missing, episodes_for, found_with_for


def police_reference_match(user: User, text: str) -> Q:
    """Children with an episode the user may see whose police reference is the text (any case)."""
    return Q(Exists(episodes_for(user).filter(child=OuterRef("pk"), police_reference__iexact=text)))


def chronology_entries(user: User, child_id: int, now: datetime) -> list[tuple[datetime, dict]]:
    """The child's episodes the user may see, each at when the child was last seen. The chronology shows none of
    an episode's free text, so it is not loaded (nor decrypted)."""
    episodes = list(
        episodes_for(user)
        .filter(child_id=child_id)
        .select_related("police_force")
        .defer(*encrypted_fields(MissingEpisode))
    )
    found_with = found_with_for(user, episodes)  # names only of the other children the user may see
    return [(episode.last_seen_at, {"episode": episode, "found_with": found_with[episode.pk]}) for episode in episodes]


def open_episodes_for(user: User) -> QuerySet[MissingEpisode]:
    return episodes_for(user).open()


REPORT_MISSING = ReportMissing(allowed=can_report_missing, open_episodes=open_episodes_for)
