"""How the interviews app reacts to other apps' events (connected in InterviewsConfig.ready)."""

from access.models import User
from episodes.models import MissingEpisode
from interviews.actions import open_interview_for_return


def open_interview_on_return(sender: type, *, episode: MissingEpisode, acting_user: User, **kwargs: object) -> None:
    """A child returned: attach the episode to their interview in progress, or open one due 72 hours later."""
    open_interview_for_return(episode, acting_user=acting_user)
