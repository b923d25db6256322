"""The cross-border picture: the network across every council in a police force's area, for police, MASH, and
exploitation teams and MACE panel members (`Role.EXPLOITATION`, whose role reaches no child: all are counted).

Police and MASH users see the persons, places, rankings and clusters drawn from the links of every child
responsible to, or placed in, a council of their force area, and of every other child linked to the same
persons and places (a group reaching over the border into another force's area is seen whole). Each child is
shown by name only to a user whose own roles reach them (`caseload_children_for`); every other child is an
anonymous, counted node: "2 children of Southvale Council". An anonymous child's name, id, weight or link to
any page never leaves this module: `Picture` carries only counts per council for them.

Any of them whose agency (or, for a council, its police force) has a region (`Agency.region`) may choose the
region's picture instead: every council of the region (with its own region, or covered by a force of the region),
drawn and anonymised the same way.

Police-only intelligence follows the network's rule (`network.scoping._intelligence_visible`): only the
recording force's police see it or links to it.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from access.models import Agency, AgencyKind, Region, Role, User
from children.models import Child
from children.scoping import caseload_children_for
from episodes.models import MissingEpisode
from network.models import ChildPersonLink, ChildPlaceLink, PersonOfConcern, Place
from network.patterns import (
    PERSON,
    PLACE,
    REASON_LABELS,
    Network,
    RankedNode,
    build_network,
    children_missing_together,
)
from network.scoping import intelligence_visible

# Police, MASH, and exploitation teams and MACE panel members (issue 14): the last see every child of the picture
# as an anonymous, counted node, as their role reaches no child's record.
PICTURE_ROLES = (Role.POLICE, Role.MASH, Role.EXPLOITATION)


def force_area_of(user: User) -> int | None:
    """The police force whose area the user's picture covers: their force, or their council's force."""
    if not (user.is_authenticated and user.is_active and user.agency_id and user.has_role(*PICTURE_ROLES)):
        return None
    agency = user.agency
    assert agency is not None
    if agency.kind == AgencyKind.POLICE:
        return agency.pk
    return agency.police_force_id if agency.kind == AgencyKind.COUNCIL else None


def can_see_partnership_picture(user: User) -> bool:
    return force_area_of(user) is not None


FORCE_AREA = "force"
REGION = "region"
AREAS = (FORCE_AREA, REGION)


def region_of(user: User) -> str:
    """The region whose picture the user may choose instead of their force area: their agency's region, or (for a
    council without one) its police force's; "" where none is recorded or the user may not see the picture."""
    if force_area_of(user) is None:
        return ""
    agency = user.agency
    assert agency is not None
    if agency.region or agency.police_force_id is None:
        return agency.region
    force = Agency.objects.filter(pk=agency.police_force_id).values_list("region", flat=True).first()
    return force or ""


def region_label(code: str) -> str:
    return str(Region(code).label) if code in Region.values else ""


def _area_councils(force_id: int, region: str) -> Q:
    """The councils of the picture: those of the force area, or of the region (a council in the region, or without
    a region of its own and covered by a force in it)."""
    if not region:
        return Q(police_force_id=force_id)
    return Q(region=region) | Q(region="", police_force__region=region)


@dataclass(frozen=True)
class Anonymous:
    """Children the user may not see, counted by their responsible council: never who they are."""

    council: str
    count: int

    @property
    def label(self) -> str:
        return f"{self.count} {'child' if self.count == 1 else 'children'} of {self.council}"


@dataclass
class PictureRow:
    record: PersonOfConcern | Place | None
    kind: str
    score: float | None
    named: list[tuple[int, str]]  # (pk, name) of the children the user may see
    anonymous: list[Anonymous]
    children: int  # all, named and anonymous
    anonymous_score: float = 0.0  # what the anonymous children add to the score, in one sum


@dataclass
class Picture:
    persons: list[PictureRow]
    places: list[PictureRow]
    clusters: list[dict]
    councils: list[str]
    children: int
    named: set[int]
    # Children of the picture missing together (network.patterns.children_missing_together): each group's named
    # children, the others counted by council, and how they were together; never an anonymous child's episode.
    together: list[dict] = field(default_factory=list)


def _area_links(user: User, model, target: str, force_id: int, region: str = "") -> QuerySet:
    councils = Agency.objects.filter(_area_councils(force_id, region), kind=AgencyKind.COUNCIL).values("pk")
    area = Q(child__responsible_council__in=councils) | Q(child__placement_council__in=councils)
    visible = model.objects.filter(intelligence_visible(user), intelligence_visible(user, f"{target}__"))
    reached = visible.filter(area, ended_at__isnull=True).values(f"{target}_id")
    return visible.filter(**{f"{target}_id__in": reached})


def partnership_picture(user: User, *, rows: int = 50, area: str = FORCE_AREA) -> Picture:
    """The force area's picture for the user, or with area=REGION their region's (every council of the region,
    the same anonymity: see the module doc). A user whose agency has no region gets the empty picture for it."""
    force_id = force_area_of(user)
    region = region_of(user) if area == REGION else ""
    if force_id is None or (area == REGION and not region):
        return Picture([], [], [], [], 0, set())
    person_links = _area_links(user, ChildPersonLink, "person", force_id, region)
    place_links = _area_links(user, ChildPlaceLink, "place", force_id, region)
    child_ids = set(person_links.values_list("child_id", flat=True)) | set(
        place_links.values_list("child_id", flat=True)
    )
    episodes = MissingEpisode.objects.filter(child_id__in=sorted(child_ids))
    # Children last seen or found together, or missing from the same placement, weigh more (as on the network page).
    together = children_missing_together(episodes, person_links, place_links)
    network = build_network(person_links, place_links, episodes, together=together.pairs)
    named = {
        pk: f"{first} {last}"
        for pk, first, last in caseload_children_for(user)
        .filter(pk__in=sorted(child_ids))
        .values_list("pk", "first_name", "last_name")
    }
    councils = dict(Child.objects.filter(pk__in=sorted(child_ids)).values_list("pk", "responsible_council__name"))

    def split(children: list[int]) -> tuple[list[tuple[int, str]], list[Anonymous]]:
        seen = [(pk, named[pk]) for pk in children if pk in named]
        hidden = Counter(councils.get(pk) or "another council" for pk in children if pk not in named)
        return seen, [Anonymous(council, count) for council, count in sorted(hidden.items())]

    def ranked(kind: str, model) -> list[PictureRow]:
        entries: list[RankedNode] = network.ranked(kind)[:rows]
        records = {r.pk: r for r in model.objects.filter(pk__in=[e.pk for e in entries])}
        out = []
        for entry in entries:
            seen, hidden = split(entry.children)
            hidden_score = round(sum(t.contribution for t in entry.terms if t.child not in named), 2)
            out.append(
                PictureRow(records.get(entry.pk), kind, entry.score, seen, hidden, len(entry.children), hidden_score)
            )
        return out

    shown_clusters = network.clusters[:rows]
    # The groups' persons and places in one query each, whatever the number of groups.
    persons = PersonOfConcern.objects.in_bulk({pk for cluster in shown_clusters for pk in cluster.persons})
    places = Place.objects.in_bulk({pk for cluster in shown_clusters for pk in cluster.places})
    clusters = []
    for cluster in shown_clusters:
        seen, hidden = split(cluster.children)
        clusters.append(
            {
                "number": cluster.index + 1,
                "named": seen,
                "anonymous": hidden,
                "count": len(cluster.children),
                "persons": sorted(
                    (persons[pk] for pk in cluster.persons if pk in persons), key=lambda p: (p.display_name, p.pk)
                ),
                "places": sorted((places[pk] for pk in cluster.places if pk in places), key=lambda p: (p.name, p.pk)),
                "councils": sorted({councils.get(pk) or "another council" for pk in cluster.children}),
            }
        )
    together_groups = []
    for number, group in enumerate(together.groups[:rows], start=1):
        seen, hidden = split(group.children)
        together_groups.append(
            {
                "number": number,
                "named": seen,
                "anonymous": hidden,
                "count": len(group.children),
                "reasons": [REASON_LABELS[reason] for reason in REASON_LABELS if reason in group.reasons],
                "councils": sorted({councils.get(pk) or "another council" for pk in group.children}),
            }
        )
    return Picture(
        together=together_groups,
        persons=ranked(PERSON, PersonOfConcern),
        places=ranked(PLACE, Place),
        clusters=clusters,
        councils=sorted({name for name in councils.values() if name}),
        children=len(child_ids),
        named=set(named) & (_shown(network, rows) | {c for group in together.groups[:rows] for c in group.children}),
    )


def _shown(network: Network, rows: int) -> set[int]:
    return {c for entry in network.ranking for c in entry.children} | {
        c for cluster in network.clusters[:rows] for c in cluster.children
    }
