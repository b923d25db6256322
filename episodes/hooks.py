"""What the episode's pages show of records that apps above episodes hold.

Return interviews depend on episodes, so episodes does not import interviews (the layers contract in
pyproject.toml): the interviews app fills in this hook from its `AppConfig.ready`, scoped by its own
`interviews_for(user)`.
"""

from collections.abc import Callable

from django.db.models import QuerySet

from access.models import User
from episodes.models import MissingEpisode

# Given the user and an episode: the return interviews the user may see that cover it.
CoveringInterviews = Callable[[User, MissingEpisode], QuerySet]

_covering_interviews: list[CoveringInterviews] = []


def register_covering_interviews(source: CoveringInterviews) -> None:
    _covering_interviews[:] = [source]


def covering_interviews(user: User, episode: MissingEpisode) -> QuerySet:
    """The interviews covering the episode that the user may see (registered by InterviewsConfig.ready)."""
    return _covering_interviews[0](user, episode)
