"""Pattern detection: children missing together, hotspots, and the network of children, persons and places.

Every function takes querysets the caller got from the scoped lookups (`episodes_for`, `child_links_for`), so
what it finds is what the user may see. Each reads its rows with one `values_list` query per queryset and
does the rest in memory, so the cost does not grow with per-child queries (see the `network` benchmark).

Definitions
-----------
Missing together
    Two children are missing together when two of their episodes overlap in time (last seen → returned, or
    now while still open) AND at least one of:
    - *same placement*: the children were placed at the same setting when they went missing: the same Ofsted
      URN where one is known, the same postcode (normalised, not blank) otherwise. The setting of each episode
      is the child's placement (`children.PlacementHistory`) covering the day they were last seen, or, where
      no history row covers that day, the child's current placement; so two children who lived at a home at
      different times are not grouped by it, and two at different homes sharing a postcode area are not;
    - *same person* / *same place*: both children have an active link to the same person of concern (or
      place) that covers the episode: the link names the episode, or is dated within
      HOMEWARD_MISSING_TOGETHER_WINDOW_DAYS of the day the child was last seen.
    Two children are also together, whether or not their episodes overlap (co-occurrence):
    - *last seen together*: both were last seen at the same place (the normalised last-seen text, not a generic
      one such as "Home address") within HOMEWARD_SEEN_TOGETHER_HOURS of each other;
    - *found together*: both episodes were found at the same place (the normalised found-place text, not a
      generic one such as "Returned home") and returned within HOMEWARD_FOUND_TOGETHER_HOURS of each other;
      or one episode's "found with" links (`episodes.EpisodeFoundWith`) name the other child, whose episode
      overlaps it or was returned within those hours (a link counts only when both episodes are in the
      caller's scoped episodes, so it never reveals a child the user may not see).
    - *same person* / *same place*: both children have an active link to the same person of concern (or
      place) that covers the episode: the link names the episode, or is dated within
      HOMEWARD_MISSING_TOGETHER_WINDOW_DAYS of the day the child was last seen.
    Pairs are joined into groups: children connected through any chain of pairs.

Hotspots
    Last-seen and found places that recur: episodes grouped by normalised place text (generic entries such as
    "Home address, Northtown" and "Returned home" left out), counting episodes and distinct children; and by
    postcode district (the outward code, such as NM4), taken from a postcode in the place text or from a place
    linked to the episode as where the child was last seen or found.

The network and its ranking
    An undirected graph of children, persons and places: an edge for each active link (child-person,
    child-place) and for each pair of children missing together (child-child). A link to a family member or
    carer not of concern is no edge and adds nothing. Each child has a weight from its whole history, each
    episode decayed by its age a (in days) with half-life H (HOMEWARD_NETWORK_HALF_LIFE_DAYS, 180 by default):

        decay(a) = 0.5 ** (a / H)
        w(child) = 1 + min(Σ over the child's episodes decay(a), 5) + 3 * decay(a of the latest high-risk episode)
                   + min(Σ over the push and pull factors pointing to exploitation in the child's return interviews
              decay(age of the interview), 3)
                   + min(Σ over the child's episodes with another child last seen or found together, or missing
              from the same placement, decay(a), 2)

    (the last term only when the caller passes the missing-together pairs, as the network and the cross-border
    picture do: co-occurrence in the world, not the links to the same person or place, which score already).

    (the factors are interviews.codes.EXPLOITATION_FACTORS: adults offering gifts or money, drugs or alcohol,
    gangs, a relationship; the page shows which), so a child counts from 1 (no episode) to 14; a group
    that went quiet three months ago still counts about 0.7 of what it did (there is no cut-off). A person's
    or place's score is the sum, over the distinct children it links, of

        w(child) * confidence * relationship

    with confidence 1 for confirmed, 0.7 for probable and 0.4 for possible, and relationship 1 for an adult of
    concern (and for every place), 0.5 for a peer and 0 for family or a carer not of concern (the strongest of
    the child's active links to that node). Persons and places are ranked by score, then by the number of
    children; each score keeps its terms (`RankedNode.terms`) so the page can show how it was made.
    Clusters are the connected components of the graph with two or more children: children connected
    through shared persons, places or going missing together.
"""

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

import networkx as nx
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from children.models import PlacementHistory
from episodes.codes import RiskGrade
from episodes.models import EpisodeFoundWith, MissingEpisode
from interviews.codes import EXPLOITATION_FACTORS, FACTOR_CODES
from interviews.models import InterviewFactor
from network.codes import Confidence, LinkSource, Relationship
from network.models import ChildPersonLink, ChildPlaceLink

PLACEMENT = "placement"
SEEN = "seen"
FOUND = "found"
PERSON = "person"
PLACE = "place"
REASON_LABELS = {
    PLACEMENT: "Missing from the same placement",
    SEEN: "Last seen together",
    FOUND: "Found together",
    PERSON: "Linked to the same person",
    PLACE: "Linked to the same place",
}
CONFIDENCE_WEIGHT: dict[str, float] = {Confidence.CONFIRMED: 1.0, Confidence.PROBABLE: 0.7, Confidence.POSSIBLE: 0.4}
# What the person is to the child: an adult of concern counts fully, a peer half, family or a carer not of
# concern not at all (a place counts fully).
RELATIONSHIP_WEIGHT: dict[str, float] = {
    Relationship.ADULT_OF_CONCERN: 1.0,
    Relationship.PEER: 0.5,
    Relationship.FAMILY_CARER: 0.0,
}
EPISODES_CAP = 5
HIGH_RISK_BONUS = 3
# Each push or pull factor pointing to exploitation (interviews.codes.EXPLOITATION_FACTORS) recorded in the child's
# completed return interviews adds FACTOR_BONUS, decayed by the interview's age like an episode; at most FACTORS_CAP.
FACTOR_BONUS = 1
FACTORS_CAP = 3
# Each of the child's episodes in which they were last seen or found with another child, or went missing from the
# same placement at the same time (the reasons below), adds TOGETHER_BONUS decayed by its age; at most TOGETHER_CAP.
TOGETHER_BONUS = 1
TOGETHER_CAP = 2
TOGETHER_REASONS = (PLACEMENT, SEEN, FOUND)

# Place text that names no particular shared place: the child's own home or placement, "returned home".
GENERIC_PLACE = re.compile(
    r"^(?:returned\b.*|home|home address\b.*|placement|placement address\b.*|own home\b.*|"
    r"not known|unknown|none|n a|)$"
)
POSTCODE_IN_TEXT = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?) ?\d[A-Z]{2}\b", re.IGNORECASE)
_NON_WORD = re.compile(r"[^a-z0-9]+")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=65536)
def normalise_place(text: str) -> str:
    """Lower case, '&' as 'and', punctuation and repeated spaces removed: 'The Bus-Station ' → 'the bus station'."""
    return _NON_WORD.sub(" ", (text or "").lower().replace("&", " and ")).strip()


def is_shared_place(normalised: str) -> bool:
    return not GENERIC_PLACE.match(normalised)


def postcode_district(text: str) -> str:
    """The outward code of the first postcode in the text ('Flat 2, NM4 7AB' → 'NM4'), or ''."""
    match = POSTCODE_IN_TEXT.search(text or "")
    return match.group(1).upper() if match else ""


@lru_cache(maxsize=65536)
def _normalise_postcode(postcode: str) -> str:
    return _SPACES.sub("", (postcode or "").upper())


# --- Children missing together --------------------------------------------------------------------


@dataclass(frozen=True)
class _Episode:
    pk: int
    child: int
    start: datetime
    end: datetime
    returned_at: datetime | None
    found: str
    setting: str  # where the child was placed when last seen: "urn:SC999001", "postcode:NM11AA" or ""
    seen: str = ""  # the normalised last-seen place


@dataclass
class TogetherPair:
    child_a: int
    child_b: int
    episode_a: int
    episode_b: int
    reasons: set[str] = field(default_factory=set)
    persons: set[int] = field(default_factory=set)
    places: set[int] = field(default_factory=set)
    # When each child was last seen in its episode (for the co-occurrence term of the ranking's weights).
    seen_a: datetime | None = None
    seen_b: datetime | None = None


@dataclass
class TogetherGroup:
    children: list[int]
    episodes: list[int]
    reasons: set[str]
    persons: set[int]
    places: set[int]
    first: datetime
    last: datetime
    pairs: int

    @property
    def reason_labels(self) -> list[str]:
        return [REASON_LABELS[reason] for reason in REASON_LABELS if reason in self.reasons]


@dataclass
class MissingTogether:
    pairs: list[TogetherPair]
    groups: list[TogetherGroup]


def _overlapping(episodes: list[_Episode]) -> Iterable[tuple[_Episode, _Episode]]:
    """Every pair of episodes of different children whose times overlap (a sweep over start times)."""
    active: list[_Episode] = []
    for episode in sorted(episodes, key=lambda e: (e.start, e.pk)):
        active = [other for other in active if other.end > episode.start]
        for other in active:
            if other.child != episode.child:
                yield other, episode
        active.append(episode)


def _active_links(links: QuerySet | None, target: str, since: datetime | None, window: timedelta) -> list[tuple]:
    if links is None:
        return []
    links = links.filter(ended_at__isnull=True)
    if target == PERSON:  # a family member or carer not of concern ties no children together
        links = links.exclude(relationship=Relationship.FAMILY_CARER)
    if since is not None:
        links = links.filter(linked_on__gte=timezone.localdate(since) - window)
    return list(links.values_list("child_id", f"{target}_id", "linked_on", "episode_id"))


def children_missing_together(
    episodes: QuerySet[MissingEpisode],
    person_links: QuerySet[ChildPersonLink] | None = None,
    place_links: QuerySet[ChildPlaceLink] | None = None,
    *,
    since: datetime | None = None,
    now: datetime | None = None,
    window_days: int | None = None,
    found_within_hours: int | None = None,
    seen_within_hours: int | None = None,
) -> MissingTogether:
    """Pairs and groups of children missing together (see the module's definition), episodes from `since`."""
    now = now or timezone.now()
    window = timedelta(days=settings.HOMEWARD_MISSING_TOGETHER_WINDOW_DAYS if window_days is None else window_days)
    found_within = timedelta(
        hours=settings.HOMEWARD_FOUND_TOGETHER_HOURS if found_within_hours is None else found_within_hours
    )
    seen_within = timedelta(
        hours=settings.HOMEWARD_SEEN_TOGETHER_HOURS if seen_within_hours is None else seen_within_hours
    )
    if since is not None:
        episodes = episodes.filter(last_seen_at__gte=since)
    rows = episodes.values_list(
        "pk",
        "child_id",
        "last_seen_at",
        "returned_at",
        "found_place",
        "last_seen_place",
        "child__placement_urn",
        "child__placement_postcode",
    )
    placements = _placement_history(episodes)
    all_episodes = [
        _Episode(
            pk,
            child,
            seen,
            returned or now,
            returned,
            normalise_place(found),
            _setting_on(placements.get(child, ()), timezone.localdate(seen), urn, postcode),
            normalise_place(seen_place),
        )
        for pk, child, seen, returned, found, seen_place, urn, postcode in rows.iterator(chunk_size=5000)
    ]
    pairs: dict[tuple[int, int], TogetherPair] = {}

    def add(a: _Episode, b: _Episode, reason: str, person: int | None = None, place: int | None = None) -> None:
        if (a.child, a.pk) > (b.child, b.pk):
            a, b = b, a
        pair = pairs.get((a.pk, b.pk))
        if pair is None:
            pair = pairs[(a.pk, b.pk)] = TogetherPair(a.child, b.child, a.pk, b.pk, seen_a=a.start, seen_b=b.start)
        pair.reasons.add(reason)
        if person is not None:
            pair.persons.add(person)
        if place is not None:
            pair.places.add(place)

    by_setting: dict[str, list[_Episode]] = defaultdict(list)
    by_found: dict[str, list[_Episode]] = defaultdict(list)
    by_seen: dict[str, list[_Episode]] = defaultdict(list)
    by_child: dict[int, list[_Episode]] = defaultdict(list)
    for episode in all_episodes:
        by_child[episode.child].append(episode)
        if episode.setting:
            by_setting[episode.setting].append(episode)
        if episode.returned_at is not None and episode.found and is_shared_place(episode.found):
            by_found[episode.found].append(episode)
        if episode.seen and is_shared_place(episode.seen):
            by_seen[episode.seen].append(episode)

    for group in by_setting.values():
        if len(group) > 1:
            for a, b in _overlapping(group):
                add(a, b, PLACEMENT)

    # Co-occurrence: at the same place within hours of each other, whether or not the episodes overlap.
    for reason, groups, moment, within in (
        (FOUND, by_found, _returned_at, found_within),
        (SEEN, by_seen, _seen_at, seen_within),
    ):
        for group in groups.values():
            if len(group) < 2:
                continue
            group.sort(key=moment)
            for index, episode in enumerate(group):
                for other in group[index + 1 :]:
                    if moment(other) - moment(episode) > within:
                        break
                    if other.child != episode.child:
                        add(episode, other, reason)

    by_pk = {episode.pk: episode for episode in all_episodes}
    found_links = EpisodeFoundWith.objects.filter(episode__in=episodes.values("pk"), other_child__isnull=False)
    for episode_pk, other_child in found_links.values_list("episode_id", "other_child_id").iterator(chunk_size=5000):
        found = by_pk.get(episode_pk)
        if found is None or found.returned_at is None:
            continue
        for other in by_child.get(other_child, ()):
            overlaps = other.start < found.end and found.start < other.end
            close = other.returned_at is not None and abs(other.returned_at - found.returned_at) <= found_within
            if other.child != found.child and (overlaps or close):
                add(found, other, FOUND)

    for reason, links in (
        (PERSON, _active_links(person_links, PERSON, since, window)),
        (PLACE, _active_links(place_links, PLACE, since, window)),
    ):
        by_target: dict[int, list[tuple]] = defaultdict(list)
        for link in links:
            by_target[link[1]].append(link)
        for target, target_links in by_target.items():
            if len({link[0] for link in target_links}) < 2:
                continue
            covered: dict[int, _Episode] = {}
            for child, _, linked_on, episode_pk in target_links:
                for episode in by_child.get(child, ()):
                    if episode.pk == episode_pk or _within(linked_on, episode.start, window):
                        covered[episode.pk] = episode
            for a, b in _overlapping(list(covered.values())):
                add(a, b, reason, **{reason: target})

    ordered = sorted(pairs.values(), key=lambda p: (p.child_a, p.child_b, p.episode_a, p.episode_b))
    return MissingTogether(pairs=ordered, groups=_groups(ordered, {e.pk: e for e in all_episodes}))


NOT_YET = datetime.min.replace(tzinfo=UTC)  # a group's first and last before its episodes are read


def _returned_at(episode: _Episode) -> datetime:
    assert episode.returned_at is not None  # only returned episodes are grouped by where they were found
    return episode.returned_at


def _seen_at(episode: _Episode) -> datetime:
    return episode.start


def _placement_history(episodes: QuerySet[MissingEpisode]) -> dict[int, list[tuple[date, date | None, str]]]:
    """The placements (from, to, setting) of the episodes' children, from their history (one query). Only the
    settings' keys are read, to group children: nothing of a placement is shown."""
    history: dict[int, list[tuple[date, date | None, str]]] = defaultdict(list)
    rows = PlacementHistory.objects.filter(child_id__in=episodes.values("child_id")).values_list(
        "child_id", "started_on", "ended_on", "urn", "postcode"
    )
    for child, started, ended, urn, postcode in rows.iterator(chunk_size=5000):
        history[child].append((started, ended, placement_setting(urn, postcode)))
    return history


def placement_setting(urn: str, postcode: str) -> str:
    """The setting a placement is at, for the same-placement pattern: its Ofsted URN where known, else its
    postcode (normalised), else "". (`children.models.placement_key` also tells apart providers sharing a
    postcode without a URN; the pattern keeps the postcode alone there, as providers' names are spelt many ways.)"""
    if urn and urn.strip():
        return f"urn:{urn.strip().upper()}"
    code = _normalise_postcode(postcode)
    return f"postcode:{code}" if code else ""


def _setting_on(history: Iterable[tuple[date, date | None, str]], day: date, urn: str, postcode: str) -> str:
    """Where the child was placed on `day`: the history row covering it, else their current placement."""
    for started, ended, setting in history:
        if started <= day and (ended is None or day <= ended):
            return setting
    return placement_setting(urn, postcode)


def _within(day: date, moment: datetime, window: timedelta) -> bool:
    return abs(day - timezone.localdate(moment)) <= window


def _groups(pairs: Iterable[TogetherPair], episodes: dict[int, _Episode]) -> list[TogetherGroup]:
    graph: nx.Graph = nx.Graph()
    pairs = list(pairs)
    for pair in pairs:
        graph.add_edge(pair.child_a, pair.child_b)
    group_of = {}
    groups: list[TogetherGroup] = []
    for index, children in enumerate(nx.connected_components(graph)):
        for child in children:
            group_of[child] = index
        # first and last are filled in below, from the group's episodes (every group has at least one pair)
        groups.append(TogetherGroup(sorted(children), [], set(), set(), set(), NOT_YET, NOT_YET, 0))
    episode_sets: dict[int, set[int]] = defaultdict(set)
    for pair in pairs:
        index = group_of[pair.child_a]
        group = groups[index]
        group.reasons |= pair.reasons
        group.persons |= pair.persons
        group.places |= pair.places
        group.pairs += 1
        episode_sets[index].update((pair.episode_a, pair.episode_b))
    for index, group in enumerate(groups):
        chosen = [episodes[pk] for pk in episode_sets[index]]
        group.episodes = sorted(episode_sets[index])
        group.first = min(e.start for e in chosen)
        group.last = max(e.end for e in chosen)
    groups.sort(key=lambda g: (-len(g.children), -g.last.timestamp(), g.children))
    return groups


# --- Hotspots -------------------------------------------------------------------------------------

LAST_SEEN = "last_seen"
FOUND_AT = "found"


@dataclass
class Hotspot:
    kind: str  # LAST_SEEN or FOUND_AT, or "district"
    key: str
    label: str
    episodes: int
    children: int
    first: datetime
    last: datetime

    @property
    def kind_label(self) -> str:
        return {LAST_SEEN: "Last seen", FOUND_AT: "Found", "district": "Postcode district"}[self.kind]


@dataclass
class Hotspots:
    places: list[Hotspot]
    districts: list[Hotspot]


class _Tally:
    __slots__ = ("children", "episodes", "first", "last", "spellings")

    def __init__(self) -> None:
        self.episodes: set[int] = set()
        self.children: set[int] = set()
        self.spellings: Counter = Counter()
        self.first: datetime | None = None
        self.last: datetime | None = None

    def add(self, episode: int, child: int, moment: datetime, spelling: str) -> None:
        self.episodes.add(episode)
        self.children.add(child)
        self.spellings[spelling] += 1
        self.first = moment if self.first is None or moment < self.first else self.first
        self.last = moment if self.last is None or moment > self.last else self.last

    def hotspot(self, kind: str, key: str) -> Hotspot:
        label = min(self.spellings.items(), key=lambda item: (-item[1], item[0]))[0]
        assert self.first is not None and self.last is not None  # a tally is made by add()
        return Hotspot(kind, key, label, len(self.episodes), len(self.children), self.first, self.last)


def hotspots(
    episodes: QuerySet[MissingEpisode],
    place_links: QuerySet[ChildPlaceLink] | None = None,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    min_children: int = 2,
) -> Hotspots:
    """Recurring last-seen and found places, and postcode districts, over episodes last seen in [since, until).

    A hotspot needs at least `min_children` distinct children. Sorted by distinct children, then episodes.
    """
    if since is not None:
        episodes = episodes.filter(last_seen_at__gte=since)
    if until is not None:
        episodes = episodes.filter(last_seen_at__lt=until)
    places: dict[tuple[str, str], _Tally] = defaultdict(_Tally)
    districts: dict[str, _Tally] = defaultdict(_Tally)
    episode_child: dict[int, tuple[int, datetime]] = {}
    rows = episodes.values_list("pk", "child_id", "last_seen_at", "last_seen_place", "returned_at", "found_place")
    for pk, child, seen, seen_place, returned, found_place in rows.iterator(chunk_size=5000):
        episode_child[pk] = (child, seen)
        for kind, text, moment in ((LAST_SEEN, seen_place, seen), (FOUND_AT, found_place, returned)):
            if not text or moment is None:
                continue
            key = normalise_place(text)
            if is_shared_place(key):
                places[(kind, key)].add(pk, child, moment, text.strip())
            district = postcode_district(text)
            if district:
                districts[district].add(pk, child, moment, district)
    if place_links is not None:
        linked = place_links.filter(
            episode__isnull=False, source__in=[LinkSource.LAST_SEEN_AT, LinkSource.FOUND_AT]
        ).exclude(place__postcode="")
        for episode_pk, postcode in linked.values_list("episode_id", "place__postcode"):
            if episode_pk in episode_child:
                district = postcode_district(postcode)
                if district:
                    child, seen = episode_child[episode_pk]
                    districts[district].add(episode_pk, child, seen, district)

    def ranked(items: Iterable[Hotspot]) -> list[Hotspot]:
        return sorted((h for h in items if h.children >= min_children), key=lambda h: (-h.children, -h.episodes, h.key))

    return Hotspots(
        places=ranked(tally.hotspot(kind, key) for (kind, key), tally in places.items()),
        districts=ranked(tally.hotspot("district", key) for key, tally in districts.items()),
    )


# --- The network ----------------------------------------------------------------------------------

CHILD = "child"


def node(kind: str, pk: int) -> str:
    """The graph's name for a record: 'child:12', 'person:3', 'place:7'."""
    return f"{kind}:{pk}"


@dataclass(frozen=True)
class ChildWeight:
    """What a child weighs in the ranking, and the terms that made it (see the module doc)."""

    episodes: int  # every episode up to now, however old
    decayed: float  # Σ decay(age) over those episodes, before the cap
    high_risk: float  # HIGH_RISK_BONUS * decay(age) of the latest high-risk episode, or 0
    weight: float
    factors: float = 0.0  # FACTOR_BONUS * Σ decay(age) over the interview factors pointing to exploitation, capped
    factor_labels: tuple[str, ...] = ()  # those factors, in words
    together: float = 0.0  # TOGETHER_BONUS * Σ decay(age) over episodes with another child (co-occurrence), capped
    together_labels: tuple[str, ...] = ()  # how they were together, in words ("Last seen together", ...)

    @property
    def explained(self) -> str:
        plural = "" if self.episodes == 1 else "s"
        text = f"1 + {min(self.decayed, EPISODES_CAP):g} from {self.episodes} episode{plural}"
        if self.decayed > EPISODES_CAP:
            text += f" (capped from {self.decayed:g})"
        if self.high_risk:
            text += f" + {self.high_risk:g} for high risk"
        if self.factors:
            text += f" + {self.factors:g} for interview factors ({', '.join(self.factor_labels).lower()})"
        if self.together:
            how = ", ".join(self.together_labels).lower()
            text += f" + {self.together:g} for going missing with other children ({how})"
        return f"{text} = {self.weight:g}"


NO_EPISODES = ChildWeight(0, 0.0, 0.0, 1.0)


def decay(age: timedelta, half_life_days: float) -> float:
    """How much something `age` old still counts: 1 now, 1/2 after one half-life, 1/4 after two, never 0."""
    days = max(age.total_seconds(), 0.0) / 86400
    return 0.5 ** (days / half_life_days)


@dataclass(frozen=True)
class ScoreTerm:
    """One child's part in a person's or place's score: w(child) * confidence * relationship."""

    child: int
    weight: ChildWeight
    confidence: str  # a Confidence code
    relationship: str  # a Relationship code, or "" for a place

    @property
    def factor(self) -> float:
        return CONFIDENCE_WEIGHT.get(self.confidence, CONFIDENCE_WEIGHT[Confidence.POSSIBLE]) * RELATIONSHIP_WEIGHT.get(
            self.relationship, 1.0
        )

    @property
    def contribution(self) -> float:
        return round(self.weight.weight * self.factor, 2)

    @property
    def explained(self) -> str:
        text = f"weight {self.weight.weight:g} x {Confidence(self.confidence).label.lower()} "
        text += f"{CONFIDENCE_WEIGHT.get(self.confidence, 0.4):g}"
        if self.relationship:
            text += f" x {Relationship(self.relationship).label.lower()} {RELATIONSHIP_WEIGHT[self.relationship]:g}"
        return f"{text} = {self.contribution:g}"


@dataclass
class RankedNode:
    kind: str  # PERSON or PLACE
    pk: int
    score: float
    children: list[int]  # heaviest first
    cluster: int | None = None  # index into Network.clusters
    terms: list[ScoreTerm] = field(default_factory=list)  # heaviest first, as children


@dataclass
class Cluster:
    index: int
    children: list[int]  # heaviest first
    persons: list[int]
    places: list[int]
    weight: float


@dataclass
class Network:
    graph: nx.Graph
    child_weights: dict[int, float]
    ranking: list[RankedNode]
    clusters: list[Cluster]
    weight_terms: dict[int, ChildWeight] = field(default_factory=dict)

    def weight_of(self, child: int) -> ChildWeight:
        return self.weight_terms.get(child, NO_EPISODES)

    def ranked(self, kind: str) -> list[RankedNode]:
        return [entry for entry in self.ranking if entry.kind == kind]


def explain_child_weights(
    episodes: QuerySet[MissingEpisode], *, now: datetime | None = None, half_life_days: float | None = None
) -> dict[int, ChildWeight]:
    """w(child), with its terms, for every child with an episode up to `now` (others weigh 1): see the module doc.

    The whole history counts, each episode decayed by its age (HOMEWARD_NETWORK_HALF_LIFE_DAYS), so a group
    that went quiet months ago still weighs more than a child who went missing once."""
    now = now or timezone.now()
    half_life = settings.HOMEWARD_NETWORK_HALF_LIFE_DAYS if half_life_days is None else half_life_days
    counts: Counter = Counter()
    decayed: dict[int, float] = defaultdict(float)
    high: dict[int, float] = defaultdict(float)
    rows = episodes.filter(last_seen_at__lte=now).values_list("child_id", "last_seen_at", "risk_grade")
    for child, seen, grade in rows.iterator(chunk_size=10000):
        factor = decay(now - seen, half_life)
        counts[child] += 1
        decayed[child] += factor
        if grade == RiskGrade.HIGH:
            high[child] = max(high[child], factor)
    factors, labels = _exploitation_factors(counts, now, half_life)
    weights = {}
    for child, count in counts.items():
        total = round(decayed[child], 2)
        bonus = round(HIGH_RISK_BONUS * high[child], 2) if child in high else 0.0
        extra = round(min(FACTOR_BONUS * factors.get(child, 0.0), FACTORS_CAP), 2)
        weights[child] = ChildWeight(
            count,
            total,
            bonus,
            round(1 + min(total, EPISODES_CAP) + bonus + extra, 2),
            extra,
            tuple(sorted(labels.get(child, ()))),
        )
    return weights


def _exploitation_factors(
    children: Iterable[int], now: datetime, half_life: float
) -> tuple[dict[int, float], dict[int, set[str]]]:
    """For each child, Σ decay(age of the interview) over the push and pull factors pointing to exploitation in
    their completed return interviews up to `now`, and those factors' labels (one query)."""
    kinds = sorted({kind for kind, _ in EXPLOITATION_FACTORS})
    codes = sorted({code for _, code in EXPLOITATION_FACTORS})
    rows = InterviewFactor.objects.filter(
        interview__child_id__in=list(children),
        interview__completed_at__lte=now,
        kind__in=kinds,
        code__in=codes,
    ).values_list("interview__child_id", "interview__completed_at", "kind", "code")
    totals: dict[int, float] = defaultdict(float)
    labels: dict[int, set[str]] = defaultdict(set)
    for child, completed, kind, code in rows.iterator(chunk_size=10000):
        if (kind, code) not in EXPLOITATION_FACTORS or completed is None:
            continue
        totals[child] += decay(now - completed, half_life)
        labels[child].add(str(FACTOR_CODES[kind](code).label))
    return totals, labels


def child_weights(
    episodes: QuerySet[MissingEpisode], *, now: datetime | None = None, half_life_days: float | None = None
) -> dict[int, float]:
    """w(child) for every child with an episode (others weigh 1)."""
    return {
        child: weight.weight
        for child, weight in explain_child_weights(episodes, now=now, half_life_days=half_life_days).items()
    }


def _with_co_occurrence(
    explained: dict[int, ChildWeight],
    together: Iterable[TogetherPair],
    *,
    now: datetime | None = None,
    half_life_days: float | None = None,
) -> dict[int, ChildWeight]:
    """The weights with the co-occurrence term added (see the module doc): for each child, each of their episodes
    in which they were last seen or found with another child, or missing from the same placement at the same
    time, counts TOGETHER_BONUS decayed by its age, at most TOGETHER_CAP in all."""
    now = now or timezone.now()
    half_life = settings.HOMEWARD_NETWORK_HALF_LIFE_DAYS if half_life_days is None else half_life_days
    episodes: dict[int, dict[int, datetime]] = defaultdict(dict)
    reasons: dict[int, set[str]] = defaultdict(set)
    for pair in together:
        shared = pair.reasons & set(TOGETHER_REASONS)
        if not shared:
            continue
        for child, episode, seen in (
            (pair.child_a, pair.episode_a, pair.seen_a),
            (pair.child_b, pair.episode_b, pair.seen_b),
        ):
            if seen is not None and seen <= now:
                episodes[child][episode] = seen
                reasons[child] |= shared
    if not episodes:
        return explained
    out = dict(explained)
    for child, seen_at in episodes.items():
        term = round(
            min(TOGETHER_BONUS * sum(decay(now - seen, half_life) for seen in seen_at.values()), TOGETHER_CAP), 2
        )
        if term <= 0:
            continue
        weight = explained.get(child, NO_EPISODES)
        labels = tuple(REASON_LABELS[reason] for reason in TOGETHER_REASONS if reason in reasons[child])
        out[child] = replace(weight, weight=round(weight.weight + term, 2), together=term, together_labels=labels)
    return out


def build_network(
    person_links: QuerySet[ChildPersonLink],
    place_links: QuerySet[ChildPlaceLink],
    episodes: QuerySet[MissingEpisode],
    *,
    together: Iterable[TogetherPair] = (),
    now: datetime | None = None,
    half_life_days: float | None = None,
) -> Network:
    """The graph of children, persons and places from active links (plus missing-together pairs), the
    ranking of persons and places by score, and the clusters (see the module doc). A link to a family
    member or carer not of concern counts for nothing: it is neither an edge nor part of a score."""
    explained = explain_child_weights(episodes, now=now, half_life_days=half_life_days)
    together = list(together)
    explained = _with_co_occurrence(explained, together, now=now, half_life_days=half_life_days)
    weights = {child: weight.weight for child, weight in explained.items()}
    graph: nx.Graph = nx.Graph()
    strongest: dict[tuple[str, int], dict[int, tuple[float, str, str]]] = defaultdict(dict)
    person_rows = person_links.filter(ended_at__isnull=True).values_list(
        "child_id", "person_id", "confidence", "relationship"
    )
    place_rows = place_links.filter(ended_at__isnull=True).values_list("child_id", "place_id", "confidence")
    for kind, rows in ((PERSON, person_rows), (PLACE, place_rows)):
        for child, target, confidence, *relationship in rows.iterator(chunk_size=10000):
            related = relationship[0] if relationship else ""
            factor = CONFIDENCE_WEIGHT.get(confidence, 0.4) * RELATIONSHIP_WEIGHT.get(related, 1.0)
            if factor <= 0:
                continue
            best = strongest[(kind, target)]
            if child not in best or factor > best[child][0]:
                best[child] = (factor, confidence, related)
    strength = {key: {child: found[0] for child, found in best.items()} for key, best in strongest.items()}
    for (kind, target), children in strength.items():
        graph.add_node(node(kind, target), kind=kind, pk=target)
        for child, factor in children.items():
            graph.add_node(node(CHILD, child), kind=CHILD, pk=child, weight=weights.get(child, 1))
            solid = CONFIDENCE_WEIGHT.get(strongest[(kind, target)][child][1], 0.4)
            graph.add_edge(node(kind, target), node(CHILD, child), confidence=solid, strength=factor)
    for pair in together:
        for child in (pair.child_a, pair.child_b):
            graph.add_node(node(CHILD, child), kind=CHILD, pk=child, weight=weights.get(child, 1))
        graph.add_edge(node(CHILD, pair.child_a), node(CHILD, pair.child_b), together=True)

    def heaviest_first(children: Iterable[int]) -> list[int]:
        return sorted(children, key=lambda c: (-weights.get(c, 1), c))

    ranking = [
        RankedNode(
            kind,
            target,
            round(sum(weights.get(child, 1) * factor for child, factor in children.items()), 2),
            heaviest_first(children),
            terms=[
                ScoreTerm(child, explained.get(child, NO_EPISODES), *strongest[(kind, target)][child][1:])
                for child in heaviest_first(children)
            ],
        )
        for (kind, target), children in strength.items()
    ]
    ranking.sort(key=lambda r: (-r.score, -len(r.children), r.kind, r.pk))

    clusters: list[Cluster] = []
    cluster_of: dict[str, int] = {}
    for component in nx.connected_components(graph):
        members = [graph.nodes[n]["pk"] for n in component if graph.nodes[n]["kind"] == CHILD]
        if len(members) < 2:
            continue
        clusters.append(
            Cluster(
                index=0,
                children=heaviest_first(members),
                persons=sorted(graph.nodes[n]["pk"] for n in component if graph.nodes[n]["kind"] == PERSON),
                places=sorted(graph.nodes[n]["pk"] for n in component if graph.nodes[n]["kind"] == PLACE),
                weight=float(sum(weights.get(c, 1) for c in members)),
            )
        )
    clusters.sort(key=lambda c: (-c.weight, -len(c.children), c.children))
    for index, cluster in enumerate(clusters):
        cluster.index = index
        for kind, members in ((PERSON, cluster.persons), (PLACE, cluster.places)):
            for pk in members:
                cluster_of[node(kind, pk)] = index
    for entry in ranking:
        entry.cluster = cluster_of.get(node(entry.kind, entry.pk))
    return Network(graph=graph, child_weights=weights, ranking=ranking, clusters=clusters, weight_terms=explained)
