"""Who may see which missing episodes, what of them they may read, and who may report or change one: the
episodes app's scoped lookups, built on the kernel (`access.scoping`)."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet

from access.models import Role, User
from access.scoping import (
    COUNCIL_CASE_ROLES,
    EPISODE_EDITOR_ROLES,
    combine,
    combine_each,
    emergency_grants,
    get_or_404,
    granted_grants,
    interviews_assigned_to,
    received_shares,
)
from children.models import Child
from children.scoping import children_for
from episodes.models import EpisodeFoundWith, EpisodeLogEntry, EpisodeQuerySet, MissingEpisode
from episodes.shareable import EPISODE_FREE_TEXT_FIELDS as EPISODE_FREE_TEXT_FIELDS  # the names pages import here
from episodes.shareable import EPISODE_SUMMARY, EPISODE_WORDS
from episodes.shareable import RISK_CHANGE_REASONS as RISK_CHANGE_REASONS


def _own_episode_grants(user: User) -> list[Q]:
    """The episodes the user's own roles reach: their council's children's, their force's, and those covered by
    an interview assigned to them."""
    grants = []
    if user.has_role(*COUNCIL_CASE_ROLES):
        grants.append(Q(child__responsible_council_id=user.agency_id) | Q(child__placement_council_id=user.agency_id))
    if user.has_role(Role.POLICE):
        grants.append(Q(police_force_id=user.agency_id))
    if user.has_role(Role.RHI_PRACTITIONER):
        grants.append(Q(Exists(interviews_assigned_to(user).filter(episodes=OuterRef("pk")))))
    return grants


def _episode_grants(user: User) -> list[Q]:
    """What reaches an episode: the user's own roles, an episode summary share, or emergency access. None without
    an agency (deny by default)."""
    if not user.is_authenticated or not user.is_active or user.agency_id is None:
        return []
    shared = received_shares(user).filter(what=EPISODE_SUMMARY, episode=OuterRef("pk"))
    return [*_own_episode_grants(user), *granted_grants(user, shared=shared, child_ref="child")]


def episodes_for(user: User) -> EpisodeQuerySet:
    """Every episode the user may see: through their own roles, an episode summary share, or emergency access.
    What they may read of it is `redact_episodes`."""
    return combine(MissingEpisode.objects.all(), _episode_grants(user))


def episodes_among(user: User, episodes: EpisodeQuerySet) -> EpisodeQuerySet:
    """The episodes of `episodes` that episodes_for(user) holds, found grant by grant (access.scoping's
    combine_each): for counting and paging a subset at scale, such as My work's children missing now."""
    return combine_each(episodes, _episode_grants(user))


def episodes_in_full_for(user: User) -> QuerySet[MissingEpisode]:
    """The episodes whose free text (circumstances, who the child was found with, harm) the user may read:
    through their own roles or emergency access, not through an episode summary share."""
    if not user.is_authenticated or not user.is_active or user.agency_id is None:
        return MissingEpisode.objects.none()
    grants = [*_own_episode_grants(user), *emergency_grants(user, child_ref="child")]
    return combine(MissingEpisode.objects.all(), grants)


def get_episode_for_user(user: User, episode_id: object) -> MissingEpisode:
    return get_or_404(episodes_for(user).select_related("child", "police_force"), episode_id)


def can_report_missing(user: User) -> bool:
    return user.has_role(*EPISODE_EDITOR_ROLES)


def can_edit_episode(user: User, episode: MissingEpisode) -> bool:
    """Change the risk grade or record the return: council case roles, or the force that holds it."""
    if user.has_role(*COUNCIL_CASE_ROLES) and user.agency_id in (
        episode.child.responsible_council_id,
        episode.child.placement_council_id,
    ):
        return True
    return user.has_role(Role.POLICE) and episode.police_force_id == user.agency_id


# The episode's free text and the reasons for its risk grades (EPISODE_WORDS) are withheld from the recipient of
# an episode summary share, who sees the rest: its `receiver_fields`, registered in episodes.shareable.


def redact_episodes(user: User, episodes: Iterable[MissingEpisode]) -> list[MissingEpisode]:
    """The one rule for what of a missing episode a user may read, used by every page and API response that
    shows an episode: the whole episode for those who reach it through their own roles or emergency access
    (`episodes_in_full_for`); without its free text for the recipient of an episode summary share.

    Sets each withheld field to None on these in-memory episodes and lists them in `withheld_fields` (with
    `RISK_CHANGE_REASONS` when the reasons for the risk grades are withheld too). The
    columns are NOT NULL, so a redacted episode can never be saved over the real one.
    """
    episodes = list(episodes)
    full = set(episodes_in_full_for(user).filter(pk__in=[e.pk for e in episodes]).values_list("pk", flat=True))
    for episode in episodes:
        withheld = frozenset() if episode.pk in full else EPISODE_WORDS
        for name in withheld & EPISODE_FREE_TEXT_FIELDS:
            setattr(episode, name, None)
        # `risk_change_reasons` listed here means: show each risk grade change without its reason.
        episode.withheld_fields = sorted(withheld)
    return episodes


def redact_episode(user: User, episode: MissingEpisode) -> MissingEpisode:
    return redact_episodes(user, [episode])[0]


def log_entries_for(user: User) -> QuerySet[EpisodeLogEntry]:
    """The episode log entries the user may read: those of the episodes they may read in full (their own roles or
    emergency access). An episode summary share shows the episode, not its log (the notes are free text)."""
    return EpisodeLogEntry.objects.filter(episode__in=episodes_in_full_for(user).values("pk"))


def can_add_to_log(user: User, episode: MissingEpisode) -> bool:
    """Add to the log: whoever may change the episode (its councils' case roles, the force holding it)."""
    return can_edit_episode(user, episode)


# --- Found with -------------------------------------------------------------------------------------------


@dataclass
class FoundWith:
    """Who a child was found with, as one reader may see it: the other children they may see by name, the rest
    (children known to Homeward whom the reader may not see) only counted, and those not known to us."""

    children: list[Child] = field(default_factory=list)
    not_shown: int = 0
    unknown: int = 0

    @property
    def recorded(self) -> bool:
        return bool(self.children or self.not_shown or self.unknown)

    @property
    def others(self) -> int:
        """How many other children are counted without a name: those the reader may not see and the unknown."""
        return self.not_shown + self.unknown


def found_with_for(user: User, episodes: Iterable[MissingEpisode]) -> dict[int, FoundWith]:
    """Each episode's found-with links as the user may see them (names only of children the user may see), for
    episodes the caller already reached through `episodes_for`. Two queries, however many episodes."""
    pks = [episode.pk for episode in episodes]
    result: dict[int, FoundWith] = {pk: FoundWith() for pk in pks}
    links = list(
        EpisodeFoundWith.objects.filter(episode_id__in=pks).values_list("episode_id", "other_child_id", "unknown_count")
    )
    others = {other for _, other, _ in links if other}
    visible = {
        child.pk: child for child in children_for(user).filter(pk__in=others).order_by("last_name", "first_name", "pk")
    }
    for episode_pk, other, unknown in links:
        found = result[episode_pk]
        if other is None:
            found.unknown += unknown
        elif other in visible:
            found.children.append(visible[other])
        else:
            found.not_shown += 1
    return result


FOUND_WITH_CANDIDATES_SHOWN = 30
FOUND_WITH_CANDIDATE_MARGIN = timedelta(days=2)


def found_with_candidates(user: User, episode: MissingEpisode) -> list[Child]:
    """The children offered in the "found with" picker: those the user may see, other than this child, who were
    missing at about the same time (an episode overlapping this one, give or take two days), most recently seen
    first, at most FOUND_WITH_CANDIDATES_SHOWN. Any other child the user may see is found by their council
    child ID on the same form, so the page never lists thousands of children."""
    start = episode.last_seen_at - FOUND_WITH_CANDIDATE_MARGIN
    end = (episode.returned_at or episode.last_seen_at) + FOUND_WITH_CANDIDATE_MARGIN
    overlapping = MissingEpisode.objects.filter(last_seen_at__lte=end).filter(
        Q(returned_at__isnull=True) | Q(returned_at__gte=start)
    )
    visible = children_for(user).filter(pk__in=overlapping.exclude(child_id=episode.child_id).values("child_id"))
    return list(visible.order_by("last_name", "first_name", "pk")[:FOUND_WITH_CANDIDATES_SHOWN])
